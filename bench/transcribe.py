"""Benchmark of the whole ``POST /v1/transcribe`` request against bare faster-whisper.

What it measures, in one run on the same machine:

* the whole request: a real server (gunicorn, one sync worker, the production WSGI set-up)
  receives the multipart upload over HTTP and runs the complete pipeline (decode, VAD, ASR,
  diarization, note, storage in the clinic's schema, usage) — wall-clock time of the HTTP call;
* bare faster-whisper: the same model with the same decoding settings on the same samples,
  in this process, without diarization or anything else;
* peak memory (VmHWM, the resident-set high-water mark) of the server worker;
* word error rate (jiwer, after lower-casing and stripping punctuation) of the response's
  transcript against the reference turns;
* diarization error: the share of reference speech time whose words were given the wrong
  speaker (after mapping speaker ids to reference roles the best way), measured on words matched
  between hypothesis and reference by time overlap.

Real-time factor = processing time / audio duration. Targets on a 2-core machine (issue 2):
whole request <= 0.35x real time, <= 1.3x bare faster-whisper, peak memory <= 1.5 GB.

Usage: ``.venv/bin/python bench/transcribe.py [AUDIO.wav] [--json out.json]`` (default audio:
``../shared/fixtures/audio/visit_D2N005_full.wav`` with its ``.json`` reference beside it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from itertools import permutations
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_AUDIO = ROOT.parent / "shared" / "fixtures" / "audio" / "visit_D2N005_full.wav"
WARM_UP_AUDIO = ROOT / "tests" / "fixtures" / "audio" / "visit_D2N041_4turns.wav"


def normalise(text: str) -> str:
    """Lower-case, drop punctuation (keeping apostrophes inside words), collapse spaces."""
    text = text.lower().replace("n't", " n't").replace(" n't", "n't")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return " ".join(w.strip("'") for w in text.split() if w.strip("'"))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER in [0, inf): (substitutions + deletions + insertions) / reference words (jiwer)."""
    import jiwer

    return float(jiwer.wer(normalise(reference), normalise(hypothesis)))


def diarization_error(ref_turns: list[dict], segments: list[dict]) -> float:
    """Share of reference speech time attributed to the wrong speaker.

    Each reference turn's time span is compared with the hypothesis segments overlapping it; the
    overlap time with a segment of the wrong (mapped) speaker counts as error, reference time not
    covered by any hypothesis segment counts as error too (missed speech). Speaker ids are mapped
    to reference roles with the permutation that minimises the error.
    """
    roles = sorted({t["speaker"] for t in ref_turns})
    hyp_speakers = sorted({s["speaker"] for s in segments}) or [0]
    total = sum(t["end"] - t["start"] for t in ref_turns)
    best = 1.0
    for perm in permutations(roles + [None] * max(0, len(hyp_speakers) - len(roles)), len(hyp_speakers)):
        mapping = dict(zip(hyp_speakers, perm))
        correct = 0.0
        for turn in ref_turns:
            for seg in segments:
                overlap = min(turn["end"], seg["end"]) - max(turn["start"], seg["start"])
                if overlap > 0 and mapping.get(seg["speaker"]) == turn["speaker"]:
                    correct += overlap
        best = min(best, 1.0 - correct / total)
    return best


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_api_key() -> str:
    """Create (once) the benchmark clinic and return a new API key for it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")
    import django

    django.setup()
    from clinics.models import Clinic, Plan
    from clinics.services import api_key_create, clinic_create

    clinic = Clinic.objects.filter(client_id="bench-clinic").first() or clinic_create(
        client_id="bench-clinic", name="Benchmark clinic", plan=Plan.ENTERPRISE
    )
    return api_key_create(clinic=clinic, name="bench")[1]


def worker_peak_rss_mb(master_pid: int) -> float:
    """Largest VmHWM (MB) among the gunicorn master's children."""
    import psutil

    peak = 0.0
    for child in psutil.Process(master_pid).children(recursive=True):
        try:
            status = Path(f"/proc/{child.pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peak = max(peak, int(match.group(1)) / 1024)
    return peak


def bare_whisper_seconds(audio_path: Path, language: str) -> tuple[float, str]:
    """Time faster-whisper alone (model already loaded) with the pipeline's exact settings."""
    from transcription.providers.local_whisper import LocalWhisperEngine, get_whisper_model
    from transcription.speech.audio import decode_audio

    engine = LocalWhisperEngine()
    _, model = get_whisper_model(language)
    audio = decode_audio(audio_path)
    started = time.perf_counter()
    segments, _ = model.transcribe(audio.samples, **engine.transcribe_kwargs(language))
    text = " ".join(seg.text for seg in segments)
    return time.perf_counter() - started, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("audio", nargs="?", type=Path, default=DEFAULT_AUDIO)
    parser.add_argument("--language", default="en")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()
    reference = json.loads(args.audio.with_suffix(".json").read_text())
    duration = float(reference["duration_s"])

    api_key = bench_api_key()
    port = free_port()
    env = {**os.environ, "MEDSYNC_WARM_UP_SPEECH": "true", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "medsync.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}",
         "--timeout", "900", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(timeout=900) as client:
            for _ in range(120):
                try:
                    if client.get(f"{base}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.5)
            headers = {"X-API-Key": api_key}
            # Warm-up request (model load, first-call costs) is not measured.
            with WARM_UP_AUDIO.open("rb") as handle:
                client.post(f"{base}/v1/transcribe", headers=headers, files={"audio": handle},
                            data={"language": args.language}).raise_for_status()
            with args.audio.open("rb") as handle:
                started = time.perf_counter()
                response = client.post(f"{base}/v1/transcribe", headers=headers, files={"audio": handle},
                                       data={"language": args.language})
                request_seconds = time.perf_counter() - started
            response.raise_for_status()
            body = response.json()
        peak_mb = worker_peak_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    whisper_seconds, _ = bare_whisper_seconds(args.audio, args.language)
    ref_text = " ".join(t["text"] for t in reference["turns"])
    hyp_text = " ".join(s["text"] for s in body["transcript"])
    results = {
        "audio": args.audio.name,
        "audio_seconds": round(duration, 1),
        "request_seconds": round(request_seconds, 2),
        "request_rtf": round(request_seconds / duration, 3),
        "bare_whisper_seconds": round(whisper_seconds, 2),
        "bare_whisper_rtf": round(whisper_seconds / duration, 3),
        "request_over_bare_whisper": round(request_seconds / whisper_seconds, 2),
        "server_peak_rss_mb": round(peak_mb, 0),
        "word_error_rate": round(word_error_rate(ref_text, hyp_text), 3),
        "diarization_error": round(diarization_error(reference["turns"], body["transcript"]), 3),
        "speakers_found": len({s["speaker"] for s in body["transcript"]}),
        "segments": len(body["transcript"]),
        "cpu_count": os.cpu_count(),
    }
    targets = {"request_rtf": 0.35, "request_over_bare_whisper": 1.3, "server_peak_rss_mb": 1536}
    width = max(len(k) for k in results)
    for key, value in results.items():
        target = targets.get(key)
        mark = "" if target is None else ("  (target <= %s: %s)" % (target, "ok" if value <= target else "MISSED"))
        print(f"{key:<{width}}  {value}{mark}")
    print(json.dumps(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
