"""ChatMed services shared by the capabilities."""

from __future__ import annotations

from django.db import transaction

from chatmed.models import ChatSession, HealthProfile, HeartRateReading, Prescription


@transaction.atomic
def sandbox_wipe() -> dict[str, int]:
    """Delete the current clinic's sandbox (``sk_test_``) data; live data is untouched.

    Returns ``{"prescriptions": n, "heart_rate_readings": n, "chat_sessions": n, "profiles": n}``.
    """
    counts = {
        "prescriptions": Prescription.objects.filter(is_sandbox=True).delete()[0],
        "heart_rate_readings": HeartRateReading.objects.filter(is_sandbox=True).delete()[0],
        "chat_sessions": ChatSession.objects.filter(is_sandbox=True).delete()[0],
        "profiles": HealthProfile.objects.filter(is_sandbox=True).delete()[0],
    }
    return counts
