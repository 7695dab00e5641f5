"""Clinic staff's view of the WhatsApp bot at ``<clinic>.localhost/admin/``.

Conversations with their outcome and messages, bookings (confirm / reject, which tells the
patient), callback deliveries with every attempt (retry now), slot holds and the configuration.
Only staff of the clinic whose host is used see these (the tables live in the clinic's schema).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from unfold.admin import TabularInline

from booking import services
from booking.callbacks import callback_retry_now
from booking.models import (
    Booking,
    BookingStatus,
    BotConfig,
    CallbackDelivery,
    Conversation,
    DeliveryAttempt,
    DeliveryStatus,
    Message,
    SlotHold,
)
from clinics.admin import ClinicStaffAdmin, is_clinic_staff, post_button


class ReadOnlyInline(TabularInline):
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
    fields = ("decide",) + readonly_fields + ("clinic_note",)
    actions = ["confirm_bookings", "reject_bookings"]

    def get_readonly_fields(self, request, obj=None):
        return ("decide",) + self.readonly_fields

    @admin.display(description="decision")
    def decide(self, obj: Booking) -> str:
        if obj.pk is None or obj.status != BookingStatus.PENDING_REVIEW:
            return obj.get_status_display() if obj.pk else "—"
        return format_html(
            "{}{}",
            post_button(url=reverse("admin:booking_booking_decide", args=[obj.pk, "confirm"]),
                        label="Confirm (tells the patient)", element_id="confirm-booking"),
            post_button(url=reverse("admin:booking_booking_decide", args=[obj.pk, "reject"]),
                        label="Reject (frees the slot, tells the patient)", element_id="reject-booking", danger=True),
        )

    def get_urls(self):
        return [path("<uuid:pk>/decide/<str:decision>/", self.admin_site.admin_view(self.decide_view),
                     name="booking_booking_decide")] + super().get_urls()

    def decide_view(self, request, pk, decision: str):
        """POST only: confirm or reject one booking with the booking services (the patient is told)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if decision not in ("confirm", "reject") or not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        booking = get_object_or_404(self.get_queryset(request), pk=pk)
        decide = services.booking_confirm if decision == "confirm" else services.booking_reject
        self._decide(request, Booking.objects.filter(pk=booking.pk), decide,
                     "Confirmed" if decision == "confirm" else "Rejected")
        return HttpResponseRedirect(reverse("admin:booking_booking_change", args=[booking.pk]))

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
    readonly_fields = ("retry_button", "event_id", "event_type", "booking", "url", "body", "status", "attempts",
                       "next_attempt_at", "last_status_code", "last_error", "delivered_at", "created_at")
    fields = readonly_fields
    inlines = [DeliveryAttemptInline]
    actions = ["retry_now"]

    @admin.display(description="retry")
    def retry_button(self, obj: CallbackDelivery) -> str:
        if obj.pk is None or obj.status == DeliveryStatus.DELIVERED:
            return "—"
        return post_button(url=reverse("admin:booking_callbackdelivery_retry", args=[obj.pk]), label="Retry now",
                           element_id="retry-now")

    def get_urls(self):
        return [path("<int:pk>/retry/", self.admin_site.admin_view(self.retry_view),
                     name="booking_callbackdelivery_retry")] + super().get_urls()

    def retry_view(self, request, pk: int):
        """POST only: make one waiting or given-up delivery due now (the callback delivery service)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        delivery = get_object_or_404(self.get_queryset(request), pk=pk)
        callback_retry_now(delivery=delivery)
        self.message_user(request, "Delivery scheduled now; reload to see the attempt.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:booking_callbackdelivery_change", args=[delivery.pk]))

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
