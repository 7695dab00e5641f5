"""The doctor dashboard in a real browser (Playwright + Debian Chromium) against a Daphne process on
the test database: sign in, create a patient and an appointment, upload a recording and watch it
become a note, edit a section (autosaved version), see the versions' diff, open a sentence's
evidence, sign off, record live with a WAV as the microphone, rename the speakers (kept on the server:
the name survives a reload and shows in a second browser; names an older page kept in localStorage are
moved to the server once), and a clinic's user cannot open another clinic's pages. Screenshots of the main screens go to ``test-artifacts/dashboard-*.png``.

The server is another process, so its data must be committed: the module creates its own clinic
(``clinic-browser``, own schema) and users, and drops them afterwards; the other tests never see them.
Prints the time from "stop" to the note on screen for the 4-turn fixture (``STOP-TO-NOTE``).
"""

from __future__ import annotations

import datetime
import re
import time

import pytest

from tests.browser import ARTIFACTS, chromium, daphne_process, require_chromium
from tests.conftest import AUDIO, DOCTOR_PASSWORD

# django_db: pytest-django sets up the test database only for sessions with such tests; the rows the
# server sees are committed by the module fixture, outside the tests' transactions.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

CLINIC_ID = "clinic-browser"
FIXTURE = AUDIO / "visit_D2N041_4turns.wav"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """A committed clinic with a clinician, and a committed clinician of clinic B; removed afterwards."""
    require_chromium()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from clinics.models import Clinic
    from clinics.services import clinic_create, clinic_user_create

    with django_db_blocker.unblock():
        clinic = clinic_create(client_id=CLINIC_ID, name="Browser Clinic")
        doctor = clinic_user_create(clinic=clinic, email="teresa.doc@browser.example", password=DOCTOR_PASSWORD,
                                    first_name="Teresa", last_name="Doc", title="Dr.")
        outsider = clinic_user_create(clinic=Clinic.objects.get(client_id="clinic-b"), email="out@clinic-b.example",
                                      password=DOCTOR_PASSWORD, first_name="Otto", last_name="Side")
        connection.set_schema_to_public()
        world = {"clinic": clinic, "doctor": doctor, "outsider": outsider}
        world["appointments"] = {name: committed_appointment(world, name)
                                 for name in ("Upload", "Live", "Private", "Names", "Legacy")}
        committed_transcript(world, world["appointments"]["Names"])
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            get_user_model().objects.filter(pk__in=[doctor.user_id, outsider.user_id]).delete()
            Clinic.objects.get(pk=clinic.pk).delete(force_drop=True)


@pytest.fixture(scope="module")
def server(world, django_db_blocker, tmp_path_factory):
    with daphne_process(django_db_blocker, tmp_path_factory, env={"WHITENOISE_USE_FINDERS": "true"}) as base_url:
        yield base_url.replace("127.0.0.1", f"{CLINIC_ID}.localhost")


def committed_appointment(world, name: str) -> str:
    """A patient and today's appointment in the browser clinic (committed); returns the appointment id."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from records.services import appointment_create, patient_create

    with schema_context(world["clinic"].schema_name):
        patient = patient_create(data={"first_name": "Teresa", "last_name": name,
                                       "date_of_birth": datetime.date(1980, 5, 1)}, created_by=world["doctor"].uid)
        appointment = appointment_create(patient=patient, created_by=world["doctor"].uid, data={
            "name": "Sore throat", "date": datetime.date.today(), "time": datetime.time(11, 0),
            "notes_type": "general_consultation", "language": "en", "clinician_uid": world["doctor"].uid})
    connection.set_schema_to_public()
    return str(appointment.uuid)


def committed_transcript(world, appointment_id: str) -> None:
    """A processed recording with a two-speaker transcript (no note) for the appointment (committed)."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from records.models import Appointment
    from transcription.models import Recording, Transcript, TranscriptSegment

    with schema_context(world["clinic"].schema_name):
        recording = Recording.objects.create(language="en", template_key="general_consultation",
                                             status=Recording.Status.COMPLETED, source=Recording.Source.APPOINTMENT)
        transcript = Transcript.objects.create(recording=recording, language="en", engine="test", duration_seconds=12)
        for i, (speaker, text) in enumerate([(0, "What brings you in today?"), (1, "My throat hurts.")]):
            TranscriptSegment.objects.create(transcript=transcript, index=i, speaker=speaker, text=text,
                                             start=i * 6.0, end=i * 6.0 + 5)
        Appointment.objects.filter(uuid=appointment_id).update(recording=recording)
    connection.set_schema_to_public()


def sign_in(page, server: str, email: str = "teresa.doc@browser.example") -> None:
    page.goto(server + "/app/sign-in/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DOCTOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/app/$"))


