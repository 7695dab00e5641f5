"""Twilio: outbound calls through the SDK (its HTTP boundary recorded), signed status callbacks
(repeated, out of order, from an earlier attempt), answering-machine detection, the answer TwiML and
the Media Stream WebSocket (8 kHz μ-law both ways) running the agent loop."""

from __future__ import annotations

import asyncio
import base64

import numpy as np
import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.db import connection
from twilio.request_validator import RequestValidator

from booking.models import CallbackDelivery
from calls.audio import resample, ulaw_decode, ulaw_encode
from tests.calls.conftest import get_call

pytestmark = pytest.mark.django_db

ACCOUNT = "AC" + "a" * 32
TOKEN = "twilio-auth-token"
BASE = "https://api.medsync.example"
TWILIO_SID = "CA" + "f" * 32


@pytest.fixture
def twilio_clinic(api_client, settings, twilio_http):
    settings.PUBLIC_BASE_URL = BASE
    settings.CALLS_PROVIDER = "auto"
    response = api_client.patch("/v1/agent-call/settings", {
        "twilio_account_sid": ACCOUNT, "twilio_auth_token": TOKEN, "from_number": "+14155238886"}, format="json")
    assert response.status_code == 200
    connection.set_schema_to_public()
    return twilio_http


def twilio_post(client, path: str, params: dict, *, token: str = TOKEN):
    signature = RequestValidator(token).compute_signature(BASE + path, params)
    response = client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
    connection.set_schema_to_public()
    return response


def status_path(call_sid: str, client_id: str = "clinic-a") -> str:
    return f"/v1/agent-call/twilio/status/{client_id}/{call_sid}"


def answer_path(call_sid: str, client_id: str = "clinic-a") -> str:
    return f"/v1/agent-call/twilio/answer/{client_id}/{call_sid}"


def test_the_call_is_placed_with_status_callbacks_and_machine_detection(api_client, place_call, twilio_clinic):
    call_sid = place_call()
    (request,) = twilio_clinic.requests
    assert request["method"] == "POST"
    assert request["url"] == f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
    assert request["auth"] == (ACCOUNT, TOKEN)
    data = request["data"]
    assert (data["To"], data["From"]) == ("+34612345678", "+14155238886")
    assert data["Url"] == BASE + answer_path(call_sid) and data["StatusCallback"] == BASE + status_path(call_sid)
    assert data["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    assert (data["MachineDetection"], data["Timeout"]) == ("DetectMessageEnd", 30)
    call = get_call(api_client, call_sid)
    assert call["status"] == "initiated" and call["attempts"] == 1


def test_calls_made_with_a_test_key_ring_on_the_simulator(clinic, api_client, place_call, twilio_clinic):
    from rest_framework.test import APIClient

    from clinics.services import api_key_create

    test_client = APIClient()
    test_client.credentials(HTTP_X_API_KEY=api_key_create(clinic=clinic, name="test-integration")[1])
    call = get_call(api_client, place_call(client=test_client))
    assert call["status"] == "ringing" and twilio_clinic.requests == []
    connection.set_tenant(clinic)
    from calls.models import AgentCall

    assert AgentCall.objects.get(call_sid=call["call_sid"]).provider == "simulator"


@pytest.mark.parametrize("twilio_status, expected, waiting", [(400, "failed", ""), (503, "initiated", "retry")])
def test_twilio_refusals_fail_or_retry(api_client, place_call, twilio_clinic, twilio_status, expected, waiting):
    twilio_clinic.statuses = [twilio_status]
    call = get_call(api_client, place_call())
    assert (call["status"], call["waiting_reason"]) == (expected, waiting)
    if expected == "failed":
        assert call["outcome"]["result"] == "failed"


def test_status_callbacks_are_signed_idempotent_and_ordered(api_client, anon_client, place_call, twilio_clinic,
                                                            clinic, clinic_server, django_capture_on_commit_callbacks):
    call_sid = place_call(callback_url=clinic_server.callback_url)
    base = {"CallSid": TWILIO_SID, "AccountSid": ACCOUNT}
    assert twilio_post(anon_client, status_path(call_sid), {**base, "CallStatus": "ringing"}, token="wrong") \
        .status_code == 403
    assert twilio_post(anon_client, status_path(call_sid, "no-such-clinic"), {**base, "CallStatus": "ringing"}) \
        .status_code == 404
    assert twilio_post(anon_client, status_path(call_sid, "clinic-b"), {**base, "CallStatus": "ringing"}) \
        .status_code == 404  # the sid is clinic A's
    assert twilio_post(anon_client, status_path(call_sid), {**base, "CallStatus": "ringing"}).status_code == 204
    assert get_call(api_client, call_sid)["status"] == "ringing"
    # answering machine: the answer webhook speaks the voicemail with Twilio's voice and hangs up
    response = twilio_post(anon_client, answer_path(call_sid), {**base, "CallStatus": "in-progress",
                                                                "AnsweredBy": "machine_end_beep"})
    twiml = response.content.decode()
    assert response.status_code == 200 and "<Say language=\"en-US\">Hello, this is a message from Dental Plus " \
                                              "for Maria." in twiml and "<Hangup" in twiml
    assert get_call(api_client, call_sid)["status"] == "in-progress"
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):  # repeated
            completed = {**base, "CallStatus": "completed", "CallDuration": "17", "AnsweredBy": "machine_end_beep"}
            assert twilio_post(anon_client, status_path(call_sid), completed).status_code == 204
        # late and out of order
        assert twilio_post(anon_client, status_path(call_sid), {**base, "CallStatus": "ringing"}).status_code == 204
    call = get_call(api_client, call_sid)
    assert (call["status"], call["duration_seconds"], call["outcome"]["result"]) == ("completed", 17, "voicemail")
    assert call["transcript"][0]["message"].startswith("Hello, this is a message from Dental Plus")
    connection.set_tenant(clinic)
    assert CallbackDelivery.objects.count() == 1 and len(clinic_server.received()) == 1


