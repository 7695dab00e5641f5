"""MediSync API: recordings (async processing through the Celery task), transcriptions, notes, diagnosis."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest
import simple_icd_10_cm as icd
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from notes.models import ClinicalNote, ClinicalNoteVersion
from tests.conftest import AUDIO
from tests.records.test_patients_appointments import add_appointment, add_patient
from transcription.models import Recording, Transcript, TranscriptSegment

pytestmark = pytest.mark.django_db

SOAP_KEYS = {"subjective", "objective", "assessment", "plan"}


def wav_bytes(seconds: float = 1.0, rate: int = 16000, tone_hz: float = 440.0) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    samples = 0.3 * np.sin(2 * np.pi * tone_hz * t)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


@pytest.fixture
def appointment(doctor_client, doctor) -> dict:
    jane = add_patient(doctor_client, doctor)
    return add_appointment(doctor_client, doctor, jane["_id"], language="en", notes_type="SOAP")


def upload(client, appointment_id: str, content: bytes, name: str = "visit.wav", uid: str = ""):
    query = f"?uid={uid}" if uid else ""
    return client.post(f"/api/recordings/add/{appointment_id}{query}",
                       {"audio": SimpleUploadedFile(name, content, content_type="audio/wav")}, format="multipart")


# --- uploads -----------------------------------------------------------------------------------------


def test_upload_is_accepted_stored_and_queued(doctor_client, doctor, appointment, clinic):
    response = upload(doctor_client, appointment["_id"], wav_bytes(2.0), uid=doctor.uid)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["success"] is True and body["appointment_id"] == appointment["_id"]
    recording = body["recording"]
    assert set(recording) == {"_id", "status", "failure_reason", "format", "size_bytes", "duration_seconds",
                              "language", "original_filename", "created_at", "processed_at"}
    # The processing task runs on commit; inside this test's transaction it has not run.
    assert recording["status"] == "uploaded" and recording["format"] == "wav"
    assert recording["duration_seconds"] == pytest.approx(2.0, abs=0.01)
    assert recording["original_filename"] == "visit.wav" and recording["language"] == "en"
    shown = doctor_client.get(f"/api/appointments/{appointment['_id']}").json()["appointment"]["recording"]
    assert shown["_id"] == recording["_id"] and shown["status"] == "uploaded"
    with schema_context(clinic.schema_name):
        stored = Recording.objects.get(uuid=recording["_id"])
        assert stored.source == "appointment" and stored.template_key == "SOAP"
        assert stored.audio.storage.exists(stored.audio.name) and clinic.schema_name in stored.audio.path
        assert stored.size_bytes == len(wav_bytes(2.0))

    pending = doctor_client.get(f"/api/transcriptions/{appointment['_id']}")
    assert pending.status_code == 202 and pending["Retry-After"] == "5"
    assert pending.json() == {"success": False, "status": "uploaded",
                              "error": "Transcription in progress; retry shortly"}
    again = upload(doctor_client, appointment["_id"], wav_bytes(1.0))
    assert again.status_code == 409 and again.json()["success"] is False


@pytest.mark.parametrize("content,name,message", [
    (b"this is not audio at all " * 100, "notes.wav", "audio: the file is not a recognised audio recording"),
    (b"", "empty.wav", "audio: the uploaded file is empty"),
])
def test_bad_uploads_are_400(doctor_client, appointment, clinic, content, name, message):
    response = upload(doctor_client, appointment["_id"], content, name)
    assert response.status_code == 400
    assert response.json()["success"] is False and response.json()["error"].startswith(message)
    with schema_context(clinic.schema_name):
        assert not Recording.objects.exists()


def test_upload_without_file_is_400(doctor_client, appointment):
    response = doctor_client.post(f"/api/recordings/add/{appointment['_id']}", {"x": "1"}, format="multipart")
    assert response.status_code == 400 and response.json()["error"].startswith("audio: no file uploaded")


def test_upload_over_the_limit_is_413(doctor_client, appointment, settings, clinic):
    settings.MEDSYNC_RECORDING_MAX_BYTES = 32 * 1024
    response = upload(doctor_client, appointment["_id"], wav_bytes(3.0))
    assert response.status_code == 413
    assert response.json()["success"] is False and "too large" in response.json()["error"]
    with schema_context(clinic.schema_name):
        assert not Recording.objects.exists()


def test_default_upload_limit_is_500_mb(settings):
    assert settings.MEDSYNC_RECORDING_MAX_BYTES == 500 * 1024 * 1024


def test_failed_processing_is_reported(doctor_client, appointment, settings, clinic,
                                       django_capture_on_commit_callbacks):
    """The real Celery task runs (eagerly); the recording is too long for the limit set meanwhile."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(doctor_client, appointment["_id"], wav_bytes(3.0))
    assert response.status_code == 202 and len(callbacks) == 1
    settings.MEDSYNC_MAX_AUDIO_SECONDS = 1.0
    callbacks[0]()  # process_uploaded_recording.delay(...), in-process without a broker
    failed = doctor_client.get(f"/api/transcriptions/{appointment['_id']}")
    assert failed.status_code == 422
    body = failed.json()
    assert body["success"] is False and body["status"] == "failed"
    assert body["error"].startswith("Cannot process recording:") and "limit" in body["error"]
    recording = doctor_client.get(f"/api/appointments/{appointment['_id']}").json()["appointment"]["recording"]
    assert recording["status"] == "failed" and recording["failure_reason"] == body["error"]
    # A failed recording may be replaced.
    assert upload(doctor_client, appointment["_id"], wav_bytes(1.0)).status_code == 202