def test_sign_in_create_patient_and_appointment(server, world):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1024, "height": 1366})  # a tablet, portrait
        page.goto(server + "/app/sign-in/")
        page.screenshot(path=ARTIFACTS / "dashboard-sign-in.png", full_page=True)
        sign_in(page, server)
        assert page.get_by_role("heading", name="Today's schedule").is_visible()
        page.get_by_role("link", name="Patients").click()
        page.get_by_role("link", name="Add patient").click()
        page.get_by_label("First name").fill("Ana")
        page.get_by_label("Last name").fill("Browser")
        page.get_by_label("Date of birth").fill("1979-02-03")
        page.get_by_label("Phone").fill("+34 912 345 678")
        page.get_by_role("button", name="Save patient").click()
        page.wait_for_url(re.compile(r"/app/patients/[0-9a-f-]+/$"))
        page.get_by_label("Reason for visit").fill("Knee pain")
        page.get_by_label("Note template").select_option("SOAP")
        page.get_by_label("Visit language").select_option("es")
        page.screenshot(path=ARTIFACTS / "dashboard-patient.png", full_page=True)
        page.get_by_role("button", name="Schedule", exact=True).click()
        page.wait_for_url(re.compile(r"/app/encounters/[0-9a-f-]+/$"))
        assert "Ana Browser — Knee pain" in page.get_by_role("heading", level=1).inner_text()
        page.get_by_role("link", name="Schedule").click()
        assert page.get_by_role("cell", name="Ana Browser", exact=True).is_visible()
        page.screenshot(path=ARTIFACTS / "dashboard-schedule.png", full_page=True)
        page.get_by_role("link", name="Patients").click()
        page.get_by_label("Name").fill("zzz")  # searched as one types (htmx), no page load
        page.wait_for_selector("#patient-table >> text=No patient matches")
        page.get_by_label("Name").fill("ana brow")
        page.wait_for_selector("#patient-table >> text=Ana Browser")
        page.get_by_label("Language").select_option("es")  # Spanish pages
        page.wait_for_selector("h1:has-text('Pacientes')")
        page.screenshot(path=ARTIFACTS / "dashboard-patients-es.png", full_page=True)
        page.get_by_label("Idioma").select_option("en")
        page.wait_for_selector("h1:has-text('Patients')")


def test_upload_edit_versions_evidence_and_sign(server, world):
    appointment_id = world["appointments"]["Upload"]
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        sign_in(page, server)
        page.goto(f"{server}/app/encounters/{appointment_id}/")
        page.set_input_files("#audio-file", str(FIXTURE))
        page.get_by_role("button", name="Upload").click()
        page.wait_for_selector("#progress-box:not([hidden])")  # progress shown while it is processed
        page.wait_for_selector("#note-heading", timeout=180_000)
        assert page.locator("#transcript .utt").count() >= 3
        page.screenshot(path=ARTIFACTS / "dashboard-encounter-note.png", full_page=True)

        # Evidence: clicking a traced sentence highlights its utterances and quotes them.
        sentence = page.locator(".sentence[role=button]:not([data-utterances=''])").first
        sentence.click()
        assert page.locator(".utt.evidence").count() >= 1
        assert "Said in the visit:" in page.locator("#evidence-box").inner_text()
        page.screenshot(path=ARTIFACTS / "dashboard-evidence.png", full_page=True)

        # Keyboard: Tab to a sentence and Enter shows its evidence too.
        page.locator(".sentence[role=button]").nth(1).focus()
        page.keyboard.press("Enter")
        assert page.locator("#evidence-box").is_visible()

        # Edit a section: autosaved as version 2.
        page.locator("details.edit summary").last.click()
        area = page.locator("details.edit textarea").last
        area.fill("Follow up in one week if the sore throat persists.")
        page.wait_for_selector("#version-badge:has-text('Version 2')")
        page.get_by_role("button", name="Versions").click()
        page.wait_for_selector("pre.diff ins")
        assert "Follow up in one week" in page.locator("pre.diff ins").first.inner_text()
        page.screenshot(path=ARTIFACTS / "dashboard-versions.png", full_page=True)

        # Sign off: read-only afterwards, with who and when.
        page.get_by_role("button", name="Sign off").click()
        page.wait_for_selector("#signed-state")
        assert "Signed off by Dr. Teresa Doc" in page.locator("#signed-state").inner_text()
        assert page.locator("details.edit textarea").count() == 0
        page.screenshot(path=ARTIFACTS / "dashboard-signed.png", full_page=True)


