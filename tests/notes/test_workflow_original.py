"""The clinical documentation workflow as the original documents it, request for request.

``Authorization: Bearer <API key>``, ``x-doctor`` (required), ``x-patient``, ``x-is-chat``;
``POST /v1/transcriptions/create``, ``POST /v1/lang-graph/threads``, ``POST .../runs`` and its join,
``PATCH /v1/clinical-notes/{id}`` with partial, structured sections. The end-to-end test speaks
plain HTTP (httpx) to a live server, as ``curl`` would.
"""

from __future__ import annotations

import httpx
import pytest
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from notes.models import ClinicalNote, ClinicalNoteVersion, Run, Thread
from tests.notes.live import live_server_url
from tests.notes.test_workflow_api import TRANSCRIPT
from transcription.models import TranscriptionRecord

pytestmark = pytest.mark.django_db

MISSING_DOCTOR = {"error": "x-doctor: header is required: the doctor's identifier (for tracking and auditing)"}


def bearer(api_key: str, **headers: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key}",
                       **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    return client


def test_original_workflow_over_http(api_key, clinic):
    headers = {"Authorization": f"Bearer {api_key}", "x-doctor": "dr-4711", "x-patient": "pt-0042",
               "Content-Type": "application/json"}
    with live_server_url() as server, httpx.Client(base_url=server, headers=headers, timeout=60) as http:
        created = http.post("/v1/transcriptions/create", json={
            "duration_seconds": 342.5, "original_transcript": TRANSCRIPT, "language_used": "en-US"})
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["message"] == "Transcription created successfully"
        transcription = body["transcription"]
        assert {"id", "user_id", "group_id", "duration_seconds", "language_used", "original_transcript",
                "created_at"} <= set(transcription)
        assert transcription["user_id"] == "dr-4711" and transcription["group_id"] == clinic.client_id
        assert transcription["language_used"] == "en-US" and transcription["patient_id"] == "pt-0042"

        thread = http.post("/v1/lang-graph/threads")
        assert thread.status_code == 201, thread.text
        thread_id = thread.json()["thread_id"]

        run = http.post(f"/v1/lang-graph/threads/{thread_id}/runs", headers={"x-is-chat": "false"}, json={
            "input": {"messages": [{"role": "user", "content": "Create a SOAP note from this transcript:\n"
                                    + transcription["original_transcript"]}]},
            "config": {"configurable": {"thread_id": thread_id}}})
        assert run.status_code == 201, run.text
        assert {"run_id", "thread_id", "status", "created_at"} <= set(run.json())
        run_id = run.json()["run_id"]
        assert run.json()["assistant_id"] == "extraction"

        joined = http.get(f"/v1/lang-graph/threads/{thread_id}/runs/{run_id}/join")
        assert joined.status_code == 200, joined.text
        note_content = joined.json()["clinical_note"]["ai_generated_content"]

        # The earlier path of the same join answers the run itself.
        assert http.get(f"/v1/threads/{thread_id}/runs/{run_id}/join").json()["status"] == "success"

        note_id = transcription["clinical_note_id"]
        patched = http.patch(f"/v1/clinical-notes/{note_id}", json={
            "template": "SOAP", "ai_generated_content": note_content, "report_thread_id": thread_id,
            "report_run_id": [run_id]})
        assert patched.status_code == 200, patched.text
        assert patched.json()["version"] == 2 and patched.json()["doctor_id"] == "dr-4711"

    with schema_context(clinic.schema_name):
        assert TranscriptionRecord.objects.get().doctor_ref == "dr-4711"
        assert Thread.objects.get().patient_ref == "pt-0042"
        assert Run.objects.get().doctor_ref == "dr-4711"
        note = ClinicalNote.objects.get()
        assert (note.doctor_ref, note.patient_ref) == ("dr-4711", "pt-0042")
        assert list(ClinicalNoteVersion.objects.filter(note=note).values_list("doctor_ref", flat=True)) == [
            "dr-4711", "dr-4711"]


# --- credentials and headers ------------------------------------------------------------------------


def test_bearer_api_key_and_x_api_key_are_the_same_clinic(api_key, other_api_key):
    record = bearer(api_key, **{"x-doctor": "d1"}).post(
        "/v1/transcriptions/create", {"duration_seconds": 1, "original_transcript": "hello"}, format="json").json()
    transcription_id = record["transcription"]["id"]
    x_api_key = APIClient()
    x_api_key.credentials(HTTP_X_API_KEY=api_key)
    assert x_api_key.get(f"/v1/transcriptions/{transcription_id}").status_code == 200
    assert bearer(other_api_key).get(f"/v1/transcriptions/{transcription_id}").status_code == 404
    assert bearer("msk_not-a-key").get(f"/v1/transcriptions/{transcription_id}").json() == {"error": "Invalid API key"}
    assert bearer("eyJhbGciOiJIUzI1NiJ9.e30.x").get(f"/v1/transcriptions/{transcription_id}").status_code == 401


