"""WhatsApp booking bot endpoints.

Clinic-facing (``X-API-Key``, rate-limited): ``/v1/whatsapp/configure``, ``/v1/whatsapp/bookings``
and the confirm/reject actions. Twilio-facing (public, authenticated by Twilio's signature):
``/v1/whatsapp/webhook/<client_id>`` and ``/v1/whatsapp/status/<client_id>``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import selectors, services
from booking.api.serializers import (
    BookingDecisionInputSerializer,
    BookingListQuerySerializer,
    BookingOutputSerializer,
    ConfigureInputSerializer,
    ConfigureOutputSerializer,
    ErrorSerializer,
)
from booking.providers.twilio import twiml_message
from medsync.api.errors import ApiError
from medsync.api.views import ClinicApiView

logger = logging.getLogger("medsync.booking.api")

TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"


def _base_url(request) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") if settings.PUBLIC_BASE_URL else request.build_absolute_uri("/").rstrip("/")


def _config_or_404():
    config = selectors.bot_config_get()
    if config is None:
        raise ApiError("WhatsApp bot is not configured", status.HTTP_404_NOT_FOUND)
    return config


class WhatsAppConfigureApi(ClinicApiView):
    """``POST`` configures the clinic's bot; ``GET`` returns the configuration."""

    def _output(self, request, config) -> dict:
        client_id = request.user.clinic.client_id

        def build_url(kind: str) -> str:
            name = "whatsapp-webhook" if kind == "webhook" else "whatsapp-status"
            return _base_url(request) + reverse(name, kwargs={"client_id": client_id})

        return ConfigureOutputSerializer(config, context={"build_url": build_url}).data

    @extend_schema(operation_id="whatsapp_configure_retrieve",
                   responses={200: ConfigureOutputSerializer, 401: ErrorSerializer, 404: ErrorSerializer,
                              429: ErrorSerializer})
    def get(self, request):
        return Response(self._output(request, _config_or_404()))

    @extend_schema(
        operation_id="whatsapp_configure",
        request=ConfigureInputSerializer,
        responses={200: ConfigureOutputSerializer, 401: ErrorSerializer, 422: ErrorSerializer, 429: ErrorSerializer},
        examples=[OpenApiExample("Seed example", request_only=True, value={
            "appointment_callback_url": "https://your-api.com/webhooks/new-appointment",
            "slots_endpoint_url": "https://your-api.com/api/available-slots",
        })],
    )
    def post(self, request):
        serializer = ConfigureInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "name" in data:
            data["clinic_name"] = data.pop("name")
        config = services.bot_config_upsert(**data)
        return Response(self._output(request, config))


class WhatsAppBookingListApi(ClinicApiView):
    """The clinic's WhatsApp bookings, newest first (``?status=pending_review&date=YYYY-MM-DD``)."""

    @extend_schema(
        operation_id="whatsapp_bookings_list",
        parameters=[BookingListQuerySerializer],
        responses={200: inline_serializer("WhatsAppBookingList", {"bookings": BookingOutputSerializer(many=True)}),
                   401: ErrorSerializer, 422: ErrorSerializer, 429: ErrorSerializer},
    )
    def get(self, request):
        query = BookingListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        bookings = selectors.booking_list(status=query.validated_data.get("status"),
                                          day=query.validated_data.get("date"))[:500]
        return Response({"bookings": BookingOutputSerializer(bookings, many=True).data})


def _booking_or_404(booking_id):
    booking = selectors.booking_get(booking_id=booking_id)
    if booking is None:
        raise ApiError("Booking not found", status.HTTP_404_NOT_FOUND)
    return booking


class WhatsAppBookingDetailApi(ClinicApiView):
    @extend_schema(operation_id="whatsapp_booking_retrieve",
                   responses={200: BookingOutputSerializer, 401: ErrorSerializer, 404: ErrorSerializer,
                              429: ErrorSerializer})
    def get(self, request, booking_id):
        return Response(BookingOutputSerializer(_booking_or_404(booking_id)).data)


