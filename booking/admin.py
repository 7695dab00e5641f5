"""Clinic staff's view of the WhatsApp bot at ``<clinic>.localhost/admin/``.

Conversations with their outcome and messages, bookings (confirm / reject, which tells the
patient), callback deliveries with every attempt (retry now), slot holds and the configuration.
Only staff of the clinic whose host is used see these (the tables live in the clinic's schema).
"""

from __future__ import annotations

from django.contrib import admin, messages

from booking import services
from booking.callbacks import callback_retry_now
from booking.models import (
    Booking,
    BotConfig,
    CallbackDelivery,
    Conversation,
    DeliveryAttempt,
    Message,
    SlotHold,
)
from clinics.admin import ClinicStaffAdmin, is_clinic_staff


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return is_clinic_staff(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ("created_at", "direction", "kind", "body", "status", "error")
    readonly_fields = fields


@admin.register(Conversation)
class ConversationAdmin(ClinicStaffAdmin):
    list_display = ("id", "phone", "profile_name", "language", "outcome", "step", "last_activity_at", "channel")
    list_filter = ("outcome", "language", "channel")
    search_fields = ("phone", "profile_name")
    date_hierarchy = "last_activity_at"
    readonly_fields = ("phone", "profile_name", "language", "state", "outcome", "channel", "last_inbound_at",
                       "last_activity_at", "created_at")
    inlines = [MessageInline]

    @admin.display(description="step")
    def step(self, obj: Conversation) -> str:
        return (obj.state or {}).get("step", "idle")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(ClinicStaffAdmin):
    list_display = ("date", "time", "provider", "patient_name", "patient_phone", "language", "status", "created_at")
    list_filter = ("status", "language", "provider")
    search_fields = ("patient_name", "patient_phone")
    date_hierarchy = "date"
    readonly_fields = ("id", "conversation", "patient_name", "patient_phone", "date", "time", "provider",
                       "provider_id", "language", "status", "conversation_summary", "rescheduled_from", "decided_at",
                       "created_at")
    fields = readonly_fields + ("clinic_note",)
    actions = ["confirm_bookings", "reject_bookings"]

    def _decide(self, request, queryset, decide, verb: str) -> None:
        done, refused = 0, 0
        for booking in queryset:
            try:
                decide(booking=booking, note="")
                done += 1
            except services.BookingStateError:
                refused += 1
        if done:
            messages.success(request, f"{verb} {done} booking(s); the patients are being told.")
        if refused:
            messages.warning(request, f"{refused} booking(s) were no longer pending review.")

    @admin.action(description="Confirm selected bookings (tells the patient)")
    def confirm_bookings(self, request, queryset):
        self._decide(request, queryset, services.booking_confirm, "Confirmed")

    @admin.action(description="Reject selected bookings (frees the slot, tells the patient)")
    def reject_bookings(self, request, queryset):
        self._decide(request, queryset, services.booking_reject, "Rejected")


class DeliveryAttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = ("number", "attempted_at", "status_code", "error", "duration_ms")
    readonly_fields = fields


@admin.register(CallbackDelivery)
class CallbackDeliveryAdmin(ClinicStaffAdmin):
    list_display = ("event_id", "event_type", "status", "attempts", "last_status_code", "last_error",
                    "next_attempt_at", "delivered_at", "created_at")
    list_filter = ("status", "event_type")
    readonly_fields = ("event_id", "event_type", "booking", "url", "body", "status", "attempts", "next_attempt_at",
                       "last_status_code", "last_error", "delivered_at", "created_at")
    fields = readonly_fields
    inlines = [DeliveryAttemptInline]
    actions = ["retry_now"]

    @admin.action(description="Retry selected callbacks now")
    def retry_now(self, request, queryset):
        for delivery in queryset:
            callback_retry_now(delivery=delivery)
        messages.success(request, f"Scheduled {queryset.count()} callback(s) for delivery now.")


@admin.register(SlotHold)
class SlotHoldAdmin(ClinicStaffAdmin):
    list_display = ("date", "time", "provider", "conversation", "booking", "expires_at")
    list_filter = ("date", "provider")
    readonly_fields = ("date", "time", "provider", "conversation", "booking", "expires_at", "created_at")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BotConfig)
class BotConfigAdmin(ClinicStaffAdmin):
    list_display = ("__str__", "whatsapp_number", "default_language", "time_zone", "provider", "nlu_engine",
                    "updated_at")
    exclude = ("twilio_auth_token", "callback_secret")
