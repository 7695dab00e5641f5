"""The command-line simulator, and what clinic staff see in the admin."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from booking.models import Booking, BookingStatus, CallbackDelivery, Conversation
from booking.providers import simulator
from clinics.models import StaffMembership

pytestmark = pytest.mark.django_db


def test_whatsapp_chat_talks_to_the_same_engine(bot, clinic_server, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("whatsapp_chat", "--clinic", "clinic-a", "--phone", "+34612345678",
                     "-m", "Hola", "-m", "Quiero una cita mañana por la tarde", "-m", "1", "-m", "Pere Soler",
                     "-m", "sí", stdout=out)
    transcript = out.getvalue()
    assert "bot> ¡Hola! Soy el asistente virtual de Clínica Sonrisa." in transcript
    assert "bot> Estas son las horas disponibles el martes 19 de mayo:" in transcript
    assert "     1. 12:30 – Dr. Garcia" in transcript
    assert "bot> ¡Gracias! Tu solicitud de cita para el martes 19 de mayo a las 12:30" in transcript
    connection.set_tenant(bot_clinic())
    assert Conversation.objects.get().channel == "simulator"
    assert Booking.objects.get().patient_name == "Pere Soler"
    assert json.loads(clinic_server.received()[0]["body"])["patient_phone"] == "+34612345678"
    assert len(simulator.sent_to("+34612345678")) == 5


def test_simulated_conversations_never_use_twilio(bot, settings, django_capture_on_commit_callbacks):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "9" * 32, "tok"  # Twilio "configured"
    out = io.StringIO()
    call_command("whatsapp_chat", "--clinic", "clinic-a", "--phone", "+34612345678", "-m", "Hello", stdout=out)
    assert "bot> Hello! I'm the virtual assistant" in out.getvalue()
    assert len(simulator.sent_to("+34612345678")) == 1


def test_whatsapp_chat_reads_the_terminal(bot, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Bonjour\nQuels sont vos horaires ?\n"))
    out = io.StringIO()
    call_command("whatsapp_chat", "--clinic", "clinic-a", "--phone", "+33612345678", stdout=out)
    assert "bot> Bonjour ! Je suis l'assistant virtuel" in out.getvalue()
    assert "bot> Nos horaires :" in out.getvalue() and "     Lundi: 09:00–14:00, 16:00–20:00" in out.getvalue()


def test_whatsapp_chat_refuses_bad_input(bot, other_clinic):
    with pytest.raises(CommandError, match="E.164"):
        call_command("whatsapp_chat", "--clinic", "clinic-a", "--phone", "612345678", "-m", "hi")
    with pytest.raises(CommandError, match="No active clinic"):
        call_command("whatsapp_chat", "--clinic", "nope", "--phone", "+34612345678", "-m", "hi")
    with pytest.raises(CommandError, match="has not configured"):
        call_command("whatsapp_chat", "--clinic", "clinic-b", "--phone", "+34612345678", "-m", "hi")


def bot_clinic():
    from clinics.models import Clinic

    return Clinic.objects.get(client_id="clinic-a")


@pytest.fixture
def staff(clinic) -> Client:
    user = User.objects.create_user("reception", "r@example.org", "pw-reception-123", is_staff=True)
    StaffMembership.objects.create(user=user, clinic=clinic)
    client = Client(HTTP_HOST="clinic-a.localhost")
    client.force_login(user)
    return client


def make_booking(patient, clinic_server, fail_first: int = 0) -> Booking:
    clinic_server.fail_callbacks = fail_first
    p = patient()
    for text in ("Quiero una cita el jueves", "1", "Carme Puig", "sí"):
        p.say(text)
    return Booking.objects.get()


def test_staff_see_conversations_with_their_outcome(staff, patient, clinic_server, clinic):
    make_booking(patient, clinic_server)
    patient("+34600000077").say("¿Qué horario tenéis?")
    connection.set_schema_to_public()
    page = staff.get("/admin/booking/conversation/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Booked (pending review)" in html and "Answered questions" in html
    connection.set_tenant(clinic)
    conversation = Conversation.objects.get(phone="+34612345678")
    connection.set_schema_to_public()
    detail = staff.get(f"/admin/booking/conversation/{conversation.pk}/change/").content.decode()
    assert "Quiero una cita el jueves" in detail and "Carme Puig" in detail


def test_staff_see_every_callback_attempt_and_can_retry(staff, patient, clinic_server, clinic, clock):
    make_booking(patient, clinic_server, fail_first=1)
    connection.set_tenant(clinic)
    delivery = CallbackDelivery.objects.get()
    connection.set_schema_to_public()
    page = staff.get(f"/admin/booking/callbackdelivery/{delivery.pk}/change/").content.decode()
    assert "http_500" in page and "Waiting to retry" in page
    response = staff.post("/admin/booking/callbackdelivery/", {"action": "retry_now",
                                                               "_selected_action": [delivery.pk]})
    assert response.status_code == 302
    connection.set_tenant(clinic)
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == clock.current


def test_staff_confirm_a_booking_in_the_admin(staff, patient, clinic_server, clinic,
                                             django_capture_on_commit_callbacks):
    booking = make_booking(patient, clinic_server)
    simulator.clear()
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/admin/booking/booking/", {"action": "confirm_bookings",
                                                          "_selected_action": [str(booking.pk)]})
    assert response.status_code == 302
    connection.set_tenant(clinic)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    (sent,) = simulator.sent_to("+34612345678")
    assert sent.body.startswith("¡Buenas noticias! Tu cita del jueves 21 de mayo a las 09:00")


def test_booking_admin_is_not_on_the_public_host_nor_for_other_clinics(clinic, other_clinic):
    user = User.objects.create_user("nurse", "n@example.org", "pw-nurse-123", is_staff=True)
    StaffMembership.objects.create(user=user, clinic=clinic)
    other_host = Client(HTTP_HOST="clinic-b.localhost")
    other_host.force_login(user)
    # Another clinic's staff are sent to sign in (the admin site refuses them at this host).
    assert other_host.get("/admin/booking/booking/")["Location"].startswith("/admin/login/")
    operator = User.objects.create_superuser("op", "op@example.org", "pw-op-12345")
    public = Client()
    public.force_login(operator)
    assert public.get("/admin/booking/booking/").status_code == 403
    assert "/admin/booking/" not in public.get("/admin/").content.decode()
