"""Clinic staff manage their clinic's note templates at ``<clinic>.localhost/admin/``."""

from __future__ import annotations

from django.contrib import admin
from django.db import connection

from templates.models import NoteTemplate


def is_clinic_staff(request) -> bool:
    """True when the request is on a clinic's host and the user is a member (or a superuser)."""
    if connection.schema_name == "public" or not request.user.is_active or not request.user.is_staff:
        return False
    if request.user.is_superuser:
        return True
    from clinics.models import StaffMembership

    return StaffMembership.objects.filter(user=request.user, clinic__schema_name=connection.schema_name).exists()


@admin.register(NoteTemplate)
class NoteTemplateAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "language", "is_active", "updated_at")
    list_filter = ("language", "is_active")
    search_fields = ("key", "name")

    def has_module_permission(self, request):
        return is_clinic_staff(request)

    def has_view_permission(self, request, obj=None):
        return is_clinic_staff(request)

    def has_add_permission(self, request):
        return is_clinic_staff(request)

    def has_change_permission(self, request, obj=None):
        return is_clinic_staff(request)

    def has_delete_permission(self, request, obj=None):
        return is_clinic_staff(request)
