"""Provider adapters, tested at their HTTP boundary: Twilio (SDK HttpClient) and the LLM (SDK transport)."""

from __future__ import annotations

import json
import logging
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from twilio.http import HttpClient
from twilio.http.response import Response as TwilioResponse

from booking.conversation import nlu
from booking.conversation.nlu import NluContext, NluError, SummaryFacts
from booking.models import Booking
from booking.providers.base import MessagingError, OutboundMessage, ProviderNotConfigured
from booking.providers.openai_llm import OpenAIBookingLLM
from booking.providers.twilio import TwilioWhatsAppProvider, twiml_message, validate_signature
from booking.services import FallbackUnderstander

try:  # the OpenAI SDK's own HTTP library (httpx2 in recent SDKs, httpx before)
    import httpx2 as sdk_httpx
except ImportError:  # pragma: no cover
    import httpx as sdk_httpx

ACCOUNT = "AC" + "a" * 32


class RecordingTwilioHttp(HttpClient):
    """Twilio SDK HTTP client that records requests and answers with a canned response."""

    def __init__(self, status: int = 201, body: dict | None = None, statuses: list[int] | None = None) -> None:
        super().__init__(logger=logging.getLogger("tests.twilio"), is_async=False)
        self.status = status
        self.statuses = list(statuses or [])
        self.body = body if body is not None else {"sid": "SM" + "f" * 32, "status": "queued"}
        self.requests: list[dict] = []

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        self.requests.append({"method": method, "url": uri, "data": dict(data or {}), "auth": auth})
        if self.statuses:  # scripted failures first, then the canned answer
            status = self.statuses.pop(0)
            return TwilioResponse(status, json.dumps({"code": 20000 + status, "message": "error", "status": status}))
        return TwilioResponse(self.status, json.dumps(self.body))


def test_twilio_sends_free_text():
    http = RecordingTwilioHttp()
    provider = TwilioWhatsAppProvider(account_sid=ACCOUNT, auth_token="token", http_client=http)
    result = provider.send(OutboundMessage(to="+34612345678", from_number="+14155238886", body="Hola",
                                           status_callback="https://api.example/v1/whatsapp/status/clinic-a"))
    assert (result.sid, result.status) == ("SM" + "f" * 32, "queued")
    (request,) = http.requests
    assert request["method"] == "POST"
    assert request["url"] == f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert request["data"] == {"To": "whatsapp:+34612345678", "From": "whatsapp:+14155238886", "Body": "Hola",
                               "StatusCallback": "https://api.example/v1/whatsapp/status/clinic-a"}
    assert request["auth"] == (ACCOUNT, "token")


def test_twilio_sends_templates_outside_the_window():
    http = RecordingTwilioHttp()
    provider = TwilioWhatsAppProvider(account_sid=ACCOUNT, auth_token="token", http_client=http)
    provider.send(OutboundMessage(to="+34612345678", from_number="+14155238886", template_sid="HX" + "1" * 32,
                                  template_variables={"1": "Dental Plus", "2": "Confirmed"}))
    data = http.requests[0]["data"]
    assert data["ContentSid"] == "HX" + "1" * 32 and "Body" not in data
    assert json.loads(data["ContentVariables"]) == {"1": "Dental Plus", "2": "Confirmed"}


@pytest.mark.parametrize("status,code,permanent", [(400, 63016, True), (401, 20003, True), (429, 20429, False),
                                                   (500, 20500, False), (503, 20503, False)])
def test_twilio_errors_say_whether_a_retry_can_help(status, code, permanent):
    http = RecordingTwilioHttp(status=status, body={"code": code, "message": "nope", "status": status})
    provider = TwilioWhatsAppProvider(account_sid=ACCOUNT, auth_token="token", http_client=http)
    with pytest.raises(MessagingError) as raised:
        provider.send(OutboundMessage(to="+34612345678", from_number="+14155238886", body="Hola"))
    assert raised.value.permanent is permanent and raised.value.code == str(code)
    assert "Hola" not in raised.value.message and "+34612345678" not in raised.value.message


def test_twilio_needs_credentials():
    with pytest.raises(ProviderNotConfigured):
        TwilioWhatsAppProvider(account_sid="", auth_token="", http_client=RecordingTwilioHttp())


