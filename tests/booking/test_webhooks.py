"""Twilio webhooks: signature validation, inbound messages, status callbacks, bad input, isolation."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from rest_framework.test import APIClient
from twilio.request_validator import RequestValidator

from booking.conversation.replies import t
from booking.models import Conversation, Message, MessageDirection, MessageStatus
from booking.providers import simulator
from clinics.models import Service, UsageRecord

pytestmark = pytest.mark.django_db

TOKEN = "platform-twilio-token"
WEBHOOK = "/v1/whatsapp/webhook/clinic-a"
STATUS = "/v1/whatsapp/status/clinic-a"


@pytest.fixture
def twilio(settings, bot, django_capture_on_commit_callbacks):
    """Posts signed (or not) Twilio webhook requests, as Twilio would."""
    settings.TWILIO_AUTH_TOKEN = TOKEN

    class Twilio:
        client = APIClient()

        def post(self, path: str, params: dict, *, token: str | None = TOKEN, signature: str | None = None,
                 host: str = "testserver"):
            url = f"http://{host}{path}"
            headers = {}
            if signature is not None:
                headers["HTTP_X_TWILIO_SIGNATURE"] = signature
            elif token is not None:
                headers["HTTP_X_TWILIO_SIGNATURE"] = RequestValidator(token).compute_signature(url, params)
            with django_capture_on_commit_callbacks(execute=True):
                response = self.client.post(path, params, HTTP_HOST=host, **headers)
            connection.set_schema_to_public()
            return response

        def message(self, body: str, *, sender: str = "whatsapp:+34612345678", **extra) -> dict:
            return {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32, "From": sender,
                    "To": "whatsapp:+14155238886", "Body": body, "NumMedia": "0", "ProfileName": "Maria", **extra}

    return Twilio()


def on_clinic(clinic):
    connection.set_tenant(clinic)


def test_signed_message_is_answered_through_the_provider(twilio, clinic):
    response = twilio.post(WEBHOOK, twilio.message("Hola"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response.content.decode().endswith("<Response />")
    (sent,) = simulator.sent_to("+34612345678")
    assert sent.body == t("greeting", "es", clinic="Clínica Sonrisa") and sent.from_number == "+14155238886"
    on_clinic(clinic)
    conversation = Conversation.objects.get()
    assert conversation.profile_name == "Maria"
    assert [m.direction for m in conversation.messages.all()] == ["in", "out"]
    assert UsageRecord.objects.filter(clinic=clinic, service=Service.WHATSAPP).count() == 1


@pytest.mark.parametrize("signature", [None, "", "bm90IGEgc2lnbmF0dXJl", "A" * 28])
def test_unsigned_or_wrongly_signed_requests_are_403(twilio, clinic, signature):
    if signature is None:
        response = twilio.post(WEBHOOK, twilio.message("Hola"), token=None)
    else:
        response = twilio.post(WEBHOOK, twilio.message("Hola"), signature=signature)
    assert response.status_code == 403 and response.json() == {"error": "Invalid Twilio signature"}
    on_clinic(clinic)
    assert not Message.objects.exists() and simulator.SENT == []


def test_signature_with_another_token_is_403(twilio):
    assert twilio.post(WEBHOOK, twilio.message("Hola"), token="someone-elses-token").status_code == 403


def test_tampered_body_is_403(twilio):
    params = twilio.message("Hola")
    signature = RequestValidator(TOKEN).compute_signature(f"http://testserver{WEBHOOK}", params)
    response = twilio.post(WEBHOOK, {**params, "Body": "Cancel everything"}, signature=signature)
    assert response.status_code == 403


def test_no_token_configured_means_every_request_is_refused(twilio, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    assert twilio.post(WEBHOOK, twilio.message("Hola"), token="").status_code == 403


def test_clinic_with_its_own_twilio_account(twilio, bot, settings):
    bot.twilio_account_sid = "AC" + "1" * 32
    bot.twilio_auth_token = "clinic-own-token"
    bot.save()
    connection.set_schema_to_public()
    assert twilio.post(WEBHOOK, twilio.message("Hola"), token=TOKEN).status_code == 403
    assert twilio.post(WEBHOOK, twilio.message("Hola", AccountSid="AC" + "1" * 32),
                       token="clinic-own-token").status_code == 200
    # Signed with the clinic's token but from another account: refused.
    assert twilio.post(WEBHOOK, twilio.message("Hola", AccountSid="AC" + "2" * 32),
                       token="clinic-own-token").status_code == 403


def test_public_base_url_is_what_twilio_signs(twilio, settings):
    settings.PUBLIC_BASE_URL = "https://api.medsync.example"
    params = twilio.message("Hola")
    signature = RequestValidator(TOKEN).compute_signature(f"https://api.medsync.example{WEBHOOK}", params)
    assert twilio.post(WEBHOOK, params, signature=signature).status_code == 200
    assert twilio.post(WEBHOOK, twilio.message("Hola")).status_code == 403  # signed for http://testserver


def test_a_request_signed_for_one_clinic_cannot_be_replayed_to_another(twilio, other_clinic, clinic_server, clinic):
    from tests.booking.conftest import configure_bot

    configure_bot(other_clinic, clinic_server)
    connection.set_schema_to_public()
    params = twilio.message("Quiero cancelar mi cita")
    signature = RequestValidator(TOKEN).compute_signature(f"http://testserver{WEBHOOK}", params)
    response = twilio.post("/v1/whatsapp/webhook/clinic-b", params, signature=signature)
    assert response.status_code == 403
    connection.set_tenant(other_clinic)
    assert not Message.objects.exists()


def test_each_clinic_keeps_its_own_conversations(twilio, other_clinic, clinic_server, clinic):
    from tests.booking.conftest import configure_bot

    configure_bot(other_clinic, clinic_server, clinic_name="Clinic B", whatsapp_number="")
    connection.set_schema_to_public()
    twilio.post(WEBHOOK, twilio.message("Hola"))
    response = twilio.post("/v1/whatsapp/webhook/clinic-b", twilio.message("Hello"))
    assert response.status_code == 200
    on_clinic(clinic)
    assert list(Conversation.objects.values_list("language", flat=True)) == ["es"]
    on_clinic(other_clinic)
    assert list(Conversation.objects.values_list("language", flat=True)) == ["en"]
    assert UsageRecord.objects.filter(clinic=other_clinic, service=Service.WHATSAPP).count() == 1


def test_unknown_or_unconfigured_clinic_is_404(twilio, other_clinic):
    assert twilio.post("/v1/whatsapp/webhook/no-such-clinic", twilio.message("Hola")).status_code == 404
    response = twilio.post("/v1/whatsapp/webhook/clinic-b", twilio.message("Hola"))
    assert response.status_code == 404 and response.json() == {"error": "WhatsApp bot is not configured"}


def test_redelivered_message_is_answered_once(twilio, clinic):
    params = twilio.message("Hola")
    assert twilio.post(WEBHOOK, params).status_code == 200
    assert twilio.post(WEBHOOK, params).status_code == 200
    assert len(simulator.sent_to("+34612345678")) == 1
    on_clinic(clinic)
    assert Message.objects.filter(direction=MessageDirection.INBOUND).count() == 1


@pytest.mark.parametrize("sender", ["whatsapp:612345678", "whatsapp:+1", "sms:abc", "", "whatsapp:+999123"])
def test_unknown_sender_formats_get_a_polite_twiml_reply(twilio, clinic, sender, caplog):
    response = twilio.post(WEBHOOK, twilio.message("Hola, quiero una cita", sender=sender))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<Message>" in body and t("sender_unsupported", "es") in body
    assert "not a valid E.164" in caplog.text and "quiero una cita" not in caplog.text
    on_clinic(clinic)
    assert not Message.objects.exists()


def test_media_messages_are_answered_politely(twilio):
    params = twilio.message("", NumMedia="1", MediaContentType0="image/jpeg",
                            MediaUrl0="https://api.twilio.com/x.jpg")
    assert twilio.post(WEBHOOK, params).status_code == 200
    (sent,) = simulator.sent_to("+34612345678")
    assert sent.body == t("media_unsupported", "en")


def test_message_to_another_number_is_ignored(twilio, clinic):
    response = twilio.post(WEBHOOK, twilio.message("Hola", To="whatsapp:+34930000000"))
    assert response.status_code == 200 and simulator.SENT == []
    on_clinic(clinic)
    assert not Message.objects.exists()


def test_unexpected_errors_never_reach_twilio_as_500(twilio, monkeypatch, caplog):
    from booking import services

    def broken(**kwargs):
        raise RuntimeError("database on fire: +34612345678 said Hola")

    monkeypatch.setattr(services, "twilio_inbound_receive", broken)
    response = twilio.post(WEBHOOK, twilio.message("Hola"))
    assert response.status_code == 200 and t("error", "en") in response.content.decode()
    assert "RuntimeError" in caplog.text and "+34612345678" not in caplog.text


def test_engine_errors_are_answered_with_an_apology(twilio, monkeypatch, caplog):
    from booking.conversation import engine

    def broken(self, *args, **kwargs):
        raise KeyError("María")

    monkeypatch.setattr(engine.ConversationEngine, "_on_idle", broken)
    assert twilio.post(WEBHOOK, twilio.message("Hola")).status_code == 200
    (sent,) = simulator.sent_to("+34612345678")
    assert sent.body == t("error", "es")
    assert "KeyError" in caplog.text and "María" not in caplog.text


def _status(twilio, sid: str, status: str, **extra):
    return twilio.post(STATUS, {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32, **extra})


def test_status_callbacks_are_idempotent_and_ordered(twilio, clinic):
    twilio.post(WEBHOOK, twilio.message("Hola"))
    on_clinic(clinic)
    reply = Message.objects.get(direction=MessageDirection.OUTBOUND)
    assert reply.status == MessageStatus.SENT and reply.provider_sid.startswith("SM")
    connection.set_schema_to_public()
    for status in ("delivered", "delivered", "sent", "queued", "read", "delivered"):
        assert _status(twilio, reply.provider_sid, status).status_code == 204
    on_clinic(clinic)
    reply.refresh_from_db()
    assert reply.status == MessageStatus.READ


def test_failed_delivery_status_keeps_the_error_code(twilio, clinic):
    twilio.post(WEBHOOK, twilio.message("Hola"))
    on_clinic(clinic)
    reply = Message.objects.get(direction=MessageDirection.OUTBOUND)
    connection.set_schema_to_public()
    _status(twilio, reply.provider_sid, "undelivered", ErrorCode="63016")
    _status(twilio, reply.provider_sid, "undelivered", ErrorCode="63016")
    on_clinic(clinic)
    reply.refresh_from_db()
    assert reply.status == MessageStatus.UNDELIVERED and reply.error == "twilio:63016"


def test_status_callbacks_need_a_signature_and_ignore_unknown_messages(twilio):
    response = twilio.post(STATUS, {"MessageSid": "SMx", "MessageStatus": "read"}, token=None)
    assert response.status_code == 403
    assert _status(twilio, "SM-unknown", "delivered").status_code == 204
    assert _status(twilio, "SM-unknown", "exploded").status_code == 204
