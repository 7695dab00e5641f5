"""Doctor dashboard, server side (Django test client, real PostgreSQL, offline engines): every page and
action, roles, cross-clinic isolation, exports (PDF, FHIR) and languages."""

from __future__ import annotations

import base64
import datetime
import re
import zlib

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from notes.models import ClinicalNote, ClinicalNoteVersion
from records.models import Appointment, Patient
from tests.conftest import AUDIO, DOCTOR_PASSWORD
from tests.dashboard.conftest import HOST_A, make_appointment, make_note, make_patient, sign_in

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


# --- signing in ----------------------------------------------------------------------------------------


def test_pages_need_a_session(clinic):
    client = Client(HTTP_HOST=HOST_A)
    for path in ("/", "/app/", "/app/patients/", "/app/users/", "/app/password/"):
        response = client.get(path)
        assert response.status_code == 302 and "/app/sign-in/" in response["Location"], path


def test_sign_in_on_the_clinic_host_and_out(doctor):
    client = Client(HTTP_HOST=HOST_A, enforce_csrf_checks=True)
    page = client.get("/app/sign-in/")
    assert page.status_code == 200 and 'name="clinic"' not in html(page)  # the host names the clinic
    token = page.cookies["csrftoken"].value
    refused = client.post("/app/sign-in/", {"email": doctor.user.email, "password": "nope",
                                            "csrfmiddlewaretoken": token})
    assert refused.status_code == 401 and "Invalid e-mail, password or clinic" in html(refused)
    signed = client.post("/app/sign-in/?next=/app/patients/", {"email": doctor.user.email.upper(),
                                                                "password": DOCTOR_PASSWORD,
                                                                "csrfmiddlewaretoken": token})
    assert signed.status_code == 302 and signed["Location"] == "/app/patients/"
    home = client.get("/")
    assert home.status_code == 200 and "Dr. John Doe" in html(home)
    assert client.post("/app/sign-out/").status_code == 403  # CSRF is checked
    out = client.post("/app/sign-out/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert out.status_code == 302 and client.get("/app/").status_code == 302


def test_sign_in_refuses_another_clinics_user_on_a_clinic_host(other_doctor):
    client = Client(HTTP_HOST=HOST_A)
    response = client.post("/app/sign-in/", {"email": other_doctor.user.email, "password": DOCTOR_PASSWORD})
    assert response.status_code == 401 and "_auth_user_id" not in client.session


def test_sign_in_on_the_bare_host_names_the_clinic(doctor):
    client = Client(HTTP_HOST="localhost")
    assert 'name="clinic"' in html(client.get("/app/sign-in/"))
    wrong = client.post("/app/sign-in/", {"clinic": "clinic-b", "email": doctor.user.email,
                                          "password": DOCTOR_PASSWORD})
    assert wrong.status_code == 401
    assert client.post("/app/sign-in/", {"clinic": "clinic-a", "email": doctor.user.email,
                                         "password": DOCTOR_PASSWORD}).status_code == 302
    assert client.get("/").status_code == 302  # the bare host's / leads to /app/
    assert "Today&#x27;s schedule" in html(client.get("/app/")) or "Today's schedule" in html(client.get("/app/"))


def test_sign_in_is_rate_limited_like_the_api(doctor, settings):
    settings.MEDSYNC_LOGIN_ATTEMPTS_PER_MINUTE = 2
    client = Client(HTTP_HOST=HOST_A)
    for _ in range(2):
        client.post("/app/sign-in/", {"email": doctor.user.email, "password": "wrong"})
    limited = client.post("/app/sign-in/", {"email": doctor.user.email, "password": DOCTOR_PASSWORD})
    assert limited.status_code == 429 and "Too many sign-in attempts" in html(limited)


def test_api_login_still_answers_as_the_seed(doctor, anon_client):
    ok = anon_client.post("/api/login", {"email": doctor.user.email, "password": DOCTOR_PASSWORD}, format="json")
    assert ok.status_code == 200 and ok.json()["uid"] == doctor.uid
    bad = anon_client.post("/api/login", {"email": doctor.user.email, "password": "x"}, format="json")
    assert bad.status_code == 401 and bad.json() == {"success": False, "error": "Invalid email or password"}


def test_an_admin_only_session_is_sent_to_sign_in_and_kept(clinic):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user("operator", "op@example.com", "x", is_staff=True)
    client = Client(HTTP_HOST=HOST_A)
    client.force_login(staff)
    assert client.get("/app/").status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)  # the Django admin session stays


