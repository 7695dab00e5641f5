"""Per-language word lists used by several steps, and language detection.

Answer words (``NEG_ANSWER``/``POS_ANSWER``), question starts, leading words
stripped from sentences, stop-words and the localized connective words of the
note ("Reports", "Denies"), assembled from ``languages/<code>.py``.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from notes.engines.base import Turn
from notes.engines.offline.languages import per_language


# Words stripped from the start of a sentence (acknowledgements, connectives).
_LEADING: dict[str, tuple[str, ...]] = per_language("LEADING")


# Leading words that also have a meaning of their own: stripped only when
# punctuation sets them off ("Right, so ..." but not "Right lower quadrant";
# Spanish/Catalan "si" = if, "bien"/"bé"/"gut"/"bene" = well).
_LEADING_IF_PUNCT: dict[str, frozenset[str]] = per_language("LEADING_IF_PUNCT")


_NEVER = re.compile(r"(?!)")


# Verb-first yes/no questions of languages that mark them by intonation only
# (used when an answer "sí"/"no" follows and the "?" is missing).
_UNMARKED_QUESTION: dict[str, re.Pattern[str]] = per_language("UNMARKED_QUESTION")


# A short if-clause standing alone, without "?" (speech-to-text): a question, not a report.
_BARE_CONDITIONAL: dict[str, re.Pattern[str]] = per_language("BARE_CONDITIONAL")


# A negative answer word used as a determiner of what follows.
_NEG_DETERMINER: dict[str, re.Pattern[str]] = per_language("NEG_DETERMINER")


# Words after which an ambiguous leading word is a discourse marker.
_DISCOURSE_NEXT: dict[str, str] = per_language("DISCOURSE_NEXT")


# Negative / affirmative answers to a yes/no question.
_NEG_ANSWER: dict[str, str] = per_language("NEG_ANSWER")


_POS_ANSWER: dict[str, str] = per_language("POS_ANSWER")


# Question starts per language (for unpunctuated ASR output).
_QUESTION_START: dict[str, str] = per_language("QUESTION_START")


def _rx(words: Iterable[str]) -> str:
    """Join cue fragments into one alternation; fragments are regex snippets."""
    return "|".join(words)


# Stop-words used for transcript-language detection and content-word tests.
_STOPWORDS: dict[str, frozenset[str]] = per_language("STOPWORDS")


# Localized connective words.
_SAYS: dict[str, str] = per_language("SAYS")


_POSTPOSED_NEG_ANY = re.compile(
    r"[^\W\d_]\s+(?:no|não|non|nicht|pas)\s*(?:[,.;]|$|(?:pero|però|mas|mais|aber|ma|but)\b)", re.I
)


_ASKED: dict[str, str] = per_language("ASKED")


_REPORTS: dict[str, str] = per_language("REPORTS")


_DENIES: dict[str, str] = per_language("DENIES")


def _detect_language(turns: Sequence[Turn], default: str) -> str:
    """Guess the transcript language from stop-word counts (fallback ``default``)."""
    words = re.findall(r"[\w'·]+", " ".join(t.text for t in turns[:60]).lower())
    if len(words) < 8:
        return default
    counts = {lang: sum(1 for w in words if w in sw) for lang, sw in _STOPWORDS.items()}
    best = max(counts.values())
    if best < 3:
        # Too little evidence (a short exchange shares "no" with es/ca/it):
        # keep the requested language.
        return default
    # Prefer the requested language on near-ties (es/ca/pt share many words).
    if counts.get(default, 0) >= 0.85 * best or best - counts.get(default, 0) <= 1:
        return default
    return max(sorted(counts), key=lambda k: counts[k])
