"""Signed appointment callbacks to the clinic: outbox, delivery attempts and retries.

The same outbox carries every other app's webhooks (:func:`webhook_enqueue`, e.g. the agent calls'
``call.completed``), each signed with the secret its app registers for its event-type prefix.

A callback is written as a :class:`CallbackDelivery` row in the same transaction as the booking
change it reports, so it cannot be lost; after commit a Celery task makes the first attempt.
Each attempt is a ``POST`` of the stored body, signed (:mod:`booking.signing`) with the clinic's
current secret and a fresh timestamp. A 2xx answer delivers it; anything else (an error status,
a timeout, a refused connection) schedules the next attempt with exponential backoff —
``WHATSAPP_CALLBACK_RETRY_BASE_SECONDS`` (30 s) doubling up to
``WHATSAPP_CALLBACK_RETRY_MAX_SECONDS`` (1 h) — until ``WHATSAPP_CALLBACK_GIVE_UP_HOURS``
(72 h, at least 24 h) after the event, when it is marked failed (and can be retried from the admin).

With a broker the task re-schedules itself (``countdown``); without one (eager mode) the first
attempt runs in-process and ``python manage.py deliver_callbacks`` or the Celery beat entry
``booking.tasks.deliver_due_callbacks`` retries due ones. Both paths claim a delivery with a
conditional UPDATE and a lease, so a delivery is attempted by one worker at a time, and one whose
worker died mid-attempt is picked up again when its lease runs out.
"""

from __future__ import annotations

import json
import logging
import time as time_module
from datetime import timedelta
from typing import Any

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from booking import clock, selectors, signing
from booking.models import Booking, CallbackDelivery, DeliveryAttempt, DeliveryStatus

logger = logging.getLogger("medsync.booking.callbacks")

USER_AGENT = "MedSync-Webhooks/1.0"


#: Events and the configuration field of the URL that receives them. A receiver coded to the
#: seed stores every POST to ``appointment_callback_url`` as a new appointment, so that URL gets new
#: bookings only; cancellations and reschedules go to the optional ``cancellation_callback_url``.
CALLBACK_URL_FIELDS = {
    "appointment.created": "appointment_callback_url",
    "appointment.cancelled": "cancellation_callback_url",
    "appointment.rescheduled": "cancellation_callback_url",
}


def callback_url_for(config, event_type: str) -> str:
    """The clinic's URL for ``event_type`` (``""`` when the clinic has not configured one)."""
    field = CALLBACK_URL_FIELDS.get(event_type)
    return getattr(config, field, "") if config is not None and field else ""


def callback_payload(booking: Booking, *, summary: str | None = None,
                     rescheduled_to: Booking | None = None) -> dict[str, Any]:
    """The seed's appointment callback body (platform API seed, "Appointment Callback"), key for key,
    plus ``booking_id`` (for ``POST /v1/whatsapp/bookings/{booking_id}/confirm`` and ``/reject``).

    ``{"patient_name", "patient_phone" (E.164), "date" (YYYY-MM-DD), "time" (HH:MM), "provider",
    "language", "status", "conversation_summary", "booking_id" (UUID)}``; a reschedule's cancellation
    also has ``rescheduled_to_booking_id``, the booking that replaces it.
    """
    extra = {"rescheduled_to_booking_id": str(rescheduled_to.pk)} if rescheduled_to is not None else {}
    return {
        "patient_name": booking.patient_name,
        "patient_phone": booking.patient_phone,
        "date": booking.date.isoformat(),
        "time": booking.time.strftime("%H:%M"),
        "provider": booking.provider,
        "language": booking.language,
        "status": booking.status,
        "conversation_summary": booking.conversation_summary if summary is None else summary,
        "booking_id": str(booking.pk),
    } | extra


