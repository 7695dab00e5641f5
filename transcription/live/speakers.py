"""Online speaker labels for live transcription: nearest running centroid of voice embeddings.

Batch diarization (:func:`transcription.speech.diarization.diarize`) clusters a whole recording at
once; a live final can never be relabelled, so here each new speech turn is labelled when its first
words become final: its audio is embedded with the shared voice encoder (Resemblyzer d-vectors,
:mod:`transcription.speech.voice_encoder`) and given to the speaker whose centroid (duration-weighted
mean of that speaker's turn embeddings) is nearest by cosine similarity. A turn that is at least
``min_new_speaker_seconds`` long and less similar than the threshold to every centroid starts a new
speaker, up to ``max_speakers``. The first voice is speaker 0. Embeddings of short audio are noisy
(same-voice turns under 1.2 s measured 0.53-0.88 against each other, different voices 0.59-0.82), so
while the turn or the nearest centroid holds less than ``confident_seconds`` of speech the lower
``short_threshold`` applies, and only turns of ``min_update_seconds`` or more move a centroid.

Numbers measured on the four espeak-ng visit fixtures (``/work/shared/fixtures/audio``), one
embedding per reference turn, turns in order, share of speech time with the right label:
threshold 0.85 / short 0.75 / confident 2 s -> 100%, 96.4%, 100%, 99.1% (D2N006, D2N018, D2N041,
D2N005), the same with up to 3 speakers; a single threshold of 0.85 gave 100%, 37.0%, 100%, 64.2%
(two short first turns made the first centroids unreliable). Thresholds 0.72-0.78 for short audio
gave the same results; 0.82 or 0.88 for the main one lost D2N005 (63.8% / 8% with 4 speakers). The
visit default is 2 speakers (clinician and patient); clients with more people send ``num_speakers``.

When the session ends, :func:`relabel_finals` can give the stored transcript the batch speaker model's
labels (:func:`transcription.speech.diarization.diarize` over the whole session audio, as an uploaded
recording gets; ``MEDSYNC_LIVE_RELABEL_MAX_SECONDS``). The labels already sent with finals are never
revised; only the closing ``transcript`` message and the stored transcript change. It is off by default:
``bench/live_speakers.py`` (finals of the live engine on D2N041/D2N018/D2N006, a synthetic three-speaker
visit and two 9-11 s clips) measured the online labels right for 98.8 % of the word time and the batch
model's for 92.0 % (D2N018 with its sub-second turns 98.7 -> 88.9 %, the three-speaker visit 95.8 -> 73.9 %;
equal elsewhere): whole-turn embeddings beat the batch model's 1.6 s windows on these voices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from transcription.live.base import SAMPLE_RATE, LiveSegment

from transcription.speech.voice_encoder import (
    HOP_LENGTH,
    PARTIAL_FRAMES,
    VoiceEncoder,
    get_voice_encoder,
)

__all__ = ["OnlineSpeakerTracker", "SpeakerConfig", "relabel_finals"]


@dataclass(frozen=True)
class SpeakerConfig:
    """Online labelling settings (see the module docstring for where the numbers come from).

    Attributes:
        threshold: cosine similarity to the nearest centroid below which a turn is a new voice.
        short_threshold: the same while the turn or that centroid has less than ``confident_seconds``.
        confident_seconds: speech (seconds) from which an embedding is trusted with ``threshold``.
        min_new_speaker_seconds: shorter turns never start a new speaker.
        min_update_seconds: shorter turns do not move their speaker's centroid.
        max_speakers: most speakers in a session.
        min_turn_seconds: shorter audio is not embedded (the turn gets the previous speaker).
        max_windows: 1.6 s embedding windows per turn at most (bounds the CPU spent on long turns).
    """

    threshold: float = 0.85
    short_threshold: float = 0.75
    confident_seconds: float = 2.0
    min_new_speaker_seconds: float = 1.0
    min_update_seconds: float = 1.5
    max_speakers: int = 2
    min_turn_seconds: float = 0.3
    max_windows: int = 4


class OnlineSpeakerTracker:
    """Running speaker centroids of one session (not thread-safe; one per session)."""

    def __init__(self, config: SpeakerConfig | None = None, encoder: VoiceEncoder | None = None) -> None:
        self.config = config or SpeakerConfig()
        self._encoder = encoder
        self._sums: list[np.ndarray] = []
        self._seconds: list[float] = []

    @property
    def num_speakers(self) -> int:
        return len(self._sums)

    def embed(self, samples: np.ndarray, sample_rate: int = 16000) -> np.ndarray | None:
        """Unit-length mean d-vector of a turn's audio, or None when it is too short.

        Windows of 1.6 s (the encoder's training length) spread evenly over the turn, at most
        ``max_windows``; a turn shorter than 1.6 s is one window of its own length.
        """
        if samples.size < self.config.min_turn_seconds * sample_rate:
            return None
        encoder = self._encoder or get_voice_encoder()
        n_frames = samples.size // HOP_LENGTH + 1
        if n_frames <= PARTIAL_FRAMES:
            starts, window = np.array([0]), n_frames
        else:
            count = min(self.config.max_windows, 1 + (n_frames - PARTIAL_FRAMES) // (PARTIAL_FRAMES // 2))
            starts = np.unique(np.linspace(0, n_frames - PARTIAL_FRAMES, max(count, 1)).astype(np.int64))
            window = PARTIAL_FRAMES
        emb = encoder.embed_windows(samples, starts, window).mean(axis=0)
        norm = float(np.linalg.norm(emb))
        return emb / norm if norm > 0 else None

    def _nearest(self, emb: np.ndarray) -> tuple[int, float]:
        sims = [float(emb @ (s / np.linalg.norm(s))) for s in self._sums]
        best = int(np.argmax(sims))
        return best, sims[best]

    def assign(self, samples: np.ndarray, sample_rate: int = 16000) -> int | None:
        """Label a turn and learn from it. Returns the speaker id, or None when it is too short to tell."""
        emb = self.embed(samples, sample_rate)
        if emb is None:
            return None
        seconds = samples.size / sample_rate
        cfg = self.config
        if not self._sums:
            speaker = self._new(emb)
        else:
            speaker, similarity = self._nearest(emb)
            if self._is_new_voice(similarity, seconds, speaker):
                speaker = self._new(emb)
        # A new speaker's centroid is its first turn; later only long turns move it.
        if self._seconds[speaker] == 0.0:
            self._sums[speaker], self._seconds[speaker] = emb * seconds, seconds
        elif seconds >= cfg.min_update_seconds:
            self._sums[speaker] = self._sums[speaker] + emb * seconds
            self._seconds[speaker] += seconds
        return speaker

    def _is_new_voice(self, similarity: float, seconds: float, nearest: int) -> bool:
        cfg = self.config
        if seconds < cfg.min_new_speaker_seconds or len(self._sums) >= cfg.max_speakers:
            return False
        confident = min(seconds, self._seconds[nearest]) >= cfg.confident_seconds
        return similarity < (cfg.threshold if confident else cfg.short_threshold)

    def _new(self, emb: np.ndarray) -> int:
        self._sums.append(emb.copy())
        self._seconds.append(0.0)
        return len(self._sums) - 1

    def classify(self, samples: np.ndarray, sample_rate: int = 16000) -> int | None:
        """Best guess for a turn without learning from it (for partials): nearest speaker, or None."""
        if not self._sums:
            return None
        emb = self.embed(samples, sample_rate)
        if emb is None:
            return None
        speaker, similarity = self._nearest(emb)
        if self._is_new_voice(similarity, samples.size / sample_rate, speaker):
            return len(self._sums)  # would be a new voice
        return speaker


# --- session end: the batch speaker model --------------------------------------------------------------


def relabel_finals(samples: np.ndarray, finals: Sequence[LiveSegment], *, num_speakers: int | None = None,
                   encoder: VoiceEncoder | None = None) -> list[LiveSegment] | None:
    """The session's finals with speakers from batch diarization of the whole session audio.

    Every final word gets the speaker :func:`~transcription.speech.diarization.diarize` and
    :func:`~transcription.speech.diarization.assign_speakers` give it (exactly as an uploaded recording's
    words get theirs), speakers numbered by first appearance like the live labels (0 = the first voice
    heard, so the two numberings agree wherever the two models agree); a final whose words now belong
    to two speakers is split at the change. Text, times and words are unchanged.

    Args:
        samples: the session's audio, 16 kHz mono float32 (times of ``finals`` are seconds into it).
        finals: the finals sent during the session, in order.
        num_speakers: speakers expected (the session's ``num_speakers``), or None to estimate (1-4).
        encoder: voice encoder (default: the process-wide one).
    Returns:
        the relabelled finals, or None when no final has word times (Deepgram's, whose speakers already
        come from Deepgram's own diarization of the stream) or there is no speech. A final without word
        times among others (e.g. the last partial kept as a final when the flush timed out) is labelled
        as a whole by its time span.
    Raises:
        transcription.speech.voice_encoder.CheckpointError: encoder weights unavailable.
    """
    from transcription.providers.base import Word, renumber_speakers
    from transcription.speech.diarization import assign_speakers, diarize

    finals = [f for f in finals if f.text.strip()]
    if not any(f.words for f in finals):
        return None
    units = [f.words or (Word(f.text, f.start, max(f.end, f.start)),) for f in finals]
    words = [w for unit in units for w in unit]
    segments = diarize(np.asarray(samples, dtype=np.float32), words, num_speakers=num_speakers, encoder=encoder)
    if not segments:
        return None
    labels = assign_speakers(words, segments)
    mapping = renumber_speakers(labels)
    out: list[LiveSegment] = []
    position = 0
    for final in finals:
        if not final.words:  # one pseudo-word in units
            label = labels[position]
            position += 1
            out.append(replace(final, speaker=mapping[label] if label is not None else final.speaker))
            continue
        run: list = []
        run_speaker = 0
        for word in final.words:
            label = labels[position]
            position += 1
            speaker = mapping[label] if label is not None else run_speaker
            if run and speaker != run_speaker:
                out.append(_final_of(run, run_speaker))
                run = []
            run.append(word)
            run_speaker = speaker
        if run:
            out.append(_final_of(run, run_speaker))
    return [f for f in out if f.text]


def _final_of(words: list, speaker: int) -> LiveSegment:
    text = " ".join(w.text.strip() for w in words if w.text.strip())
    return LiveSegment(text=text, speaker=speaker, start=words[0].start, end=words[-1].end, is_final=True,
                       words=tuple(words))
