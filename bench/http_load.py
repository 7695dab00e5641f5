"""HTTP load on the server as the README starts it (embedded default) and on the production layout.

Usage::

    python bench/http_load.py [--layout embedded|production|both] [--duration 10] [--concurrency 16,64]
                              [--json OUT]

Load tool: ``wrk`` (Debian package ``wrk``: ``apt-get install wrk``), 2 threads, keep-alive
connections, each connection one client sending its next request as soon as the previous answer
arrived. A Lua script counts answers as 2xx, 429 and other; latency percentiles are wrk's own.

Endpoints: ``GET /health`` (public), ``GET /v1/usage?days=30`` (API key), ``GET /api/patients``
(clinician JWT), ``POST /v1/transcriptions`` (API key; stores a text transcription and its draft
note: a write per request).

Layouts, on this machine:

* ``embedded``: ``bash scripts/serve.sh`` exactly as the README runs it (embedded PostgreSQL in
  ``.data/postgres``, no Redis, one Hypercorn process serving HTTP through the WSGI thread pool and
  WebSockets), with the plan and user rate limits raised through their environment variables so the
  server's capacity is measured, not the limiter (``--keep-limits`` keeps them: then 429s show).
* ``production``: the README's production layout: ``gunicorn medsync.wsgi`` (2 gthread workers x 4
  threads) for HTTP, Daphne for WebSockets, a Celery worker, PostgreSQL at ``127.0.0.1:5432`` and Redis
  at ``127.0.0.1:6379`` (rate limits in Redis).

Targets (issue 8): 0 answers other than 2xx/429 at 16 and 64 clients; production >= 400 req/s on
``/v1/usage``. The machine's 2 cores also run wrk and PostgreSQL, and other jobs if any: note the
load average printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = str(REPO / ".venv" / "bin" / "python")
NO_LIMITS = {"MEDSYNC_RATE_LIMIT_STARTER": "100000000", "MEDSYNC_RATE_LIMIT_PROFESSIONAL": "100000000",
             "MEDSYNC_RATE_LIMIT_ENTERPRISE": "100000000", "MEDSYNC_USER_RATE_LIMIT_PER_MINUTE": "100000000"}

LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0 limited = 0 other = 0 end
function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1
  elseif status == 429 then limited = limited + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do a = a + t:get("ok"); b = b + t:get("limited"); c = c + t:get("other") end
  io.write(string.format("STATUS %d %d %d\n", a, b, c))
  io.write(string.format("LATENCY %.3f %.3f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def wait_http(url: str, timeout: float = 180.0) -> None:
    """Poll ``url`` until it answers 200 or ``timeout`` seconds pass (RuntimeError)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def request_json(url: str, *, body: dict | None = None, headers: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=30) as response:
        return json.loads(response.read())


def manage(env: dict, *args: str) -> str:
    return subprocess.run([PY, "manage.py", *args], cwd=REPO, env=env, check=True, capture_output=True,
                          text=True).stdout


def prepare_clinic(env: dict, base: str) -> dict:
    """A load-test clinic (enterprise plan), its API key, a clinician's JWT and one patient."""
    suffix = str(int(time.time()))
    client_id = f"load-{suffix}"
    manage(env, "create_clinic", client_id, "--name", "Load test", "--plan", "enterprise")
    key = manage(env, "create_api_key", client_id).strip().splitlines()[-1]
    email, password = f"dr.load.{suffix}@example.org", "Load-Test-Password-2026!"
    manage(env, "create_user", client_id, email, "--password", password, "--first-name", "Load", "--last-name", "Test")
    login = request_json(f"{base}/api/login", body={"email": email, "password": password, "remember": False})
    auth = {"Authorization": f"Bearer {login['token']}"}
    request_json(f"{base}/api/patients/add?uid={login['uid']}", headers=auth, body={
        "firstName": "Ana", "lastName": "Synthetic", "dateOfBirth": "1980-01-01",
        "contact": {"phone": "+34600000000", "email": "ana@example.org"}})
    return {"key": key, "token": login["token"], "uid": login["uid"]}


