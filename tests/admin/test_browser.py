"""The clinic admin in a real browser (Playwright + Debian Chromium) against a Daphne process on the
test database: a clinic's staff create an API key and see its secret once, then revoke it (the API
refuses it at once); another clinic's staff cannot open the clinic's admin; staff choose their clinic at
the public host; the operator's overview. Screenshots go to ``test-artifacts/admin-*.png``.

The server is another process, so the users it sees are committed by the module fixture (outside the
tests' transactions, on the session's clinics A and B) and deleted afterwards with what they created.
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.admin.conftest import STAFF_PASSWORD
from tests.browser import ARTIFACTS, chromium, daphne_process, require_chromium
from tests.http_server import LocalHttpServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

KEY_NAME = "browser-test-key"


@pytest.fixture(scope="module")
def callback_endpoint():
    """A real HTTP server (in this process) standing in for clinic A's callback endpoint: answers 200."""
    server = LocalHttpServer(lambda method, path, headers, body: (200, {}, b"{}"))
    yield server
    server.close()


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker, callback_endpoint):
    """Committed: clinic A's and clinic B's staff, the platform operator, and some activity of clinic A
    (usage over several days, recordings, a signed note, a pending booking, a given-up callback to
    ``callback_endpoint``); all removed afterwards."""
    require_chromium()
    from django.contrib.auth.models import User
    from django.db import connection

    from clinics.models import ApiKey, Clinic, StaffMembership

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        clinic_a, clinic_b = Clinic.objects.get(client_id="clinic-a"), Clinic.objects.get(client_id="clinic-b")
        staff_a = User.objects.create_user("browser-staff-a", "sa@clinic-a.example", STAFF_PASSWORD, is_staff=True)
        staff_b = User.objects.create_user("browser-staff-b", "sb@clinic-b.example", STAFF_PASSWORD, is_staff=True)
        operator = User.objects.create_superuser("browser-operator", "op@platform.example", STAFF_PASSWORD)
        StaffMembership.objects.create(user=staff_a, clinic=clinic_a)
        StaffMembership.objects.create(user=staff_b, clinic=clinic_b)
        activity = _clinic_a_activity(clinic_a, callback_endpoint.url + "/callback")
        connection.set_schema_to_public()
    try:
        yield {"clinic_a": clinic_a, "clinic_b": clinic_b, **activity}
    finally:
        with django_db_blocker.unblock():
            _remove_activity(clinic_a, activity)
            connection.set_schema_to_public()
            ApiKey.objects.filter(name=KEY_NAME).delete()
            User.objects.filter(pk__in=[staff_a.pk, staff_b.pk, operator.pk]).delete()


def _clinic_a_activity(clinic, callback_url: str) -> dict:
    from datetime import date, time, timedelta

    from django.utils import timezone
    from django_tenants.utils import schema_context

    from booking.models import Booking, CallbackDelivery, DeliveryStatus
    from booking.services import bot_config_upsert
    from clinics.models import Service, UsageRecord
    from clinics.services import usage_record
    from notes.models import ClinicalNote
    from transcription.models import Recording

    now = timezone.now()
    usage = []
    for days_ago, service, seconds in ((0, Service.TRANSCRIPTION, 120), (0, Service.WHATSAPP, 0),
                                       (1, Service.TRANSCRIPTION, 60), (3, Service.AGENT_CALL, 45),
                                       (3, Service.WHATSAPP, 0), (5, Service.TRANSCRIPTION, 300)):
        record = usage_record(clinic=clinic, service=service, duration_seconds=seconds)
        UsageRecord.objects.filter(pk=record.pk).update(created_at=now - timedelta(days=days_ago))
        usage.append(record.pk)
    with schema_context(clinic.schema_name):
        # Bookings come from the clinic's WhatsApp bot, so the clinic has a bot configuration.
        bot_config_upsert(appointment_callback_url=callback_url,
                          slots_endpoint_url=callback_url.replace("/callback", "/slots"),
                          whatsapp_number="+34910000000", clinic_name="Clinic A")
        recordings = [Recording.objects.create(status=Recording.Status.COMPLETED, duration_seconds=s).pk
                      for s in (120.0, 60.0)]
        note = ClinicalNote.objects.create(template_key="SOAP", language="en", engine="offline",
                                           content="## Subjective\nSore throat.", signed_off_at=now).pk
        booking = Booking.objects.create(patient_name="Carme Puig", patient_phone="+34612345678",
                                         date=date(2026, 5, 21), time=time(9, 0), provider="Dr. Garcia",
                                         language="es").pk
        delivery = CallbackDelivery.objects.create(event_type="appointment.created", url=callback_url,
                                                   body='{"patient_name": "Carme Puig"}', attempts=5,
                                                   status=DeliveryStatus.FAILED, last_status_code=503,
                                                   last_error="http_503", next_attempt_at=now,
                                                   created_at=now - timedelta(days=3)).pk
    return {"usage": usage, "recordings": recordings, "note": note, "booking": booking, "delivery": delivery}


