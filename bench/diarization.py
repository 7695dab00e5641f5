#!/usr/bin/env python3
"""Diarization benchmark: DER of MedSync's diarization vs clustering baselines on degraded synthetic visits.

Visits are synthesised from ACI-Bench dialogues (``../shared/datasets/aci-bench/train.csv``) with many
espeak-ng voices (English accents x variants ``+m1..m7, +f1..f5, +klatt..klatt4`` and named variants, random
pitch 25-75 and speed 135-200 words/min per speaker) and degraded with sox the way rooms and phones degrade
audio. Conditions (each visit draws new voices; the random seed fixes everything):

* ``clean``      two speakers, 0.2-1.0 s pauses.
* ``noise``      pink/brown/white noise (sox ``synth``) at 10-20 dB SNR.
* ``reverb``     sox ``reverb`` (reverberance 40-80 %, room scale 60-100 %).
* ``phone``      8 kHz telephone band: sox ``sinc 300-3400``, 8 kHz mu-law, back to 16 kHz.
* ``levels``     one speaker 6-15 dB quieter than the other (far from the microphone).
* ``overlap``    30 % of turns start 0.2-0.8 s before the previous one ends, and back-channels
                 ("mm-hmm", "okay", "right", "yeah") by the listener over half of the longer turns.
* ``short``      8-15 s clips with both speakers.
* ``three``      three speakers (doctor, patient, a relative who takes ~30 % of the patient's turns).
* ``room``       everything at once: levels + overlap/back-channels + reverb + noise.
* ``single``     one voice (dictation), half of them with reverb and noise: must stay one speaker.
* ``real``       not synthetic: the 30 s two-person recording of human voices with overlapping speech in
                 ``tests/fixtures/audio/real`` (pyannote.audio's sample, MIT); one row, not in the mean.

Speech regions for every method come from Silero VAD (faster-whisper's copy, 300 ms silence splits), so
missed speech and false alarms are the same for all; methods differ only in who-spoke-when. Methods, on the
same windows and Resemblyzer d-vectors (:mod:`transcription.speech.diarization` ``_plan_windows``/``_embed``):

* ``ours``      :func:`transcription.speech.diarization.diarize` as the service runs it (``num_speakers=None``;
                its second pass, on 1.2 s windows, embeds its own windows).
* ``spectral``  textbook spectral clustering (Wang et al., "Speaker diarization with LSTM", ICASSP 2018:
                cosine affinity, row-wise 95th-percentile thresholding, symmetrisation, diffusion, row
                max-normalisation; number of speakers by the largest eigen-gap ratio, 1..4; k-means on the
                eigenvectors; scikit-learn).
* ``ours-min2``, ``spectral-min2``: the same told that there are at least two speakers (a visit), as
                spectral pipelines are usually run (``min_clusters=2``); ``single`` visits then cannot be right.
* ``ahc``       average-linkage agglomerative clustering on cosine distance with one global stopping
                threshold (``--ahc-threshold``, 0.3 by default; scikit-learn).
* ``spectralcluster-min2``  the same method from its authors' library (PyPI ``spectralcluster``, Google's
                reference implementation, default refinement), 2-4 speakers.

DER with pyannote.metrics (``DiarizationErrorRate``, overlap scored), collar 0 and 0.25 s (pyannote removes
``collar / 2`` each side of every reference boundary). Reported per condition: DER (missed + false alarm +
confusion, total over the condition's visits) and the share of visits whose speaker count is right.

Needs Debian's ``espeak-ng`` and ``sox`` and the dev venv (scikit-learn). ``--quick`` runs 2 visits of ~40 s
per condition (~2 min on 2 cores); the default 5 visits of ~60 s.

    nice -n 10 .venv/bin/python bench/diarization.py --quick
    nice -n 10 .venv/bin/python bench/diarization.py --visits 6 --json out.json
    nice -n 10 .venv/bin/python bench/diarization.py --audio-dir /tmp/dz --set step_s=0.25   # same audio

``--audio-dir`` keeps the synthesised visits, so a change is compared on the same audio (sox draws its noise
unseeded); ``--set`` overrides a :class:`DiarizationConfig` number for every method's windows.
"""

