"""Session end: the stored transcript of an offline live session from the batch pipeline.

Live finals are committed before the whole sentence has been heard, from at most 15 s of audio, and stay
~3 points of word error rate behind the batch pipeline on the same audio (13 visits, ``bench/live.py
--offline-wer``, 2026-12-01: live 19.6 %, batch 16.7 %; the README's issue-15 section lists what was tried
to close that gap inside the stream). When a session ends, what is *stored* (and the note written from it)
can come from the batch pipeline run over the whole session audio instead: 30 s windows with the speech
before and after each turn, the batch diarization, the clinic vocabulary with its sound check. Finals
already sent are never revised; the closing ``transcript`` message carries the refined transcript.

Turned on by ``MEDSYNC_LIVE_REFINE_MAX_SECONDS`` (sessions up to that long; the consumer bounds the wait by
``MEDSYNC_LIVE_REFINE_TIMEOUT_SECONDS`` and keeps the live finals otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from transcription.live.base import SAMPLE_RATE, LiveSegment

__all__ = ["refine_finals"]


def refine_finals(samples: np.ndarray, *, language: str, num_speakers: int | None = None,
                  vocabulary: Sequence[str] = ()) -> tuple[list[LiveSegment], str]:
    """Transcribe a finished session's audio with the batch offline engine.

    Args:
        samples: the session's audio, 16 kHz mono float32.
        language: the session's ISO 639-1 code.
        num_speakers: the session's expected speakers, or None to estimate (1-4).
        vocabulary: the clinic terms the session read at its start.
    Returns:
        ``(finals, engine)``: one final per batch utterance (speaker, times in seconds into the session, words
        with their probabilities) and the batch engine's name (e.g. ``"local:whisper-tiny.en"``). An empty
        list when the batch pipeline heard no speech.
    Raises:
        transcription.providers.base.SpeechProviderError: the batch engine failed.
    """
    from transcription.providers.local_whisper import LocalWhisperEngine
    from transcription.speech.audio import DecodedAudio

    samples = np.asarray(samples, dtype=np.float32)
    audio = DecodedAudio(samples=samples, sample_rate=SAMPLE_RATE, duration_seconds=samples.size / SAMPLE_RATE,
                         source_format="wav", source_codec="pcm_f32le")
    result = LocalWhisperEngine().transcribe(audio, language=language, num_speakers=num_speakers,
                                             vocabulary=vocabulary)
    finals = [LiveSegment(text=u.text, speaker=u.speaker, start=u.start, end=u.end, is_final=True,
                          words=tuple(u.words)) for u in result.utterances if u.text.strip()]
    return finals, result.engine
