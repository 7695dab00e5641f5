"""``manage.py backup`` / ``restore`` with the real pg_dump/pg_restore on the test database.

The clinic under test must be committed (pg_dump runs in its own connection and sees only committed rows):
every database step of these tests runs in a worker thread, whose own connection is in autocommit mode
(outside the test's transaction); the tests create their own clinic and drop it afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import tarfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from ops.backup import BackupError, backup_create, backup_read_manifest, backup_restore, pg_binary, server_major_version

pytestmark = pytest.mark.django_db

AUDIO_BYTES = b"RIFF....WAVEfmt " + bytes(range(256)) * 8  # content only compared, never decoded


def _drop_clinic(client_id: str) -> None:
    from clinics.models import Clinic

    connection.set_schema_to_public()
    clinic = Clinic.objects.filter(client_id=client_id).first()
    if clinic is not None:
        schema = clinic.schema_name
        Clinic.objects.filter(pk=clinic.pk).delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def media_root(settings) -> Path:
    """The suite's MEDIA_ROOT (tests/conftest.py); not replaced here: the file storage keeps its first one."""
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def committed():
    """Yield ``run(fn, *args, **kwargs)``: calls ``fn`` in a thread with its own autocommit connection."""

    def run(fn, *args, **kwargs):
        def target():
            try:
                return fn(*args, **kwargs)
            finally:
                connection.set_schema_to_public()
                connection.close()

        with ThreadPoolExecutor(max_workers=1) as executor:
            return executor.submit(target).result()

    yield run
    run(_drop_clinic, "clinic-backup")


def _fill_clinic() -> dict:
    """A clinic with a patient, an appointment, a recording with its audio file, a note and a booking."""
    from booking.models import Booking
    from clinics.models import Plan, Service
    from clinics.services import api_key_create, clinic_create, usage_record
    from notes.models import ClinicalNote
    from records.models import Appointment, Patient
    from transcription.models import Recording

    clinic = clinic_create(client_id="clinic-backup", name="Backup Clinic", plan=Plan.PROFESSIONAL)
    connection.set_schema_to_public()
    _, raw_key = api_key_create(clinic=clinic)
    usage_record(clinic=clinic, service=Service.TRANSCRIPTION, duration_seconds=42.5)
    connection.set_tenant(clinic)
    patient = Patient.objects.create(first_name="Ada", last_name="Lovelace", date_of_birth=dt.date(1980, 12, 10),
                                     contact={"phone": "+34600111222"})
    Appointment.objects.create(patient=patient, name="Check-up", date=dt.date(2026, 12, 1), time=dt.time(9, 30))
    recording = Recording.objects.create(original_filename="visit.wav", extension=".wav", source_format="wav",
                                         size_bytes=len(AUDIO_BYTES), status=Recording.Status.COMPLETED)
    recording.audio.save("visit.wav", ContentFile(AUDIO_BYTES), save=True)
    note = ClinicalNote.objects.create(recording=recording, template_key="soap", language="en", engine="offline",
                                       content="## Subjective\nCough for three days.")
    booking = Booking.objects.create(patient_name="Ada Lovelace", patient_phone="+34600111222",
                                     date=dt.date(2026, 12, 1), time=dt.time(9, 30), provider="Dr. Vega",
                                     language="en")
    connection.set_schema_to_public()
    return {"clinic_pk": clinic.pk, "raw_key": raw_key, "audio_name": recording.audio.name,
            "recording": recording.uuid, "note": note.uuid, "booking": booking.id, "patient": patient.uuid}


def _clinic_state(client_id: str) -> dict:
    from booking.models import Booking
    from clinics.models import Clinic
    from notes.models import ClinicalNote
    from records.models import Appointment, Patient
    from transcription.models import Recording

    connection.set_schema_to_public()
    clinic = Clinic.objects.get(client_id=client_id)
    public = {"pk": clinic.pk, "keys": list(clinic.api_keys.values_list("hashed_key", flat=True)),
              "usage": list(clinic.usage_records.values_list("duration_seconds", flat=True)),
              "domains": list(clinic.domains.values_list("domain", flat=True))}
    connection.set_tenant(clinic)
    recording = Recording.objects.get()
    with recording.audio.open("rb") as handle:
        audio = handle.read()
    state = {
        **public,
        "patients": list(Patient.objects.values_list("uuid", "first_name", "last_name", "date_of_birth", "contact")),
        "appointments": Appointment.objects.count(),
        "recording": (recording.uuid, recording.status, recording.audio.name, audio),
        "notes": list(ClinicalNote.objects.values_list("uuid", "recording__uuid", "content")),
        "bookings": list(Booking.objects.values_list("id", "patient_phone", "date", "time", "status")),
    }
    connection.set_schema_to_public()
    return state


def _other_clinic_patients() -> int:
    from clinics.models import Clinic
    from records.models import Patient

    connection.set_tenant(Clinic.objects.get(client_id="clinic-a"))
    count = Patient.objects.count()
    connection.set_schema_to_public()
    return count


