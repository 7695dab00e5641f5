"""SIGTERM to the web processes of the production layout, started with the ``Procfile``'s commands.

Gunicorn (``web``) during an upload: the request in flight is answered, no new request is served, the
master and its workers exit 0 in bounded time and leave no process.

SIGTERM to a Daphne process of the production layout (the ``Procfile``'s ``ws1``/``ws2`` command,
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
import re
import shlex
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
import wave

import httpx
import pytest

from tests.conftest import AUDIO
from tests.scale.procs import ROOT
from tests.scale.test_shutdown_live import assert_closed_for_shutdown, stored_live_recording
from tests.test_server import _server_env, assert_no_process_left, committed_api_key  # noqa: F401 - a fixture
from tests.transcription.test_live_daphne import free_port, wait_listening

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

GRACEFUL_SECONDS = 45  # ending a session and transcribing an upload take ~10-30 s on a loaded 2-core box
EXIT_BOUND_SECONDS = GRACEFUL_SECONDS + 10  # the graceful timeout plus the interpreter's exit


def _procfile_argv(process: str, port: int) -> list[str]:
    """The Procfile's command of ``process`` with its port, the environment defaults expanded as honcho's
    shell would."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith(f"{process}:"))
    command = line.split(":", 1)[1]
    command = re.sub(r"\$\{MEDSYNC_(?:WS_PORT_1|WEB_PORT):-\d+\}", str(port), command)
    command = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", command)
    return [str(ROOT / a) if a.startswith(".venv/") else a for a in shlex.split(command)]


def _procfile_daphne_argv(port: int) -> list[str]:
    return _procfile_argv("ws1", port)


def _refuses_connections(port: int, *, within: float) -> bool:
    """True once a TCP connection to ``port`` is refused, polled for ``within`` seconds (a gthread worker
    notices SIGTERM at its next poll, up to a second later)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return True
        time.sleep(0.2)
    return False


def _clip(seconds: float) -> bytes:
    """The first ``seconds`` of the 4-turn visit as a WAV file."""
    with wave.open(str(AUDIO / "visit_D2N041_4turns.wav")) as wav:
        params = wav.getparams()
        frames = wav.readframes(int(seconds * wav.getframerate()))
    clip = io.BytesIO()
    with wave.open(clip, "wb") as out:
        out.setparams(params)
        out.writeframes(frames)
    return clip.getvalue()


def test_sigterm_to_gunicorn_answers_the_request_in_flight_and_exits(
        committed_api_key, django_db_blocker, tmp_path):  # noqa: F811 - the fixture
    port = free_port()
    with django_db_blocker.unblock():
        env = _server_env(port, 0)
    log = tmp_path / "gunicorn.log"
    argv = _procfile_argv("web", port)
    assert "--graceful-timeout" in argv
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    sid = os.getsid(process.pid)
    result: dict = {}
    try:
        wait_listening(process, port, log, name="gunicorn", timeout=90)
        # Both workers booted (the master listens before they do): two concurrent health checks answered.
        with ThreadPoolExecutor(2) as pool:
            assert all(r.status_code == 200 for r in pool.map(
                lambda _: httpx.get(f"http://127.0.0.1:{port}/health", timeout=120), range(2)))

        def upload() -> None:
            result["response"] = httpx.post(
                f"http://127.0.0.1:{port}/v1/transcribe", headers={"X-API-Key": committed_api_key}, timeout=120,
                files={"audio": ("visit.wav", _clip(6), "audio/wav")}, data={"language": "en"})

        uploader = threading.Thread(target=upload)
        uploader.start()
        time.sleep(2)  # the upload is in a worker, being transcribed
        process.send_signal(signal.SIGTERM)
        time.sleep(1.5)  # a gthread worker notices SIGTERM at its next poll (≤ 1 s)
        # No new request is served: the master has closed the listening socket; a worker that is finishing
        # keeps its copy open but no longer accepts on it (the kernel's backlog is reset when it exits).
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=60)
        uploader.join(120)
        assert process.wait(EXIT_BOUND_SECONDS) == 0, log.read_text()[-3000:]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert result["response"].status_code == 200, result["response"].text
    assert result["response"].json()["transcript"]
    assert_no_process_left(sid)


def test_procfile_runs_daphne_with_the_graceful_stop():
    argv = _procfile_daphne_argv(1234)
    assert argv[1:3] == ["-m", "medsync.daphne_server"], argv


def test_sigterm_to_daphne_closes_live_sessions_finishes_requests_and_exits(
        committed_api_key, django_db_blocker, tmp_path):  # noqa: F811 - the fixture
    import websockets

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
            audio = wav.readframes(8 * wav.getframerate())
        upload_result: dict = {}

        def upload() -> None:
            body = _clip(6)  # the in-flight upload: a request that takes a few seconds
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
                refused = await asyncio.to_thread(_refuses_connections, port, within=5.0)
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
    final = assert_closed_for_shutdown(messages, close_code, log)
    assert refused, "no new connection after SIGTERM"
    response = upload_result["response"]
    assert response.status_code == 200, response.text
    assert response.json()["transcript"]
    stored_live_recording(django_db_blocker, final["recording_id"], seconds=8.0)
    assert_no_process_left(sid)
