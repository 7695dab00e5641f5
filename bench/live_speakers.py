#!/usr/bin/env python3
"""Live speaker labels: online (as sent with the finals: a per-turn centroid, then the batch model over the
speech heard so far) vs relabelled at session end with the batch speaker model
(:func:`transcription.live.speakers.relabel_finals`, as stored and sent in the closing ``transcript``).

Material: the espeak-ng visit fixtures (``../shared/fixtures/audio/visit_*.wav``, reference turns in the JSON)
and visits synthesised by ``bench/diarization.py``'s ``synth_visit`` (``--synth three,short,...``: a
three-speaker visit with a relative, 8-15 s two-speaker clips, ...; seed fixed). Each recording is streamed
through the live algorithm (``stream_samples``: 0.5 s steps as fast as they run), then its finals are
relabelled over the whole audio. Both label sets are on the same words, so they differ only in who spoke.
A third set is what a session stores by default: the batch pipeline's own words and speakers
(:func:`transcription.live.refine.refine_finals`; other words, so its DER also differs in missed speech).

Scores, per recording:

* **accuracy**: share of final-word time whose speaker is right, under the best one-to-one mapping of
  hypothesis to reference speakers (Hungarian; a word's reference speaker is the turn holding its midpoint,
  else the nearest turn);
* **DER** (pyannote.metrics, collar 0.25 s) of the words as speaker segments against the reference turns:
  missed speech and false alarm are the same for both label sets (same words); the difference is confusion;
* relabelling time (seconds, on the shared machine).

    nice -n 10 .venv/bin/python bench/live_speakers.py
    nice -n 10 .venv/bin/python bench/live_speakers.py --synth three,short,short --fixtures D2N041,D2N018
    nice -n 10 .venv/bin/python bench/live_speakers.py --fixtures "" --synth "" --real   # human voices
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")
SHARED = ROOT.parent / "shared"  # --shared from a git worktree elsewhere
SR = 16000


def reference_of(word, turns: list[tuple[float, float, str]]) -> str:
    mid = (word.start + word.end) / 2
    inside = [t for t in turns if t[0] <= mid <= t[1]]
    if inside:
        return min(inside, key=lambda t: t[1] - t[0])[2]  # a back-channel inside a long turn wins
    return min(turns, key=lambda t: min(abs(mid - t[0]), abs(mid - t[1])))[2]


def accuracy(words, labels: list[int], turns) -> float:
    """Share of word time with the right speaker under the best one-to-one speaker mapping."""
    from scipy.optimize import linear_sum_assignment

    refs = sorted({t[2] for t in turns})
    hyps = sorted(set(labels))
    m = np.zeros((len(hyps), len(refs)))
    total = 0.0
    for word, label in zip(words, labels, strict=True):
        d = max(word.end - word.start, 0.02)
        m[hyps.index(label), refs.index(reference_of(word, turns))] += d
        total += d
    rows, cols = linear_sum_assignment(-m)
    return float(m[rows, cols].sum() / total) if total else float("nan")


def der(words, labels: list[int], turns) -> float:
    from diarization import annotation
    from pyannote.metrics.diarization import DiarizationErrorRate

    hyp = annotation([(w.start, max(w.end, w.start + 0.02), f"s{k}") for w, k in zip(words, labels, strict=True)])
    return float(DiarizationErrorRate(collar=0.25)(annotation(turns), hyp))


def word_labels(finals) -> tuple[list, list[int]]:
    words, labels = [], []
    for f in finals:
        for w in f.words:
            words.append(w)
            labels.append(0 if f.speaker is None else f.speaker)
    return words, labels


def per_final_majority(finals, relabelled):
    """Alternative: each live final keeps its words together and takes the batch speaker of most of its
    word time (batch labels are not allowed to split a final)."""
    from transcription.live.base import LiveSegment

    spans = {}
    for seg in relabelled:
        for w in seg.words:
            spans[(w.start, w.end, w.text)] = seg.speaker
    out = []
    for f in finals:
        votes: dict[int, float] = {}
        for w in f.words:
            k = spans.get((w.start, w.end, w.text), f.speaker)
            votes[k] = votes.get(k, 0.0) + max(w.end - w.start, 0.02)
        out.append(LiveSegment(text=f.text, speaker=max(votes, key=votes.get), start=f.start, end=f.end,
                               is_final=True, words=f.words))
    return out


def material(args) -> list[tuple[str, np.ndarray, list, int | None]]:
    """``(name, samples, reference turns [(start, end, speaker)], num_speakers sent by the client)``."""
    import soundfile

    out = []
    for name in [n for n in args.fixtures.split(",") if n]:
        path = next((args.shared / "fixtures" / "audio").glob(f"visit_{name}_*.wav"))
        samples, rate = soundfile.read(path, dtype="float32")
        assert rate == SR
        ref = json.loads(path.with_suffix(".json").read_text())
        out.append((name, samples, [(t["start"], t["end"], t["speaker"]) for t in ref["turns"]], None))
    if args.synth:
        import diarization
        from diarization import load_dialogues, synth_visit

        diarization.ACI = args.shared / "datasets" / "aci-bench" / "train.csv"
        rng = np.random.default_rng(args.seed)
        dialogues = load_dialogues()
        for i, condition in enumerate(c for c in args.synth.split(",") if c):
            samples, turns, info = synth_visit(condition, rng, dialogues, args.synth_seconds)
            # the client of a visit with a relative says so (num_speakers=3), as the Live API allows
            out.append((f"{condition}{i}-{info['seconds']:.0f}s", samples, turns, 3 if condition == "three" else None))
    if args.real:
        from diarization import real_recording

        samples, turns, _ = real_recording()
        out.append(("real-30s", samples, turns, None))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fixtures", default="D2N041,D2N018,D2N006,D2N005")
    ap.add_argument("--synth", default="three,short,short")
    ap.add_argument("--synth-seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (fixtures, ACI-Bench)")
    ap.add_argument("--real", action="store_true", help="also the real two-person recording (tests/fixtures/audio/real)")
    args = ap.parse_args()
    import django

    django.setup()
    from transcription.live.local_engine import LocalLiveConfig, stream_samples
    from transcription.live.refine import refine_finals
    from transcription.live.speakers import relabel_finals

    print("| recording | speakers (ref / live / relabelled / refined) | accuracy live | accuracy relabelled | "
          "DER live | DER relabelled | relabel s | accuracy per-final | accuracy refined | DER refined | "
          "accuracy refined, live speakers | DER refined, live speakers |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    totals = {"live": [0.0, 0.0], "relabelled": [0.0, 0.0], "per-final": [0.0, 0.0], "refined": [0.0, 0.0],
              "refined-live": [0.0, 0.0]}
    for name, samples, turns, num_speakers in material(args):
        config = LocalLiveConfig()
        if num_speakers:
            config = replace(config, speakers=replace(config.speakers, max_speakers=num_speakers))
        events = stream_samples(samples, language="en", config=config)
        finals = [e for e in events if getattr(e, "is_final", False) and e.text]
        t0 = time.perf_counter()
        relabelled = relabel_finals(samples, finals, num_speakers=num_speakers)
        dt = time.perf_counter() - t0
        per_final = per_final_majority(finals, relabelled)
        # What a session stores by default: the batch pipeline's words and speakers (transcription.live.refine).
        refined = refine_finals(samples, language="en", num_speakers=num_speakers, heard=finals)
        # The same words with the speakers the live finals gave those moments.
        refined_live = refine_finals(samples, language="en", num_speakers=num_speakers, heard=finals,
                                     live_speakers=True)
        row = {}
        for label, segs in (("live", finals), ("relabelled", relabelled), ("per-final", per_final),
                            ("refined", refined), ("refined-live", refined_live)):
            words, labels = word_labels(segs)
            row[label] = (accuracy(words, labels, turns), der(words, labels, turns), len(set(labels)))
            weight = sum(max(w.end - w.start, 0.02) for w in words)
            totals[label][0] += row[label][0] * weight
            totals[label][1] += weight
        print(f"| {name} | {len({t[2] for t in turns})} / {row['live'][2]} / {row['relabelled'][2]} / "
              f"{row['refined'][2]} | "
              f"{100 * row['live'][0]:.1f} % | {100 * row['relabelled'][0]:.1f} % | {100 * row['live'][1]:.1f} % | "
              f"{100 * row['relabelled'][1]:.1f} % | {dt:.2f} | {100 * row['per-final'][0]:.1f} % | "
              f"{100 * row['refined'][0]:.1f} % | {100 * row['refined'][1]:.1f} % | "
              f"{100 * row['refined-live'][0]:.1f} % | {100 * row['refined-live'][1]:.1f} % |", flush=True)
    print(f"| **all (word-time weighted)** | | **{100 * totals['live'][0] / totals['live'][1]:.1f} %** | "
          f"**{100 * totals['relabelled'][0] / totals['relabelled'][1]:.1f} %** | | | | "
          f"**{100 * totals['per-final'][0] / totals['per-final'][1]:.1f} %** | "
          f"**{100 * totals['refined'][0] / totals['refined'][1]:.1f} %** | | "
          f"**{100 * totals['refined-live'][0] / totals['refined-live'][1]:.1f} %** | |")


if __name__ == "__main__":
    main()
