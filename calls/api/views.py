"""Agent calling endpoints (platform API seed, "Agent Calling").

Clinic-facing (``X-API-Key``, plan rate limits, ``{"error"}`` bodies, 422 for invalid input):
``POST /v1/agent-call``, ``GET /v1/agent-call/{call_sid}``, and the extras ``GET /v1/agent-calls``,
``POST /v1/agent-call/{call_sid}/cancel``, ``GET/PATCH /v1/agent-call/settings``.
Twilio-facing (public, authenticated by ``X-Twilio-Signature``): the answer webhook (TwiML) and
the status callback of each call.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from calls import selectors, services, tokens
from calls.models import CallStatus
from calls.api.serializers import (
    AgentCallCreatedSerializer,
    AgentCallInputSerializer,
    AgentCallListQuerySerializer,
    AgentCallListSerializer,
    AgentCallOutputSerializer,
    CallSettingsSerializer,
    ErrorSerializer,
)
from medsync.api.errors import ApiError
from medsync.api.views import ClinicApiView

logger = logging.getLogger("medsync.calls.api")

TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"


def _call_or_404(call_sid: str):
    call = selectors.call_get(call_sid=call_sid)
    if call is None:
        raise ApiError("Call not found", status.HTTP_404_NOT_FOUND)
    return call


#: Answers every endpoint of this surface can give: bad or missing key, plan rate limit.
_ERRORS = {401: ErrorSerializer, 429: ErrorSerializer}


class AgentCallCreateApi(ClinicApiView):
    """Start an AI phone call to a patient; poll ``GET /v1/agent-call/{call_sid}`` or wait for the callback."""

    @extend_schema(
        operation_id="agent_call_create", request=AgentCallInputSerializer,
        responses={200: AgentCallCreatedSerializer, 401: ErrorSerializer, 422: ErrorSerializer, 429: ErrorSerializer},
        examples=[OpenApiExample("Appointment reminder (seed)", request_only=True, value={
            "patient_phone": "+34612345678", "patient_name": "Maria Lopez", "purpose": "appointment_reminder",
            "context": {"appointment_date": "2026-05-20", "appointment_time": "09:30", "provider_name": "Dr. Garcia",
                        "clinic_name": "Dental Plus"},
            "callback_url": "https://your-api.com/webhooks/call-complete"})],
    )
    def post(self, request):
        serializer = AgentCallInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        call = services.agent_call_create(
            clinic=request.user.clinic, api_key=request.user.api_key, patient_phone=data["patient_phone"],
            patient_name=data["patient_name"], purpose=data["purpose"], context=data["context"],
            callback_url=data["callback_url"], language=data["language"],
            appointment_uuid=data.get("appointment_uuid"))
        return Response({"call_sid": call.call_sid, "status": "initiated",
                         "message": f"Call initiated to {call.patient_phone}"})


class AgentCallDetailApi(ClinicApiView):
    """A call's status; ``transcript`` and ``summary`` once it has ended. Another clinic's sid: 404."""

    @extend_schema(operation_id="agent_call_retrieve",
                   responses={200: AgentCallOutputSerializer, **_ERRORS, 404: ErrorSerializer})
    def get(self, request, call_sid: str):
        return Response(AgentCallOutputSerializer(_call_or_404(call_sid)).data)


class AgentCallListApi(ClinicApiView):
    """The clinic's calls, newest first (``?status=completed&since=2026-05-20T00:00:00Z``; at most 500)."""

    @extend_schema(operation_id="agent_call_list",
                   parameters=[OpenApiParameter("status", str, enum=CallStatus.values),
                               OpenApiParameter("since", OpenApiTypes.DATETIME,
                                                description="ISO 8601 date or date-time (UTC when no offset)")],
                   responses={200: AgentCallListSerializer, **_ERRORS, 422: ErrorSerializer})
    def get(self, request):
        query = AgentCallListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        calls = selectors.call_list(status=query.validated_data.get("status"),
                                    since=query.validated_data.get("since"))[:500]
        return Response({"calls": AgentCallOutputSerializer(calls, many=True).data})


class AgentCallCancelApi(ClinicApiView):
    """Cancel a queued call (waiting for calling hours, a free slot or a retry); 409 once dialled."""

    @extend_schema(operation_id="agent_call_cancel", request=None,
                   responses={200: AgentCallOutputSerializer, **_ERRORS, 404: ErrorSerializer, 409: ErrorSerializer})
    def post(self, request, call_sid: str):
        call = _call_or_404(call_sid)
        try:
            call = services.call_cancel(call=call)
        except services.CallStateError as exc:
            raise ApiError(str(exc), status.HTTP_409_CONFLICT) from None
        return Response(AgentCallOutputSerializer(call).data)


