"""Celery tasks of the call agent. Each takes the clinic's schema name and ids, never instances.

Without a broker (``CELERY_TASK_ALWAYS_EAGER``, the embedded default) they run in the calling process.
"""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import schema_context

from calls.services import call_dispatch, calls_dispatch_due, calls_dispatch_waiting

_TASK_OPTIONS = {"acks_late": True, "ignore_result": True, "soft_time_limit": 60, "time_limit": 90}


@shared_task(bind=True, **_TASK_OPTIONS)
def dispatch_call(self, schema_name: str, call_id: int) -> None:
    """Dial one waiting call if calling hours and the clinic's capacity allow (else it keeps waiting)."""
    with schema_context(schema_name):
        call_dispatch(call_id=call_id)


@shared_task(bind=True, **_TASK_OPTIONS)
def dispatch_waiting_calls(self, schema_name: str) -> None:
    """A call ended: dial the clinic's calls waiting for a free slot."""
    with schema_context(schema_name):
        calls_dispatch_waiting()


@shared_task(bind=True, **_TASK_OPTIONS)
def dispatch_due_calls(self) -> int:
    """Beat entry (every minute): due waiting calls of every clinic; unanswered simulated calls."""
    return calls_dispatch_due(inline=bool(self.request.is_eager))
