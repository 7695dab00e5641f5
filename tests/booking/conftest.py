"""Fixtures of the WhatsApp bot tests.

``clinic_server`` is a real HTTP server on 127.0.0.1 (a thread of the test process) standing in for
the clinic's own API: ``GET /slots`` answers the slots document, ``POST /callback`` records
appointment callbacks. Its behaviour can be switched per test (down, slow, malformed, failing).
``bot`` configures clinic A's bot against it; ``patient`` chats through the same path as a
WhatsApp message (stored → Celery task, eager here → engine → reply through the simulator).
Time is frozen on Monday 2026-05-18, 08:00 in Madrid.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection

#: Monday 18 May 2026, 08:00 in Europe/Madrid (06:00 UTC).
FROZEN_NOW = datetime(2026, 5, 18, 6, 0, tzinfo=timezone.utc)
MONDAY = date(2026, 5, 18)

#: The day's slots on weekdays (none at weekends) unless a test says otherwise.
WEEKDAY_SLOTS = [
    {"time": "09:00", "provider": "Dr. Garcia"},
    {"time": "09:30", "provider": "Dr. Garcia"},
    {"time": "10:00", "provider": "Dr. Lopez"},
    {"time": "12:30", "provider": "Dr. Garcia"},
    {"time": "16:00", "provider": "Dr. Lopez"},
    {"time": "17:30", "provider": "Dr. Garcia"},
]


@dataclass
class ClinicServer:
    """State and switches of the stand-in clinic server."""

    url: str = ""
    #: ISO date -> slots list; dates not listed get WEEKDAY_SLOTS on weekdays, [] at weekends.
    slots: dict[str, list] = field(default_factory=dict)
    #: "ok", "error" (503), "slow" (sleeps slow_seconds), "malformed" (not JSON), "wrong_shape".
    slots_mode: str = "ok"
    slow_seconds: float = 1.5
    slot_requests: list[dict] = field(default_factory=list)
    #: The next this-many callback POSTs answer 500.
    fail_callbacks: int = 0
    #: Seconds the callback endpoint waits before answering.
    callback_delay: float = 0.0
    callbacks: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def slots_url(self) -> str:
        return self.url + "/slots"

    @property
    def callback_url(self) -> str:
        return self.url + "/callback"

    @property
    def cancellation_url(self) -> str:
        return self.url + "/cancellations"

    def slots_for(self, iso_date: str) -> list:
        if iso_date in self.slots:
            return self.slots[iso_date]
        return WEEKDAY_SLOTS if date.fromisoformat(iso_date).weekday() < 5 else []

    def received(self) -> list[dict]:
        with self.lock:
            return list(self.callbacks)


def _handler(state: ClinicServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            parts = urlsplit(self.path)
            if parts.path != "/slots":
                return self._send(404, b"{}")
            query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            with state.lock:
                state.slot_requests.append(query)
            mode = state.slots_mode
            if mode == "error":
                return self._send(503, b'{"error": "maintenance"}')
            if mode == "slow":
                time.sleep(state.slow_seconds)
            if mode == "malformed":
                return self._send(200, b"<html>this is not JSON")
            if mode == "wrong_shape":
                return self._send(200, json.dumps({"times": ["09:00"]}).encode())
            return self._send(200, json.dumps({"slots": state.slots_for(query.get("date", ""))}).encode())

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            path = urlsplit(self.path).path
            if path not in ("/callback", "/cancellations"):
                return self._send(404, b"{}")
            if state.callback_delay:
                time.sleep(state.callback_delay)
            with state.lock:
                failing = state.fail_callbacks > 0
                if failing:
                    state.fail_callbacks -= 1
                state.callbacks.append({"headers": dict(self.headers.items()), "body": body, "failed": failing,
                                        "path": path})
            if failing:
                return self._send(500, b'{"error": "down"}')
            return self._send(200, b'{"received": true}')

    return Handler


@pytest.fixture
def clinic_server():
    state = ClinicServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


class Clock:
    """The booking bot's clock, frozen and movable by tests."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    from booking import clock as booking_clock

    frozen = Clock(FROZEN_NOW)
    monkeypatch.setattr(booking_clock, "now", frozen)
    return frozen


