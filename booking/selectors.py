"""Reads of the booking bot. All queries run in the current clinic's schema."""

from __future__ import annotations

import uuid

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Max, QuerySet
from django_tenants.utils import get_public_schema_name, get_tenant_model

from booking import clock
from booking.models import (
    BotConfig,
    Booking,
    BookingStatus,
    CallbackDelivery,
    Conversation,
    DeliveryStatus,
    SlotHold,
)

#: WhatsApp's customer-service window: free-form messages only within 24 h of the patient's last
#: message (Meta, WhatsApp Business Platform "customer service windows").
CUSTOMER_SERVICE_WINDOW = timedelta(hours=24)

ACTIVE_BOOKING_STATUSES = (BookingStatus.PENDING_REVIEW, BookingStatus.CONFIRMED)


def bot_config_get() -> BotConfig | None:
    """The current clinic's bot configuration, or ``None`` when it has not been configured."""
    return BotConfig.objects.first()


def current_clinic():
    """The :class:`clinics.models.Clinic` whose schema the connection is on (``None`` on public)."""
    clinic_model = get_tenant_model()
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, clinic_model) and tenant.pk:
        return tenant
    if connection.schema_name == get_public_schema_name():
        return None
    return clinic_model.objects.filter(schema_name=connection.schema_name).first()


def clinic_by_client_id(client_id: str):
    """The active clinic with public id ``client_id``, or ``None`` (public schema query)."""
    return get_tenant_model().objects.filter(client_id=client_id, is_active=True).first()


def clinic_schemas() -> list[str]:
    """Schema names of every active clinic (for sweeps across tenants)."""
    return list(
        get_tenant_model().objects.filter(is_active=True).exclude(schema_name=get_public_schema_name())
        .values_list("schema_name", flat=True)
    )


def conversation_current(*, phone: str, now: datetime) -> Conversation | None:
    """The phone's conversation still open at ``now`` (active within the idle timeout), if any."""
    idle = timedelta(hours=settings.WHATSAPP_CONVERSATION_IDLE_HOURS)
    return (
        Conversation.objects.filter(phone=phone, last_activity_at__gte=now - idle)
        .order_by("-last_activity_at").first()
    )


def window_open(*, phone: str, now: datetime | None = None) -> bool:
    """Whether WhatsApp's 24-hour customer-service window is open for ``phone`` at ``now``."""
    now = now or clock.now()
    last = Conversation.objects.filter(phone=phone).aggregate(last=Max("last_inbound_at"))["last"]
    return last is not None and now - last < CUSTOMER_SERVICE_WINDOW


def bookings_upcoming(*, phone: str, today: date) -> list[Booking]:
    """The phone's pending or confirmed bookings from ``today`` on, soonest first."""
    return list(
        Booking.objects.filter(patient_phone=phone, status__in=ACTIVE_BOOKING_STATUSES, date__gte=today)
        .order_by("date", "time")
    )


def booking_list(*, status: str | None = None, day: date | None = None) -> QuerySet[Booking]:
    """The clinic's bookings, newest first, optionally filtered by status and date."""
    queryset = Booking.objects.all().order_by("-created_at")
    if status:
        queryset = queryset.filter(status=status)
    if day:
        queryset = queryset.filter(date=day)
    return queryset


def booking_get(*, booking_id) -> Booking | None:
    """One booking of the current clinic by id (``None`` when absent or not a UUID)."""
    try:
        key = uuid.UUID(str(booking_id))
    except ValueError:
        return None
    return Booking.objects.filter(pk=key).first()


def slot_keys_taken(*, day: date, now: datetime, exclude_conversation_id: int | None = None) -> set[tuple]:
    """``(time, provider)`` of the day's slots held by other conversations or booked."""
    holds = SlotHold.objects.filter(date=day)
    if exclude_conversation_id is not None:
        holds = holds.exclude(conversation_id=exclude_conversation_id, booking__isnull=True)
    taken = set()
    for hold in holds:
        if hold.booking_id is None and hold.expires_at is not None and hold.expires_at <= now:
            continue
        taken.add((hold.time, hold.provider))
    return taken


def deliveries_due(*, now: datetime, limit: int = 100) -> list[int]:
    """Ids of callback deliveries whose next attempt is due, or whose worker's lease ran out."""
    due = CallbackDelivery.objects.filter(
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING), next_attempt_at__lte=now
    ).values_list("id", flat=True)[:limit]
    stale = CallbackDelivery.objects.filter(status=DeliveryStatus.DELIVERING, lease_until__lt=now).values_list(
        "id", flat=True
    )[:limit]
    return sorted(set(due) | set(stale))[:limit]
