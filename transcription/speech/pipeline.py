"""Entry point used by the API: decode an upload, then run a speech-to-text engine on it."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from transcription.providers.base import SpeechToText, TranscriptionResult
from transcription.speech.audio import PathOrFile, decode_audio

if TYPE_CHECKING:  # pragma: no cover
    from transcription.providers.local_whisper import LocalWhisperEngine

__all__ = ["DEFAULT_MAX_DURATION_SECONDS", "get_local_engine", "transcribe_file"]

#: Longest recording accepted by default: 3 hours (seconds).  A 150 MB upload of low-bitrate
#: Opus could otherwise hold ~10 h of audio = ~2.3 GB of float32 samples once decoded.
DEFAULT_MAX_DURATION_SECONDS = 3 * 3600.0

_ENGINE: "LocalWhisperEngine | None" = None
_ENGINE_LOCK = threading.Lock()


def get_local_engine() -> "LocalWhisperEngine":
    """Process-wide :class:`~transcription.providers.local_whisper.LocalWhisperEngine`.

    The engine object is cheap; the Whisper models and the voice encoder it uses are loaded on
    first use and cached per process (see ``local_whisper.warm_up`` to preload them).
    """
    global _ENGINE
    if _ENGINE is None:
        with _ENGINE_LOCK:
            if _ENGINE is None:
                from transcription.providers.local_whisper import LocalWhisperEngine

                _ENGINE = LocalWhisperEngine()
    return _ENGINE


def transcribe_file(path_or_fileobj: PathOrFile, *, language: str = "en", num_speakers: int | None = None,
                    engine: SpeechToText | None = None,
                    max_duration_seconds: float | None = DEFAULT_MAX_DURATION_SECONDS) -> TranscriptionResult:
    """Decode a recording and transcribe it with speaker labels.

    Args:
        path_or_fileobj: path or seekable binary file (webm, mp4/m4a, wav, mp3, ogg, flac).
        language: ISO 639-1 code, passed explicitly (no auto-detection).
        num_speakers: expected number of speakers, or None to let the engine estimate it.
        engine: any :class:`~transcription.providers.base.SpeechToText`; default the local one.
        max_duration_seconds: refuse longer recordings (seconds); None for no limit.
    Returns:
        :class:`~transcription.providers.base.TranscriptionResult` (speaker 0 = first voice heard).
    Raises:
        transcription.speech.audio.AudioDecodeError: the upload is not usable audio
            (``UnsupportedAudioFormat``, ``AudioTooLong`` are subclasses) -> HTTP 422.
        transcription.providers.base.SpeechProviderError: the engine failed; ``permanent``
            tells whether retrying can help.
    """
    audio = decode_audio(path_or_fileobj, max_duration_seconds=max_duration_seconds)
    engine = engine or get_local_engine()
    return engine.transcribe(audio, language=language, num_speakers=num_speakers)