from __future__ import annotations

import argparse
import warnings
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ACI = ROOT.parent / "shared" / "datasets" / "aci-bench" / "train.csv"
SR = 16000

ACCENTS = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan", "en-gb-x-gbcwmd"]
MALE = [f"m{i}" for i in range(1, 8)] + ["klatt", "klatt2", "klatt3", "klatt4", "Alex", "antonio", "benjamin",
                                          "david", "edward", "john", "max", "Michael", "paul", "robert", "steph"]
FEMALE = [f"f{i}" for i in range(1, 6)] + ["Annie", "Andrea", "Alicia", "belinda", "linda", "aunty", "shelby",
                                            "anika", "grandma"]
BACKCHANNELS = ["mm-hmm", "okay", "right", "yeah", "uh-huh", "I see"]
CONDITIONS = ["clean", "noise", "reverb", "phone", "levels", "overlap", "short", "three", "room", "single", "real"]


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice: ``accent+variant``, pitch 0-99, speed in words per minute, gain in dB."""

    accent: str
    variant: str
    pitch: int
    speed: int
    gain_db: float = 0.0

    @property
    def name(self) -> str:
        return f"{self.accent}+{self.variant}"


def random_voice(rng: np.random.Generator, female: bool | None = None) -> Voice:
    """A voice with random accent, variant, pitch and speed."""
    if female is None:
        female = bool(rng.random() < 0.5)
    variant = str(rng.choice(FEMALE if female else MALE))
    pitch = int(rng.integers(45, 76) if female else rng.integers(25, 56))
    return Voice(str(rng.choice(ACCENTS)), variant, pitch, int(rng.integers(135, 201)))


def speak(text: str, voice: Voice) -> np.ndarray:
    """espeak-ng ``text`` as float32 16 kHz mono (espeak writes 22.05 kHz, resampled 320/441)."""
    out = subprocess.run(["espeak-ng", "-v", voice.name, "-p", str(voice.pitch), "-s", str(voice.speed),
                          "--stdout", text], check=True, capture_output=True).stdout
    # WAV header from espeak-ng --stdout is 44 bytes; data size fields are bogus on a pipe.
    pcm = np.frombuffer(out[44:], dtype="<i2").astype(np.float32) / 32768.0
    y = resample_poly(pcm, 320, 441).astype(np.float32)
    # trim espeak's leading/trailing silence so reference boundaries are the speech
    nz = np.nonzero(np.abs(y) > 0.01)[0]
    if nz.size:
        y = y[max(0, nz[0] - 160): nz[-1] + 160]
    return y * np.float32(10 ** (voice.gain_db / 20))


def load_dialogues() -> list[list[tuple[str, str]]]:
    """ACI-Bench dialogues as ``[(role, text)]`` with role doctor/patient; ACI's ' , ' spacing undone."""
    out = []
    with open(ACI, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            turns = []
            for line in row["dialogue"].splitlines():
                m = re.match(r"\s*\[(doctor|patient)\w*\]\s*(.+)", line)
                if m:
                    text = re.sub(r"\s+([,.?!'])", r"\1", m.group(2)).replace(" n't", "n't")
                    turns.append((m.group(1), text.strip()))
            if len(turns) > 10:
                out.append(turns)
    return out


def sox(samples: np.ndarray, *effects: str, out_args: tuple[str, ...] = ()) -> np.ndarray:
    """Run sox effects on 16 kHz float samples; returns float32 16 kHz samples of the same length."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.wav", Path(tmp) / "out.wav"
        import soundfile as sf

        sf.write(src, samples, SR, subtype="FLOAT")
        subprocess.run(["sox", str(src), *out_args, str(dst), *effects], check=True, capture_output=True)
        y, sr = sf.read(dst, dtype="float32")
    if sr != SR:
        y = resample_poly(y, SR, sr).astype(np.float32)
    if y.ndim > 1:
        y = y.mean(axis=1)
    y = y[: samples.size]
    return np.pad(y, (0, samples.size - y.size)).astype(np.float32)


def add_noise(samples: np.ndarray, rng: np.random.Generator, snr_db: float) -> np.ndarray:
    """Mix sox-synthesised coloured noise at ``snr_db`` relative to the speech power (active samples)."""
    colour = str(rng.choice(["pinknoise", "brownnoise", "whitenoise"]))
    dur = samples.size / SR
    with tempfile.TemporaryDirectory() as tmp:
        dst = Path(tmp) / "n.wav"
        subprocess.run(["sox", "-n", "-r", str(SR), "-c", "1", "-b", "16", str(dst), "synth", f"{dur:.3f}",
                        colour, "vol", "0.5"], check=True, capture_output=True)
        import soundfile as sf

        noise, _ = sf.read(dst, dtype="float32")
    noise = np.pad(noise[: samples.size], (0, max(0, samples.size - noise.size)))
    active = samples[np.abs(samples) > 0.01]
    p_speech = float(np.mean(active**2)) if active.size else 1e-6
    p_noise = float(np.mean(noise**2)) or 1e-9
    return (samples + noise * np.sqrt(p_speech / (p_noise * 10 ** (snr_db / 10)))).astype(np.float32)


def synth_visit(condition: str, rng: np.random.Generator, dialogues: list, seconds: float):
    """One degraded visit: ``(samples, reference turns [(start, end, speaker)], info dict)``."""
    d = dialogues[int(rng.integers(len(dialogues)))]
    first = int(rng.integers(0, max(1, len(d) - 12)))
    female = bool(rng.random() < 0.5)
    # gender pairs drawn at random: same-gender pairs are the hard case
    voices = {"doctor": random_voice(rng, female), "patient": random_voice(rng)}
    if condition == "three":
        voices["relative"] = random_voice(rng)
    if condition == "single":
        voices["patient"] = voices["doctor"]
    if condition in ("levels", "room"):
        quiet = str(rng.choice(["doctor", "patient"]))
        v = voices[quiet]
        voices[quiet] = Voice(v.accent, v.variant, v.pitch, v.speed, -float(rng.uniform(6, 15)))
    if condition == "short":
        seconds = float(rng.uniform(8, 15))
    overlap = condition in ("overlap", "room")
    total = int((seconds + 20) * SR)
    mix = np.zeros(total, dtype=np.float32)
    ref: list[tuple[float, float, str]] = []
    t = 0.3
    prev_end = 0.0
    for role, text in d[first:]:
        if condition == "three" and role == "patient" and rng.random() < 0.3:
            role = "relative"
        if condition == "short":
            text = text if len(text) < 100 else text[:100].rsplit(" ", 1)[0]
        y = speak(text, voices[role])
        if ref and overlap and rng.random() < 0.3:
            start = max(ref[-1][0] + 0.3, prev_end - float(rng.uniform(0.2, 0.8)))
        else:
            start = prev_end + float(rng.uniform(0.2, 1.0))
        end = start + y.size / SR
        if end > seconds and ref:
            if condition != "short" or (len({r[2] for r in ref}) >= 2 and prev_end >= 8.0):
                break
            if end > 15.0:
                continue  # a clip is 8-15 s: try the next (shorter) turn
        s = int(start * SR)
        mix[s: s + y.size] += y
        ref.append((start, end, role))
        if overlap and end - start > 3.0 and rng.random() < 0.5:
            listener = "patient" if role != "patient" else "doctor"
            b = speak(str(rng.choice(BACKCHANNELS)), voices[listener])
            bs = start + float(rng.uniform(1.0, end - start - 1.5))
            mix[int(bs * SR): int(bs * SR) + b.size] += b
            ref.append((bs, bs + b.size / SR, listener))
        prev_end = max(prev_end, end)
        t = end
    mix = mix[: int((prev_end + 0.5) * SR)]
    if condition == "single":
        ref = [(s, e, "doctor") for s, e, _ in ref]
    degrade = condition == "single" and rng.random() < 0.5
    if condition in ("reverb", "room") or degrade:
        mix = sox(mix, "reverb", str(int(rng.integers(40, 81))), "50", str(int(rng.integers(60, 101))))
    if condition == "phone":
        mix = sox(mix, "sinc", "300-3400", "rate", "8000", out_args=("-e", "u-law"))
    if condition in ("noise", "room") or degrade:
        mix = add_noise(mix, rng, float(rng.uniform(10, 20)))
    peak = float(np.max(np.abs(mix))) or 1.0
    if peak > 0.99:
        mix = mix * np.float32(0.99 / peak)
    info = {"voices": {k: f"{v.name} p{v.pitch} s{v.speed} {v.gain_db:+.0f}dB" for k, v in voices.items()},
            "seconds": round(mix.size / SR, 1), "speakers": len({voices[r[2]] for r in ref})}
    return mix, ref, info


REAL = ROOT / "tests" / "fixtures" / "audio" / "real"


def real_recording() -> tuple[np.ndarray, list[tuple[float, float, str]], dict]:
    """The real two-speaker recording (``tests/fixtures/audio/real``): ``(samples, reference, info)``."""
    import soundfile as sf

    samples, sr = sf.read(REAL / "pyannote_sample.flac", dtype="float32")
    assert sr == SR and samples.ndim == 1
    ref = []
    for line in (REAL / "pyannote_sample.rttm").read_text().splitlines():
        p = line.split()
        ref.append((float(p[3]), float(p[3]) + float(p[4]), p[7]))
    return samples, ref, {"seconds": round(samples.size / SR, 1), "speakers": len({r[2] for r in ref}),
                          "voices": {"real": "pyannote.audio sample (human voices)"}}


def cached_visit(audio_dir: str | None, condition: str, seed: int, ci: int, vi: int, dialogues: list,
                 seconds: float):
    """:func:`synth_visit` (or :func:`real_recording` for ``real``), stored in ``audio_dir`` so that two
    runs compare on the same audio (sox draws its noise unseeded)."""
    if condition == "real":
        return real_recording()
    path = Path(audio_dir) / f"{condition}-{seed}-{vi}-{int(seconds)}.npz" if audio_dir else None
    if path is not None and path.exists():
        z = np.load(path, allow_pickle=False)
        info = json.loads(str(z["info"]))
        return z["samples"], [tuple(r) for r in info.pop("ref")], info
    samples, ref, info = synth_visit(condition, np.random.default_rng([seed, ci, vi]), dialogues, seconds)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, samples=samples, info=json.dumps({**info, "ref": ref}))
    return samples, ref, info


# -- methods ---------------------------------------------------------------------------------------------------

def vad_regions(samples: np.ndarray) -> list[tuple[float, float]]:
    """Silero VAD speech regions (seconds), 300 ms silences split, 50 ms padding."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    ts = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=300, speech_pad_ms=50))
    return [(c["start"] / SR, c["end"] / SR) for c in ts]


def _segments(windows, labels, x, regions):
    """Segments from per-window labels, scored like ``ours`` (cosine to the centred cluster centroids)."""
    from transcription.speech import diarization as dz

    k = int(labels.max()) + 1
    xc = dz._normalise_rows(x - x.mean(0))
    cent = dz._normalise_rows(np.stack([xc[labels == j].sum(0) for j in range(k)]))
    return dz._renumber(dz._segments_from_windows(windows, labels, xc @ cent.T, regions))


def spectral_labels(x: np.ndarray, max_speakers: int = 4, seed: int = 0, min_speakers: int = 1) -> np.ndarray:
    """Wang et al. 2018 refined-affinity spectral clustering with eigen-gap speaker count."""
    from sklearn.cluster import KMeans

    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    a = (xn @ xn.T + 1) / 2
    np.fill_diagonal(a, np.max(a, axis=1))
    # refinement: row-wise thresholding (keep top 5 % per row), symmetrise, diffuse, row-max normalise
    thr = np.percentile(a, 95, axis=1, keepdims=True)
    a = np.where(a >= thr, a, a * 0.01)
    a = np.maximum(a, a.T)
    a = a @ a.T
    a = a / np.max(a, axis=1, keepdims=True)
    a = (a + a.T) / 2
    w, v = np.linalg.eigh(a)
    w, v = w[::-1], v[:, ::-1]
    m = min(max_speakers, len(w) - 1)
    ratios = w[:m] / np.maximum(w[1: m + 1], 1e-9)
    ratios[: min_speakers - 1] = -np.inf
    k = int(np.argmax(ratios)) + 1
    if k == 1:
        return np.zeros(len(x), dtype=np.int64)
    emb = v[:, :k]
    emb = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-9)
    return KMeans(k, n_init=10, random_state=seed).fit_predict(emb).astype(np.int64)