def test_transcription_without_recording_is_404(doctor_client, appointment):
    response = doctor_client.get(f"/api/transcriptions/{appointment['_id']}")
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "No recording for this appointment yet"}


def test_transcription_shape(doctor_client, appointment, clinic):
    """The endpoint maps stored segments to the seed's shape (the pipeline itself: slow test below)."""
    upload(doctor_client, appointment["_id"], wav_bytes(1.0))
    with schema_context(clinic.schema_name):
        recording = Recording.objects.get()
        recording.status = Recording.Status.COMPLETED
        recording.save()
        transcript = Transcript.objects.create(recording=recording, language="en", engine="test", duration_seconds=7.5)
        TranscriptSegment.objects.create(transcript=transcript, index=0, speaker=0, start=0.0, end=3.504,
                                         text="Hello, how are you feeling today?")
        words = [{"text": "I've", "start": 4.0, "end": 4.3, "confidence": 0.91},
                 {"text": "chest", "start": 5.0, "end": 5.4, "confidence": 0.32}]
        TranscriptSegment.objects.create(transcript=transcript, index=1, speaker=1, start=4.0, end=7.2,
                                         text="I've been having some chest pain recently.", confidence=0.61,
                                         words=words)
    response = doctor_client.get(f"/api/transcriptions/{appointment['_id']}")
    assert response.status_code == 200
    # The seed's fields, plus the extra confidence fields (None/[] when the engine gave no word detail)
    # and speaker_name (None while nobody named the encounter's speakers).
    assert response.json() == {"success": True, "transcription": [
        {"speaker": "SPEAKER_0", "text": "Hello, how are you feeling today?", "start_time": 0.0, "end_time": 3.5,
         "confidence": None, "words": [], "speaker_name": None},
        {"speaker": "SPEAKER_1", "text": "I've been having some chest pain recently.", "start_time": 4.0,
         "end_time": 7.2, "confidence": 0.61, "words": words, "speaker_name": None},
    ]}


