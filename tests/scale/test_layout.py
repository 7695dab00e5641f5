"""The production layout as separate processes started by one command (``honcho start`` with the
repository's ``Procfile``: gunicorn, two Daphnes, a Celery worker and beat) on the test database and a
private Redis, and ``compose.yaml`` describing the same services for several machines.

In the running layout: a live session streamed to Daphne 1 is followed by a watcher on Daphne 2 (events
over the Redis channel layer); a recording uploaded through gunicorn is processed by the worker; and one
API key's rate limit holds exactly (±1) across the web processes under 8 concurrent clients.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import signal
import subprocess
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml
from django.db import connection

from tests.conftest import AUDIO
from tests.scale.procs import BIN, ROOT, child_env, free_port, private_redis, wait_for

RATE_LIMIT = 40  # the enterprise plan's requests per minute in this layout


def _procfile() -> dict[str, list[str]]:
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = shlex.split(command)
    return processes


def _program(argv: list[str]) -> str:
    return Path(argv[0]).name


# --- compose.yaml ---------------------------------------------------------------------------------


def test_compose_describes_the_procfile_services_with_env_only_config_and_health_checks():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "web", "ws", "worker", "beat", "proxy"} <= set(services)
    procfile = _procfile()
    # The same programs and entry points as the Procfile's processes.
    same = {"web": "web", "ws1": "ws", "ws2": "ws", "worker": "worker", "beat": "beat"}
    for process, service in same.items():
        command = services[service]["command"]
        assert _program(command) == _program(procfile[process]), process
        assert command[1:3] == procfile[process][1:3] or command[1] == procfile[process][1], process
    assert "gthread" in services["web"]["command"] and "medsync.asgi:application" in services["ws"]["command"]
    assert services["ws"]["deploy"]["replicas"] >= 2 and services["beat"]["deploy"]["replicas"] == 1
    medsync_env = services["web"]["environment"]
    for name in ("web", "ws", "worker", "beat", "migrate"):
        service = services[name]
        # Environment-only configuration: one shared mapping, no env files, no config files mounted.
        assert service["environment"] is medsync_env or service["environment"] == medsync_env, name
        assert "env_file" not in service
        assert all(not str(v).endswith((".py", ".env", ".conf")) for v in service.get("volumes", [])), name
    for variable in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY"):
        assert variable in medsync_env
    # Secrets come from the environment with no default (${VAR:?...}).
    assert medsync_env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    for name, service in services.items():
        if name != "migrate":
            assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
        for dependency in service.get("depends_on", {}):
            assert dependency in services
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert (ROOT / services["web"]["build"]["dockerfile"]).exists()
    assert (ROOT / "deploy/nginx.conf").exists()


# --- the running layout ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def layout(committed_clinic, django_db_blocker, tmp_path_factory):
    """``honcho start`` of the Procfile on the test database and a private Redis; yields a dict of URLs,
    credentials and the log path. Stopped with SIGTERM (honcho stops every process) at the end."""
    from clinics.services import api_key_create, clinic_user_create
    from medsync.api.jwt import token_issue

    clinic, media_root, _ = committed_clinic
    tmp = tmp_path_factory.mktemp("layout")
    with django_db_blocker.unblock():
        keys = [api_key_create(clinic=clinic)[1] for _ in range(2)]
        doctor = clinic_user_create(clinic=clinic, email="layout@scale.example", password="Layout-pass-1234",
                                    first_name="Lay", last_name="Out", title="Dr.")
        token = token_issue(clinic_user=doctor)
        connection.set_schema_to_public()
    ports = {"web": free_port(), "ws1": free_port(), "ws2": free_port()}
    log = tmp / "honcho.log"
    with private_redis(tmp) as (redis_url, _start, _stop):
        env = child_env(redis_url=redis_url, media_root=media_root, MEDSYNC_WEB_PORT=str(ports["web"]),
                        MEDSYNC_WS_PORT_1=str(ports["ws1"]), MEDSYNC_WS_PORT_2=str(ports["ws2"]),
                        CELERY_BEAT_SCHEDULE_FILE=str(tmp / "beat-schedule"), CELERY_CONCURRENCY="1",
                        MEDSYNC_RATE_LIMIT_ENTERPRISE=str(RATE_LIMIT), WEB_CONCURRENCY="2",
                        MEDSYNC_LIVE_WHISPER_THREADS="1")
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        honcho = subprocess.Popen([str(BIN / "honcho"), "start", "-f", str(ROOT / "Procfile"), "-d", str(ROOT)],
                                  cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}

            def up() -> bool:
                assert honcho.poll() is None, log.read_text(errors="replace")[-4000:]
                try:
                    return all(httpx.get(f"{u}/health", timeout=2).status_code == 200 for u in urls.values()) \
                        and b"ready." in log.read_bytes()  # the Celery worker too
                except httpx.HTTPError:
                    return False

            wait_for(up, timeout=150, what="the honcho layout", log=log, interval=1)
            yield {"urls": urls, "keys": keys, "token": token, "doctor": doctor, "log": log, "clinic": clinic,
                   "redis_url": redis_url}
        finally:
            if honcho.poll() is None:
                os.killpg(honcho.pid, signal.SIGTERM)
                try:
                    honcho.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(honcho.pid, signal.SIGKILL)
                    honcho.wait()




@pytest.mark.slow
@pytest.mark.django_db
def test_rate_limit_holds_across_web_processes_under_8_clients(layout):
    urls = [layout["urls"]["web"], layout["urls"]["ws1"], layout["urls"]["ws2"]]
    headers = {"X-API-Key": layout["keys"][0]}
    # Fixed one-minute windows: start early in a window so the burst cannot straddle two.
    if time.time() % 60 > 40:
        time.sleep(61 - time.time() % 60)

    def client(index: int) -> list[int]:
        # Each client spreads its requests over gunicorn (2 worker processes) and both Daphnes.
        with httpx.Client(timeout=30) as http:
            return [http.get(f"{urls[(index + i) % 3]}/v1/usage", headers=headers).status_code for i in range(12)]

    with ThreadPoolExecutor(8) as pool:
        statuses = [s for result in pool.map(client, range(8)) for s in result]
    assert len(statuses) == 96 and set(statuses) <= {200, 429}, statuses
    assert abs(statuses.count(200) - RATE_LIMIT) <= 1, statuses.count(200)


@pytest.mark.slow
@pytest.mark.django_db
def test_recording_uploaded_through_gunicorn_is_processed_by_the_worker(layout):
    web = layout["urls"]["web"]
    uid = layout["doctor"].uid
    auth = {"Authorization": f"Bearer {layout['token']}"}
    with httpx.Client(base_url=web, headers=auth, timeout=60) as http:
        patient = http.post(f"/api/patients/add?uid={uid}", json={
            "firstName": "Layout", "lastName": "Patient", "dateOfBirth": "1980-02-03"})
        assert patient.status_code == 201, patient.text
        appointment = http.post(f"/api/appointments/add?uid={uid}", json={
            "name": "Visit", "date": "2026-01-15", "time": "10:00", "patient_id": patient.json()["patient"]["_id"],
            "status": "planned", "language": "en", "notes_type": "SOAP", "appointment_type": "in_person"})
        assert appointment.status_code == 201, appointment.text
        appointment_id = appointment.json()["appointment"]["_id"]
        mp3 = (AUDIO / "visit_D2N041_4turns.mp3").read_bytes()
        uploaded = http.post(f"/api/recordings/add/{appointment_id}", files={"audio": ("visit.mp3", mp3, "audio/mpeg")})
        assert uploaded.status_code == 202, uploaded.text
        assert uploaded.json()["recording"]["status"] == "uploaded"  # queued, not processed in the request

        def done():
            answer = http.get(f"/api/transcriptions/{appointment_id}")
            return answer if answer.status_code != 202 else None

        answer = wait_for(done, timeout=150, what="the worker to process the upload", log=layout["log"], interval=1)
    assert answer.status_code == 200, answer.text
    assert "Task transcription.tasks.process_uploaded_recording" in layout["log"].read_text(errors="replace")


def _pcm(seconds: float) -> bytes:
    with wave.open(str(AUDIO / "visit_D2N041_4turns.wav")) as wav:
        return wav.readframes(int(seconds * wav.getframerate()))


@pytest.mark.slow
@pytest.mark.django_db
def test_live_session_on_one_daphne_reaches_a_watcher_on_the_other(layout):
    import websockets

    headers = {"X-API-Key": layout["keys"][1]}
    ws1 = layout["urls"]["ws1"].replace("http", "ws")
    ws2 = layout["urls"]["ws2"].replace("http", "ws")

    async def scenario():
        source_messages, watcher_messages = [], []
        async with websockets.connect(f"{ws1}/ws/transcribe",
                                      additional_headers=headers, open_timeout=60) as source:
            init = json.loads(await asyncio.wait_for(source.recv(), 60))
            session_id = init["session_id"]
            async with websockets.connect(f"{ws2}/ws/transcribe?session_id={session_id}",
                                          additional_headers=headers, open_timeout=30) as watcher:
                joined = json.loads(await asyncio.wait_for(watcher.recv(), 30))
                assert joined["mode"] == "watch"

                async def follow():
                    async for raw in watcher:
                        watcher_messages.append(json.loads(raw))

                following = asyncio.create_task(follow())
                audio = _pcm(10.0)  # raw 16 kHz 16-bit mono PCM, the default encoding
                chunk = 16000  # 0.5 s of 16 kHz 16-bit mono
                for offset in range(0, len(audio), chunk):
                    await source.send(audio[offset:offset + chunk])
                    await asyncio.sleep(0.15)
                await source.send(json.dumps({"type": "stop"}))
                async for raw in source:
                    message = json.loads(raw)
                    source_messages.append(message)
                    if message["type"] == "transcript":
                        break
                await asyncio.wait_for(following, 60)
        return session_id, source_messages, watcher_messages

    session_id, source_messages, watcher_messages = asyncio.run(scenario())
    finals = [m["text"] for m in source_messages if m["type"] == "transcription" and m.get("is_final")]
    final = [m for m in source_messages if m["type"] == "transcript"][0]
    assert final["transcript"], "the session transcribed speech"
    watched_finals = [m["text"] for m in watcher_messages if m["type"] == "transcription" and m.get("is_final")]
    watched_final = [m for m in watcher_messages if m["type"] == "transcript"]
    assert watched_final and watched_final[0]["recording_id"] == final["recording_id"]
    assert watched_finals == finals  # every final crossed from Daphne 1 to Daphne 2 once
