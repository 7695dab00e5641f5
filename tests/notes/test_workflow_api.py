"""Clinical documentation workflow (/v1): transcriptions, threads and runs (Celery), clinical notes,
versions and sign-off, templates; both credentials; clinic isolation; errors."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from clinics.services import clinic_user_create
from notes.models import ClinicalNote, Message, Run
from tests.conftest import DOCTOR_PASSWORD, _bearer_client

pytestmark = pytest.mark.django_db

TRANSCRIPT = (
    "[doctor] hi teresa, what's going on? i heard you're having a sore throat.\n"
    "[patient] yeah, my throat has been hurting me for four days now and i think i had a fever last night.\n"
    "[doctor] are you taking any medications?\n"
    "[patient] i take lisinopril 10 mg daily for my blood pressure.\n"
    "[doctor] on exam your throat is red and your tonsils are swollen. i think you have acute pharyngitis.\n"
    "[doctor] i'm going to prescribe ibuprofen 400 mg every 8 hours and we'll do a rapid strep test."
)
SOAP_KEYS = {"subjective", "objective", "assessment", "plan"}
DOCTOR = "dr-4711"


@pytest.fixture
def api_client(api_key) -> APIClient:
    """Clinic A's API key with the x-doctor header the original workflow requires on writes."""
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_key, HTTP_X_DOCTOR=DOCTOR)
    return client


@pytest.fixture
def doctor_client(doctor) -> APIClient:
    """Clinic A's clinician (Bearer JWT), naming themselves in x-doctor as the original's PATCH requires."""
    from medsync.api.jwt import token_issue

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(clinic_user=doctor)}", HTTP_X_DOCTOR=doctor.uid)
    return client