def test_a_bearer_api_key_does_not_open_the_medisync_surface(api_key):
    response = bearer(api_key).get("/api/patients")
    assert response.status_code == 401 and response.json()["success"] is False


@pytest.mark.parametrize("method,path,body", [
    ("post", "/v1/transcriptions/create", {"duration_seconds": 1, "original_transcript": "hello"}),
    ("post", "/v1/lang-graph/threads", {}),
])
def test_missing_x_doctor_is_400_naming_the_header(api_key, method, path, body, clinic):
    response = getattr(bearer(api_key), method)(path, body, format="json")
    assert response.status_code == 400 and response.json() == MISSING_DOCTOR
    with schema_context(clinic.schema_name):
        assert not TranscriptionRecord.objects.exists() and not Thread.objects.exists()


def test_x_doctor_on_runs_and_note_patch(api_key, clinic):
    client = bearer(api_key, **{"x-doctor": "d1"})
    note_id = client.post("/v1/transcriptions/create", {"duration_seconds": 1, "original_transcript": TRANSCRIPT},
                          format="json").json()["transcription"]["clinical_note_id"]
    thread_id = client.post("/v1/lang-graph/threads").json()["thread_id"]
    anonymous_doctor = bearer(api_key)
    run = anonymous_doctor.post(f"/v1/lang-graph/threads/{thread_id}/runs",
                                {"input": {"messages": [{"role": "user", "content": "hi"}]}}, format="json")
    assert run.status_code == 400 and run.json() == MISSING_DOCTOR
    patch = anonymous_doctor.patch(f"/v1/clinical-notes/{note_id}", {"feedback": "ok"}, format="json")
    assert patch.status_code == 400 and patch.json() == MISSING_DOCTOR
    # The earlier paths keep working without it.
    assert anonymous_doctor.post("/v1/threads").status_code == 201
    assert anonymous_doctor.post("/v1/transcriptions", {"duration_seconds": 1, "original_transcript": "x"},
                                 format="json").status_code == 201


def test_a_signed_in_clinician_is_the_doctor_on_the_earlier_paths_only(doctor_client, doctor):
    earlier = doctor_client.post("/v1/transcriptions", {"duration_seconds": 1, "original_transcript": "hi"},
                                 format="json")
    assert earlier.status_code == 201 and earlier.json()["doctor_id"] == doctor.uid
    original = doctor_client.post("/v1/transcriptions/create", {"duration_seconds": 1, "original_transcript": "hi"},
                                  format="json")
    assert original.status_code == 400 and original.json() == MISSING_DOCTOR
    from medsync.api.jwt import token_issue

    named = bearer(token_issue(clinic_user=doctor), **{"x-doctor": "dr-9"}).post("/v1/transcriptions/create", {"duration_seconds": 1, "original_transcript": "hi"},
                               format="json")
    assert named.status_code == 201 and named.json()["transcription"]["user_id"] == "dr-9"


def test_blank_x_doctor_is_missing_and_blank_x_patient_is_absent(api_key):
    blank = bearer(api_key, **{"x-doctor": "   "}).post("/v1/lang-graph/threads")
    assert blank.status_code == 400 and blank.json() == MISSING_DOCTOR
    thread = bearer(api_key, **{"x-doctor": "d1", "x-patient": ""}).post("/v1/lang-graph/threads")
    assert thread.status_code == 201 and thread.json()["patient_id"] is None


@pytest.mark.parametrize("headers,message", [
    ({"x-doctor": "d" * 201}, "x-doctor: at most 200 characters"),
    ({"x-doctor": "d1", "x-is-chat": "maybe"}, "x-is-chat: must be true or false"),
])
def test_bad_header_values_are_400(api_key, headers, message):
    client = bearer(api_key, **headers)
    thread_id = bearer(api_key, **{"x-doctor": "d1"}).post("/v1/lang-graph/threads").json()["thread_id"]
    response = client.post(f"/v1/lang-graph/threads/{thread_id}/runs",
                           {"input": {"messages": [{"role": "user", "content": "hi"}]}}, format="json")
    assert response.status_code == 400 and response.json() == {"error": message}


@pytest.mark.parametrize("is_chat,assistant_id,expected", [
    ("true", None, "chat"), ("false", None, "extraction"), ("true", "scribe", "chat"),
    (None, None, "scribe"), ("true", "extraction", "extraction"),
])
def test_x_is_chat_routes_to_the_assistant(api_key, is_chat, assistant_id, expected):
    headers = {"x-doctor": "d1"} | ({"x-is-chat": is_chat} if is_chat else {})
    client = bearer(api_key, **headers)
    thread_id = client.post("/v1/lang-graph/threads").json()["thread_id"]
    body = {"input": {"messages": [{"role": "user", "content": "hi"}]}}
    if assistant_id:
        body["assistant_id"] = assistant_id
    response = client.post(f"/v1/lang-graph/threads/{thread_id}/runs", body, format="json")
    assert response.status_code == 201 and response.json()["assistant_id"] == expected