class _BookingDecisionApi(ClinicApiView):
    decide = None

    def post(self, request, booking_id):
        booking = _booking_or_404(booking_id)
        serializer = BookingDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            booking = type(self).decide(booking=booking, note=serializer.validated_data["note"])
        except services.BookingStateError as exc:
            raise ApiError(str(exc), status.HTTP_409_CONFLICT) from None
        return Response(BookingOutputSerializer(booking).data)


DECISION_RESPONSES = {200: BookingOutputSerializer, 401: ErrorSerializer, 404: ErrorSerializer,
                      409: ErrorSerializer, 422: ErrorSerializer, 429: ErrorSerializer}


class WhatsAppBookingConfirmApi(_BookingDecisionApi):
    """Confirm a ``pending_review`` booking; the patient is told in their language (409 if decided)."""

    decide = staticmethod(services.booking_confirm)

    @extend_schema(operation_id="whatsapp_booking_confirm", request=BookingDecisionInputSerializer,
                   responses=DECISION_RESPONSES)
    def post(self, request, booking_id):
        return super().post(request, booking_id)


class WhatsAppBookingRejectApi(_BookingDecisionApi):
    """Reject a ``pending_review`` booking: the slot is freed and the patient told (409 if decided)."""

    decide = staticmethod(services.booking_reject)

    @extend_schema(operation_id="whatsapp_booking_reject", request=BookingDecisionInputSerializer,
                   responses=DECISION_RESPONSES)
    def post(self, request, booking_id):
        return super().post(request, booking_id)


class _TwilioWebhookApi(APIView):
    """Base of the Twilio-facing endpoints: public, authenticated by ``X-Twilio-Signature``.

    The clinic comes from the URL path; the connection is switched to its schema before anything
    else. Unsigned or wrongly signed requests get 403.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser, MultiPartParser]

    def _verified(self, request, client_id: str):
        clinic = selectors.clinic_by_client_id(client_id)
        if clinic is None:
            raise ApiError("Not found", status.HTTP_404_NOT_FOUND)
        connection.set_tenant(clinic)
        config = _config_or_404()
        params = {key: values[0] if len(values) == 1 else values for key, values in request.data.lists()}
        url = (settings.PUBLIC_BASE_URL.rstrip("/") + request.get_full_path()) if settings.PUBLIC_BASE_URL \
            else request.build_absolute_uri()
        signature = request.headers.get(TWILIO_SIGNATURE_HEADER, "")
        if not services.twilio_request_valid(config=config, url=url, params=params, signature=signature):
            logger.warning("Rejected a Twilio webhook with a missing or invalid signature")
            raise ApiError("Invalid Twilio signature", status.HTTP_403_FORBIDDEN)
        return config, params


@extend_schema(exclude=True)
class TwilioInboundWebhookApi(_TwilioWebhookApi):
    """Twilio's "A message comes in" webhook for a clinic's WhatsApp number.

    Stores the message and answers through the Twilio API (asynchronously with a broker); the
    HTTP answer is TwiML (empty, or a direct reply when the sender cannot be handled). Never 500.
    """

    def post(self, request, client_id: str):
        config, params = self._verified(request, client_id)
        try:
            receipt = services.twilio_inbound_receive(config=config, params=params)
            reply = receipt.reply
        except Exception as exc:
            services.log_failure("Twilio inbound webhook", exc)
            from booking.conversation.replies import t

            reply = t("error", config.default_language)
        return HttpResponse(twiml_message(reply), content_type="application/xml")


@extend_schema(exclude=True)
class TwilioStatusCallbackApi(_TwilioWebhookApi):
    """Twilio's message status callback: applied idempotently (at-least-once delivery)."""

    def post(self, request, client_id: str):
        _, params = self._verified(request, client_id)
        try:
            services.message_status_update(
                provider_sid=str(params.get("MessageSid") or params.get("SmsSid") or ""),
                status=str(params.get("MessageStatus") or params.get("SmsStatus") or ""),
                error_code=str(params.get("ErrorCode") or ""),
            )
        except Exception as exc:
            services.log_failure("Twilio status callback", exc)
        return HttpResponse(status=204)