def test_no_answer_reports_are_retried_once_and_old_attempts_are_ignored(api_client, anon_client, place_call,
                                                                         twilio_clinic, clinic, clock):
    from calls.services import calls_dispatch_due

    call_sid = place_call()
    first = {"CallSid": TWILIO_SID, "AccountSid": ACCOUNT, "CallStatus": "no-answer"}
    for _ in range(2):
        assert twilio_post(anon_client, status_path(call_sid), first).status_code == 204
    call = get_call(api_client, call_sid)
    assert (call["status"], call["waiting_reason"], call["attempts"]) == ("initiated", "retry", 1)
    twilio_clinic.body = {"sid": "CA" + "e" * 32, "status": "queued"}
    clock.advance(minutes=31)
    calls_dispatch_due(inline=True, schema_names=[clinic.schema_name])
    assert get_call(api_client, call_sid)["attempts"] == 2
    # a late report about the first attempt changes nothing
    assert twilio_post(anon_client, status_path(call_sid), {**first, "CallStatus": "busy"}).status_code == 204
    assert twilio_post(anon_client, status_path(call_sid), {**first, "CallSid": "CA" + "e" * 32,
                                                            "CallStatus": "ringing"}).status_code == 204
    call = get_call(api_client, call_sid)
    assert (call["status"], call["attempts"]) == ("ringing", 2)


def test_a_human_answer_connects_a_media_stream_with_a_call_token(anon_client, place_call, twilio_clinic, clinic):
    from calls.tokens import media_stream_token

    call_sid = place_call()
    response = twilio_post(anon_client, answer_path(call_sid), {"CallSid": TWILIO_SID, "AccountSid": ACCOUNT,
                                                                "CallStatus": "in-progress", "AnsweredBy": "human"})
    twiml = response.content.decode()
    assert '<Connect><Stream url="wss://api.medsync.example/ws/calls/twilio/clinic-a">' in twiml
    connection.set_tenant(clinic)
    assert f'<Parameter name="call_sid" value="{call_sid}"' in twiml
    assert f'<Parameter name="token" value="{media_stream_token(call_sid=call_sid)}"' in twiml