@pytest.mark.django_db
def test_provider_choice(bot, settings):
    from booking.services import messaging_provider_name

    settings.WHATSAPP_PROVIDER = "auto"
    assert messaging_provider_name(bot) == "simulator"  # no credentials anywhere
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT, "platform-token"
    assert messaging_provider_name(bot) == "twilio"  # the platform's account, the clinic's number
    bot.whatsapp_number = ""
    assert messaging_provider_name(bot) == "simulator"  # no sender number
    settings.TWILIO_WHATSAPP_FROM = "+14155238886"
    assert messaging_provider_name(bot) == "twilio"
    bot.provider = "simulator"
    assert messaging_provider_name(bot) == "simulator"  # the clinic's explicit choice wins
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    bot.provider, bot.twilio_account_sid, bot.twilio_auth_token = "auto", ACCOUNT, "own-token"
    assert messaging_provider_name(bot) == "twilio"  # the clinic's own account


@pytest.mark.django_db
def test_twilio_failures_mark_the_message_failed(patient, bot, monkeypatch, caplog):
    """Through the service: a permanent Twilio error (e.g. 63016) is recorded, never retried or logged with data."""
    from booking import services

    http = RecordingTwilioHttp(status=400, body={"code": 63016, "message": "outside window", "status": 400})
    monkeypatch.setattr(services, "messaging_provider_for", lambda config, name=None: TwilioWhatsAppProvider(
        account_sid=ACCOUNT, auth_token="tok", http_client=http))
    patient().say("Hola")
    assert len(http.requests) == 1  # permanent: not retried
    from booking.models import Message, MessageDirection

    reply = Message.objects.get(direction=MessageDirection.OUTBOUND)
    assert reply.status == "failed" and reply.error == "63016"
    assert "63016" in caplog.text and "+34612345678" not in caplog.text


@pytest.mark.django_db
def test_transient_twilio_errors_are_retried(patient, monkeypatch):
    from booking import services
    from booking.models import Message, MessageDirection

    http = RecordingTwilioHttp(statuses=[503])
    monkeypatch.setattr(services, "messaging_provider_for", lambda config, name=None: TwilioWhatsAppProvider(
        account_sid=ACCOUNT, auth_token="tok", http_client=http))
    patient().say("Hello")
    assert len(http.requests) == 2
    reply = Message.objects.get(direction=MessageDirection.OUTBOUND)
    assert reply.status == "queued" and reply.provider_sid == "SM" + "f" * 32


def test_twilio_signature_helpers():
    from twilio.request_validator import RequestValidator

    params = {"Body": "Hola", "From": "whatsapp:+34612345678"}
    url = "https://api.example/v1/whatsapp/webhook/clinic-a"
    signature = RequestValidator("tok").compute_signature(url, params)
    assert validate_signature(auth_token="tok", url=url, params=params, signature=signature)
    assert not validate_signature(auth_token="tok", url=url + "x", params=params, signature=signature)
    assert not validate_signature(auth_token="", url=url, params=params, signature=signature)
    assert not validate_signature(auth_token="tok", url=url, params=params, signature="")
    assert twiml_message(None).endswith("<Response />")
    assert "<Message>a &lt; b</Message>" in twiml_message("a < b")


CONTEXT = NluContext(language="es", now_local=datetime(2026, 5, 18, 9, 0, tzinfo=ZoneInfo("Europe/Madrid")),
                     step="choose_slot", option_count=3, option_times=(time(9), time(10), time(12, 30)),
                     option_providers=("Dr. Garcia", "Dr. Lopez", "Dr. Garcia"))


def llm_with(handler) -> OpenAIBookingLLM:
    return OpenAIBookingLLM(api_key="sk-test", model="gpt-test", base_url="http://llm.test/v1",
                            http_client=sdk_httpx.Client(transport=sdk_httpx.MockTransport(handler)))


def completion(content: str) -> dict:
    return {"id": "c1", "object": "chat.completion", "created": 1, "model": "gpt-test",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}]}


def test_llm_understanding_request_and_validation():
    seen = []

    def handler(request):
        seen.append(json.loads(request.content))
        return sdk_httpx.Response(200, json=completion(json.dumps(
            {"intents": ["book", "made-up"], "date": "2026-05-21", "daypart": "afternoon", "time": None,
             "asap": False, "choice": 2, "affirm": None, "name": None, "faq_index": None, "service": None})))

    understanding = llm_with(handler).understand("me va mejor la segunda, el jueves", context=CONTEXT)
    assert understanding.intents == frozenset({nlu.BOOK})
    assert understanding.when.date.isoformat() == "2026-05-21" and understanding.when.daypart == "afternoon"
    assert understanding.choice == 2 and understanding.engine == "openai"
    (request,) = seen
    assert request["model"] == "gpt-test" and request["response_format"] == {"type": "json_object"}
    assert "MESSAGE: me va mejor la segunda, el jueves" in request["messages"][1]["content"]
    assert '"TODAY": "2026-05-18"' in request["messages"][1]["content"]