def callback_enqueue(*, booking: Booking, event_type: str, summary: str | None = None,
                     rescheduled_to: Booking | None = None) -> CallbackDelivery | None:
    """Write the outbox row for a booking event and deliver it after commit.

    Args:
        booking: the booking as it is now (its status goes in the payload).
        event_type: ``appointment.created``, ``appointment.cancelled`` or ``appointment.rescheduled``
            (sent as ``X-MedSync-Event``); see :data:`CALLBACK_URL_FIELDS` for where each goes.
        summary: ``conversation_summary`` for this event (default: the booking's).
        rescheduled_to: for ``appointment.rescheduled``, the booking that replaces this one.

    Returns:
        The delivery, or ``None`` when the clinic has no URL for this event (no cancellation URL).
    """
    config = selectors.bot_config_get()
    url = callback_url_for(config, event_type)
    if not url:
        return None
    now = clock.now()
    body = json.dumps(callback_payload(booking, summary=summary, rescheduled_to=rescheduled_to),
                      ensure_ascii=False, separators=(",", ":"))
    delivery = CallbackDelivery.objects.create(
        event_type=event_type, booking=booking, url=url, body=body, next_attempt_at=now, created_at=now,
    )
    schema_name, delivery_id = connection.schema_name, delivery.pk

    def enqueue() -> None:
        from booking.tasks import deliver_callback

        deliver_callback.delay(schema_name, delivery_id)

    transaction.on_commit(enqueue)
    return delivery


#: Signing-secret sources of webhooks other than the booking bot's, by ``event_type`` prefix:
#: ``{"call.": "calls.selectors.callback_signing_secret"}`` (a dotted path to a function of no
#: arguments, called in the clinic's schema). Apps register theirs in ``AppConfig.ready()`` so this
#: module never imports them.
WEBHOOK_SECRET_SOURCES: dict[str, str] = {}


def webhook_secret_source_register(*, event_prefix: str, secret_getter: str) -> None:
    """Sign webhooks whose ``event_type`` starts with ``event_prefix`` with ``secret_getter()``'s secret."""
    WEBHOOK_SECRET_SOURCES[event_prefix] = secret_getter


def _secret_getter(event_type: str):
    from django.utils.module_loading import import_string

    for prefix, path in WEBHOOK_SECRET_SOURCES.items():
        if event_type.startswith(prefix):
            return import_string(path)
    return None


def webhook_enqueue(*, url: str, event_type: str, payload: dict[str, Any]) -> CallbackDelivery:
    """Write an outbox row for any app's webhook (e.g. ``call.completed``) and deliver it after commit.

    The delivery is signed, retried and visible in the admin exactly like the booking callbacks; it
    goes to ``url`` and is signed with the secret of the source registered for ``event_type``'s
    prefix (:func:`webhook_secret_source_register`).

    Raises:
        ValueError: no secret source is registered for ``event_type``.
    """
    if _secret_getter(event_type) is None:
        raise ValueError(f"no webhook secret source registered for {event_type!r}")
    now = clock.now()
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    delivery = CallbackDelivery.objects.create(event_type=event_type, url=url, body=body, next_attempt_at=now,
                                               created_at=now)
    schema_name, delivery_id = connection.schema_name, delivery.pk

    def enqueue() -> None:
        from booking.tasks import deliver_callback

        deliver_callback.delay(schema_name, delivery_id)

    transaction.on_commit(enqueue)
    return delivery


