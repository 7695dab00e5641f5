"""The booking bot's notion of "now" (one place, so tests can move time)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return timezone.now()


def local_now(time_zone: str) -> datetime:
    """The current time in the IANA ``time_zone`` (the clinic's), timezone-aware."""
    return now().astimezone(ZoneInfo(time_zone))
