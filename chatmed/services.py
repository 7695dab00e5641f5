"""ChatMed services shared by the capabilities."""

from __future__ import annotations

from django.db import transaction

from chatmed.models import ChatSession, HealthProfile, HeartRateReading, Prescription


@transaction.atomic
def sandbox_wipe() -> dict[str, int]:
    """Delete the current clinic's sandbox (``sk_test_``) data; live data is untouched.

    Returns ``{"prescriptions": n, "heart_rate_readings": n, "chat_sessions": n, "profiles": n}``.
    """
    def wipe(model) -> int:
        # delete() also counts cascaded rows (a session's messages); report the model's own rows.
        return model.objects.filter(is_sandbox=True).delete()[1].get(model._meta.label, 0)

    return {
        "prescriptions": wipe(Prescription),
        "heart_rate_readings": wipe(HeartRateReading),
        "chat_sessions": wipe(ChatSession),
        "profiles": wipe(HealthProfile),
    }
