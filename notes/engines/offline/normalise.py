"""Text normalisation before sentence splitting.

ASR tokenisation artefacts ("do n't"), spoken numbers -> digits ("one oh
two" -> "102", "five hundred milligrams" -> "500 mg"). Numbers and doses are
never dropped or merged here.
"""

from __future__ import annotations

import re


_NUMBER_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}


_UNIT_AFTER_ONE = re.compile(
    r"^(?:mg|mcg|ml|units?|days?|weeks?|months?|years?|hours?|minutes?|times?|tablets?|pills?|"
    r"packs?|drinks?|beers?|glasses?|cups?|pounds?|kilos?|percent|cm|mm|inch(?:es)?|out|to|or|and|"
    r"puffs?|carpules?|cartridges?|night|week|month|day|year)\b"
)


_ASR_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    # ACI-Bench (and many ASR outputs) tokenise contractions and punctuation.
    (re.compile(r"\b(\w+) n't\b", re.I), r"\1n't"),
    (re.compile(r"\b(\w+) '(s|re|ve|ll|d|m)\b", re.I), r"\1'\2"),
    (re.compile(r"\bgon na\b", re.I), "going to"),
    (re.compile(r"\bgonna\b", re.I), "going to"),
    (re.compile(r"\bwan na\b", re.I), "want to"),
    (re.compile(r"\bwanna\b", re.I), "want to"),
    (re.compile(r"\bgot ta\b", re.I), "got to"),
    (re.compile(r"\bgotta\b", re.I), "got to"),
    (re.compile(r"\s+([,.;:?!])"), r"\1"),
    (re.compile(r"\b(\w+)-(?=\s)"), r"\1"),  # cut-off words "l- let"
)


def _normalise(text: str, lang: str) -> str:
    """Fix ASR tokenisation and, for English, spoken numbers and units."""
    out = text.strip()
    for pattern, repl in _ASR_FIXES:
        out = pattern.sub(repl, out)
    if lang == "en":
        # "one oh two" (a temperature) = 102, "ninety nine point five" = 99.5.
        out = re.sub(
            r"\b(one|two|three|four|five|six|seven|eight|nine) (?:oh|o|zero) (one|two|three|four|five|six|seven|eight|nine)\b",
            lambda m: f"{_NUMBER_WORDS[m.group(1).lower()]}0{_NUMBER_WORDS[m.group(2).lower()]}", out, flags=re.I,
        )
        out = _words_to_numbers(out)
        out = re.sub(r"\b(\d+) point (\d+)\b", r"\1.\2", out)
        out = re.sub(r"\b(\d+(?:\.\d+)?) ?milligrams?\b", r"\1 mg", out, flags=re.I)
        out = re.sub(r"\b(\d+(?:\.\d+)?) ?micrograms?\b", r"\1 mcg", out, flags=re.I)
        out = re.sub(r"\b(\d+(?:\.\d+)?) ?millimeters?\b", r"\1 mm", out, flags=re.I)
        out = re.sub(r"\b(\d+(?:\.\d+)?) ?centimeters?\b", r"\1 cm", out, flags=re.I)
        out = re.sub(r"\b(\d+) over (\d+)\b", r"\1/\2", out)
    out = re.sub(r"\s+", " ", out)
    return out.strip()


def _words_to_numbers(text: str) -> str:
    """Turn spoken English numbers into digits ("six hundred" -> "600").

    "one" alone is only converted before a unit or time word, because it is
    usually a pronoun ("that one"). Handles "one twenty seven over eighty"
    style blood pressures by converting each number group separately.
    """
    tokens = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        word = tokens[i]
        low = word.lower().strip(",.?!")
        if low in _NUMBER_WORDS:
            j = i
            total = 0
            current = 0
            consumed: list[str] = []
            while j < len(tokens):
                w = tokens[j].lower().strip(",.?!")
                if w in _NUMBER_WORDS:
                    val = _NUMBER_WORDS[w]
                    if len(consumed) == 1 and consumed[0] in ("nineteen", "twenty") and val >= 10:
                        # Years: "twenty eighteen" -> 2018, "nineteen ninety" -> 1990.
                        current = current * 100 + val
                    elif consumed and consumed[-1] in _NUMBER_WORDS and _NUMBER_WORDS[consumed[-1]] < 10 and val >= 10 and val < 100 and w not in ("ten",):
                        # "one twenty seven": "one" hundreds digit.
                        current = current * 100 + val
                    elif current % 10 == 0 and current % 100 != 0 and val < 10 and consumed and consumed[-1] not in ("hundred", "thousand"):
                        current += val
                    elif consumed and consumed[-1] in ("hundred", "thousand"):
                        current += val
                    elif consumed:
                        break
                    else:
                        current = val
                    consumed.append(w)
                    j += 1
                    if tokens[j - 1][-1:] in ",.?!":
                        break
                elif w == "hundred" and consumed:
                    current *= 100
                    consumed.append(w)
                    j += 1
                elif w == "thousand" and consumed:
                    total += current * 1000
                    current = 0
                    consumed.append(w)
                    j += 1
                else:
                    break
            number = total + current
            nxt = tokens[j].lower() if j < len(tokens) else ""
            if consumed == ["one"] and not _UNIT_AFTER_ONE.match(nxt):
                out.append(word)
                i += 1
                continue
            trail = tokens[j - 1][-1] if tokens[j - 1][-1:] in ",.?!" else ""
            out.append(f"{number}{trail}")
            i = j
            continue
        out.append(word)
        i += 1
    return " ".join(out)
