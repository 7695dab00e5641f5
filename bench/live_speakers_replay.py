#!/usr/bin/env python3
"""Live speaker labels replayed: stream recordings once, then score speaker-labelling settings in seconds.

``record`` streams each recording of ``bench/live_speakers.py``'s material (``--fixtures``, ``--synth``,
``--real``) and any ``--wav`` files with a JSON of reference turns beside them (``bench/heldout_visits.py``)
through the live engine with a recorder in place of :class:`transcription.live.speakers.OnlineSpeakerTracker`:
every per-turn call (``assign``: the turn's audio and start) and every final's call (``label_words``: the
words, their per-turn labels, the speech regions and the audio buffer) is pickled, in order. The words do
not depend on the labels, so ``replay`` feeds the same calls to a real tracker with other settings
(``--set name=value`` of :class:`~transcription.live.speakers.SpeakerConfig`) and scores the finals'
word-time speaker accuracy as ``bench/live_speakers.py`` does (best one-to-one mapping), with the tracker's
CPU time and its slowest ``label_words`` call (seconds, wall clock).

    nice .venv/bin/python bench/live_speakers_replay.py record --real --out /tmp/spk2
    .venv/bin/python bench/live_speakers_replay.py replay --dir /tmp/spk2
    .venv/bin/python bench/live_speakers_replay.py replay --dir /tmp/spk2 --set recluster=0
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")

import live_speakers as ls  # noqa: E402


class Recorder:
    """Stands in for the tracker: records the calls; labels are call numbers (per turn) or the given ones."""

    def __init__(self, config) -> None:
        self.config = config
        self.calls = 0
        self.events: list[tuple] = []

    def assign(self, samples, sample_rate=16000, start=None):
        if samples.size < self.config.min_turn_seconds * sample_rate:
            return None
        self.events.append(("assign", samples.copy(), start))
        self.calls += 1
        return self.calls - 1

    def classify(self, samples, sample_rate=16000):
        return None

    def label_words(self, words, fallback, speech, audio, audio_start):
        self.events.append(("label", list(words), list(fallback), list(speech), audio.copy(), audio_start))
        return list(fallback)


def record(args) -> None:
    from transcription.live.local_engine import LocalLiveConfig, online_transcriber
    from transcription.speech.audio import decode_audio

    material = ls.material(args)
    for path in args.wav:
        ref = json.loads(Path(path).with_suffix(".json").read_text())
        samples = decode_audio(path).samples  # 16 kHz mono whatever the file's rate (Opus is 48 kHz)
        material.append((Path(path).stem, samples, [(t["start"], t["end"], t["speaker"]) for t in ref["turns"]], None))
    os.makedirs(args.out, exist_ok=True)
    for name, samples, turns, num_speakers in material:
        config = LocalLiveConfig()
        if num_speakers:
            config = replace(config, speakers=replace(config.speakers, max_speakers=num_speakers))
        transcriber, _ = online_transcriber(language="en", config=config)
        recorder = Recorder(config.speakers)
        transcriber._speakers = recorder
        step = int(config.step_seconds * ls.SR)
        for i in range(0, samples.size, step):
            transcriber.process(samples[i:i + step])
        transcriber.process(np.zeros(0, dtype=np.float32), final=True)
        with open(Path(args.out) / f"{name}.pkl", "wb") as f:
            pickle.dump({"name": name, "turns": turns, "num_speakers": num_speakers, "events": recorder.events}, f)
        print(name, recorder.calls, "turns", flush=True)


def replay(args) -> None:
    from transcription.live.speakers import OnlineSpeakerTracker, SpeakerConfig

    overrides = {}
    for item in args.set:
        key, value = item.split("=", 1)
        default = getattr(SpeakerConfig(), key)
        overrides[key] = value in ("1", "true", "True") if isinstance(default, bool) else type(default)(value)
    weighted, total, cpu = 0.0, 0.0, 0.0
    for path in args.files or sorted(glob.glob(f"{args.dir}/*.pkl")):
        with open(path, "rb") as f:
            data = pickle.load(f)
        config = replace(SpeakerConfig(), **overrides)
        if data["num_speakers"]:
            config = replace(config, max_speakers=data["num_speakers"])
        tracker = OnlineSpeakerTracker(config)
        per_turn: list[int | None] = []
        words, labels = [], []
        started, slowest = time.process_time(), 0.0
        for event in data["events"]:
            if event[0] == "assign":
                per_turn.append(tracker.assign(event[1], start=event[2]))
                continue
            _, new, calls, speech, audio, audio_start = event
            fallback = []
            for call in calls:  # a turn too short to label keeps the speaker before it, as the engine does
                known = [k for k in per_turn[:call + 1] if k is not None] if call is not None else []
                fallback.append(known[-1] if known else (fallback[-1] if fallback else (labels[-1] if labels else 0)))
            t0 = time.perf_counter()
            got = tracker.label_words(new, fallback, speech, audio, audio_start)
            slowest = max(slowest, time.perf_counter() - t0)
            words += new
            labels += got
        spent = time.process_time() - started
        cpu += spent
        accuracy = ls.accuracy(words, labels, data["turns"])
        weight = sum(max(w.end - w.start, 0.02) for w in words)
        weighted += accuracy * weight
        total += weight
        print(f"| {data['name']} | {100 * accuracy:.1f} % | {len(set(labels))} | {spent:.2f} | {slowest:.2f} |",
              flush=True)
    print(f"| **all (word-time weighted)** | **{100 * weighted / total:.1f} %** | | {cpu:.1f} | |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("--fixtures", default="D2N041,D2N018,D2N006,D2N005")
    rec.add_argument("--synth", default="three,short,short")
    rec.add_argument("--synth-seconds", type=float, default=60.0)
    rec.add_argument("--seed", type=int, default=15)
    rec.add_argument("--shared", type=Path, default=ls.SHARED)
    rec.add_argument("--real", action="store_true")
    rec.add_argument("--wav", nargs="*", default=[])
    rec.add_argument("--out", default="/tmp/spk2")
    rep = sub.add_parser("replay")
    rep.add_argument("files", nargs="*")
    rep.add_argument("--dir", default="/tmp/spk2")
    rep.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args()
    import django

    django.setup()
    if args.mode == "record":
        print("| recording | turns |")
        record(args)
    else:
        print("| recording | word time right | speakers | tracker CPU-s | slowest final s |")
        print("|---|---|---|---|---|")
        replay(args)


if __name__ == "__main__":
    main()
