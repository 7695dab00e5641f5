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
from dataclasses import replace
from difflib import SequenceMatcher

import numpy as np

from transcription.live.agreement import normalise_token
from transcription.live.base import SAMPLE_RATE, LiveSegment

__all__ = ["mark_disagreements", "refine_finals"]


def mark_disagreements(words: Sequence, heard: Sequence) -> list:
    """``words`` (the batch decoding) with every word that the live finals ``heard`` read differently marked
    uncertain: probability capped at :data:`~transcription.speech.vocabulary_check.UNSUPPORTED_CONFIDENCE`.

    Two recognisers that disagree on a word are evidence that it is uncertain even when one of them is
    confident: the batch pipeline read D2N041's "I was having chills" as "I was killed" with probability
    0.92, the live finals as "I was chill", and the note stated "last night they were killed" (issue 15).
    The two word sequences are aligned (difflib, on lower-case words without punctuation); words of a
    *replaced* stretch are marked, words only one of them heard are left as they are (the live finals drop
    words at chunk seams). Nothing is removed: the note engine shows a marked word as ``[unclear: word?]``
    and never states it as a fact.

    Args:
        words: :class:`~transcription.providers.base.Word` of the batch decoding, in order.
        heard: the live finals' words, in order.
    Returns:
        the words, the disagreeing ones with a lower probability.
    """
    from transcription.speech.vocabulary_check import UNSUPPORTED_CONFIDENCE

    out = list(words)
    if not out or not heard:
        return out
    matcher = SequenceMatcher(None, [normalise_token(w.text) for w in out], [normalise_token(w.text) for w in heard],
                              autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "replace":
            continue
        for i in range(i1, i2):
            p = out[i].probability
            out[i] = replace(out[i], probability=UNSUPPORTED_CONFIDENCE if p is None else min(p, UNSUPPORTED_CONFIDENCE))
    return out


def refine_finals(samples: np.ndarray, *, language: str, num_speakers: int | None = None,
                  vocabulary: Sequence[str] = (), heard: Sequence[LiveSegment] = ()) -> list[LiveSegment]:
    """Transcribe a finished session's audio with the batch offline engine.

    Args:
        samples: the session's audio, 16 kHz mono float32.
        language: the session's ISO 639-1 code.
        num_speakers: the session's expected speakers, or None to estimate (1-4).
        vocabulary: the clinic terms the session read at its start.
        heard: the finals sent during the session: batch words they read differently are marked uncertain
            (:func:`mark_disagreements`).
    Returns:
        one final per batch utterance (speaker, times in seconds into the session, words with their
        probabilities); empty when the batch pipeline heard no speech.
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
    utterances = [u for u in result.utterances if u.text.strip()]
    marked = iter(mark_disagreements([w for u in utterances for w in u.words],
                                     [w for f in heard for w in f.words]))
    return [LiveSegment(text=u.text, speaker=u.speaker, start=u.start, end=u.end, is_final=True,
                        words=tuple(next(marked) for _ in u.words)) for u in utterances]
