"""Redis down (a private redis-server stopped under a running gunicorn + Daphne + Celery layout): the API
stays up with the documented behaviour (README "Faults"):

* rate limits fail open: requests are served (200) without ``X-RateLimit-*`` counting, within ~1 s;
* new live sessions fail closed: the handshake answers 503 with a JSON error (no limit could be enforced);
* queues: an upload is stored (202, ``uploaded``) although its task cannot be queued, and the
  ``resume_recordings`` sweep queues it once Redis is back, so a worker processes it. Nothing is lost.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time

import httpx
import pytest
from django.db import connection

from tests.conftest import AUDIO
from tests.scale.procs import BIN, ROOT, Worker, child_env, free_port, private_redis, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def credentials(committed_clinic, django_db_blocker):
    """A committed API key and clinician (made before the test's transaction: the servers must see them)."""
    from clinics.services import api_key_create, clinic_user_create
    from medsync.api.jwt import token_issue

    clinic, _, _ = committed_clinic
    with django_db_blocker.unblock():
        key = api_key_create(clinic=clinic)[1]
        doctor = clinic_user_create(clinic=clinic, email="redis-down@scale.example", password="Redis-down-1234",
                                    first_name="Red", last_name="Is", title="Dr.")
        token = token_issue(clinic_user=doctor)
        connection.set_schema_to_public()
    return key, doctor, token


def test_api_stays_up_with_documented_behaviour_while_redis_is_down(committed_clinic, credentials, tmp_path):
    import websockets
    from celery import Celery

    _, media_root, _ = committed_clinic
    key, doctor, token = credentials
    web_port, ws_port = free_port(), free_port()
    processes: list[subprocess.Popen] = []
    worker = None
    with private_redis(tmp_path) as (redis_url, start_redis, stop_redis):
        env = child_env(redis_url=redis_url, media_root=media_root, MEDSYNC_RESUME_AFTER_SECONDS="0")
        log = tmp_path / "servers.log"
        for argv in ([str(BIN / "gunicorn"), "medsync.wsgi", "--bind", f"127.0.0.1:{web_port}", "--workers", "1",
                      "--worker-class", "gthread", "--threads", "4", "--timeout", "120"],
                     [str(BIN / "daphne"), "--bind", "127.0.0.1", "--port", str(ws_port), "medsync.asgi:application"]):
            processes.append(subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                                              start_new_session=True))
        web, ws = f"http://127.0.0.1:{web_port}", f"ws://127.0.0.1:{ws_port}"
        try:
            def up() -> bool:
                try:
                    return all(httpx.get(f"{u}/health", timeout=2).status_code == 200
                               for u in (web, f"http://127.0.0.1:{ws_port}"))
                except httpx.HTTPError:
                    return False

            wait_for(up, timeout=90, what="gunicorn and Daphne", log=log, interval=0.5)
            api = httpx.Client(base_url=web, headers={"X-API-Key": key}, timeout=30)
            counted = api.get("/v1/usage")
            assert counted.status_code == 200 and "x-ratelimit-remaining" in counted.headers

            stop_redis()

            assert httpx.get(f"{web}/health", timeout=10).status_code == 200
            started = time.monotonic()
            for _ in range(3):
                served = api.get("/v1/usage")
                assert served.status_code == 200, served.text  # rate limit fails open
            assert time.monotonic() - started < 10

            async def live_handshake():
                try:
                    async with websockets.connect(f"{ws}/ws/transcribe", additional_headers={"X-API-Key": key},
                                                  open_timeout=30):
                        return None
                except websockets.exceptions.InvalidStatus as exc:
                    return exc.response

            refused = asyncio.run(live_handshake())
            assert refused is not None and refused.status_code == 503, refused
            assert b"unavailable" in refused.body

            auth = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=web, headers=auth, timeout=60) as http:
                patient = http.post(f"/api/patients/add?uid={doctor.uid}",
                                    json={"firstName": "Redis", "lastName": "Down", "dateOfBirth": "1970-05-06"})
                assert patient.status_code == 201, patient.text
                appointment = http.post(f"/api/appointments/add?uid={doctor.uid}", json={
                    "name": "Visit", "date": "2026-01-15", "time": "10:00", "status": "planned",
                    "patient_id": patient.json()["patient"]["_id"], "language": "en", "notes_type": "SOAP",
                    "appointment_type": "in_person"})
                assert appointment.status_code == 201, appointment.text
                appointment_id = appointment.json()["appointment"]["_id"]
                mp3 = (AUDIO / "visit_D2N041_4turns.mp3").read_bytes()
                uploaded = http.post(f"/api/recordings/add/{appointment_id}",
                                     files={"audio": ("visit.mp3", mp3, "audio/mpeg")})
                assert uploaded.status_code == 202 and uploaded.json()["recording"]["status"] == "uploaded"

                start_redis()
                assert api.get("/v1/usage").headers.get("x-ratelimit-remaining")  # counting again
                worker = Worker(queue="celery", env=env, log=tmp_path / "worker.log")
                worker.wait_ready()
                # What celery beat sends every 5 minutes: the stored upload is queued now.
                Celery(broker=redis_url, set_as_current=False).send_task("transcription.tasks.resume_recordings")

                def processed():
                    answer = http.get(f"/api/transcriptions/{appointment_id}")
                    return answer if answer.status_code != 202 else None

                answer = wait_for(processed, timeout=150, what="the resumed upload", log=worker.log, interval=1)
                assert answer.status_code == 200, answer.text
            for process in processes:
                assert process.poll() is None  # never restarted
        finally:
            if worker is not None:
                worker.kill()
            for process in processes:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
