"""The clinic's webhook receiver is down for the equivalent of an hour (time compressed: backoff base 1 s,
cap 3 s instead of 30 s / 1 h, so ~8 failed attempts per event as in a real hour), while two real Celery
workers retry and the beat's sweep runs every second. Afterwards every booking and call callback reaches
the receiver, correctly signed, exactly once per event id."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date, time as dtime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.test import override_settings

from tests.scale.procs import Worker, child_env, free_port, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

OUTAGE_SECONDS = 20


class Receiver:
    """The clinic's webhook endpoint: a real HTTP server on a fixed port, started only when it comes back
    (until then connections to the port are refused, as with a receiver that is down)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[tuple[str, str, dict, bytes]] = []
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.received.append((self.headers["X-MedSync-Event-Id"], self.headers["X-MedSync-Event"],
                                       dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture(scope="module")
def outbox(committed_clinic, django_db_blocker):
    """Committed booking and call events of the clinic whose callbacks go to a receiver that is down.
    Their first attempt runs at once (no broker in the test process) and fails. Yields
    ``(clinic, receiver, {delivery_id: event_id}, call_secret, booking_secret)``."""
    from booking.callbacks import callback_enqueue, webhook_enqueue
    from booking.models import BotConfig, Booking, CallbackDelivery
    from booking.signing import new_secret
    from calls.selectors import call_settings_get

    clinic, _, _ = committed_clinic
    receiver = Receiver(free_port())
    base = f"http://127.0.0.1:{receiver.port}"
    with django_db_blocker.unblock(), override_settings(CELERY_TASK_ALWAYS_EAGER=True, WHATSAPP_CALLBACK_RETRY_BASE_SECONDS=1):
        connection.set_tenant(clinic)
        try:
            config = BotConfig.objects.create(appointment_callback_url=f"{base}/appointments",
                                              cancellation_callback_url=f"{base}/cancellations",
                                              slots_endpoint_url=f"{base}/slots", callback_secret=new_secret())
            for i in range(6):
                booking = Booking.objects.create(patient_name=f"Patient {i}", patient_phone=f"+3461234560{i}",
                                                 date=date(2026, 12, 1 + i), time=dtime(10, 0), provider="Dr. Who",
                                                 language="en", status="pending_review")
                callback_enqueue(booking=booking, event_type="appointment.created")
                if i % 3 == 0:
                    callback_enqueue(booking=booking, event_type="appointment.cancelled")
            call_secret = call_settings_get().callback_secret
            for i in range(3):
                webhook_enqueue(url=f"{base}/calls", event_type="call.completed", payload={"call_sid": f"CA{i}"})
            deliveries = dict(CallbackDelivery.objects.values_list("id", "event_id"))
            assert set(CallbackDelivery.objects.values_list("status", flat=True)) == {"retrying"}
        finally:
            connection.set_schema_to_public()
    yield clinic, receiver, {k: str(v) for k, v in deliveries.items()}, call_secret, config.callback_secret
    receiver.stop()


def _deliveries(in_clinic, clinic) -> list[tuple[int, str, int]]:
    from booking.models import CallbackDelivery

    return in_clinic(clinic, lambda: list(CallbackDelivery.objects.values_list("id", "status", "attempts")))


def test_callbacks_are_delivered_once_each_after_an_hour_long_outage(outbox, in_clinic, private_redis_url, tmp_path):
    from celery import Celery

    from booking.signing import verify

    clinic, receiver, deliveries, call_secret, booking_secret = outbox
    redis_url = private_redis_url
    queue = "celery"
    env = child_env(redis_url=redis_url, media_root=tmp_path, WHATSAPP_CALLBACK_RETRY_BASE_SECONDS="1",
                    WHATSAPP_CALLBACK_RETRY_MAX_SECONDS="3", WHATSAPP_CALLBACK_TIMEOUT_SECONDS="2")
    workers = [Worker(queue=queue, env=env, log=tmp_path / f"worker{i}.log", concurrency=2) for i in range(2)]
    beat = Celery(broker=redis_url, set_as_current=False)

    def sweep() -> None:  # what celery beat sends every minute, here every second
        beat.send_task("booking.tasks.deliver_due_callbacks", queue=queue)

    try:
        for worker in workers:
            worker.wait_ready()
        outage_end = time.monotonic() + OUTAGE_SECONDS
        while time.monotonic() < outage_end:
            sweep()
            time.sleep(1)
        during = _deliveries(in_clinic, clinic)
        assert {status for _, status, _ in during} <= {"retrying", "delivering"}
        assert min(attempts for _, _, attempts in during) >= 4, during  # retried all along the outage
        assert receiver.received == []

        receiver.start()

        def all_delivered() -> bool:
            sweep()
            return {status for _, status, _ in _deliveries(in_clinic, clinic)} == {"delivered"}

        wait_for(all_delivered, timeout=60, what="every callback delivered", log=workers[0].log, interval=1)
        for _ in range(5):  # late sweeps and scheduled retries find nothing left to send
            sweep()
            time.sleep(1)
    finally:
        for worker in workers:
            worker.kill()

    seen = Counter(event_id for event_id, _, _, _ in receiver.received)
    assert set(seen) == set(deliveries.values())
    assert set(seen.values()) == {1}, seen  # exactly once per event id
    kinds = Counter(kind for _, kind, _, _ in receiver.received)
    assert kinds == {"appointment.created": 6, "appointment.cancelled": 2, "call.completed": 3}
    for _, kind, headers, body in receiver.received:
        secret = call_secret if kind.startswith("call.") else booking_secret
        assert verify(secret=secret, body=body, timestamp=headers["X-MedSync-Timestamp"],
                      signature=headers["X-MedSync-Signature"])