def _delivery_target(delivery: CallbackDelivery) -> tuple[str, str]:
    """``(url, signing secret)`` of a delivery: a registered source's, else the booking bot's current."""
    getter = _secret_getter(delivery.event_type)
    if getter is not None:
        return delivery.url, getter()
    config = selectors.bot_config_get()
    # The URL as configured now (a clinic fixing its URL fixes pending retries too).
    return (callback_url_for(config, delivery.event_type) or delivery.url), (config.callback_secret if config else "")


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt: 30, 60, 120, ... capped at 3600."""
    base = settings.WHATSAPP_CALLBACK_RETRY_BASE_SECONDS
    cap = settings.WHATSAPP_CALLBACK_RETRY_MAX_SECONDS
    return int(min(cap, base * (2 ** max(0, attempts - 1))))


def _lease_seconds() -> float:
    return settings.WHATSAPP_CALLBACK_TIMEOUT_SECONDS * 2 + 30


def callback_attempt(*, delivery_id: int, transport: httpx.BaseTransport | None = None) -> float | None:
    """Make one delivery attempt of a due callback.

    Returns:
        Seconds until the next attempt when it failed and will be retried; ``None`` when it was
        delivered, given up, or not due / claimed by another worker.
    """
    now = clock.now()
    claimed = CallbackDelivery.objects.filter(
        Q(status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING), next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.DELIVERING, lease_until__lt=now),
        pk=delivery_id,
    ).update(status=DeliveryStatus.DELIVERING, lease_until=now + timedelta(seconds=_lease_seconds()))
    if not claimed:
        return None
    delivery = CallbackDelivery.objects.get(pk=delivery_id)
    url, secret = _delivery_target(delivery)
    body = delivery.body.encode("utf-8")
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.EVENT_ID_HEADER: str(delivery.event_id),
        signing.EVENT_TYPE_HEADER: delivery.event_type,
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.SIGNATURE_HEADER: signing.sign(secret=secret, timestamp=timestamp, body=body),
    }
    status_code: int | None = None
    error = ""
    started = time_module.monotonic()
    try:
        timeout = httpx.Timeout(settings.WHATSAPP_CALLBACK_TIMEOUT_SECONDS,
                                connect=min(5.0, settings.WHATSAPP_CALLBACK_TIMEOUT_SECONDS))
        with httpx.Client(timeout=timeout, transport=transport, follow_redirects=False) as client:
            response = client.post(url, content=body, headers=headers)
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"http_{status_code}"
    except httpx.TimeoutException:
        error = "timeout"
    except httpx.HTTPError as exc:
        error = f"connection_error:{type(exc).__name__}"
    duration_ms = int((time_module.monotonic() - started) * 1000)
    attempts = delivery.attempts + 1
    DeliveryAttempt.objects.create(delivery=delivery, number=attempts, attempted_at=now, status_code=status_code,
                                   error=error[:200], duration_ms=duration_ms)
    common = {"attempts": attempts, "last_status_code": status_code, "last_error": error[:200], "lease_until": None,
              "url": url}
    if not error:
        CallbackDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.DELIVERED, delivered_at=now,
                                                                 **common)
        logger.info("Callback %s delivered (attempt %d, HTTP %s)", delivery.event_id, attempts, status_code)
        return None
    give_up_at = delivery.created_at + timedelta(hours=settings.WHATSAPP_CALLBACK_GIVE_UP_HOURS)
    if now >= give_up_at:
        CallbackDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, **common)
        logger.error("Callback %s given up after %d attempts (%s)", delivery.event_id, attempts, error)
        return None
    delay = backoff_seconds(attempts)
    CallbackDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.RETRYING, next_attempt_at=now + timedelta(seconds=delay), **common
    )
    logger.warning("Callback %s attempt %d failed (%s); next attempt in %d s", delivery.event_id, attempts, error,
                   delay)
    return float(delay)


def delivery_lease_remaining(*, delivery_id: int) -> float | None:
    """Seconds until the lease of a delivery that is being attempted runs out (``None`` when it is not
    ``delivering``): a redelivered task whose worker died mid-attempt checks again then."""
    lease_until = CallbackDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.DELIVERING).values_list(
        "lease_until", flat=True).first()
    if lease_until is None:
        return None
    return max(0.0, (lease_until - clock.now()).total_seconds())


def callback_retry_now(*, delivery: CallbackDelivery) -> CallbackDelivery:
    """Make a waiting or given-up delivery due now (admin action); delivered ones are left alone."""
    now = clock.now()
    CallbackDelivery.objects.filter(
        pk=delivery.pk, status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING, DeliveryStatus.FAILED)
    ).update(status=DeliveryStatus.RETRYING, next_attempt_at=now)
    delivery.refresh_from_db()
    schema_name, delivery_id = connection.schema_name, delivery.pk

    def enqueue() -> None:
        from booking.tasks import deliver_callback

        deliver_callback.delay(schema_name, delivery_id)

    transaction.on_commit(enqueue)
    return delivery


def callbacks_deliver_due(*, inline: bool, schema_names: list[str] | None = None) -> int:
    """Attempt (``inline``) or enqueue every due callback of every clinic; returns how many.

    Used by the ``deliver_callbacks`` command and the Celery beat task.
    """
    from django_tenants.utils import schema_context

    count = 0
    for schema_name in schema_names if schema_names is not None else selectors.clinic_schemas():
        with schema_context(schema_name):
            due = selectors.deliveries_due(now=clock.now())
            for delivery_id in due:
                if inline:
                    callback_attempt(delivery_id=delivery_id)
                else:
                    from booking.tasks import deliver_callback

                    deliver_callback.delay(schema_name, delivery_id)
                count += 1
    return count
