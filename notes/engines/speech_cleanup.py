"""Disfluency clean-up of spontaneous speech, for the offline note engine.

Speech-to-text output (Whisper and similar) keeps what people actually say:
hesitations ("um", "euh", "äh"), discourse fillers ("you know", "o sea",
"tipo", "halt"), immediate repetitions ("four, four days", "I heard that I
heard that"), acknowledgements in the middle of a sentence ("..., okay, now
...") and long sentences chained with commas. This module removes or splits
them so the engine can rewrite clean clauses. Every function only deletes
words or cuts a sentence into pieces: nothing is added, and the words that
are kept stay in their order.

Fillers come in two kinds per language:

* *anywhere* fillers are never content words ("um", "you know", "euh",
  "né") and are removed wherever they occur;
* *delimited* fillers are also ordinary words ("bueno" = good, "tipo" =
  type, "bé" = well/fine, "also" = so/therefore, "like"), so they are only
  removed where they stand apart as a discourse marker: at the start of a
  sentence followed by a comma, or between commas.

English "like" is handled separately: it is removed when it is set off by a
comma ("for like, four days") or hedges a quantity ("for like 2 weeks"),
and kept where it compares ("feels like a knife", "things like chest pain").
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "clean_disfluencies",
    "preclean",
    "remove_fillers",
    "remove_repetitions",
    "split_clauses",
    "strip_dangling",
]

# Never content words: removed wherever they occur (whole words).
_ANYWHERE: dict[str, tuple[str, ...]] = {
    "en": (
        "um", "umm", "uh", "uhh", "uhm", "uh-huh", "mm-hmm", "mhm", "hmm", "erm", "ah", "oh",
        "i mean", "kinda", "sorta", "like i said", "gosh", "basically", "actually", "honestly",
        "literally", "pretty much",
    ),
    "es": ("eh", "em", "ehm", "mmm", "ajá", "o sea", "¿sabe?", "¿sabes?", "¿me entiende?", "¿vale?"),
    # Not "em": a Catalan pronoun ("em fa mal").
    "ca": ("eh", "ehm", "mmm", "o sigui", "¿saps?"),
    "fr": ("euh", "heu", "hein", "bah", "du coup", "en fait"),
    "pt": ("hã", "ãh", "hum", "né", "tipo assim"),
    "de": ("äh", "ähm", "öhm", "hm", "naja", "na ja", "halt", "sozusagen", "irgendwie", "gell"),
    "it": ("ehm", "eh", "cioè", "beh", "mah"),
}

# Also ordinary words: removed only at a sentence start before a comma, or
# between commas (", tipo,"), or after a comma at the end of the sentence.
_DELIMITED: dict[str, tuple[str, ...]] = {
    "en": ("well", "so", "okay", "ok", "all right", "alright", "right", "anyway", "see"),
    "es": ("este", "pues", "bueno", "vale", "digamos", "sabe", "mire", "mira", "oiga", "oye", "vamos", "entonces"),
    "ca": ("doncs", "bé", "vale", "d'acord", "saps", "miri", "mira", "escolti", "escolta", "llavors", "bueno"),
    "fr": ("ben", "bon", "voilà", "genre", "quoi", "enfin", "alors", "écoutez", "donc", "tu vois", "vous voyez"),
    "pt": ("tipo", "pois", "então", "olha", "olhe", "sabe", "pronto", "assim", "bem", "portanto"),
    "de": ("also", "eben", "quasi", "ja gut", "na", "tja", "gut", "ne", "nich"),
    "it": ("allora", "dunque", "praticamente", "tipo", "ecco", "senti", "guardi", "appunto", "vabbè", "comunque", "insomma", "diciamo"),
}

# Conjunctions that cannot end a sentence (a clause was cut after them).
_DANGLING: dict[str, str] = {
    "en": r"and|but|or|because|'cause|plus|um|uh|and then|and so|so that",
    "es": r"y|pero|o|porque|y luego",
    "ca": r"i|però|o|perquè|i després",
    "fr": r"et|mais|ou|parce que|et puis",
    "pt": r"e|mas|ou|porque|e depois",
    "de": r"und|aber|oder|weil|und dann",
    "it": r"e|ma|o|perché|e poi",
}

# Clause-initial conjunctions (after a comma) where a long sentence may be cut.
_CLAUSE_CONJ: dict[str, str] = {
    "en": r"and|but|and then|then|plus|so|and so|but then",
    "es": r"y|pero|y luego|luego|entonces|además",
    "ca": r"i|però|i després|després|llavors|a més",
    "fr": r"et|mais|et puis|puis|alors|donc|en plus",
    "pt": r"e|mas|e depois|depois|então|além disso",
    "de": r"und|aber|und dann|dann|also|außerdem",
    "it": r"e|ma|e poi|poi|allora|quindi|inoltre",
}

# English subjects that open a new main clause.
_EN_SUBJECT = (
    r"(?:i|i'm|i've|i'd|i'll|you|you're|you've|you'd|you'll|we|we're|we've|we'll|she|she's|he|he's|"
    r"it|it's|they|they're|they've|there's|that's)"
)
# English question openings (an aux + subject, or a wh-word).
_EN_QUESTION = (
    r"(?:(?:do|does|did|are|is|was|were|have|has|had|can|could|would|will|should)\s+"
    r"(?:you|it|there|that|this|the|your|they|he|she)\b|(?:how|what|when|where|why)(?:'s|\s+(?:is|are|was|"
    r"were|do|does|did|have|has|can|could|would|will|about|kind|type|else|brings|happened|medications?|time))\b)"
)
# Subordinators: a first clause that starts with one of these depends on the
# next one ("if it gets worse, you should call") and must not be cut off.
_SUBORDINATE = re.compile(
    # Prepositional openings ("for your first problem, your back pain, ...")
    # introduce the clause that follows, so they count as dependent too.
    r"^(?:for|regarding|about|as for|as far as|in terms of|with regards? to|from|on|in|at|after|during|over|to|"
    r"para|por|en cuanto a|respecto a|pel que fa a|quant a|pour|concernant|quanto a|em relação a|für|bezüglich|"
    r"per|riguardo a|per quanto riguarda|"
    r"if|when|whenever|because|since|as|while|although|though|once|unless|before|after|until|even if|"
    r"whether|in case|so that|si|cuando|porque|aunque|quan|perquè|encara que|quand|parce que|bien que|"
    r"quando|porque|embora|wenn|weil|als|obwohl|falls|se|quando|perché|sebbene)\b",
    re.I,
)
# Discourse words before a subordinate opening ("so, for your knee, ...").
_LEAD_IN = re.compile(
    r"^(?:(?:so|and|but|okay|ok|now|well|then|alright|all right|yeah|y|pero|entonces|bueno|i|però|doncs|et|mais|alors|"
    r"donc|e|mas|então|und|aber|also|dann|ma|allora|quindi)\b[\s,]*)+",
    re.I,
)
# Mid-sentence acknowledgements that mark a clause boundary in ASR output.
_ACK_BOUNDARY: dict[str, str] = {
    "en": r"okay|ok|alright|all right|so|now|yeah",
    "es": r"vale|bueno|vale bueno|entonces|ahora|bien",
    "ca": r"vale|bé|d'acord|doncs|llavors|ara",
    "fr": r"d'accord|ok|bon|alors|bien|voilà",
    "pt": r"ok|bem|pronto|então|agora|certo",
    "de": r"okay|ok|gut|also|jetzt|genau",
    "it": r"ok|va bene|bene|allora|adesso|ecco",
}

_WORD = r"[\w'’-]+"
# Placeholder for a removed filler until the commas around it are tidied.
_GAP = "\x00"
# Fillers that can also be a whole answer ("mm-hmm" = yes).
_ANSWER_WORDS = frozenset({"uh-huh", "mm-hmm", "mhm", "hmm", "ajá", "oh"})


@lru_cache(maxsize=None)
def _anywhere_re(lang: str) -> re.Pattern[str]:
    words = _ANYWHERE.get(lang, ())
    if lang != "en":
        # ASR writes English-style hesitations in every language; "um" is a
        # German word, so it is only a filler elsewhere.
        words += ("uh", "uhm", "uhh", "mm-hmm", "mhm", "hmm") + (() if lang == "de" else ("um", "umm"))
    alternation = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    # "¿sabe?" starts with punctuation: no word boundary before it.
    return re.compile(r"(?<![\w'])(?:" + alternation + r")(?![\w'])", re.I)


@lru_cache(maxsize=None)
def _hesitation_re(lang: str) -> re.Pattern[str]:
    # Not "er": it is also the emergency room ("went to the ER") and a
    # receptor status ("ER positive"), so it is content, not a hesitation.
    words = ("um", "umm", "uh", "uhh", "uhm", "erm") if lang in ("en", "xx") else ("uh", "uhh", "uhm")
    words += {"es": ("eh", "em", "ehm", "mmm"), "ca": ("eh", "ehm", "mmm"), "fr": ("euh", "heu"),
              "pt": ("hã", "ãh"), "de": ("äh", "ähm", "öhm"), "it": ("ehm",)}.get(lang, ())
    if lang in _ANYWHERE:
        # Before splitting, every filler that is never an answer can go.
        words += tuple(w for w in _ANYWHERE[lang] if w not in _ANSWER_WORDS)
    alternation = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(r"(?<![\w'-])(?:" + alternation + r")(?![\w'-])", re.I)


@lru_cache(maxsize=None)
def _delimited_res(lang: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    words = _DELIMITED.get(lang, ())
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    start = re.compile(r"^\s*(?:(?:" + alternation + r")\s*,\s*)+", re.I)
    middle = re.compile(r",\s*(?:(?:" + alternation + r")\s*,\s*)+", re.I)
    end = re.compile(r",\s*(?:" + alternation + r")\s*(?=[.?!]?\s*$)", re.I)
    return start, middle, end


# English "like": set off by a comma, or hedging a quantity.
_LIKE_KEEP_BEFORE = (
    r"would|'d|feel|feels|felt|feeling|look|looks|looked|looking|sound|sounds|sounded|seem|seems|seemed|"
    r"thing|things|something|anything|nothing|stuff|symptoms?|more|less|much|just|not|don't|didn't|i|you|we|they|"
    r"exactly|kind of|sort of|a lot|lot"
)
_LIKE_COMMA = re.compile(r"(?<![\w'])like(?=\s*,)", re.I)
_LIKE_QUANTITY = re.compile(
    r"(?<![\w'])like\s+(?=(?:\d|a (?:few|couple|week|month|year|day|half)|an? (?:hour|day|week|month|year)|"
    r"maybe|once|twice|half|every|about|around|one|two|three|four|five|six|seven|eight|nine|ten|several)\b)",
    re.I,
)
_LIKE_BEFORE = re.compile(r"(?:" + _LIKE_KEEP_BEFORE + r")\s*$", re.I)
# "you know" is a filler unless it is a real question or a verb phrase.
_YOU_KNOW = re.compile(r"(?<![\w'])you know(?![\w'])", re.I)
_YOU_KNOW_KEEP_BEFORE = re.compile(r"(?:do|did|don't|didn't|if|let|would|will|'ll|can|could|as|what|whether)\s*$", re.I)
# "you know anything about ..." asks something.
_YOU_KNOW_KEEP_AFTER = re.compile(r"^\s*anything\b", re.I)
_KIND_OF = re.compile(r"(?<![\w'])(?:kind of|sort of)(?![\w'])", re.I)
_KIND_OF_KEEP_BEFORE = re.compile(r"(?:what|this|that|any|some|a|the|same|different|which|every|one|these|those|other|no)\s*$", re.I)


def _remove_like(text: str) -> str:
    def keep(before: str) -> bool:
        return bool(_LIKE_BEFORE.search(before))

    def comma(m: re.Match[str]) -> str:
        return m.group(0) if keep(text[: m.start()]) else _GAP

    text = _LIKE_COMMA.sub(comma, text)
    out: list[str] = []
    last = 0
    for m in _LIKE_QUANTITY.finditer(text):
        if keep(text[: m.start()]):
            continue
        out.append(text[last : m.start()] + _GAP)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def _remove_conditional(text: str, pattern: re.Pattern[str], keep_before: re.Pattern[str],
                        keep_after: re.Pattern[str] | None = None) -> str:
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        if keep_before.search(text[: m.start()]):
            continue
        if keep_after is not None and not text[m.end():].lstrip().startswith(",") and keep_after.match(text[m.end():]):
            continue
        out.append(text[last : m.start()] + _GAP)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


_GAP_BETWEEN_COMMAS = re.compile(r",\s*\x00(?:[\s,]*\x00)*\s*,")
_GAP_BEFORE_COMMA = re.compile(r"\x00\s*,")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:?!])")
_REPEATED_COMMAS = re.compile(r"([,;])(?:\s*[,;])+")
_LEADING_COMMAS = re.compile(r"^[\s,;]+")
_COMMA_BEFORE_END = re.compile(r"[,;]\s*([.?!])")


def _tidy(text: str) -> str:
    if _GAP in text:
        # A filler between commas takes both commas with it ("has been, you
        # know, really hurting"); one before a comma takes that comma
        # ("for like, 2 weeks").
        text = _GAP_BETWEEN_COMMAS.sub(" ", text)
        text = _GAP_BEFORE_COMMA.sub(" ", text)
        text = text.replace(_GAP, " ")
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    if "," in text or ";" in text:
        text = _REPEATED_COMMAS.sub(r"\1", text)
        text = _LEADING_COMMAS.sub("", text)
        text = _COMMA_BEFORE_END.sub(r"\1", text)
    return text.strip()


def remove_fillers(text: str, lang: str) -> str:
    """Remove filler words and phrases of ``lang`` (see the module docstring).

    >>> remove_fillers("My knee has been, you know, hurting for like, 2 weeks", "en")
    'My knee has been hurting for 2 weeks'
    """
    start, middle, end = _delimited_res(lang)

    def delimited(text: str) -> str:
        text = start.sub("", text)
        text = middle.sub(" ", text)
        return end.sub("", text)

    # Delimited fillers first, while their commas are still there ("Also,
    # äh, ich ..."), and again after the others ("Um, so, I think ...").
    text = delimited(text)
    text = _anywhere_re(lang).sub(_GAP, text)
    if lang == "en":
        text = _remove_conditional(text, _YOU_KNOW, _YOU_KNOW_KEEP_BEFORE, _YOU_KNOW_KEEP_AFTER)
        text = _remove_conditional(text, _KIND_OF, _KIND_OF_KEEP_BEFORE)
        text = _remove_like(text)
    if _GAP in text:
        text = _tidy(text)
    return _tidy(delimited(text))


# A phrase of 1-6 words repeated right away ("I heard that I heard that",
# "four, four", "the, the"). Digits and words alike.
# The repeat must end at a word boundary that is not part of a number: the
# "1" of "1 1/2" or "1 1.5" is not a repetition of "1".
_REPEAT = re.compile(
    r"(?<![\w'/.])((?:" + _WORD + r")(?:\s+" + _WORD + r"){0,5})(?:[\s,]+\1(?![\w'’]|[/.,]\d))+", re.I
)
# A repeated number is a stutter ("for 4, 4 days") only before a time unit;
# before a dose or a count it is content ("2, 2 mg tablets" = two tablets of
# 2 mg), so it is kept.
_TIME_UNIT_AFTER = re.compile(
    r"^\s*(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|times?|am|pm|o'clock|"
    r"días?|semanas?|mes(?:es)?|años?|dies|setmanes|anys|jours?|semaines?|mois|ans|dias|anos|"
    r"tage?n?|wochen?|monate?n?|jahre?n?|giorni|settimane|mesi|anni)\b",
    re.I,
)


def remove_repetitions(text: str) -> str:
    """Collapse immediate repetitions of a word or a phrase of up to 6 words.

    Numbers are protected: a repeated number is collapsed only before a time
    unit ("for 4, 4 days"), never before a dose, a count or a fraction ("2, 2
    mg tablets", "1 1/2 tablets" stay as said).

    >>> remove_repetitions("I heard that I heard that you're having a sore throat")
    "I heard that you're having a sore throat"
    >>> remove_repetitions("for 4, 4 days")
    'for 4 days'
    >>> remove_repetitions("I take 2, 2 mg tablets")
    'I take 2, 2 mg tablets'
    """

    def repl(m: re.Match[str]) -> str:
        if any(c.isdigit() for c in m.group(1)) and not _TIME_UNIT_AFTER.match(m.string[m.end():]):
            return m.group(0)
        return m.group(1)

    prev = None
    while prev != text:
        prev = text
        text = _REPEAT.sub(repl, text)
    return text


@lru_cache(maxsize=None)
def _dangling_re(lang: str) -> re.Pattern[str]:
    return re.compile(r"(?:[\s,;]+(?:" + _DANGLING.get(lang, _DANGLING["en"]) + r"))+\s*-?\s*([.?!]?)[.…]*\s*$", re.I)


def strip_dangling(text: str, lang: str) -> str:
    """Drop conjunctions left at the end of a sentence ("..., 4 days, and." -> "..., 4 days.")."""
    return _dangling_re(lang).sub(r"\1", text).rstrip(" ,;")


def preclean(text: str, lang: str) -> str:
    """Turn-level clean-up before sentence splitting.

    Removes what would mislead the clause splitter (English "you know",
    "like", "kind of"; hesitations such as "um", "euh") and immediate
    repetitions. Leaves acknowledgements and answer words ("yeah", "no",
    "mm-hmm") for the answer detection that runs per sentence.
    """
    text = _hesitation_re(lang).sub(_GAP, text)
    if lang == "en":
        text = _remove_conditional(text, _YOU_KNOW, _YOU_KNOW_KEEP_BEFORE, _YOU_KNOW_KEEP_AFTER)
        text = _remove_conditional(text, _KIND_OF, _KIND_OF_KEEP_BEFORE)
        text = _remove_like(text)
    return remove_repetitions(_tidy(text))


def clean_disfluencies(text: str, lang: str) -> str:
    """Fillers, repetitions and dangling conjunctions removed from one sentence."""
    text = remove_fillers(text, lang)
    text = remove_repetitions(text)
    return strip_dangling(text, lang)


@lru_cache(maxsize=None)
def _split_res(lang: str) -> tuple[re.Pattern[str], re.Pattern[str] | None, re.Pattern[str] | None]:
    ack = re.compile(r",\s*(?:(?:" + _ACK_BOUNDARY.get(lang, _ACK_BOUNDARY["en"]) + r")\s*,\s*)+", re.I)
    conj = _CLAUSE_CONJ.get(lang, _CLAUSE_CONJ["en"])
    if lang == "en":
        clause = re.compile(r",\s+(?=(?:(?:" + conj + r")\s+)?" + _EN_SUBJECT + r"\b)", re.I)
        question = re.compile(r",\s+(?=" + _EN_QUESTION + r")", re.I)
    else:
        clause = re.compile(r",\s+(?=(?:" + conj + r")\s)", re.I)
        question = None
    return ack, clause, question


def _cut(text: str, pattern: re.Pattern[str] | None, min_words: int, guard_subordinate: bool) -> list[str]:
    """Cut ``text`` at the matches of ``pattern`` keeping pieces >= ``min_words``."""
    if pattern is None:
        return [text]
    pieces: list[str] = []
    start = 0
    for m in pattern.finditer(text):
        head = text[start : m.start()].strip()
        tail = text[m.end() :].strip()
        if len(head.split()) < min_words or len(tail.split()) < min_words:
            continue
        if guard_subordinate and _SUBORDINATE.match(_LEAD_IN.sub("", head)):
            continue
        pieces.append(head)
        start = m.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


# Unpunctuated English (many ASR systems): acknowledgements and questions
# inside a long sentence still start a new one.
_BARE_BOUNDARY = re.compile(
    r"\s+(?=(?:okay|alright|all right)\s+\w|(?:(?:and|so|now|okay|but)\s+)?(?:(?:do|does|did|are|were|have|has|is|was|can|"
    r"could)\s+you\b|(?:how|what|when|where|why)\s+(?:long|much|many|often|is|are|was|were|do|does|did|have|has|can)\b))",
    re.I,
)
# Words after which "okay" is a predicate ("it's okay") and a question is
# embedded ("I wonder how long it lasts").
_BARE_KEEP_AFTER = frozenset(
    "is are was were be been being feel feels felt look looks looked seem seems seemed sound sounds it's that's "
    "doing fine pretty is_ what how when where why which who if whether that than know sure wondering ask asked "
    "tell told see understand and so now but okay".split()
)


# A clinician's plan opening a new main clause ("yes most likely i'd like to start ..."), in text without
# punctuation.
_BARE_PLAN = re.compile(r"\s+(?=(?:i'd\s+like|i\s+would\s+like|i'm\s+going\s+to|we'll|we\s+will|let's)\b)", re.I)
# An answer that stands alone before the plan ("yes", "no", "yes most likely", "probably not").
_BARE_ANSWER = re.compile(r"^(?:yes|yeah|yep|no|nope|probably|most\s+likely|likely|possibly|maybe)"
                          r"(?:\s+(?:most\s+likely|probably(?:\s+not)?|likely|possibly|not|it\s+is|it\s+could\s+be))?$",
                          re.I)
# Words that make a head depend on what follows ("if it hurts we'll ...").
_BARE_SUBORDINATE = frozenset("if when unless because until once before after while whether".split())


def _cut_unpunctuated(text: str) -> list[str]:
    """Cut a long unpunctuated piece before an "okay"/question that opens a new clause, and after a bare
    answer ("yes most likely") that precedes the clinician's plan ("i'd like to start ...")."""
    cuts = sorted([(m.start(), m.end(), False) for m in _BARE_BOUNDARY.finditer(text)]
                  + [(m.start(), m.end(), True) for m in _BARE_PLAN.finditer(text)])
    pieces: list[str] = []
    start = 0
    for cut_start, cut_end, plan in cuts:
        head = text[start:cut_start].strip()
        tail = text[cut_end:].strip()
        words = head.split()
        if not words or len(tail.split()) < 3:
            continue
        if plan:
            if not _BARE_ANSWER.match(head):
                continue
        elif len(words) < 4 or words[-1].lower() in _BARE_KEEP_AFTER:
            continue
        if words[0].lower() in _BARE_SUBORDINATE:
            continue
        pieces.append(head)
        start = cut_end
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def split_clauses(sentence: str, lang: str, max_words: int = 16) -> list[str]:
    """Cut a sentence chained with commas into its main clauses.

    Always cut at an acknowledgement between commas ("..., okay, now ...")
    and, in English, before a question that follows a statement ("..., do
    you have chills?"). Sentences longer than ``max_words`` are also cut
    before a comma + conjunction/subject that opens a new main clause
    ("..., but I didn't take my temperature"). A clause that depends on the
    next one ("if it gets worse, call us") is never cut off, and no piece is
    shorter than 3 words. The ending punctuation stays on the last piece;
    earlier pieces end with ".".
    """
    ack, clause, question = _split_res(lang)
    pieces = _cut(sentence, ack, 3, guard_subordinate=False)
    if lang == "en" and "," not in sentence and len(sentence.split()) > 12:
        pieces = [p for piece in pieces for p in _cut_unpunctuated(piece)]
    out: list[str] = []
    for piece in pieces:
        sub = _cut(piece, question, 4, guard_subordinate=True)
        for part in sub:
            if len(part.split()) > max_words:
                # Without a subject pronoun to anchor the cut (pro-drop
                # languages), only fairly long pieces are cut off.
                out.extend(_cut(part, clause, 4 if lang == "en" else 6, guard_subordinate=True))
            else:
                out.append(part)
    if len(out) == 1:
        return out
    finished: list[str] = []
    for i, part in enumerate(out):
        part = part.rstrip(" ,;")
        if i < len(out) - 1 and part[-1:] not in ".?!":
            part += "."
        finished.append(part)
    return finished
