"""The server as the README starts it (``scripts/run-server.sh``, the part of ``scripts/serve.sh`` after
the set-up): real Hypercorn processes on the test database.

* 64 concurrent clients on both ports get answers, never a 5xx (the database pool holds them; before it,
  Django's per-thread persistent connections exhausted PostgreSQL's 100 connections under ASGI);
* the database connections of the server stay within its pool;
* WebSocket handshake refusals keep their HTTP status (401) under Hypercorn;
* SIGTERM lets an in-flight transcription finish, stops the server and its helper loop, and leaves no
  process behind.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.transcription.test_live_daphne import free_port, handshake

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[1]
POOL_MAX = 6


def _server_env(port: int, live_port: int) -> dict:
    from django.db import connection

    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    url = f"postgres://{db['USER']}@/{db['NAME']}?host={host}" + (f"&port={db['PORT']}" if db["PORT"] else "")
    return {**os.environ, "DATABASE_URL": url, "PORT": str(port), "LIVE_PORT": str(live_port), "REDIS_URL": "",
            "MEDSYNC_WARM_UP_SPEECH": "false", "LOG_LEVEL": "WARNING", "GRACEFUL_TIMEOUT": "15",
            "DATABASE_POOL_MAX_SIZE": str(POOL_MAX), "MEDSYNC_HTTP_THREADS": "4",
            "MEDSYNC_RATE_LIMIT_PROFESSIONAL": "1000000", "MEDSYNC_RATE_LIMIT_STARTER": "1000000"}


def _start(django_db_blocker, tmp_path) -> tuple[subprocess.Popen, int, int, Path]:
    port, live_port = free_port(), free_port()
    with django_db_blocker.unblock():
        env = _server_env(port, live_port)
    log = tmp_path / "server.log"
    process = subprocess.Popen(["bash", "scripts/run-server.sh"], cwd=ROOT, env=env, stdout=log.open("wb"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return process, port, live_port, log
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            pytest.fail(f"the server exited: {log.read_text()[-3000:]}")
        time.sleep(0.3)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail("the server did not start")


@pytest.fixture(scope="module")
def committed_api_key(django_db_setup, django_db_blocker):
    """An API key of a clinic of its own, committed so the server process sees it; the server writes
    (recordings, usage) land there, never in the suite's clinics A and B. Dropped afterwards."""
    from django.db import connection

    from clinics.models import Clinic, Plan
    from clinics.services import api_key_create, clinic_create

    with django_db_blocker.unblock():
        clinic = clinic_create(client_id="clinic-server", name="Server test clinic", plan=Plan.PROFESSIONAL)
        connection.set_schema_to_public()
        key = api_key_create(clinic=clinic)[1]
    yield key
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        clinic = Clinic.objects.get(client_id="clinic-server")
        clinic.auto_drop_schema = True
        clinic.delete(force_drop=True)


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    process, port, live_port, log = _start(django_db_blocker, tmp_path_factory.mktemp("server"))
    yield port, live_port, log
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(30)


def _session_processes(sid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-s", str(sid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def assert_no_process_left(sid: int, timeout: float = 10.0) -> None:
    """Fail unless every process of session ``sid`` (a server started with ``start_new_session``) has
    exited within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while _session_processes(sid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _session_processes(sid) == []


def test_64_concurrent_clients_on_both_ports_never_get_a_server_error(server, committed_api_key):
    port, live_port, log = server
    barrier = threading.Barrier(64)

    def one(i: int) -> list[int]:
        base = f"http://127.0.0.1:{port if i % 2 else live_port}"
        statuses = []
        with httpx.Client(base_url=base, timeout=60) as client:
            for round_ in range(3):
                barrier.wait()
                if (i + round_) % 3 == 0:
                    statuses.append(client.get("/health").status_code)
                else:
                    statuses.append(client.get("/v1/usage", params={"days": 30},
                                               headers={"X-API-Key": committed_api_key}).status_code)
        return statuses

    with ThreadPoolExecutor(64) as pool:
        statuses = [s for result in pool.map(one, range(64)) for s in result]
    assert len(statuses) == 192
    assert statuses.count(200) == 192, sorted(set(statuses))
    assert "too many clients" not in log.read_text()


def test_the_server_holds_at_most_its_pool_of_database_connections(server, django_db_blocker):
    from django.db import connection

    port, _, _ = server
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda _: httpx.get(f"http://127.0.0.1:{port}/health", timeout=60).status_code, range(128)))
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
        (count,) = cursor.fetchone()
    assert count <= POOL_MAX


def test_websocket_refusals_keep_their_status_under_hypercorn(server):
    port, live_port, _ = server
    for p in (port, live_port):
        status, _, body = handshake(p, "/ws/transcribe")
        assert status == 401 and b"error" in body


def test_sigterm_finishes_the_request_in_flight_and_leaves_no_process(django_db_blocker, tmp_path,
                                                                       committed_api_key):
    process, port, _, log = _start(django_db_blocker, tmp_path)
    sid = os.getsid(process.pid)
    assert len(_session_processes(sid)) >= 3  # the script, Hypercorn (+ its worker), the retry loop
    result: dict = {}

    def upload() -> None:
        audio = (ROOT / "tests" / "fixtures" / "audio" / "visit_D2N041_4turns.wav").read_bytes()
        result["response"] = httpx.post(
            f"http://127.0.0.1:{port}/v1/transcribe", headers={"X-API-Key": committed_api_key}, timeout=120,
            files={"audio": ("visit.wav", audio, "audio/wav")}, data={"language": "en"})

    thread = threading.Thread(target=upload)
    thread.start()
    time.sleep(1.5)  # the upload is in the server, being transcribed
    process.send_signal(signal.SIGTERM)
    thread.join(120)
    assert process.wait(30) == 0
    assert result["response"].status_code == 200, result["response"].text
    assert result["response"].json()["transcript"]
    assert_no_process_left(sid)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
