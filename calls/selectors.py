"""Reads of the call agent (all in the current clinic's schema)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from calls.models import ACTIVE_STATUSES, AgentCall, CallSettings, CallStatus


def call_settings_get() -> CallSettings:
    """The clinic's :class:`CallSettings`, created with defaults (and a fresh signing secret) on first use."""
    from booking.signing import new_secret

    settings_row = CallSettings.objects.filter(singleton=1).first()
    if settings_row is None:
        settings_row, _ = CallSettings.objects.get_or_create(singleton=1, defaults={"callback_secret": new_secret()})
    return settings_row


def callback_signing_secret() -> str:
    """Secret signing this clinic's ``call.*`` webhooks (registered with :mod:`booking.callbacks`)."""
    return call_settings_get().callback_secret


def call_get(*, call_sid: str) -> AgentCall | None:
    """The clinic's call with public id ``call_sid``, or ``None`` (never another clinic's: the schema is the clinic's)."""
    if not call_sid or len(call_sid) > 34:
        return None
    return AgentCall.objects.filter(call_sid=call_sid).first()


def call_get_by_provider_sid(*, provider_call_sid: str) -> AgentCall | None:
    if not provider_call_sid:
        return None
    return AgentCall.objects.filter(provider_call_sid=provider_call_sid).first()


def call_list(*, status: str | None = None, since: datetime | None = None) -> QuerySet[AgentCall]:
    """The clinic's calls, newest first, optionally with ``status`` and created at or after ``since``."""
    calls = AgentCall.objects.all()
    if status:
        calls = calls.filter(status=status)
    if since is not None:
        calls = calls.filter(created_at__gte=since)
    return calls.order_by("-created_at", "-id")


def _dialing() -> Q:
    # claimed for dialling (attempt counted, no next attempt) but no carrier status yet
    return Q(status=CallStatus.INITIATED, waiting_reason="", attempts__gt=0, next_attempt_at__isnull=True)


def calls_active_count() -> int:
    """Calls holding one of the clinic's concurrent-call slots (dialling, ringing or in progress)."""
    return AgentCall.objects.filter(Q(status__in=ACTIVE_STATUSES) | _dialing()).count()


def dial_claim_lease() -> timedelta:
    """How long a dial attempt may take before its claim counts as abandoned (its worker died before
    the carrier answered): twice Twilio's request timeout plus 60 s."""
    from django.conf import settings

    return timedelta(seconds=2 * settings.TWILIO_TIMEOUT_SECONDS + 60)


def dial_claim_is_stale(call: AgentCall, *, now: datetime) -> bool:
    """True for a call claimed for dialling (``initiated``, no next attempt, no carrier id) longer than
    :func:`dial_claim_lease` ago."""
    return (call.status == CallStatus.INITIATED and call.next_attempt_at is None and not call.provider_call_sid
            and call.updated_at < now - dial_claim_lease())


def calls_due(*, now: datetime, limit: int = 100) -> list[int]:
    """Ids of waiting calls whose next attempt is due, oldest first, then calls whose dial claim went
    stale (their worker died mid-dial: they are dialled again)."""
    due = list(
        AgentCall.objects.filter(status=CallStatus.INITIATED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit]
    )
    stale = AgentCall.objects.filter(
        Q(provider_call_sid__isnull=True) | Q(provider_call_sid=""), status=CallStatus.INITIATED,
        next_attempt_at__isnull=True, updated_at__lt=now - dial_claim_lease(),
    ).order_by("updated_at", "id").values_list("id", flat=True)[:limit]
    return (due + [call_id for call_id in stale if call_id not in due])[:limit]


def simulated_calls_ringing_since(*, before: datetime) -> list[int]:
    """Simulated calls still ringing, dialled before ``before`` (they become no-answer)."""
    return list(AgentCall.objects.filter(status=CallStatus.RINGING, provider="simulator", updated_at__lt=before)
                .values_list("id", flat=True))
