#!/usr/bin/env python3
"""Synthesise a multilingual test visit with two espeak-ng voices, some turns quiet or fast.

Input: a dialogue file, one turn per line ``[doctor] text`` / ``[patient:quiet] text`` /
``[doctor:fast] text``; a ``# key: term | term`` line names the diagnosis/plan key terms the note
must carry when the recogniser got them. Output: a 16 kHz mono WAV (or Opus ``.ogg`` with
``--ogg``) and a JSON reference ``{"language", "duration_s", "key_terms", "turns": [{"speaker",
"style", "start", "end", "text"}]}`` (seconds).

Styles: ``quiet`` = the turn at -18 dB (``sox vol 0.125``), a patient far from the microphone;
``fast`` = 240 words/min instead of 165. Voices: ``<lang>+m3`` (clinician, pitch 45) and
``<lang>+f4`` (patient, pitch 60), as ``/work/shared/tools/synth_ml.py``; English uses
``en-us+m3`` / ``en-gb+f4`` as the shared fixtures do.

Needs Debian's ``espeak-ng`` and ``sox`` (dev machines only; the tests use the committed outputs).

usage: python bench/synth_visit.py DIALOGUE.txt LANG OUT.(wav|ogg) OUT.json
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

RATE = 16000
GAP_S = 0.45
SPEED = {"normal": "165", "fast": "240", "quiet": "165"}
GAIN = {"normal": None, "fast": None, "quiet": "0.125"}


def voices(lang: str) -> dict[str, tuple[str, str]]:
    """espeak-ng voice and pitch per role."""
    if lang == "en":
        return {"doctor": ("en-us+m3", "45"), "patient": ("en-gb+f4", "60")}
    return {"doctor": (f"{lang}+m3", "45"), "patient": (f"{lang}+f4", "60")}


def encode_opus(wav: Path, out: Path, bitrate: int = 32000) -> None:
    """Encode a 16 kHz mono WAV as Opus in Ogg with PyAV (libopus resamples to 48 kHz)."""
    import av

    with av.open(str(wav)) as src, av.open(str(out), "w", format="ogg") as dst:
        stream = dst.add_stream("libopus", rate=48000, layout="mono")
        stream.bit_rate = bitrate
        for frame in src.decode(audio=0):
            frame.pts = None
            for packet in stream.encode(frame):
                dst.mux(packet)
        for packet in stream.encode(None):
            dst.mux(packet)


def parse(path: Path) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Turns ``(role, style, text)`` and key terms of a dialogue file."""
    turns, keys = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# key:"):
            keys = [k.strip() for k in line[len("# key:"):].split("|") if k.strip()]
            continue
        m = re.match(r"\s*\[(doctor|patient)(?::(quiet|fast))?\]\s*(.+)", line)
        if m:
            turns.append((m.group(1), m.group(2) or "normal", m.group(3).strip()))
    return turns, keys


def synthesise(src: Path, lang: str, out_audio: Path, out_json: Path) -> dict:
    """Write the audio and its reference; returns the reference dict."""
    turns, keys = parse(src)
    vo = voices(lang)
    pcm = bytearray()
    ref = []
    t = 0.0
    gap = b"\x00\x00" * int(GAP_S * RATE)
    with tempfile.TemporaryDirectory() as tmp:
        raw, res = Path(tmp) / "t.wav", Path(tmp) / "r.wav"
        for role, style, text in turns:
            voice, pitch = vo[role]
            subprocess.run(["espeak-ng", "-v", voice, "-p", pitch, "-s", SPEED[style], "-w", str(raw), text],
                           check=True)
            effects = ["vol", GAIN[style]] if GAIN[style] else []
            subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(res), *effects], check=True)
            with wave.open(str(res)) as w:
                frames = w.readframes(w.getnframes())
            dur = len(frames) / 2 / RATE
            ref.append({"speaker": role, "style": style, "start": round(t, 3), "end": round(t + dur, 3),
                        "text": text})
            pcm += frames + gap
            t += dur + GAP_S
        wav = Path(tmp) / "visit.wav"
        with wave.open(str(wav), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(bytes(pcm))
        if out_audio.suffix == ".ogg":
            # Opus at 32 kb/s: a browser-like codec, ~10x smaller than the WAV.
            encode_opus(wav, out_audio)
        else:
            out_audio.write_bytes(wav.read_bytes())
    reference = {"source": src.name, "language": lang, "duration_s": round(t, 3), "key_terms": keys,
                 "turns": ref}
    out_json.write_text(json.dumps(reference, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return reference


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    r = synthesise(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
    print(f"{sys.argv[3]}: {r['duration_s']:.1f} s, {len(r['turns'])} turns")