def test_deactivated_clinic_locks_its_users_out(clinic, doctor, doctor_web):
    clinic.is_active = False
    clinic.save(update_fields=["is_active"])
    assert doctor_web.get("/app/").status_code == 302
    assert Client(HTTP_HOST="localhost").post("/app/sign-in/", {
        "clinic": "clinic-a", "email": doctor.user.email, "password": DOCTOR_PASSWORD}).status_code == 401


def test_password_change(doctor, doctor_web):
    wrong = doctor_web.post("/app/password/", {"old_password": "nope", "new_password1": "Another-Secret-981",
                                               "new_password2": "Another-Secret-981"})
    assert wrong.status_code == 400
    changed = doctor_web.post("/app/password/", {"old_password": DOCTOR_PASSWORD, "new_password1": "Another-Secret-981",
                                                 "new_password2": "Another-Secret-981"})
    assert changed.status_code == 302 and doctor_web.get("/app/").status_code == 200  # session kept
    sign_in(doctor, host=HOST_A, password="Another-Secret-981")


def test_inactive_subscription_shows_a_403_page(clinic, doctor, doctor_web):
    clinic.subscription_status = "canceled"
    clinic.save(update_fields=["subscription_status"])
    response = doctor_web.get("/app/")
    assert response.status_code == 403 and "no active subscription" in html(response)


# --- schedule, patients, appointments ---------------------------------------------------------------------


def test_schedule_shows_own_appointments_and_admin_sees_all(clinic, doctor, colleague, clinic_admin, doctor_web):
    jane = make_patient(clinic)
    bob = make_patient(clinic, first="Bob", last="Stone")
    make_appointment(clinic, jane, by=doctor.uid, clinician=doctor.uid)
    make_appointment(clinic, bob, by=clinic_admin.uid, clinician=colleague.uid)
    mine = html(doctor_web.get("/app/"))
    assert "Jane Smith" in mine and "Bob Stone" not in mine
    everything = html(sign_in(clinic_admin, host=HOST_A).get("/app/"))
    assert "Jane Smith" in everything and "Bob Stone" in everything and "Dr. Mary Major" in everything
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "Jane Smith" not in html(doctor_web.get(f"/app/?date={tomorrow}"))


def test_patient_search_by_name_and_date_of_birth(clinic, doctor_web):
    make_patient(clinic)
    make_patient(clinic, first="Janet", last="Jones", dob=datetime.date(1990, 1, 2))
    by_name = html(doctor_web.get("/app/patients/", {"q": "jane smith"}))
    assert "Jane Smith" in by_name and "Janet Jones" not in by_name
    by_dob = html(doctor_web.get("/app/patients/", {"dob": "1990-01-02"}))
    assert "Janet Jones" in by_dob and "Jane Smith" not in by_dob
    fragment = doctor_web.get("/app/patients/", {"q": "jan"}, HTTP_HX_REQUEST="true")
    assert "<html" not in html(fragment) and "Janet Jones" in html(fragment)
    assert "No patient matches" in html(doctor_web.get("/app/patients/", {"q": "zzz"}))


def test_create_patient_with_the_api_rules(clinic, doctor, doctor_web):
    bad = doctor_web.post("/app/patients/new/", {"first_name": "Ana", "phone": "12"})
    assert bad.status_code == 400 and "international format" in html(bad)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert doctor_web.post("/app/patients/new/", {"first_name": "Ana", "date_of_birth": future}).status_code == 400
    ok = doctor_web.post("/app/patients/new/", {"first_name": "Ana", "last_name": "Ruiz", "phone": "+34 912 345 678"})
    assert ok.status_code == 302
    with schema_context(clinic.schema_name):
        ana = Patient.objects.get(first_name="Ana")
        assert ana.contact == {"phone": "+34912345678"} and ana.created_by == doctor.uid
    assert str(ana.uuid) in ok["Location"]


def test_schedule_an_appointment_with_template_and_language(clinic, doctor, doctor_web):
    jane = make_patient(clinic)
    page = doctor_web.get(f"/app/patients/{jane.uuid}/")
    assert page.status_code == 200 and 'name="notes_type"' in html(page) and 'name="clinician"' not in html(page)
    response = doctor_web.post(f"/app/patients/{jane.uuid}/", {
        "name": "Follow-up", "date": timezone.localdate().isoformat(), "time": "10:15", "notes_type": "dental_exam",
        "language": "es", "appointment_type": "in_person"})
    assert response.status_code == 302
    with schema_context(clinic.schema_name):
        appointment = Appointment.objects.get(name="Follow-up")
    assert (appointment.notes_type, appointment.language, appointment.clinician_uid) == ("dental_exam", "es", doctor.uid)
    assert response["Location"] == f"/app/encounters/{appointment.uuid}/"
    bad = doctor_web.post(f"/app/patients/{jane.uuid}/", {"name": "X", "date": "2026-01-01", "time": "10:00",
                                                          "notes_type": "nope", "language": "en",
                                                          "appointment_type": "in_person"})
    assert bad.status_code == 400


