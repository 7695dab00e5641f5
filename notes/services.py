"""Note generation and storage: engine choice and fallback live here, not in the adapters."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import transaction

from notes.engines.base import NoteEngine, NoteEngineError, NoteResult, Turn
from notes.models import ClinicalNote, ClinicalNoteVersion
from templates.builtin import TemplateSpec

logger = logging.getLogger(__name__)

_offline_engine: NoteEngine | None = None


def offline_engine() -> NoteEngine:
    """The process-wide offline note engine (deterministic, no network)."""
    global _offline_engine
    if _offline_engine is None:
        from notes.engines.offline import OfflineNoteEngine

        _offline_engine = OfflineNoteEngine()
    return _offline_engine


def _openai_engine(api_key: str) -> NoteEngine:
    from notes.engines.openai_llm import OpenAINoteEngine

    return OpenAINoteEngine(
        api_key=api_key, model=settings.OPENAI_MODEL, base_url=settings.OPENAI_BASE_URL,
        timeout=settings.OPENAI_TIMEOUT_SECONDS,
    )


def note_engine_candidates(clinic) -> list[tuple[str, Callable[[], NoteEngine]]]:
    """Engines to try for ``clinic``, in order: ``[(name, factory), ...]``.

    ``note_engine="auto"`` uses OpenAI when the clinic or the platform has a key, else offline;
    ``"openai"`` insists on OpenAI; ``"offline"`` never calls out. The offline engine is appended
    as a fallback when the clinic allows it (``allow_offline_fallback``).
    """
    # Without a clinic (command-line tools) the platform's configuration applies.
    choice = getattr(clinic, "note_engine", "auto")
    api_key = getattr(clinic, "openai_api_key", "") or settings.OPENAI_API_KEY
    candidates: list[tuple[str, Callable[[], NoteEngine]]] = []
    if choice == "openai" or (choice == "auto" and api_key):
        candidates.append(("openai", lambda: _openai_engine(api_key)))
        if getattr(clinic, "allow_offline_fallback", True):
            candidates.append(("offline", offline_engine))
    else:
        candidates.append(("offline", offline_engine))
    return candidates


def note_generate(*, clinic, turns: Sequence[Turn], template: TemplateSpec, language: str) -> NoteResult:
    """Write a note for ``turns`` with the clinic's engine, falling back as configured.

    Raises:
        NoteEngineError: every candidate engine failed (the last error is raised).
    """
    last_error: NoteEngineError | None = None
    for name, factory in note_engine_candidates(clinic):
        try:
            return factory().generate(turns=turns, template=template, language=language)
        except NoteEngineError as exc:
            # The message never holds patient data (see NoteEngineError), so it may be logged.
            logger.warning("Note engine %s failed (permanent=%s): %s", name, exc.permanent, exc.message)
            last_error = exc
    assert last_error is not None
    raise last_error


@transaction.atomic
def clinical_note_create(*, result: NoteResult, template_key: str, language: str, recording=None) -> ClinicalNote:
    """Store a generated note as version 1, with its first version row."""
    note = ClinicalNote.objects.create(
        recording=recording, template_key=template_key, language=language, engine=result.engine,
        content=result.markdown, sections=dict(result.sections), version=1,
    )
    ClinicalNoteVersion.objects.create(
        note=note, version=1, content=note.content, sections=note.sections, engine=note.engine
    )
    return note