@pytest.mark.slow
def test_recording_is_processed_by_the_celery_task_with_the_speech_pipeline(
        doctor_client, doctor, appointment, clinic, django_capture_on_commit_callbacks):
    """Upload -> on commit the Celery task (eager, in-process) runs the real offline speech pipeline."""
    content = (AUDIO / "visit_D2N041_4turns.wav").read_bytes()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(doctor_client, appointment["_id"], content)
    assert response.status_code == 202 and len(callbacks) == 1
    assert response.json()["recording"]["status"] == "uploaded"  # the task runs when the transaction commits
    recording = doctor_client.get(f"/api/appointments/{appointment['_id']}").json()["appointment"]["recording"]
    assert recording["status"] == "completed", recording["failure_reason"]
    assert recording["duration_seconds"] == pytest.approx(28.1, abs=0.1) and recording["processed_at"]

    transcription = doctor_client.get(f"/api/transcriptions/{appointment['_id']}").json()
    assert transcription["success"] is True
    segments = transcription["transcription"]
    assert segments and segments[0]["speaker"] == "SPEAKER_0"
    assert {s["speaker"] for s in segments} == {"SPEAKER_0", "SPEAKER_1"}
    assert all(0 <= s["start_time"] < s["end_time"] <= 29 for s in segments)
    words = " ".join(s["text"] for s in segments).lower()
    assert "throat" in words and "fever" in words

    note = doctor_client.get(f"/api/notes/{appointment['_id']}").json()["note"]
    assert note["template"] == "SOAP" and set(note["sections"]) == SOAP_KEYS
    assert note["content"].startswith("## Subjective") and "throat" in note["content"].lower()

    diagnosis = doctor_client.post(f"/api/notes/diagnosis/{appointment['_id']}").json()
    codes = {d["code"] for d in diagnosis["diagnoses"]}
    assert codes & {"J02.9", "R50.9", "R68.83", "R13.10"}, diagnosis
    assert all(icd.is_valid_item(c) for c in codes)
    with schema_context(clinic.schema_name):
        assert Recording.objects.get().status == Recording.Status.COMPLETED
        assert ClinicalNote.objects.get().recording is not None


# --- notes --------------------------------------------------------------------------------------------

NOTES = ("Patient reports a sore throat for four days and fever last night. "
         "On exam the pharynx is red. Diagnosis is acute pharyngitis. Start ibuprofen 400 mg.")


