"""Text normalization and whole-word phrase matching for the rule-based understanding."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

#: Characters kept (besides letters and digits) because times and dates use them: "9:30", "20/05".
_KEPT = frozenset(":/.")


def _fold(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    lowered = (base or char).lower()
    return lowered[:1] or " "


def normalize(text: str) -> str:
    """Lower-case ``text``, drop accents and turn punctuation into spaces, one character for one.

    The result has exactly ``len(text)`` characters, so a span found in it is the same span of the
    original text. ``:``, ``/`` and ``.`` are kept for times and dates; apostrophes, hyphens and
    the Catalan middle dot become spaces ("d'acord" → "d acord", "cancel·lar" → "cancel lar"),
    except a hyphen between digits (dates).
    """
    out = []
    for i, char in enumerate(text):
        folded = _fold(char)
        if folded.isalnum() or folded in _KEPT:
            out.append(folded)
        elif char == "-" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            out.append("-")  # dates: 2026-05-20, 20-05-2026
        else:
            out.append(" ")
    return "".join(out)


def squash(text: str) -> str:
    """Collapse runs of whitespace into one space and strip the ends."""
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """Alphanumeric tokens of already-normalized ``text``."""
    return re.findall(r"[^\W_]+", text)


@lru_cache(maxsize=4096)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Regex matching normalized ``phrase`` as whole words, with any whitespace between its words."""
    tokens = squash(normalize(phrase)).split(" ")
    body = r"\s+".join(re.escape(t) for t in tokens if t)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])")


@dataclass(frozen=True)
class Match:
    phrase: str
    start: int
    end: int


def find_phrases(normalized: str, phrases: Iterable[str]) -> list[Match]:
    """Every occurrence of any of ``phrases`` in ``normalized`` text, longest phrases first.

    Overlapping matches are dropped in favour of the longer phrase ("buenas tardes" wins over
    "tarde"), so the result can be used to blank the text out span by span.
    """
    found: list[Match] = []
    taken: list[tuple[int, int]] = []
    for phrase in sorted(set(phrases), key=lambda p: -len(p)):
        for m in phrase_pattern(phrase).finditer(normalized):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            found.append(Match(phrase, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda m: m.start)


def contains_any(normalized: str, phrases: Iterable[str]) -> bool:
    """True when any of ``phrases`` occurs in ``normalized`` as whole words."""
    return any(phrase_pattern(p).search(normalized) for p in phrases)


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace the given ``(start, end)`` spans of ``text`` with spaces (length is kept)."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, min(end, len(chars))):
            chars[i] = " "
    return "".join(chars)
