"""Speaker diarization with the numpy port of Resemblyzer's d-vector encoder.

Pipeline (all numpy/scipy, CPU, no downloads):

1. **Windows.**  Speech regions (from Silero VAD via Whisper's word timestamps, or given
   directly) are covered with windows of 1.6 s (the length the encoder was trained on,
   resemblyzer ``partials_n_frames``) every 0.75 s.  Regions shorter than a window get one
   window of their own length (at least 0.5 s), so a short reply is not mixed with the
   neighbouring turn.
2. **Embeddings.**  One 256-d d-vector per window (:mod:`.voice_encoder`), all windows of the
   same length in one batched LSTM pass.  Each window is brought to -30 dBFS (amplify only,
   resemblyzer's per-utterance normalisation), so a voice is not split in two when its level
   changes (speaker moving away from the microphone) -- measured: with whole-file
   normalisation a single voice whose second half is 18 dB quieter came out as two speakers.
3. **Clustering.**  Spherical k-means (k-means++ seeding, several restarts, fixed seed) on
   the mean-centred, re-normalised embeddings, alternating with a Viterbi smoothing pass
   (an HMM whose states are the speakers, emission score ``cos(x, centroid) / tau``, a fixed
   cost per speaker change), so isolated flips inside a turn are removed.
4. **Number of speakers.**  Two clusters are kept only if they are different *voices*: the
   cosine between the speakers' mean d-vectors (raw, un-centred space; corrected for small
   clusters and overlapping windows, see ``_voice_similarity``) must be below
   :data:`SAME_VOICE_COSINE` (0.93).  Measured on espeak-ng voices: splitting one voice in two
   gives 0.95-0.97 on recordings of 50 s or more, two different voices 0.68-0.92 (real
   speakers are usually further apart: resemblyzer's demos show 0.5-0.8 between people).
   Clusters too small for the corrected estimate must be clearly different
   (:data:`FEW_WINDOWS_COSINE`).  k-means prefers halving a voice that speaks a lot over
   isolating one that speaks little, so the 2-way split is chosen among candidates by this test
   rather than by the k-means objective (:func:`_two_voices`): 2-means, each cluster split in
   two with the two most similar of the three merged back, and -- only if none of those is two
   voices -- a brief second voice seeded at the window least like the mean voice (three short
   replies in a 49 s explanation).  With ``num_speakers=None`` the count then grows beyond 2
   only while each new cluster is far from all others (:data:`EXTRA_SPEAKER_COSINE`, a prior
   for the typical two-person visit) and holds :data:`MIN_SPEAKER_SECONDS` of speech, up to
   ``max_speakers``.  The candidates are ``k + 1``-means and each cluster split in two (a relative
   whose voice is near the patient's hides in the patient's cluster), and they are judged without
   the windows that straddle one of their own speaker changes (:func:`_mixed_windows`): such
   windows hold two voices, pull two speakers' voices together, and at the turn changes of a
   two-person visit make a false third cluster of their own (which is why splitting one cluster
   had been left out before 2026-12-02).  With an explicit ``num_speakers`` that many clusters
   are made, except that a recording whose 2-way split fails the test is returned as one
   speaker: a single voice is never split.
5. **Segments.**  Per-window speaker scores are interpolated between window centres to a
   10 ms grid inside the speech regions; the label of each frame is the best-scoring speaker
   among the two windows around it (Viterbi labels at both ends agree -> that label), so
   turn boundaries fall between window centres rather than on the 0.75 s grid.
   **Second pass.**  When steps 2-4 found two or more voices, they are run again on 1.2 s
   windows (``DiarizationConfig.fine_window_s``), which mix less of the neighbouring turn into a
   quick reply ("Neither did I." inside the other speaker's turn on a real recording), and
   that placement of the turns is used if it hears the same number of voices; otherwise the
   1.6 s pass stands.  The 1.6 s windows alone decide whether and how many: shorter windows
   split a single voice (one dictation in five) and, allowed to change the count, found a
   false third speaker on one of ten held-out two-voice visits.
6. **Words.**  :func:`assign_speakers` gives each word the speaker owning most of its
   frames (nearest segment if it overlaps none).

Accuracy measured on the espeak-ng visit fixtures and 4 more synthetic dialogues (2-3 min,
same- and cross-gender voice pairs, 0-3 s pauses): 95-100% of word time gets the right
speaker (mean 97%), the right speaker count on all 11 recordings; cost ~0.7 s per 3 minutes of
speech on 2 cores (``bench/transcribe_engine.py``).  Excerpts shorter than ~15 s are often
labelled as one speaker: there is too little audio to tell voices apart reliably.

``bench/diarization.py`` (issue 15) scores it with pyannote.metrics on visits made with many espeak-ng
voices and sox degradations (noise, reverb, telephone band, level differences, overlap and back-channels,
8-15 s clips, three speakers, single voices) against spectral and agglomerative clustering of the same
d-vectors: mean DER 10.6 % (6.0 % with a 0.25 s collar) vs 18.1 % (AHC) and 23.7 % (spectral) (2026-12-02); the
thresholds above were re-checked there on a separate draw and left unchanged (see the README).  The
2-way candidates of step 4 (2026-11-30) were developed on a separate draw (seed 99: mean DER 11.0 -> 8.8 %)
and then measured on the README's draw (seed 15, see the README table); the third-speaker candidates judged
without mixed windows (2026-12-02) took three-speaker visits from 9.3 to 6.8 % (seed 15) and left seed 99 as
it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

import numpy as np

from transcription.speech.voice_encoder import (
    AUDIO_NORM_TARGET_DBFS,
    SAMPLE_RATE,
    VoiceEncoder,
    get_voice_encoder,
    mel_spectrogram,
)

__all__ = [
    "EXTRA_SPEAKER_COSINE",
    "FEW_WINDOWS_COSINE",
    "MIN_SPEAKER_SECONDS",
    "MIXED_WINDOW_MARGIN_S",
    "SAME_VOICE_COSINE",
    "DiarizationConfig",
    "SpeakerSegment",
    "assign_speakers",
    "cluster_windows",
    "diarize",
    "embed_speech",
    "speech_regions_from_words",
    "window_segments",
]

logger = logging.getLogger(__name__)

FRAME_S = 0.01  #: seconds per mel frame (resemblyzer ``mel_window_step`` = 10 ms)
_EMBED_BATCH = 256  # windows per LSTM batch (~256 * 160 * 40 * 4 B = 6.5 MB of input)
_MAX_SIMILARITY_WINDOWS = 1500  # windows used for the voice-similarity estimate (n^2 matrix)
#: corrected centroid cosine (see ``_voice_similarity``) at/above which a 2-way split is one voice
SAME_VOICE_COSINE = 0.93
#: a 3rd/4th estimated speaker must be at least this distinct from every other one (a prior
#: favouring the typical two-person visit)
EXTRA_SPEAKER_COSINE = 0.85
#: plain-centroid cosine below which clusters too small for the corrected estimate still count
#: as different voices (same-voice window pairs measured down to ~0.76, different voices ~0.65)
FEW_WINDOWS_COSINE = 0.72
#: an estimated 3rd/4th speaker needs at least this much speech (seconds)
MIN_SPEAKER_SECONDS = 3.0
#: seconds around a window within which a speaker change makes it a two-voice window (``_mixed_windows``):
#: the change is placed between two window centres, so it is known to about half a hop (0.375 s) either
#: way.  Measured (``bench/diarization.py``, seeds 15 and 99): 0.2 and 0.5 s give the same table; 0.5 s
#: also clears a clinician's turn whose first and middle windows 3-means gave to the patient
#: (``relative_joins`` with VAD regions: 2 -> 3 speakers); 0.75 s cost that clip's word accuracy through
#: the pipeline (99.1 -> 96.0 %).
MIXED_WINDOW_MARGIN_S = 0.5


@dataclass(frozen=True)
class DiarizationConfig:
    """Tunable numbers (defaults measured on the 2-core target machine, see the bench).

    Attributes:
        window_s: embedding window length, seconds (1.6 = encoder training length).
        step_s: hop between windows inside a speech region, seconds.
        min_window_s: shortest window (for short regions), seconds.
        tau: temperature of the Viterbi emission score ``cos / tau``.
        switch_cost: Viterbi cost of a speaker change between consecutive windows.
        n_init: k-means restarts.
        seed: RNG seed (results are deterministic).
        region_max_gap: words closer than this (seconds) form one speech region.
        region_pad: seconds added around each region.
        min_word_s: words shorter than this (Whisper sometimes gives 0-length words) are
            widened to this length, centred, when building regions.
        anchor_s: time offset of a window's score relative to its centre (seconds).  The LSTM's
            last state weighs the end of a window a little more (measured: the score of a window
            straddling a turn change is neutral when ~58% of it precedes the change).
        fine_window_s: window length (seconds) of the second pass that places the turns once the
            first pass (``window_s`` windows) has found two or more voices, used only when it finds
            the same number; 0 (or ``>= window_s``) turns it off.  Shorter windows mix less of the
            neighbouring turn into a short reply but tell voices apart less surely, so they never
            decide how many there are: measured in ``bench/diarization.py`` (seed 15, the same stored
            audio), 1.0 s windows alone split one single-voice visit in five (single-voice DER
            4.0 -> 13.1 %); 1.2 s windows as the second pass cut the real recording's DER 20.0 ->
            17.4 % and the synthetic mean 11.7 -> 11.5 %, and raise word-time speaker accuracy on 14
            visits 95.4 -> 96.6 % (1.0 s: 16.6 % and 11.4 %, but a 0.7 s flip inside a patient's
            turn on one visit; see the README).
        confirm_turns: a stretch the second pass gives to another speaker than the first pass is kept only
            if its own embedding is nearer that speaker's voice (:func:`_confirmed_turns`); False: the
            second pass's turns as they come (before 2026-12-01).
        split_candidates: when looking for a 3rd (4th) speaker, also try each cluster split in two, not only
            ``k + 1``-means (:func:`_extra_speaker`); False: ``k + 1``-means only (before 2026-12-02).
        exclude_mixed_windows: judge a 3rd (4th) speaker without the windows that straddle a speaker
            change (:func:`_mixed_windows`); False: on all windows (before 2026-12-02).
    """

    window_s: float = 1.6
    step_s: float = 0.75
    min_window_s: float = 0.5
    tau: float = 0.1
    switch_cost: float = 1.5
    n_init: int = 4
    seed: int = 0
    region_max_gap: float = 0.3
    region_pad: float = 0.05
    min_word_s: float = 0.1
    anchor_s: float = 0.0
    fine_window_s: float = 1.2
    confirm_turns: bool = True
    split_candidates: bool = True
    exclude_mixed_windows: bool = True


@dataclass(frozen=True)
class SpeakerSegment:
    """A stretch of speech attributed to one speaker.

    Attributes:
        start, end: seconds.
        speaker: 0-based id, numbered by first appearance.
    """

    start: float
    end: float
    speaker: int

    def __iter__(self):  # allows ``start, end, speaker = segment``
        return iter((self.start, self.end, self.speaker))


def speech_regions_from_words(words: Iterable, *, max_gap: float = 0.3, pad: float = 0.05,
                              duration: float | None = None, min_word_s: float = 0.1) -> list[tuple[float, float]]:
    """Merge word time spans into speech regions.

    Args:
        words: objects with ``start``/``end`` attributes or ``(start, end, ...)`` tuples, seconds.
        max_gap: words separated by at most this many seconds are in the same region.
        pad: seconds added on both sides of each region (clamped to ``[0, duration]``).
        duration: audio length in seconds, for clamping.
        min_word_s: shorter words are widened (centred) to this length, seconds.
    Returns:
        sorted, non-overlapping ``(start, end)`` pairs in seconds.
    """
    spans = []
    for w in words:
        s, e = (float(w.start), float(w.end)) if hasattr(w, "start") else (float(w[0]), float(w[1]))
        if e < s:
            continue
        if e - s < min_word_s:
            mid = (s + e) / 2
            s, e = max(0.0, mid - min_word_s / 2), mid + min_word_s / 2
        spans.append((s, e))
    spans.sort()
    regions: list[list[float]] = []
    for s, e in spans:
        s, e = max(0.0, s - pad), e + pad
        if duration is not None:
            e = min(e, duration)
        if regions and s <= regions[-1][1] + max_gap:
            regions[-1][1] = max(regions[-1][1], e)
        else:
            regions.append([s, e])
    return [(s, e) for s, e in regions if e > s]


def _plan_windows(regions: Sequence[tuple[float, float]], n_frames_total: int,
                  cfg: DiarizationConfig) -> list[tuple[int, int, int]]:
    """Windows as ``(start_frame, n_frames, region_index)``."""
    win = int(round(cfg.window_s / FRAME_S))
    step = max(1, int(round(cfg.step_s / FRAME_S)))
    min_win = int(round(cfg.min_window_s / FRAME_S))
    out: list[tuple[int, int, int]] = []
    for ri, (s, e) in enumerate(regions):
        fs, fe = int(np.floor(s / FRAME_S)), int(np.ceil(e / FRAME_S))
        fe = min(fe, n_frames_total)
        length = fe - fs
        if length <= 0:
            continue
        if length <= win:
            n = max(min_win, int(np.ceil(length / 10.0)) * 10)  # round up to 100 ms for batching
            centre = (fs + fe) // 2
            start = int(np.clip(centre - n // 2, 0, max(0, n_frames_total - n)))
            out.append((start, n, ri))
            continue
        n_steps = int(np.ceil((length - win) / step))
        for k in range(n_steps + 1):
            start = min(fs + k * step, fe - win)
            out.append((start, win, ri))
    return out


def _embed(encoder: VoiceEncoder, samples: np.ndarray, windows: list[tuple[int, int, int]]) -> np.ndarray:
    """d-vectors of ``windows`` (see :func:`_plan_windows`), shape ``(n_windows, 256)``.

    Resemblyzer normalises each utterance to -30 dBFS (amplifying only) before embedding.  Here
    each *window* gets that gain, applied to its (power) mel frames as ``gain ** 2``, so a quiet
    speaker far from the microphone is embedded at the level the model was trained on instead
    of being told apart from a loud one by loudness.
    """
    hop = int(FRAME_S * SAMPLE_RATE)
    mel = mel_spectrogram(samples)
    max_end = max(s + n for s, n, _ in windows)
    if max_end > mel.shape[0]:
        mel = np.concatenate([mel, np.zeros((max_end - mel.shape[0], mel.shape[1]), dtype=np.float32)])
    # window energy from a cumulative sum of squared samples: O(1) per window
    csum = np.concatenate([[0.0], np.cumsum(np.square(samples, dtype=np.float64))])
    emb = np.zeros((len(windows), 256), dtype=np.float32)
    lengths = np.array([n for _, n, _ in windows])
    starts = np.array([s for s, _, _ in windows])
    a = np.clip(starts * hop, 0, samples.size)
    b = np.clip((starts + lengths) * hop, 0, samples.size)
    ms = (csum[b] - csum[a]) / np.maximum(b - a, 1)
    target = 10.0 ** (AUDIO_NORM_TARGET_DBFS / 10.0)  # mean square at -30 dBFS
    power_gain = np.where(ms > 1e-10, np.maximum(target / np.maximum(ms, 1e-10), 1.0), 1.0).astype(np.float32)
    for n in np.unique(lengths):
        idx_all = np.nonzero(lengths == n)[0]
        # gather the windows' frames in batches: bounded memory on long recordings
        for b0 in range(0, idx_all.size, _EMBED_BATCH):
            idx = idx_all[b0 : b0 + _EMBED_BATCH]
            frames = mel[starts[idx, None] + np.arange(n)[None, :]]
            frames *= power_gain[idx, None, None]
            emb[idx] = encoder.embed_frames(frames, batch_size=_EMBED_BATCH)
    return emb


def _normalise_rows(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)


def _spherical_kmeans(x: np.ndarray, k: int, weights: np.ndarray, rng: np.random.Generator,
                      n_init: int, iters: int = 30) -> tuple[np.ndarray, np.ndarray]:
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    n = len(x)
    for _ in range(n_init):
        # k-means++ seeding on cosine distance
        centres = [x[rng.choice(n, p=weights / weights.sum())]]
        for _ in range(1, k):
            d = 1.0 - np.max(x @ np.stack(centres).T, axis=1)
            d = np.maximum(d, 0) ** 2 * weights
            if d.sum() <= 0:
                break
            centres.append(x[rng.choice(n, p=d / d.sum())])
        c = np.stack(centres)
        if len(c) < k:
            return np.zeros(n, dtype=np.int64), _normalise_rows(c)
        labels = np.zeros(n, dtype=np.int64)
        for it in range(iters):
            new = np.argmax(x @ c.T, axis=1)
            if it and np.array_equal(new, labels):
                break
            labels = new
            for j in range(k):
                m = labels == j
                if m.any():
                    c[j] = (x[m] * weights[m, None]).sum(0)
            c = _normalise_rows(c)
        obj = float(((x * c[labels]).sum(1) * weights).sum())
        if best is None or obj > best[0]:
            best = (obj, labels.copy(), c.copy())
    assert best is not None
    return best[1], best[2]


def _viterbi(scores: np.ndarray, region: np.ndarray, tau: float, switch_cost: float) -> np.ndarray:
    """Best label path; ``scores`` (n, k) cosine similarities; a new region resets nothing but
    makes a change free (turns often change across a pause)."""
    n, k = scores.shape
    em = scores / tau
    dp = em[0].copy()
    back = np.zeros((n, k), dtype=np.int64)
    for t in range(1, n):
        cost = 0.0 if region[t] != region[t - 1] else switch_cost
        stay = dp
        best_prev = int(np.argmax(dp))
        switch = dp[best_prev] - cost
        take_switch = switch > stay
        back[t] = np.where(take_switch, best_prev, np.arange(k))
        dp = np.where(take_switch, switch, stay) + em[t]
    path = np.zeros(n, dtype=np.int64)
    path[-1] = int(np.argmax(dp))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def _cluster(x_raw: np.ndarray, weights: np.ndarray, region: np.ndarray, k: int,
             cfg: DiarizationConfig) -> tuple[np.ndarray, np.ndarray]:
    """Labels (n,) and centred-space centroids (k, d) for exactly ``k`` clusters."""
    n = len(x_raw)
    if k <= 1 or n < 2:
        return np.zeros(n, dtype=np.int64), _normalise_rows(x_raw.mean(0, keepdims=True))
    xc = _normalise_rows(x_raw - np.average(x_raw, axis=0, weights=weights))
    rng = np.random.default_rng(cfg.seed)
    labels, cent = _spherical_kmeans(xc, k, weights, rng, cfg.n_init)
    return _smooth(xc, weights, region, labels, cent, cfg)


def _split_cluster(x_raw: np.ndarray, xc: np.ndarray, weights: np.ndarray, region: np.ndarray, labels: np.ndarray,
                   j: int, cfg: DiarizationConfig) -> tuple[np.ndarray, np.ndarray] | None:
    """``k + 1`` clusters made by splitting cluster ``j`` of ``labels`` in two (bisecting k-means).

    A second voice that speaks little is a small part of one cluster of 2-means, which halved
    the long voice.  Splitting each cluster on its own, centred on its own mean, finds the
    direction that separates two voices inside it (:func:`_two_voices` merges the two most
    similar parts back).  ``xc``: the d-vectors centred on the recording's mean and re-normalised.
    Returns labels (n,) and centred-space centroids (k + 1, d) after the Viterbi smoothing, or None
    when the cluster has fewer than 2 windows.
    """
    m = np.nonzero(labels == j)[0]
    if m.size < 2:
        return None
    k = int(labels.max()) + 1
    local = _normalise_rows(x_raw[m] - np.average(x_raw[m], axis=0, weights=weights[m]))
    sub, _ = _spherical_kmeans(local, 2, weights[m], np.random.default_rng(cfg.seed), cfg.n_init)
    new = labels.copy()
    new[m[sub == 1]] = k
    cent = np.stack([(xc[new == c] * weights[new == c, None]).sum(0) if (new == c).any()
                     else np.zeros(xc.shape[1]) for c in range(k + 1)])
    return _smooth(xc, weights, region, new, _normalise_rows(cent), cfg)


def _two_voices(x_raw: np.ndarray, xc: np.ndarray, weights: np.ndarray, region: np.ndarray, times: np.ndarray,
                seconds: np.ndarray, labels: np.ndarray, cent: np.ndarray, cfg: DiarizationConfig
                ) -> tuple[np.ndarray, np.ndarray]:
    """The most clearly separated 2-way clustering: ``labels``, a split-and-merge of it, or a brief voice.

    2-means on a visit where one voice speaks much more than the other halves the long voice
    and leaves the short one inside a half.  Each cluster is split in two (:func:`_split_cluster`)
    and the two most similar of the three clusters are merged; the candidate whose voices are
    furthest apart (:func:`_separation`) wins.  If none of them is two voices, a second voice
    heard only briefly is looked for (:func:`_brief_voice`); it is kept only if its mean
    d-vector is clearly another voice's (plain cosine below :data:`FEW_WINDOWS_COSINE`).

    Returns:
        labels (n,) and centred-space centroids (2, d) of the chosen clustering.
    """
    best, best_margin = (labels, cent), _separation(x_raw, labels, times, seconds, 2, cfg, SAME_VOICE_COSINE, 0.0)
    for j in range(2):
        three = _split_cluster(x_raw, xc, weights, region, labels, j, cfg)
        if three is None or len(np.unique(three[0])) < 3:
            continue
        sim = _voice_similarity(x_raw, three[0], times, 3, cfg.window_s)
        np.fill_diagonal(sim, -np.inf)
        a, b = np.unravel_index(int(np.nanargmax(np.nan_to_num(sim, nan=-np.inf))), sim.shape)
        keep = [c for c in range(3) if c not in (a, b)][0]
        merged = np.where(three[0] == keep, 1, 0)
        c2 = _normalise_rows(np.stack([(xc[merged == c] * weights[merged == c, None]).sum(0) for c in range(2)]))
        # one Viterbi pass, no centroid updates: re-estimating the centroids drifts back towards
        # halving the long voice (measured on a 50 s / 3 s visit)
        cand = (_viterbi(xc @ c2.T, region, cfg.tau, cfg.switch_cost), c2)
        if len(np.unique(cand[0])) < 2:
            continue
        margin = _separation(x_raw, cand[0], times, seconds, 2, cfg, SAME_VOICE_COSINE, 0.0)
        if margin > best_margin:
            best, best_margin = cand, margin
    if best_margin <= 0:
        brief = _brief_voice(x_raw, weights)
        if brief is not None:
            raw = _raw_centroids(x_raw, brief, weights, 2)
            if (float(raw[0] @ raw[1]) < FEW_WINDOWS_COSINE
                    and _separation(x_raw, brief, times, seconds, 2, cfg, SAME_VOICE_COSINE, 0.0) > 0):
                c2 = _normalise_rows(np.stack([(xc[brief == c] * weights[brief == c, None]).sum(0)
                                               for c in range(2)]))
                best = (brief, c2)
    return best


def _brief_voice(x_raw: np.ndarray, weights: np.ndarray, iters: int = 20) -> np.ndarray | None:
    """2-way labels seeded at the window least like the recording's mean voice, or None.

    A second voice heard for a few seconds in a long monologue ("Okay." "Twice a day?") is a few
    windows far from the mean d-vector; k-means of any seeding prefers halving the long voice.
    Here one centroid starts at the mean voice, the other at the farthest window, and Lloyd
    iterations on the raw (un-centred) d-vectors follow; whether the result is two voices is
    decided by the caller with :func:`_separation`.
    """
    xn = _normalise_rows(x_raw)
    mean = _normalise_rows((xn * weights[:, None]).sum(0, keepdims=True))[0]
    a, b = mean, xn[int(np.argmin(xn @ mean))]
    labels = np.zeros(len(xn), dtype=np.int64)
    for _ in range(iters):
        new = (xn @ b > xn @ a).astype(np.int64)
        if not new.any() or new.all():
            return None
        if np.array_equal(new, labels):
            break
        labels = new
        a = _normalise_rows((xn[labels == 0] * weights[labels == 0, None]).sum(0, keepdims=True))[0]
        b = _normalise_rows((xn[labels == 1] * weights[labels == 1, None]).sum(0, keepdims=True))[0]
    return labels


def _smooth(xc: np.ndarray, weights: np.ndarray, region: np.ndarray, labels: np.ndarray,
            cent: np.ndarray, cfg: DiarizationConfig) -> tuple[np.ndarray, np.ndarray]:
    """Alternate Viterbi labelling and centroid updates (at most 3 rounds) from ``labels``/``cent``."""
    k = cent.shape[0]
    for _ in range(3):
        path = _viterbi(xc @ cent.T, region, cfg.tau, cfg.switch_cost)
        new_cent = cent.copy()
        for j in range(k):
            m = path == j
            if m.any():
                new_cent[j] = (xc[m] * weights[m, None]).sum(0)
        new_cent = _normalise_rows(new_cent)
        if np.array_equal(path, labels):
            cent = new_cent
            break
        labels, cent = path, new_cent
    return labels, cent


def _raw_centroids(x_raw: np.ndarray, labels: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    c = np.zeros((k, x_raw.shape[1]), dtype=np.float64)
    for j in range(k):
        m = labels == j
        if m.any():
            c[j] = (x_raw[m] * weights[m, None]).sum(0)
    return _normalise_rows(c)


def _voice_similarity(x_raw: np.ndarray, labels: np.ndarray, times: np.ndarray, k: int,
                      min_separation: float) -> np.ndarray:
    """Cosine between the speakers' mean d-vectors, corrected for finite samples.

    ``sim[a, b] = mean_cross(a, b) / sqrt(mean_within(a) * mean_within(b))`` where the means are
    over pairs of windows that do not overlap in time (``|t_i - t_j| >= min_separation``) and
    exclude self-pairs.  The plain cosine of normalised centroids is biased low for small
    clusters (each centroid's norm includes the ``1/n`` self-similarity term), and overlapping
    windows share audio, which would inflate the within-cluster similarity.  Returns NaN where
    a cluster has no usable pair.

    Returns:
        (k, k) matrix, 1 on the diagonal.
    """
    if len(x_raw) > _MAX_SIMILARITY_WINDOWS:  # O(n^2) memory: use an even subsample
        keep = np.linspace(0, len(x_raw) - 1, _MAX_SIMILARITY_WINDOWS).round().astype(np.int64)
        x_raw, labels, times = x_raw[keep], labels[keep], times[keep]
    sims = x_raw @ x_raw.T
    far = np.abs(times[:, None] - times[None, :]) >= min_separation
    mean = np.full((k, k), np.nan)
    for a in range(k):
        for b in range(a, k):
            m = far & (labels[:, None] == a) & (labels[None, :] == b)
            if m.any():
                mean[a, b] = mean[b, a] = float(sims[m].mean())
    diag = np.sqrt(np.clip(np.diag(mean), 1e-9, None))
    out = mean / np.outer(diag, diag)
    np.fill_diagonal(out, 1.0)
    return out


def _separation(x_raw: np.ndarray, labels: np.ndarray, times: np.ndarray, weights: np.ndarray,
                k: int, cfg: "DiarizationConfig", threshold: float, min_seconds: float) -> float:
    """How clearly the ``k`` clusters are ``k`` different voices (see the module docstring).

    Returns:
        ``threshold`` minus the highest cosine between two clusters' voices: > 0 when they are
        all different voices; ``-inf`` when a cluster holds less than ``min_seconds`` of speech.
    """
    per_cluster = np.array([weights[labels == j].sum() for j in range(k)])
    if per_cluster.min() < min_seconds or (per_cluster <= 0).any():
        return -np.inf
    sim = _voice_similarity(x_raw, labels, times, k, cfg.window_s)
    off = sim[~np.eye(k, dtype=bool)]
    if np.isnan(off).any():
        # Too little audio in some cluster for the corrected estimate (no two windows that do
        # not overlap): only very different voices are split, judged on the plain centroids.
        raw = _raw_centroids(x_raw, labels, weights, k)
        off = (raw @ raw.T)[~np.eye(k, dtype=bool)]
        threshold = min(threshold, FEW_WINDOWS_COSINE)
    return float(threshold - np.nanmax(off))


def _distinct_voices(x_raw: np.ndarray, labels: np.ndarray, times: np.ndarray, weights: np.ndarray,
                     k: int, cfg: "DiarizationConfig", threshold: float, min_seconds: float) -> bool:
    """True if the ``k`` clusters are ``k`` different voices (see :func:`_separation`)."""
    return _separation(x_raw, labels, times, weights, k, cfg, threshold, min_seconds) > 0


def diarize(samples: np.ndarray, speech: Sequence, *, num_speakers: int | None = None,
            min_speakers: int = 1, max_speakers: int = 4, encoder: VoiceEncoder | None = None,
            config: DiarizationConfig | None = None) -> list[SpeakerSegment]:
    """Who spoke when.

    Args:
        samples: float32 mono waveform at 16 kHz, shape ``(n_samples,)``.
        speech: speech regions as ``(start, end)`` pairs in seconds, or word objects with
            ``start``/``end`` (merged with :func:`speech_regions_from_words`).
        num_speakers: exact number of speakers expected (a single voice is still returned as
            one speaker), or None to estimate it in ``[min_speakers, max_speakers]``.
        min_speakers, max_speakers: bounds for the estimate.
        encoder: voice encoder (default: the process-wide one).
        config: :class:`DiarizationConfig`.
    Returns:
        non-overlapping :class:`SpeakerSegment` list in time order covering the speech
        regions, speakers numbered 0.. by first appearance; empty if there is no speech.
    Raises:
        ValueError: bad arguments (e.g. ``num_speakers < 1``).
        transcription.speech.voice_encoder.CheckpointError: encoder weights unavailable.
    """
    cfg = config or DiarizationConfig()
    if num_speakers is not None and num_speakers < 1:
        raise ValueError("num_speakers must be >= 1")
    if not 1 <= min_speakers <= max_speakers:
        raise ValueError("need 1 <= min_speakers <= max_speakers")
    samples = np.asarray(samples, dtype=np.float32).reshape(-1)
    duration = samples.size / SAMPLE_RATE
    speech = list(speech)
    if speech and not isinstance(speech[0], (tuple, list)):
        regions = speech_regions_from_words(speech, duration=duration, max_gap=cfg.region_max_gap,
                                            pad=cfg.region_pad, min_word_s=cfg.min_word_s)
    else:
        regions = sorted((max(0.0, float(s)), min(duration, float(e))) for s, e, *_ in speech)
        regions = [(s, e) for s, e in regions if e > s]
    if not regions:
        return []
    n_frames_total = samples.size // int(FRAME_S * SAMPLE_RATE) + 1
    windows = _plan_windows(regions, n_frames_total, cfg)
    if not windows:
        return []

    if len(windows) < 2 or num_speakers == 1 or max_speakers == 1:
        return [SpeakerSegment(s, e, 0) for s, e in regions]

    found = _diarize_pass(samples, regions, windows, n_frames_total, cfg, num_speakers, min_speakers,
                          max_speakers, encoder)
    if found is None:
        return [SpeakerSegment(s, e, 0) for s, e in regions]
    segments, k, voices = found
    if 0 < cfg.fine_window_s < cfg.window_s:
        fine_cfg = replace(cfg, window_s=cfg.fine_window_s, min_window_s=min(cfg.min_window_s, cfg.fine_window_s))
        fine_windows = _plan_windows(regions, n_frames_total, fine_cfg)
        fine = _diarize_pass(samples, regions, fine_windows, n_frames_total, fine_cfg, num_speakers, min_speakers,
                             k if num_speakers is None else max_speakers, encoder, forced=False)
        if fine is not None and fine[1] == k:
            segments = (_confirmed_turns(samples, segments, fine[0], voices, k, cfg, encoder or get_voice_encoder())
                        if cfg.confirm_turns else fine[0])
    return segments


def _confirmed_turns(samples: np.ndarray, coarse: list[SpeakerSegment], fine: list[SpeakerSegment],
                     voices: np.ndarray, k: int, cfg: DiarizationConfig,
                     encoder: VoiceEncoder) -> list[SpeakerSegment]:
    """The second pass's segments, except where it gives a stretch to another speaker than the first pass
    did and the stretch's own voice does not confirm it.

    Such a stretch (a quick reply the 1.6 s windows had mixed into the other person's turn, or a flip that
    shorter, noisier windows made inside one person's turn) is embedded as one piece (one window of its
    own length, at least ``min_window_s``; the mean of the usual windows when longer than ``window_s``) and
    kept for the second pass's speaker only if that is the nearer of the two speakers' mean d-vectors
    (``voices``: the first pass's, unit length, by speaker id); otherwise the first pass's segments stand
    there.  Measured: a 1.2 s flip inside a patient's turn on one machine's word times (D2N041: cosine
    0.86 to the patient against 0.78 to the clinician) is reverted, while on the real recording both
    replies the second pass found ("Hello." 0.58 vs 0.53, "Neither did I." 0.72 vs 0.68) are kept.
    """
    from scipy.optimize import linear_sum_assignment

    def overlap(a: SpeakerSegment, b: SpeakerSegment) -> float:
        return max(0.0, min(a.end, b.end) - max(a.start, b.start))

    shared = np.zeros((k, k))
    for f in fine:
        for c in coarse:
            shared[f.speaker, c.speaker] += overlap(f, c)
    rows, cols = linear_sum_assignment(-shared)
    as_coarse = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    out: list[SpeakerSegment] = []
    for f in fine:
        per = np.zeros(k)
        for c in coarse:
            per[c.speaker] += overlap(f, c)
        was = int(np.argmax(per))
        now = as_coarse[f.speaker]
        if per.sum() <= 0 or was == now:
            out.append(SpeakerSegment(f.start, f.end, now))
            continue
        piece = samples[int(f.start * SAMPLE_RATE):int(f.end * SAMPLE_RATE)]
        length = max(f.end - f.start, cfg.min_window_s)
        x, _, _ = embed_speech(piece, config=replace(cfg, window_s=min(length, cfg.window_s),
                                                     min_window_s=min(length, cfg.window_s)), encoder=encoder)
        mean = _normalise_rows(x).mean(0) if len(x) else None
        if mean is not None and float(voices[now] @ mean) > float(voices[was] @ mean):
            out.append(SpeakerSegment(f.start, f.end, now))
        else:
            out.extend(SpeakerSegment(max(c.start, f.start), min(c.end, f.end), c.speaker)
                       for c in coarse if overlap(f, c) > 0)
    return _renumber(sorted(out, key=lambda s: s.start))


def _diarize_pass(samples: np.ndarray, regions: Sequence[tuple[float, float]], windows: list[tuple[int, int, int]],
                  n_frames_total: int, cfg: DiarizationConfig, num_speakers: int | None, min_speakers: int,
                  max_speakers: int, encoder: VoiceEncoder | None,
                  forced: bool = True) -> tuple[list[SpeakerSegment], int, np.ndarray] | None:
    """One clustering of ``windows`` (steps 2-5 of the module docstring).

    Returns:
        ``(segments, k, voices)`` with ``k >= 2`` speakers and their mean d-vectors ``(k, 256)`` (unit
        length, row = speaker id of ``segments``), or None when this pass hears one voice (and
        ``forced`` is False or ``min_speakers`` is 1).  With ``forced`` (the first pass),
        ``min_speakers > 1`` makes that many clusters even of one voice, as callers ask.
    """
    x_raw = _embed(encoder or get_voice_encoder(), samples, windows).astype(np.float64)
    # weight = seconds of speech the window stands for (overlapping windows share)
    weights = np.array([n * FRAME_S for _, n, _ in windows], dtype=np.float64)
    region_idx = np.array([r for _, _, r in windows])
    times = np.array([s * FRAME_S for s, _, _ in windows])
    found = cluster_windows(x_raw, weights, region_idx, times, sum(e - s for s, e in regions), cfg,
                            num_speakers=num_speakers, min_speakers=min_speakers, max_speakers=max_speakers,
                            forced=forced)
    if found is None:
        return None
    labels, scores = found
    k = scores.shape[1]
    segments = _segments_from_windows(windows, labels, scores, regions, cfg.anchor_s)
    order = list(dict.fromkeys(seg.speaker for seg in segments))
    order += [j for j in range(k) if j not in order]
    voices = _raw_centroids(x_raw, labels, weights, k)[order]
    return _renumber(segments), k, voices


def cluster_windows(x_raw: np.ndarray, weights: np.ndarray, region_idx: np.ndarray, times: np.ndarray,
                    speech_seconds: float, cfg: DiarizationConfig | None = None, *, num_speakers: int | None = None,
                    min_speakers: int = 1, max_speakers: int = 4,
                    forced: bool = True) -> tuple[np.ndarray, np.ndarray] | None:
    """Who spoke in each embedding window (steps 3-4 of the module docstring), without the embedding.

    Used by :func:`diarize` and by the live engine's speaker model
    (:class:`transcription.live.speakers.OnlineSpeakerTracker`), which embeds each speech turn once and
    clusters all the windows heard so far at every new turn.

    Args:
        x_raw: d-vectors, shape ``(n_windows, 256)``, in time order.
        weights: seconds of audio each window covers, shape ``(n_windows,)``.
        region_idx: speech region (turn) of each window, ints; a speaker change between two windows of
            different regions costs nothing in the Viterbi smoothing.
        times: start of each window, seconds (windows less than ``cfg.window_s`` apart share audio and
            are not compared when judging whether two clusters are two voices).
        speech_seconds: seconds of speech the windows stand for (their weights are rescaled to it).
        cfg: :class:`DiarizationConfig` (default settings when None).
        num_speakers, min_speakers, max_speakers, forced: as for :func:`diarize` (``forced``: with
            ``min_speakers > 1`` make that many clusters even of one voice).
    Returns:
        ``(labels, scores)``: labels ``(n_windows,)`` in ``0..k-1`` with ``k >= 2``, and each window's
        cosine similarity to each speaker's centroid ``(n_windows, k)`` (mean-centred space); or None
        when the windows are one voice.
    """
    cfg = cfg or DiarizationConfig()
    if len(x_raw) < 2:
        return None
    # Window weights are window seconds; overlapping windows sum above the speech time: rescale.
    seconds = weights * (speech_seconds / weights.sum())
    labels, cent = _cluster(x_raw, weights, region_idx, 2, cfg)
    xc = _normalise_rows(x_raw - np.average(x_raw, axis=0, weights=weights))  # as _cluster centres them
    labels, cent = _two_voices(x_raw, xc, weights, region_idx, times, seconds, labels, cent, cfg)
    if not _distinct_voices(x_raw, labels, times, seconds, 2, cfg, SAME_VOICE_COSINE, 0.0):
        k = 1
    elif num_speakers is not None:
        k = min(num_speakers, len(x_raw))
    else:
        k = 2
        while k < max_speakers and k < len(x_raw):
            extra = _extra_speaker(x_raw, xc, weights, region_idx, times, seconds, labels, k, cfg)
            if extra is None:
                break
            k, (labels, cent) = k + 1, extra
    if forced:
        k = max(k, min_speakers) if num_speakers is None else k
    if k == 1:
        return None
    if cent.shape[0] != k:
        labels, cent = _cluster(x_raw, weights, region_idx, k, cfg)
    return labels, xc @ cent.T


def _mixed_windows(labels: np.ndarray, region: np.ndarray, times: np.ndarray, lengths: np.ndarray,
                   margin: float = MIXED_WINDOW_MARGIN_S) -> np.ndarray:
    """Windows that hold a change of speaker: the audio of two voices.

    Where ``labels`` change between two consecutive windows of the same speech region, the change is
    placed halfway between their centres; every window of that region whose span, widened by ``margin``
    seconds on both sides, contains that time is marked.

    Args:
        labels: speaker of each window, shape ``(n,)``, in time order.
        region, times, lengths: speech region index, start (seconds) and length (seconds) of each window.
    Returns:
        boolean mask, shape ``(n,)``.
    """
    mixed = np.zeros(len(labels), dtype=bool)
    centres = times + lengths / 2
    for i in np.nonzero((labels[1:] != labels[:-1]) & (region[1:] == region[:-1]))[0]:
        t = (centres[i] + centres[i + 1]) / 2
        mixed |= (region == region[i]) & (times - margin < t) & (t < times + lengths + margin)
    return mixed


def _extra_speaker(x_raw: np.ndarray, xc: np.ndarray, weights: np.ndarray, region: np.ndarray, times: np.ndarray,
                   seconds: np.ndarray, labels: np.ndarray, k: int,
                   cfg: DiarizationConfig) -> tuple[np.ndarray, np.ndarray] | None:
    """``k + 1`` speakers in place of the ``k`` of ``labels``, or None when no candidate is ``k + 1`` voices.

    Candidates: ``(k + 1)``-means of all windows, and (``cfg.split_candidates``) each of the ``k`` clusters
    split in two (:func:`_split_cluster`) -- a relative whose voice is near the patient's hides inside the
    patient's cluster, while ``(k + 1)``-means prefers halving the clinician's long voice.  A candidate is
    ``k + 1`` voices when every pair is further apart than :data:`EXTRA_SPEAKER_COSINE` and each holds
    :data:`MIN_SPEAKER_SECONDS` of speech, judged (``cfg.exclude_mixed_windows``) without the windows that
    straddle one of the candidate's own speaker changes (:func:`_mixed_windows`): those hold two voices and
    pull two speakers' mean d-vectors together, or make a cluster of their own at the turn changes of a
    two-person visit -- the false third speaker that kept splitting out of the candidates before
    (2026-12-02).  The candidate furthest from failing wins.

    Returns:
        labels ``(n,)`` and centred-space centroids ``(k + 1, d)``, or None.
    """
    candidates = [_cluster(x_raw, weights, region, k + 1, cfg)]
    if cfg.split_candidates:
        candidates += [c for j in range(k) if (c := _split_cluster(x_raw, xc, weights, region, labels, j, cfg))]
    best, best_margin = None, 0.0
    for cand_labels, cand_cent in candidates:
        keep = (~_mixed_windows(cand_labels, region, times, weights) if cfg.exclude_mixed_windows
                else np.ones(len(cand_labels), dtype=bool))
        if len(np.unique(cand_labels[keep])) < k + 1:
            continue
        margin = _separation(x_raw[keep], cand_labels[keep], times[keep], seconds[keep], k + 1, cfg,
                             EXTRA_SPEAKER_COSINE, MIN_SPEAKER_SECONDS)
        if margin > best_margin:
            best, best_margin = (cand_labels, cand_cent), margin
    return best


def embed_speech(samples: np.ndarray, *, config: DiarizationConfig | None = None,
                 encoder: VoiceEncoder | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """d-vectors of one stretch of speech (a speech turn), windowed as :func:`diarize` windows a region.

    Args:
        samples: float32 mono waveform at 16 kHz, all of it speech (one region).
        config: :class:`DiarizationConfig` (window length and hop).
        encoder: voice encoder (default: the process-wide one).
    Returns:
        ``(x_raw, weights, offsets)``: d-vectors ``(n_windows, 256)`` float64, seconds each window covers
        ``(n_windows,)`` and each window's start in seconds from the start of ``samples``; ``n_windows`` is 0
        when ``samples`` is empty.
    Raises:
        transcription.speech.voice_encoder.CheckpointError: encoder weights unavailable.
    """
    cfg = config or DiarizationConfig()
    samples = np.asarray(samples, dtype=np.float32).reshape(-1)
    n_frames_total = samples.size // int(FRAME_S * SAMPLE_RATE) + 1
    windows = _plan_windows([(0.0, samples.size / SAMPLE_RATE)], n_frames_total, cfg) if samples.size else []
    if not windows:
        return np.zeros((0, 256)), np.zeros(0), np.zeros(0)
    x_raw = _embed(encoder or get_voice_encoder(), samples, windows).astype(np.float64)
    weights = np.array([n * FRAME_S for _, n, _ in windows], dtype=np.float64)
    offsets = np.array([st * FRAME_S for st, _, _ in windows], dtype=np.float64)
    return x_raw, weights, offsets


def window_segments(times: np.ndarray, weights: np.ndarray, region_idx: np.ndarray, labels: np.ndarray,
                    scores: np.ndarray, regions: Sequence[tuple[float, float]]) -> list[SpeakerSegment]:
    """Speaker segments of clustered windows (step 5 of the module docstring), as :func:`diarize` makes them.

    Args:
        times, weights: start and length of each window, seconds (as given to :func:`cluster_windows`).
        region_idx: index into ``regions`` of each window's speech region.
        labels, scores: :func:`cluster_windows`' result.
        regions: speech regions ``(start, end)`` in seconds.
    Returns:
        non-overlapping :class:`SpeakerSegment` list covering the regions, speakers as in ``labels``
        (not renumbered).
    """
    windows = [(int(round(t / FRAME_S)), max(1, int(round(w / FRAME_S))), int(r))
               for t, w, r in zip(times, weights, region_idx, strict=True)]
    return _segments_from_windows(windows, labels, scores, regions)


def _segments_from_windows(windows: list[tuple[int, int, int]], labels: np.ndarray, scores: np.ndarray,
                           regions: Sequence[tuple[float, float]], anchor_s: float = 0.0) -> list[SpeakerSegment]:
    centres = np.array([(s + n / 2.0) * FRAME_S + anchor_s for s, n, _ in windows])
    region_idx = np.array([r for _, _, r in windows])
    out: list[SpeakerSegment] = []
    for ri, (rs, re_) in enumerate(regions):
        idx = np.nonzero(region_idx == ri)[0]
        if idx.size == 0:
            continue
        t = np.arange(rs, re_, FRAME_S) + FRAME_S / 2
        if idx.size == 1:
            frame_labels = np.full(t.size, labels[idx[0]])
        else:
            c = centres[idx]
            order = np.argsort(c)
            idx, c = idx[order], c[order]
            right = np.clip(np.searchsorted(c, t), 1, idx.size - 1)
            left = right - 1
            li, ri_ = idx[left], idx[right]
            frac = np.clip((t - c[left]) / np.maximum(c[right] - c[left], 1e-6), 0.0, 1.0)
            lab_l, lab_r = labels[li], labels[ri_]
            # score of the two candidate labels, linearly interpolated between window centres
            s_l = (1 - frac) * scores[li, lab_l] + frac * scores[ri_, lab_l]
            s_r = (1 - frac) * scores[li, lab_r] + frac * scores[ri_, lab_r]
            frame_labels = np.where(lab_l == lab_r, lab_l, np.where(s_l >= s_r, lab_l, lab_r))
        # run-length encode
        change = np.nonzero(np.diff(frame_labels))[0] + 1
        bounds = np.concatenate([[0], change, [t.size]])
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            start = rs + a * FRAME_S
            end = min(re_, rs + b * FRAME_S)
            if end > start:
                out.append(SpeakerSegment(float(start), float(end), int(frame_labels[a])))
    return out


def _renumber(segments: list[SpeakerSegment]) -> list[SpeakerSegment]:
    mapping: dict[int, int] = {}
    for seg in segments:
        mapping.setdefault(seg.speaker, len(mapping))
    merged: list[SpeakerSegment] = []
    for seg in segments:
        spk = mapping[seg.speaker]
        if merged and merged[-1].speaker == spk and seg.start - merged[-1].end < 1e-6:
            merged[-1] = SpeakerSegment(merged[-1].start, seg.end, spk)
        else:
            merged.append(SpeakerSegment(seg.start, seg.end, spk))
    return merged


def assign_speakers(words: Sequence, segments: Sequence[SpeakerSegment]) -> list[int | None]:
    """Speaker of each word: the speaker owning most of the word's time span.

    Args:
        words: objects with ``start``/``end`` (seconds) in any order.
        segments: output of :func:`diarize`.
    Returns:
        one speaker id per word (same order); a word overlapping no segment gets the nearest
        segment's speaker; None for every word when ``segments`` is empty.
    """
    if not segments:
        return [None] * len(words)
    order = sorted(range(len(segments)), key=lambda i: segments[i].start)
    seg_s = np.array([segments[i].start for i in order])
    seg_e = np.array([segments[i].end for i in order])
    seg_k = np.array([segments[i].speaker for i in order])
    # segments from diarize() do not overlap, so ends are sorted too; be safe anyway
    seg_e_max = np.maximum.accumulate(seg_e)
    n_spk = int(seg_k.max()) + 1
    out: list[int | None] = []
    for w in words:
        ws, we = float(w.start), float(max(w.end, w.start))
        lo = int(np.searchsorted(seg_e_max, ws, side="left"))
        hi = int(np.searchsorted(seg_s, we, side="right"))
        if hi > lo:
            s_, e_, k_ = seg_s[lo:hi], seg_e[lo:hi], seg_k[lo:hi]
            if we - ws < 1e-6:
                overlap = np.where((s_ <= ws) & (ws <= e_), 1.0, 0.0)
            else:
                overlap = np.minimum(e_, we) - np.maximum(s_, ws)
            pos = overlap > 0
            if pos.any():
                per = np.bincount(k_[pos], weights=overlap[pos], minlength=n_spk)
                out.append(int(np.argmax(per)))
                continue
        mid = (ws + we) / 2
        near = [i for i in (lo - 1, lo, hi - 1, hi) if 0 <= i < len(seg_s)]
        dist = [max(seg_s[i] - mid, 0.0) + max(mid - seg_e[i], 0.0) for i in near]
        out.append(int(seg_k[near[int(np.argmin(dist))]]))
    return out
