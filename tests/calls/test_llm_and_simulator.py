"""The LLM dialogue policy at its HTTP boundary (guard rails, fallback to the script), the browser
simulator (page, WebSocket leg, token checks) and ``manage.py agent_call_sim``."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core.management import call_command
from django.db import connection

from calls.dialogue.facts import build_facts
from calls.dialogue.llm import LlmPolicy
from tests.calls.conftest import REMINDER, get_call

try:  # the OpenAI SDK's own HTTP library (httpx2 in recent SDKs, httpx before)
    import httpx2 as sdk_httpx
except ImportError:  # pragma: no cover
    import httpx as sdk_httpx

pytestmark = pytest.mark.django_db


def completion(content: str) -> dict:
    return {"id": "c1", "object": "chat.completion", "created": 1, "model": "gpt-test",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}]}


def llm_policy(handler, purpose="custom", context=None) -> LlmPolicy:
    facts = build_facts(purpose=purpose, language="es", patient_name="Carlos Ruiz",
                        context=context or {"prompt": "Tell the patient their lab results are ready for pickup."})
    return LlmPolicy(facts, api_key="sk-test", model="gpt-test", base_url="http://llm.test/v1",
                     http_client=sdk_httpx.Client(transport=sdk_httpx.MockTransport(handler)))


def test_llm_speaks_only_after_the_scripted_identity_check_and_inside_the_rules():
    seen = []

    def handler(request):
        seen.append(json.loads(request.content))
        reply = {"say": "Sus resultados están listos. ¿Tiene alguna pregunta?", "end_call": False, "result": None}
        if len(seen) == 2:
            reply = {"say": "Anotado, la clínica le llamará. Adiós.", "end_call": True, "result": "question",
                     "question": "¿Están bien mis análisis?"}
        return sdk_httpx.Response(200, json=completion(json.dumps(reply)))

    policy, state = llm_policy(handler), {}
    assert policy.opening(state).text == "Hola, soy el asistente virtual de la clínica. ¿Hablo con Carlos?"
    assert policy.respond(state, "No, se ha equivocado").end_call and seen == []  # wrong person: no LLM at all
    state = {}
    policy.opening(state)
    assert policy.respond(state, "Sí, soy yo").text == "Sus resultados están listos. ¿Tiene alguna pregunta?"
    system = seen[0]["messages"][0]["content"]
    assert "Never give medical advice" in system and "anyone other than this patient" in system
    assert "lab results are ready for pickup" in system and seen[0]["response_format"] == {"type": "json_object"}
    turn = policy.respond(state, "¿Están bien mis análisis?")
    assert turn.end_call and state["result"] == "question" and state["question"] == "¿Están bien mis análisis?"


@pytest.mark.parametrize("answer", [
    sdk_httpx.Response(200, json=completion("not json")),
    sdk_httpx.Response(200, json=completion(json.dumps({"say": "x" * 1000, "end_call": False}))),
    sdk_httpx.Response(200, json=completion(json.dumps({"say": "Vale", "result": "diagnosed"}))),
    sdk_httpx.Response(503, json={"error": {"message": "overloaded"}}),
])
def test_invalid_llm_answers_and_errors_fall_back_to_the_script(answer):
    policy, state = llm_policy(lambda request: answer, purpose="appointment_reminder",
                               context=REMINDER["context"]), {}
    policy.opening(state)
    intro = policy.respond(state, "Sí, soy yo")  # the LLM fails: the script's purpose line is said
    assert intro.text.startswith("Le llamo para recordarle su cita del 20 de mayo")
    assert policy.respond(state, "Sí, allí estaré").end_call and state["result"] == "confirmed"
    assert state["llm_fallbacks"] == 2


def test_the_simulator_page_and_socket_need_the_calls_own_token(client, clinic, other_clinic, place_call,
                                                               django_capture_on_commit_callbacks):
    from calls.tokens import simulator_token
    from medsync.asgi import application

    call_sid = place_call()
    connection.set_tenant(clinic)
    token = simulator_token(call_sid=call_sid)
    connection.set_tenant(other_clinic)
    foreign = simulator_token(call_sid=call_sid)  # signed for clinic B, where this call does not exist
    connection.set_schema_to_public()
    page = client.get(f"/calls/simulator/{call_sid}/?token={token}")
    assert page.status_code == 200 and f"/ws/calls/simulator/{call_sid}" in page.content.decode()
    assert client.get(f"/calls/simulator/{call_sid}/?token=forged").status_code == 403
    assert client.get(f"/calls/simulator/CA{'0' * 32}/?token={token}").status_code == 403

    async def session(token_value: str, lines: list[str]):
        ws = WebsocketCommunicator(application, f"/ws/calls/simulator/{call_sid}?token={token_value}")
        connected, code = await ws.connect()
        if not connected:
            return code, []
        await ws.send_json_to({"type": "answer", "answer": "human", "mode": "text"})
        received = []
        for line in lines + [None]:
            while True:
                message = await ws.receive_json_from(timeout=30)
                received.append(message)
                if message["type"] in ("agent", "ended", "error"):
                    break
            if message["type"] != "agent" or line is None:
                break
            if message["type"] == "agent" and line:
                await ws.send_json_to({"type": "text", "text": line})
        if received[-1]["type"] == "agent":  # the goodbye: the call's result follows
            received.append(await ws.receive_json_from(timeout=30))
        await ws.disconnect()
        return None, received

    assert async_to_sync(session)("forged", [])[0] == 4403
    code, received = async_to_sync(session)(foreign, [])
    assert received and received[-1]["type"] == "error"  # the call is not clinic B's
    with django_capture_on_commit_callbacks(execute=True):
        _, received = async_to_sync(session)(token, ["Yes, it's me", "I need to cancel"])
    connection.set_schema_to_public()
    kinds = [m["type"] for m in received]
    assert kinds == ["agent", "user", "agent", "user", "agent", "ended"]
    assert received[-1]["outcome"] == "cancelled" and received[-1]["status"] == "completed"


def test_agent_call_sim_command_plays_the_patient(api_client, clinic, place_call, capsys,
                                                  django_capture_on_commit_callbacks):
    call_sid = place_call(purpose="follow_up", context={"procedure": "implant", "visit_date": "2026-05-15"})
    with django_capture_on_commit_callbacks(execute=True):
        call_command("agent_call_sim", call_sid, "--clinic", "clinic-a", "--say", "Yes, speaking",
                     "--say", "It hurts and it is swollen")
    out = capsys.readouterr().out
    assert "agent: Hello, this is the virtual assistant of Clinic A. Am I speaking with Maria?" in out
    assert "implant" in out and '"outcome": "question"' in out
    connection.set_schema_to_public()
    assert get_call(api_client, call_sid)["outcome"]["detail"]["symptoms"] == "It hurts and it is swollen"
    call_command("agent_call_sim", call_sid, "--url")
    assert f"/calls/simulator/{call_sid}/?token=" in capsys.readouterr().out


def test_clinic_staff_see_their_calls_and_the_simulator_link_in_the_admin(clinic, other_clinic, place_call, take_call):
    from django.contrib.auth.models import User
    from django.test import Client

    from clinics.models import StaffMembership

    ringing = place_call()
    done = place_call(patient_phone="+34699111222")
    take_call(done, clinic, ["Yes, speaking", "Yes, I'll be there"])
    user = User.objects.create_user("reception", "r@example.org", "pw-reception-123", is_staff=True)
    StaffMembership.objects.create(user=user, clinic=clinic)
    staff = Client(HTTP_HOST="clinic-a.localhost")
    staff.force_login(user)
    listing = staff.get("/admin/calls/agentcall/").content.decode()
    assert ringing in listing and done in listing
    connection.set_tenant(clinic)
    from calls.models import AgentCall

    ringing_pk, done_pk = (AgentCall.objects.get(call_sid=sid).pk for sid in (ringing, done))
    connection.set_schema_to_public()
    page = staff.get(f"/admin/calls/agentcall/{ringing_pk}/change/").content.decode()
    assert f"/calls/simulator/{ringing}/?token=" in page
    page = staff.get(f"/admin/calls/agentcall/{done_pk}/change/").content.decode()
    assert "your appointment is confirmed" in page and "Take this call" not in page
    other_host = Client(HTTP_HOST="clinic-b.localhost")
    other_host.force_login(user)
    # Another clinic's staff are sent to sign in (the admin site refuses them at this host).
    assert other_host.get("/admin/calls/agentcall/")["Location"].startswith("/admin/login/")
