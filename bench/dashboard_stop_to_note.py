"""Doctor dashboard: time from "Stop" to the note on screen after a live recording.

Starts Daphne (``medsync.asgi`` on the configured database, speech models loaded at start), creates
(once) the clinic ``bench-dashboard`` with a clinician, and for each round opens a new appointment's
encounter page in Debian's Chromium (Playwright) with the 4-turn visit fixture as the microphone
(``--use-file-for-fake-audio-capture``), records ``--seconds`` of it live through ``/ws/transcribe``,
clicks Stop and measures until the page shows the stored note (the socket's final transcript, the
note written by the offline engine, the appointment linked, the page reloaded). What a clinician
waits for, on this machine, offline engines.

    .venv/bin/python bench/dashboard_stop_to_note.py                 # 3 rounds of 30 s
    .venv/bin/python bench/dashboard_stop_to_note.py --rounds 5 --seconds 20

Appointments, patients and recordings made here are deleted at the end; the clinic is kept.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")

FIXTURE = ROOT / "tests" / "fixtures" / "audio" / "visit_D2N041_4turns.wav"
CLINIC_ID = "bench-dashboard"
EMAIL = "bench.doctor@bench-dashboard.example"
PASSWORD = "Bench-Dashboard-Secret-42"


def start_daphne() -> tuple[subprocess.Popen, int]:
    """Daphne serving the project, static files from the apps' folders (bench/live.py's launcher)."""
    from live import start_daphne as live_start_daphne  # bench/ is on sys.path when run as a script

    return live_start_daphne({"WHITENOISE_USE_FINDERS": "true"})


def bench_clinic():
    """The benchmark clinic and its clinician (created on the first run)."""
    import django

    django.setup()
    from clinics.models import Clinic, ClinicUser
    from clinics.services import clinic_create, clinic_user_create

    clinic = Clinic.objects.filter(client_id=CLINIC_ID).first() or clinic_create(
        client_id=CLINIC_ID, name="Dashboard benchmark")
    doctor = ClinicUser.objects.filter(user__email=EMAIL).first() or clinic_user_create(
        clinic=clinic, email=EMAIL, password=PASSWORD, first_name="Bench", last_name="Doctor", title="Dr.")
    return clinic, doctor


def new_appointment(clinic, doctor, n: int):
    from django_tenants.utils import schema_context

    from records.services import appointment_create, patient_create

    with schema_context(clinic.schema_name):
        patient = patient_create(data={"first_name": "Bench", "last_name": f"Patient {n}"}, created_by=doctor.uid)
        return appointment_create(patient=patient, created_by=doctor.uid, data={
            "name": "Sore throat", "date": datetime.date.today(), "time": datetime.time(9, 0),
            "notes_type": "general_consultation", "language": "en", "clinician_uid": doctor.uid})


def cleanup(clinic, appointments) -> None:
    from django_tenants.utils import schema_context

    from notes.models import ClinicalNote
    from records.models import Appointment, Patient

    with schema_context(clinic.schema_name):
        for appointment in Appointment.objects.filter(pk__in=[a.pk for a in appointments]).select_related("recording"):
            recording, patient = appointment.recording, appointment.patient
            appointment.delete()
            if recording is not None:
                ClinicalNote.objects.filter(recording=recording).delete()
                recording.audio.delete(save=False)
                recording.delete()
            Patient.objects.filter(pk=patient.pk).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=30.0, help="recording length before Stop (s)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    clinic, doctor = bench_clinic()
    # Made before Playwright starts: its event loop forbids the ORM in this thread.
    appointments = [new_appointment(clinic, doctor, n) for n in range(args.rounds)]
    daphne, port = start_daphne()
    base = f"http://{CLINIC_ID}.localhost:{port}"
    figures = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                                 headless=True, args=[
                "--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-audio-capture={FIXTURE}"])
            page = browser.new_page()
            page.goto(base + "/app/sign-in/")
            page.get_by_label("E-mail").fill(EMAIL)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(re.compile(r"/app/$"))
            for n, appointment in enumerate(appointments):
                page.goto(f"{base}/app/encounters/{appointment.uuid}/")
                page.get_by_role("button", name="Start recording").click()
                page.wait_for_selector("#finals .turn", timeout=120_000)
                page.wait_for_timeout(int(args.seconds * 1000))
                started = time.monotonic()
                page.get_by_role("button", name="Stop").click()
                page.wait_for_selector("#note-heading", timeout=180_000)
                figures.append(time.monotonic() - started)
                print(f"round {n + 1}: stop -> note on screen {figures[-1]:.2f} s", flush=True)
            browser.close()
    finally:
        daphne.terminate()
        daphne.wait(10)
        cleanup(clinic, appointments)
    if figures:
        print(f"stop -> note: median {statistics.median(figures):.2f} s, min {min(figures):.2f} s, "
              f"max {max(figures):.2f} s over {len(figures)} rounds of {args.seconds:.0f} s recordings")


if __name__ == "__main__":
    main()
