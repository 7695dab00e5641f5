"""Reads behind the admin dashboards: one clinic's figures, and every clinic's for the operator.

Usage totals come from :func:`clinics.selectors.usage_summary`, the selector behind ``GET /v1/usage``,
so the admin and the API always agree. The clinic figures are counted in the clinic's own schema
(the caller must have it active: the admin runs on the clinic's host).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from clinics.models import ApiKey, Clinic, Service, UsageRecord
from clinics.selectors import usage_summary

#: Periods (days) offered on the dashboards; the default is the API's default period (``GET /v1/usage``).
DASHBOARD_PERIODS = (7, 30, 90)
DEFAULT_PERIOD_DAYS = 30

#: Line colours of the usage chart per service (Tailwind's violet-500, emerald-500, amber-500).
SERVICE_COLOURS = {Service.TRANSCRIPTION: "#8b5cf6", Service.WHATSAPP: "#10b981", Service.AGENT_CALL: "#f59e0b"}


#: Chart.js options of the usage chart. They replace unfold's defaults, whose legend is hidden: here
#: the legend names the services, and the y axis (requests) starts at 0 with whole numbers.
USAGE_CHART_OPTIONS = {
    "animation": False,  # drawn at once (also for screenshots)
    "responsive": True,
    "maintainAspectRatio": False,
    "plugins": {"legend": {"display": True, "position": "top", "align": "end",
                           "labels": {"boxHeight": 2, "boxWidth": 14}},
                "tooltip": {"enabled": True}},
    "scales": {"y": {"min": 0, "ticks": {"precision": 0}}, "x": {"ticks": {"maxTicksLimit": 10}}},
    "datasets": {"line": {"borderWidth": 2, "pointStyle": False}},
}


def usage_daily(*, clinic: Clinic | None, days: int) -> dict:
    """Requests per service per day over the last ``days`` days (``clinic=None``: every clinic).

    Days are calendar days in ``TIME_ZONE``; days without usage are zeros.

    Returns:
        ``{"labels": ["2026-05-01", ...], "series": {service: [requests per day, ...]}}`` with one
        entry per day (oldest first) and one series per :class:`clinics.models.Service`.
    """
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    records = UsageRecord.objects.filter(created_at__date__gte=first)
    if clinic is not None:
        records = records.filter(clinic=clinic)
    rows = records.annotate(day=TruncDate("created_at")).values("day", "service").annotate(requests=Count("id"))
    counts = {(row["day"], row["service"]): row["requests"] for row in rows}
    days_list = [first + timedelta(days=i) for i in range(days)]
    return {
        "labels": [d.isoformat() for d in days_list],
        "series": {service: [counts.get((d, service), 0) for d in days_list] for service in Service.values},
    }


def usage_chart_data(daily: dict) -> dict:
    """Chart.js ``data`` (line chart, one dataset per service) for a :func:`usage_daily` result."""
    return {
        "labels": daily["labels"],
        "datasets": [
            {"label": Service(service).label, "data": values, "borderColor": SERVICE_COLOURS[service],
             "backgroundColor": SERVICE_COLOURS[service], "displayYAxis": True}
            for service, values in daily["series"].items()
        ],
    }


def clinic_dashboard(*, clinic: Clinic, days: int) -> dict:
    """The figures of one clinic's dashboard (the clinic's schema must be active).

    Returns:
        ``{"days", "recordings_processed", "recordings_failed", "minutes_transcribed" (float, minutes of
        completed recordings' audio), "notes_signed", "bookings_pending", "callbacks_failed",
        "calls", "usage" (``usage_summary`` shape), "chart" (Chart.js data), "api_keys_active"}``.
        Period figures count the last ``days`` days; ``bookings_pending`` and ``callbacks_failed`` are
        what waits for staff now, whatever its age.

    Raises:
        RuntimeError: the active schema is not ``clinic``'s.
    """
    from booking.models import Booking, BookingStatus, CallbackDelivery, DeliveryStatus
    from calls.models import AgentCall
    from notes.models import ClinicalNote
    from transcription.models import Recording

    if connection.schema_name != clinic.schema_name:
        raise RuntimeError("clinic_dashboard must run in the clinic's own schema")
    since = timezone.now() - timedelta(days=days)
    recordings = Recording.objects.filter(created_at__gte=since)
    completed = recordings.filter(status=Recording.Status.COMPLETED).aggregate(n=Count("id"),
                                                                               seconds=Sum("duration_seconds"))
    return {
        "days": days,
        "recordings_processed": completed["n"],
        "recordings_failed": recordings.filter(status=Recording.Status.FAILED).count(),
        "minutes_transcribed": round((completed["seconds"] or 0.0) / 60.0, 1),
        "notes_signed": ClinicalNote.objects.filter(signed_off_at__gte=since).count(),
        "bookings_pending": Booking.objects.filter(status=BookingStatus.PENDING_REVIEW).count(),
        "callbacks_failed": CallbackDelivery.objects.filter(status=DeliveryStatus.FAILED).count(),
        "calls": AgentCall.objects.filter(created_at__gte=since).count(),
        "usage": usage_summary(clinic=clinic, days=days),
        "chart": usage_chart_data(usage_daily(clinic=clinic, days=days)),
        "api_keys_active": ApiKey.objects.filter(clinic=clinic, revoked_at__isnull=True).count(),
    }


def operator_dashboard(*, days: int) -> dict:
    """The platform operator's figures: every clinic's plan and usage, and usage over time.

    Returns:
        ``{"days", "clinics": [{"clinic": Clinic, "usage": usage_summary shape, "api_keys_active": int}],
        "totals": {service: {"requests", "total_duration_seconds"}}, "chart": Chart.js data,
        "clinics_active": int}``.
    """
    clinics = list(Clinic.objects.exclude(schema_name="public").order_by("name"))
    active_keys = dict(
        ApiKey.objects.filter(revoked_at__isnull=True).values("clinic").annotate(n=Count("id")).values_list("clinic", "n")
    )
    rows = [{"clinic": c, "usage": usage_summary(clinic=c, days=days), "api_keys_active": active_keys.get(c.pk, 0)}
            for c in clinics]
    totals = {
        service: {
            "requests": sum(r["usage"][service]["requests"] for r in rows),
            "total_duration_seconds": round(sum(r["usage"][service]["total_duration_seconds"] for r in rows), 1),
        }
        for service in Service.values
    }
    return {
        "days": days,
        "clinics": rows,
        "clinics_active": sum(1 for c in clinics if c.is_active),
        "totals": totals,
        "chart": usage_chart_data(usage_daily(clinic=None, days=days)),
    }


def period_from(value: str | None) -> int:
    """The dashboard period (days) asked for in ``?days=``; anything else gives the default."""
    try:
        days = int(value or DEFAULT_PERIOD_DAYS)
    except ValueError:
        return DEFAULT_PERIOD_DAYS
    return days if days in DASHBOARD_PERIODS else DEFAULT_PERIOD_DAYS


__all__ = ["clinic_dashboard", "operator_dashboard", "usage_daily", "period_from"]
