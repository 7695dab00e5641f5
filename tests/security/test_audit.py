"""Audit log: every read, change, sign-off and creation of a note, transcript or recording is recorded with
who (user uid, or API key prefix, and ``x-doctor``) and when; the table is append-only in PostgreSQL;
clinic staff see their own clinic's log read-only in the admin, never another clinic's."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from clinics.models import StaffMembership

pytestmark = pytest.mark.django_db

TRANSCRIPT = {"duration_seconds": 12.5, "language_used": "en",
              "original_transcript": "[doctor] what brings you in?\n[patient] a sore throat since monday."}


def _events(clinic) -> list[tuple]:
    with schema_context(clinic.schema_name):
        return list(AuditEvent.objects.order_by("id").values_list(
            "actor_kind", "actor", "doctor_ref", "action", "object_type", "object_id"))


def test_workflow_reads_changes_and_sign_off_are_audited(api_client, api_key, doctor, doctor_client, clinic,
                                                         other_clinic):
    created = api_client.post("/v1/transcriptions/create", TRANSCRIPT, format="json", HTTP_X_DOCTOR="dr-4711")
    assert created.status_code == 201, created.content
    transcription_id = created.json()["transcription"]["id"]
    note_id = created.json()["transcription"]["clinical_note_id"]
    assert api_client.get(f"/v1/transcriptions/{transcription_id}", HTTP_X_DOCTOR="dr-4711").status_code == 200
    assert doctor_client.get(f"/v1/clinical-notes/{note_id}").status_code == 200
    content = {"subjective": "Sore throat since Monday.", "objective": "", "assessment": "Pharyngitis.",
               "plan": "Rest."}
    patched = api_client.patch(f"/v1/clinical-notes/{note_id}", {"template": "SOAP", "ai_generated_content": content},
                               format="json", HTTP_X_DOCTOR="dr-4711")
    assert patched.status_code == 200, patched.content
    assert doctor_client.post(f"/v1/clinical-notes/{note_id}/sign-off").status_code == 200

    prefix = f"api_key:{api_key[:12]}"
    events = _events(clinic)
    assert [(kind, action, kind_of) for kind, _, _, action, kind_of, _ in events] == [
        ("api_key", "create", "transcript"), ("api_key", "read", "transcript"), ("user", "read", "note"),
        ("api_key", "change", "note"), ("user", "sign", "note")]
    assert events[0][1] == prefix and events[3][1] == prefix  # the key's public prefix, never the key
    assert events[0][2] == "dr-4711" and events[3][2] == "dr-4711"
    assert events[2][1] == doctor.uid and events[4][1] == doctor.uid
    assert {events[0][5], events[1][5]} == {transcription_id} and {e[5] for e in events[2:]} == {note_id}
    assert _events(other_clinic) == []  # nothing counted in the other clinic's log


def test_refused_requests_leave_no_event(api_client, other_api_client, clinic, other_clinic):
    created = api_client.post("/v1/transcriptions/create", TRANSCRIPT, format="json", HTTP_X_DOCTOR="dr-1")
    note_id = created.json()["transcription"]["clinical_note_id"]
    before = _events(clinic)
    assert other_api_client.get(f"/v1/clinical-notes/{note_id}").status_code == 404
    assert _events(clinic) == before and _events(other_clinic) == []


def test_audit_table_is_append_only_in_the_database(clinic):
    with schema_context(clinic.schema_name):
        event = AuditEvent.objects.create(actor_kind="system", actor="system", action="read", object_type="note",
                                          object_id="x")
        for statement in ("UPDATE audit_auditevent SET actor = 'someone else'", "DELETE FROM audit_auditevent",
                          "TRUNCATE audit_auditevent"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(statement)
        with pytest.raises(PermissionError):
            event.delete()
        event.actor = "changed"
        with pytest.raises(PermissionError):
            event.save()
        assert AuditEvent.objects.get(pk=event.pk).actor == "system"


def test_admin_shows_the_clinics_own_log_read_only(clinic, other_clinic):
    with schema_context(clinic.schema_name):
        event = AuditEvent.objects.create(actor_kind="user", actor="uid-a", action="read", object_type="note",
                                          object_id="note-of-clinic-a")
    with schema_context(other_clinic.schema_name):
        AuditEvent.objects.create(actor_kind="user", actor="uid-b", action="read", object_type="note",
                                  object_id="note-of-clinic-b")
    staff = User.objects.create_user("auditor", "a@example.org", "pw-auditor-123", is_staff=True)
    StaffMembership.objects.create(user=staff, clinic=clinic)
    client = Client(HTTP_HOST="clinic-a.localhost")
    client.force_login(staff)
    page = client.get("/admin/audit/auditevent/")
    assert page.status_code == 200
    assert b"note-of-clinic-a" in page.content and b"note-of-clinic-b" not in page.content
    detail = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    assert client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"actor": "x"}).status_code == 403
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    with schema_context(clinic.schema_name):
        assert AuditEvent.objects.get(pk=event.pk).actor == "uid-a"
    # Clinic A's staff on clinic B's host see nothing of B's log.
    other_host = Client(HTTP_HOST="clinic-b.localhost")
    other_host.force_login(staff)
    assert b"note-of-clinic-b" not in other_host.get("/admin/audit/auditevent/").content


def _events_since(clinic, first_id: int) -> list[tuple]:
    with schema_context(clinic.schema_name):
        return list(AuditEvent.objects.filter(id__gt=first_id).order_by("id").values_list(
            "actor_kind", "action", "object_type", "object_id", "method", "path"))


def _last_event_id(clinic) -> int:
    with schema_context(clinic.schema_name):
        return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_langgraph_threads_and_runs_are_audited_once_per_request(api_client, other_api_client, clinic, other_clinic,
                                                               settings, django_capture_on_commit_callbacks):
    """Every LangGraph-protocol answer that shows or changes a thread's messages (transcript, note) writes
    one event on the thread; a run that reads a stored transcription adds a read of that transcript."""
    lg, doctor = "/v1/lang-graph", {"HTTP_X_DOCTOR": "dr-77"}
    record = api_client.post("/v1/transcriptions", TRANSCRIPT, format="json").json()["id"]
    thread = api_client.post(f"{lg}/threads", {}, format="json", **doctor).json()["thread_id"]
    body = {"input": {"messages": [{"role": "user", "content": "Write a SOAP note."}]},
            "config": {"configurable": {"thread_id": thread, "transcription_id": record}}}
    start = _last_event_id(clinic)
    with django_capture_on_commit_callbacks(execute=True):
        run = api_client.post(f"{lg}/threads/{thread}/runs", body, format="json", **doctor).json()["run_id"]
    reads = [f"{lg}/threads/{thread}", f"{lg}/threads/{thread}/state", f"{lg}/threads/{thread}/runs",
             f"{lg}/threads/{thread}/runs/{run}", f"{lg}/threads/{thread}/runs/{run}/join",
             f"/v1/threads/{thread}", f"/v1/threads/{thread}/runs/{run}", f"/v1/threads/{thread}/runs/{run}/join"]
    for path in reads:
        answer = api_client.get(path)
        assert answer.status_code == 200, (path, answer.content)
    again = api_client.post(f"{lg}/threads", {"thread_id": thread, "if_exists": "do_nothing"}, format="json", **doctor)
    assert again.status_code == 200
    settings.MEDSYNC_RUN_JOIN_TIMEOUT_SECONDS = 0.3  # the run stays pending here (no on-commit execution)
    waited = api_client.post(f"{lg}/threads/{thread}/runs/wait", body, format="json", **doctor)
    assert waited.status_code == 202

    events = _events_since(clinic, start)
    assert {e[0] for e in events} == {"api_key"}
    assert [(action, kind, object_id) for _, action, kind, object_id, _, _ in events] == [
        ("change", "thread", thread), ("read", "transcript", record)] + [("read", "thread", thread)] * len(reads) + [
        ("read", "thread", thread), ("change", "thread", thread), ("read", "transcript", record),
        ("read", "thread", thread)]
    assert [path for *_, path in events[2:2 + len(reads)]] == reads  # the path names the run that was read
    before = _last_event_id(clinic)
    created = api_client.post(f"{lg}/threads", {}, format="json", **doctor).json()["thread_id"]
    assert _events_since(clinic, before)[0][1:4] == ("create", "thread", created)

    # Refused requests (another clinic's key with clinic A's ids) write nothing anywhere.
    before = _last_event_id(clinic)
    for path in reads:
        assert other_api_client.get(path).status_code == 404
    assert _events_since(clinic, before) == [] and _events(other_clinic) == []
    # Ids only: no field of any event holds the transcript or the note.
    with schema_context(clinic.schema_name):
        stored = " ".join(" ".join(map(str, row)) for row in AuditEvent.objects.values_list())
    assert "sore throat" not in stored.lower() and "SOAP" not in stored


def test_admin_pages_of_clinical_records_are_audited_as_staff(api_client, clinic, other_clinic):
    """Clinic staff (and the operator on the clinic's host) opening a note, transcription, thread or
    recording in the admin: one ``read`` by ``staff`` each; refused pages write nothing; saves and
    deletes through the admin's hooks write ``change`` / ``delete``."""
    from django.contrib import admin
    from django.test import RequestFactory

    from notes.models import ClinicalNote, Thread
    from transcription.models import Recording, TranscriptionRecord

    created = api_client.post("/v1/transcriptions", TRANSCRIPT, format="json").json()
    thread_id = api_client.post("/v1/threads", {}, format="json").json()["thread_id"]
    with schema_context(clinic.schema_name):
        recording = Recording.objects.create(original_filename="visit.wav", duration_seconds=3.0)
        note = ClinicalNote.objects.get(uuid=created["clinical_note_id"])
        record = TranscriptionRecord.objects.get(uuid=created["id"])
        thread = Thread.objects.get(uuid=thread_id)
    pages = [("notes/clinicalnote", note, "note"), ("transcription/transcriptionrecord", record, "transcript"),
             ("notes/thread", thread, "thread"), ("transcription/recording", recording, "recording")]
    staff = User.objects.create_user("records-clerk", "c@example.org", "pw-clerk-123", is_staff=True)
    StaffMembership.objects.create(user=staff, clinic=clinic)
    operator = User.objects.create_superuser("operator", "o@example.org", "pw-operator-123")
    start = _last_event_id(clinic)
    for user in (staff, operator):
        client = Client(HTTP_HOST="clinic-a.localhost")
        client.force_login(user)
        assert client.get("/admin/notes/clinicalnote/").status_code == 200  # lists hold no content: no event
        for path, obj, _ in pages:
            page = client.get(f"/admin/{path}/{obj.pk}/change/")
            assert page.status_code == 200, path
    events = _events_since(clinic, start)
    assert [(kind, action, object_type, object_id, method) for kind, action, object_type, object_id, method, _ in events] \
        == [("staff", "read", object_type, str(obj.uuid), "GET") for _ in (staff, operator) for _, obj, object_type in pages]
    with schema_context(clinic.schema_name):
        assert list(AuditEvent.objects.filter(id__gt=start).values_list("actor", flat=True).distinct().order_by(
            "actor")) == ["operator", "records-clerk"]
    assert _events(other_clinic) == []

    # Refused: a read-only record's change (403), and clinic A's records from clinic B's host (none there).
    before = _last_event_id(clinic)
    clerk = Client(HTTP_HOST="clinic-a.localhost")
    clerk.force_login(staff)
    assert clerk.post(f"/admin/notes/clinicalnote/{note.pk}/change/", {"feedback": "x"}).status_code == 403
    assert clerk.post(f"/admin/notes/clinicalnote/{note.pk}/delete/", {"post": "yes"}).status_code == 403
    elsewhere = Client(HTTP_HOST="clinic-b.localhost")
    elsewhere.force_login(operator)
    assert elsewhere.get(f"/admin/notes/clinicalnote/{note.pk}/change/").status_code in (302, 404)
    assert _events_since(clinic, before) == [] and _events(other_clinic) == []

    # The hooks every admin save and delete goes through (these admins refuse both to users today).
    request = RequestFactory().post("/admin/notes/clinicalnote/", HTTP_HOST="clinic-a.localhost")
    request.user = staff
    model_admin = admin.site._registry[ClinicalNote]
    with schema_context(clinic.schema_name):
        model_admin.save_model(request, note, form=None, change=True)
        model_admin.delete_queryset(request, ClinicalNote.objects.filter(pk=note.pk))
        assert not ClinicalNote.objects.filter(pk=note.pk).exists()
    assert [e[:4] for e in _events_since(clinic, before)] == [
        ("staff", "change", "note", str(note.uuid)), ("staff", "delete", "note", str(note.uuid))]


def test_platform_transcribe_audits_the_recording_transcript_and_note(api_client, api_key, clinic, other_clinic):
    """``POST /v1/transcribe`` answers with the transcript and the note it stored: three ``create`` events."""
    import io
    import wave

    from django.core.files.uploadedfile import SimpleUploadedFile

    from notes.models import ClinicalNote

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:  # two seconds of silence: the pipeline runs without a speech model
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
        out.writeframes(b"\x00\x00" * 32000)
    audio = SimpleUploadedFile("visit.wav", buffer.getvalue(), content_type="audio/wav")
    answer = api_client.post("/v1/transcribe", {"audio": audio}, format="multipart", HTTP_X_DOCTOR="dr-9")
    assert answer.status_code == 200, answer.content
    with schema_context(clinic.schema_name):
        note = ClinicalNote.objects.select_related("recording").get()
    recording_id, prefix = str(note.recording.uuid), f"api_key:{api_key[:12]}"
    assert _events(clinic) == [("api_key", prefix, "dr-9", "create", "recording", recording_id),
                               ("api_key", prefix, "dr-9", "create", "transcript", recording_id),
                               ("api_key", prefix, "dr-9", "create", "note", str(note.uuid))]
    assert _events(other_clinic) == []


def test_medisync_diagnosis_is_a_read_of_the_note_it_quotes(doctor_client, doctor, clinic, other_clinic):
    from tests.records.test_patients_appointments import add_appointment, add_patient

    patient = add_patient(doctor_client, doctor)
    appointment = add_appointment(doctor_client, doctor, patient["_id"], language="en", notes_type="SOAP")["_id"]
    written = doctor_client.post(f"/api/notes/add/{appointment}", {
        "notes": "Sore throat for four days and fever last night; pharynx red.", "summary": "Acute pharyngitis."},
        format="json")
    assert written.status_code == 201, written.content
    note_id = written.json()["note"]["_id"]
    start = _last_event_id(clinic)
    assert doctor_client.post(f"/api/notes/diagnosis/{appointment}").status_code == 200
    assert [e[:4] for e in _events_since(clinic, start)] == [("user", "read", "note", note_id)]
    assert _events(other_clinic) == []