def test_note_from_clinician_notes(doctor_client, doctor, appointment, clinic):
    assert doctor_client.get(f"/api/notes/{appointment['_id']}").json() == {
        "success": False, "error": "No clinical note for this appointment yet"}
    response = doctor_client.post(f"/api/notes/add/{appointment['_id']}?uid={doctor.uid}",
                                  {"notes": NOTES, "summary": "Sore throat, likely viral pharyngitis."}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["success"] is True and body["appointment_id"] == appointment["_id"]
    note = body["note"]
    assert set(note) == {"_id", "template", "language", "content", "sections", "notes", "summary", "engine", "version",
                         "signed_off_at", "signed_off_by", "created_at", "updated_at",
                         "evidence", "unsupported_sentences", "diagnoses"}  # the last three: extra fields
    # Evidence: the note's sentences resting on the clinician's typed notes (no transcript here) say so.
    assert note["evidence"] and all(e["utterances"] == [] for e in note["evidence"])
    assert any(e.get("from_clinician_notes") for e in note["evidence"])
    assert (note["template"], note["language"], note["engine"], note["version"]) == ("SOAP", "en", "offline", 1)
    assert set(note["sections"]) == SOAP_KEYS
    assert note["content"].startswith("## Subjective\n") and "## Plan" in note["content"]
    assert "ibuprofen" in note["content"].lower() and "pharyngitis" in note["content"].lower()
    assert note["notes"] == NOTES and note["summary"] == "Sore throat, likely viral pharyngitis."
    assert doctor_client.get(f"/api/notes/{appointment['_id']}").json() == body

    second = doctor_client.post(f"/api/notes/add/{appointment['_id']}", {"notes": NOTES + " Follow up in one week."},
                                format="json").json()["note"]
    assert second["_id"] == note["_id"] and second["version"] == 2 and "week" in second["content"].lower()
    with schema_context(clinic.schema_name):
        versions = ClinicalNoteVersion.objects.filter(note__uuid=note["_id"]).order_by("version")
        assert [v.version for v in versions] == [1, 2]
        assert versions[0].content == note["content"] and versions[1].changed_by == doctor.uid


def test_note_uses_appointment_language(doctor_client, doctor):
    jane = add_patient(doctor_client, doctor)
    appointment = add_appointment(doctor_client, doctor, jane["_id"])  # de, soap_clinical_notes_de
    note = doctor_client.post(f"/api/notes/add/{appointment['_id']}", {"notes": "Halsschmerzen seit vier Tagen."},
                              format="json").json()["note"]
    assert note["language"] == "de" and note["template"] == "SOAP"
    assert note["content"].startswith("## Subjektiv")


def test_note_needs_something_to_document(doctor_client, appointment):
    response = doctor_client.post(f"/api/notes/add/{appointment['_id']}", {"notes": "", "summary": ""}, format="json")
    assert response.status_code == 400
    assert response.json() == {"success": False,
                               "error": "Send notes or a summary, or upload the appointment's recording first"}


# --- diagnosis -----------------------------------------------------------------------------------------


def test_diagnosis_from_note(doctor_client, appointment):
    assert doctor_client.post(f"/api/notes/diagnosis/{appointment['_id']}").status_code == 404
    doctor_client.post(f"/api/notes/add/{appointment['_id']}",
                       {"notes": NOTES, "summary": "Acute pharyngitis. Known high blood pressure. Denies chest pain."},
                       format="json")
    response = doctor_client.post(f"/api/notes/diagnosis/{appointment['_id']}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"success", "appointment_id", "engine", "code_system", "diagnoses"}
    assert body["engine"] == "offline" and body["code_system"] == "ICD-10-CM"
    by_code = {d["code"]: d for d in body["diagnoses"]}
    assert "J02.9" in by_code and "I10" in by_code
    assert "R07.9" not in by_code, "denied chest pain must not be suggested"
    pharyngitis = by_code["J02.9"]
    assert pharyngitis["description"] == "Acute pharyngitis, unspecified" and pharyngitis["billable"] is True
    assert 0 < pharyngitis["confidence"] <= 1
    assert any(e["source"] == "note" and "pharyngitis" in e["text"].lower() for e in pharyngitis["evidence"])
    for diagnosis in body["diagnoses"]:
        assert icd.is_valid_item(diagnosis["code"]) and diagnosis["evidence"]
        assert set(diagnosis) == {"code", "description", "confidence", "billable", "evidence"}
    confidences = [d["confidence"] for d in body["diagnoses"]]
    assert confidences == sorted(confidences, reverse=True)


# --- isolation -----------------------------------------------------------------------------------------


def test_other_clinic_cannot_reach_recordings_notes_or_diagnosis(doctor_client, appointment, other_doctor_client,
                                                                 clinic, other_clinic):
    doctor_client.post(f"/api/notes/add/{appointment['_id']}", {"notes": NOTES}, format="json")
    aid = appointment["_id"]
    for response in (
        upload(other_doctor_client, aid, wav_bytes(1.0)),
        other_doctor_client.get(f"/api/transcriptions/{aid}"),
        other_doctor_client.post(f"/api/notes/add/{aid}", {"notes": "x"}, format="json"),
        other_doctor_client.get(f"/api/notes/{aid}"),
        other_doctor_client.post(f"/api/notes/diagnosis/{aid}"),
    ):
        assert response.status_code == 404, response.content
        assert response.json() == {"success": False, "error": "Appointment not found"}
    with schema_context(other_clinic.schema_name):
        assert not Recording.objects.exists() and not ClinicalNote.objects.exists()
    with schema_context(clinic.schema_name):
        assert ClinicalNote.objects.get().version == 1


def test_endpoints_need_a_token(anon_client, appointment):
    for response in (anon_client.post(f"/api/recordings/add/{appointment['_id']}"),
                     anon_client.get(f"/api/transcriptions/{appointment['_id']}"),
                     anon_client.post(f"/api/notes/add/{appointment['_id']}"),
                     anon_client.get(f"/api/notes/{appointment['_id']}"),
                     anon_client.post(f"/api/notes/diagnosis/{appointment['_id']}")):
        assert response.status_code == 401
        assert response.json() == {"success": False, "error": "Missing authentication token"}