def spectralcluster_labels(x: np.ndarray) -> np.ndarray:
    """Google's reference implementation of Wang et al. 2018 (PyPI ``spectralcluster``, its default
    refinement and eigen-gap count), told there are 2-4 speakers (with ``min_clusters=1`` it answered one
    speaker on every two-voice visit of the bench)."""
    from spectralcluster import SpectralClusterer

    if len(x) < 4:
        return np.zeros(len(x), dtype=np.int64)
    return SpectralClusterer(min_clusters=2, max_clusters=4).predict(x).astype(np.int64)


def ahc_labels(x: np.ndarray, threshold: float) -> np.ndarray:
    """Average-linkage AHC on cosine distance, stopped at ``threshold``."""
    from sklearn.cluster import AgglomerativeClustering

    return AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                   distance_threshold=threshold).fit_predict(x).astype(np.int64)


def run_methods(samples: np.ndarray, regions, ahc_threshold: float, config=None) -> dict[str, tuple[list, float]]:
    """``{method: (segments, seconds)}`` for every method on one visit (``config``: a ``DiarizationConfig``
    for every method's windows, default the service's)."""
    from transcription.speech import diarization as dz
    from transcription.speech.voice_encoder import get_voice_encoder

    cfg = config or dz.DiarizationConfig()
    out = {}
    t0 = time.perf_counter()
    out["ours"] = (dz.diarize(samples, regions, config=cfg), time.perf_counter() - t0)
    t0 = time.perf_counter()
    out["ours-min2"] = (dz.diarize(samples, regions, min_speakers=2, config=cfg), time.perf_counter() - t0)
    n_frames = samples.size // int(dz.FRAME_S * SR) + 1
    windows = dz._plan_windows(regions, n_frames, cfg)
    t0 = time.perf_counter()
    x = dz._embed(get_voice_encoder(), samples, windows).astype(np.float64)
    t_embed = time.perf_counter() - t0
    if len(windows) < 3:
        single = [dz.SpeakerSegment(s, e, 0) for s, e in regions]
        out["spectral"] = out["spectral-min2"] = out["ahc"] = out["spectralcluster-min2"] = (single, t_embed)
        return out
    for name, fn in (("spectral", lambda: spectral_labels(x)),
                     ("spectral-min2", lambda: spectral_labels(x, min_speakers=2)),
                     ("ahc", lambda: ahc_labels(x, ahc_threshold)),
                     ("spectralcluster-min2", lambda: spectralcluster_labels(x))):
        t0 = time.perf_counter()
        labels = fn()
        out[name] = (_segments(windows, labels, x, regions), t_embed + time.perf_counter() - t0)
    return out