def test_record_live_with_a_wav_as_microphone(server, world):
    appointment_id = world["appointments"]["Live"]
    with chromium(fake_audio=FIXTURE) as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        sign_in(page, server)
        page.goto(f"{server}/app/encounters/{appointment_id}/")
        page.get_by_label("Speaker 2").fill("Teresa")  # renamed speaker label
        page.get_by_role("button", name="Start recording").click()
        page.wait_for_selector("#finals .turn", timeout=90_000)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and "throat" not in page.locator("#finals").inner_text().lower():
            page.wait_for_timeout(500)
        assert "throat" in page.locator("#finals").inner_text().lower()
        page.wait_for_timeout(max(0, int((deadline - time.monotonic() - 10) * 1000)))  # about one pass of the visit
        page.screenshot(path=ARTIFACTS / "dashboard-live.png", full_page=True)
        started = time.monotonic()
        page.get_by_role("button", name="Stop").click()
        page.wait_for_selector("#note-heading", timeout=120_000)
        stop_to_note = time.monotonic() - started
        print(f"\nSTOP-TO-NOTE {stop_to_note:.2f} s (4-turn fixture, live session, offline engines)")
        assert page.locator("#transcript .utt").count() >= 2
        assert "Teresa" in page.locator("#transcript .speaker[data-speaker='1']").first.inner_text()
        page.screenshot(path=ARTIFACTS / "dashboard-live-note.png", full_page=True)


def test_a_clinics_user_cannot_open_another_clinics_pages(server, world):
    appointment_id = world["appointments"]["Private"]
    other_host = server.replace(CLINIC_ID, "clinic-b")
    with chromium() as browser:
        page = browser.new_page()
        page.goto(server + "/app/sign-in/")  # clinic B's user on the browser clinic's host: refused
        page.get_by_label("E-mail").fill("out@clinic-b.example")
        page.get_by_label("Password").fill(DOCTOR_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        assert "Invalid e-mail, password or clinic" in page.content()
        sign_in(page, other_host, email="out@clinic-b.example")  # on its own clinic's host
        response = page.goto(f"{other_host}/app/encounters/{appointment_id}/")
        assert response.status == 404 and "Teresa" not in page.content()
        page.screenshot(path=ARTIFACTS / "dashboard-other-clinic-404.png")


def test_speaker_names_survive_a_reload_and_show_in_another_browser(server, world):
    names_id, legacy_id = world["appointments"]["Names"], world["appointments"]["Legacy"]
    with chromium() as browser:
        first = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
        sign_in(first, server)
        first.goto(f"{server}/app/encounters/{names_id}/")
        patient_label = first.locator("#transcript .speaker[data-speaker='1']")
        assert patient_label.inner_text() == "Patient"
        first.get_by_label("Speaker 2").fill("Teresa Names")
        assert patient_label.inner_text() == "Teresa Names"  # renamed while typing
        first.get_by_label("Speaker 2").press("Tab")  # the change is saved (htmx, CSRF header)
        first.wait_for_selector("#speaker-save-state:has-text('Names saved.')")
        first.reload()
        assert first.get_by_label("Speaker 2").input_value() == "Teresa Names"
        assert patient_label.inner_text() == "Teresa Names"
        assert first.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('medsync-speakers-')).length") == 0
        first.screenshot(path=ARTIFACTS / "dashboard-speaker-names.png", full_page=True)

        # A second browser context (own cookies and storage, as another device) sees the server's names.
        second = browser.new_context(viewport={"width": 1024, "height": 1366}).new_page()
        sign_in(second, server)
        second.goto(f"{server}/app/encounters/{names_id}/")
        assert second.get_by_label("Speaker 2").input_value() == "Teresa Names"
        assert second.locator("#transcript .speaker[data-speaker='1']").inner_text() == "Teresa Names"
        assert second.locator("#transcript .speaker[data-speaker='0']").inner_text() == "Clinician"

        # Names an older page kept in this browser only: moved to the server on the first load, once.
        second.goto(f"{server}/app/encounters/{legacy_id}/")
        second.evaluate("""(key) => localStorage.setItem(key, JSON.stringify({"0": "Clinician", "1": "Old Name"}))""",
                        f"medsync-speakers-{legacy_id}")
        with second.expect_response(lambda r: r.url.endswith("/speakers/") and r.request.method == "POST") as moved:
            second.reload()
        assert moved.value.status == 200
        second.wait_for_function(f"localStorage.getItem('medsync-speakers-{legacy_id}') === null")
        assert second.get_by_label("Speaker 2").input_value() == "Old Name"
        assert second.get_by_label("Speaker 1").input_value() == ""  # a default label is no name

        first.goto(f"{server}/app/encounters/{legacy_id}/")
        assert first.get_by_label("Speaker 2").input_value() == "Old Name"
        assert first.get_by_label("Speaker 1").get_attribute("placeholder") == "Clinician"
