"""OpenAI note engine, with only the HTTP boundary mocked.

The real ``openai`` SDK runs against ``httpx.MockTransport``, so request
building, response parsing and error classes are the SDK's own.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import httpx
import pytest

from notes.engines.base import NoteEngineError, Turn
from notes.engines.openai_llm import OpenAINoteEngine
from templates.builtin import get_builtin_template

BASE_URL = "http://openai.test/v1"
TURNS = [
    Turn(0, "What brings you in today?"),
    Turn(1, "I've had a headache for two weeks."),
    Turn(2, "She also wakes up at night with it."),
]


def _completion(content: str, finish_reason: str = "stop") -> dict:
    """A response in the documented ``chat.completion`` object shape."""
    return {
        "id": "chatcmpl-123",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30},
    }


def _engine(handler: Callable[[httpx.Request], httpx.Response], **kwargs) -> OpenAINoteEngine:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return OpenAINoteEngine(api_key="sk-test", base_url=BASE_URL, http_client=client, max_retries=0, **kwargs)


def test_request_shape_and_response_parsing() -> None:
    template = get_builtin_template("SOAP")
    seen: list[httpx.Request] = []
    content = json.dumps(
        {"subjective": "Headache for 2 weeks.", "objective": "", "assessment": "Tension-type headache.", "plan": "- Ibuprofen 400 mg"}
    )

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=_completion(content))

    result = _engine(handler, model="gpt-4o-mini").generate(turns=TURNS, template=template, language="es")

    assert len(seen) == 1
    request = seen[0]
    assert request.method == "POST"
    assert str(request.url) == f"{BASE_URL}/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    body = json.loads(request.content)
    assert body["model"] == "gpt-4o-mini"
    rf = body["response_format"]
    assert rf["type"] == "json_schema"
    assert rf["json_schema"]["strict"] is True
    schema = rf["json_schema"]["schema"]
    assert schema["required"] == ["sections", "provenance"] and schema["additionalProperties"] is False
    sections_schema = schema["properties"]["sections"]
    assert sections_schema["required"] == ["subjective", "objective", "assessment", "plan"]
    assert sections_schema["additionalProperties"] is False
    messages = body["messages"]
    assert messages[0]["role"] == "system"
    assert "Spanish" in messages[0]["content"]
    assert "only facts" in messages[0]["content"]
    user = messages[-1]["content"]
    assert "Clinician: What brings you in today?" in user
    assert "Patient: I've had a headache for two weeks." in user
    assert "Other speaker 2: She also wakes up at night with it." in user

    assert result.engine == "openai"
    assert result.sections == {
        "subjective": "Headache for 2 weeks.",
        "objective": "",
        "assessment": "Tension-type headache.",
        "plan": "- Ibuprofen 400 mg",
    }
    assert result.markdown.startswith("## Subjetivo\nHeadache for 2 weeks.\n\n## Objetivo\nNo se comentó.\n")
    assert result.markdown.endswith("## Plan\n- Ibuprofen 400 mg\n")


def test_unknown_and_missing_keys_in_model_output() -> None:
    template = get_builtin_template("DAP")
    content = json.dumps({"data": "Anxious.", "extra": "dropped", "plan": None})
    engine = _engine(lambda request: httpx.Response(200, json=_completion(content)))
    result = engine.generate(turns=TURNS, template=template, language="en")
    assert result.sections == {"data": "Anxious.", "assessment": "", "plan": ""}


def test_invalid_json_is_transient() -> None:
    engine = _engine(lambda request: httpx.Response(200, json=_completion("not json")))
    with pytest.raises(NoteEngineError) as info:
        engine.generate(turns=TURNS, template=get_builtin_template("SOAP"), language="en")
    assert info.value.permanent is False


def test_truncated_output_is_permanent() -> None:
    engine = _engine(lambda request: httpx.Response(200, json=_completion('{"subj', finish_reason="length")))
    with pytest.raises(NoteEngineError) as info:
        engine.generate(turns=TURNS, template=get_builtin_template("SOAP"), language="en")
    assert info.value.permanent is True


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(500, False), (503, False), (429, False), (401, True), (403, True), (400, True), (404, True)],
)
def test_http_errors_mapped(status: int, permanent: bool, caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(status, json={"error": {"message": "I've had a headache", "type": "x", "code": None}})

    caplog.set_level(logging.DEBUG)
    with pytest.raises(NoteEngineError) as info:
        _engine(handler).generate(turns=TURNS, template=get_builtin_template("SOAP"), language="en")
    assert info.value.permanent is permanent
    assert str(status) in info.value.message
    assert len(calls) == 1  # max_retries=0
    # Neither the transcript nor the response body reaches the logs.
    assert "headache" not in caplog.text.lower()


@pytest.mark.parametrize("exc", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")])
def test_network_errors_are_transient(exc: Exception) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    with pytest.raises(NoteEngineError) as info:
        _engine(handler).generate(turns=TURNS, template=get_builtin_template("SOAP"), language="en")
    assert info.value.permanent is False


def test_missing_api_key_is_permanent_and_sends_nothing() -> None:
    calls: list[int] = []
    client = httpx.Client(transport=httpx.MockTransport(lambda r: calls.append(1) or httpx.Response(200)))
    engine = OpenAINoteEngine(api_key="", base_url=BASE_URL, http_client=client)
    with pytest.raises(NoteEngineError) as info:
        engine.generate(turns=TURNS, template=get_builtin_template("SOAP"), language="en")
    assert info.value.message == "OpenAI is not configured"
    assert info.value.permanent is True
    assert calls == []
    assert "sk-" not in repr(engine)
