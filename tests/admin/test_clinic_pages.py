"""Clinic pages: note templates with sections and a preview, bookings confirm/reject, callback
deliveries re-delivered now to a real local HTTP server, and rows of one clinic never in another's."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.http_server import LocalHttpServer

pytestmark = pytest.mark.django_db

SECTIONS = [
    {"key": "complaint", "heading": "Chief complaint", "guidance": "why the patient came"},
    {"key": "plan", "heading": "Plan", "guidance": "treatment, prescriptions, tests ordered"},
]


def _template(schema: str, key: str = "throat-check", language: str = "en"):
    from templates.models import NoteTemplate

    with schema_context(schema):
        return NoteTemplate.objects.create(key=key, name="Throat check", language=language, sections=SECTIONS)


def test_template_page_shows_sections_guidance_and_a_note_preview(staff_a, clinic):
    template = _template(clinic.schema_name)
    page = staff_a.get(f"/admin/note_templates/notetemplate/{template.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "treatment, prescriptions, tests ordered" in html and "Chief complaint" in html
    # The offline engine wrote the sample visit's note with this template's sections.
    preview = html.split('class="note-preview')[1].split("</pre>")[0]
    assert "## Chief complaint" in preview and "## Plan" in preview
    assert "ibuprofen 400 mg" in preview


def test_template_preview_in_the_templates_language(staff_a, clinic):
    template = _template(clinic.schema_name, key="garganta", language="es")
    html = staff_a.get(f"/admin/note_templates/notetemplate/{template.pk}/change/").content.decode()
    preview = html.split('class="note-preview')[1].split("</pre>")[0]
    assert "ibuprofeno 400 mg" in preview


def test_builtin_templates_listed_with_sections_languages_and_preview(staff_a, clinic):
    listing = staff_a.get("/admin/note_templates/notetemplate/").content.decode()
    assert "/admin/note_templates/notetemplate/builtin/general_consultation/" in listing
    page = staff_a.get("/admin/note_templates/notetemplate/builtin/SOAP/", {"language": "es"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="note-preview' in html and "?language=de" in html
    assert staff_a.get("/admin/note_templates/notetemplate/builtin/nope/").status_code == 404
    assert staff_a.get("/admin/note_templates/notetemplate/builtin/SOAP/", {"language": "xx"}).status_code == 200


def test_another_clinics_staff_never_see_a_clinics_templates(staff_b, clinic, other_clinic):
    template = _template(clinic.schema_name)
    listing = staff_b.get("/admin/note_templates/notetemplate/")
    assert listing.status_code == 200 and "throat-check" not in listing.content.decode()
    # The id does not exist in clinic B's schema.
    assert staff_b.get(f"/admin/note_templates/notetemplate/{template.pk}/change/").status_code == 302


def _booking(schema: str):
    from booking.models import Booking

    with schema_context(schema):
        return Booking.objects.create(patient_name="Carme Puig", patient_phone="+34612345678",
                                      date=date(2026, 5, 21), time=time(9, 0), provider="Dr. Garcia", language="es")


def test_staff_confirm_and_reject_pending_bookings_on_their_page(staff_a, clinic, django_capture_on_commit_callbacks):
    from booking.models import Booking, Message
    from booking.services import bot_config_upsert

    with schema_context(clinic.schema_name):
        bot_config_upsert(appointment_callback_url="http://127.0.0.1:9/cb", slots_endpoint_url="http://127.0.0.1:9/s",
                          whatsapp_number="+34910000000", clinic_name="Clinic A")
    first, second = _booking(clinic.schema_name), _booking(clinic.schema_name)
    page = staff_a.get(f"/admin/booking/booking/{first.pk}/change/").content.decode()
    assert 'id="confirm-booking"' in page and 'id="reject-booking"' in page
    assert staff_a.get(f"/admin/booking/booking/{first.pk}/decide/confirm/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_a.post(f"/admin/booking/booking/{first.pk}/decide/confirm/").status_code == 302
        assert staff_a.post(f"/admin/booking/booking/{second.pk}/decide/reject/").status_code == 302
    with schema_context(clinic.schema_name):
        assert Booking.objects.get(pk=first.pk).status == "confirmed"
        assert Booking.objects.get(pk=second.pk).status == "rejected"
        # The booking service told the patient (the simulator's outbox).
        bodies = list(Message.objects.filter(direction="out").values_list("body", flat=True))
        assert len(bodies) == 2 and any(b.startswith("¡Buenas noticias!") for b in bodies)
    page = staff_a.get(f"/admin/booking/booking/{first.pk}/change/").content.decode()
    assert 'id="confirm-booking"' not in page
    # Deciding again changes nothing and is reported, not a 500.
    assert staff_a.post(f"/admin/booking/booking/{first.pk}/decide/reject/", follow=True).status_code == 200
    with schema_context(clinic.schema_name):
        assert Booking.objects.get(pk=first.pk).status == "confirmed"


def test_another_clinics_staff_cannot_decide_a_booking(staff_b_user, clinic):
    from booking.models import Booking

    from tests.admin.conftest import host_client

    booking = _booking(clinic.schema_name)
    for host in ("clinic-a.localhost", "clinic-b.localhost"):
        response = host_client(host, staff_b_user).post(f"/admin/booking/booking/{booking.pk}/decide/confirm/")
        assert response.status_code in (302, 404)
    with schema_context(clinic.schema_name):
        assert Booking.objects.get(pk=booking.pk).status == "pending_review"


@pytest.fixture
def clinic_endpoint():
    """A real HTTP server standing in for the clinic's callback endpoint: 500 until ``up`` is set."""
    state = {"up": False}

    def handler(method, path, headers, body):
        return (200, {}, b"{}") if state["up"] else (500, {}, b"down")

    server = LocalHttpServer(handler)
    server.state = state
    yield server
    server.close()