def test_clinic_round_trip(committed, media_root, tmp_path):
    from clinics.models import Clinic
    from clinics.selectors import api_key_lookup
    from records.models import Patient

    ids = committed(_fill_clinic)
    before = committed(_clinic_state, "clinic-backup")
    assert before["recording"][3] == AUDIO_BYTES and len(before["patients"]) == 1

    result = committed(backup_create, output=tmp_path / "backups" / "clinic.tar", client_id="clinic-backup")

    manifest = backup_read_manifest(result.path)
    assert manifest["scope"] == "clinic" and manifest["client_id"] == "clinic-backup"
    assert manifest["migrations"]["transcription"].startswith("00")
    audio_member = f"media/{manifest['schema_name']}/{ids['audio_name']}"
    assert set(manifest["files"]) == {"database.dump", "public.json", audio_member}
    # Only this clinic: its schema in the dump, its rows in public.json.
    listing = subprocess.run([str(pg_binary("pg_restore", server_major=committed(server_major_version))), "--list",
                              str(_member(result.path, "database.dump", tmp_path))],
                             capture_output=True, text=True, check=True).stdout
    assert "clinic_backup" in listing and "clinic_a" not in listing and " public " not in listing
    public_rows = json.loads(_member(result.path, "public.json", tmp_path).read_text())
    assert {row["model"] for row in public_rows} == {"clinics.clinic", "clinics.domain", "clinics.apikey",
                                                      "clinics.usagerecord"}
    assert all(row["fields"].get("client_id", "clinic-backup") == "clinic-backup" for row in public_rows)

    # Disaster: the clinic, its schema and its media are gone; meanwhile another clinic has new data.
    other_before = committed(_other_clinic_patients)
    committed(_drop_clinic, "clinic-backup")
    shutil.rmtree(media_root / manifest["schema_name"])

    committed(backup_restore, archive=result.path)

    after = committed(_clinic_state, "clinic-backup")
    assert after == before
    assert committed(_other_clinic_patients) == other_before
    assert committed(lambda: api_key_lookup(raw_key=ids["raw_key"]).clinic.client_id) == "clinic-backup"

    # Restoring over a changed clinic puts the backed-up state back (a later patient disappears).
    def add_patient():
        connection.set_tenant(Clinic.objects.get(client_id="clinic-backup"))
        Patient.objects.create(first_name="Later", last_name="Patient")
        connection.set_schema_to_public()

    committed(add_patient)
    committed(call_command, "restore", str(result.path), "--yes")
    assert committed(_clinic_state, "clinic-backup")["patients"] == before["patients"]
    # New rows in public tables after the restore get fresh keys (sequences were reset).
    assert committed(lambda: Clinic.objects.create(client_id="tmp-seq", name="t", schema_name="tmp_seq").pk) > ids["clinic_pk"]
    committed(lambda: Clinic.objects.filter(client_id="tmp-seq").delete())


def _member(archive: Path, name: str, tmp_path: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extract(name, tmp_path / "x", filter="data")
    return tmp_path / "x" / name


def test_whole_database_backup_lists_every_clinic(committed, media_root, tmp_path):
    (media_root / "clinic_a").mkdir(parents=True, exist_ok=True)
    (media_root / "clinic_a" / "ops-test.bin").write_bytes(b"a")
    try:
        result = committed(backup_create, output=tmp_path / "all.tar")
    finally:
        (media_root / "clinic_a" / "ops-test.bin").unlink()
    manifest = backup_read_manifest(result.path)
    assert manifest["scope"] == "all" and manifest["client_id"] is None
    assert "media/clinic_a/ops-test.bin" in manifest["files"]
    listing = subprocess.run([str(pg_binary("pg_restore", server_major=committed(server_major_version))), "--list",
                              str(_member(result.path, "database.dump", tmp_path))],
                             capture_output=True, text=True, check=True).stdout
    assert "clinic_a" in listing and "clinic_b" in listing and "clinics_clinic" in listing


def test_damaged_or_foreign_archives_are_refused(committed, media_root, tmp_path):
    not_a_backup = tmp_path / "x.tar"
    with tarfile.open(not_a_backup, "w") as tar:
        tar.add(__file__, arcname="database.dump")
    with pytest.raises(BackupError, match="manifest"):
        backup_read_manifest(not_a_backup)
    (tmp_path / "junk.tar").write_bytes(b"junk")
    with pytest.raises(CommandError, match="not a readable MedSync backup"):
        call_command("restore", str(tmp_path / "junk.tar"), "--yes")

    committed(_fill_clinic)
    good = committed(backup_create, output=tmp_path / "good.tar", client_id="clinic-backup").path
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(good) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "public.json":
                data = data.replace(b"Backup Clinic", b"Other Clinic!")
            member.size = len(data)
            import io

            dst.addfile(member, io.BytesIO(data))
    before = committed(_clinic_state, "clinic-backup")
    with pytest.raises(BackupError, match="SHA-256"):
        committed(backup_restore, archive=damaged)
    assert committed(_clinic_state, "clinic-backup") == before  # nothing was touched


def test_backup_command_errors(committed, tmp_path):
    with pytest.raises(CommandError, match="no clinic"):
        committed(call_command, "backup", "--clinic", "no-such-clinic", "--output", str(tmp_path / "x.tar"))
    assert not (tmp_path / "x.tar").exists() and not (tmp_path / "x.tar.partial").exists()
    committed(call_command, "backup", "--clinic", "clinic-a", "--output-dir", str(tmp_path / "nightly"))
    [archive] = (tmp_path / "nightly").glob("medsync-clinic-a-*.tar")
    assert backup_read_manifest(archive)["client_id"] == "clinic-a"