def wrk(base: str, path: str, *, connections: int, duration: int, headers: dict, method: str = "GET",
        body: str | None = None) -> dict:
    """One wrk run; returns requests/s, p50/p99 latency (ms) and answer counts."""
    script = LUA
    if method != "GET":
        script = (f'wrk.method = "{method}"\nwrk.body = [[{body}]]\n'
                  'wrk.headers["Content-Type"] = "application/json"\n') + script
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", f.name]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd + [base + path], capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    ok, limited, other = map(int, re.search(r"STATUS (\d+) (\d+) (\d+)", out).groups())
    p50, p99 = map(float, re.search(r"LATENCY ([\d.]+) ([\d.]+)", out).groups())
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "2xx": ok, "429": limited, "other": other,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def run_endpoints(layout: str, base: str, creds: dict, *, concurrency: list[int], duration: int) -> list[dict]:
    key = {"X-API-Key": creds["key"]}
    jwt = {"Authorization": f"Bearer {creds['token']}"}
    body = json.dumps({"duration_seconds": 312.5, "language_used": "en",
                       "original_transcript": "Doctor: What brings you in today? Patient: A sore throat for three "
                                              "days and a fever of 38.5. Doctor: Any allergies? Patient: No."})
    endpoints = [("GET /health", "/health", {}, "GET", None),
                 ("GET /v1/usage", "/v1/usage?days=30", key, "GET", None),
                 ("GET /api/patients", f"/api/patients?uid={creds['uid']}", jwt, "GET", None),
                 ("POST /v1/transcriptions", "/v1/transcriptions", key, "POST", body)]
    rows = []
    for name, path, headers, method, payload in endpoints:
        for c in concurrency:
            row = {"layout": layout, "endpoint": name, "clients": c,
                   **wrk(base, path, connections=c, duration=duration, headers=headers, method=method, body=payload)}
            rows.append(row)
            print(f"{layout:10s} {name:26s} c={c:<3d} {row['rps']:8.1f} req/s  p50 {row['p50_ms']:7.1f} ms  "
                  f"p99 {row['p99_ms']:7.1f} ms  2xx {row['2xx']:6d}  429 {row['429']:5d}  other {row['other']:4d}"
                  f"{'  socket errors: ' + row['socket_errors'] if row['socket_errors'] else ''}", flush=True)
    return rows


def stop(process: subprocess.Popen, timeout: float = 40.0) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def embedded(args) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"PORT": "18080", "LIVE_PORT": "", "MEDSYNC_WARM_UP_SPEECH": "false", "LOG_LEVEL": "WARNING"})
    if not args.keep_limits:
        env.update(NO_LIMITS)
    log = open(Path(tempfile.gettempdir()) / "medsync-bench-embedded.log", "w")
    server = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = "http://127.0.0.1:18080"
    try:
        wait_http(base + "/health", timeout=600)
        creds = prepare_clinic(env, base)
        return run_endpoints("embedded", base, creds, concurrency=args.concurrency, duration=args.duration)
    finally:
        stop(server)


def production(args) -> list[dict]:
    db = "medsync_bench_production"
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
           "REDIS_URL": "redis://127.0.0.1:6379/9", "MEDSYNC_WARM_UP_SPEECH": "false", "LOG_LEVEL": "WARNING"}
    if not args.keep_limits:
        env.update(NO_LIMITS)
    subprocess.run(["redis-cli", "-n", "9", "FLUSHDB"], check=True, capture_output=True)
    manage(env, "migrate_schemas", "--executor=standard", "-v", "0")
    log = open(Path(tempfile.gettempdir()) / "medsync-bench-production.log", "w")
    venv = REPO / ".venv" / "bin"
    commands = [
        [str(venv / "gunicorn"), "medsync.wsgi", *args.gunicorn.split(), "-b", "127.0.0.1:18081", "--timeout", "600"],
        [str(venv / "daphne"), "-b", "127.0.0.1", "-p", "18082", "medsync.asgi:application"],
        [str(venv / "celery"), "-A", "medsync", "worker", "-c", "1", "-l", "warning"],
    ]
    processes = [subprocess.Popen(c, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
                 for c in commands]
    base = "http://127.0.0.1:18081"
    try:
        wait_http(base + "/health")
        creds = prepare_clinic(env, base)
        return run_endpoints("production", base, creds, concurrency=args.concurrency, duration=args.duration)
    finally:
        for p in processes:
            stop(p)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layout", choices=["embedded", "production", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[16, 64])
    parser.add_argument("--keep-limits", action="store_true", help="keep the plans' rate limits (429s show)")
    parser.add_argument("--gunicorn", default="-w 2 -k gthread --threads 4",
                        help="worker options of the production layout's gunicorn")
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    rows: list[dict] = []
    if args.layout in ("embedded", "both"):
        rows += embedded(args)
    if args.layout in ("production", "both"):
        rows += production(args)
    print(f"load average after the run: {os.getloadavg()}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 1 if any(r["other"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
