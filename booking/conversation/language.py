"""Language of a patient's message: one of en, es, ca, fr, pt, de, it.

Two sources of evidence:

1. the bot's own vocabulary (:mod:`booking.conversation.lexicon`): chat messages are short
   ("Hola", "Bon dia", "Olá"), and on one or two words statistical detectors are unreliable
   (lingua gives "Hello" to Italian), while a greeting or "vull una cita" is unambiguous;
2. ``lingua`` (lingua-language-detector, restricted to the seven languages) for longer messages
   the vocabulary does not decide.

A conversation's language is set by its first message that shows a language and then kept
(sticky); later messages change it only with strong evidence (:attr:`Detection.strong`), so short
answers like "sí", "1" or a name never flip it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from booking.conversation import lexicon
from booking.conversation.text import normalize, phrase_pattern, squash, words
from booking.models import LANGUAGES

#: lingua must be at least this sure (0-1) on a message the vocabulary did not decide.
LINGUA_MIN_CONFIDENCE = 0.75
#: ... and the message must have at least this many words of 3+ letters.
LINGUA_MIN_WORDS = 3
#: A switch of an already-set conversation language needs this many more vocabulary hits than
#: the runner-up, or a lingua confidence of LINGUA_STRONG on LINGUA_STRONG_WORDS+ words.
STRONG_MARGIN = 2
LINGUA_STRONG = 0.9
LINGUA_STRONG_WORDS = 4


@dataclass(frozen=True)
class Detection:
    """Result of :func:`detect_language`.

    Attributes:
        language: ISO 639-1 code, or ``None`` when the message shows no language (digits, a name).
        strong: ``True`` when the evidence is clear enough to switch a conversation's language.
    """

    language: str | None
    strong: bool = False


@lru_cache(maxsize=1)
def _evidence() -> dict[str, tuple[str, ...]]:
    by_language: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    for table in lexicon.LANGUAGE_EVIDENCE:
        for lang, phrases in table.items():
            # Spellings that normalize alike ("sí"/"si") are one piece of evidence.
            by_language[lang].update(squash(normalize(p)) for p in phrases)
    return {lang: tuple(sorted(phrases)) for lang, phrases in by_language.items()}


def vocabulary_scores(text: str) -> Counter[str]:
    """Number of distinct vocabulary phrases of each language found in ``text``."""
    normalized = normalize(text)
    scores: Counter[str] = Counter()
    for lang, phrases in _evidence().items():
        hits = sum(1 for p in phrases if phrase_pattern(p).search(normalized))
        if hits:
            scores[lang] = hits
    return scores


@lru_cache(maxsize=1)
def _lingua():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in LANGUAGES]
    # Low-accuracy mode (trigram models only): ~15 MB per process instead of ~185 MB, and lingua
    # only sees messages the vocabulary did not decide, which are the longer ones it handles well.
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def lingua_confidences(text: str, candidates: tuple[str, ...] = LANGUAGES) -> dict[str, float]:
    """lingua's confidence (0-1) for each candidate language, highest first."""
    values = _lingua().compute_language_confidence_values(text)
    result = {}
    for value in values:
        code = value.language.iso_code_639_1.name.lower()
        if code in candidates:
            result[code] = float(value.value)
    return result


def detect_language(text: str, *, prefer: str | None = None) -> Detection:
    """Detect the language of one message.

    Args:
        text: the patient's message as received.
        prefer: language that wins a tie of the vocabulary (the conversation's or the clinic's
            default language), e.g. "Hola" is Spanish and Catalan.

    Returns:
        :class:`Detection`; ``language`` is ``None`` when nothing in the message shows one.
    """
    scores = vocabulary_scores(text)
    if scores:
        ranked = scores.most_common()
        best_score = ranked[0][1]
        tied = tuple(lang for lang, score in ranked if score == best_score)
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        if len(tied) == 1:
            return Detection(tied[0], strong=best_score - runner_up >= STRONG_MARGIN)
        if prefer in tied:
            return Detection(prefer, strong=False)
        confidences = lingua_confidences(text, tied)
        return Detection(max(tied, key=lambda lang: confidences.get(lang, 0.0)), strong=False)
    long_words = [w for w in words(normalize(text)) if len(w) >= 3 and not w.isdigit()]
    if len(long_words) < LINGUA_MIN_WORDS:
        return Detection(None)
    confidences = lingua_confidences(text)
    if not confidences:
        return Detection(None)
    language, confidence = max(confidences.items(), key=lambda item: item[1])
    if confidence < LINGUA_MIN_CONFIDENCE:
        return Detection(None)
    return Detection(language, strong=confidence >= LINGUA_STRONG and len(long_words) >= LINGUA_STRONG_WORDS)


def conversation_language(current: str | None, detection: Detection) -> str | None:
    """The conversation's language after a message: set once, switched only on strong evidence."""
    if detection.language is None:
        return current
    if not current:
        return detection.language
    if detection.language != current and detection.strong:
        return detection.language
    return current
