"""Held-out English visits for live-vs-batch word error rate (``bench/live.py --offline-wer``).

Ten ACI-Bench dialogues (CC BY 4.0, ``../shared/datasets/aci-bench``) that no test or tuning used, drawn
at random (seeds 7 and 11), each synthesised with its own pair of espeak-ng voices (accent, variant, pitch,
speed) the way ``../shared/tools/synth_dialogue.py`` makes the shared fixtures: one 16 kHz WAV per
visit and a JSON of reference turns (speaker, start, end, text), 0.35 s between turns, the first 12-14
turns. The same command writes the same files (sox's dither is made repeatable with ``-R``; the numbers in
the README's issue-15 section were measured on files made before ``-R`` was added, which differ from these
by that dither noise only).

    .venv/bin/python bench/heldout_visits.py /tmp/heldout
    .venv/bin/python bench/live.py --offline-wer /tmp/heldout/*.wav
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import subprocess
import tempfile
import wave
from pathlib import Path

ACI = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "aci-bench" / "train.csv"
RATE = 16000
GAP_S = 0.35
#: visits used by tests, fixtures or tuning elsewhere: never drawn
USED = {"D2N005", "D2N006", "D2N018", "D2N041"}
#: (seed, how many, turns per visit, voice pairs: doctor voice, pitch, patient voice, pitch, speed in wpm)
DRAWS = [
    (7, 4, 14, [("en-us+m7", "40", "en-gb+f2", "65", 160), ("en+m1", "50", "en-us+f3", "70", 172),
                ("en-gb-x-rp+m4", "35", "en-us+f1", "60", 155), ("en-us+m2", "55", "en+f5", "55", 168)]),
    (11, 6, 12, [("en-us+m4", "45", "en-gb+f1", "62", 165), ("en-gb+m2", "38", "en-us+f4", "68", 158),
                 ("en+m6", "52", "en-gb-x-rp+f3", "58", 170), ("en-us+m1", "48", "en+f2", "66", 162),
                 ("en-gb-x-rp+m7", "42", "en-us+f5", "63", 175), ("en-us+m6", "50", "en-gb+f3", "70", 160)]),
]


def turns_of(dialogue: str, max_turns: int) -> list[tuple[str, str]]:
    """``[(doctor|patient, text)]`` of an ACI-Bench dialogue (guests count as their role)."""
    turns = []
    for line in dialogue.splitlines():
        m = re.match(r"\s*\[(doctor|patient|patient_guest|doctor_guest)\]\s*(.*)", line)
        if m and m.group(2).strip():
            turns.append(("doctor" if m.group(1).startswith("doctor") else "patient", m.group(2).strip()))
    return turns[:max_turns]


def synthesise(turns: list[tuple[str, str]], voices: dict[str, tuple[str, str]], speed: int,
               out_wav: Path) -> list[dict]:
    """Write the visit to ``out_wav`` (16-bit 16 kHz mono); returns the reference turns."""
    pcm, ref, t = bytearray(), [], 0.0
    gap = b"\x00\x00" * int(GAP_S * RATE)
    with tempfile.TemporaryDirectory() as tmp:
        raw, res = Path(tmp) / "t.wav", Path(tmp) / "r.wav"
        for speaker, text in turns:
            voice, pitch = voices[speaker]
            subprocess.run(["espeak-ng", "-v", voice, "-p", pitch, "-s", str(speed), "-w", str(raw), text],
                           check=True)
            subprocess.run(["sox", "-R", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(res)], check=True,
                           stderr=subprocess.DEVNULL)
            with wave.open(str(res)) as w:
                frames = w.readframes(w.getnframes())
            seconds = len(frames) / 2 / RATE
            ref.append({"speaker": speaker, "start": round(t, 3), "end": round(t + seconds, 3), "text": text})
            pcm += frames + gap
            t += seconds + GAP_S
    with wave.open(str(out_wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(pcm))
    return ref


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for held_<encounter>.wav/.json")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = list(csv.DictReader(open(ACI, encoding="utf-8")))
    used = set(USED)
    for seed, count, max_turns, pairs in DRAWS:
        random.seed(seed)
        picked = random.sample([r for r in rows if r["encounter_id"] not in used], count)
        used |= {r["encounter_id"] for r in picked}
        for row, (doctor, doctor_pitch, patient, patient_pitch, speed) in zip(picked, pairs, strict=True):
            name = f"held_{row['encounter_id']}"
            turns = turns_of(row["dialogue"], max_turns)
            ref = synthesise(turns, {"doctor": (doctor, doctor_pitch), "patient": (patient, patient_pitch)}, speed,
                             args.out / f"{name}.wav")
            json.dump({"source": row["encounter_id"], "duration_s": round(ref[-1]["end"] + GAP_S, 3), "turns": ref},
                      open(args.out / f"{name}.json", "w"), indent=1)
            print(f"{name}: {ref[-1]['end'] + GAP_S:.1f} s, {len(ref)} turns")


if __name__ == "__main__":
    main()