@pytest.fixture(autouse=True)
def _bot_settings(settings):
    settings.TWILIO_ACCOUNT_SID = ""
    settings.TWILIO_AUTH_TOKEN = ""
    settings.TWILIO_WHATSAPP_FROM = ""
    settings.PUBLIC_BASE_URL = ""
    # Never reach a real carrier from tests: the simulator answers unless a test injects an HTTP client.
    settings.WHATSAPP_PROVIDER = "simulator"
    settings.WHATSAPP_NLU = "auto"
    settings.WHATSAPP_SLOTS_TIMEOUT_SECONDS = 2.0
    settings.WHATSAPP_SLOTS_CONNECT_TIMEOUT_SECONDS = 1.0
    settings.WHATSAPP_SLOTS_ATTEMPTS = 2
    settings.WHATSAPP_CALLBACK_TIMEOUT_SECONDS = 2.0
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from booking.providers import simulator

    simulator.clear()
    yield
    simulator.clear()


@pytest.fixture(autouse=True)
def _no_real_twilio(monkeypatch):
    """Fail loudly if a test would build the Twilio adapter without a recording HTTP client."""
    from booking.providers.twilio import TwilioWhatsAppProvider

    real_init = TwilioWhatsAppProvider.__init__

    def guarded(self, *, account_sid, auth_token, timeout=10.0, http_client=None):
        if http_client is None:
            raise AssertionError("a test tried to reach the real Twilio API")
        real_init(self, account_sid=account_sid, auth_token=auth_token, timeout=timeout, http_client=http_client)

    monkeypatch.setattr(TwilioWhatsAppProvider, "__init__", guarded)


def configure_bot(clinic, server: ClinicServer, **overrides):
    """Configure ``clinic``'s bot against ``server`` (and leave the connection on its schema)."""
    from booking.services import bot_config_upsert

    connection.set_tenant(clinic)
    fields = {
        "clinic_name": "Clínica Sonrisa",
        "default_language": "en",
        "time_zone": "Europe/Madrid",
        "whatsapp_number": "+14155238886",
        "opening_hours": {"mon": ["09:00–14:00", "16:00–20:00"], "tue": ["09:00–14:00"], "wed": ["09:00–14:00"],
                          "thu": ["09:00–14:00"], "fri": ["09:00–14:00"], "sat": [], "sun": []},
        "services": ["Dental cleaning", "Orthodontics", "Implants"],
        "faq": [
            {"question": {"en": "Is there parking?", "es": "¿Hay aparcamiento?"},
             "answer": {"en": "Yes, free parking behind the clinic.", "es": "Sí, aparcamiento gratuito detrás de la clínica."},
             "keywords": ["parking", "aparcamiento", "aparcar", "estacionamento", "parkplatz", "parcheggio", "aparcament"]},
        ],
    }
    fields["cancellation_callback_url"] = server.cancellation_url
    fields.update(overrides)
    return bot_config_upsert(appointment_callback_url=server.callback_url, slots_endpoint_url=server.slots_url,
                             **fields)


@pytest.fixture
def bot(clinic, clinic_server, clock):
    return configure_bot(clinic, clinic_server)


class Patient:
    """A patient chatting with the bot through the inbound-message path (as a Twilio webhook does)."""

    def __init__(self, phone: str, capture) -> None:
        self.phone = phone
        self._capture = capture
        self._seen = 0

    def say(self, text: str, *, media_count: int = 0) -> str:
        """Send ``text``; return the bot's replies (joined by a blank line)."""
        from booking.models import Message, MessageDirection
        from booking.services import inbound_message_receive

        with self._capture(execute=True):
            receipt = inbound_message_receive(sender=f"whatsapp:{self.phone}", body=text, media_count=media_count,
                                              provider_sid="SM" + uuid.uuid4().hex, profile_name="Test")
        assert receipt.message_id is not None, receipt
        replies = list(
            Message.objects.filter(conversation__phone=self.phone, direction=MessageDirection.OUTBOUND,
                                   id__gt=self._seen).order_by("id")
        )
        if replies:
            self._seen = replies[-1].id
        return "\n\n".join(m.body for m in replies)


@pytest.fixture
def patient(bot, django_capture_on_commit_callbacks):
    def make(phone: str = "+34612345678") -> Patient:
        return Patient(phone, django_capture_on_commit_callbacks)

    return make