def _mulaw_frames(samples16k: np.ndarray) -> list[str]:
    data = ulaw_encode(resample(samples16k, 16000, 8000))
    return [base64.b64encode(data[i:i + 160]).decode() for i in range(0, len(data), 160)]  # 20 ms frames


SILENT_FRAME = base64.b64encode(ulaw_encode(np.zeros(160, dtype=np.int16))).decode()


def test_media_stream_runs_the_agent_in_mulaw(api_client, anon_client, place_call, twilio_clinic, clinic,
                                             django_capture_on_commit_callbacks, espeak):
    from calls.tokens import media_stream_token
    from calls.tts import synthesise_sync
    from medsync.asgi import application

    call_sid = place_call()
    twilio_post(anon_client, answer_path(call_sid), {"CallSid": TWILIO_SID, "AccountSid": ACCOUNT,
                                                     "CallStatus": "in-progress", "AnsweredBy": "human"})
    connection.set_tenant(clinic)
    token = media_stream_token(call_sid=call_sid)
    connection.set_schema_to_public()
    answer = _mulaw_frames(synthesise_sync("Yes, speaking.", voice="en-us"))

    async def stream(token_value: str):
        ws = WebsocketCommunicator(application, "/ws/calls/twilio/clinic-a")
        connected, _ = await ws.connect()
        assert connected
        await ws.send_json_to({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        await ws.send_json_to({"event": "start", "start": {"streamSid": "MZ1", "callSid": TWILIO_SID,
                                                           "customParameters": {"call_sid": call_sid,
                                                                                "token": token_value}}})
        if token_value != token:
            assert (await ws.receive_output(timeout=10))["type"] == "websocket.close"
            return None, None
        greeting = bytearray()
        message = await ws.receive_json_from(timeout=60)
        while True:  # the greeting's sentences come back to back; then the agent waits for the patient
            assert message["event"] == "media" and message["streamSid"] == "MZ1"
            greeting += base64.b64decode(message["media"]["payload"])
            if await ws.receive_nothing(timeout=1.5):
                break
            message = await ws.receive_json_from(timeout=10)

        async def phone_line():  # the patient's side: the answer, then line silence, 20 ms a frame
            for payload in answer + [SILENT_FRAME] * 1500:
                await ws.send_json_to({"event": "media", "media": {"payload": payload}})
                await asyncio.sleep(0.02)

        line = asyncio.create_task(phone_line())
        events = []
        while not events or events[-1]["event"] != "media":
            # the greeting still plays at the far end when the patient answers: barge-in clears it first
            events.append(await ws.receive_json_from(timeout=60))
        line.cancel()
        await ws.send_json_to({"event": "stop", "stop": {"callSid": TWILIO_SID}})
        while (await ws.receive_output(timeout=30))["type"] != "websocket.close":
            pass
        await ws.disconnect()
        return bytes(greeting), events

    assert async_to_sync(stream)("forged") == (None, None)
    with django_capture_on_commit_callbacks(execute=True):
        greeting, events = async_to_sync(stream)(token)
    connection.set_schema_to_public()
    samples = ulaw_decode(greeting)
    assert samples.size > 16000 and np.abs(samples).max() > 1000  # seconds of real speech at 8 kHz
    assert [e["event"] for e in events] in (["media"], ["clear", "media"])
    assert len(base64.b64decode(events[-1]["media"]["payload"])) > 800
    call = get_call(api_client, call_sid)
    assert call["status"] == "completed"
    roles = [t["role"] for t in call["transcript"]]
    # The patient said "Yes, speaking" over an 8 kHz phone line: the recogniser must at least hear the yes.
    assert roles[:3] == ["agent", "user", "agent"] and call["transcript"][1]["message"].lower().startswith("yes")
    assert call["transcript"][2]["message"].startswith("I'm calling to remind you")
