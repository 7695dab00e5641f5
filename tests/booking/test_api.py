"""Clinic-facing endpoints: configure, bookings, confirm/reject (with the patient told), isolation."""

from __future__ import annotations

import pytest
from django.db import connection

from booking.conversation.replies import t
from booking.models import Booking, BookingStatus, BotConfig, Message, MessageDirection, MessageStatus, SlotHold
from booking.providers import simulator

pytestmark = pytest.mark.django_db

SEED_CONFIG = {
    "appointment_callback_url": "https://your-api.com/webhooks/new-appointment",
    "slots_endpoint_url": "https://your-api.com/api/available-slots",
}


def test_configure_with_the_seed_body_and_read_it_back(api_client):
    response = api_client.post("/v1/whatsapp/configure", SEED_CONFIG, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["appointment_callback_url"] == SEED_CONFIG["appointment_callback_url"]
    assert body["slots_endpoint_url"] == SEED_CONFIG["slots_endpoint_url"]
    assert body["callback_signing_secret"].startswith("whsec_")
    assert body["webhook_url"] == "http://testserver/v1/whatsapp/webhook/clinic-a"
    assert body["status_callback_url"] == "http://testserver/v1/whatsapp/status/clinic-a"
    assert body["default_language"] == "en" and body["twilio_auth_token_set"] is False
    assert body["cancellation_callback_url"] == ""  # optional: no cancellations are sent without it
    assert response["X-RateLimit-Limit"] == "50"

    assert api_client.get("/v1/whatsapp/configure").json() == body


def test_configure_everything(api_client, settings):
    settings.PUBLIC_BASE_URL = "https://api.medsync.example"
    response = api_client.post("/v1/whatsapp/configure", {
        **SEED_CONFIG,
        "whatsapp_number": "+34 612 34 56 78",
        "name": "Dental Plus",
        "opening_hours": {"mon": ["09:00-14:00", "16:00-20:00"], "tue": "09:00-14:00", "sat": "closed"},
        "services": ["Dental cleaning", "Implants"],
        "faq": [{"question": {"es": "¿Hay aparcamiento?"}, "answer": "Sí, gratuito.", "keywords": ["aparcar"]}],
        "default_language": "es",
        "time_zone": "Europe/Madrid",
        "template_content_sid": "HX" + "a" * 32,
        "twilio_account_sid": "AC" + "b" * 32,
        "twilio_auth_token": "secret-token",
    }, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["whatsapp_number"] == "+34612345678"
    assert body["name"] == "Dental Plus"
    assert body["opening_hours"]["mon"] == ["09:00–14:00", "16:00–20:00"]
    assert body["opening_hours"]["tue"] == ["09:00–14:00"] and body["opening_hours"]["sat"] == []
    assert body["twilio_auth_token_set"] is True and "secret-token" not in str(body)
    assert body["webhook_url"] == "https://api.medsync.example/v1/whatsapp/webhook/clinic-a"

    # Updating keeps what is not sent, and can rotate the signing secret.
    secret = body["callback_signing_secret"]
    again = api_client.post("/v1/whatsapp/configure", SEED_CONFIG, format="json").json()
    assert again["name"] == "Dental Plus" and again["callback_signing_secret"] == secret
    rotated = api_client.post("/v1/whatsapp/configure", {**SEED_CONFIG, "rotate_callback_secret": True},
                              format="json").json()
    assert rotated["callback_signing_secret"] != secret


@pytest.mark.parametrize("field,value", [
    ("appointment_callback_url", "not a url"),
    ("appointment_callback_url", "ftp://your-api.com/x"),
    ("appointment_callback_url", "javascript:alert(1)"),
    ("slots_endpoint_url", ""),
    ("cancellation_callback_url", "ftp://your-api.com/cancelled"),
    ("slots_endpoint_url", "https://user:pw@your-api.com/slots"),
    ("slots_endpoint_url", "https://" + "a" * 500 + ".com"),
])
def test_invalid_urls_are_422(api_client, field, value):
    response = api_client.post("/v1/whatsapp/configure", {**SEED_CONFIG, field: value}, format="json")
    assert response.status_code == 422
    assert set(response.json()) == {"error"} and response.json()["error"].startswith(field)
    assert not BotConfig.objects.exists()


@pytest.mark.parametrize("missing", ["appointment_callback_url", "slots_endpoint_url"])
def test_both_urls_are_required(api_client, missing):
    body = {k: v for k, v in SEED_CONFIG.items() if k != missing}
    response = api_client.post("/v1/whatsapp/configure", body, format="json")
    assert response.status_code == 422 and missing in response.json()["error"]


@pytest.mark.parametrize("field,value", [
    ("whatsapp_number", "612345678"), ("time_zone", "Mars/Olympus"), ("default_language", "nl"),
    ("opening_hours", {"mon": ["14:00-09:00"]}), ("opening_hours", {"monday": ["09:00-14:00"]}),
    ("faq", [{"question": "Parking?"}]), ("template_content_sid", "HX123"),
])
def test_invalid_options_are_422(api_client, field, value):
    response = api_client.post("/v1/whatsapp/configure", {**SEED_CONFIG, field: value}, format="json")
    assert response.status_code == 422 and field in response.json()["error"]


def test_private_urls_can_be_refused(api_client, settings):
    settings.WHATSAPP_ALLOW_PRIVATE_URLS = False
    for url in ("http://127.0.0.1:8000/slots", "http://localhost/slots", "http://10.0.0.5/slots"):
        response = api_client.post("/v1/whatsapp/configure", {**SEED_CONFIG, "slots_endpoint_url": url},
                                   format="json")
        assert response.status_code == 422


def test_cancellation_callback_url_is_per_clinic(api_client, other_api_client):
    url = "https://your-api.com/webhooks/cancelled-appointment"
    response = api_client.post("/v1/whatsapp/configure", {**SEED_CONFIG, "cancellation_callback_url": url},
                               format="json")
    assert response.status_code == 200 and response.json()["cancellation_callback_url"] == url
    assert api_client.get("/v1/whatsapp/configure").json()["cancellation_callback_url"] == url
    other = other_api_client.post("/v1/whatsapp/configure", SEED_CONFIG, format="json").json()
    assert other["cancellation_callback_url"] == ""
    again = api_client.post("/v1/whatsapp/configure", SEED_CONFIG, format="json").json()
    assert again["cancellation_callback_url"] == url, "omitted fields keep their value"


def test_configure_needs_an_api_key(anon_client):
    assert anon_client.post("/v1/whatsapp/configure", SEED_CONFIG, format="json").status_code == 401
    assert anon_client.get("/v1/whatsapp/configure").json() == {"error": "Missing API key"}


def test_each_clinic_sees_only_its_configuration(api_client, other_api_client):
    api_client.post("/v1/whatsapp/configure", SEED_CONFIG, format="json")
    response = other_api_client.get("/v1/whatsapp/configure")
    assert response.status_code == 404 and response.json() == {"error": "WhatsApp bot is not configured"}
    other_api_client.post("/v1/whatsapp/configure", {**SEED_CONFIG, "name": "B"}, format="json")
    assert api_client.get("/v1/whatsapp/configure").json()["name"] == ""
    mine, theirs = (c.get("/v1/whatsapp/configure").json() for c in (api_client, other_api_client))
    assert mine["callback_signing_secret"] != theirs["callback_signing_secret"]
    assert theirs["webhook_url"].endswith("/clinic-b")


def book(patient, phone: str = "+34612345678", request: str = "Quiero una cita el jueves", yes: str = "sí") -> Booking:
    p = patient(phone)
    for text in (request, "1", "Marta Serra", yes):
        p.say(text)
    return Booking.objects.get(patient_phone=phone, status=BookingStatus.PENDING_REVIEW)


def test_list_and_get_bookings(patient, api_client):
    booking = book(patient)
    connection.set_schema_to_public()
    response = api_client.get("/v1/whatsapp/bookings?status=pending_review")
    assert response.status_code == 200
    (item,) = response.json()["bookings"]
    assert item["id"] == str(booking.id)
    assert item | {"id": None, "created_at": None} == {
        "id": None, "patient_name": "Marta Serra", "patient_phone": "+34612345678", "date": "2026-05-21",
        "time": "09:00", "provider": "Dr. Garcia", "language": "es", "status": "pending_review",
        "conversation_summary": booking.conversation_summary, "rescheduled_from": None, "clinic_note": "",
        "created_at": None, "decided_at": None,
    }
    assert api_client.get("/v1/whatsapp/bookings?status=confirmed").json() == {"bookings": []}
    assert api_client.get(f"/v1/whatsapp/bookings/{booking.id}").json()["id"] == str(booking.id)
    assert api_client.get("/v1/whatsapp/bookings?status=maybe").status_code == 422


def test_confirm_tells_the_patient_in_their_language(patient, api_client, django_capture_on_commit_callbacks):
    booking = book(patient)
    simulator.clear()
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/v1/whatsapp/bookings/{booking.id}/confirm", {"note": "Traiga su tarjeta."},
                                   format="json")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    (sent,) = simulator.sent_to("+34612345678")
    assert sent.body == t("booking_confirmed", "es", date="jueves 21 de mayo", time="09:00", provider="Dr. Garcia") \
        + "\n\nMensaje de la clínica: Traiga su tarjeta."
    # Idempotent: confirming again changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = api_client.post(f"/v1/whatsapp/bookings/{booking.id}/confirm", format="json")
    assert again.status_code == 200 and len(simulator.sent_to("+34612345678")) == 1
    conflict = api_client.post(f"/v1/whatsapp/bookings/{booking.id}/reject", format="json")
    assert conflict.status_code == 409 and conflict.json() == {"error": "Booking is confirmed"}


def test_reject_frees_the_slot_and_tells_the_patient(patient, api_client, clinic, django_capture_on_commit_callbacks):
    booking = book(patient, "+33612345678", "Je voudrais un rendez-vous jeudi", "oui")
    assert SlotHold.objects.filter(booking=booking).exists()
    simulator.clear()
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/v1/whatsapp/bookings/{booking.id}/reject", format="json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    connection.set_tenant(clinic)
    assert not SlotHold.objects.filter(booking_id=booking.id).exists()
    (sent,) = simulator.sent_to("+33612345678")
    assert sent.body == t("booking_rejected", "fr", date="jeudi 21 mai", time="09:00", provider="Dr. Garcia")
    assert api_client.post(f"/v1/whatsapp/bookings/{booking.id}/confirm", format="json").status_code == 409


def test_another_clinic_cannot_see_or_decide_bookings(patient, other_api_client, clinic):
    booking = book(patient)
    connection.set_schema_to_public()
    assert other_api_client.get("/v1/whatsapp/bookings").json() == {"bookings": []}
    for path in (f"/v1/whatsapp/bookings/{booking.id}", f"/v1/whatsapp/bookings/{booking.id}/confirm",
                 f"/v1/whatsapp/bookings/{booking.id}/reject"):
        response = other_api_client.get(path) if path.endswith(str(booking.id)) else other_api_client.post(path)
        assert response.status_code == 404 and response.json() == {"error": "Booking not found"}
    connection.set_tenant(clinic)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING_REVIEW


def test_notifications_outside_the_24_hour_window_use_the_template(patient, api_client, bot, clock, clinic,
                                                                   django_capture_on_commit_callbacks):
    booking = book(patient)
    bot.template_content_sid = "HX" + "c" * 32
    bot.save()
    clock.advance(hours=25)
    simulator.clear()
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(f"/v1/whatsapp/bookings/{booking.id}/confirm", format="json")
    (sent,) = simulator.sent_to("+34612345678")
    assert sent.template_sid == "HX" + "c" * 32 and sent.body == ""
    assert sent.template_variables == {
        "1": "Clínica Sonrisa",
        "2": t("booking_confirmed", "es", date="jueves 21 de mayo", time="09:00", provider="Dr. Garcia"),
    }
    connection.set_tenant(clinic)
    message = Message.objects.filter(direction=MessageDirection.OUTBOUND).latest("id")
    assert message.kind == "template" and message.status == MessageStatus.SENT


def test_outside_the_window_without_a_template_nothing_is_sent(patient, api_client, clock, clinic,
                                                              django_capture_on_commit_callbacks):
    booking = book(patient)
    clock.advance(hours=24, seconds=1)
    simulator.clear()
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(f"/v1/whatsapp/bookings/{booking.id}/reject", format="json")
    assert simulator.sent_to("+34612345678") == []
    connection.set_tenant(clinic)
    message = Message.objects.filter(direction=MessageDirection.OUTBOUND).latest("id")
    assert message.status == MessageStatus.FAILED and message.error == "outside_24h_window"


def test_openapi_lists_the_whatsapp_endpoints(anon_client):
    paths = anon_client.get("/api/schema/?format=json").json()["paths"]
    assert "/v1/whatsapp/configure" in paths
    assert "/v1/whatsapp/bookings/{booking_id}/confirm" in paths
