"""Clinic staff see their clinic's recordings (status, duration, failure reason) at ``<clinic>.localhost/admin/``.

Read-only: recordings are created by the API, the dashboard and live sessions, and kept whatever
happens to their processing (the audio is never deleted from here).
"""

from __future__ import annotations

from django.contrib import admin

from clinics.admin import ClinicStaffAdmin
from transcription.models import Recording


@admin.register(Recording)
class RecordingAdmin(ClinicStaffAdmin):
    list_display = ("uuid", "source", "status", "duration_seconds", "language", "template_key", "speech_engine",
                    "created_at", "processed_at")
    list_filter = ("status", "source", "language")
    search_fields = ("uuid",)
    date_hierarchy = "created_at"
    readonly_fields = ("uuid", "original_filename", "source_format", "size_bytes", "duration_seconds", "language",
                       "template_key", "num_speakers", "source", "status", "failure_reason", "speech_engine",
                       "created_at", "processed_at")
    fields = readonly_fields

    def has_change_permission(self, request, obj=None):
        return False
