"""ChatMed services shared by the capabilities."""

from __future__ import annotations

import os

from django.db import transaction

from chatmed.models import (
    ChatSession, HealthProfile, HeartRateReading, ImageAnalysis, Prescription, VideoConsultation, VoiceExchange,
    WaitingRoomEntry,
)


@transaction.atomic
def sandbox_wipe() -> dict[str, int]:
    """Delete the current clinic's sandbox (``sk_test_``) data and its stored files; live data is untouched.

    Returns ``{"prescriptions": n, "heart_rate_readings": n, "voice_exchanges": n, "chat_sessions": n,
    "waiting_room_entries": n, "video_consultations": n, "image_analyses": n, "profiles": n}``.
    """
    def wipe(model, *file_fields: str) -> int:
        rows = model.objects.filter(is_sandbox=True)
        for row in rows.only("pk", *file_fields) if file_fields else ():
            for name in file_fields:
                stored = getattr(row, name)
                if stored:
                    # Files go only once the rows are really gone (a rolled-back wipe keeps both). The
                    # absolute path is taken now: the tenant storage's folder depends on the current schema.
                    path = stored.path
                    transaction.on_commit(lambda p=path: os.path.exists(p) and os.remove(p))
        # delete() also counts cascaded rows (a session's messages); report the model's own rows.
        return rows.delete()[1].get(model._meta.label, 0)

    return {
        "prescriptions": wipe(Prescription),
        "heart_rate_readings": wipe(HeartRateReading),
        "voice_exchanges": wipe(VoiceExchange, "question_audio", "reply_audio"),
        "chat_sessions": wipe(ChatSession),
        "waiting_room_entries": wipe(WaitingRoomEntry),
        "video_consultations": wipe(VideoConsultation),
        "image_analyses": wipe(ImageAnalysis, "image"),
        "profiles": wipe(HealthProfile),
    }
