"""Time ``manage.py backup`` / ``restore`` of one clinic and of the whole database, and the archive sizes.

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a scratch database> \\
        python bench/backup.py [--patients 2000] [--recordings 200] [--audio-kb 512] [--json OUT]

Creates a clinic ``bench-backup`` with ``--patients`` patients (each with an appointment), ``--recordings``
recordings with an ``--audio-kb`` KiB media file, a transcript segment and a note each, and as many
bookings as recordings; backs it up, drops it, restores it and checks the counts; then backs up the whole
database. The clinic is dropped at the end. Media go to a temporary MEDIA_ROOT. Never run it on a
production database: it creates and drops a clinic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--recordings", type=int, default=200)
    parser.add_argument("--audio-kb", type=int, default=512)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    media = Path(tempfile.mkdtemp(prefix="medsync-bench-media-"))
    os.environ["MEDIA_ROOT"] = str(media)
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.db import connection

    from booking.models import Booking
    from clinics.models import Clinic
    from clinics.services import clinic_create
    from notes.models import ClinicalNote
    from ops.backup import backup_create, backup_restore
    from records.models import Appointment, Patient
    from transcription.models import Recording, Transcript, TranscriptSegment

    def drop() -> None:
        connection.set_schema_to_public()
        clinic = Clinic.objects.filter(client_id="bench-backup").first()
        if clinic:
            Clinic.objects.filter(pk=clinic.pk).delete()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{clinic.schema_name}" CASCADE')

    drop()
    clinic = clinic_create(client_id="bench-backup", name="Bench backup")
    connection.set_tenant(clinic)
    patients = Patient.objects.bulk_create(Patient(first_name=f"P{i}", last_name="Bench") for i in range(args.patients))
    Appointment.objects.bulk_create(Appointment(patient=p, name="Visit", date=dt.date(2026, 1, 1), time=dt.time(9))
                                    for p in patients)
    audio = os.urandom(args.audio_kb * 1024)
    for i in range(args.recordings):
        recording = Recording.objects.create(status=Recording.Status.COMPLETED, extension=".wav")
        recording.audio.save("a.wav", ContentFile(audio), save=True)
        transcript = Transcript.objects.create(recording=recording, language="en", engine="bench",
                                               duration_seconds=60.0, text="Bench.")
        TranscriptSegment.objects.create(transcript=transcript, index=0, speaker=0, text="Bench.", start=0, end=1)
        ClinicalNote.objects.create(recording=recording, template_key="soap", language="en", engine="bench",
                                    content="S: bench")
        Booking.objects.create(patient_name="Bench", patient_phone="+34600000000", date=dt.date(2026, 1, 2),
                               time=dt.time(10), provider="Dr. Bench", language="en")
    connection.set_schema_to_public()

    out = Path(tempfile.mkdtemp(prefix="medsync-bench-backups-"))
    results = {"patients": args.patients, "recordings": args.recordings, "audio_kb": args.audio_kb}
    started = time.perf_counter()
    clinic_backup = backup_create(output=out / "clinic.tar", client_id="bench-backup")
    results["clinic_backup_seconds"] = round(time.perf_counter() - started, 2)
    results["clinic_archive_mb"] = round(clinic_backup.size_bytes / 1e6, 1)
    drop()
    started = time.perf_counter()
    backup_restore(archive=clinic_backup.path)
    results["clinic_restore_seconds"] = round(time.perf_counter() - started, 2)
    connection.set_tenant(Clinic.objects.get(client_id="bench-backup"))
    assert Patient.objects.count() == args.patients and Recording.objects.count() == args.recordings
    assert Booking.objects.count() == args.recordings
    connection.set_schema_to_public()
    started = time.perf_counter()
    everything = backup_create(output=out / "all.tar")
    results["all_backup_seconds"] = round(time.perf_counter() - started, 2)
    results["all_archive_mb"] = round(everything.size_bytes / 1e6, 1)
    results["clinics_in_database"] = Clinic.objects.count()
    results["load_average"] = os.getloadavg()[0]
    drop()
    shutil.rmtree(media, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