def test_users_page_is_for_clinic_admins(clinic, doctor, clinic_admin, other_doctor, doctor_web):
    assert doctor_web.get("/app/users/").status_code == 403
    page = html(sign_in(clinic_admin, host=HOST_A).get("/app/users/"))
    assert doctor.user.email in page and "Clinic admin" in page and other_doctor.user.email not in page


# --- encounter and note review ---------------------------------------------------------------------------


def test_encounter_shows_transcript_note_and_evidence(visit, doctor_web):
    appointment, note = visit
    page = html(doctor_web.get(f"/app/encounters/{appointment.uuid}/"))
    assert 'id="utt-1"' in page and "sore throat for four days" in page
    assert note.evidence, "the offline engine gives the provenance of every sentence"
    traced = re.findall(r'class="sentence[^"]*" tabindex="0" role="button" aria-describedby="evidence-help" '
                        r'data-utterances="([\d ]*)"', page)
    assert traced and any(t.strip() for t in traced)
    assert all(int(i) < 5 for t in traced for i in t.split())
    assert "Version 1" in page and 'id="sign-off"' in page


def test_unsupported_sentences_are_flagged_with_their_reasons(clinic, visit, doctor_web):
    appointment, note = visit
    with schema_context(clinic.schema_name):
        entry = next(e for e in note.evidence if e["sentence"] and e["sentence"] in note.sections[e["section"]])
        note.evidence = [dict(e, supported=False, reasons=["number 800 not in transcript"]) if e is entry else e
                         for e in note.evidence]
        note.save(update_fields=["evidence"])
    page = html(doctor_web.get(f"/app/encounters/{appointment.uuid}/"))
    assert "1 sentence is not supported by the transcript" in page
    assert "(not supported by the transcript: number 800 not in transcript)" in page
    assert 'class="sentence unsupported"' in page


def test_write_the_note_from_typed_notes(clinic, doctor, doctor_web):
    patient = make_patient(clinic, by=doctor.uid)
    appointment = make_appointment(clinic, patient, by=doctor.uid, clinician=doctor.uid)
    url = f"/app/encounters/{appointment.uuid}/note/generate/"
    assert doctor_web.post(url, {"notes": ""}).status_code == 400  # nothing to document
    assert doctor_web.post(url, {"notes": "Sore throat for 4 days. Acute pharyngitis."}).status_code == 302
    with schema_context(clinic.schema_name):
        appointment.refresh_from_db()
        note = appointment.note
    assert note is not None and "sore throat" in note.content.lower()
    assert all(e.get("from_clinician_notes") for e in note.evidence if not e["utterances"])


