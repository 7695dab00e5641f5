"""Celery tasks of the booking bot. Each takes the clinic's schema name and ids, never instances.

Without a broker (``CELERY_TASK_ALWAYS_EAGER``, the embedded default) they run in the calling
process; retries are then left to ``deliver_callbacks`` / ``deliver_due_callbacks`` instead of
re-scheduling (an eager ``retry()`` would recurse at once).
"""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import schema_context

from booking.callbacks import callback_attempt, callbacks_deliver_due, delivery_lease_remaining
from booking.services import conversation_process_inbound, message_deliver

_TASK_OPTIONS = {"acks_late": True, "ignore_result": True, "soft_time_limit": 120, "time_limit": 150}


@shared_task(bind=True, **_TASK_OPTIONS)
def handle_inbound_message(self, schema_name: str, message_id: int) -> None:
    """Answer one stored inbound WhatsApp message (runs the conversation engine)."""
    with schema_context(schema_name):
        conversation_process_inbound(message_id=message_id)


@shared_task(bind=True, **_TASK_OPTIONS)
def send_message(self, schema_name: str, message_id: int) -> None:
    """Send one queued outbound message (e.g. the clinic's confirmation to the patient)."""
    with schema_context(schema_name):
        message_deliver(message_id=message_id)


@shared_task(bind=True, **_TASK_OPTIONS)
def deliver_callback(self, schema_name: str, delivery_id: int) -> None:
    """Attempt one callback delivery; with a broker, schedule the next attempt on failure.

    A delivery another attempt holds (``delivering``) is checked again when that attempt's lease runs
    out: if its worker was killed mid-attempt (this task is then the redelivered message), the delivery
    is attempted again then instead of waiting for the beat's sweep.
    """
    with schema_context(schema_name):
        delay = callback_attempt(delivery_id=delivery_id)
        if delay is None and not self.request.is_eager:
            lease = delivery_lease_remaining(delivery_id=delivery_id)
            delay = None if lease is None else lease + 1.0
    if delay is not None and not self.request.is_eager:
        deliver_callback.apply_async((schema_name, delivery_id), countdown=delay)


@shared_task(bind=True, **_TASK_OPTIONS)
def deliver_due_callbacks(self) -> int:
    """Beat entry: deliver (or enqueue) every due callback of every clinic; returns how many."""
    return callbacks_deliver_due(inline=bool(self.request.is_eager))
