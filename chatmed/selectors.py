"""Reads of ChatMed data, always scoped to the caller's mode (live or sandbox) in the current clinic schema."""

from __future__ import annotations

from django.db.models import QuerySet

from chatmed.models import ChatSession, HealthProfile, HeartRateReading


def chat_session_with_messages(*, public_id: str, is_sandbox: bool) -> ChatSession | None:
    """The session ``public_id`` (profile loaded, messages prefetched in order), or ``None``."""
    return (ChatSession.objects.filter(public_id=public_id, is_sandbox=is_sandbox)
            .select_related("profile").prefetch_related("messages").first())


def profiles_list(*, is_sandbox: bool) -> QuerySet[HealthProfile]:
    """Profiles newest first, their heart-rate readings prefetched."""
    return HealthProfile.objects.filter(is_sandbox=is_sandbox).prefetch_related("heart_rates")


def heart_rate_history(*, is_sandbox: bool, profile: HealthProfile | None, limit: int) -> list[HeartRateReading]:
    """The newest ``limit`` readings of ``profile`` (or of readings without a profile when ``None``)."""
    queryset = HeartRateReading.objects.filter(is_sandbox=is_sandbox).select_related("profile")
    queryset = queryset.filter(profile=profile) if profile is not None else queryset.filter(profile__isnull=True)
    return list(queryset[:limit])