def test_section_autosave_versions_diff_and_restore(clinic, visit, doctor, doctor_web):
    appointment, note = visit
    url = f"/app/encounters/{appointment.uuid}/note/"
    saved = doctor_web.post(url + "section/", {"section": "plan", "text": "Ibuprofen 400 mg. Review in one week."},
                            HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and "Saved as version 2" in html(saved)
    assert 'hx-swap-oob="true"' in html(saved)
    again = doctor_web.post(url + "section/", {"section": "plan", "text": "Ibuprofen 400 mg. Review in one week."})
    assert "Saved as version 2" in html(again)  # unchanged text: no new version
    assert doctor_web.post(url + "section/", {"section": "nope", "text": "x"}).status_code == 400
    versions = html(doctor_web.get(url + "versions/", {"version": 2}))
    assert "<ins>+ Ibuprofen 400 mg. Review in one week.</ins>" in versions and "<del>" in versions
    assert doctor_web.get(url + "versions/", {"version": 9}).status_code == 404
    assert doctor_web.post(url + "restore/", {"version": 1}).status_code == 302
    with schema_context(clinic.schema_name):
        note.refresh_from_db()
        first = ClinicalNoteVersion.objects.get(note=note, version=1)
        assert note.version == 3 and note.content == first.content and note.updated_by == doctor.uid
    assert doctor_web.post(url + "restore/", {"version": 42}).status_code == 404


def test_sign_off_makes_the_note_read_only(clinic, visit, doctor, clinic_admin, doctor_web):
    appointment, note = visit
    url = f"/app/encounters/{appointment.uuid}/note/"
    assert sign_in(clinic_admin, host=HOST_A).post(url + "sign/").status_code == 403  # staff do not sign notes
    assert doctor_web.post(url + "sign/").status_code == 302
    page = html(doctor_web.get(f"/app/encounters/{appointment.uuid}/"))
    assert "Signed off by Dr. John Doe" in page and "<textarea id=\"edit-plan\"" not in page
    assert doctor_web.post(url + "section/", {"section": "plan", "text": "changed"}).status_code == 409
    assert doctor_web.post(url + "restore/", {"version": 1}).status_code == 409
    assert doctor_web.post(url + "feedback/", {"feedback": "x"}).status_code == 409
    with schema_context(clinic.schema_name):
        note.refresh_from_db()
        assert note.signed_off_by_uid == doctor.uid and note.version == 1 and "changed" not in note.content


def test_feedback_is_kept(clinic, visit, doctor_web):
    appointment, note = visit
    response = doctor_web.post(f"/app/encounters/{appointment.uuid}/note/feedback/", {"feedback": "Plan too short"})
    assert response.status_code == 200
    with schema_context(clinic.schema_name):
        note.refresh_from_db()
    assert note.feedback == "Plan too short"


def test_icd10_suggestions_with_evidence_accept_and_reject(clinic, visit, doctor_web):
    appointment, note = visit
    url = f"/app/encounters/{appointment.uuid}/diagnoses/"
    listed = html(doctor_web.post(url))
    assert "J02.9" in listed and "“" in listed  # pharyngitis, with its quoted evidence
    assert html(doctor_web.post(url + "decide/", {"code": "J02.9", "decision": "accepted"})).count("Accepted") >= 1
    assert doctor_web.post(url + "decide/", {"code": "Z99.9", "decision": "accepted"}).status_code == 400
    assert doctor_web.post(url + "decide/", {"code": "J02.9", "decision": "maybe"}).status_code == 400
    doctor_web.post(url)  # suggesting again keeps the decision
    with schema_context(clinic.schema_name):
        note.refresh_from_db()
    stored = {d["code"]: d for d in note.diagnoses}
    assert stored["J02.9"]["decision"] == "accepted" and stored["J02.9"]["evidence"]


def _pdf_text(pdf: bytes) -> str:
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = stream.strip()
        if data.endswith(b"~>"):  # ReportLab's default filters: ASCII85 over Flate
            data = base64.a85decode(data[:-2].replace(b"\n", b""))
        try:
            chunks.append(zlib.decompress(data).decode("latin-1"))
        except zlib.error:
            chunks.append(data.decode("latin-1"))
    return "".join(chunks)


def test_pdf_download(visit, doctor_web):
    appointment, note = visit
    response = doctor_web.get(f"/app/encounters/{appointment.uuid}/note/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and b"/Type /Page" in pdf
    text = _pdf_text(pdf)
    assert "Jane Smith" in text and "Not signed off" in text and "Subjective" in text


def _check_fhir(bundle: dict, note, patient) -> None:
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)  # raises when not valid FHIR
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Composition", "DocumentReference"]
    composition, document = (e["resource"] for e in bundle["entry"])
    assert composition["subject"]["reference"] == f"Patient/{patient.uuid}"
    assert [s["title"] for s in composition["section"]] == ["Subjective", "Objective", "Assessment", "Plan"]
    import base64

    assert base64.b64decode(document["content"][0]["attachment"]["data"]).decode() == note.content


def test_fhir_download_and_api(clinic, visit, doctor, doctor_web, doctor_client, other_doctor_client):
    appointment, note = visit
    with schema_context(clinic.schema_name):
        patient = appointment.patient
    response = doctor_web.get(f"/app/encounters/{appointment.uuid}/note/fhir/")
    assert response.status_code == 200 and response["Content-Type"] == "application/fhir+json"
    bundle = response.json()
    _check_fhir(bundle, note, patient)
    assert bundle["entry"][0]["resource"]["status"] == "preliminary"
    doctor_web.post(f"/app/encounters/{appointment.uuid}/note/sign/")
    api = doctor_client.get(f"/api/notes/{appointment.uuid}/fhir")
    assert api.status_code == 200
    _check_fhir(api.json(), note, patient)
    composition = api.json()["entry"][0]["resource"]
    assert composition["status"] == "final" and composition["attester"][0]["party"]["display"] == "Dr. John Doe"
    assert other_doctor_client.get(f"/api/notes/{appointment.uuid}/fhir").status_code == 404


def test_note_api_exposes_evidence_as_extra_fields(visit, doctor_client):
    appointment, note = visit
    body = doctor_client.get(f"/api/notes/{appointment.uuid}").json()
    assert body["note"]["evidence"] == note.evidence and "unsupported_sentences" in body["note"]
    assert all(set(e) >= {"section", "sentence", "utterances", "supported", "reasons"} for e in body["note"]["evidence"])


def test_upload_a_recording_and_poll_to_the_note(clinic, doctor, doctor_web, django_capture_on_commit_callbacks):
    patient = make_patient(clinic, by=doctor.uid)
    appointment = make_appointment(clinic, patient, by=doctor.uid, clinician=doctor.uid)
    url = f"/app/encounters/{appointment.uuid}/"
    assert doctor_web.post(url + "recording/", {}).status_code == 400
    from django.core.files.uploadedfile import SimpleUploadedFile

    not_audio = doctor_web.post(url + "recording/", {"audio": SimpleUploadedFile("a.wav", b"not audio at all")})
    assert not_audio.status_code == 400 and "error" in not_audio.json()
    with django_capture_on_commit_callbacks(execute=True):
        response = doctor_web.post(url + "recording/", {"audio": (AUDIO / "visit_D2N041_4turns.wav").open("rb")})
    assert response.status_code == 202, response.content
    status = doctor_web.get(url + "status/").json()
    assert status == {"status": "completed", "failure_reason": None, "note_ready": True}
    page = html(doctor_web.get(url))
    assert 'id="utt-0"' in page and 'id="note-heading"' in page
    with schema_context(clinic.schema_name):
        appointment.refresh_from_db()
        note = ClinicalNote.objects.get(recording=appointment.recording)
        segments = appointment.recording.transcript.segments.count()
    assert note.evidence and all(i < segments for e in note.evidence for i in e["utterances"])


def test_processing_survives_a_reload(clinic, doctor, doctor_web):
    """A recording still being processed (a Celery worker has it): the page polls again after a reload."""
    from transcription.models import Recording

    patient = make_patient(clinic, by=doctor.uid)
    appointment = make_appointment(clinic, patient, by=doctor.uid, clinician=doctor.uid)
    with schema_context(clinic.schema_name):
        recording = Recording.objects.create(language="en", status=Recording.Status.PROCESSING,
                                             source=Recording.Source.APPOINTMENT)
        Appointment.objects.filter(pk=appointment.pk).update(recording=recording)
    page = html(doctor_web.get(f"/app/encounters/{appointment.uuid}/"))
    assert 'data-processing="1"' in page and "Processing the recording…" in page
    assert doctor_web.get(f"/app/encounters/{appointment.uuid}/status/").json() == {
        "status": "processing", "failure_reason": None, "note_ready": False}
    from django.core.files.uploadedfile import SimpleUploadedFile

    busy = doctor_web.post(f"/app/encounters/{appointment.uuid}/recording/",
                           {"audio": SimpleUploadedFile("v.wav", (AUDIO / "visit_D2N041_4turns.wav").read_bytes())})
    assert busy.status_code == 409 and "still being processed" in busy.json()["error"]


def test_upload_limit(clinic, doctor, doctor_web, settings):
    settings.MEDSYNC_RECORDING_MAX_BYTES = 1000
    patient = make_patient(clinic, by=doctor.uid)
    appointment = make_appointment(clinic, patient, by=doctor.uid, clinician=doctor.uid)
    response = doctor_web.post(f"/app/encounters/{appointment.uuid}/recording/",
                               {"audio": (AUDIO / "visit_D2N041_4turns.wav").open("rb")})
    assert response.status_code == 413 and "error" in response.json()


def test_live_attach_checks_the_recording(clinic, visit, doctor_web):
    appointment, _ = visit
    url = f"/app/encounters/{appointment.uuid}/live/"
    assert doctor_web.post(url, {"recording_id": "nope"}).status_code == 400
    with schema_context(clinic.schema_name):
        uploaded = appointment.recording  # an uploaded, not a live, recording
    assert doctor_web.post(url, {"recording_id": str(uploaded.uuid)}).status_code == 400


# --- isolation: clinics and clinicians ---------------------------------------------------------------------


def test_another_clinic_never_sees_a_clinics_pages(clinic, other_clinic, visit, doctor, other_doctor, other_web):
    appointment, note = visit
    with schema_context(clinic.schema_name):
        patient = appointment.patient
    a_paths = [f"/app/patients/{patient.uuid}/", f"/app/encounters/{appointment.uuid}/",
               f"/app/encounters/{appointment.uuid}/status/", f"/app/encounters/{appointment.uuid}/note/pdf/",
               f"/app/encounters/{appointment.uuid}/note/fhir/", f"/app/encounters/{appointment.uuid}/note/versions/"]
    for path in a_paths:  # B's session on B's host: A's ids do not exist there
        assert other_web.get(path).status_code == 404, path
    for path in ("/app/", "/app/patients/", *a_paths):  # B's session cookie sent to A's host
        intruder = Client(HTTP_HOST=HOST_A)
        intruder.cookies = other_web.cookies
        assert intruder.get(path).status_code == 404, path
    for path in ("sign/", "section/", "restore/", "feedback/"):
        assert other_web.post(f"/app/encounters/{appointment.uuid}/note/{path}",
                              {"section": "plan", "text": "x", "version": 1}).status_code == 404
    assert "Jane Smith" not in html(other_web.get("/app/patients/", {"q": "Jane"}))
    assert "Jane Smith" not in html(other_web.get("/app/"))
    bare = sign_in(other_doctor)  # bare host: B's clinic chosen at sign-in
    assert bare.get(f"/app/encounters/{appointment.uuid}/").status_code == 404
    with schema_context(clinic.schema_name):
        note.refresh_from_db()
        assert note.version == 1 and note.signed_off_at is None


def test_a_clinician_never_sees_a_colleagues_encounter(clinic, visit, colleague, clinic_admin):
    appointment, _ = visit
    colleague_web = sign_in(colleague, host=HOST_A)
    assert colleague_web.get(f"/app/encounters/{appointment.uuid}/").status_code == 404
    assert colleague_web.post(f"/app/encounters/{appointment.uuid}/note/sign/").status_code == 404
    assert sign_in(clinic_admin, host=HOST_A).get(f"/app/encounters/{appointment.uuid}/").status_code == 200


# --- languages -----------------------------------------------------------------------------------------------


def test_spanish_pages_and_english_api(doctor, doctor_web, anon_client):
    spanish = html(doctor_web.get("/app/", HTTP_ACCEPT_LANGUAGE="es"))
    assert "Agenda de hoy" in spanish and 'lang="es"' in spanish
    doctor_web.post("/app/language/", {"language": "es", "next": "/app/"})
    assert "Pacientes" in html(doctor_web.get("/app/patients/"))
    api = anon_client.post("/api/login", {"email": "x@example.com", "password": "y"}, format="json",
                           HTTP_ACCEPT_LANGUAGE="es")
    assert api.json()["error"] == "Invalid email or password"


def test_reads_changes_sign_off_and_exports_are_in_the_clinics_audit_log(clinic, other_clinic, visit, doctor,
                                                                        doctor_web, doctor_client):
    from audit.models import AuditEvent

    appointment, note = visit
    url = f"/app/encounters/{appointment.uuid}/"
    assert doctor_web.get(url).status_code == 200
    assert doctor_web.post(url + "note/section/", {"section": "plan", "text": "Rest and fluids."}).status_code == 200
    assert doctor_web.get(url + "note/pdf/").status_code == 200
    assert doctor_web.get(url + "note/fhir/").status_code == 200
    assert doctor_web.post(url + "note/sign/").status_code == 302
    assert doctor_client.get(f"/api/notes/{appointment.uuid}/fhir").status_code == 200
    with schema_context(clinic.schema_name):
        events = list(AuditEvent.objects.filter(object_id=str(note.uuid)).order_by("pk")
                      .values_list("action", "actor_kind", "actor"))
    assert [a for a, _, _ in events] == ["read", "change", "export", "export", "sign", "export"]
    assert {(kind, actor) for _, kind, actor in events} == {("user", doctor.uid)}
    with schema_context(other_clinic.schema_name):
        assert not AuditEvent.objects.filter(object_id=str(note.uuid)).exists()


def test_recording_upload_without_the_csrf_token_is_refused(visit, doctor):
    from django.test import Client

    appointment, _ = visit
    client = Client(HTTP_HOST=HOST_A, enforce_csrf_checks=True)
    client.force_login(doctor.user)
    response = client.post(f"/app/encounters/{appointment.uuid}/recording/", {"audio": b""})
    assert response.status_code == 403
