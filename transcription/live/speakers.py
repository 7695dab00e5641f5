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

**Per word, from the batch speaker model (2026-12-01).** Real conversations have no pause between many
turns: on the real two-person recording (``tests/fixtures/audio/real``) the voice-activity turns held both
voices and one label per turn put nearly every word on one speaker (53.4 % of word time right). So the
words of each final are also labelled by :meth:`OnlineSpeakerTracker.label_words`: the session's speech is
embedded once in the batch diarization's 1.6 s windows and all windows heard so far (at most
``max_history_windows``) are clustered with :func:`~transcription.speech.diarization.cluster_windows` at
every final; clusters are named after the labels already sent, and the per-turn label stands while a voice
holds under ``min_cluster_seconds`` or the clustering hears one voice. Measured by replaying the speaker
calls of live runs (the four visit fixtures, a three-speaker visit, two 9-11 s clips and the real
recording; word time right): real recording 53.4 -> 70.8 %, three speakers 94.2 -> 97.3 %, D2N005
98.9 -> 96.0 % (one 3 s patient turn and two "Yes." put on the clinician), the others unchanged; all
recordings 95.9 -> 96.1 %. Cost: the speaker work of a session rises from ~0.03 to ~0.07 CPU-seconds per
second of audio (the recogniser takes ~1; 408 s of audio, 12.5 -> 28.6 CPU-s on a busy 2-core machine), at
most 0.8 s for one final.

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
        max_windows: embedding windows per turn for the centroid rule at most (evenly spread; bounds the
            CPU spent on long turns).
        recluster: label the words of each final with the batch speaker model over all speech heard so
            far (:meth:`OnlineSpeakerTracker.label_words`); False: the per-turn centroid rule alone.
        min_cluster_seconds: the re-clustering decides only when each of its voices holds this much
            speech (seconds; as :data:`~transcription.speech.diarization.MIN_SPEAKER_SECONDS`).
        min_run_seconds: a shorter change of speaker inside one speech turn is taken for blur at the edge of
            the embedding windows (see :meth:`OnlineSpeakerTracker._without_brief_flips`).
        max_history_windows: the re-clustering uses at most this many of the latest windows (bounds its
            CPU and memory in long sessions).
    """

    threshold: float = 0.85
    short_threshold: float = 0.75
    confident_seconds: float = 2.0
    min_new_speaker_seconds: float = 1.0
    min_update_seconds: float = 1.5
    max_speakers: int = 2
    min_turn_seconds: float = 0.3
    max_windows: int = 4
    recluster: bool = True
    min_cluster_seconds: float = 3.0
    min_run_seconds: float = 1.0
    max_history_windows: int = 1200


class OnlineSpeakerTracker:
    """Speaker labels of one live session (not thread-safe; one per session).

    Two models, both on the shared voice encoder:

    * **per turn** (:meth:`assign`): a speech turn's label is decided at its first final word, by the
      nearest running centroid; it needs no history and is right from the first turns of a session.
    * **per word** (:meth:`label_words`): the speech of each final is cut into the batch diarization's
      windows and embedded once; all windows heard so far are clustered with the batch speaker model
      (:func:`~transcription.speech.diarization.cluster_windows`) and each new word gets the speaker of
      its frames. Clusters are named after the labels already sent (Hungarian assignment on the word
      time they share), so a label keeps meaning the same voice. Used once every voice it hears holds
      ``min_cluster_seconds``; before that, the per-turn labels stand.
    """

    def __init__(self, config: SpeakerConfig | None = None, encoder: VoiceEncoder | None = None) -> None:
        self.config = config or SpeakerConfig()
        self._encoder = encoder
        self._sums: list[np.ndarray] = []
        self._seconds: list[float] = []
        # every embedded window so far: d-vector, seconds covered, start (session seconds), region id,
        # speech seconds it stands for
        self._x: list[np.ndarray] = []
        self._w: list[float] = []
        self._t: list[float] = []
        self._region: list[int] = []
        self._share: list[float] = []
        self._regions: list[list[float]] = []  # [start, end] per region id, session seconds
        self._embedded_until = float("-inf")
        self._sent: list[tuple[float, float, int]] = []  # (start, end, label) of every labelled final word

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

    def assign(self, samples: np.ndarray, sample_rate: int = 16000, start: float | None = None) -> int | None:
        """Label a turn by the nearest running centroid and learn from it.

        Args:
            samples: the turn's audio (as much as has been heard), 16 kHz mono float32.
            sample_rate: its rate (16000).
            start: session time of ``samples[0]`` in seconds (informational; the centroid rule needs none).
        Returns:
            the speaker id (0 = the first voice), or None when the turn is too short to tell.
        """
        emb = self._turn_embedding(samples, sample_rate, start)
        if emb is None:
            return None
        seconds = samples.size / sample_rate
        if not self._sums:
            speaker = self._new(emb)
        else:
            speaker, similarity = self._nearest(emb)
            if self._is_new_voice(similarity, seconds, speaker):
                speaker = self._new(emb)
        self._learn(speaker, emb, seconds)
        return speaker

    def _turn_embedding(self, samples: np.ndarray, sample_rate: int, start: float | None) -> np.ndarray | None:
        """Unit mean d-vector of a turn: with re-clustering on and a known start, the mean of the windows
        :meth:`label_words` clusters (the turn's speech is embedded once, here), else :meth:`embed`."""
        if not self.config.recluster or start is None or samples.size < self.config.min_turn_seconds * sample_rate:
            return self.embed(samples, sample_rate)
        end = start + samples.size / sample_rate
        self._embed_speech([(start, end)], samples, start, upto=end)
        t = np.asarray(self._t)
        mine = np.nonzero((t >= start - 1e-6) & (t < end))[0]
        if not mine.size:
            return self.embed(samples, sample_rate)
        return _unit(np.asarray(self._x)[mine].mean(axis=0))

    def _learn(self, speaker: int, emb: np.ndarray, seconds: float) -> None:
        # A new speaker's centroid is its first turn; later only long turns move it.
        if self._seconds[speaker] == 0.0:
            self._sums[speaker], self._seconds[speaker] = emb * seconds, seconds
        elif seconds >= self.config.min_update_seconds:
            self._sums[speaker] = self._sums[speaker] + emb * seconds
            self._seconds[speaker] += seconds

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

    # -- per word: the batch speaker model over the session so far --------------------------------------

    def label_words(self, words: Sequence, fallback: Sequence[int], speech: Sequence[tuple[float, float]],
                    audio: np.ndarray, audio_start: float) -> list[int]:
        """Speakers of newly final words from the batch speaker model over all speech heard so far.

        Args:
            words: the new final words (``start``/``end`` in session seconds), in time order, after every
                word given before.
            fallback: each word's per-turn label (:meth:`assign`), used while the clustering is not sure.
            speech: voice-activity regions ``(start, end)`` in session seconds covering the words.
            audio: 16 kHz mono float32 audio holding the words, starting at session second ``audio_start``.
        Returns:
            one label per word, in ``0..max_speakers - 1``.
        Raises:
            transcription.speech.voice_encoder.CheckpointError: encoder weights unavailable.
        """
        labels = [int(k) for k in fallback]
        if not words:
            return labels
        if self.config.recluster:
            self._embed_speech(speech, audio, audio_start, upto=float(words[-1].end))
            found = self._cluster_labels(words)
            if found is not None:
                labels = [k if k is not None else f for k, f in zip(found, labels, strict=True)]
                labels = self._without_brief_flips(words, labels, speech)
        self._sent.extend((float(w.start), float(w.end), k) for w, k in zip(words, labels, strict=True))
        return labels

    def _without_brief_flips(self, words: Sequence, labels: list[int],
                             speech: Sequence[tuple[float, float]]) -> list[int]:
        """``labels`` where a run of one speaker shorter than ``min_run_seconds`` inside a speech turn (between
        words of that turn, or after the turn's earlier final words) takes the label of the words before it.

        Window labels blur at turn edges; a voice change inside one speech turn that lasts under a second is
        more often that blur than a reply (a reply after a pause is its own turn and keeps its label).
        """
        def region(start: float, end: float) -> int | None:
            mid = (start + end) / 2
            return next((i for i, (s, e) in enumerate(speech) if s <= mid <= e), None)

        out = list(labels)
        regions = [region(float(w.start), float(w.end)) for w in words]
        before = self._sent[-1] if self._sent else None
        i = 0
        while i < len(words):
            j = i
            while j + 1 < len(words) and out[j + 1] == out[i] and regions[j + 1] == regions[i]:
                j += 1
            if regions[i] is not None and float(words[j].end) - float(words[i].start) < self.config.min_run_seconds:
                if i > 0 and regions[i - 1] == regions[i]:
                    left = out[i - 1]
                elif i == 0 and before is not None and region(before[0], before[1]) == regions[i]:
                    left = before[2]
                else:
                    left = None
                if left is not None and left != out[i]:
                    out[i:j + 1] = [left] * (j + 1 - i)
            i = j + 1
        return out

    def _embed_speech(self, speech: Sequence[tuple[float, float]], audio: np.ndarray, audio_start: float,
                      upto: float) -> None:
        """Embed the speech between the last embedded moment and ``upto`` (seconds), once.

        A piece shorter than ``min_turn_seconds`` is not embedded; when it reaches ``upto`` (its turn may go
        on) it is embedded with the rest of its turn at a later call, not skipped for good.
        """
        from transcription.speech.diarization import embed_speech

        audio_end = audio_start + audio.size / SAMPLE_RATE
        upto = min(upto + 0.05, audio_end)
        if upto <= self._embedded_until:
            return
        resume: float | None = None  # start of a short piece at the end, to embed with what follows
        for s, e in sorted(speech):
            s, e = max(s, self._embedded_until, audio_start), min(e, upto)
            if e - s < self.config.min_turn_seconds:
                if e >= upto - 1e-6 and e > s:
                    resume = s
                continue
            piece = audio[int(round((s - audio_start) * SAMPLE_RATE)):int(round((e - audio_start) * SAMPLE_RATE))]
            x, w, offsets = embed_speech(piece, encoder=self._encoder or get_voice_encoder())
            if not len(x):
                continue
            if self._regions and s - self._regions[-1][1] < 0.05:  # the same speech turn, continued
                self._regions[-1][1] = e
            else:
                self._regions.append([s, e])
            region = len(self._regions) - 1
            self._x.extend(x)
            self._w.extend(w)
            self._t.extend(offsets + s)
            self._region.extend([region] * len(x))
            self._share.extend([(e - s) / len(x)] * len(x))
            self._embedded_until = e
        self._embedded_until = max(self._embedded_until, upto if resume is None else resume)
        excess = len(self._x) - self.config.max_history_windows
        if excess > 0:
            for buf in (self._x, self._w, self._t, self._region, self._share):
                del buf[:excess]

    def _cluster_labels(self, words: Sequence) -> list[int | None] | None:
        """Labels of ``words`` from clustering the windows heard so far, or None while it is not sure.

        None when the clustering hears one voice or a voice holds less than ``min_cluster_seconds``. A word
        whose cluster matches no sent label gets a new label while fewer than ``max_speakers`` are in use
        (and the cluster holds ``min_new_speaker_seconds`` of the new words), else None (its fallback).
        """
        from scipy.optimize import linear_sum_assignment

        from transcription.providers.base import Word
        from transcription.speech.diarization import assign_speakers, cluster_windows, window_segments

        if len(self._x) < 2:
            return None
        x, w, t = np.asarray(self._x), np.asarray(self._w), np.asarray(self._t)
        region = np.asarray(self._region)
        speech = float(np.sum(self._share))
        found = cluster_windows(x, w, region - region[0], t, speech, max_speakers=self.config.max_speakers)
        if found is None:
            return None
        cluster, scores = found
        k = scores.shape[1]
        share = np.asarray(self._share)
        if np.bincount(cluster, weights=share, minlength=k).min() < self.config.min_cluster_seconds:
            return None
        regions = [tuple(r) for r in self._regions[region[0]:]]
        segments = window_segments(t, w, region - region[0], cluster, scores, regions)
        horizon = t[0]
        history = [Word("", s, e) for s, e, _ in self._sent if e > horizon]
        sent = [k_ for _, e, k_ in self._sent if e > horizon]
        old = assign_speakers(history, segments) if history else []
        new = assign_speakers(words, segments)
        n_labels = max([len(self._sums)] + [k_ + 1 for k_ in sent])
        shared = np.zeros((k, max(n_labels, 1)))
        for word, c, label in zip(history, old, sent, strict=True):
            if c is not None:
                shared[c, label] += max(word.end - word.start, 0.02)
        rows, cols = linear_sum_assignment(-shared)
        name = {int(r): int(c) for r, c in zip(rows, cols, strict=True) if shared[r, c] > 0}
        unnamed = {c for c in set(new) if c is not None and c not in name}
        for c in sorted(unnamed):
            seconds = sum(max(wd.end - wd.start, 0.0) for wd, c_ in zip(words, new, strict=True) if c_ == c)
            if n_labels < self.config.max_speakers and seconds >= self.config.min_new_speaker_seconds:
                name[c] = n_labels
                mean = _unit(x[cluster == c].mean(axis=0))
                while len(self._sums) <= n_labels:  # the centroid rule learns the new voice too
                    self._sums.append(mean * seconds)
                    self._seconds.append(seconds)
                n_labels += 1
        return [name.get(c) if c is not None else None for c in new]


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


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
