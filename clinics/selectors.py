"""Reads for clinics, API keys and usage."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from clinics.models import ApiKey, ApiKeyKind, Clinic, PlanEndpointAccess, ClinicUser, Plan, Service, SubscriptionStatus, UsageRecord
from clinics.services import hash_api_key
from medsync import lookup_cache


def api_key_lookup(*, raw_key: str, kinds: tuple[str, ...] = (ApiKeyKind.PLATFORM,)) -> ApiKey | None:
    """Return the active API key matching ``raw_key`` (with its clinic loaded), or ``None``.

    Revoked keys, keys of inactive clinics and keys of another surface (``kinds``, default the
    platform's ``msk_`` keys; ChatMed passes its ``sk_live_``/``sk_test_`` kinds) do not match.
    Answers (found or not) are cached per process for ``MEDSYNC_LOOKUP_CACHE_SECONDS``
    (:mod:`medsync.lookup_cache`; revoking a key clears this process's cache at once).
    """
    if not raw_key or len(raw_key) > 200:
        return None
    hashed_key = hash_api_key(raw_key)
    return lookup_cache.api_keys.get_or_load(
        (hashed_key, tuple(kinds)),
        lambda: ApiKey.objects.select_related("clinic")
        .filter(hashed_key=hashed_key, revoked_at__isnull=True, clinic__is_active=True, kind__in=kinds)
        .first(),
    )


def usage_summary(*, clinic: Clinic, days: int) -> dict[str, dict[str, float | int]]:
    """Usage of ``clinic`` over the last ``days`` days, per service.

    Returns:
        ``{service: {"requests": int, "total_duration_seconds": int|float}}`` for every
        service in :class:`clinics.models.Service` (zeros when unused). Durations are seconds,
        rounded to 0.1 s and given as an int when whole.
    """
    since = timezone.now() - timedelta(days=days)
    rows = (
        UsageRecord.objects.filter(clinic=clinic, created_at__gte=since)
        .values("service")
        .annotate(requests=Count("id"), total=Sum("duration_seconds"))
    )
    by_service = {row["service"]: row for row in rows}
    summary: dict[str, dict[str, float | int]] = {}
    for service in Service.values:
        row = by_service.get(service)
        total = round(float(row["total"] or 0.0), 1) if row else 0
        summary[service] = {
            "requests": int(row["requests"]) if row else 0,
            "total_duration_seconds": int(total) if float(total).is_integer() else total,
        }
    return summary


# --- MediSync users and subscriptions -----------------------------------------------------------


def clinic_user_get(*, uid: str) -> ClinicUser | None:
    """The active :class:`clinics.models.ClinicUser` with public id ``uid`` (user and clinic loaded), or ``None``.

    Inactive Django users and users of inactive clinics do not match.
    """
    if not uid or len(uid) > 40:
        return None
    return (
        ClinicUser.objects.select_related("user", "clinic")
        .filter(uid=uid, user__is_active=True, clinic__is_active=True)
        .first()
    )


def clinic_user_for_login(*, user) -> ClinicUser | None:
    """The clinic profile of an authenticated Django ``user`` if its clinic is active, else ``None``."""
    return ClinicUser.objects.select_related("user", "clinic").filter(user=user, clinic__is_active=True).first()


def clinic_user_list(*, clinic: Clinic, uids=None, active_only: bool = False):
    """The clinic's users (Django user loaded) by e-mail; only those with public ids ``uids`` when given,
    only active Django users with ``active_only``."""
    users = ClinicUser.objects.select_related("user").filter(clinic=clinic).order_by("user__email")
    if uids is not None:
        users = users.filter(uid__in=list(uids))
    if active_only:
        users = users.filter(user__is_active=True)
    return users


def subscription_is_active(*, clinic: Clinic) -> bool:
    """True when ``clinic`` may use subscription features: status active or trialing, period not over."""
    if clinic.subscription_status not in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING):
        return False
    end = clinic.subscription_current_period_end
    return end is None or end > timezone.now()


def subscription_summary(*, clinic: Clinic) -> dict:
    """``{"plan", "planName", "status", "active", "currentPeriodEnd", "rateLimitPerMinute"}`` of ``clinic``."""
    from medsync.api.ratelimit import plan_limit

    end = clinic.subscription_current_period_end
    return {
        "plan": clinic.plan,
        "planName": Plan(clinic.plan).label.split(" (")[0],
        "status": clinic.subscription_status,
        "active": subscription_is_active(clinic=clinic),
        "currentPeriodEnd": end.isoformat() if end else None,
        "rateLimitPerMinute": plan_limit(clinic.plan),
    }


# --- ChatMed plan -> endpoint table ------------------------------------------------------------------

# Seconds a process keeps the plan -> excluded endpoints table (admin edits clear it in their process at once).
PLAN_ACCESS_CACHE_SECONDS = 30.0
_plan_access: tuple[float, dict[str, frozenset[str]]] | None = None
_plan_access_lock = threading.Lock()


def plan_access_cache_clear() -> None:
    """Forget the cached plan -> endpoint table (after admin edits)."""
    global _plan_access
    with _plan_access_lock:
        _plan_access = None


def plan_excluded_endpoints(*, plan: str) -> frozenset[str]:
    """ChatMed endpoint groups that ``plan`` does not include (``PlanEndpointAccess`` rows with
    ``allowed=False``); the small table is cached per process for ``PLAN_ACCESS_CACHE_SECONDS``."""
    global _plan_access
    now = time.monotonic()
    with _plan_access_lock:
        cached = _plan_access
    if cached is None or now - cached[0] >= PLAN_ACCESS_CACHE_SECONDS:
        table: dict[str, set[str]] = {}
        for row_plan, endpoint in PlanEndpointAccess.objects.filter(allowed=False).values_list("plan", "endpoint"):
            table.setdefault(row_plan, set()).add(endpoint)
        cached = (now, {p: frozenset(e) for p, e in table.items()})
        with _plan_access_lock:
            _plan_access = cached
    return cached[1].get(plan, frozenset())
