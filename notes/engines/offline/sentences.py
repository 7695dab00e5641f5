"""Sentence splitting and clean-up of one turn.

Split at punctuation, at acknowledgements and questions inside a sentence,
at commas that open a new main clause in long run-ons, and at discourse
markers (``SPLIT_MARKERS`` per language) for unpunctuated ASR output; then
remove fillers and repetitions (``notes.engines.speech_cleanup``) and leading
acknowledgements and connectives (``LEADING`` per language).
"""

from __future__ import annotations

import re
from functools import lru_cache

from notes.engines import speech_cleanup
from notes.engines.offline.lexicons import _DISCOURSE_NEXT, _LEADING, _LEADING_IF_PUNCT
from notes.engines.offline.languages import per_language


_SPLIT_MARKERS: dict[str, str] = per_language("SPLIT_MARKERS")


def _split_sentences(text: str, lang: str) -> list[str]:
    """Split a turn into sentences.

    Splits at ``.?!`` followed by a space; long unpunctuated stretches (ASR
    output without punctuation) are further cut before discourse markers so
    no unit exceeds about 40 words.
    """
    parts = [
        clause
        for p in re.split(r"(?<=[.?!])\s+", text)
        if p.strip()
        for clause in speech_cleanup.split_clauses(p.strip(), lang)
    ]
    marker = re.compile(r"\s(?=" + _SPLIT_MARKERS.get(lang, _SPLIT_MARKERS["en"]) + r"\b)", re.I)
    out: list[str] = []
    for part in parts:
        if len(part.split()) <= 20:
            out.append(part)
            continue
        pieces = marker.split(part)
        buf = ""
        for piece in pieces:
            # Very short pieces ("so", "okay and") are glued to the next one.
            if buf and len(buf.split()) >= 5:
                out.append(buf)
                buf = piece
            else:
                buf = f"{buf} {piece}".strip() if buf else piece
        if buf:
            if out and len(buf.split()) < 3:
                out[-1] = f"{out[-1]} {buf}"
            else:
                out.append(buf)
    return out


def _remove_fillers(text: str, lang: str) -> str:
    """Remove filler words/phrases (whole words only)."""
    return speech_cleanup.remove_fillers(text, lang)


@lru_cache(maxsize=None)
def _leading_re(lang: str, keep_answers: bool) -> re.Pattern[str]:
    leading = _LEADING.get(lang, _LEADING["en"])
    if keep_answers:
        leading = tuple(w for w in leading if w not in ("yes", "yeah", "yep", "sí", "si", "sì", "oui", "sim", "ja"))
    ambiguous = _LEADING_IF_PUNCT.get(lang, frozenset())
    free = [w for w in leading if w not in ambiguous]
    punct = [w for w in leading if w in ambiguous]
    alt = "|".join(re.escape(w) for w in sorted(free, key=len, reverse=True))
    alt_p = "|".join(re.escape(w) for w in sorted(punct, key=len, reverse=True)) or "(?!)"
    # Words that also carry meaning ("right lower quadrant", "si el dolor
    # empeora" = *if* the pain worsens, "well controlled") go only when
    # punctuation sets them off as a discourse marker ("Right, ...").
    # They also go before a word that cannot follow a modifier ("right, so",
    # "good I'm glad", "well we will"), never before a noun or participle.
    after = _DISCOURSE_NEXT.get(lang, r"(?!)")
    return re.compile(
        r"^(?:(?:" + alt + r")(?![\w'])[\s,.;:!-]*|(?:" + alt_p + r")(?![\w'])\s*[,.;:!]+\s*|(?:" + alt_p + r")\s*$|"
        r"(?:" + alt_p + r")\s+(?=(?:" + after + r")(?![\w'])))",
        re.I,
    )


def _strip_leading(text: str, lang: str, keep_answers: bool = False) -> str:
    """Strip acknowledgements/connectives from the start of a sentence."""
    pattern = _leading_re(lang, keep_answers)
    while text:
        m = pattern.match(text)
        if not m:
            break
        text = text[m.end():]
    return text.strip()


_ACK_RE = re.compile(r"(?<![\w'])(?:okay|ok|alright|all right|yeah|mm-hmm|uh-huh)(?![\w'])[,.]?", re.I)


_ACK_KEEP_AFTER = frozenset(
    "is are was were be been being doing feel feels felt look looks seem seems running going it's that's "
    "sounds sound fine pretty is_".split()
)


def _drop_acknowledgements(text: str) -> str:
    """Remove "okay"/"yeah" used as acknowledgements inside a sentence.

    Kept when it is a predicate ("sugars have been running okay", "it's okay").
    """

    def repl(m: re.Match[str]) -> str:
        before = text[: m.start()].split()
        if before and before[-1].lower().strip(",") in _ACK_KEEP_AFTER:
            return m.group(0)
        return " "

    return re.sub(r"\s+", " ", _ACK_RE.sub(repl, text)).strip()


def _clean(sentence: str, lang: str) -> str:
    """Remove fillers, repeated words, leading acknowledgements and dangling conjunctions."""
    text = _remove_fillers(sentence, lang)
    if lang == "en":
        text = re.sub(r"^(?:hi|hey|hello)\b,?\s*(?:\w+\s*,?\s*)?(?=how are you)", "", text, flags=re.I)
        # Only the greeting, not "how are you taking the warfarin?".
        text = re.sub(
            r"\bhow are you(?: doing| feeling)?(?: today| this morning| this afternoon)?\b(?=\s*(?:[?,.!]|$))[?,.!]?",
            " ", text, flags=re.I,
        )
        text = re.sub(r"^(?:hi|hey|hello)\b[,.!]?\s*(?:\w+[,.!]\s*)?", "", text, flags=re.I)
        text = _drop_acknowledgements(text)
    # Stutters and repeated phrases: "i i i think", "your your", "I heard that I heard that".
    text = speech_cleanup.remove_repetitions(text)
    text = re.sub(r"\s*,\s*(?:,\s*)+", ", ", text)
    text = _strip_leading(text, lang)
    if lang != "en":
        # Also drop the English acknowledgements common in code-switching.
        text = _strip_leading(text, "en")
    text = re.sub(r"^(?:no|non|nein|não)[,.]?\s+(?=no\b|non\b)", "", text, flags=re.I)
    text = speech_cleanup.strip_dangling(text, lang)
    text = text.strip(" ,;-")
    return text
