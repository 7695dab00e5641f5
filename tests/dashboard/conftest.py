"""Dashboard fixtures: signed-in browsers (Django test clients with sessions) of two clinics and roles."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.conftest import DOCTOR_PASSWORD

HOST_A, HOST_B = "clinic-a.localhost", "clinic-b.localhost"


def sign_in(clinic_user, *, host: str | None = None, password: str = DOCTOR_PASSWORD) -> Client:
    """A test client signed in through the dashboard's sign-in form (on ``host``, or the bare host)."""
    client = Client(HTTP_HOST=host or "localhost")
    data = {"email": clinic_user.user.email, "password": password}
    if host is None:
        data["clinic"] = clinic_user.clinic.client_id
    response = client.post("/app/sign-in/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


@pytest.fixture
def clinic_admin(clinic):
    """A clinic admin (role ``staff``) of clinic A."""
    from clinics.services import clinic_user_create

    return clinic_user_create(clinic=clinic, email="admin@clinic-a.example", password=DOCTOR_PASSWORD,
                              first_name="Ada", last_name="Admin", role="staff")


@pytest.fixture
def colleague(clinic):
    """A second clinician of clinic A."""
    from clinics.services import clinic_user_create

    return clinic_user_create(clinic=clinic, email="mary.major@clinic-a.example", password=DOCTOR_PASSWORD,
                              first_name="Mary", last_name="Major", title="Dr.")


@pytest.fixture
def doctor_web(doctor) -> Client:
    return sign_in(doctor, host=HOST_A)


@pytest.fixture
def other_web(other_doctor) -> Client:
    return sign_in(other_doctor, host=HOST_B)


def make_patient(clinic, *, first="Jane", last="Smith", dob=datetime.date(1985, 3, 15), by=""):
    from records.services import patient_create

    with schema_context(clinic.schema_name):
        return patient_create(data={"first_name": first, "last_name": last, "date_of_birth": dob}, created_by=by)


def make_appointment(clinic, patient, *, by: str, clinician: str = "", day=None, notes_type="SOAP", language="en"):
    from records.services import appointment_create

    with schema_context(clinic.schema_name):
        return appointment_create(patient=patient, created_by=by, data={
            "name": "Sore throat", "date": day or timezone.localdate(), "time": datetime.time(9, 30),
            "notes_type": notes_type, "language": language, "clinician_uid": clinician})


def make_note(clinic, appointment, *, by: str):
    """Write the appointment's note from a short dialogue with the offline engine (real engine, real evidence)."""
    from notes.engines.base import Turn
    from notes.services import clinical_note_write, note_generate
    from records.models import Appointment
    from records.services import notes_type_template
    from transcription.models import Recording, Transcript, TranscriptSegment

    turns = [
        (0, "Hi, what brings you in today?"),
        (1, "I've had a sore throat for four days and a fever of thirty eight last night."),
        (0, "Any cough or trouble swallowing?"),
        (1, "It hurts to swallow but no cough."),
        (0, "Your throat is red. I think this is acute pharyngitis. Take ibuprofen 400 mg three times a day "
            "and come back in one week if it is not better."),
    ]
    with schema_context(clinic.schema_name):
        recording = Recording.objects.create(language="en", template_key="SOAP", status=Recording.Status.COMPLETED,
                                             source=Recording.Source.APPOINTMENT)
        transcript = Transcript.objects.create(recording=recording, language="en", engine="test", duration_seconds=40)
        for i, (speaker, text) in enumerate(turns):
            TranscriptSegment.objects.create(transcript=transcript, index=i, speaker=speaker, text=text,
                                             start=i * 8.0, end=i * 8.0 + 7)
        template = notes_type_template(appointment.notes_type)
        result = note_generate(clinic=clinic, template=template, language="en",
                               turns=[Turn(speaker=s, text=t, start=i * 8.0, end=i * 8.0 + 7)
                                      for i, (s, t) in enumerate(turns)])
        note = clinical_note_write(note=None, result=result, template_key=template.key, language="en", actor=by,
                                   recording=recording)
        Appointment.objects.filter(pk=appointment.pk).update(recording=recording, note=note)
        appointment.refresh_from_db()
        return note


@pytest.fixture
def visit(clinic, doctor):
    """``(appointment, note)``: an appointment of ``doctor`` with a stored note (clinic A)."""
    patient = make_patient(clinic, by=doctor.uid)
    appointment = make_appointment(clinic, patient, by=doctor.uid, clinician=doctor.uid)
    note = make_note(clinic, appointment, by=doctor.uid)
    return appointment, note
