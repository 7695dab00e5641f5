"""Clinic staff's view of agent calls at ``<clinic>.localhost/admin/``: calls with their transcript,
outcome and summary (and a link to take a ringing simulated call in the browser), and the settings."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from calls import tokens
from calls.models import AgentCall, CallSettings, CallStatus
from clinics.admin import ClinicStaffAdmin


@admin.register(AgentCall)
class AgentCallAdmin(ClinicStaffAdmin):
    list_display = ("call_sid", "purpose", "status", "outcome", "language", "attempts", "duration_seconds",
                    "created_at")
    list_filter = ("status", "outcome", "purpose", "language")
    search_fields = ("call_sid", "patient_phone")
    readonly_fields = ("call_sid", "patient_phone", "patient_name", "purpose", "context", "language", "callback_url",
                       "appointment_uuid", "status", "waiting_reason", "next_attempt_at", "attempts", "attempt_log",
                       "provider", "provider_call_sid", "answered_by", "transcript_view", "summary", "outcome",
                       "outcome_detail", "error", "answered_at", "ended_at", "duration_seconds", "created_at",
                       "simulator_link")
    exclude = ("dialogue_state", "transcript", "status_rank", "usage_record_id")

    @admin.display(description="Transcript")
    def transcript_view(self, obj: AgentCall):
        return format_html_join("", "<p><b>{}</b>: {}</p>", ((t["role"], t["message"]) for t in obj.transcript or []))

    @admin.display(description="Simulator")
    def simulator_link(self, obj: AgentCall):
        if obj.provider != "simulator" or obj.status != CallStatus.RINGING:
            return "—"
        url = reverse("calls-simulator-page", kwargs={"call_sid": obj.call_sid})
        return format_html('<a href="{}?token={}" target="_blank">Take this call in the browser</a>', url,
                           tokens.simulator_token(call_sid=obj.call_sid))


@admin.register(CallSettings)
class CallSettingsAdmin(ClinicStaffAdmin):
    exclude = ("callback_secret",)
    readonly_fields = ("created_at", "updated_at")