def new_transcription(client, **overrides) -> dict:
    body = {"duration_seconds": 342.5, "original_transcript": TRANSCRIPT, "language_used": "en"} | overrides
    response = client.post("/v1/transcriptions", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def new_thread(client) -> str:
    response = client.post("/v1/threads", format="json")
    assert response.status_code == 201, response.content
    return response.json()["thread_id"]


def run_body(thread_id: str, content: str, **configurable) -> dict:
    return {"input": {"messages": [{"role": "user", "content": content}]},
            "config": {"configurable": {"thread_id": thread_id} | configurable}}


def start_run(client, thread_id: str, content: str, capture, **configurable) -> dict:
    """Create a run and let its Celery task run (on commit, in-process)."""
    with capture(execute=True):
        response = client.post(f"/v1/threads/{thread_id}/runs", run_body(thread_id, content, **configurable),
                               format="json")
    assert response.status_code == 201, response.content
    return response.json()


# --- transcriptions --------------------------------------------------------------------------------


@pytest.mark.parametrize("credential", ["api_client", "doctor_client"])
def test_create_transcription(request, credential, clinic):
    client = request.getfixturevalue(credential)
    response = client.post("/v1/transcriptions", {"duration_seconds": 342.5, "original_transcript": TRANSCRIPT,
                                                  "language_used": "en"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "duration_seconds", "original_transcript", "language_used", "clinical_note_id",
                         "doctor_id", "patient_id", "created_at"}
    assert body["duration_seconds"] == 342.5 and body["original_transcript"] == TRANSCRIPT
    assert body["language_used"] == "en"
    assert client.get(f"/v1/transcriptions/{body['id']}").json() == body
    note = client.get(f"/v1/clinical-notes/{body['clinical_note_id']}").json()
    assert note["transcription_id"] == body["id"] and note["version"] == 1
    assert note["template"] is None and note["content"] == "" and note["signed_off"] is None


def test_transcription_language_is_optional(api_client):
    response = api_client.post("/v1/transcriptions", {"duration_seconds": 0, "original_transcript": "hello"},
                               format="json")
    assert response.status_code == 201 and response.json()["language_used"] is None
    note = api_client.get(f"/v1/clinical-notes/{response.json()['clinical_note_id']}").json()
    assert note["language"] == "en"


@pytest.mark.parametrize("body,message", [
    ({"original_transcript": "x"}, "duration_seconds: This field is required."),
    ({"duration_seconds": 10}, "original_transcript: This field is required."),
    ({"duration_seconds": -1, "original_transcript": "x"}, "duration_seconds: Ensure this value is greater than or equal to 0."),
    ({"duration_seconds": "long", "original_transcript": "x"}, "duration_seconds: A valid number is required."),
])
def test_transcription_missing_or_invalid_fields_are_400(api_client, body, message):
    response = api_client.post("/v1/transcriptions", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_credentials_are_required(anon_client):
    for response in (anon_client.post("/v1/transcriptions", {}, format="json"), anon_client.post("/v1/threads"),
                     anon_client.patch("/v1/clinical-notes/x", {}, format="json")):
        assert response.status_code == 401
        assert response.json() == {"error": "Missing credentials: send Authorization: Bearer <token> or X-API-Key"}
    anon_client.credentials(HTTP_X_API_KEY="msk_wrong")
    assert anon_client.post("/v1/threads").json() == {"error": "Invalid API key"}
    anon_client.credentials(HTTP_AUTHORIZATION="Bearer nope")
    assert anon_client.post("/v1/threads").json() == {"error": "Invalid authentication token"}


# --- threads and runs --------------------------------------------------------------------------------


def test_create_thread_shape(api_client):
    response = api_client.post("/v1/threads")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"thread_id", "created_at", "updated_at", "metadata", "status", "values", "interrupts",
                         "doctor_id", "patient_id"}
    assert body["status"] == "idle" and body["metadata"] == {} and body["values"] == {"messages": []}
    assert api_client.get(f"/v1/threads/{body['thread_id']}").json() == body


def test_clinical_extraction_run(api_client, django_capture_on_commit_callbacks, clinic):
    thread_id = new_thread(api_client)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api_client.post(f"/v1/threads/{thread_id}/runs",
                                   run_body(thread_id, "Create a SOAP note from this transcript:\n" + TRANSCRIPT),
                                   format="json")
        created = response.json()
    assert response.status_code == 201 and len(callbacks) == 1
    assert set(created) == {"run_id", "thread_id", "assistant_id", "status", "kind", "input", "config", "metadata",
                            "output", "error", "retryable", "multitask_strategy", "doctor_id", "patient_id",
                            "created_at", "updated_at", "started_at", "finished_at"}
    assert created["status"] == "pending" and created["thread_id"] == thread_id and created["output"] is None

    run = api_client.get(f"/v1/threads/{thread_id}/runs/{created['run_id']}").json()
    assert run["status"] == "success" and run["kind"] == "clinical_extraction" and run["error"] is None
    assert run["started_at"] and run["finished_at"]
    note = run["output"]["clinical_note"]
    assert note["template"] == "SOAP" and note["language"] == "en" and note["engine"] == "offline"
    assert set(note["ai_generated_content"]) == SOAP_KEYS
    assert "throat" in note["ai_generated_content"]["subjective"].lower()
    assert "ibuprofen" in note["ai_generated_content"]["plan"].lower()
    assert run["output"]["messages"] == [{"role": "assistant", "content": note["markdown"]}]

    joined = api_client.get(f"/v1/threads/{thread_id}/runs/{created['run_id']}/join")
    assert joined.status_code == 200 and joined.json() == run
    history = api_client.get(f"/v1/threads/{thread_id}").json()
    assert history["status"] == "idle"
    assert [m["role"] for m in history["values"]["messages"]] == ["user", "assistant"]
    assert all(m["run_id"] == created["run_id"] for m in history["values"]["messages"])


def test_extraction_of_a_stored_transcription_with_template_in_config(api_client, django_capture_on_commit_callbacks):
    record = new_transcription(api_client)
    thread_id = new_thread(api_client)
    created = start_run(api_client, thread_id, "Extract the clinical information.", django_capture_on_commit_callbacks,
                        template="BIRP", transcription_id=record["id"])
    run = api_client.get(f"/v1/threads/{thread_id}/runs/{created['run_id']}/join").json()
    assert run["status"] == "success", run
    assert run["output"]["clinical_note"]["template"] == "BIRP"
    assert set(run["output"]["clinical_note"]["ai_generated_content"]) == {"behavior", "intervention", "response", "plan"}


def test_chat_runs_answer_from_the_threads_transcript(api_client, django_capture_on_commit_callbacks):
    thread_id = new_thread(api_client)
    start_run(api_client, thread_id, "Write a DAP note:\n" + TRANSCRIPT, django_capture_on_commit_callbacks)
    medications = start_run(api_client, thread_id, "What medications is the patient taking?",
                            django_capture_on_commit_callbacks)
    run = api_client.get(f"/v1/threads/{thread_id}/runs/{medications['run_id']}").json()
    assert run["status"] == "success" and run["kind"] == "chat"
    answer = run["output"]["messages"][0]["content"]
    assert "## Medications" in answer and "lisinopril" in answer.lower()
    assert "clinical_note" not in run["output"]

    codes = start_run(api_client, thread_id, "Which ICD-10 codes fit this visit?", django_capture_on_commit_callbacks)
    answer = api_client.get(f"/v1/threads/{thread_id}/runs/{codes['run_id']}").json()["output"]["messages"][0]["content"]
    assert "J02.9" in answer

    history = api_client.get(f"/v1/threads/{thread_id}").json()["values"]["messages"]
    assert [m["role"] for m in history] == ["user", "assistant"] * 3
    assert history[2]["content"] == "What medications is the patient taking?"


def test_chat_without_transcript_explains_what_it_needs(api_client, django_capture_on_commit_callbacks):
    thread_id = new_thread(api_client)
    created = start_run(api_client, thread_id, "Hello, what can you do?", django_capture_on_commit_callbacks)
    run = api_client.get(f"/v1/threads/{thread_id}/runs/{created['run_id']}").json()
    assert run["status"] == "success" and "no visit transcript" in run["output"]["messages"][0]["content"].lower()


def test_chat_uses_the_llm_when_configured(api_client, django_capture_on_commit_callbacks, settings, monkeypatch):
    import httpx

    from notes.providers import openai_assistant

    sent = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={
            "id": "c1", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "Lisinopril 10 mg daily."}}]})

    real_client = openai_assistant._client
    monkeypatch.setattr(openai_assistant, "_client", lambda **kw: real_client(
        **(kw | {"http_client": httpx.Client(transport=httpx.MockTransport(handler))})))
    settings.OPENAI_API_KEY = "sk-test"
    thread_id = new_thread(api_client)
    created = start_run(api_client, thread_id, "Which medications?", django_capture_on_commit_callbacks)
    run = api_client.get(f"/v1/threads/{thread_id}/runs/{created['run_id']}").json()
    assert run["status"] == "success" and run["output"] == {
        "messages": [{"role": "assistant", "content": "Lisinopril 10 mg daily."}], "engine": "openai"}
    assert len(sent) == 1 and sent[0].url.path.endswith("/chat/completions")
    assert sent[0].headers["authorization"] == "Bearer sk-test"
    import json

    payload = json.loads(sent[0].content)
    assert payload["messages"][0]["role"] == "system" and payload["messages"][-1] == {
        "role": "user", "content": "Which medications?"}