def test_retry_now_redelivers_a_failed_callback(staff_a, clinic, clinic_endpoint, django_capture_on_commit_callbacks):
    from booking import signing
    from booking.callbacks import callback_attempt
    from booking.models import CallbackDelivery, DeliveryStatus
    from booking.services import bot_config_upsert

    url = clinic_endpoint.url + "/callback"
    with schema_context(clinic.schema_name):
        config = bot_config_upsert(appointment_callback_url=url, slots_endpoint_url=clinic_endpoint.url + "/slots")
        delivery = CallbackDelivery.objects.create(event_type="appointment.created", url=url,
                                                   body=json.dumps({"patient_name": "Carme Puig"}),
                                                   next_attempt_at=timezone.now(), created_at=timezone.now())
        callback_attempt(delivery_id=delivery.pk)  # the endpoint is down: the first attempt fails
        CallbackDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)  # given up
    connection.set_schema_to_public()
    assert len(clinic_endpoint.requests) == 1

    page = staff_a.get(f"/admin/booking/callbackdelivery/{delivery.pk}/change/").content.decode()
    assert "http_500" in page and 'id="retry-now"' in page
    assert staff_a.get(f"/admin/booking/callbackdelivery/{delivery.pk}/retry/").status_code == 405

    clinic_endpoint.state["up"] = True
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_a.post(f"/admin/booking/callbackdelivery/{delivery.pk}/retry/").status_code == 302
    assert len(clinic_endpoint.requests) == 2
    method, path, headers, body = clinic_endpoint.requests[1]
    assert (method, path, json.loads(body)) == ("POST", "/callback", {"patient_name": "Carme Puig"})
    assert signing.verify(secret=config.callback_secret, body=body, timestamp=headers["x-medsync-timestamp"],
                          signature=headers["x-medsync-signature"])
    with schema_context(clinic.schema_name):
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
        assert list(delivery.attempt_log.order_by("number").values_list("status_code", flat=True)) == [500, 200]
    page = staff_a.get(f"/admin/booking/callbackdelivery/{delivery.pk}/change/").content.decode()
    assert 'id="retry-now"' not in page and "Delivered" in page


def test_failed_callbacks_of_a_clinic_are_not_another_clinics(staff_b, clinic, other_clinic):
    from booking.models import CallbackDelivery

    with schema_context(clinic.schema_name):
        delivery = CallbackDelivery.objects.create(event_type="appointment.created", url="http://127.0.0.1:9/cb",
                                                   body="{}", status="failed", next_attempt_at=timezone.now(),
                                                   created_at=timezone.now())
    listing = staff_b.get("/admin/booking/callbackdelivery/")
    assert listing.status_code == 200 and list(listing.context["cl"].queryset) == []
    assert staff_b.post(f"/admin/booking/callbackdelivery/{delivery.pk}/retry/").status_code == 404
    assert staff_b.get("/admin/").context["clinic_dashboard"]["callbacks_failed"] == 0


def test_confirming_a_booking_without_a_bot_configuration_keeps_it_and_marks_the_message_failed(
        staff_a, clinic, django_capture_on_commit_callbacks):
    from booking.models import Booking, Message

    booking = _booking(clinic.schema_name)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_a.post(f"/admin/booking/booking/{booking.pk}/decide/confirm/").status_code == 302
    with schema_context(clinic.schema_name):
        assert Booking.objects.get(pk=booking.pk).status == "confirmed"
        message = Message.objects.get(direction="out")
        assert message.status == "failed" and message.error == "bot_not_configured"
