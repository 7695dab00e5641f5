"""Clinic staff manage their clinic's note templates at ``<clinic>.localhost/admin/``."""

from __future__ import annotations

from django.contrib import admin

from clinics.admin import ClinicStaffAdmin
from templates.models import NoteTemplate


@admin.register(NoteTemplate)
class NoteTemplateAdmin(ClinicStaffAdmin):
    list_display = ("key", "name", "language", "is_active", "updated_at")
    list_filter = ("language", "is_active")
    search_fields = ("key", "name")
    allow_add = True
    allow_delete = True
