"""SIGTERM to the server as the README starts it (``scripts/run-server.sh``) during a live session: the
client receives the session's closing messages (its final ``transcript``, then a close), the audio so far
is stored as a recording, the server exits in bounded time and leaves no process behind."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
import wave

import pytest

from tests.conftest import AUDIO
from tests.scale.procs import ROOT
from tests.test_server import _start, assert_no_process_left, committed_api_key  # noqa: F401 - a fixture

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXIT_BOUND_SECONDS = 40  # GRACEFUL_TIMEOUT (15 s in the test) plus the final flush and start-up margin


def assert_closed_for_shutdown(messages: list[dict], close_code, log) -> dict:
    """The closing messages a live client gets when its server stops: a ``server_shutdown`` warning, a
    non-empty final ``transcript`` (returned) and close code 1001 (going away)."""
    final = [m for m in messages if m["type"] == "transcript"]
    assert final, ([m["type"] for m in messages], close_code, log.read_text()[-3000:])
    assert close_code == 1001
    assert any(m["type"] == "warning" and m["code"] == "server_shutdown" for m in messages)
    assert final[0]["transcript"], "the audio so far was transcribed"
    return final[0]


def stored_live_recording(django_db_blocker, recording_id: str, *, seconds: float):
    """``(recording, clinic)``: the live recording ``recording_id`` of the ``clinic-server`` clinic, checked
    to be a live session's of ``seconds`` (±1 s) of audio."""
    from django.db import connection

    from clinics.models import Clinic
    from transcription.models import Recording

    with django_db_blocker.unblock():
        clinic = Clinic.objects.get(client_id="clinic-server")
        connection.set_tenant(clinic)
        try:
            recording = Recording.objects.get(uuid=recording_id)
            assert recording.source == "live" and recording.duration_seconds == pytest.approx(seconds, abs=1.0)
        finally:
            connection.set_schema_to_public()
    return recording, clinic


def test_sigterm_closes_a_live_session_with_its_transcript_and_stores_the_audio(
        committed_api_key, django_db_blocker, tmp_path):
    import websockets

    process, _, live_port, log = _start(django_db_blocker, tmp_path)
    sid = os.getsid(process.pid)
    with wave.open(str(AUDIO / "visit_D2N041_4turns.wav")) as wav:
        audio = wav.readframes(8 * wav.getframerate())

    async def scenario() -> tuple[list[dict], float, object]:
        messages: list[dict] = []
        async with websockets.connect(f"ws://127.0.0.1:{live_port}/ws/transcribe",
                                      additional_headers={"X-API-Key": committed_api_key}, open_timeout=60) as ws:
            messages.append(json.loads(await asyncio.wait_for(ws.recv(), 60)))
            for offset in range(0, len(audio), 8000):
                await ws.send(audio[offset:offset + 8000])
                await asyncio.sleep(0.1)
            process.send_signal(signal.SIGTERM)  # mid-session: the client has not sent "stop"
            sent = time.monotonic()
            try:
                async for raw in ws:
                    messages.append(json.loads(raw))
            except websockets.exceptions.ConnectionClosed:
                pass
            return messages, time.monotonic() - sent, ws.close_code

    messages, closed_after, close_code = asyncio.run(scenario())
    assert process.wait(EXIT_BOUND_SECONDS) == 0, log.read_text()[-3000:]
    kinds = [m["type"] for m in messages]
    assert kinds[0] == "session_init"
    final = assert_closed_for_shutdown(messages, close_code, log)
    recording, clinic = stored_live_recording(django_db_blocker, final["recording_id"], seconds=8.0)
    # The server (no MEDIA_ROOT given, as in the README) stores under .data/media/<schema>/.
    stored = ROOT / ".data" / "media" / clinic.schema_name / recording.audio.name
    assert stored.exists() and stored.stat().st_size > 0
    assert_no_process_left(sid)
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]  # e.g. a child killed by SIGUSR1
    print(f"closed {closed_after:.1f} s after SIGTERM; messages: {kinds}")
