"""A clinic's custom vocabulary (drug names, procedures, staff names) and how it biases recognition.

Reads and writes run in the current tenant schema (the caller's clinic), so one clinic never sees
or changes another's terms.

How the terms reach the recognisers:

* faster-whisper (offline): ``hotwords`` -- the terms, comma-separated, are put in the decoder prompt
  (after ``<|startofprev|>``) of *every* 30 s window (``initial_prompt`` only primes the first window
  when ``condition_on_previous_text`` is off, as MedSync runs it). faster-whisper keeps at most
  ``max_length // 2 - 1`` = 223 prompt tokens (``WhisperModel.get_prompt``), so only the first ~220
  tokens of terms count: about 40 drug names (measured with the tiny.en tokenizer on 63 common drug names:
  5.2 tokens each with the separator); :func:`whisper_hotwords` cuts at a whole term.
* Deepgram: ``keyterm`` for Nova-3 models (Deepgram "Keyterm prompting": up to 500 tokens per request
  across all key terms), ``keywords`` for Nova-2 and older (Deepgram "Keywords": ``word:intensifier``,
  ~100 keywords per request recommended); see :func:`deepgram_options`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Lower

from transcription.models import VOCABULARY_MAX_TERMS, VOCABULARY_TERM_MAX_LENGTH, VocabularyTerm

__all__ = [
    "DEEPGRAM_KEYTERM_MAX_TOKENS",
    "DEEPGRAM_KEYWORDS_MAX",
    "VocabularyError",
    "VocabularyTermInput",
    "deepgram_options",
    "normalise_term",
    "vocabulary_add",
    "vocabulary_delete",
    "vocabulary_list",
    "vocabulary_replace",
    "vocabulary_terms",
    "whisper_hotword_terms",
    "whisper_hotwords",
]

#: Deepgram keyterm prompting limit: 500 tokens across all key terms of a request (Deepgram docs,
#: "Keyterm Prompting"). Counted here as words (an upper bound of Deepgram's own tokens for most terms).
DEEPGRAM_KEYTERM_MAX_TOKENS = 500
#: Deepgram keywords: at most this many per request (Deepgram docs, "Keywords": "up to 100").
DEEPGRAM_KEYWORDS_MAX = 100
#: faster-whisper's hotword budget in Whisper tokens (``max_length // 2 - 1`` with ``max_length`` 448).
WHISPER_HOTWORD_TOKENS = 223

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class VocabularyError(ValueError):
    """Invalid vocabulary input (empty or too long term, control characters, more than 500 terms).

    ``str(exc)`` is a client-safe sentence naming the problem.
    """


@dataclass(frozen=True)
class VocabularyTermInput:
    """A term to store: ``term`` (1-100 characters) and ``kind`` (``VocabularyTerm.Kind`` value)."""

    term: str
    kind: str = VocabularyTerm.Kind.OTHER


def normalise_term(term: str) -> str:
    """NFC-normalised, inner whitespace collapsed, stripped.

    Raises:
        VocabularyError: empty, longer than 100 characters, or containing control characters.
    """
    if not isinstance(term, str):
        raise VocabularyError("term: must be a string")
    text = " ".join(unicodedata.normalize("NFC", term).split())
    if not text:
        raise VocabularyError("term: must not be empty")
    if len(text) > VOCABULARY_TERM_MAX_LENGTH:
        raise VocabularyError(f"term: at most {VOCABULARY_TERM_MAX_LENGTH} characters")
    if _CONTROL.search(text):
        raise VocabularyError("term: must not contain control characters")
    return text


def _dedupe(items: Iterable[VocabularyTermInput]) -> list[VocabularyTermInput]:
    seen: dict[str, VocabularyTermInput] = {}
    for item in items:
        if item.kind not in VocabularyTerm.Kind.values:
            raise VocabularyError(f"kind: must be one of {', '.join(VocabularyTerm.Kind.values)}")
        text = normalise_term(item.term)
        seen.setdefault(text.casefold(), VocabularyTermInput(text, item.kind))
    return list(seen.values())


def vocabulary_list() -> list[VocabularyTerm]:
    """The current clinic's terms, ordered case-insensitively."""
    return list(VocabularyTerm.objects.order_by(Lower("term"), "pk"))


def vocabulary_terms() -> list[str]:
    """The current clinic's terms as strings in the order they were added (oldest first: when a
    recogniser can only take some, the clinic's first terms win)."""
    return list(VocabularyTerm.objects.order_by("created_at", "pk").values_list("term", flat=True))


