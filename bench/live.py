"""Live transcription benchmark: latency, CPU and concurrent sessions of the offline engine.

Starts Daphne (``medsync.asgi``, the embedded database, models loaded at start) unless ``--url``
names a running server, creates a benchmark clinic and API key, and streams a visit recording to
``/ws/transcribe`` as a WAV in 250 ms chunks at real-time pace (chunk k leaves when its audio would
have been recorded, i.e. 250 ms after it starts), from 1, 2, 3... clients at once.

Reported per run:

* **latency to partial / to final** of each word: arrival time of the message in which the word
  first appears (as a partial, or as a final) minus the time its end was spoken. Word end times come
  from the batch engine on the whole file (Whisper tiny.en word timestamps, ~0.1 s accurate); the
  words of the live output are matched to those by sequence alignment, unmatched (misrecognised)
  words are left out and counted in "matched". Includes network, chunking and queueing: what a user sees.
* **CPU**: CPU seconds used by the Daphne process per second of audio per session (1.0 = one core),
  and the machine's total CPU use during the run (other users of this shared machine included).
* **WER** of the finals against the fixture's reference text, and **stored WER** of the transcript the
  closing message carries (the batch pass's words with ``MEDSYNC_LIVE_REFINE_MAX_SECONDS`` set), with the
  wait from ``stop`` to the close (``stop_to_close_s``).

A number of sessions is *sustained* while the median latency to partial stays <= 1.0 s (issue 15's target),
the 95th percentile latency to the first appearance <= 3 s and the median latency to final <= 5 s (a final waits
by design for its turn's end or ``final_hold_seconds`` plus the end-of-turn decoding: 3.5-3.9 s for one idle
session; before 2026-12-01 the limit was 3 s, which no run has met since that hold). Recordings made by the
benchmark are deleted at the end; the clinic ``bench-live`` is kept for the next run.

    .venv/bin/python bench/live.py                        # 1 session on the 74 s visit, then 2, 3, ...
    .venv/bin/python bench/live.py --sessions 1 --seconds 30
    .venv/bin/python bench/live.py --offline-wer           # live finals vs batch WER, no server
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")
DEFAULT_FILE = ROOT.parent / "shared" / "fixtures" / "audio" / "visit_D2N006_12turns.wav"
CHUNK_SECONDS = 0.25
SR = 16000
PARTIAL_MEDIAN_LIMIT = 1.0
FIRST_P95_LIMIT = 3.0
FINAL_MEDIAN_LIMIT = 5.0


def token(text: str) -> str:
    return re.sub(r"[^\w']+", "", text.lower())


@dataclass
class SessionLog:
    started: float = 0.0  # wall time of audio time 0
    events: list[tuple[float, dict]] = field(default_factory=list)
    closed: float = 0.0


async def stream_session(url: str, api_key: str, wav: bytes, audio_seconds: float, delay: float) -> SessionLog:
    from websockets.asyncio.client import connect

    log = SessionLog()
    await asyncio.sleep(delay)
    header = 44
    chunk = int(CHUNK_SECONDS * SR) * 2
    data = wav[header:header + int(audio_seconds * SR) * 2]
    async with connect(url, additional_headers={"X-API-Key": api_key}, max_size=None, open_timeout=60) as ws:
        init = json.loads(await ws.recv())
        assert init["type"] == "session_init", init

        async def receive():
            async for raw in ws:
                log.events.append((time.monotonic(), json.loads(raw)))

        receiver = asyncio.create_task(receive())
        log.started = time.monotonic()
        for k, offset in enumerate(range(0, len(data), chunk)):
            send_at = log.started + (k + 1) * CHUNK_SECONDS  # when chunk k has been recorded
            await asyncio.sleep(max(0.0, send_at - time.monotonic()))
            piece = data[offset:offset + chunk]
            await ws.send(wav[:header] + piece if k == 0 else piece)
        await ws.send(json.dumps({"type": "stop"}))
        await receiver
        log.closed = time.monotonic()
    return log


async def run_sessions(url: str, api_key: str, wav: bytes, seconds: float, n: int) -> list[SessionLog]:
    """``n`` simultaneous sessions, started ~0.1 s apart so their steps do not run in lockstep."""
    return await asyncio.gather(*(stream_session(url, api_key, wav, seconds, delay=i * 0.097) for i in range(n)))


def latencies(log: SessionLog, ref_tokens: list[str], ref_ends: list[float], audio_seconds: float):
    """Per reference word (spoken before ``audio_seconds``): seconds to first appearance and to final."""
    first_seen: dict[int, float] = {}
    first_final: dict[int, float] = {}
    finals: list[str] = []
    for at, message in log.events:
        if message.get("type") != "transcription":
            continue
        new = [token(w) for w in message["text"].split()]
        if message["is_final"]:
            finals += new
            shown, final_upto = finals, len(finals)
        else:
            shown, final_upto = finals + new, len(finals)
        matcher = difflib.SequenceMatcher(None, ref_tokens, shown, autojunk=False)
        for a, b, n in matcher.get_matching_blocks():
            for k in range(n):
                first_seen.setdefault(a + k, at)
                if message["is_final"] and b + k < final_upto:
                    first_final.setdefault(a + k, at)
    spoken = [i for i, end in enumerate(ref_ends) if end <= audio_seconds]
    seen = [first_seen[i] - (log.started + ref_ends[i]) for i in spoken if i in first_seen]
    final = [first_final[i] - (log.started + ref_ends[i]) for i in spoken if i in first_final]
    return seen, final, len(spoken)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def start_daphne(extra_env: dict[str, str] | None = None) -> tuple[subprocess.Popen, int]:
    """Daphne serving the project on a free port (speech models warmed up); returns the process and port.

    Raises ``SystemExit`` when it exits or does not listen within 120 s."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "MEDSYNC_WARM_UP_SPEECH": "true", "LOG_LEVEL": "WARNING", **(extra_env or {})}
    process = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                                "medsync.asgi:application"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, port
        except OSError:
            if process.poll() is not None:
                raise SystemExit("daphne exited during start-up")
            time.sleep(0.3)
    process.kill()
    raise SystemExit("daphne did not start")


