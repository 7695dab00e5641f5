"""Text normalization and negation-aware cue matching for the emergency rules.

Negation follows NegEx (Chapman et al., "A simple algorithm for identifying negated findings and
diseases in discharge summaries", J Biomed Inform 2001;34:301-310): a cue is negated when a
negation phrase stands among the few words before it (here 5) in the same clause, or a
post-negation word (``denied``) follows it in the same clause. Clauses end at punctuation and at
"but"-like words, so "no fever but chest pain" keeps the chest pain.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module

from chatmed.emergency.lexicon import LANGUAGES

NEGATION_WINDOW_WORDS = 5
_ARABIC_FOLD = str.maketrans({"ة": "ه", "ى": "ي", "ـ": "", "’": "'", "‘": "'", "`": "'", "ß": "ss", "œ": "oe", "æ": "ae"})
_PUNCTUATION = re.compile(r"[.;:!?\n()\[\]،؛؟,\-–—/]")


def normalize(text: str) -> str:
    """Lower case; accents and Arabic diacritics removed; ``ة``->``ه``, ``ى``->``ي``; ``ß``->``ss``; spaces collapsed."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_ARABIC_FOLD))
    stripped = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(stripped.split())


@dataclass(frozen=True)
class Lexicon:
    """One language's compiled cues and negation lists (see :mod:`chatmed.emergency.lexicon`)."""

    language: str
    cues: dict[str, re.Pattern]
    script: str
    negation: re.Pattern
    post_negation: re.Pattern | None
    clause_break: re.Pattern
    call_emergency: str


def _optional_apostrophes(pattern: str) -> str:
    """``can't`` also matches ``cant`` (apostrophes are often left out when typing); the pattern gets the
    text's letter folding (Arabic ``ى``->``ي``, ``ة``->``ه``, diacritics removed) so both sides agree."""
    folded = unicodedata.normalize("NFKD", pattern.translate(_ARABIC_FOLD))
    return "".join(c for c in folded if not unicodedata.combining(c)).replace("'", "'?")


def _alternation(phrases: list[str]) -> str:
    escaped = (_optional_apostrophes(re.escape(normalize(p))) for p in phrases)
    return "|".join(sorted(escaped, key=len, reverse=True))


@lru_cache(maxsize=None)
def lexicon(language: str) -> Lexicon:
    """The compiled lexicon of ``language`` (one of ``LANGUAGES``)."""
    module = import_module(f"chatmed.emergency.lexicon.{language}")
    bounded = getattr(module, "BOUNDARIES", True)
    wrap = (lambda body: rf"\b(?:{body})") if bounded else (lambda body: f"(?:{body})")
    bodies = {cue: "|".join(f"(?:{_optional_apostrophes(p)})" for p in patterns) for cue, patterns in module.CUES.items()}
    cues = {cue: re.compile(wrap(body)) for cue, body in bodies.items()}
    script = getattr(module, "SCRIPT", "latin")
    word = (lambda body: rf"(?:^|\s)(?:{body})(?=\s|$)")
    post = module.POST_NEGATIONS
    return Lexicon(
        language=language,
        cues=cues,
        script=script,
        negation=re.compile(word(_alternation(module.NEGATIONS))),
        post_negation=re.compile(word(_alternation(post))) if post else None,
        clause_break=re.compile(word(_alternation(module.CLAUSE_BREAKS))),
        call_emergency=module.CALL_EMERGENCY,
    )


def _clause_before(text: str, start: int, lex: Lexicon) -> str:
    head = text[:start]
    cut = max((m.end() for m in _PUNCTUATION.finditer(head)), default=0)
    head = head[cut:]
    breaks = list(lex.clause_break.finditer(head))
    if breaks:
        head = head[breaks[-1].end():]
    return " ".join(head.split()[-NEGATION_WINDOW_WORDS:])


def _clause_after(text: str, end: int, lex: Lexicon) -> str:
    tail = text[end:]
    punctuation = _PUNCTUATION.search(tail)
    if punctuation:
        tail = tail[:punctuation.start()]
    clause_break = lex.clause_break.search(tail)
    if clause_break:
        tail = tail[:clause_break.start()]
    return " ".join(tail.split()[:3])


@dataclass(frozen=True)
class CueMatch:
    """One cue occurrence: cue id, character span in the normalized text, whether it is negated."""

    cue: str
    start: int
    end: int
    negated: bool


def find_cues(text: str, lex: Lexicon) -> list[CueMatch]:
    """Every occurrence of ``lex``'s cues in normalized ``text``, each marked negated or not."""
    found: list[CueMatch] = []
    for cue, pattern in lex.cues.items():
        for match in pattern.finditer(text):
            before = _clause_before(text, match.start(), lex)
            is_negated = bool(before and lex.negation.search(" " + before))
            if not is_negated and lex.post_negation is not None:
                after = _clause_after(text, match.end(), lex)
                is_negated = bool(after and lex.post_negation.search(" " + after))
            found.append(CueMatch(cue, match.start(), match.end(), is_negated))
    return found


def resolve(matches: list[CueMatch]) -> tuple[set[str], set[str]]:
    """``(affirmed, negated)`` cue ids. Several languages can match the same words (``suicidal`` is
    English and French); an occurrence counts as negated when any language negates an overlapping
    occurrence of the same cue, because only the text's own language knows its negation words."""
    negated_spans = [(m.cue, m.start, m.end) for m in matches if m.negated]
    affirmed: set[str] = set()
    for m in matches:
        if m.negated:
            continue
        if any(cue == m.cue and start < m.end and m.start < end for cue, start, end in negated_spans):
            continue
        affirmed.add(m.cue)
    negated = {cue for cue, _, _ in negated_spans} - affirmed
    return affirmed, negated


_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
_LATIN_LETTER = re.compile("[a-z]")


def all_lexicons() -> list[Lexicon]:
    """Every language's lexicon, in ``LANGUAGES`` order."""
    return [lexicon(language) for language in LANGUAGES]


def lexicons_for(text: str) -> list[Lexicon]:
    """The lexicons whose script occurs in normalized ``text`` (Arabic letters -> ``ar``; Latin -> the rest)."""
    has_arabic, has_latin = bool(_ARABIC_LETTER.search(text)), bool(_LATIN_LETTER.search(text))
    return [lex for lex in all_lexicons() if (has_arabic if lex.script == "arabic" else has_latin)]