def test_chat_assistant_answers_even_when_asked_for_a_note(api_key, django_capture_on_commit_callbacks):
    client = bearer(api_key, **{"x-doctor": "d1", "x-is-chat": "true"})
    thread_id = client.post("/v1/lang-graph/threads").json()["thread_id"]
    with django_capture_on_commit_callbacks(execute=True):
        run = client.post(f"/v1/lang-graph/threads/{thread_id}/runs", {"input": {"messages": [
            {"role": "user", "content": "Write a SOAP note:\n" + TRANSCRIPT}]}}, format="json").json()
    done = client.get(f"/v1/lang-graph/threads/{thread_id}/runs/{run['run_id']}").json()
    assert done["status"] == "success" and done["kind"] == "chat" and "clinical_note" not in done["output"]


def test_langgraph_routes_are_clinic_scoped(api_key, other_api_key, django_capture_on_commit_callbacks):
    client = bearer(api_key, **{"x-doctor": "d1"})
    thread_id = client.post("/v1/lang-graph/threads").json()["thread_id"]
    with django_capture_on_commit_callbacks(execute=True):
        run_id = client.post(f"/v1/lang-graph/threads/{thread_id}/runs", {"input": {"messages": [
            {"role": "user", "content": "Write a SOAP note:\n" + TRANSCRIPT}]}}, format="json").json()["run_id"]
    other = bearer(other_api_key, **{"x-doctor": "d2"})
    for path in (f"threads/{thread_id}", f"threads/{thread_id}/state", f"threads/{thread_id}/runs",
                 f"threads/{thread_id}/runs/{run_id}", f"threads/{thread_id}/runs/{run_id}/join"):
        assert other.get(f"/v1/lang-graph/{path}").status_code == 404, path
    for path in (f"threads/{thread_id}/runs", f"threads/{thread_id}/runs/wait"):
        response = other.post(f"/v1/lang-graph/{path}", {"input": {"messages": [{"role": "user", "content": "x"}]}},
                              format="json")
        assert response.status_code == 404, path
    # Thread ids are per clinic: the other clinic choosing the same id gets its own, empty thread.
    own = other.post("/v1/lang-graph/threads", {"thread_id": thread_id, "if_exists": "do_nothing"}, format="json")
    assert own.status_code == 201 and own.json()["values"] == {"messages": []}
    assert other.get(f"/v1/lang-graph/threads/{thread_id}/runs").json() == []
    assert len(client.get(f"/v1/lang-graph/threads/{thread_id}/runs").json()) == 1


def test_thread_create_with_id_and_if_exists(api_key):
    client = bearer(api_key, **{"x-doctor": "d1"})
    thread_id = "5b0f8c8e-3c1b-4f57-9d43-1f6b7b7c2a10"
    assert client.post("/v1/lang-graph/threads", {"thread_id": thread_id}, format="json").status_code == 201
    again = client.post("/v1/lang-graph/threads", {"thread_id": thread_id, "if_exists": "do_nothing"}, format="json")
    assert again.status_code == 200 and again.json()["thread_id"] == thread_id
    assert client.post("/v1/lang-graph/threads", {"thread_id": thread_id}, format="json").status_code == 409


def test_unknown_assistant_is_404(api_key):
    response = bearer(api_key).get("/v1/lang-graph/assistants/radiology")
    assert response.status_code == 404
    assert response.json() == {"error": "Assistant 'radiology' not found; assistants: scribe, extraction, chat"}


# --- PATCH /v1/clinical-notes/{id}: partial, structured sections -------------------------------------------


def _draft(client) -> str:
    return client.post("/v1/transcriptions/create", {"duration_seconds": 1, "original_transcript": TRANSCRIPT},
                       format="json").json()["transcription"]["clinical_note_id"]