def bench_credentials():
    """The ``bench-live`` clinic (enterprise plan: 50 live sessions) and a fresh API key."""
    import django

    django.setup()
    from clinics.models import Clinic, Plan
    from clinics.services import api_key_create, clinic_create

    clinic = Clinic.objects.filter(client_id="bench-live").first()
    if clinic is None:
        clinic = clinic_create(client_id="bench-live", name="Live benchmark", plan=Plan.ENTERPRISE)
    return clinic, *api_key_create(clinic=clinic, name="bench-live")


def bench_vocabulary(clinic, terms: list[str]) -> None:
    """Replace the bench clinic's vocabulary with ``terms`` (empty: none)."""
    from django_tenants.utils import schema_context

    from transcription.vocabulary import VocabularyTermInput, vocabulary_replace

    with schema_context(clinic.schema_name):
        vocabulary_replace(terms=[VocabularyTermInput(t, "drug") for t in terms])


def cleanup(clinic, api_key, recording_ids: list[str]) -> None:
    from django_tenants.utils import schema_context

    from transcription.models import Recording

    with schema_context(clinic.schema_name):
        for recording in Recording.objects.filter(uuid__in=recording_ids):
            recording.audio.delete(save=False)
            recording.delete()
    api_key.delete()


def reference_words(path: Path) -> tuple[list[str], list[float]]:
    """Word end times of the whole file from the batch engine (see the module docstring)."""
    from transcription.providers.local_whisper import LocalWhisperEngine
    from transcription.speech.audio import decode_audio

    _, words = LocalWhisperEngine().recognise(decode_audio(path), language="en")
    kept = [(token(w.text), w.end) for w in words if token(w.text)]
    return [t for t, _ in kept], [e for _, e in kept]


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    def norm(text: str) -> str:
        text = text.lower().replace(" n't", "n't").replace("-", " ")
        return " ".join(re.sub(r"[^\w' ]+", " ", text).split())

    return jiwer.wer(norm(reference), norm(hypothesis))