@pytest.mark.parametrize("mutate,message", [
    (lambda b, t: b["config"]["configurable"].update(thread_id="other"),
     "config.configurable.thread_id: does not match the thread in the URL"),
    (lambda b, t: b.pop("input"), "input: This field is required."),
    (lambda b, t: b["input"].update(messages=[]), "input.messages: This list may not be empty."),
    (lambda b, t: b["input"]["messages"][0].update(role="robot"), "input.messages.role: \"robot\" is not a valid choice."),
    (lambda b, t: b["input"]["messages"][0].pop("content"), "input.messages.content: This field is required."),
    (lambda b, t: b["config"]["configurable"].update(transcription_id="6f0e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"),
     "config.configurable.transcription_id: unknown transcription"),
])
def test_run_validation_is_400(api_client, mutate, message):
    thread_id = new_thread(api_client)
    body = run_body(thread_id, "hi")
    mutate(body, thread_id)
    response = api_client.post(f"/v1/threads/{thread_id}/runs", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert not Run.objects.exists()


def test_run_on_unknown_or_other_clinics_thread_is_404(api_client, other_api_client):
    for thread_id in ("nope", "6f0e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b", new_thread(api_client)):
        response = other_api_client.post(f"/v1/threads/{thread_id}/runs", run_body(thread_id, "hi"), format="json")
        assert response.status_code == 404 and response.json() == {"error": "Thread not found"}
        assert other_api_client.get(f"/v1/threads/{thread_id}").status_code == 404


def test_run_of_other_clinic_is_404(api_client, other_api_client, django_capture_on_commit_callbacks):
    thread_id = new_thread(api_client)
    created = start_run(api_client, thread_id, TRANSCRIPT, django_capture_on_commit_callbacks)
    for path in (f"/v1/threads/{thread_id}/runs/{created['run_id']}",
                 f"/v1/threads/{thread_id}/runs/{created['run_id']}/join"):
        assert other_api_client.get(path).status_code == 404
    other_thread = new_thread(other_api_client)
    response = other_api_client.get(f"/v1/threads/{other_thread}/runs/{created['run_id']}")
    assert response.status_code == 404 and response.json() == {"error": "Run not found"}


def test_join_is_bounded_and_busy_threads_refuse_new_runs(api_client, clinic):
    thread_id = new_thread(api_client)
    # Without on-commit execution the run stays pending (as while a worker is busy).
    created = api_client.post(f"/v1/threads/{thread_id}/runs", run_body(thread_id, "hi"), format="json").json()
    joined = api_client.get(f"/v1/threads/{thread_id}/runs/{created['run_id']}/join?timeout=0.3")
    assert joined.status_code == 202 and joined.json()["status"] == "pending"
    assert api_client.get(f"/v1/threads/{thread_id}/runs/{created['run_id']}/join?timeout=-1").status_code == 400
    busy = api_client.post(f"/v1/threads/{thread_id}/runs", run_body(thread_id, "again"), format="json")
    assert busy.status_code == 409 and created["run_id"] in busy.json()["error"]
    assert api_client.get(f"/v1/threads/{thread_id}").json()["status"] == "busy"


def test_failed_run_reports_error_and_whether_to_retry(api_client, django_capture_on_commit_callbacks):
    thread_id = new_thread(api_client)
    created = start_run(api_client, thread_id, TRANSCRIPT, django_capture_on_commit_callbacks, template="no-such")
    run = api_client.get(f"/v1/threads/{thread_id}/runs/{created['run_id']}/join").json()
    assert run["status"] == "error" and run["error"] == "Unknown template 'no-such'" and run["retryable"] is False
    assert run["output"] is None
    assert api_client.get(f"/v1/threads/{thread_id}").json()["status"] == "error"
    # The thread takes new runs after a failure.
    again = start_run(api_client, thread_id, TRANSCRIPT, django_capture_on_commit_callbacks)
    assert api_client.get(f"/v1/threads/{thread_id}/runs/{again['run_id']}").json()["status"] == "success"


def test_unexpected_error_is_500_with_retry_guidance(api_client, monkeypatch):
    from notes import services

    def explode(**kwargs):
        raise RuntimeError("database is on fire")

    monkeypatch.setattr(services, "thread_create", explode)
    response = api_client.post("/v1/threads")
    assert response.status_code == 500
    assert response.json() == {"error": "Internal error. Retry with exponential backoff (1 s, 2 s, 4 s, ...)."}


def test_redelivered_run_task_does_nothing_twice(api_client, django_capture_on_commit_callbacks, clinic):
    from notes.tasks import execute_run

    thread_id = new_thread(api_client)
    created = start_run(api_client, thread_id, TRANSCRIPT, django_capture_on_commit_callbacks)
    with schema_context(clinic.schema_name):
        run_pk = Run.objects.get(uuid=created["run_id"]).pk
    assert execute_run(clinic.schema_name, run_pk) == "skipped"
    with schema_context(clinic.schema_name):
        assert Message.objects.filter(role="assistant").count() == 1


# --- clinical notes ------------------------------------------------------------------------------


def extraction(client, capture) -> tuple[str, str, dict]:
    thread_id = new_thread(client)
    created = start_run(client, thread_id, "SOAP note please:\n" + TRANSCRIPT, capture)
    run = client.get(f"/v1/threads/{thread_id}/runs/{created['run_id']}").json()
    return thread_id, created["run_id"], run["output"]["clinical_note"]["ai_generated_content"]


def test_full_workflow_update_clinical_note(doctor_client, doctor, django_capture_on_commit_callbacks, clinic):
    record = new_transcription(doctor_client)
    thread_id, run_id, content = extraction(doctor_client, django_capture_on_commit_callbacks)
    note_id = record["clinical_note_id"]
    response = doctor_client.patch(f"/v1/clinical-notes/{note_id}", {
        "template": "SOAP", "ai_generated_content": content, "report_thread_id": thread_id,
        "report_run_id": [run_id]}, format="json")
    assert response.status_code == 200, response.content
    note = response.json()
    assert set(note) == {"id", "template", "language", "ai_generated_content", "content", "feedback",
                         "report_thread_id", "report_run_id", "version", "engine", "transcription_id", "recording_id",
                         "signed_off", "updated_by", "doctor_id", "patient_id", "created_at", "updated_at",
                         "evidence", "unsupported_sentences"}  # the last two: extra fields (provenance)
    assert note["id"] == note_id and note["template"] == "SOAP" and note["version"] == 2
    assert note["ai_generated_content"] == content
    assert note["content"].startswith("## Subjective\n") and "## Plan" in note["content"]
    assert note["report_thread_id"] == thread_id and note["report_run_id"] == [run_id]
    assert note["updated_by"] == doctor.uid and note["feedback"] == "" and note["signed_off"] is None
    assert doctor_client.get(f"/v1/clinical-notes/{note_id}").json() == note

    feedback = doctor_client.patch(f"/v1/clinical-notes/{note_id}", {"feedback": "Plan is complete."}, format="json")
    assert feedback.json()["version"] == 3 and feedback.json()["feedback"] == "Plan is complete."
    same = doctor_client.patch(f"/v1/clinical-notes/{note_id}", {"feedback": "Plan is complete."}, format="json")
    assert same.json()["version"] == 3, "an unchanged note makes no new version"

    versions = doctor_client.get(f"/v1/clinical-notes/{note_id}/versions").json()
    assert versions["id"] == note_id and versions["current_version"] == 3
    assert [v["version"] for v in versions["versions"]] == [1, 2, 3]
    assert versions["versions"][0]["content"] == "" and versions["versions"][0]["template"] == ""
    assert versions["versions"][1]["ai_generated_content"] == content and versions["versions"][1]["feedback"] == ""
    assert versions["versions"][2]["feedback"] == "Plan is complete."
    assert all(v["changed_by"] == doctor.uid for v in versions["versions"])


def test_custom_template_accepts_any_object(api_client):
    note_id = new_transcription(api_client)["clinical_note_id"]
    content = {"findings": "Red throat", "vitals": {"temperature_c": 38.1}}
    note = api_client.patch(f"/v1/clinical-notes/{note_id}", {"template": "custom", "ai_generated_content": content},
                            format="json").json()
    assert note["template"] == "custom" and note["ai_generated_content"] == content
    assert "## Findings\nRed throat" in note["content"] and "38.1" in note["content"]
    assert note["updated_by"].startswith("api_key:msk_")


@pytest.mark.parametrize("patch,message", [
    ({"template": "DAP", "ai_generated_content": {"data": "x", "assessment": "y", "plan": "z", "extra": "w"}},
     "ai_generated_content: unknown section key(s) extra for template DAP; its keys are data, assessment, plan"),
    ({"template": "GIRP", "ai_generated_content": {"goals": 1, "intervention": "", "response": "", "plan": ""}},
     "ai_generated_content.goals: must be a string, a list of strings, a JSON object or null"),
    ({"template": "SOAP", "ai_generated_content": {"plan": ["ok", 3]}},
     "ai_generated_content.plan: must be a string, a list of strings, a JSON object or null"),
    ({"template": "SOAP", "ai_generated_content": ["not", "an", "object"]}, "ai_generated_content: must be a JSON object"),
    ({"template": "POEM", "ai_generated_content": {"a": "b"}}, "template: unknown template 'POEM'; use SOAP, BIRP, "
                                                                "DAP, GIRP, custom or a clinic template"),
    ({"ai_generated_content": {"a": "b"}}, "template: required with ai_generated_content (SOAP, BIRP, DAP, GIRP or custom)"),
    ({"report_thread_id": "6f0e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"},
     "report_thread_id: unknown thread '6f0e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b'"),
    ({"report_run_id": "not-a-list"}, 'report_run_id: Expected a list of items but got type "str".'),
])
def test_clinical_note_validation_is_400(api_client, patch, message):
    note_id = new_transcription(api_client)["clinical_note_id"]
    response = api_client.patch(f"/v1/clinical-notes/{note_id}", patch, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert api_client.get(f"/v1/clinical-notes/{note_id}").json()["version"] == 1


def test_report_runs_must_belong_to_the_thread(api_client, django_capture_on_commit_callbacks):
    note_id = new_transcription(api_client)["clinical_note_id"]
    thread_id, run_id, _ = extraction(api_client, django_capture_on_commit_callbacks)
    other_thread, other_run, _ = extraction(api_client, django_capture_on_commit_callbacks)
    response = api_client.patch(f"/v1/clinical-notes/{note_id}",
                                {"report_thread_id": thread_id, "report_run_id": [run_id, other_run]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": f"report_run_id: unknown run '{other_run}' of that thread"}


def test_unknown_and_other_clinics_notes_are_404(api_client, other_api_client, clinic):
    note_id = new_transcription(api_client)["clinical_note_id"]
    for client, nid in ((api_client, "6f0e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"), (api_client, "x"),
                        (other_api_client, note_id)):
        for response in (client.get(f"/v1/clinical-notes/{nid}"),
                         client.patch(f"/v1/clinical-notes/{nid}", {"feedback": "hacked"}, format="json"),
                         client.get(f"/v1/clinical-notes/{nid}/versions"),
                         client.post(f"/v1/clinical-notes/{nid}/sign-off")):
            assert response.status_code == 404, response.content
            assert response.json() == {"error": "Clinical note not found"}
    with schema_context(clinic.schema_name):
        assert ClinicalNote.objects.get(uuid=note_id).feedback == ""


def test_clinician_sign_off(doctor_client, doctor, api_client, clinic, django_capture_on_commit_callbacks):
    note_id = new_transcription(doctor_client)["clinical_note_id"]
    empty = doctor_client.post(f"/v1/clinical-notes/{note_id}/sign-off")
    assert empty.status_code == 409 and empty.json() == {"error": "An empty note cannot be signed off"}
    _, _, content = extraction(doctor_client, django_capture_on_commit_callbacks)
    doctor_client.patch(f"/v1/clinical-notes/{note_id}", {"template": "SOAP", "ai_generated_content": content},
                        format="json")

    by_key = api_client.post(f"/v1/clinical-notes/{note_id}/sign-off")
    assert by_key.status_code == 403
    assert by_key.json() == {"error": "Sign-off needs a clinician's login (Authorization: Bearer <token>)"}
    staff = clinic_user_create(clinic=clinic, email="desk@clinic-a.example", password=DOCTOR_PASSWORD, role="staff")
    by_staff = _bearer_client(staff).post(f"/v1/clinical-notes/{note_id}/sign-off")
    assert by_staff.status_code == 403 and by_staff.json() == {"error": "Only clinicians can sign off notes"}

    signed = doctor_client.post(f"/v1/clinical-notes/{note_id}/sign-off")
    assert signed.status_code == 200
    note = signed.json()
    assert note["version"] == 2
    assert set(note["signed_off"]) == {"uid", "name", "at"}
    assert note["signed_off"]["uid"] == doctor.uid and note["signed_off"]["name"] == "Dr. John Doe"
    assert doctor_client.post(f"/v1/clinical-notes/{note_id}/sign-off").json() == note, "signing again changes nothing"
    colleague = clinic_user_create(clinic=clinic, email="jane@clinic-a.example", password=DOCTOR_PASSWORD,
                                   first_name="Jane", last_name="Roe", title="Dr.")
    conflict = _bearer_client(colleague).post(f"/v1/clinical-notes/{note_id}/sign-off")
    assert conflict.status_code == 409
    assert conflict.json() == {"error": "Version 2 is already signed off by Dr. John Doe"}

    amended = doctor_client.patch(f"/v1/clinical-notes/{note_id}", {"feedback": "Added allergy."}, format="json").json()
    assert amended["version"] == 3 and amended["signed_off"] is None
    versions = doctor_client.get(f"/v1/clinical-notes/{note_id}/versions").json()["versions"]
    assert versions[1]["signed_off"] == note["signed_off"], "the signed version keeps its sign-off"
    assert versions[2]["signed_off"] is None
    colleague_signs = _bearer_client(colleague).post(f"/v1/clinical-notes/{note_id}/sign-off").json()
    assert colleague_signs["signed_off"]["name"] == "Dr. Jane Roe" and colleague_signs["version"] == 3


# --- templates -------------------------------------------------------------------------------------------


def test_templates_list_and_custom_template_lifecycle(api_client, other_api_client):
    templates = {t["key"]: t for t in api_client.get("/v1/templates").json()["templates"]}
    for key in ("SOAP", "BIRP", "DAP", "GIRP", "general_consultation"):
        assert templates[key]["builtin"] is True
    assert templates["DAP"]["json_schema"]["required"] == ["data", "assessment", "plan"]

    definition = {"key": "physio-follow-up", "name": "Physiotherapy follow-up", "language": "en", "sections": [
        {"key": "progress", "heading": "Progress", "guidance": "Changes in pain and function."},
        {"key": "exercises", "heading": "Exercises", "guidance": "Exercises prescribed."}]}
    created = api_client.post("/v1/templates", definition, format="json")
    assert created.status_code == 201
    assert created.json()["builtin"] is False and created.json()["kind"] == "custom"
    assert created.json()["json_schema"]["required"] == ["progress", "exercises"]
    assert api_client.post("/v1/templates", definition, format="json").status_code == 409  # key taken
    assert api_client.post("/v1/templates", definition | {"key": "soap"}, format="json").json() == {
        "error": "key: 'soap' is a built-in template name"}
    assert other_api_client.get("/v1/templates/physio-follow-up").status_code == 404

    note_id = new_transcription(api_client)["clinical_note_id"]
    ok = api_client.patch(f"/v1/clinical-notes/{note_id}", {"template": "physio-follow-up", "ai_generated_content": {
        "progress": "Less pain.", "exercises": "Squats 3x10."}}, format="json")
    assert ok.status_code == 200 and ok.json()["content"].startswith("## Progress\nLess pain.")
    other_note = new_transcription(other_api_client)["clinical_note_id"]
    assert other_api_client.patch(f"/v1/clinical-notes/{other_note}", {"template": "physio-follow-up",
                                  "ai_generated_content": {"progress": "x", "exercises": "y"}},
                                  format="json").status_code == 400

    renamed = api_client.patch("/v1/templates/physio-follow-up", {"name": "Physio"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Physio"
    assert api_client.patch("/v1/templates/SOAP", {"name": "Mine"}, format="json").status_code == 403  # read-only
    assert api_client.delete("/v1/templates/dental_hygiene").status_code == 403
    assert api_client.delete("/v1/templates/physio-follow-up").status_code == 204
    assert api_client.get("/v1/templates/physio-follow-up").status_code == 404


# --- OpenAPI ----------------------------------------------------------------------------------------------


def test_openapi_documents_every_endpoint_with_examples(anon_client):
    schema = anon_client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    expected = {
        "/api/login": ["post"], "/api/settings/subscription": ["get"], "/api/patients": ["get"],
        "/api/patients/add": ["post"], "/api/patients/{patient_id}": ["get", "patch", "put", "delete"],
        "/api/appointments": ["get"], "/api/appointments/add": ["post"],
        "/api/appointments/{appointment_id}": ["get", "patch"], "/api/recordings/add/{appointment_id}": ["post"],
        "/api/transcriptions/{appointment_id}": ["get"], "/api/notes/add/{appointment_id}": ["post"],
        "/api/notes/{appointment_id}": ["get"], "/api/notes/diagnosis/{appointment_id}": ["post"],
        "/v1/transcriptions": ["post"], "/v1/transcriptions/{transcription_id}": ["get"], "/v1/threads": ["post"],
        "/v1/threads/{thread_id}": ["get"], "/v1/threads/{thread_id}/runs": ["post"],
        "/v1/threads/{thread_id}/runs/{run_id}": ["get"], "/v1/threads/{thread_id}/runs/{run_id}/join": ["get"],
        "/v1/clinical-notes/{note_id}": ["get", "patch"], "/v1/clinical-notes/{note_id}/versions": ["get"],
        "/v1/clinical-notes/{note_id}/sign-off": ["post"], "/v1/templates": ["get", "post"],
        "/v1/templates/{key}": ["get", "patch", "delete"],
    }
    for path, methods in expected.items():
        assert path in paths, path
        for method in methods:
            assert method in paths[path], (path, method)
    for path in ("/api/login", "/api/patients/add", "/api/appointments/add", "/v1/transcriptions",
                 "/v1/threads/{thread_id}/runs"):
        operation = paths[path]["post"]
        assert operation["requestBody"]["content"]["application/json"]["examples"], path
    assert paths["/api/transcriptions/{appointment_id}"]["get"]["responses"]["200"]["content"]["application/json"][
        "examples"]
    assert set(paths["/api/patients"]["get"]["responses"]) >= {"200", "401", "403", "429"}
    assert set(paths["/v1/clinical-notes/{note_id}"]["patch"]["responses"]) >= {"200", "400", "401", "404", "500"}
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerAuth"]["scheme"] == "bearer" and schemes["ApiKeyAuth"]["name"] == "X-API-Key"
    assert anon_client.get("/api/docs/").status_code == 200


def test_other_clinics_api_key_sees_no_threads(api_client, other_api_client):
    thread_id = new_thread(api_client)
    assert other_api_client.get(f"/v1/threads/{thread_id}").json() == {"error": "Thread not found"}
    assert isinstance(other_api_client, APIClient)
