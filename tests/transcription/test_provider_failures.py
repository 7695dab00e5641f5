"""Cloud providers through POST /v1/transcribe, against real local HTTP servers.

A local server stands in for Deepgram or an OpenAI-compatible LLM server (both are reached by
base URL, as a self-hosted deployment would), so the real SDKs, adapters, fallback logic and
error answers all run.
"""

from __future__ import annotations

import json

import pytest
from django_tenants.utils import schema_context

from tests.http_server import LocalHttpServer
from tests.transcription.test_deepgram_adapter import RESPONSE as DEEPGRAM_RESPONSE
from tests.transcription.test_transcribe_api import fixture_upload

pytestmark = pytest.mark.django_db

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def server_factory():
    servers: list[LocalHttpServer] = []

    def make(handler) -> LocalHttpServer:
        server = LocalHttpServer(handler)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


def configure(clinic, **fields) -> None:
    for name, value in fields.items():
        setattr(clinic, name, value)
    clinic.save()


def recordings(clinic):
    from transcription.models import Recording

    with schema_context(clinic.schema_name):
        return list(Recording.objects.all())


def test_deepgram_is_used_when_configured(api_client, clinic, settings, server_factory):
    server = server_factory(lambda *_: (200, JSON, json.dumps(DEEPGRAM_RESPONSE).encode()))
    settings.DEEPGRAM_BASE_URL = server.url
    configure(clinic, speech_provider="deepgram", deepgram_api_key="dg-clinic-key")
    response = api_client.post("/v1/transcribe", {"audio": fixture_upload("visit_D2N041_4turns.wav")}, format="multipart")
    assert response.status_code == 200, response.content
    method, path, headers, _ = server.requests[0]
    assert method == "POST" and path.startswith("/v1/listen") and "diarize=true" in path
    assert headers["authorization"] == "Token dg-clinic-key"
    expected = [u["transcript"] for u in DEEPGRAM_RESPONSE["results"]["utterances"]]
    assert [s["text"] for s in response.json()["transcript"]] == expected
    assert recordings(clinic)[0].speech_engine.startswith("deepgram")


@pytest.mark.slow
def test_deepgram_down_without_fallback_is_500_and_recording_kept(api_client, clinic, settings, server_factory):
    server = server_factory(lambda *_: (503, JSON, b'{"err_msg": "unavailable"}'))
    settings.DEEPGRAM_BASE_URL = server.url
    configure(clinic, speech_provider="deepgram", deepgram_api_key="dg-key", allow_offline_fallback=False)
    response = api_client.post("/v1/transcribe", {"audio": fixture_upload("visit_D2N041_4turns.wav")}, format="multipart")
    assert response.status_code == 500
    body = response.json()
    assert body["error"].startswith("Transcription failed") and "503" in body["error"]
    assert len(server.requests) >= 2, "a transient failure is retried"
    [recording] = recordings(clinic)
    assert recording.status == "failed" and "503" in recording.failure_reason
    assert str(recording.uuid) == body["recording_id"]
    assert recording.audio.storage.exists(recording.audio.name), "the upload survives the failure"


@pytest.mark.slow
def test_deepgram_down_falls_back_to_local_engine(api_client, clinic, settings, server_factory):
    server = server_factory(lambda *_: (503, JSON, b"{}"))
    settings.DEEPGRAM_BASE_URL = server.url
    configure(clinic, speech_provider="deepgram", deepgram_api_key="dg-key", allow_offline_fallback=True)
    response = api_client.post("/v1/transcribe", {"audio": fixture_upload("visit_D2N041_4turns.wav")}, format="multipart")
    assert response.status_code == 200, response.content
    assert {s["speaker"] for s in response.json()["transcript"]} == {0, 1}
    assert recordings(clinic)[0].speech_engine.startswith("local")


@pytest.mark.slow
def test_llm_down_without_fallback_is_500_with_transcript_kept(api_client, clinic, settings, server_factory):
    server = server_factory(lambda *_: (500, JSON, b'{"error": {"message": "boom"}}'))
    settings.OPENAI_BASE_URL = server.url + "/v1"
    configure(clinic, note_engine="openai", openai_api_key="sk-clinic", allow_offline_fallback=False)
    response = api_client.post("/v1/transcribe", {"audio": fixture_upload("visit_D2N041_4turns.wav")}, format="multipart")
    assert response.status_code == 500
    assert response.json()["error"].startswith("Clinical note generation failed")
    assert server.requests and server.requests[0][1] == "/v1/chat/completions"
    [recording] = recordings(clinic)
    assert recording.status == "failed" and "note" in recording.failure_reason.lower()
    with schema_context(clinic.schema_name):
        assert recording.transcript.segments.exists(), "the transcript is kept when the note fails"


@pytest.mark.slow
def test_llm_writes_the_note_when_configured(api_client, clinic, settings, server_factory):
    def handler(method, path, headers, body):
        request = json.loads(body)
        # The adapter's structured output: {"sections": {key: text}, "provenance": [...]} (notes/engines/openai_llm.py)
        sections = request["response_format"]["json_schema"]["schema"]["properties"]["sections"]["properties"]
        content = {"sections": {key: f"LLM text for {key}" for key in sections}, "provenance": []}
        completion = {
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": request["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": json.dumps(content)}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
        return 200, JSON, json.dumps(completion).encode()

    server = server_factory(handler)
    settings.OPENAI_BASE_URL = server.url + "/v1"
    configure(clinic, note_engine="openai", openai_api_key="sk-clinic")
    response = api_client.post("/v1/transcribe", {"audio": fixture_upload("visit_D2N041_4turns.wav")}, format="multipart")
    assert response.status_code == 200, response.content
    note = response.json()["clinical_note"]
    assert "LLM text for chief_complaint" in note and note.startswith("## ")
    sent = json.loads(server.requests[0][3])
    assert sent["model"] == settings.OPENAI_MODEL
    assert server.requests[0][2]["authorization"] == "Bearer sk-clinic"
    assert any("Patient:" in m["content"] or "Clinician:" in m["content"] for m in sent["messages"])
