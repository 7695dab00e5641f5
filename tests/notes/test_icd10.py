"""ICD-10-CM suggestions: the code set, the offline matcher, the LLM adapter (HTTP boundary) and fallback."""

from __future__ import annotations

import json

import httpx
import pytest
import simple_icd_10_cm as icd

from notes.diagnosis import codes
from notes.diagnosis.base import DiagnosisError, SourceText
from notes.diagnosis.offline import OfflineDiagnosisSuggester
from notes.providers import openai_assistant
from notes.providers.openai_assistant import OpenAIDiagnosisSuggester

# --- code set ------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw,expected", [
    ("J02.9", "J02.9"), ("j029", "J02.9"), (" I10 ", "I10"), ("E11", "E11"), ("S62.609A", "S62.609A"),
    ("J02.99", None), ("A00-A09", None), ("XYZ", None), ("", None), ("12345", None),
])
def test_code_normalize(raw, expected):
    assert codes.code_normalize(raw) == expected


@pytest.mark.parametrize("code,default", [
    ("I10", "I10"), ("E11", "E11.9"), ("J02", "J02.9"), ("K21", "K21.9"), ("S62.10", "S62.109A"),
    ("M54.5", "M54.50"),
])
def test_billable_default(code, default):
    assert codes.billable_default(code) == default
    assert icd.is_leaf(default)


def test_code_set_is_complete():
    # FY2025+ ICD-10-CM has more than 74,000 billable codes.
    assert sum(1 for c in codes.all_codes() if codes.code_is_billable(c)) > 74000


# --- offline matcher ------------------------------------------------------------------------------

suggester = OfflineDiagnosisSuggester()


def suggest(*texts: str, section: str = "assessment") -> list[str]:
    return [s.code for s in suggester.suggest([SourceText(source="note", text=t, section=section) for t in texts])]


@pytest.mark.parametrize("text,code", [
    ("Essential hypertension, well controlled.", "I10"),
    ("Patient has high blood pressure.", "I10"),
    ("Type 2 diabetes.", "E11.9"),
    ("Known diabetes, on metformin.", "E11.9"),  # ICD-10-CM guideline I.C.4.a.2: type 2 by default
    ("Type 1 diabetes mellitus.", "E10.9"),
    ("Acute pharyngitis.", "J02.9"),
    ("Sore throat for four days.", "J02.9"),
    ("Fever last night.", "R50.9"),
    ("Low back pain for three weeks.", "M54.50"),
    ("COPD exacerbation risk discussed; COPD stable.", "J44.9"),
    ("Atrial fibrillation on apixaban.", "I48.91"),
    ("History of kidney stones.", "N20.0"),
    ("Depression, stable on sertraline.", "F32.A"),
    ("Anxiety.", "F41.9"),
    ("Migraine without aura.", "G43.009"),
    ("Acid reflux.", "K21.9"),
    ("It's really hard to swallow.", "R13.10"),
    ("Crohn's disease flare.", "K50.90"),
    ("Right knee pain after a fall.", "M25.561"),
])
def test_offline_matcher_finds_the_code(text, code):
    found = suggest(text)
    assert code in found, found


@pytest.mark.parametrize("text", [
    "Denies chest pain.", "No fever or chills.", "Call us if you develop a fever.", "Her mother has diabetes.",
    "Do you have any chest pain?", "Negative for hypertension.", "Follow up in two weeks.",
    "Continue lisinopril 10 mg daily.", "Not discussed.",
])
def test_offline_matcher_skips_negated_conditional_family_and_non_findings(text):
    assert suggest(text) == []


def test_longest_match_wins_and_lists_are_split():
    assert suggest("Chest pain.") == ["R07.9"]
    found = suggest("Diagnosed with COPD and atrial fibrillation.")
    assert set(found) == {"J44.9", "I48.91"}, "'chronic' from COPD must not make it chronic atrial fibrillation"


def test_evidence_and_confidence():
    sources = [
        SourceText(source="note", text="Acute pharyngitis.", section="assessment"),
        SourceText(source="transcript", text="my throat has been hurting me for four days", speaker=1, start_time=5.7,
                   end_time=16.9),
        SourceText(source="transcript", text="i think i had a fever last night", speaker=1, start_time=17.0,
                   end_time=19.0),
    ]
    results = {s.code: s for s in suggester.suggest(sources)}
    pharyngitis, fever = results["J02.9"], results["R50.9"]
    assert pharyngitis.confidence > fever.confidence, "assessment + transcript beats a single transcript mention"
    assert [e.source for e in pharyngitis.evidence] == ["note", "transcript"]
    assert pharyngitis.as_dict() == {
        "code": "J02.9", "description": "Acute pharyngitis, unspecified", "confidence": round(pharyngitis.confidence, 2),
        "billable": True, "evidence": [
            {"source": "note", "text": "Acute pharyngitis.", "section": "assessment"},
            {"source": "transcript", "text": "my throat has been hurting me for four days", "speaker": "SPEAKER_1",
             "start_time": 5.7, "end_time": 16.9}]}


