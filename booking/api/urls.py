"""Routes of the WhatsApp booking bot (included at ``/v1/``)."""

from django.urls import path

from booking.api.views import (
    TwilioInboundWebhookApi,
    TwilioStatusCallbackApi,
    WhatsAppBookingConfirmApi,
    WhatsAppBookingDetailApi,
    WhatsAppBookingListApi,
    WhatsAppBookingRejectApi,
    WhatsAppConfigureApi,
)

urlpatterns = [
    path("whatsapp/configure", WhatsAppConfigureApi.as_view(), name="whatsapp-configure"),
    path("whatsapp/bookings", WhatsAppBookingListApi.as_view(), name="whatsapp-bookings"),
    path("whatsapp/bookings/<uuid:booking_id>", WhatsAppBookingDetailApi.as_view(), name="whatsapp-booking"),
    path("whatsapp/bookings/<uuid:booking_id>/confirm", WhatsAppBookingConfirmApi.as_view(),
         name="whatsapp-booking-confirm"),
    path("whatsapp/bookings/<uuid:booking_id>/reject", WhatsAppBookingRejectApi.as_view(),
         name="whatsapp-booking-reject"),
    path("whatsapp/webhook/<slug:client_id>", TwilioInboundWebhookApi.as_view(), name="whatsapp-webhook"),
    path("whatsapp/status/<slug:client_id>", TwilioStatusCallbackApi.as_view(), name="whatsapp-status"),
]