def offline_wer(files: list[Path], variants: dict[str, dict], batch: bool = True) -> None:
    """Final-word WER of the live algorithm (``stream_samples``, no server, fed in 0.5 s steps) against the
    batch pipeline (``LocalWhisperEngine.transcribe``) on the same recordings; prints a table."""
    import dataclasses

    import django

    django.setup()
    from transcription.live.local_engine import LocalLiveConfig, stream_samples
    from transcription.providers.local_whisper import LocalWhisperEngine
    from transcription.speech.audio import decode_audio

    rows: dict[str, list] = {**({"batch": []} if batch else {}), **{k: [] for k in variants}}
    base = LocalLiveConfig()
    words_total = 0
    for path in files:
        reference = " ".join(t["text"] for t in json.loads(path.with_suffix(".json").read_text())["turns"])
        words_total += len(reference.split())
        audio = decode_audio(path)
        if batch:
            t0 = time.perf_counter()
            result = LocalWhisperEngine().transcribe(audio, language="en")
            rows["batch"].append((wer(reference, " ".join(w.text for w in result.words)), len(reference.split()),
                                  time.perf_counter() - t0))
        for name, changes in variants.items():
            config = base
            changes = dict(changes)
            lag = changes.pop("final_lag_steps", None)  # the server's end-of-turn decoding beside the steps
            for key, value in changes.items():  # "final_whisper.beam_size": a field of a nested dataclass
                outer, _, inner = key.partition(".")
                if inner:
                    value = dataclasses.replace(getattr(config, outer), **{inner: value})
                config = dataclasses.replace(config, **{outer: value})
            t0 = time.perf_counter()
            events = stream_samples(audio.samples, language="en", config=config, final_lag_steps=lag)
            finals = " ".join(e.text for e in events if getattr(e, "is_final", False))
            rows[name].append((wer(reference, finals), len(reference.split()), time.perf_counter() - t0))
        print(f"{path.name}: " + "  ".join(f"{k} {100 * v[-1][0]:.1f} %" for k, v in rows.items()), flush=True)
    print("\n| pipeline | " + " | ".join(p.stem.replace("visit_", "") for p in files) + " | all (word-weighted) | "
          "CPU-seconds |")
    print("|---|" + "---|" * (len(files) + 2))
    for name, values in rows.items():
        pooled = sum(w * n for w, n, _ in values) / words_total
        print(f"| {name} | " + " | ".join(f"{100 * w:.1f} %" for w, _, _ in values)
              + f" | **{100 * pooled:.1f} %** | {sum(t for _, _, t in values):.0f} |")


