"""Clinic staff see their clinic's recordings (status, duration, failure reason) and manage its custom
vocabulary at ``<clinic>.localhost/admin/``.

Recordings are read-only: they are created by the API, the dashboard and live sessions, and kept whatever
happens to their processing (the audio is never deleted from here). Opening a recording's page is written
to the clinic's audit log (:class:`audit.admin.AuditedAdminMixin`).
"""

from __future__ import annotations

from django.contrib import admin

from audit.admin import AuditedAdminMixin
from audit.models import ObjectType
from clinics.admin import ClinicStaffAdmin
from transcription.models import VOCABULARY_MAX_TERMS, Recording, VocabularyTerm


@admin.register(Recording)
class RecordingAdmin(AuditedAdminMixin, ClinicStaffAdmin):
    audit_object_type = ObjectType.RECORDING
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


@admin.register(VocabularyTerm)
class VocabularyTermAdmin(ClinicStaffAdmin):
    """The clinic's custom vocabulary (biases speech recognition; at most 500 terms, as the API)."""

    list_display = ("term", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("term",)
    allow_add = True
    allow_delete = True

    def has_add_permission(self, request, *args) -> bool:
        return super().has_add_permission(request, *args) and VocabularyTerm.objects.count() < VOCABULARY_MAX_TERMS
