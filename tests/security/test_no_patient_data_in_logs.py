"""No patient data in logs: the full flows run with every logger at DEBUG, and every log line (message,
arguments, extras and tracebacks, formatted by both the plain and the JSON formatter) is scanned for the
fixtures' patient names, phone numbers (as typed and E.164), e-mail, transcript and chat text.

Flows: ``POST /v1/transcribe`` with a real recording (speech engine, diarization, note), the
documentation workflow (transcription, extraction run, note change, sign-off), the MediSync quickstart
(patient, appointment, note), a WhatsApp booking conversation to a confirmed request (with its
appointment callback to the clinic's server), an agent call placed and dialled on the simulator, and
ChatMed chat and emergency detection with a profile.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from ops.logs import JsonFormatter
from tests.booking.conftest import (  # noqa: F401 - fixtures of the booking flow
    Patient, bot, clinic_server, clock, configure_bot, _bot_settings, _no_real_twilio,
)
from tests.conftest import AUDIO

pytestmark = pytest.mark.django_db

PATIENT_FIRST, PATIENT_LAST = "Philomena", "Quackenbush"
PHONE_TYPED, PHONE_E164 = "+34 699 12 34 57", "+34699123457"
EMAIL = "philomena.quackenbush@example.org"
TRANSCRIPT = ("[doctor] Good morning Philomena, what brings you in today?\n"
              "[patient] I have had a throbbing migraine behind my left eye for three days.")
CHAT = "My neighbour Philomena Quackenbush has crushing chest pain"


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.plain = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
        self.json = JsonFormatter()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.plain.format(record))
        self.lines.append(self.json.format(record))
        self.lines.append(repr(record.args))


@pytest.fixture
def debug_logs():
    collector = _Collector()
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    logging.getLogger().addHandler(collector)
    yield collector
    logging.getLogger().removeHandler(collector)
    for logger, level, disabled in saved:
        logger.setLevel(level)
        logger.disabled = disabled


def test_full_flows_log_no_patient_data(debug_logs, clinic, api_key, api_client, doctor, doctor_client,
                                        django_capture_on_commit_callbacks, clinic_server, clock):
    secrets: set[str] = {PATIENT_FIRST, PATIENT_LAST, PHONE_TYPED, PHONE_E164, PHONE_E164[1:], EMAIL, "migraine",
                         "throbbing", "crushing chest pain", api_key}

    # 1. /v1/transcribe: real recording through the offline speech engine and note engine.
    audio = (AUDIO / "visit_D2N041_4turns.wav").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/v1/transcribe", {"audio": SimpleUploadedFile("visit.wav", audio, "audio/wav"),
                                                      "language": "en"}, format="multipart")
    assert response.status_code == 200, response.content
    utterances = [u["text"].strip() for u in response.json()["transcript"] if len(u["text"].strip()) >= 25]
    assert utterances
    secrets |= set(utterances)
    connection.set_schema_to_public()

    # 2. Documentation workflow: transcription, extraction run, note change, sign-off.
    created = api_client.post("/v1/transcriptions/create", {"duration_seconds": 60, "original_transcript": TRANSCRIPT,
                                                             "language_used": "en"}, format="json",
                              HTTP_X_DOCTOR="dr-7", HTTP_X_PATIENT="pat-philomena")
    assert created.status_code == 201, created.content
    note_id = created.json()["transcription"]["clinical_note_id"]
    thread_id = api_client.post("/v1/threads", format="json").json()["thread_id"]
    with django_capture_on_commit_callbacks(execute=True):
        run = api_client.post(f"/v1/threads/{thread_id}/runs", {
            "input": {"messages": [{"role": "user", "content": TRANSCRIPT}]},
            "config": {"configurable": {"thread_id": thread_id}}}, format="json", HTTP_X_DOCTOR="dr-7")
    assert run.status_code == 201, run.content
    assert api_client.patch(f"/v1/clinical-notes/{note_id}", {"template": "SOAP", "ai_generated_content": {
        "subjective": "Throbbing migraine behind the left eye for three days.", "objective": "",
        "assessment": "Migraine.", "plan": "Rest."}}, format="json", HTTP_X_DOCTOR="dr-7").status_code == 200
    assert doctor_client.post(f"/v1/clinical-notes/{note_id}/sign-off").status_code == 200
    connection.set_schema_to_public()

    # 3. MediSync quickstart: patient, appointment, note.
    patient = doctor_client.post("/api/patients/add", {
        "firstName": PATIENT_FIRST, "lastName": PATIENT_LAST, "dateOfBirth": "1961-07-04",
        "contact": {"phone": PHONE_TYPED, "email": EMAIL}}, format="json")
    assert patient.status_code == 201, patient.content
    appointment = doctor_client.post("/api/appointments/add", {
        "name": "Migraine review", "date": "2024-02-01", "time": "09:00",
        "patient_id": patient.json()["patient"]["_id"]}, format="json").json()["appointment"]["_id"]
    note = doctor_client.post(f"/api/notes/add/{appointment}", {"notes": "Throbbing migraine, left eye.",
                                                                "summary": "Migraine"}, format="json")
    assert note.status_code == 201, note.content
    connection.set_schema_to_public()

    # 4. WhatsApp booking to a confirmed request (callback delivered to the clinic's server).
    configure_bot(clinic, clinic_server)
    chat = Patient(PHONE_E164, django_capture_on_commit_callbacks)
    chat.say("Hi")
    chat.say("I'd like to book an appointment next Tuesday")
    chat.say("the second one")
    chat.say(f"{PATIENT_FIRST} {PATIENT_LAST}")
    assert "09:30" in chat.say("yes")
    connection.set_schema_to_public()

    # 5. Agent call placed and dialled on the simulator.
    with django_capture_on_commit_callbacks(execute=True):
        call = api_client.post("/v1/agent-call", {
            "patient_phone": PHONE_TYPED, "patient_name": f"{PATIENT_FIRST} {PATIENT_LAST}",
            "purpose": "appointment_reminder",
            "context": {"appointment_date": "2026-05-20", "appointment_time": "09:30", "provider_name": "Dr. Garcia",
                        "clinic_name": "Dental Plus"}}, format="json")
    assert call.status_code == 200, call.content
    assert api_client.get(f"/v1/agent-call/{call.json()['call_sid']}").status_code == 200
    connection.set_schema_to_public()

    # 6. ChatMed: profile, chat, emergency detection.
    from clinics.services import api_key_create

    chatmed = APIClient()
    chatmed.credentials(HTTP_X_API_KEY=api_key_create(clinic=clinic, name="cm", kind="chatmed_test")[1])
    profile = chatmed.post("/api/v1/profiles", {"external_id": "pat-philomena", "date_of_birth": "1961-07-04",
                                                "sex": "female", "conditions": ["G43.9"]}, format="json")
    assert profile.status_code in (200, 201), profile.content
    answer = chatmed.post("/api/v1/chat/message", {"message": f"{CHAT}. What should I do about my migraine?",
                                                   "profile_id": profile.json()["profile_id"]}, format="json")
    assert answer.status_code == 200, answer.content
    assert chatmed.post("/api/v1/emergency/detect", {"symptoms": CHAT}, format="json").status_code == 200
    connection.set_schema_to_public()

    # 7. Errors are logged too: an unknown note, a bad phone number.
    api_client.get("/v1/clinical-notes/00000000-0000-0000-0000-000000000000")
    api_client.post("/v1/agent-call", {"patient_phone": "+34 0", "patient_name": PATIENT_LAST}, format="json")

    assert len(debug_logs.lines) > 100, "the flows logged too little for this test to mean anything"
    text = "\n".join(debug_logs.lines).lower()
    found = sorted(secret for secret in secrets if secret.lower() in text)
    examples = [line[:300] for line in debug_logs.lines if any(s.lower() in line.lower() for s in found)][:5]
    assert not found, f"patient data in logs: {found}\n" + "\n".join(examples)
    assert json.dumps(found) == "[]"