@pytest.mark.parametrize("content", ["not json", "[1, 2]", json.dumps({"intents": "book"}),
                                     json.dumps({"date": "next thursday"}), json.dumps({"daypart": "noonish"})])
def test_llm_answers_that_are_not_valid_raise(content):
    llm = llm_with(lambda request: sdk_httpx.Response(200, json=completion(content)))
    with pytest.raises(NluError):
        llm.understand("hola", context=CONTEXT)


def test_llm_out_of_range_choice_is_dropped():
    llm = llm_with(lambda request: sdk_httpx.Response(200, json=completion(json.dumps({"choice": 9}))))
    assert llm.understand("la novena", context=CONTEXT).choice is None


def test_llm_http_errors_fall_back_to_the_rules(caplog):
    llm = llm_with(lambda request: sdk_httpx.Response(500, json={"error": {"message": "boom"}}))
    with pytest.raises(NluError) as raised:
        llm.understand("la segunda", context=CONTEXT)
    assert not raised.value.permanent
    from booking.conversation.rules import RuleBasedUnderstanding

    understanding = FallbackUnderstander(llm, RuleBasedUnderstanding()).understand("la segunda", context=CONTEXT)
    assert understanding.choice == 2 and understanding.engine == "rules"
    assert "LLM returned HTTP 500" in caplog.text and "segunda" not in caplog.text


def test_llm_summary():
    def handler(request):
        body = json.loads(request.content)
        assert "response_format" not in body
        assert "patient: Quiero una limpieza" in body["messages"][1]["content"]
        return sdk_httpx.Response(200, json=completion("Solicita limpieza dental; prefiere mañanas."))

    facts = SummaryFacts(date="2026-05-21", time="09:00", provider="Dr. Garcia")
    summary = llm_with(handler).summarize(facts=facts, transcript=[("patient", "Quiero una limpieza")],
                                          language="es")
    assert summary == "Solicita limpieza dental; prefiere mañanas."


def test_without_a_key_the_llm_is_not_configured():
    with pytest.raises(NluError) as raised:
        OpenAIBookingLLM(api_key="", model="m")
    assert raised.value.permanent


@pytest.mark.django_db
def test_a_conversation_with_the_llm_configured(patient, clinic_server, monkeypatch, settings):
    """Free-form messages the rules would not understand, understood by the (mocked) LLM."""
    settings.OPENAI_API_KEY = "sk-test"
    script = {
        "Me vendría bien el jueves, a primera hora si puede ser": {"intents": ["book"], "date": "2026-05-21",
                                                                   "daypart": "morning"},
        "Venga, me quedo con la que está justo antes de las diez": {"choice": 2},
        "Apúntelo a nombre de mi madre, Rosa Martí": {"name": "Rosa Martí"},
        "Adelante": {"affirm": True},
    }

    def handler(request):
        body = json.loads(request.content)
        if "response_format" in body:
            message = body["messages"][1]["content"].rsplit("MESSAGE: ", 1)[1]
            return sdk_httpx.Response(200, json=completion(json.dumps(script[message])))
        return sdk_httpx.Response(200, json=completion("Pide cita para su madre el jueves temprano."))

    from booking import services

    monkeypatch.setattr(services, "_llm_for", lambda config: llm_with(handler))
    p = patient()
    assert "jueves 21 de mayo" in p.say("Me vendría bien el jueves, a primera hora si puede ser")
    assert "09:30" in p.say("Venga, me quedo con la que está justo antes de las diez")
    assert "Rosa Martí" in p.say("Apúntelo a nombre de mi madre, Rosa Martí")
    p.say("Adelante")
    booking = Booking.objects.get()
    assert booking.patient_name == "Rosa Martí" and booking.conversation_summary == \
        "Pide cita para su madre el jueves temprano."
    assert json.loads(clinic_server.received()[0]["body"])["conversation_summary"] == booking.conversation_summary


@pytest.mark.django_db
def test_the_llm_failing_mid_conversation_falls_back_offline(patient, clinic_server, monkeypatch, settings):
    settings.OPENAI_API_KEY = "sk-test"
    from booking import services

    monkeypatch.setattr(services, "_llm_for", lambda config: llm_with(
        lambda request: sdk_httpx.Response(503, json={"error": {"message": "overloaded"}})))
    p = patient()
    for text in ("Quiero una cita el jueves", "1", "Rosa Martí", "sí"):
        p.say(text)
    booking = Booking.objects.get()
    assert booking.conversation_summary.startswith("Patient requested an appointment via WhatsApp")
