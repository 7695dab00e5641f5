"""Limits end to end: concurrent clients against a real multi-process server sharing Redis.

gunicorn (2 worker processes x 16 threads) serves the test database; the ChatMed key is committed on
a separate connection because the server cannot see the test's transaction. Chat requests are made
slow by an LLM stand-in (a local HTTP server that answers after 1.5 s), so requests overlap for real.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.http_server import LocalHttpServer
from tests.transcription.test_live_daphne import wait_listening

pytestmark = [pytest.mark.redis, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def slow_llm():
    calls = []

    def handler(method, path, headers, body):
        calls.append(path)
        time.sleep(1.5)
        payload = {"id": "c", "object": "chat.completion", "created": 0, "model": "m",
                   "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Rest."}}]}
        return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()

    server = LocalHttpServer(handler)
    server.calls = calls
    yield server
    server.close()


@pytest.fixture
def committed_chatmed_key(other_clinic):
    """A sk_live_ key of clinic B (starter plan: 60/min, 1,000/day, 5 concurrent) visible to other processes."""
    from django.db import connections
    from django.utils import timezone

    from clinics.services import hash_api_key

    raw_key = "sk_live_" + secrets.token_urlsafe(32)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "INSERT INTO public.clinics_apikey (clinic_id, name, kind, prefix, hashed_key, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                [other_clinic.pk, "limits-test", "chatmed_live", raw_key[:14], hash_api_key(raw_key), timezone.now()])
            key_id = cursor.fetchone()[0]
        yield raw_key
        with other.cursor() as cursor:
            cursor.execute("DELETE FROM public.clinics_apikey WHERE id = %s", [key_id])
    finally:
        other.close()


@pytest.fixture
def server(redis_url, slow_llm, tmp_path, django_db_blocker):
    import redis
    from django.db import connection

    redis.Redis.from_url(redis_url).flushdb()
    with django_db_blocker.unblock():
        db = connection.settings_dict
    # As tests/transcription/test_live_daphne.py: works for a TCP host and for the embedded server's socket folder.
    url = f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}"
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "LOG_LEVEL": "WARNING",
           "OPENAI_API_KEY": "sk-stand-in", "OPENAI_BASE_URL": slow_llm.url, "CHATMED_CHAT_ENGINE": "openai"}
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "medsync.wsgi", "-w", "2", "-k", "gthread", "--threads", "16",
         "-b", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"))
    wait_listening(process, port, log, name="gunicorn")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:  # requests still waiting on the slow model stand-in get the 5 s graceful timeout
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
    print(log.read_text()[-5000:])  # shown when the test fails


def _concurrently(n: int, call) -> list:
    barrier = threading.Barrier(n)

    def run(_):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_concurrent_and_per_minute_limits_across_processes(server, committed_chatmed_key, slow_llm):
    import httpx

    headers = {"X-API-Key": committed_chatmed_key}

    def chat():
        response = httpx.post(f"{server}/api/v1/chat/message", json={"message": "I have a cough"}, headers=headers, timeout=30)
        return response.status_code, response.json()

    # Starter plan: 5 requests may be in flight; the other 5 of 10 simultaneous clients are refused.
    results = _concurrently(10, chat)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 5 + [429] * 5, results
    refused = [body for status, body in results if status == 429]
    assert all(body["error"] == "rate_limit_exceeded" and "concurrent" in body["message"] for body in refused)
    assert len(slow_llm.calls) == 5

    # Per minute: 60 per key, and all 10 chat requests were counted, so of 60 more simultaneous clients
    # exactly 10 are refused by the minute window (others may be refused as concurrent: 5 in flight).
    def me():
        response = httpx.get(f"{server}/api/v1/users/me", headers=headers, timeout=30)
        return response.status_code, response.json().get("message", "")

    results = _concurrently(60, me)
    per_minute = [m for status, m in results if status == 429 and "per-minute" in m]
    concurrent = [m for status, m in results if status == 429 and "concurrent" in m]
    assert len(per_minute) == 10
    assert sum(status == 200 for status, _ in results) + len(concurrent) == 50
    usage = httpx.get(f"{server}/api/v1/users/me", headers=headers, timeout=30)
    assert usage.status_code == 429 and "per-minute" in usage.json()["message"]
    assert usage.headers["X-RateLimit-Limit"] == "60" and usage.headers["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(usage.headers["Retry-After"]) <= 60