class AgentCallSettingsApi(ClinicApiView):
    """The clinic's call settings (calling hours, retries, Twilio, signing secret of the callbacks)."""

    @extend_schema(operation_id="agent_call_settings_retrieve", responses={200: CallSettingsSerializer, **_ERRORS})
    def get(self, request):
        return Response(CallSettingsSerializer(selectors.call_settings_get()).data)

    @extend_schema(operation_id="agent_call_settings_update", request=CallSettingsSerializer,
                   responses={200: CallSettingsSerializer, **_ERRORS, 422: ErrorSerializer})
    def patch(self, request):
        serializer = CallSettingsSerializer(selectors.call_settings_get(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        config = services.call_settings_update(**serializer.validated_data)
        return Response(CallSettingsSerializer(config).data)


class _TwilioCallWebhookApi(APIView):
    """Twilio-facing endpoints of one call: public, authenticated by ``X-Twilio-Signature``.

    The clinic comes from the URL path; the connection is switched to its schema first. Unsigned or
    wrongly signed requests get 403; unknown clinics or calls 404.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser, MultiPartParser]

    def _verified(self, request, client_id: str, call_sid: str):
        from booking.selectors import clinic_by_client_id
        from calls.providers.twilio import validate_signature

        clinic = clinic_by_client_id(client_id)
        if clinic is None:
            raise ApiError("Not found", status.HTTP_404_NOT_FOUND)
        connection.set_tenant(clinic)
        call = _call_or_404(call_sid)
        params = {key: values[0] if len(values) == 1 else values for key, values in request.data.lists()}
        url = (settings.PUBLIC_BASE_URL.rstrip("/") + request.get_full_path()) if settings.PUBLIC_BASE_URL \
            else request.build_absolute_uri()
        token = services.twilio_auth_token(selectors.call_settings_get())
        if not validate_signature(auth_token=token, url=url, params=params,
                                  signature=request.headers.get(TWILIO_SIGNATURE_HEADER, "")):
            logger.warning("Rejected a Twilio call webhook with a missing or invalid signature")
            raise ApiError("Invalid Twilio signature", status.HTTP_403_FORBIDDEN)
        if params.get("CallSid") and call.provider_call_sid and params["CallSid"] != call.provider_call_sid:
            # a report about an earlier attempt of this call: nothing to do
            return clinic, None, params
        return clinic, call, params


@extend_schema(exclude=True)
class TwilioCallStatusApi(_TwilioCallWebhookApi):
    """Twilio's call status callback, applied idempotently (repeated / out of order: no effect)."""

    def post(self, request, client_id: str, call_sid: str):
        _, call, params = self._verified(request, client_id, call_sid)
        if call is not None:
            duration = params.get("CallDuration")
            services.call_status_apply(
                call=call, carrier_status=str(params.get("CallStatus") or ""),
                answered_by=str(params.get("AnsweredBy") or ""),
                duration_seconds=int(duration) if str(duration or "").isdigit() else None)
        return HttpResponse(status=204)


@extend_schema(exclude=True)
class TwilioCallAnswerApi(_TwilioCallWebhookApi):
    """Twilio fetches this when the patient's phone answers: TwiML for a voicemail (answering
    machine detected) or a bidirectional Media Stream to the agent."""

    def post(self, request, client_id: str, call_sid: str):
        from calls.providers.twilio import twiml_media_stream, twiml_say_and_hangup

        _, call, params = self._verified(request, client_id, call_sid)
        if call is None:
            return HttpResponse(twiml_say_and_hangup(text="", language="en"), content_type="application/xml")
        answered_by = str(params.get("AnsweredBy") or "")
        services.call_status_apply(call=call, carrier_status="in-progress", answered_by=answered_by)
        if answered_by.startswith("machine") or answered_by == "fax":
            text = services.call_voicemail_left(call=call)
            return HttpResponse(twiml_say_and_hangup(text=text, language=call.language),
                                content_type="application/xml")
        base = settings.PUBLIC_BASE_URL or request.build_absolute_uri("/")
        ws_base = base.rstrip("/").replace("https://", "wss://").replace("http://", "ws://")
        stream_url = f"{ws_base}/ws/calls/twilio/{client_id}"
        xml = twiml_media_stream(stream_url=stream_url, parameters={
            "call_sid": call.call_sid, "token": tokens.media_stream_token(call_sid=call.call_sid)})
        return HttpResponse(xml, content_type="application/xml")
