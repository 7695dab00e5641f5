"""Upgrading from the previous release: data written at its migration state survives ``migrate_schemas``.

The previous release is commit a406fd6; the migrations added since are transcription 0003, clinics 0003,
calls 0001-0002 and chatmed 0001. Each test migrates a schema back to the previous release's state with
Django's MigrationExecutor, writes rows through the historical models of that state, migrates forward and
reads them back. PostgreSQL's DDL is transactional, so all of it is rolled back with the test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db

# Latest migration of each MedSync app at the previous release (a406fd6); None = the app did not exist.
PREVIOUS_RELEASE = {
    "clinics": "0002_clinic_users_and_subscription",
    "records": "0001_initial",
    "transcription": "0002_transcriptionrecord",
    "notes": "0002_workflow_threads_runs_and_sign_off",
    "note_templates": "0001_initial",
    "booking": "0001_initial",
    "calls": None,
    "chatmed": None,
}
SCHEMA = "upgrade_check"


def _targets(executor: MigrationExecutor) -> list[tuple[str, str | None]]:
    leaves = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in PREVIOUS_RELEASE]
    return leaves + list(PREVIOUS_RELEASE.items())


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # reloaded: sees what was applied


def test_clinic_schema_upgrades_with_its_data():
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{SCHEMA}"')
    # As django-tenants does: the schema's own django_migrations table first, then public on the path.
    connection.set_schema(SCHEMA, include_public=False)
    MigrationRecorder(connection).ensure_schema()
    connection.set_schema(SCHEMA)

    old = _migrate(_targets(MigrationExecutor(connection)))
    old_apps = old.loader.project_state([t for t in _targets(old) if t[1]]).apps
    assert "confidence" not in _columns("transcription_transcriptsegment")  # the database is at the old state
    assert "calls_agentcall" not in connection.introspection.table_names()

    Patient = old_apps.get_model("records", "Patient")
    Appointment = old_apps.get_model("records", "Appointment")
    Recording = old_apps.get_model("transcription", "Recording")
    Transcript = old_apps.get_model("transcription", "Transcript")
    Segment = old_apps.get_model("transcription", "TranscriptSegment")
    Note = old_apps.get_model("notes", "ClinicalNote")
    Booking = old_apps.get_model("booking", "Booking")
    patient = Patient.objects.create(first_name="Ada", last_name="Lovelace")
    Appointment.objects.create(patient=patient, name="Check-up", date=dt.date(2026, 1, 5), time=dt.time(9, 0))
    recording = Recording.objects.create(status="completed", audio="recordings/2026/01/a.wav")
    transcript = Transcript.objects.create(recording=recording, **_required(Transcript, {"text": "Cough.", "language": "en", "engine": "offline", "duration_seconds": 1.5}))
    Segment.objects.create(transcript=transcript, **_required(Segment, {"start": 0.0, "end": 1.5, "text": "Cough.",
                                                                          "speaker": 0, "index": 0}))
    Note.objects.create(recording=recording, template_key="soap", language="en", engine="offline", content="S: cough")
    Booking.objects.create(patient_name="Ada Lovelace", patient_phone="+34600111222", date=dt.date(2026, 1, 6),
                           time=dt.time(10, 0), provider="Dr. Vega", language="en")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER TABLE

    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert not new.migration_plan(new.loader.graph.leaf_nodes())  # fully migrated

    from booking.models import Booking as NewBooking
    from calls.models import AgentCall
    from notes.models import ClinicalNote
    from records.models import Patient as NewPatient
    from transcription.models import TranscriptSegment

    segment = TranscriptSegment.objects.get()
    assert (segment.text, segment.confidence, segment.words) == ("Cough.", None, [])
    assert NewPatient.objects.get().full_name == "Ada Lovelace"
    assert ClinicalNote.objects.get().recording.audio.name == "recordings/2026/01/a.wav"
    assert NewBooking.objects.get().patient_phone == "+34600111222"
    assert AgentCall.objects.count() == 0  # the new apps' tables exist in the upgraded schema
    connection.set_schema_to_public()


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def _required(model, values: dict) -> dict:
    """``values`` limited to the fields the historical ``model`` has (field sets differ between releases)."""
    names = {f.name for f in model._meta.fields}
    return {k: v for k, v in values.items() if k in names}


def test_public_schema_upgrades_api_keys(clinic):
    """clinics 0003 adds ``ApiKey.kind``: keys made before it become platform keys."""
    executor = MigrationExecutor(connection)
    old = _migrate(_targets(executor))
    old_apps = old.loader.project_state([t for t in _targets(old) if t[1]]).apps
    ApiKey = old_apps.get_model("clinics", "ApiKey")
    assert "kind" not in _columns("clinics_apikey")
    ApiKey.objects.create(clinic_id=clinic.pk, name="before-upgrade", prefix="msk_old", hashed_key="0" * 64)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from clinics.models import ApiKey as NewApiKey, ApiKeyKind

    key = NewApiKey.objects.get(name="before-upgrade")
    assert key.kind == ApiKeyKind.PLATFORM and key.clinic == clinic