def annotation(items):
    from pyannote.core import Annotation, Segment

    ann = Annotation()
    for i, (s, e, spk) in enumerate(items):
        if e > s:
            ann[Segment(s, e), i] = str(spk)
    return ann


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 visits of ~40 s per condition")
    ap.add_argument("--visits", type=int, default=5, help="visits per condition (default 5)")
    ap.add_argument("--seconds", type=float, default=60.0, help="visit length, seconds (short clips: 8-15)")
    ap.add_argument("--conditions", default=",".join(CONDITIONS))
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--ahc-threshold", type=float, default=0.3)
    ap.add_argument("--json", help="write per-visit results here")
    ap.add_argument("--audio-dir", help="store the synthesised visits here and reuse them on the next run")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="override a DiarizationConfig number for every method (e.g. step_s=0.25)")
    args = ap.parse_args()
    warnings.filterwarnings("ignore", message="'uem' was approximated")
    if args.quick:
        args.visits, args.seconds = 2, 40.0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")
    from pyannote.metrics.diarization import DiarizationErrorRate

    from transcription.speech.voice_encoder import get_voice_encoder

    from transcription.speech.diarization import DiarizationConfig

    get_voice_encoder()
    dialogues = load_dialogues()
    config = DiarizationConfig(**{k: float(v) for k, v in (kv.split("=", 1) for kv in args.set)})
    methods = ["ours", "spectral", "ahc", "ours-min2", "spectral-min2", "spectralcluster-min2"]
    rows, per_visit = [], []
    t_start = time.perf_counter()
    for ci, cond in enumerate(args.conditions.split(",")):
        metrics = {(m, c): DiarizationErrorRate(collar=c) for m in methods for c in (0.0, 0.25)}
        count_ok = {m: 0 for m in methods}
        secs = {m: 0.0 for m in methods}
        audio_s = 0.0
        for vi in range(1 if cond == "real" else args.visits):
            samples, ref, info = cached_visit(args.audio_dir, cond, args.seed, CONDITIONS.index(cond), vi,
                                              dialogues, args.seconds)
            audio_s += samples.size / SR
            reference = annotation(ref)
            regions = vad_regions(samples)
            res = run_methods(samples, regions, args.ahc_threshold, config)
            vis = {"condition": cond, "visit": vi, **info}
            for m in methods:
                segs, dt = res[m]
                hyp = annotation([(s.start, s.end, s.speaker) for s in segs])
                d0 = metrics[(m, 0.0)](reference, hyp)
                d25 = metrics[(m, 0.25)](reference, hyp)
                n_hyp = len({s.speaker for s in segs})
                count_ok[m] += n_hyp == info["speakers"]
                secs[m] += dt
                vis[m] = {"der": round(d0, 4), "der_collar": round(d25, 4), "speakers": n_hyp}
            per_visit.append(vis)
        row = {"condition": cond, "visits": 1 if cond == "real" else args.visits, "audio_s": round(audio_s, 1)}
        for m in methods:
            row[m] = {"der": abs(metrics[(m, 0.0)]), "der_collar": abs(metrics[(m, 0.25)]),
                      "count_ok": count_ok[m], "seconds": round(secs[m], 2)}
        rows.append(row)
        print(f"{cond:8s} " + "  ".join(f"{m} {100 * row[m]['der']:5.1f}/{100 * row[m]['der_collar']:5.1f}"
                                         f" n{row[m]['count_ok']}/{row['visits']}" for m in methods), flush=True)
    print(f"\nDER % (collar 0 / collar 0.25 s), right speaker count; {args.visits} visits per condition, "
          f"{time.perf_counter() - t_start:.0f} s\n")
    print("| condition | " + " | ".join(methods) + " |")
    print("|---|" + "---|" * len(methods))
    for row in rows:
        print(f"| {row['condition']} | " + " | ".join(
            f"{100 * row[m]['der']:.1f} / {100 * row[m]['der_collar']:.1f} ({row[m]['count_ok']}/{row['visits']})"
            for m in methods) + " |")
    synthetic = [r for r in rows if r["condition"] != "real"]
    means = {m: (np.mean([r[m]["der"] for r in synthetic]), np.mean([r[m]["der_collar"] for r in synthetic]),
                 sum(r[m]["count_ok"] for r in synthetic)) for m in methods}
    if synthetic:
        print("| **mean (synthetic)** | " + " | ".join(
            f"**{100 * a:.1f} / {100 * b:.1f}** ({c}/{len(synthetic) * args.visits})" for a, b, c in means.values())
            + " |")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "visits": per_visit}, indent=1))


if __name__ == "__main__":
    main()
