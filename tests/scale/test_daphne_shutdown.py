"""SIGTERM to a Daphne process of the production layout (the ``Procfile``'s ``ws1``/``ws2`` command,
``python -m medsync.daphne_server``) during a live session and an upload: the live client gets its closing
messages (``warning`` ``server_shutdown``, its final ``transcript``, close 1001), the audio so far is stored,
the in-flight upload is answered, no new connection is accepted, and the process exits 0 in bounded time.
Plain ``daphne`` cancelled the session instead (no transcript; the test of that difference is the first
assertion on ``final``)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import shlex
import signal
import socket
import subprocess
import threading
import time
import wave

import httpx
import pytest

from tests.conftest import AUDIO
from tests.scale.procs import ROOT
from tests.test_server import _server_env, _session_processes, committed_api_key  # noqa: F401 - a fixture
from tests.transcription.test_live_daphne import free_port, wait_listening

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

GRACEFUL_SECONDS = 45  # ending a session and transcribing an upload take ~10-30 s on a loaded 2-core box
EXIT_BOUND_SECONDS = GRACEFUL_SECONDS + 10  # the graceful timeout plus the interpreter's exit


def _procfile_daphne_argv(port: int) -> list[str]:
    """The Procfile's ``ws1`` command with its port, as honcho would run it."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("ws1:"))
    argv = shlex.split(line.split(":", 1)[1])
    argv = [str(ROOT / a) if a.startswith(".venv/") else a for a in argv]
    expanded = []
    for arg in argv:
        if arg.startswith("${MEDSYNC_WS_PORT_1"):
            arg = str(port)
        elif arg.startswith("${MEDSYNC_BIND"):
            arg = "127.0.0.1"
        expanded.append(arg)
    return expanded


def test_procfile_runs_daphne_with_the_graceful_stop():
    argv = _procfile_daphne_argv(1234)
    assert argv[1:3] == ["-m", "medsync.daphne_server"], argv


def test_sigterm_to_daphne_closes_live_sessions_finishes_requests_and_exits(
        committed_api_key, django_db_blocker, tmp_path):  # noqa: F811 - the fixture
    import websockets

    from clinics.models import Clinic
    from transcription.models import Recording

    port = free_port()
    with django_db_blocker.unblock():
        env = _server_env(port, 0)
    env.update({"GRACEFUL_TIMEOUT": str(GRACEFUL_SECONDS), "LOG_LEVEL": "INFO"})
    log = tmp_path / "daphne.log"
    process = subprocess.Popen(_procfile_daphne_argv(port), cwd=ROOT, env=env, stdout=log.open("wb"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    sid = os.getsid(process.pid)
    try:
        wait_listening(process, port, log, name="daphne", timeout=90)
        with wave.open(str(AUDIO / "visit_D2N041_4turns.wav")) as wav:
            params = wav.getparams()
            audio = wav.readframes(8 * wav.getframerate())
        clip = io.BytesIO()  # the first 6 s as the in-flight upload: a request that takes a few seconds
        with wave.open(clip, "wb") as out:
            out.setparams(params)
            out.writeframes(audio[:6 * params.framerate * params.sampwidth * params.nchannels])
        upload_result: dict = {}

        def upload() -> None:
            body = clip.getvalue()
            upload_result["response"] = httpx.post(
                f"http://127.0.0.1:{port}/v1/transcribe", headers={"X-API-Key": committed_api_key}, timeout=120,
                files={"audio": ("visit.wav", body, "audio/wav")}, data={"language": "en"})

        async def scenario() -> tuple[list[dict], object, bool]:
            messages: list[dict] = []
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws/transcribe",
                                          additional_headers={"X-API-Key": committed_api_key},
                                          open_timeout=60) as ws:
                messages.append(json.loads(await asyncio.wait_for(ws.recv(), 60)))
                for offset in range(0, len(audio), 8000):
                    await ws.send(audio[offset:offset + 8000])
                    await asyncio.sleep(0.1)
                uploader = threading.Thread(target=upload)
                uploader.start()
                await asyncio.sleep(1.5)  # the upload is in the server, being transcribed
                process.send_signal(signal.SIGTERM)  # mid-session: the client has not sent "stop"
                await asyncio.sleep(0.5)
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    refused = False
                except OSError:
                    refused = True
                try:
                    async for raw in ws:
                        messages.append(json.loads(raw))
                except websockets.exceptions.ConnectionClosed:
                    pass
                await asyncio.to_thread(uploader.join, 120)
                return messages, ws.close_code, refused

        messages, close_code, refused = asyncio.run(scenario())
        assert process.wait(EXIT_BOUND_SECONDS) == 0, log.read_text()[-3000:]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    kinds = [m["type"] for m in messages]
    final = [m for m in messages if m["type"] == "transcript"]
    assert final, (kinds, close_code, log.read_text()[-3000:])
    assert close_code == 1001
    assert any(m["type"] == "warning" and m["code"] == "server_shutdown" for m in messages)
    assert final[0]["transcript"], "the audio so far was transcribed"
    assert refused, "no new connection after SIGTERM"
    response = upload_result["response"]
    assert response.status_code == 200, response.text
    assert response.json()["transcript"]
    with django_db_blocker.unblock():
        from django.db import connection

        clinic = Clinic.objects.get(client_id="clinic-server")
        connection.set_tenant(clinic)
        try:
            recording = Recording.objects.get(uuid=final[0]["recording_id"])
            assert recording.source == "live" and recording.duration_seconds == pytest.approx(8.0, abs=1.0)
        finally:
            connection.set_schema_to_public()
    deadline = time.monotonic() + 10
    while _session_processes(sid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _session_processes(sid) == []