def _remove_activity(clinic, activity: dict) -> None:
    from django_tenants.utils import schema_context

    from booking.models import Booking, BotConfig, CallbackDelivery, Conversation, Message
    from clinics.models import UsageRecord
    from notes.models import ClinicalNote
    from transcription.models import Recording

    UsageRecord.objects.filter(pk__in=activity["usage"]).delete()
    with schema_context(clinic.schema_name):
        Recording.objects.filter(pk__in=activity["recordings"]).delete()
        ClinicalNote.objects.filter(pk=activity["note"]).delete()
        CallbackDelivery.objects.filter(pk=activity["delivery"]).delete()
        Booking.objects.filter(pk=activity["booking"]).delete()
        Message.objects.filter(conversation__phone="+34612345678").delete()
        Conversation.objects.filter(phone="+34612345678").delete()
        BotConfig.objects.all().delete()


@pytest.fixture(scope="module")
def server(people, django_db_blocker, tmp_path_factory):
    with daphne_process(django_db_blocker, tmp_path_factory, env={"WHITENOISE_USE_FINDERS": "true"}) as base_url:
        yield base_url


def at(server: str, host: str) -> str:
    """The server's base URL at ``host`` (``localhost`` or ``<clinic>.localhost``; Chromium resolves both)."""
    return server.replace("127.0.0.1", host)


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.locator("form#login-form button[type=submit], form button[type=submit]").first.click()
    page.wait_for_load_state()


def usage_status(server: str, raw_key: str) -> int:
    return httpx.get(server + "/v1/usage", headers={"X-API-Key": raw_key}, timeout=20).status_code


def test_staff_create_an_api_key_see_the_secret_once_and_revoke_it(server):
    clinic_a = at(server, "clinic-a.localhost")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, clinic_a, "browser-staff-a")
        page.wait_for_selector("#medsync-dashboard [data-stat=bookings_pending]")
        page.wait_for_selector("canvas.chart")
        stat = lambda name: page.locator(f"[data-stat={name}] .text-2xl").inner_text().strip()  # noqa: E731
        assert (stat("recordings_processed"), stat("minutes_transcribed"), stat("notes_signed")) == ("2", "3.0", "1")
        assert (stat("bookings_pending"), stat("callbacks_failed")) == ("1", "1")
        page.screenshot(path=ARTIFACTS / "admin-clinic-dashboard.png", full_page=True)

        page.goto(clinic_a + "/admin/clinics/apikey/add/")
        page.locator("#id_name").fill(KEY_NAME)
        assert page.locator("#id_clinic").count() == 0  # the clinic is the host's, never chosen
        page.locator("button[name=_save], input[name=_save]").first.click()
        page.wait_for_load_state()
        body = page.content()
        secrets = set(re.findall(r"msk_[A-Za-z0-9_-]{43}", body))
        assert len(secrets) == 1, "the new key's secret is shown once, after creation"
        secret = secrets.pop()
        page.screenshot(path=ARTIFACTS / "admin-api-key-created.png", full_page=True)
        assert usage_status(server, secret) == 200

        # Shown once: the list and the key's page show only its prefix.
        page.reload()
        assert secret not in page.content() and secret[:12] in page.content()
        page.get_by_role("link", name=re.compile(re.escape(secret[:12]))).first.click()
        page.wait_for_selector("#revoke-key")
        assert secret not in page.content()
        page.screenshot(path=ARTIFACTS / "admin-api-key-page.png", full_page=True)
        page.locator("#revoke-key").click()
        page.wait_for_load_state()
        assert "no longer authenticates" in page.content()
        assert usage_status(server, secret) == 401