def test_patch_updates_named_sections_and_keeps_the_others(api_key):
    client = bearer(api_key, **{"x-doctor": "d1"})
    note_id = _draft(client)
    first = client.patch(f"/v1/clinical-notes/{note_id}", {"template": "SOAP", "ai_generated_content": {
        "subjective": "Sore throat for 4 days.", "assessment": "Acute pharyngitis."}}, format="json").json()
    assert first["version"] == 2 and "## Objective\nNot discussed." in first["content"]

    second = client.patch(f"/v1/clinical-notes/{note_id}", {"ai_generated_content": {
        "plan": ["Rapid strep test", "Ibuprofen 400 mg every 8 hours"],
        "assessment": {"diagnosis": "Acute pharyngitis", "icd10": "J02.9"}}}, format="json")
    assert second.status_code == 200, second.content
    note = second.json()
    assert note["version"] == 3 and note["ai_generated_content"] == {
        "subjective": "Sore throat for 4 days.", "assessment": {"diagnosis": "Acute pharyngitis", "icd10": "J02.9"},
        "plan": ["Rapid strep test", "Ibuprofen 400 mg every 8 hours"]}
    assert "## Subjective\nSore throat for 4 days." in note["content"]
    assert "## Assessment\n- Diagnosis: Acute pharyngitis\n- Icd10: J02.9" in note["content"]
    assert "## Plan\n- Rapid strep test\n- Ibuprofen 400 mg every 8 hours" in note["content"]

    cleared = client.patch(f"/v1/clinical-notes/{note_id}", {"ai_generated_content": {"subjective": None}},
                           format="json").json()
    assert "## Subjective\nNot discussed." in cleared["content"] and cleared["version"] == 4
    versions = client.get(f"/v1/clinical-notes/{note_id}/versions").json()["versions"]
    assert versions[1]["ai_generated_content"] == {"subjective": "Sore throat for 4 days.",
                                                   "assessment": "Acute pharyngitis."}


def test_patch_unknown_keys_name_them_and_the_templates_keys(api_key):
    client = bearer(api_key, **{"x-doctor": "d1"})
    note_id = _draft(client)
    response = client.patch(f"/v1/clinical-notes/{note_id}", {"template": "SOAP", "ai_generated_content": {
        "subjective": "x", "medications": "y", "vitals": "z"}}, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": "ai_generated_content: unknown section key(s) medications, vitals for "
                                        "template SOAP; its keys are subjective, objective, assessment, plan"}
    assert client.get(f"/v1/clinical-notes/{note_id}").json()["version"] == 1


def test_changing_template_keeps_only_shared_sections(api_key):
    client = bearer(api_key, **{"x-doctor": "d1"})
    note_id = _draft(client)
    client.patch(f"/v1/clinical-notes/{note_id}", {"template": "SOAP", "ai_generated_content": {
        "subjective": "s", "assessment": "a", "plan": "p"}}, format="json")
    dap = client.patch(f"/v1/clinical-notes/{note_id}", {"template": "DAP", "ai_generated_content": {"data": "d"}},
                       format="json")
    assert dap.status_code == 200, dap.content
    assert dap.json()["ai_generated_content"] == {"assessment": "a", "plan": "p", "data": "d"}


# --- admin -------------------------------------------------------------------------------------------


def test_staff_see_doctor_and_patient_in_the_admin(api_key, clinic, other_clinic):
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from clinics.models import StaffMembership

    client = bearer(api_key, **{"x-doctor": "dr-4711", "x-patient": "pt-0042"})
    note_id = _draft(client)
    client.patch(f"/v1/clinical-notes/{note_id}", {"template": "SOAP", "ai_generated_content": {"plan": "Rest"}},
                 format="json")
    user = User.objects.create_user("scribe-auditor", "a@example.org", "pw-auditor-123", is_staff=True)
    StaffMembership.objects.create(user=user, clinic=clinic)
    connection.set_schema_to_public()
    staff = Client(HTTP_HOST="clinic-a.localhost")
    staff.force_login(user)
    listing = staff.get("/admin/notes/clinicalnote/?q=dr-4711")
    assert listing.status_code == 200 and "pt-0042" in listing.content.decode()
    connection.set_tenant(clinic)
    pk = ClinicalNote.objects.get(uuid=note_id).pk
    connection.set_schema_to_public()
    detail = staff.get(f"/admin/notes/clinicalnote/{pk}/change/").content.decode()
    assert detail.count("dr-4711") >= 3  # the note and both versions
    assert "pt-0042" in staff.get("/admin/transcription/transcriptionrecord/").content.decode()
    other_host = Client(HTTP_HOST="clinic-b.localhost")
    other_host.force_login(user)
    # Another clinic's staff are sent to sign in (the admin site refuses them at this host).
    assert other_host.get("/admin/notes/clinicalnote/")["Location"].startswith("/admin/login/")


# --- languages of notes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language,heading", [("es", "## Subjetivo"), ("de", "## Subjektiv"), ("ja", "## Subjective"),
                                              ("th", "## Subjective")])
def test_template_languages_get_localized_headings_others_english(language, heading):
    from notes.content import note_content_render

    _, sections, markdown = note_content_render(template_key="SOAP", language=language,
                                                content={"subjective": "喉の痛みが4日間続いています。"})
    assert markdown.startswith(f"{heading}\n喉の痛みが4日間続いています。")
    assert sections == {"subjective": "喉の痛みが4日間続いています。"}
