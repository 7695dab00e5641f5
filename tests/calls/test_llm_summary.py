"""The call summary written by the LLM that conducted the call, through a real OpenAI-compatible HTTP
server on 127.0.0.1 (tests/http_server.py): used when valid, refused when it invents a number or has the
wrong shape, deterministic when the model is down or the call was scripted."""

from __future__ import annotations

import json

import pytest

from tests.calls.conftest import get_call
from tests.http_server import LocalHttpServer

pytestmark = pytest.mark.django_db

LLM_SUMMARY = "La paciente confirmó que asistirá a su cita con Dr. Garcia el 20 de mayo a las 09:30."


def completion(content: str) -> bytes:
    return json.dumps({"id": "c1", "object": "chat.completion", "created": 1, "model": "gpt-local",
                       "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": content}}]}).encode()


def openai_server(summary_reply):
    """A chat-completions server: dialogue turns confirm the appointment; the summary request gets
    ``summary_reply`` (a JSON string, or an int HTTP status for an error)."""
    asked = {"summary": 0, "turns": 0}

    def handler(method, path, headers, body):
        request = json.loads(body)
        system = request["messages"][0]["content"]
        if system.startswith("You write the record of a finished phone call"):
            asked["summary"] += 1
            asked["summary_request"] = request
            if isinstance(summary_reply, int):
                return summary_reply, {"Content-Type": "application/json"}, b'{"error": {"message": "down"}}'
            return 200, {"Content-Type": "application/json"}, completion(summary_reply)
        asked["turns"] += 1
        reply = {"say": "Le recuerdo su cita del 20 de mayo a las 09:30. ¿Podrá venir?", "end_call": False,
                 "result": None}
        if asked["turns"] > 1:
            reply = {"say": "Perfecto, queda confirmada su cita. Adiós.", "end_call": True, "result": "confirmed"}
        return 200, {"Content-Type": "application/json"}, completion(json.dumps(reply))

    server = LocalHttpServer(handler)
    return server, asked


def llm_call(settings, api_client, clinic, place_call, take_call, summary_reply):
    server, asked = openai_server(summary_reply)
    settings.OPENAI_API_KEY = "sk-local"
    settings.OPENAI_BASE_URL = server.url + "/v1"
    settings.OPENAI_MODEL = "gpt-local"
    try:
        call_sid = place_call(language="es")
        take_call(call_sid, clinic, ["Sí, soy yo", "Sí, allí estaré"])
    finally:
        server.close()
    return get_call(api_client, call_sid), asked


def test_the_model_that_conducted_the_call_writes_its_summary(settings, api_client, clinic, place_call, take_call):
    call, asked = llm_call(settings, api_client, clinic, place_call, take_call,
                           json.dumps({"summary": LLM_SUMMARY}))
    assert asked["turns"] == 2 and asked["summary"] == 1
    transcript_sent = asked["summary_request"]["messages"][1]["content"]
    assert "user: Sí, allí estaré" in transcript_sent
    assert '"confirmed"' in asked["summary_request"]["messages"][0]["content"]
    assert call["summary"] == LLM_SUMMARY
    assert call["outcome"]["result"] == "confirmed"  # the structured outcome stays the rules' own


@pytest.mark.parametrize("reply", [
    json.dumps({"summary": "La paciente confirmó su cita del 20 de mayo y tomará 500 mg de amoxicilina."}),
    json.dumps({"summary": ""}),
    "not json",
    500,
])
def test_invented_numbers_bad_shapes_and_errors_keep_the_deterministic_summary(
        settings, api_client, clinic, place_call, take_call, reply):
    call, asked = llm_call(settings, api_client, clinic, place_call, take_call, reply)
    assert asked["summary"] >= 1
    assert call["summary"] != LLM_SUMMARY and "500 mg" not in call["summary"]
    assert call["summary"].startswith("Maria Lopez")  # the rules' summary names the patient first
    assert call["outcome"]["result"] == "confirmed"


def test_a_scripted_call_never_asks_a_model(settings, api_client, clinic, place_call, take_call):
    settings.OPENAI_API_KEY = ""
    call_sid = place_call(language="es")
    take_call(call_sid, clinic, ["Sí, soy yo", "Sí, allí estaré"])
    call = get_call(api_client, call_sid)
    assert call["outcome"]["result"] == "confirmed" and call["summary"].startswith("Maria Lopez")
