"""Signed appointment callbacks: signature, retries with backoff, never lost, delivery log."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command

from booking import signing
from booking.callbacks import backoff_seconds, callback_attempt, callbacks_deliver_due
from booking.models import CallbackDelivery, DeliveryStatus
from booking.selectors import bot_config_get

pytestmark = pytest.mark.django_db


def book(patient, phone: str = "+34612345678") -> None:
    p = patient(phone)
    for text in ("Quiero una cita el jueves", "1", "Nuria Roca", "sí"):
        p.say(text)


def test_signature_verifies_and_detects_tampering(patient, clinic_server, bot):
    book(patient)
    (callback,) = clinic_server.received()
    headers, body = callback["headers"], callback["body"]
    timestamp, signature = headers[signing.TIMESTAMP_HEADER], headers[signing.SIGNATURE_HEADER]
    now = int(timestamp)
    assert signature.startswith("v1=") and len(signature) == 3 + 64
    assert signing.verify(secret=bot.callback_secret, body=body, timestamp=timestamp, signature=signature, now=now)
    # A clinic can check it with nothing but the standard library:
    import hashlib
    import hmac

    expected = hmac.new(bot.callback_secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert signature == f"v1={expected}"
    tampered = body.replace(b"Nuria", b"Nuri4")
    assert not signing.verify(secret=bot.callback_secret, body=tampered, timestamp=timestamp, signature=signature,
                              now=now)
    assert not signing.verify(secret="whsec_other", body=body, timestamp=timestamp, signature=signature, now=now)
    assert not signing.verify(secret=bot.callback_secret, body=body, timestamp=str(now - 1), signature=signature,
                              now=now)
    # Replays older than the tolerance are refused.
    assert not signing.verify(secret=bot.callback_secret, body=body, timestamp=timestamp, signature=signature,
                              now=now + 301)
    assert not signing.verify(secret=bot.callback_secret, body=body, timestamp="nonsense", signature=signature)


def test_backoff_doubles_from_30_seconds_up_to_an_hour():
    assert [backoff_seconds(n) for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_retries_after_the_clinic_server_fails(patient, clinic_server, clock):
    clinic_server.fail_callbacks = 2
    book(patient)
    delivery = CallbackDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 1
    assert delivery.last_status_code == 500 and delivery.last_error == "http_500"
    assert (delivery.next_attempt_at - clock.current).total_seconds() == 30

    assert callbacks_deliver_due(inline=True) == 0  # not due yet
    clock.advance(seconds=30)
    out = io.StringIO()
    call_command("deliver_callbacks", stdout=out)
    assert "Attempted 1 due callback(s)." in out.getvalue()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 2
    assert (delivery.next_attempt_at - clock.current).total_seconds() == 60

    clock.advance(seconds=59)
    assert callbacks_deliver_due(inline=True) == 0
    clock.advance(seconds=1)
    call_command("deliver_callbacks", "--clinic", "clinic-a", stdout=io.StringIO())
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert [(a.number, a.status_code) for a in delivery.attempt_log.all()] == [(1, 500), (2, 500), (3, 200)]

    received = clinic_server.received()
    assert [c["failed"] for c in received] == [True, True, False]
    # Same event id and body on every attempt (the clinic de-duplicates on it); fresh signatures.
    assert len({c["headers"][signing.EVENT_ID_HEADER] for c in received}) == 1
    assert len({c["body"] for c in received}) == 1
    assert len({c["headers"][signing.TIMESTAMP_HEADER] for c in received}) == 3
    secret = bot_config_get().callback_secret
    for c in received:
        assert signing.verify(secret=secret, body=c["body"], timestamp=c["headers"][signing.TIMESTAMP_HEADER],
                              signature=c["headers"][signing.SIGNATURE_HEADER],
                              now=int(c["headers"][signing.TIMESTAMP_HEADER]))


def test_callbacks_are_kept_while_the_clinic_server_is_down_and_given_up_after_the_retry_window(
        patient, bot, clinic_server, closed_port_url, clock, settings):
    bot.appointment_callback_url = closed_port_url + "/callback"
    bot.save()
    book(patient)
    delivery = CallbackDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error.startswith("connection_error")
    # Keep retrying, on the backoff schedule, for the whole window (72 h by default, at least 24 h).
    attempts_at = []
    while True:
        delivery.refresh_from_db()
        if delivery.status != DeliveryStatus.RETRYING:
            break
        clock.current = delivery.next_attempt_at
        attempts_at.append(clock.current)
        callbacks_deliver_due(inline=True)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    span_hours = (attempts_at[-1] - delivery.created_at).total_seconds() / 3600
    assert span_hours >= settings.WHATSAPP_CALLBACK_GIVE_UP_HOURS >= 24
    assert delivery.attempts == len(attempts_at) + 1 == delivery.attempt_log.count()
    gaps = [(b - a).total_seconds() for a, b in zip(attempts_at, attempts_at[1:])]
    assert max(gaps) == 3600 and gaps[:3] == [60, 120, 240]

    # Once the server is back, an operator can retry it (admin action) and it arrives.
    bot.appointment_callback_url = clinic_server.callback_url
    bot.save()
    from booking.callbacks import callback_retry_now

    callback_retry_now(delivery=delivery)
    callbacks_deliver_due(inline=True)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert json.loads(clinic_server.received()[-1]["body"])["patient_name"] == "Nuria Roca"


def test_slow_clinic_server_counts_as_a_failed_attempt(patient, clinic_server, settings):
    settings.WHATSAPP_CALLBACK_TIMEOUT_SECONDS = 0.3
    clinic_server.callback_delay = 1.0
    book(patient)
    delivery = CallbackDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.last_error == "timeout"
    assert delivery.attempt_log.get().duration_ms >= 300


def test_a_delivery_is_attempted_once_even_if_claimed_twice(patient, clinic_server, clock):
    clinic_server.fail_callbacks = 1
    book(patient)
    delivery = CallbackDelivery.objects.get()
    clock.advance(seconds=30)
    assert callback_attempt(delivery_id=delivery.pk) is None  # delivered now
    assert callback_attempt(delivery_id=delivery.pk) is None  # nothing left to do
    assert len(clinic_server.received()) == 2


def test_a_delivery_whose_worker_died_is_taken_over_after_its_lease(patient, clinic_server, clock):
    clinic_server.fail_callbacks = 1
    book(patient)
    delivery = CallbackDelivery.objects.get()
    # A worker claimed it and died mid-attempt: it stays "delivering" with a lease.
    CallbackDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.DELIVERING,
                                                           lease_until=clock.current + timedelta(seconds=50))
    assert callbacks_deliver_due(inline=True) == 0
    clock.advance(seconds=51)
    assert callbacks_deliver_due(inline=True) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_beat_task_delivers_due_callbacks_of_every_clinic(patient, clinic_server, clock):
    from booking.tasks import deliver_due_callbacks

    clinic_server.fail_callbacks = 1
    book(patient)
    clock.advance(minutes=1)
    assert deliver_due_callbacks.delay().get() == 1
    assert CallbackDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_task_reschedules_itself_only_with_a_broker(patient, clinic_server, clock, monkeypatch):
    from django.db import connection

    from booking import tasks

    clinic_server.fail_callbacks = 5
    book(patient)  # eager: the first attempt failed and nothing was re-scheduled in-process
    delivery = CallbackDelivery.objects.get()
    assert delivery.attempts == 1
    scheduled = []
    monkeypatch.setattr(tasks.deliver_callback, "apply_async",
                        lambda args, countdown: scheduled.append((args, countdown)))
    clock.advance(seconds=30)
    # Run as a worker would (not eager): a failed attempt schedules the next one with its backoff.
    tasks.deliver_callback.run(connection.schema_name, delivery.pk)
    assert scheduled == [((connection.schema_name, delivery.pk), 60.0)]
