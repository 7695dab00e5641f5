"""Fixtures of the agent-call tests.

Time is frozen on Monday 2026-05-18, 10:00 in Madrid (inside the default calling hours). Celery runs
eagerly, calls go to the simulator, and ``clinic_server`` (a real HTTP server on 127.0.0.1, shared
with the booking tests) receives the signed callbacks. ``place_call`` requests a call through the
API; ``take_call`` answers it with the in-process patient (:class:`calls.local_client.LocalPatient`)
and runs the async agent loop on the test's thread (``async_to_sync``), so its database calls see
the test transaction.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from asgiref.sync import async_to_sync
from django.db import connection

from tests.booking.conftest import ClinicServer, clinic_server  # noqa: F401  (fixture)

#: Monday 18 May 2026, 10:00 in Europe/Madrid (08:00 UTC).
FROZEN_NOW = datetime(2026, 5, 18, 8, 0, tzinfo=timezone.utc)

REMINDER = {
    "patient_phone": "+34612345678",
    "patient_name": "Maria Lopez",
    "purpose": "appointment_reminder",
    "context": {"appointment_date": "2026-05-20", "appointment_time": "09:30", "provider_name": "Dr. Garcia",
                "clinic_name": "Dental Plus"},
}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    from booking import clock as booking_clock
    from calls import clock as calls_clock

    frozen = Clock(FROZEN_NOW)
    monkeypatch.setattr(calls_clock, "now", frozen)
    monkeypatch.setattr(booking_clock, "now", frozen)
    return frozen


@pytest.fixture(autouse=True)
def _call_settings(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CALLS_PROVIDER = "simulator"
    settings.TWILIO_ACCOUNT_SID = ""
    settings.TWILIO_AUTH_TOKEN = ""
    settings.TWILIO_VOICE_FROM = ""
    settings.PUBLIC_BASE_URL = ""
    settings.WHATSAPP_CALLBACK_TIMEOUT_SECONDS = 2.0
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)


class RecordingTwilioHttp:
    """Twilio SDK HTTP client (the SDK's HTTP boundary) that records requests and answers with a
    canned Call resource (or scripted error statuses first)."""

    def __init__(self, status: int = 201, body: dict | None = None, statuses: list[int] | None = None) -> None:
        import logging

        from twilio.http import HttpClient

        class _Client(HttpClient):
            def request(inner, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,
                        allow_redirects=False):
                import json

                from twilio.http.response import Response

                self.requests.append({"method": method, "url": uri, "data": data or {}, "auth": auth})
                if self.statuses:
                    code = self.statuses.pop(0)
                    return Response(code, json.dumps({"code": 20000 + code, "message": "error", "status": code}))
                return Response(self.status, json.dumps(self.body))

        self.client = _Client(logger=logging.getLogger("tests.twilio"), is_async=False)
        self.status = status
        self.statuses = list(statuses or [])
        self.body = body if body is not None else {"sid": "CA" + "f" * 32, "status": "queued"}
        self.requests: list[dict] = []


@pytest.fixture(autouse=True)
def _no_real_twilio(monkeypatch):
    """Fail loudly if a test would reach the real Twilio API (``twilio_http`` replaces the SDK's client)."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to reach the real Twilio API")

    monkeypatch.setattr("twilio.http.http_client.TwilioHttpClient", refuse)


@pytest.fixture
def twilio_http(monkeypatch) -> RecordingTwilioHttp:
    recorder = RecordingTwilioHttp()
    monkeypatch.setattr("twilio.http.http_client.TwilioHttpClient", lambda *a, **k: recorder.client)
    return recorder


@pytest.fixture(autouse=True)
def _madrid_calling_hours(db, clinic, other_clinic):
    """Both clinics call in Europe/Madrid time (default hours 09:00-20:00, Monday-Saturday)."""
    from calls.services import call_settings_update

    for each in (clinic, other_clinic):
        connection.set_tenant(each)
        call_settings_update(time_zone="Europe/Madrid")
    connection.set_schema_to_public()


@pytest.fixture
def espeak():
    """Tests that synthesise speech need the espeak-ng binary (Debian package); required on CI."""
    import os
    import shutil

    if shutil.which("espeak-ng") is None:
        if os.environ.get("CI"):
            pytest.fail("espeak-ng is required on CI (apt-get install espeak-ng)")
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")


def run(coroutine_function):
    return async_to_sync(coroutine_function)()


@pytest.fixture
def place_call(api_client, django_capture_on_commit_callbacks):
    """``place_call(**overrides) -> call_sid``: POST /v1/agent-call (on-commit tasks executed)."""

    def place(client=None, **overrides) -> str:
        body = {**REMINDER, **overrides}
        with django_capture_on_commit_callbacks(execute=True):
            response = (client or api_client).post("/v1/agent-call", body, format="json")
        assert response.status_code == 200, response.content
        connection.set_schema_to_public()
        return response.json()["call_sid"]

    return place


@pytest.fixture
def take_call(django_capture_on_commit_callbacks, clock):
    """``take_call(call_sid, clinic, turns, answer=, mode=)``: answer a ringing simulated call and play
    the patient; returns the :class:`LocalPatient` (agent lines, user lines, timings). The frozen clock
    moves ``seconds_per_turn`` before each patient turn (call duration)."""
    from calls.local_client import LocalPatient

    def take(call_sid: str, clinic, turns=(), *, answer: str = "human", mode: str = "text",
             want_agent_audio: bool = False, hang_up_after: bool = True, seconds_per_turn: float = 0) -> LocalPatient:
        patient = LocalPatient(call_sid=call_sid, schema_name=clinic.schema_name, mode=mode,
                               want_agent_audio=want_agent_audio)

        async def play():
            status = await patient.answer(answer)
            if status != "in-progress":
                return
            await patient.next_line(timeout=120)
            for turn in turns:
                if patient.hung_up.is_set():
                    break
                clock.advance(seconds=seconds_per_turn)
                if isinstance(turn, str):
                    await patient.say(turn)
                else:
                    await patient.speak(turn)
                await patient.next_line(timeout=120)
            if hang_up_after and not patient.hung_up.is_set():
                try:  # the agent hangs up itself after its goodbye (once its audio is sent)
                    await asyncio.wait_for(patient.hung_up.wait(), 1.0)
                except asyncio.TimeoutError:
                    await patient.hang_up()
            await patient.session.wait(timeout=120)

        with django_capture_on_commit_callbacks(execute=True):
            run(play)
        connection.set_schema_to_public()
        return patient

    return take


def get_call(client, call_sid: str) -> dict:
    response = client.get(f"/v1/agent-call/{call_sid}")
    assert response.status_code == 200, response.content
    connection.set_schema_to_public()
    return response.json()