def main() -> None:
    import psutil

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="ws://host:port of a running server (default: start Daphne)")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--sessions", default="1,2,3,4", help="comma-separated numbers of simultaneous sessions")
    parser.add_argument("--seconds", type=float, default=None, help="stream only this much of the file")
    parser.add_argument("--multi-seconds", type=float, default=40.0,
                        help="audio per session in runs with more than one session (keeps the run short)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--offline-wer", nargs="*", type=Path, metavar="WAV",
                        help="no server: final-word WER of the live algorithm, with and without the end-of-turn "
                             "decoding, vs the batch pipeline on these visits (default: the 4 shared fixtures)")
    parser.add_argument("--variant", action="append", default=[], metavar='NAME=JSON',
                        help='with --offline-wer: a LocalLiveConfig variant instead of the default pair, e.g. '
                             '\'prompt={"final_prompt_words": 40}\' or \'t6={"final_whisper.temperatures": '
                             '[0, 0.2, 0.4, 0.6, 0.8, 1]}\' (repeatable; tuples as lists); "final_lag_steps": N '
                             'applies each end-of-turn decoding N steps after it was prepared, as the server '
                             'does (stream_samples)')
    parser.add_argument("--formulary", action="store_true",
                        help="give the bench clinic bench/vocabulary.py's 63 drug names as its vocabulary "
                             "(default: no vocabulary)")
    parser.add_argument("--skip-batch", action="store_true", help="with --offline-wer: leave out the batch rows")
    args = parser.parse_args()
    if args.offline_wer is not None:
        files = args.offline_wer or sorted(DEFAULT_FILE.parent.glob("visit_*.wav"))
        variants = {"live (greedy finals)": {"final_redecode": False},
                    "live (end-of-turn re-decoding)": {"final_redecode": True}}
        if args.variant:
            variants = {}
            for item in args.variant:
                name, _, changes = item.partition("=")
                variants[name] = {k: tuple(v) if isinstance(v, list) else v
                                  for k, v in json.loads(changes or "{}").items()}
        offline_wer(files, variants, batch=not args.skip_batch)
        return

    wav = args.file.read_bytes()
    total = (len(wav) - 44) / (2 * SR)
    ref_json = args.file.with_suffix(".json")
    reference = json.loads(ref_json.read_text()) if ref_json.exists() else None
    print(f"file {args.file.name}: {total:.1f} s; computing reference word times with the batch engine...")
    ref_tokens, ref_ends = reference_words(args.file)
    clinic, api_key, raw_key = bench_credentials()
    formulary: list[str] = []
    if args.formulary:
        sys.path.insert(0, str(ROOT / "bench"))
        from vocabulary import OTHER_DRUGS, VISIT_DRUGS

        formulary = VISIT_DRUGS + OTHER_DRUGS
    bench_vocabulary(clinic, formulary)

    process = None
    if args.url:
        url, server = args.url.rstrip("/") + "/ws/transcribe", None
    else:
        process, port = start_daphne()
        url, server = f"ws://127.0.0.1:{port}/ws/transcribe", psutil.Process(process.pid)
        time.sleep(2.0)  # let the warm-up finish
    results, recording_ids = [], []
    try:
        for n in [int(x) for x in args.sessions.split(",")]:
            seconds = args.seconds or (total if n == 1 else min(total, args.multi_seconds))
            psutil.cpu_percent(None)
            cpu_before = sum(server.cpu_times()[:2]) if server else 0.0
            wall = time.monotonic()

            logs = asyncio.run(run_sessions(url, raw_key, wav, seconds, n))
            wall = time.monotonic() - wall
            cpu = (sum(server.cpu_times()[:2]) - cpu_before) if server else float("nan")
            machine = psutil.cpu_percent(None)
            seen, final, spoken = [], [], 0
            wers, stored_wers = [], []
            for log in logs:
                s, f, count = latencies(log, ref_tokens, ref_ends, seconds)
                seen += s
                final += f
                spoken += count
                transcript = next((m for _, m in log.events if m.get("type") == "transcript"), None)
                if transcript and transcript.get("recording_id"):
                    recording_ids.append(transcript["recording_id"])
                if reference and n == 1 and seconds >= total - 0.5:
                    finals = " ".join(m["text"] for _, m in log.events
                                      if m.get("type") == "transcription" and m["is_final"])
                    wers.append(wer(" ".join(t["text"] for t in reference["turns"]), finals))
                    if transcript:  # what is stored (the batch pass's words when the session is refined)
                        stored_wers.append(wer(" ".join(t["text"] for t in reference["turns"]),
                                               " ".join(u["text"] for u in transcript["transcript"])))
            row = {
                "sessions": n, "audio_seconds_per_session": round(seconds, 1),
                "partial_median_s": round(statistics.median(seen), 2), "partial_p95_s": round(percentile(seen, 95), 2),
                "final_median_s": round(statistics.median(final), 2), "final_p95_s": round(percentile(final, 95), 2),
                "matched_words": f"{len(seen)}/{spoken}",
                "server_cpu_per_audio_second": round(cpu / (seconds * n), 2),
                "machine_cpu_percent": round(machine, 0),
                "stop_to_close_s": round(statistics.median(log.closed - log.started - seconds for log in logs), 2),
                "wer": round(wers[0], 3) if wers else None,
                "stored_wer": round(stored_wers[0], 3) if stored_wers else None,
            }
            row["sustained"] = (row["partial_median_s"] <= PARTIAL_MEDIAN_LIMIT and row["partial_p95_s"] <= FIRST_P95_LIMIT
                                and row["final_median_s"] <= FINAL_MEDIAN_LIMIT)
            results.append(row)
            print(json.dumps(row))
            if not row["sustained"]:
                break
    finally:
        if process is not None:
            process.terminate()
            process.wait(15)
        cleanup(clinic, api_key, recording_ids)
    sustained = [r["sessions"] for r in results if r["sustained"]]
    print(f"sustained: up to {max(sustained) if sustained else 0} simultaneous session(s) "
          f"(median latency to partial <= {PARTIAL_MEDIAN_LIMIT} s, p95 to first appearance <= {FIRST_P95_LIMIT} s, "
          f"median to final <= {FINAL_MEDIAN_LIMIT} s)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
