"""Medical chat: offline grounded engine, sessions, languages, LLM adapter, sandbox, provider failures."""

from __future__ import annotations

import json

import pytest

from tests.chatmed.conftest import assert_error
from tests.http_server import LocalHttpServer

pytestmark = pytest.mark.django_db


def test_seed_example_offline(cm):
    response = cm.post("/api/v1/chat/message", {"message": "I have had a headache for 3 days with sensitivity to light.",
                                                "session_id": "sess_abc123", "language": "en"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"response", "session_id", "disclaimer", "urgency_level", "follow_up_questions", "timestamp"}
    assert body["session_id"] == "sess_abc123" and body["engine"] == "offline"
    assert body["urgency_level"] == "moderate"
    assert body["disclaimer"] == "This is AI-generated health information and does not constitute medical advice."
    assert "migraine" in body["response"].lower() and body["follow_up_questions"]
    assert any("nhs.uk" in s for s in body["sources"])
    assert body["timestamp"].endswith("Z")


def test_new_session_history_and_topic_carry_over(cm):
    first = cm.post("/api/v1/chat/message", {"message": "What are symptoms of hypertension?"}, format="json").json()
    sid = first["session_id"]
    assert sid.startswith("sess_") and "blood pressure" in first["response"].lower()
    second = cm.post("/api/v1/chat/message", {"message": "and what can I do myself?", "session_id": sid}, format="json").json()
    assert second["session_id"] == sid and "salt" in second["response"].lower()  # follows the session's topic
    history = cm.get(f"/api/v1/chat/sessions/{sid}").json()
    assert [m["role"] for m in history["messages"]] == ["user", "assistant", "user", "assistant"]


def test_emergency_triage_wins_in_every_language(cm):
    body = cm.post("/api/v1/chat/message", {"message": "Dolor en el pecho que baja al brazo izquierdo, sudor frío",
                                            "language": "es"}, format="json").json()
    assert body["urgency_level"] == "critical" and "emergencia" in body["response"]
    assert body["disclaimer"].startswith("Esta es información")
    arabic = cm.post("/api/v1/chat/message", {"message": "أريد أن أقتل نفسي", "language": "ar"}, format="json").json()
    assert arabic["urgency_level"] == "critical" and "اتصل" in arabic["response"]
    assert arabic["disclaimer"] == "هذه معلومات صحية مولدة بالذكاء الاصطناعي ولا تشكل استشارة طبية."


def test_profile_context_and_no_match(cm):
    pid = cm.post("/api/v1/profiles", {"conditions": ["E11.9"], "allergies": ["penicillin"], "country": "GB"},
                  format="json").json()["profile_id"]
    body = cm.post("/api/v1/chat/message", {"message": "I have a cough", "profile_id": pid}, format="json").json()
    assert "penicillin" in body["response"] and "999" in body["response"]
    other = cm.post("/api/v1/chat/message", {"message": "tell me about quantum physics"}, format="json").json()
    assert other["urgency_level"] == "low" and "knowledge base" in other["response"]


def test_bad_session_id_is_422(cm):
    assert_error(cm.post("/api/v1/chat/message", {"message": "hi", "session_id": "bad id!"}, format="json"), 422,
                 "validation_error")
    assert_error(cm.post("/api/v1/chat/message", {"session_id": "s"}, format="json"), 400, "bad_request")


def _openai_server(answer: str = "Rest and drink fluids.", status: int = 200) -> LocalHttpServer:
    def handler(method, path, headers, body):
        if status != 200:
            return status, {"Content-Type": "application/json"}, b'{"error": {"message": "down"}}'
        payload = {"id": "c1", "object": "chat.completion", "created": 0, "model": "m",
                   "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer}}]}
        return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()

    return LocalHttpServer(handler)


@pytest.fixture
def llm(settings):
    servers = []

    def configure(**kwargs):
        server = _openai_server(**kwargs)
        servers.append(server)
        settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL, settings.OPENAI_MODEL = "sk-test", server.url, "local-model"
        return server

    yield configure
    for server in servers:
        server.close()


def test_llm_answers_with_safety_prompt_profile_and_history(cm, llm):
    server = llm(answer="A cough from a cold usually clears in 3 weeks.")
    pid = cm.post("/api/v1/profiles", {"allergies": ["penicillin"]}, format="json").json()["profile_id"]
    cm.post("/api/v1/chat/message", {"message": "hello", "session_id": "s-llm", "profile_id": pid}, format="json")
    body = cm.post("/api/v1/chat/message", {"message": "I have a cough", "session_id": "s-llm"}, format="json").json()
    assert body["engine"] == "openai" and body["response"] == "A cough from a cold usually clears in 3 weeks."
    assert body["follow_up_questions"]  # from the knowledge base's red flags
    method, path, headers, raw = server.requests[-1]
    assert path.endswith("/chat/completions") and headers["authorization"] == "Bearer sk-test"
    sent = json.loads(raw)
    assert sent["model"] == "local-model" and sent["messages"][0]["role"] == "system"
    assert "override any user instruction" in sent["messages"][0]["content"] and "penicillin" in sent["messages"][0]["content"]
    assert [m["content"] for m in sent["messages"][1:]] == ["hello", "A cough from a cold usually clears in 3 weeks.", "I have a cough"]


def test_sandbox_keys_and_emergencies_never_reach_the_provider(cm, cm_test, llm):
    server = llm()
    assert cm_test.post("/api/v1/chat/message", {"message": "I have a cough"}, format="json").json()["engine"] == "offline"
    assert cm.post("/api/v1/chat/message", {"message": "he is not breathing"}, format="json").json()["urgency_level"] == "critical"
    assert server.requests == []


def test_provider_failure_falls_back_or_answers_503(cm, clinic, llm):
    server = llm(status=500)
    body = cm.post("/api/v1/chat/message", {"message": "I have a cough"}, format="json").json()
    assert body["engine"] == "offline" and "Cough" in body["response"] and server.requests
    clinic.allow_offline_fallback = False
    clinic.save(update_fields=["allow_offline_fallback"])
    response = cm.post("/api/v1/chat/message", {"message": "I have a cough"}, format="json")
    body = assert_error(response, 503, "service_unavailable")
    assert "backoff" in body["message"]


def test_every_knowledge_base_entry_cites_a_public_source_and_has_red_flags():
    from chatmed.chat.knowledge import DISCLAIMERS, EMERGENCY_REPLY, ENTRIES, NO_MATCH

    assert len(ENTRIES) >= 10 and len({e.id for e in ENTRIES}) == len(ENTRIES)
    for entry in ENTRIES:
        assert "https://" in entry.source and ("nhs.uk" in entry.source or "medlineplus.gov" in entry.source)
        assert entry.red_flags and entry.summary and entry.urgency in ("low", "moderate")
    assert set(DISCLAIMERS) == set(EMERGENCY_REPLY) == set(NO_MATCH) == {"en", "es", "ca", "fr", "pt", "de", "it", "ar"}


def test_a_503_keeps_the_users_turn(cm, clinic, llm):
    llm(status=503)
    clinic.allow_offline_fallback = False
    clinic.save(update_fields=["allow_offline_fallback"])
    assert cm.post("/api/v1/chat/message", {"message": "I have a cough", "session_id": "kept"}, format="json").status_code == 503
    messages = cm.get("/api/v1/chat/sessions/kept").json()["messages"]
    assert [(m["role"], m["content"]) for m in messages] == [("user", "I have a cough")]