@transaction.atomic
def vocabulary_replace(*, terms: Sequence[VocabularyTermInput]) -> list[VocabularyTerm]:
    """Replace the whole vocabulary with ``terms`` (duplicates, ignoring case, kept once).

    Raises:
        VocabularyError: a bad term, or more than :data:`VOCABULARY_MAX_TERMS`; nothing changes then.
    """
    items = _dedupe(terms)
    if len(items) > VOCABULARY_MAX_TERMS:
        raise VocabularyError(f"terms: at most {VOCABULARY_MAX_TERMS} terms (got {len(items)})")
    VocabularyTerm.objects.all().delete()
    VocabularyTerm.objects.bulk_create(VocabularyTerm(term=i.term, kind=i.kind) for i in items)
    return vocabulary_list()


@transaction.atomic
def vocabulary_add(*, terms: Sequence[VocabularyTermInput]) -> list[VocabularyTerm]:
    """Add ``terms``; a term already present (ignoring case) keeps its spelling and gets the new kind.

    Raises:
        VocabularyError: a bad term, or the vocabulary would exceed :data:`VOCABULARY_MAX_TERMS`;
            nothing changes then.
    """
    items = _dedupe(terms)
    # lock the clinic's rows so two concurrent adds cannot both pass the limit check
    existing = {t.term.casefold(): t for t in VocabularyTerm.objects.select_for_update()}
    new = [i for i in items if i.term.casefold() not in existing]
    if len(existing) + len(new) > VOCABULARY_MAX_TERMS:
        raise VocabularyError(f"terms: at most {VOCABULARY_MAX_TERMS} terms "
                              f"({len(existing)} stored, {len(new)} new)")
    for item in items:
        old = existing.get(item.term.casefold())
        if old is not None and old.kind != item.kind:
            old.kind = item.kind
            old.save(update_fields=["kind"])
    VocabularyTerm.objects.bulk_create(VocabularyTerm(term=i.term, kind=i.kind) for i in new)
    return vocabulary_list()


def vocabulary_delete(*, term: str) -> bool:
    """Delete ``term`` (ignoring case). Returns False when the clinic has no such term."""
    try:
        text = normalise_term(term)
    except VocabularyError:
        return False
    deleted, _ = VocabularyTerm.objects.annotate(low=Lower("term")).filter(low=text.lower()).delete()
    return deleted > 0


def whisper_hotword_terms(terms: Sequence[str], *, tokenizer=None,
                          max_tokens: int = WHISPER_HOTWORD_TOKENS) -> list[str]:
    """The first ``terms`` that fit in ``max_tokens`` Whisper tokens (cut at a whole term).

    Args:
        terms: vocabulary terms, most important first.
        tokenizer: optional ``faster_whisper.tokenizer.Tokenizer`` to count tokens exactly; without it
            a term counts as ``len(term) // 3 + 2`` tokens (on 63 common drug names this averages the
            tiny.en tokenizer's 5.2 tokens per ``" term,"`` exactly, and is >= it for 78 % of them).
        max_tokens: token budget (faster-whisper keeps 223 hotword tokens).
    """
    out: list[str] = []
    used = 0
    for term in terms:
        cost = len(tokenizer.encode(" " + term + ",")) if tokenizer is not None else len(term) // 3 + 2
        if used + cost > max_tokens:
            break
        out.append(term)
        used += cost
    return out


def whisper_hotwords(terms: Sequence[str], *, tokenizer=None, max_tokens: int = WHISPER_HOTWORD_TOKENS) -> str | None:
    """The ``hotwords`` string for faster-whisper: :func:`whisper_hotword_terms` joined by ``", "``.

    Returns:
        the string, or None when ``terms`` is empty.
    """
    return ", ".join(whisper_hotword_terms(terms, tokenizer=tokenizer, max_tokens=max_tokens)) or None


def deepgram_options(terms: Sequence[str], model: str) -> dict[str, list[str]]:
    """Deepgram request options biasing recognition to ``terms``.

    Nova-3 models take ``keyterm`` (a list; the SDK repeats the query parameter); older models
    ``keywords`` (``"term:2"``: a moderate boost, Deepgram docs recommend intensifiers of 1-2 for
    real words). Terms beyond Deepgram's limits (see module constants) are left out.

    Returns:
        ``{}`` for no terms, else ``{"keyterm": [...]}`` or ``{"keywords": [...]}``.
    """
    if not terms:
        return {}
    if model.startswith("nova-3"):
        out, used = [], 0
        for term in terms:
            cost = len(term.split())
            if used + cost > DEEPGRAM_KEYTERM_MAX_TOKENS:
                break
            out.append(term)
            used += cost
        return {"keyterm": out}
    return {"keywords": [f"{t}:2" for t in terms[:DEEPGRAM_KEYWORDS_MAX]]}
