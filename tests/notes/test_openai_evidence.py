"""Provenance of LLM notes and uncertain words, against a real local HTTP server.

``tests.http_server.LocalHttpServer`` speaks the OpenAI chat-completions
protocol on 127.0.0.1 and answers like a model would (recorded answers
chosen per test, some with bad provenance); the adapter talks to it through
the real ``openai`` SDK over a real socket.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from notes.engines.base import Turn, word_confidences
from notes.engines.openai_llm import OpenAINoteEngine
from notes.engines.uncertain import mark_turn_text, uncertain_spans
from templates.builtin import get_builtin_template
from tests.http_server import LocalHttpServer

SOAP = get_builtin_template("SOAP")
KEYS = [s.key for s in SOAP.sections]


def _confident(text: str, low: frozenset[str] = frozenset()) -> tuple[tuple[str, float | None], ...]:
    """Word confidences: 0.95 per word, 0.2 for the words in ``low``."""
    return tuple((w, 0.2 if w.strip(".,?!").lower() in low else 0.95) for w in text.split())


TURNS = [
    Turn(0, "What brings you in today?", words=_confident("What brings you in today?")),
    Turn(1, "I've had a cough for ten days.", words=_confident("I've had a cough for ten days.")),
    Turn(0, "Any fever?", words=_confident("Any fever?")),
    Turn(1, "Last night I was killed.", words=_confident("Last night I was killed.", frozenset({"killed"}))),
    Turn(0, "Your lungs sound clear. Take amoxicillin 500 mg three times a day."),
]


class FakeOpenAI:
    """An OpenAI-compatible ``/v1/chat/completions`` endpoint answering ``content``."""

    def __init__(self) -> None:
        self.content = "{}"
        self.server = LocalHttpServer(self._handle)

    def _handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        if method != "POST" or path != "/v1/chat/completions":
            return 404, {"Content-Type": "application/json"}, b'{"error": {"message": "not found"}}'
        answer = {
            "id": "chatcmpl-local", "object": "chat.completion", "created": 1_700_000_000, "model": "local",
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": self.content, "refusal": None}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def engine(self) -> OpenAINoteEngine:
        return OpenAINoteEngine(api_key="sk-local", base_url=self.server.url + "/v1", max_retries=0, timeout=10)

    def request(self, n: int = -1) -> dict:
        return json.loads(self.server.requests[n][3])


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()
    yield fake
    fake.server.close()


def _answer(sections: dict[str, str], provenance: list) -> str:
    return json.dumps({"sections": {k: sections.get(k, "") for k in KEYS}, "provenance": provenance})


def test_request_asks_for_provenance_with_utterance_ids_and_marks_uncertain_words(llm: FakeOpenAI) -> None:
    llm.content = _answer({"subjective": "Cough for 10 days."}, [])
    llm.engine().generate(turns=TURNS, template=SOAP, language="en")
    body = llm.request()
    schema = body["response_format"]["json_schema"]["schema"]
    assert body["response_format"]["json_schema"]["strict"] is True
    link = schema["properties"]["provenance"]["items"]
    assert link["required"] == ["section", "sentence", "utterances"]
    assert link["properties"]["section"]["enum"] == KEYS
    user = body["messages"][-1]["content"]
    assert "[1] Patient: I've had a cough for ten days." in user
    assert "[3] Patient: Last night I was [unclear: killed?]." in user
    assert "[unclear: word?]" in body["messages"][0]["content"] and "provenance" in body["messages"][0]["content"]


def test_valid_provenance_is_returned_in_the_offline_shape(llm: FakeOpenAI) -> None:
    llm.content = _answer(
        {"subjective": "Cough for 10 days.", "objective": "Lungs clear.", "plan": "- Amoxicillin 500 mg three times a day."},
        [
            {"section": "subjective", "sentence": "Cough for 10 days.", "utterances": [1]},
            {"section": "objective", "sentence": "Lungs clear.", "utterances": [4]},
            {"section": "plan", "sentence": "Amoxicillin 500 mg three times a day.", "utterances": [4]},
        ],
    )
    result = llm.engine().generate(turns=TURNS, template=SOAP, language="en")
    assert [(e["section"], e["sentence"], e["utterances"]) for e in result.evidence] == [
        ("subjective", "Cough for 10 days.", [1]),
        ("objective", "Lungs clear.", [4]),
        ("plan", "Amoxicillin 500 mg three times a day.", [4]),
    ]
    assert all(set(e) == {"section", "sentence", "utterances", "supported", "reasons"} for e in result.evidence)
    assert result.unsupported_sentences == []


def test_bad_provenance_is_dropped_and_replaced_by_the_traced_evidence(llm: FakeOpenAI) -> None:
    llm.content = _answer(
        {"subjective": "Cough for 10 days.", "assessment": "Community-acquired pneumonia.",
         "plan": "- Amoxicillin 500 mg three times a day."},
        [
            # ids that do not exist, are not integers, or cite an unrelated utterance
            {"section": "subjective", "sentence": "Cough for 10 days.", "utterances": [99, -1, "1", True, 2]},
            # a sentence that is not in the note, and one in the wrong section
            {"section": "subjective", "sentence": "Fever for 3 days.", "utterances": [2]},
            {"section": "objective", "sentence": "Amoxicillin 500 mg three times a day.", "utterances": [4]},
            # an invented diagnosis the model claims came from the cough answer
            {"section": "assessment", "sentence": "Community-acquired pneumonia.", "utterances": [1]},
            "not an object",
        ],
    )
    result = llm.engine().generate(turns=TURNS, template=SOAP, language="en")
    by_sentence = {e["sentence"]: e for e in result.evidence}
    assert set(by_sentence) == {"Cough for 10 days.", "Community-acquired pneumonia.", "Amoxicillin 500 mg three times a day."}
    # Every model id was invalid: the traced utterance (the patient's answer) is given instead.
    assert by_sentence["Cough for 10 days."]["utterances"] == [1]
    assert by_sentence["Cough for 10 days."]["supported"] is True
    # The plan sentence's only link named the wrong section: traced from the transcript.
    assert by_sentence["Amoxicillin 500 mg three times a day."]["utterances"] == [4]
    # Nobody said pneumonia: the model's link is dropped and the sentence flagged.
    pneumonia = by_sentence["Community-acquired pneumonia."]
    assert pneumonia["utterances"] == [] and pneumonia["supported"] is False and pneumonia["reasons"]
    assert [e["sentence"] for e in result.unsupported_sentences] == ["Community-acquired pneumonia."]


def test_answer_without_provenance_is_traced(llm: FakeOpenAI) -> None:
    llm.content = json.dumps({"subjective": "Cough for 10 days.", "objective": "", "assessment": "", "plan": ""})
    result = llm.engine().generate(turns=TURNS, template=SOAP, language="en")
    assert result.sections["subjective"] == "Cough for 10 days."
    assert [(e["sentence"], e["utterances"], e["supported"]) for e in result.evidence] == [("Cough for 10 days.", [1], True)]


def test_uncertain_word_stated_by_the_model_is_marked_in_the_note(llm: FakeOpenAI) -> None:
    llm.content = _answer(
        {"subjective": "Last night the patient was killed."},
        [{"section": "subjective", "sentence": "Last night the patient was killed.", "utterances": [3]}],
    )
    result = llm.engine().generate(turns=TURNS, template=SOAP, language="en")
    assert result.sections["subjective"] == "Last night the patient was [unclear: killed?]."
    assert "was killed" not in result.markdown
    (entry,) = result.evidence
    assert entry["sentence"] == "Last night the patient was [unclear: killed?]." and entry["utterances"] == [3]


def test_uncertain_spans_follow_the_words_in_order() -> None:
    turn = Turn(1, "No, no fever, only chills.", words=(("No,", 0.9), ("no", 0.3), ("fever,", 0.95), ("only", 0.9), ("chills.", 0.1)))
    assert [w for _, _, w in uncertain_spans(turn)] == ["no", "chills"]
    assert mark_turn_text(turn) == "No, [unclear: no?] fever, only [unclear: chills?]."
    # Words without confidence (typed text) are never uncertain.
    assert uncertain_spans(Turn(1, "I was killed", words=(("killed", None),))) == []
    assert word_confidences([{"text": "killed", "confidence": 0.21, "start": 1.0, "end": 1.2}]) == (("killed", 0.21),)
