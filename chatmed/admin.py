"""Clinic admin (on the clinic's host) for ChatMed: emergency facilities (editable), profiles,
prescriptions, sessions, voice exchanges, video consultations, waiting room and image analyses
(read-only), and a sandbox wipe action."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.contrib import admin, messages

from chatmed.emergency.facilities import facilities_cache_clear
from chatmed.models import (
    ChatSession, EmergencyFacility, HealthProfile, ImageAnalysis, Prescription, VideoConsultation, VoiceExchange,
    WaitingRoomEntry,
)
from chatmed.services import sandbox_wipe
from clinics.admin import ClinicStaffAdmin


class EmergencyFacilityForm(forms.ModelForm):
    class Meta:
        model = EmergencyFacility
        fields = ("name", "phone", "latitude", "longitude", "country", "kind", "address", "is_active")

    def clean(self):
        cleaned = super().clean()
        country = (cleaned.get("country") or "").upper()
        cleaned["country"] = country
        try:
            number = phonenumbers.parse(cleaned.get("phone") or "", country or None)
            if not phonenumbers.is_valid_number(number):
                raise phonenumbers.NumberParseException(0, "invalid")
            cleaned["phone"] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            self.add_error("phone", "Enter a valid phone number (E.164, e.g. +33149956565).")
        for field, bound in (("latitude", 90), ("longitude", 180)):
            value = cleaned.get(field)
            if value is not None and not -bound <= value <= bound:
                self.add_error(field, f"Must be between -{bound} and {bound}.")
        return cleaned


@admin.register(EmergencyFacility)
class EmergencyFacilityAdmin(ClinicStaffAdmin):
    """Nearby resources for ``/api/v1/emergency/detect``; bulk import: ``manage.py chatmed_import_facilities``."""

    allow_add = True
    allow_delete = True
    form = EmergencyFacilityForm
    list_display = ("name", "phone", "country", "latitude", "longitude", "kind", "is_active")
    list_filter = ("country", "kind", "is_active")
    search_fields = ("name", "address")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        facilities_cache_clear()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        facilities_cache_clear()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        facilities_cache_clear()


@admin.register(HealthProfile)
class HealthProfileAdmin(ClinicStaffAdmin):
    list_display = ("public_id", "external_id", "sex", "country", "is_sandbox", "created_at")
    list_filter = ("is_sandbox", "sex", "country")
    search_fields = ("public_id", "external_id")
    readonly_fields = ("public_id", "is_sandbox", "created_at", "updated_at")
    actions = ["wipe_sandbox"]

    @admin.action(description="Delete ALL sandbox (sk_test_) data of this clinic")
    def wipe_sandbox(self, request, queryset):
        counts = sandbox_wipe()
        messages.success(request, "Sandbox wiped: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


@admin.register(Prescription)
class PrescriptionAdmin(ClinicStaffAdmin):
    list_display = ("public_id", "profile", "icd10_code", "is_sandbox", "created_at")
    list_filter = ("is_sandbox",)
    readonly_fields = ("public_id", "profile", "diagnosis_text", "icd10_code", "icd10_description", "medications",
                       "interactions", "allergy_alerts", "is_sandbox", "created_at")


@admin.register(ChatSession)
class ChatSessionAdmin(ClinicStaffAdmin):
    list_display = ("public_id", "language", "is_sandbox", "updated_at")
    list_filter = ("is_sandbox", "language")
    readonly_fields = ("public_id", "profile", "language", "is_sandbox", "created_at", "updated_at")


def _all_read_only(model) -> tuple[str, ...]:
    return tuple(f.name for f in model._meta.fields)


@admin.register(VoiceExchange)
class VoiceExchangeAdmin(ClinicStaffAdmin):
    list_display = ("public_id", "language", "urgency_level", "speech_engine", "is_sandbox", "created_at")
    list_filter = ("is_sandbox", "language", "urgency_level")
    readonly_fields = _all_read_only(VoiceExchange)


@admin.register(VideoConsultation)
class VideoConsultationAdmin(ClinicStaffAdmin):
    list_display = ("public_id", "doctor_id", "patient_id", "status", "enable_recording", "is_sandbox", "created_at")
    list_filter = ("is_sandbox", "status", "enable_recording")
    search_fields = ("public_id", "doctor_id", "patient_id")
    readonly_fields = _all_read_only(VideoConsultation)


@admin.register(WaitingRoomEntry)
class WaitingRoomEntryAdmin(ClinicStaffAdmin):
    list_display = ("public_id", "doctor_id", "patient_id", "status", "is_sandbox", "created_at")
    list_filter = ("is_sandbox", "status")
    readonly_fields = _all_read_only(WaitingRoomEntry)


@admin.register(ImageAnalysis)
class ImageAnalysisAdmin(ClinicStaffAdmin):
    list_display = ("public_id", "analysis_type", "status", "engine", "is_sandbox", "created_at")
    list_filter = ("is_sandbox", "status", "analysis_type")
    readonly_fields = _all_read_only(ImageAnalysis)
