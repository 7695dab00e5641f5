"""The clinic's audit log in its admin (``<clinic>.localhost/admin/``): read-only, searchable, no add or delete."""

from __future__ import annotations

from django.contrib import admin

from audit.models import AuditEvent
from clinics.admin import ClinicStaffAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicStaffAdmin):
    list_display = ("at", "actor_kind", "actor", "doctor_ref", "action", "object_type", "object_id", "method", "path")
    list_filter = ("action", "object_type", "actor_kind")
    search_fields = ("actor", "doctor_ref", "object_id", "request_id")
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False  # append-only: the change page is a read-only view

    def has_delete_permission(self, request, obj=None):
        return False
