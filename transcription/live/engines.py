"""Which live engine serves a clinic, and the fallback order (the service layer's job, not the adapters').

Same rule as batch transcription (:func:`transcription.services.speech_engine_candidates`):
``speech_provider="auto"`` streams to Deepgram when the clinic or the platform has a key, else runs
offline; ``"deepgram"`` insists on Deepgram; ``"local"`` never calls out. The offline engine follows
Deepgram as a fallback when the clinic allows it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from django.conf import settings

from transcription.live.base import (
    LiveEngine,
    LiveEngineError,
    LiveNotice,
    UnsupportedLanguage,
)

__all__ = ["UnsupportedLanguage", "live_engine_candidates", "live_engine_start"]

logger = logging.getLogger(__name__)

EngineFactory = Callable[[float], LiveEngine]  # time offset (seconds) -> engine


def _local(language: str, num_speakers: int | None, vocabulary: Sequence[str]) -> EngineFactory:
    def make(time_offset: float) -> LiveEngine:
        from transcription.live.local_engine import LocalLiveConfig, LocalLiveEngine

        defaults = LocalLiveConfig()
        config = LocalLiveConfig(step_seconds=settings.MEDSYNC_LIVE_STEP_SECONDS,
                                 final_whisper=replace(defaults.final_whisper,
                                                       beam_size=settings.MEDSYNC_LIVE_FINAL_BEAM_SIZE),
                                 whisper_threads=settings.MEDSYNC_LIVE_WHISPER_THREADS or None,
                                 whisper_workers=settings.MEDSYNC_LIVE_WORKERS,
                                 no_speech_warning_seconds=settings.MEDSYNC_LIVE_NO_SPEECH_WARNING_SECONDS)
        return LocalLiveEngine(language=language, num_speakers=num_speakers, config=config, time_offset=time_offset,
                               vocabulary=vocabulary)

    return make


def _deepgram(api_key: str, language: str, vocabulary: Sequence[str]) -> EngineFactory:
    def make(time_offset: float) -> LiveEngine:
        from transcription.providers.deepgram_live import DeepgramLiveEngine

        if time_offset:
            raise LiveEngineError("Deepgram cannot take over a running session", permanent=True)
        return DeepgramLiveEngine(api_key, language=language, model=settings.DEEPGRAM_MODEL,
                                  base_url=settings.MEDSYNC_LIVE_DEEPGRAM_URL or None, vocabulary=vocabulary)

    return make


def live_engine_candidates(clinic, *, language: str, num_speakers: int | None,
                           vocabulary: Sequence[str] = ()) -> list[tuple[str, EngineFactory]]:
    """``[(name, factory), ...]`` to try in order for ``clinic``; every engine gets ``vocabulary``
    (the clinic's terms, :func:`transcription.vocabulary.vocabulary_terms`)."""
    choice = getattr(clinic, "speech_provider", "auto")
    api_key = getattr(clinic, "deepgram_api_key", "") or settings.DEEPGRAM_API_KEY
    terms = tuple(vocabulary)
    candidates: list[tuple[str, EngineFactory]] = []
    if choice == "deepgram" or (choice == "auto" and api_key):
        if api_key:
            candidates.append(("deepgram", _deepgram(api_key, language, terms)))
        if getattr(clinic, "allow_offline_fallback", True) or not api_key:
            candidates.append(("local", _local(language, num_speakers, terms)))
    else:
        candidates.append(("local", _local(language, num_speakers, terms)))
    return candidates


async def live_engine_start(clinic, *, language: str, num_speakers: int | None, time_offset: float = 0.0,
                            exclude: frozenset[str] = frozenset(),
                            vocabulary: Sequence[str] = ()) -> tuple[LiveEngine, list[LiveNotice]]:
    """Start the first engine of :func:`live_engine_candidates` that works.

    ``exclude`` names candidates not to try (the one that just failed, when replacing it mid-session).
    ``vocabulary``: the clinic's custom terms, biasing recognition as in batch transcription.

    Returns:
        ``(engine, notices)``: a notice tells the client when a fallback engine is used.
    Raises:
        LiveEngineError: every candidate failed: the last error (:class:`UnsupportedLanguage` when the
            last candidate does not know ``language``).
    """
    notices: list[LiveNotice] = []
    last_error: LiveEngineError | None = None
    for name, factory in live_engine_candidates(clinic, language=language, num_speakers=num_speakers,
                                                vocabulary=vocabulary):
        if name in exclude:
            continue
        try:
            engine = factory(time_offset)
            await engine.start()
        except LiveEngineError as exc:
            logger.warning("live engine %s unavailable (permanent=%s): %s", name, exc.permanent, exc.message)
            last_error = exc
            continue
        if last_error is not None:
            notices.append(LiveNotice("engine_fallback", f"The primary speech engine is unavailable; "
                                      f"using the {name} engine for this session."))
        return engine, notices
    if last_error is None:
        raise LiveEngineError("no other speech engine is configured", permanent=True)
    raise last_error