def test_every_offline_code_is_valid_and_billable_on_a_visit():
    visit = [
        "[doctor] so you have a history of congestive heart failure, depression and hypertension.",
        "[patient] yes, and lately some nasal congestion from the fall pollen allergies.",
        "[doctor] on exam i hear a 2 out of 6 systolic ejection murmur. your right knee is swollen.",
        "[doctor] you have a distal phalanx fracture in the middle finger and gout in the left foot.",
    ]
    results = suggester.suggest([SourceText(source="transcript", text=line, speaker=0) for line in visit])
    assert len(results) >= 5
    for suggestion in results:
        assert icd.is_valid_item(suggestion.code) and icd.is_leaf(suggestion.code) and suggestion.billable
        assert suggestion.description == icd.get_description(suggestion.code)
        assert suggestion.evidence and 0 < suggestion.confidence <= 0.95
    assert {"I50.9", "I10", "F32.A", "J30.1"} <= {s.code for s in results}


# --- LLM adapter (HTTP boundary) ------------------------------------------------------------------

SOURCES = [
    SourceText(source="note", text="Assessment: acute pharyngitis, likely viral.", section="assessment"),
    SourceText(source="transcript", text="I think I had a fever last night", speaker=1, start_time=5.0, end_time=7.0),
]


def completion(content: str) -> dict:
    return {"id": "c1", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}]}


def llm(handler) -> OpenAIDiagnosisSuggester:
    return OpenAIDiagnosisSuggester(api_key="sk-test", model="gpt-4o-mini", base_url="https://llm.example/v1",
                                    timeout=5, http_client=httpx.Client(transport=httpx.MockTransport(handler)))


def test_llm_codes_are_validated_and_evidence_must_be_quoted():
    sent: list[httpx.Request] = []

    def handler(request):
        sent.append(request)
        return httpx.Response(200, json=completion(json.dumps({"diagnoses": [
            {"code": "j029", "confidence": 0.9, "evidence": ["acute pharyngitis, likely viral"]},
            {"code": "X99.999", "confidence": 0.8, "evidence": ["acute pharyngitis"]},  # not a code: dropped
            {"code": "R50.9", "confidence": 0.7, "evidence": ["I  think I had a FEVER last night"]},
            {"code": "I10", "confidence": 0.6, "evidence": ["blood pressure 180/110"]},  # not in the text: dropped
        ]})))

    results = llm(handler).suggest(SOURCES, language="en")
    assert [r.code for r in results] == ["J02.9", "R50.9"]
    assert results[0].description == "Acute pharyngitis, unspecified" and results[0].billable
    assert results[1].evidence[0].source == "transcript" and results[1].evidence[0].start_time == 5.0

    request = sent[0]
    assert str(request.url) == "https://llm.example/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    body = json.loads(request.content)
    assert body["model"] == "gpt-4o-mini" and body["temperature"] == 0
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert "[note: assessment] Assessment: acute pharyngitis" in body["messages"][1]["content"]


@pytest.mark.parametrize("status,permanent", [(401, True), (400, True), (429, False), (503, False)])
def test_llm_errors_say_whether_to_retry(status, permanent):
    adapter = llm(lambda request: httpx.Response(status, json={"error": {"message": "x"}}))
    with pytest.raises(DiagnosisError) as caught:
        adapter.suggest(SOURCES)
    assert caught.value.permanent is permanent and "x" not in caught.value.message


def test_llm_answer_that_is_not_json_is_a_transient_error():
    adapter = llm(lambda request: httpx.Response(200, json=completion("I think it's a cold.")))
    with pytest.raises(DiagnosisError) as caught:
        adapter.suggest(SOURCES)
    assert caught.value.permanent is False


# --- engine choice and fallback -----------------------------------------------------------------------


@pytest.fixture
def failing_llm(monkeypatch, settings):
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(500, json={"error": {"message": "down"}})

    real_client = openai_assistant._client
    monkeypatch.setattr(openai_assistant, "_client", lambda **kw: real_client(
        **(kw | {"http_client": httpx.Client(transport=httpx.MockTransport(handler))})))
    settings.OPENAI_API_KEY = "sk-test"
    return calls


@pytest.mark.django_db
def test_offline_matcher_answers_when_the_llm_fails(failing_llm, clinic):
    from notes.services import diagnosis_suggest

    engine, results = diagnosis_suggest(clinic=clinic, sources=SOURCES)
    assert failing_llm, "the LLM was tried first"
    assert engine == "offline" and "J02.9" in [r.code for r in results]


@pytest.mark.django_db
def test_no_fallback_means_500_with_retry_advice(request, clinic, doctor_client, doctor):
    from tests.records.test_patients_appointments import add_appointment, add_patient

    jane = add_patient(doctor_client, doctor)
    appointment = add_appointment(doctor_client, doctor, jane["_id"], language="en", notes_type="SOAP")
    assert doctor_client.post(f"/api/notes/add/{appointment['_id']}", {"notes": "Acute pharyngitis."},
                              format="json").status_code == 201
    calls = request.getfixturevalue("failing_llm")  # from now on the clinic's LLM is configured and down
    clinic.allow_offline_fallback = False
    clinic.save(update_fields=["allow_offline_fallback"])
    response = doctor_client.post(f"/api/notes/diagnosis/{appointment['_id']}")
    assert calls and response.status_code == 500
    assert response.json() == {"success": False,
                               "error": "Diagnosis suggestion failed: LLM request failed (InternalServerError); "
                                        "retry later"}
