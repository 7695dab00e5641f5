"""``/ws/transcribe`` behind a real Daphne process: what a client sees on the wire.

Daphne itself only answers refused handshakes with 403; :mod:`transcription.live.daphne` adds the
WebSocket Denial Response extension so the seed's 401 (and 400/429...) reach the client as HTTP
answers with the JSON error body. The server runs against the test database. It cannot see the
test's own transaction, so the one API key the successful handshake needs is written and deleted on a
second connection that commits (``committed_api_key``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

# django_db: pytest-django sets up the test database only for sessions with such tests.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]


def wait_listening(process: subprocess.Popen, port: int, log: Path, *, name: str, timeout: float = 60.0) -> None:
    """Wait until ``process`` accepts TCP connections on ``port``; fail the test (with the end of its
    ``log``) if it exits or is not listening within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"{name} exited: {log.read_text()[-2000:]}")
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"{name} did not start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def daphne_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """A Daphne process serving medsync.asgi on the test database; yields its port."""
    from django.db import connection

    with django_db_blocker.unblock():
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "MEDSYNC_WARM_UP_SPEECH": "false", "LOG_LEVEL": "WARNING",
           "REDIS_URL": ""}
    log = tmp_path_factory.mktemp("daphne") / "daphne.log"
    process = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                                "medsync.asgi:application"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    wait_listening(process, port, log, name="daphne")
    yield port
    process.terminate()
    process.wait(10)


@pytest.fixture
def committed_api_key(clinic):
    """A raw API key of clinic A that other processes can see (committed on a separate connection)."""
    import secrets

    from django.db import connections
    from django.utils import timezone

    from clinics.services import API_KEY_PREFIX, hash_api_key

    raw_key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    other = connections.create_connection("default")  # autocommit, outside the test transaction
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "INSERT INTO public.clinics_apikey (clinic_id, name, prefix, hashed_key, created_at) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                [clinic.pk, "daphne-test", raw_key[:12], hash_api_key(raw_key), timezone.now()])
            key_id = cursor.fetchone()[0]
        yield raw_key
        with other.cursor() as cursor:
            cursor.execute("DELETE FROM public.clinics_apikey WHERE id = %s", [key_id])
    finally:
        other.close()


def handshake(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Send a raw WebSocket upgrade request; return the HTTP status, headers and body."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parsed = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
        length = parsed.get("content-length")
        # Daphne sends a Content-Length; Hypercorn may send the body chunked, ending with the connection.
        while length is None or len(body) < int(length):
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                break
            if not chunk:
                break
            body += chunk
        if parsed.get("transfer-encoding", "").lower() == "chunked":
            body = _dechunk(body)
    return int(status_line.split()[1]), parsed, body


def _dechunk(data: bytes) -> bytes:
    """The payload of an HTTP/1.1 chunked body."""
    out = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2:]
    return out


def test_refused_handshakes_are_real_http_answers(daphne_server, settings):
    import jwt

    now = int(time.time())
    expired = jwt.encode({"sub": "user_x", "clinic": "clinic-a", "iat": now - 100, "exp": now - 50},
                         settings.JWT_SECRET_KEY, algorithm="HS256")
    cases = [
        ({}, "/ws/transcribe", "Missing authentication token"),
        ({"Authorization": "Bearer garbage"}, "/ws/transcribe", "Invalid authentication token"),
        ({"Authorization": f"Bearer {expired}"}, "/ws/transcribe", "Token expired"),
        ({}, f"/ws/transcribe?token={expired}", "Token expired"),
        ({"X-API-Key": "msk_nope"}, "/ws/transcribe", "Invalid API key"),
    ]
    for headers, path, message in cases:
        status, response_headers, body = handshake(daphne_server, path, headers)
        assert status == 401, (headers, status, body)
        assert response_headers["www-authenticate"] == 'Bearer realm="medsync"'
        assert response_headers["content-type"] == "application/json"
        assert json.loads(body)["error"].startswith(message)


def test_a_real_client_opens_and_ends_a_session(daphne_server, committed_api_key):
    from websockets.asyncio.client import connect

    raw_key = committed_api_key

    async def scenario():
        url = f"ws://127.0.0.1:{daphne_server}/ws/transcribe?template=nope"
        refused = None
        try:
            async with connect(url, additional_headers={"X-API-Key": raw_key}):
                pass
        except Exception as exc:  # websockets.InvalidStatus
            refused = exc.response.status_code, json.loads(exc.response.body)
        url = f"ws://127.0.0.1:{daphne_server}/ws/transcribe"
        async with connect(url, additional_headers={"X-API-Key": raw_key}, open_timeout=60) as ws:
            init = json.loads(await ws.recv())
            await ws.send(json.dumps({"type": "stop"}))
            final = json.loads(await asyncio.wait_for(ws.recv(), 60))
            await ws.wait_closed()
            return refused, init, final, ws.close_code

    refused, init, final, code = asyncio.run(scenario())
    assert refused == (400, {"error": "template: unknown template 'nope'"})
    assert init["type"] == "session_init" and init["engine"].startswith("local:whisper")
    assert final["type"] == "transcript" and final["recording_id"] is None
    assert code == 1000