def test_a_clinics_staff_cannot_open_another_clinics_admin(server):
    clinic_a, clinic_b = at(server, "clinic-a.localhost"), at(server, "clinic-b.localhost")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, clinic_b, "browser-staff-b")
        page.wait_for_selector("#medsync-dashboard")
        # Clinic A's pages send them to sign in; signing in there with clinic B's account is refused.
        for path in ("/admin/", "/admin/clinics/apikey/", "/admin/booking/booking/"):
            page.goto(clinic_a + path)
            assert "/admin/login/" in page.url, path
        sign_in(page, clinic_a, "browser-staff-b")
        assert "/admin/login/" in page.url
        assert "no access to this clinic" in page.content()
        page.screenshot(path=ARTIFACTS / "admin-other-clinic-refused.png", full_page=True)
        page.goto(clinic_a + "/admin/note_templates/notetemplate/")
        assert "/admin/login/" in page.url


def test_staff_choose_their_clinic_at_the_public_host(server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, at(server, "localhost"), "browser-staff-a")
        choices = page.locator("#clinic-choices a")
        assert choices.all_inner_texts() == ["Clinic A"]
        page.screenshot(path=ARTIFACTS / "admin-choose-clinic.png", full_page=True)
        choices.first.click()
        page.wait_for_selector("#medsync-dashboard [data-stat=recordings_processed]")
        assert page.url.startswith(at(server, "clinic-a.localhost") + "/admin/")


def test_operator_overview_and_template_preview(server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, at(server, "localhost"), "browser-operator")
        page.wait_for_selector("#clinics-usage tr[data-clinic=clinic-a]")
        assert page.locator("#clinics-usage tr[data-clinic=clinic-b]").count() == 1
        page.screenshot(path=ARTIFACTS / "admin-operator-overview.png", full_page=True)
        page.goto(at(server, "localhost") + "/admin/clinics/clinic/")
        page.screenshot(path=ARTIFACTS / "admin-operator-clinics.png", full_page=True)

        # The operator may open a clinic's admin from the overview (signed in there by a one-time link).
        page.goto(at(server, "localhost") + "/admin/")
        page.locator("#clinics-usage tr[data-clinic=clinic-a] a", has_text="Open clinic admin").click()
        page.wait_for_selector("#medsync-dashboard [data-stat=notes_signed]")
        page.goto(at(server, "clinic-a.localhost") + "/admin/note_templates/notetemplate/builtin/general_consultation/")
        page.wait_for_selector(".note-preview")
        assert "## " in page.locator(".note-preview").inner_text()
        page.screenshot(path=ARTIFACTS / "admin-template-preview.png", full_page=True)


def test_staff_retry_a_given_up_callback_and_confirm_a_booking(server, people, callback_endpoint):
    clinic_a = at(server, "clinic-a.localhost")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, clinic_a, "browser-staff-a")
        page.goto(clinic_a + f"/admin/booking/callbackdelivery/{people['delivery']}/change/")
        page.wait_for_selector("#retry-now")
        assert "http_503" in page.content()
        page.screenshot(path=ARTIFACTS / "admin-callback-delivery.png", full_page=True)
        page.locator("#retry-now").click()
        page.wait_for_load_state()
        page.reload()
        assert page.locator("#retry-now").count() == 0 and "Delivered" in page.content()
        (method, path, headers, body) = callback_endpoint.requests[-1]
        assert (method, path, body) == ("POST", "/callback", b'{"patient_name": "Carme Puig"}')
        assert headers["x-medsync-event"] == "appointment.created"

        page.goto(clinic_a + f"/admin/booking/booking/{people['booking']}/change/")
        page.wait_for_selector("#confirm-booking")
        page.screenshot(path=ARTIFACTS / "admin-booking-pending.png", full_page=True)
        page.locator("#confirm-booking").click()
        page.wait_for_load_state()
        assert page.locator("#confirm-booking").count() == 0 and "Confirmed" in page.content()
