"""Clinic staff's view of the documentation workflow at ``<clinic>.localhost/admin/``.

Read-only audit views: stored transcriptions, threads with their runs, and clinical notes with
every version, each with the ``x-doctor`` / ``x-patient`` identifiers the request sent (searchable)
and who changed it. Notes are changed through the API only, so every change is a new version. Opening a
note, thread or transcription here is written to the clinic's audit log (:class:`audit.admin.AuditedAdminMixin`).
"""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import TabularInline

from audit.admin import AuditedAdminMixin
from audit.models import ObjectType
from clinics.admin import ClinicStaffAdmin, is_clinic_staff
from notes.models import ClinicalNote, ClinicalNoteVersion, Run, Thread
from transcription.models import TranscriptionRecord


class _ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return is_clinic_staff(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _ReadOnlyAdmin(ClinicStaffAdmin):
    def has_change_permission(self, request, obj=None):
        return False


class ClinicalNoteVersionInline(_ReadOnlyInline):
    model = ClinicalNoteVersion
    fields = ("version", "created_at", "changed_by", "doctor_ref", "patient_ref", "template_key", "signed_off_by_name",
              "signed_off_at")
    readonly_fields = fields
    ordering = ("version",)


@admin.register(ClinicalNote)
class ClinicalNoteAdmin(AuditedAdminMixin, _ReadOnlyAdmin):
    audit_object_type = ObjectType.NOTE
    list_display = ("uuid", "template_key", "version", "doctor_ref", "patient_ref", "updated_by", "updated_at")
    list_filter = ("template_key", "language")
    search_fields = ("uuid", "doctor_ref", "patient_ref")
    readonly_fields = ("uuid", "template_key", "language", "engine", "version", "doctor_ref", "patient_ref",
                       "updated_by", "transcription_record", "recording", "report_thread_id", "report_run_ids",
                       "content", "feedback", "signed_off_by_name", "signed_off_at", "created_at", "updated_at")
    exclude = ("sections", "ai_generated_content", "summary", "clinician_notes", "signed_off_by_uid")
    inlines = [ClinicalNoteVersionInline]


class RunInline(_ReadOnlyInline):
    model = Run
    fields = ("uuid", "assistant_id", "status", "kind", "doctor_ref", "patient_ref", "created_by", "created_at",
              "finished_at")
    readonly_fields = fields


@admin.register(Thread)
class ThreadAdmin(AuditedAdminMixin, _ReadOnlyAdmin):
    audit_object_type = ObjectType.THREAD
    list_display = ("uuid", "status", "doctor_ref", "patient_ref", "created_by", "created_at")
    list_filter = ("status",)
    search_fields = ("uuid", "doctor_ref", "patient_ref")
    readonly_fields = ("uuid", "status", "doctor_ref", "patient_ref", "created_by", "metadata", "created_at",
                       "updated_at")
    inlines = [RunInline]


@admin.register(TranscriptionRecord)
class TranscriptionRecordAdmin(AuditedAdminMixin, _ReadOnlyAdmin):
    audit_object_type = ObjectType.TRANSCRIPT
    list_display = ("uuid", "language_used", "duration_seconds", "doctor_ref", "patient_ref", "created_by",
                    "created_at")
    search_fields = ("uuid", "doctor_ref", "patient_ref")
    readonly_fields = ("uuid", "language_used", "duration_seconds", "doctor_ref", "patient_ref", "created_by",
                       "created_at")
    exclude = ("original_transcript",)
