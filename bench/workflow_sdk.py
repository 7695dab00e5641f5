"""Benchmark of the clinical documentation workflow as the original's clients drive it.

A real server (gunicorn, one sync worker, the production WSGI set-up; runs execute in-process as
eager Celery does without a broker) answers, for each of ``--rounds`` visits:

* curl-level requests of the original workflow: ``POST /v1/transcriptions/create``,
  ``POST /v1/lang-graph/threads``, ``POST .../runs`` (``x-is-chat: false``), ``GET .../join``,
  ``PATCH /v1/clinical-notes/{id}`` — with ``Authorization: Bearer <API key>`` and ``x-doctor``;
* the official ``langgraph-sdk``: ``threads.create`` + ``runs.wait`` (assistant ``extraction``).

Reported: median and 95th percentile wall-clock time of one whole visit for each client, and of
the run (create + join, or ``runs.wait``) alone — the offline note engine's time plus the API's.
No target is set by the issue; the numbers are a baseline for regressions.

Usage: ``.venv/bin/python bench/workflow_sdk.py [--rounds 20] [--json out.json]`` (uses the
database of ``DATABASE_URL``; creates the clinic ``bench-clinic`` once).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.transcribe import bench_api_key, free_port  # noqa: E402

TRANSCRIPT = (ROOT / "tests" / "fixtures" / "workflow_transcript.txt").read_text()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def original_visit(http: httpx.Client) -> tuple[float, float]:
    """One visit with plain HTTP; returns (whole visit, run create + join) in seconds."""
    started = time.perf_counter()
    created = http.post("/v1/transcriptions/create", json={
        "duration_seconds": 342.5, "original_transcript": TRANSCRIPT, "language_used": "en-US"})
    created.raise_for_status()
    transcription = created.json()["transcription"]
    thread_id = http.post("/v1/lang-graph/threads").raise_for_status().json()["thread_id"]
    run_started = time.perf_counter()
    run = http.post(f"/v1/lang-graph/threads/{thread_id}/runs", headers={"x-is-chat": "false"}, json={
        "input": {"messages": [{"role": "user", "content": "Create a SOAP note:\n" + TRANSCRIPT}]},
        "config": {"configurable": {"thread_id": thread_id, "template": "SOAP"}}}).raise_for_status().json()
    values = http.get(f"/v1/lang-graph/threads/{thread_id}/runs/{run['run_id']}/join").raise_for_status().json()
    run_seconds = time.perf_counter() - run_started
    http.patch(f"/v1/clinical-notes/{transcription['clinical_note_id']}", json={
        "template": "SOAP", "ai_generated_content": values["clinical_note"]["ai_generated_content"],
        "report_thread_id": thread_id, "report_run_id": [run["run_id"]]}).raise_for_status()
    return time.perf_counter() - started, run_seconds


def sdk_visit(client) -> tuple[float, float]:
    """One visit with langgraph-sdk; returns (whole visit, runs.wait) in seconds."""
    started = time.perf_counter()
    thread = client.threads.create()
    run_started = time.perf_counter()
    values = client.runs.wait(thread["thread_id"], "extraction", input={"messages": [
        {"role": "user", "content": TRANSCRIPT}]}, config={"configurable": {"template": "SOAP"}})
    run_seconds = time.perf_counter() - run_started
    assert "clinical_note" in values, values
    return time.perf_counter() - started, run_seconds


def summary(samples: list[tuple[float, float]]) -> dict:
    visits, runs = [s[0] for s in samples], [s[1] for s in samples]
    return {"visit_p50_ms": round(statistics.median(visits) * 1000, 1),
            "visit_p95_ms": round(percentile(visits, 0.95) * 1000, 1),
            "run_p50_ms": round(statistics.median(runs) * 1000, 1),
            "run_p95_ms": round(percentile(runs, 0.95) * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()

    from langgraph_sdk import get_sync_client

    api_key = bench_api_key()
    port = free_port()
    env = {**os.environ, "LOG_LEVEL": "WARNING", "REDIS_URL": "", "CELERY_BROKER_URL": "",
           "CELERY_TASK_ALWAYS_EAGER": "true"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "medsync.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}",
         "--timeout", "300", "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {api_key}", "x-doctor": "bench-doctor"}
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
            for _ in range(120):
                try:
                    if http.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.5)
            original_visit(http)  # warm-up (first-call costs) is not measured
            original = [original_visit(http) for _ in range(args.rounds)]
        sdk = get_sync_client(url=base + "/v1/lang-graph", api_key=api_key, headers={"x-doctor": "bench-doctor"})
        sdk_visit(sdk)
        with_sdk = [sdk_visit(sdk) for _ in range(args.rounds)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    results = {"rounds": args.rounds, "original_http": summary(original), "langgraph_sdk": summary(with_sdk)}
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
