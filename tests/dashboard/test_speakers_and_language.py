"""Speaker names stored per encounter on the server (validation, display, API, audit, isolation) and
the page language per clinic user (account page, menu, sign-in, every request, browser fallback).

Django test client against real PostgreSQL; the real-browser check of a rename surviving a reload and
a second browser is in ``test_browser.py``.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from records.models import Appointment
from tests.conftest import DOCTOR_PASSWORD
from tests.dashboard.conftest import HOST_A, make_appointment, make_note, make_patient, sign_in

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def stored_names(clinic, appointment) -> dict:
    with schema_context(clinic.schema_name):
        return Appointment.objects.get(pk=appointment.pk).speaker_names


# --- the service's rules -------------------------------------------------------------------------------


@pytest.mark.parametrize("names, message", [
    ({"8": "Someone"}, "speaker index must be 0 to 7"),
    ({"-1": "Someone"}, "speaker index must be 0 to 7"),
    ({"one": "Someone"}, "speaker index must be 0 to 7"),
    ({True: "Someone"}, "speaker index must be 0 to 7"),
    ({"0": "x" * 81}, "longer than 80 characters"),
    ({"0": "Dr.\x00Ruiz"}, "control characters"),
    ({"0": "Dr.\u202eRuiz"}, "control characters"),  # right-to-left override: would disguise the label
    ({"0": 12}, "must be text"),
    ({str(i % 8) + " " * (i // 8): "n" for i in range(9)}, "at most 8 speakers"),
    (["Dr. Ruiz"], "expected an object"),
])
def test_invalid_speaker_names_are_refused(names, message):
    from records.services import RecordInvalid, speaker_names_clean

    with pytest.raises(RecordInvalid, match=message):
        speaker_names_clean(names)


def test_speaker_names_are_tidied_and_merged(clinic, doctor):
    from records.services import appointment_speaker_names_set, speaker_names_clean

    assert speaker_names_clean({1: "  Ana   María ", "0": "x" * 80, "2": "   "}) == {"0": "x" * 80, "1": "Ana María"}
    appointment = make_appointment(clinic, make_patient(clinic, by=doctor.uid), by=doctor.uid)
    with schema_context(clinic.schema_name):
        appointment, changed = appointment_speaker_names_set(appointment=appointment, names={"0": "Dr. Ruiz",
                                                                                             "2": "Interpreter"})
        assert changed and appointment.speaker_names == {"0": "Dr. Ruiz", "2": "Interpreter"}
        # Indices not sent are kept; an empty name goes back to the default label.
        appointment, changed = appointment_speaker_names_set(appointment=appointment, names={"1": "Ana", "2": ""})
        assert changed and appointment.speaker_names == {"0": "Dr. Ruiz", "1": "Ana"}
        appointment, changed = appointment_speaker_names_set(appointment=appointment, names={"1": "Ana"})
        assert not changed
        assert Appointment.objects.get(pk=appointment.pk).speaker_names == {"0": "Dr. Ruiz", "1": "Ana"}


# --- the dashboard ---------------------------------------------------------------------------------------


def test_rename_speakers_shows_everywhere_and_is_audited(clinic, visit, doctor, doctor_web):
    from audit.models import AuditEvent

    appointment, note = visit
    url = f"/app/encounters/{appointment.uuid}/"
    page = html(doctor_web.get(url))
    assert 'placeholder="Clinician"' in page and 'placeholder="Patient"' in page  # defaults until named
    assert 'data-speaker-names-stored="0"' in page

    saved = doctor_web.post(url + "speakers/", {"speaker_0": "Dr. Ruiz", "speaker_1": "Ana <b>Gómez</b>"},
                            HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and "Names saved." in html(saved)
    assert stored_names(clinic, appointment) == {"0": "Dr. Ruiz", "1": "Ana <b>Gómez</b>"}

    page = html(doctor_web.get(url))
    assert 'data-speaker-names-stored="1"' in page and 'value="Dr. Ruiz"' in page
    # The transcript's labels (which the evidence panel quotes) carry the names, escaped.
    assert '<span class="speaker" data-speaker="1">Ana &lt;b&gt;Gómez&lt;/b&gt;</span>' in page
    assert '<span class="speaker" data-speaker="0">Dr. Ruiz</span>' in page
    assert "<b>Gómez</b>" not in page
    # ICD-10-CM evidence quoted from the transcript names its speaker too.
    diagnoses = html(doctor_web.post(url + "diagnoses/"))
    assert "(transcript, Ana &lt;b&gt;Gómez&lt;/b&gt;" in diagnoses

    # Saving the same names again changes nothing and is not logged again.
    assert "No change." in html(doctor_web.post(url + "speakers/", {"speaker_0": "Dr. Ruiz"}, HTTP_HX_REQUEST="true"))
    with schema_context(clinic.schema_name):
        changes = list(AuditEvent.objects.filter(action="change", object_type="transcript")
                       .values_list("object_id", "actor", "path"))
    assert changes == [(str(note.recording.uuid), doctor.uid, url + "speakers/")]


def test_speaker_names_answer_json_to_the_script_and_redirect_a_plain_form(clinic, visit, doctor_web):
    appointment, _ = visit
    url = f"/app/encounters/{appointment.uuid}/speakers/"
    scripted = doctor_web.post(url, {"speaker_1": "Ana"}, HTTP_ACCEPT="application/json")
    assert scripted.status_code == 200 and scripted.json() == {"speaker_names": {"1": "Ana"}}
    plain = doctor_web.post(url, {"speaker_0": "Dr. Ruiz", "speaker_1": ""})
    assert plain.status_code == 302 and plain["Location"] == f"/app/encounters/{appointment.uuid}/"
    assert stored_names(clinic, appointment) == {"0": "Dr. Ruiz"}


@pytest.mark.parametrize("data, message", [
    ({}, "No speaker names were sent."),
    ({"speaker_9": "Someone"}, "speaker index must be 0 to 7"),
    ({"speaker_0": "x" * 81}, "longer than 80 characters"),
])
def test_bad_speaker_names_get_a_400_and_nothing_is_stored(clinic, visit, doctor_web, data, message):
    appointment, _ = visit
    doctor_web.post(f"/app/encounters/{appointment.uuid}/speakers/", {"speaker_0": "Dr. Ruiz"})
    response = doctor_web.post(f"/app/encounters/{appointment.uuid}/speakers/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and message in response.json()["error"]
    assert stored_names(clinic, appointment) == {"0": "Dr. Ruiz"}


def test_speaker_names_need_the_csrf_token_and_a_session(visit, doctor):
    appointment, _ = visit
    url = f"/app/encounters/{appointment.uuid}/speakers/"
    assert Client(HTTP_HOST=HOST_A).post(url, {"speaker_0": "X"}).status_code == 302  # to the sign-in page
    client = Client(HTTP_HOST=HOST_A, enforce_csrf_checks=True)
    client.force_login(doctor.user)
    assert client.post(url, {"speaker_0": "X"}).status_code == 403


def test_names_before_any_recording_are_kept_for_the_live_session(clinic, doctor, doctor_web):
    from audit.models import AuditEvent

    appointment = make_appointment(clinic, make_patient(clinic, by=doctor.uid), by=doctor.uid, clinician=doctor.uid)
    url = f"/app/encounters/{appointment.uuid}/"
    assert doctor_web.post(url + "speakers/", {"speaker_1": "Ana"}, HTTP_HX_REQUEST="true").status_code == 200
    assert 'value="Ana"' in html(doctor_web.get(url))
    with schema_context(clinic.schema_name):
        assert not AuditEvent.objects.filter(action="change").exists()  # no transcript to change yet


def test_api_reads_carry_the_speaker_names(clinic, visit, doctor_web, doctor_client, other_doctor_client):
    appointment, _ = visit
    doctor_web.post(f"/app/encounters/{appointment.uuid}/speakers/", {"speaker_1": "Ana"})
    transcription = doctor_client.get(f"/api/transcriptions/{appointment.uuid}").json()["transcription"]
    assert {(s["speaker"], s["speaker_name"]) for s in transcription} == {("SPEAKER_0", None), ("SPEAKER_1", "Ana")}
    read = doctor_client.get(f"/api/appointments/{appointment.uuid}").json()["appointment"]
    assert read["speaker_names"] == {"1": "Ana"}
    assert other_doctor_client.get(f"/api/transcriptions/{appointment.uuid}").status_code == 404
    assert other_doctor_client.get(f"/api/appointments/{appointment.uuid}").status_code == 404


def test_another_clinic_can_neither_read_nor_rename_the_speakers(clinic, other_clinic, visit, doctor, other_doctor,
                                                                  other_web, colleague):
    appointment, _ = visit
    sign_in(doctor, host=HOST_A).post(f"/app/encounters/{appointment.uuid}/speakers/", {"speaker_1": "Ana"})
    path = f"/app/encounters/{appointment.uuid}/speakers/"
    # Clinic B's user on its own host (the id does not exist in B's schema) and on clinic A's host.
    assert other_web.post(path, {"speaker_1": "Mallory"}).status_code == 404
    on_a = Client(HTTP_HOST=HOST_A)
    on_a.cookies = other_web.cookies  # clinic B's session
    assert on_a.post(path, {"speaker_1": "Mallory"}).status_code == 404
    # A colleague in the same clinic who is not on the appointment cannot either.
    assert sign_in(colleague, host=HOST_A).post(path, {"speaker_1": "Mallory"}).status_code == 404
    assert stored_names(clinic, appointment) == {"1": "Ana"}
    # Clinic B's own appointment with the same names stays apart.
    theirs = make_appointment(other_clinic, make_patient(other_clinic, by=other_doctor.uid), by=other_doctor.uid,
                              clinician=other_doctor.uid)
    assert other_web.post(f"/app/encounters/{theirs.uuid}/speakers/", {"speaker_1": "Bea"}).status_code == 302
    assert stored_names(other_clinic, theirs) == {"1": "Bea"} and stored_names(clinic, appointment) == {"1": "Ana"}
    assert "Ana" not in html(other_web.get(f"/app/encounters/{theirs.uuid}/"))


def test_speaker_defaults_of_every_language_are_given_to_the_script(visit, doctor_web):
    appointment, _ = visit
    page = html(doctor_web.get(f"/app/encounters/{appointment.uuid}/"))
    assert '<script id="speaker-defaults" type="application/json">' in page
    for label in ("Clinician", "Patient", "Profesional", "Paciente", "Speaker 3", "Hablante 3"):
        assert f'"{label}"' in page


# --- page language per user ------------------------------------------------------------------------------


def test_a_user_with_spanish_gets_spanish_pages_from_an_english_browser(doctor, doctor_web):
    english = html(doctor_web.get("/app/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert 'lang="en"' in english and ">Sign out<" in english
    response = doctor_web.post("/app/account/", {"language": "es"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 302
    doctor.refresh_from_db()
    assert doctor.ui_language == "es"
    doctor_web.cookies.pop("django_language", None)  # the user's field decides, not a cookie
    spanish = html(doctor_web.get("/app/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert 'lang="es"' in spanish and ">Cerrar sesión<" in spanish and ">Sign out<" not in spanish
    assert "Se ha guardado su preferencia de idioma." in spanish  # the confirmation, in the new language


def test_the_preference_follows_the_user_to_another_browser_and_is_set_at_sign_in(doctor):
    from clinics.services import clinic_user_language_set

    clinic_user_language_set(clinic_user=doctor, language="es")
    browser = Client(HTTP_HOST=HOST_A, HTTP_ACCEPT_LANGUAGE="en")
    signed = browser.post("/app/sign-in/", {"email": doctor.user.email, "password": DOCTOR_PASSWORD})
    assert signed.status_code == 302 and signed.cookies["django_language"].value == "es"
    assert "Pacientes" in html(browser.get("/app/patients/"))
    # After signing out the sign-in page keeps the user's language (the cookie set at sign-in).
    browser.post("/app/sign-out/")
    assert 'lang="es"' in html(browser.get("/app/sign-in/"))


def test_following_the_browser_and_the_menu_while_signed_in(doctor, doctor_web):
    from clinics.services import clinic_user_language_set

    clinic_user_language_set(clinic_user=doctor, language="es")
    doctor_web.cookies.load({"django_language": "es"})
    # Back to "the browser's language": the cookie goes, the Accept-Language header decides again.
    back = doctor_web.post("/app/account/", {"language": ""}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert back.redirect_chain[0][1] == 302 and not doctor_web.cookies["django_language"].value
    assert "Your language preference was saved." in html(back)
    doctor.refresh_from_db()
    assert doctor.ui_language == ""
    assert 'lang="en"' in html(doctor_web.get("/app/", HTTP_ACCEPT_LANGUAGE="en"))
    assert 'lang="es"' in html(doctor_web.get("/app/", HTTP_ACCEPT_LANGUAGE="es"))
    # The menu of every page, signed in: stored as the user's preference.
    assert doctor_web.post("/app/language/", {"language": "es", "next": "/app/patients/"})["Location"] == "/app/patients/"
    doctor.refresh_from_db()
    assert doctor.ui_language == "es"
    assert doctor_web.post("/app/language/", {"language": "xx"}).status_code == 400


def test_account_page_refuses_an_unknown_language(doctor, doctor_web):
    page = doctor_web.get("/app/account/")
    assert page.status_code == 200 and 'value="es"' in html(page) and "Change password" in html(page)
    refused = doctor_web.post("/app/account/", {"language": "klingon"})
    assert refused.status_code == 400
    doctor.refresh_from_db()
    assert doctor.ui_language == ""


def test_every_translated_language_can_be_chosen(doctor):
    """The choices are settings.LANGUAGES; every .po catalogue of the dashboard must be one of them."""
    from pathlib import Path

    from django.conf import settings

    from clinics.services import clinic_user_language_set

    catalogues = {p.parent.parent.name for p in (Path(settings.BASE_DIR) / "dashboard" / "locale").glob("*/LC_MESSAGES/django.po")}
    codes = {code for code, _name in settings.LANGUAGES}
    assert catalogues and catalogues | {"en"} == codes
    for code in codes:
        assert clinic_user_language_set(clinic_user=doctor, language=code).ui_language == code
    with pytest.raises(ValueError, match="Unknown language"):
        clinic_user_language_set(clinic_user=doctor, language="fr")


def test_the_api_stays_english_for_a_spanish_user(doctor, doctor_web):
    from clinics.services import clinic_user_language_set

    clinic_user_language_set(clinic_user=doctor, language="es")
    assert 'lang="es"' in html(doctor_web.get("/app/"))
    # The same signed-in browser calling the API (not a dashboard path): its documented English error.
    response = doctor_web.post("/api/login", {"email": "x@example.com", "password": "y"},
                               content_type="application/json")
    assert response.json()["error"] == "Invalid email or password"
    assert response.get("Content-Language") != "es"
