"""Clinic staff see their clinic's patients and appointments at ``<clinic>.localhost/admin/``."""

from __future__ import annotations

from django.contrib import admin

from clinics.admin import ClinicStaffAdmin
from records.models import Appointment, Patient


@admin.register(Patient)
class PatientAdmin(ClinicStaffAdmin):
    # Patients are archived through the API; clinical records are never deleted here.
    allow_add = True
    list_display = ("last_name", "first_name", "date_of_birth", "created_at", "deleted_at")
    search_fields = ("first_name", "last_name")
    readonly_fields = ("uuid", "created_by", "created_at", "updated_at")


@admin.register(Appointment)
class AppointmentAdmin(ClinicStaffAdmin):
    allow_add = True
    list_display = ("date", "time", "name", "patient", "status", "notes_type", "language")
    list_filter = ("status", "appointment_type", "language")
    search_fields = ("name", "patient__first_name", "patient__last_name")
    readonly_fields = ("uuid", "recording", "note", "created_by", "created_at", "updated_at")
    raw_id_fields = ("patient",)
