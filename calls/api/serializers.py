"""Input validation and output shapes of ``/v1/agent-call`` (platform API seed, "Agent Calling")."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from booking.api.serializers import CallbackUrlField, TimeZoneField
from booking.phones import to_e164
from calls.models import LANGUAGES, CallSettings, CallStatus, PolicyChoice, ProviderChoice, Purpose
from clinics.api.serializers import ErrorSerializer  # noqa: F401  (re-exported: one "Error" schema component)
from medsync.api.schema import OptionalPhoneNumberField, PhoneNumberField

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_TEXT_KEYS = ("provider_name", "clinic_name", "procedure")

#: Context keys each purpose requires (the seed's examples): reminders and confirmations must say when
#: the appointment is; a custom call needs instructions (``prompt``, for an LLM) or a ``message``
#: (read as is by the offline policy).
REQUIRED_CONTEXT = {
    Purpose.APPOINTMENT_REMINDER: ("appointment_date", "appointment_time"),
    Purpose.APPOINTMENT_CONFIRMATION: ("appointment_date", "appointment_time"),
    Purpose.FOLLOW_UP: (),
    Purpose.CUSTOM: (),
}


class AgentCallInputSerializer(serializers.Serializer):
    patient_phone = PhoneNumberField(max_length=40)
    patient_name = serializers.CharField(max_length=200)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    context = serializers.DictField(required=False, default=dict)
    callback_url = CallbackUrlField(required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=[(c, c) for c in LANGUAGES], required=False, default="en")

    def validate_patient_phone(self, value: str) -> str:
        e164 = to_e164(value)
        if e164 is None:
            raise serializers.ValidationError("Enter a valid phone number in E.164 format, e.g. +34612345678.")
        return e164

    def validate_patient_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value.strip()

    def validate(self, attrs: dict) -> dict:
        context = dict(attrs.get("context") or {})
        errors: dict[str, str] = {}
        for key in ("appointment_date", "visit_date"):
            if key in context:
                try:
                    date.fromisoformat(str(context[key]))
                    context[key] = str(context[key])
                except ValueError:
                    errors[key] = "Use YYYY-MM-DD."
        if "appointment_time" in context:
            if not _TIME.match(str(context["appointment_time"])):
                errors["appointment_time"] = "Use HH:MM (24 h)."
        for key in (*_TEXT_KEYS, "prompt", "message"):
            if key in context:
                value = context[key]
                limit = 4000 if key == "prompt" else (1000 if key == "message" else 200)
                if not isinstance(value, str) or len(value) > limit:
                    errors[key] = f"Must be a string of at most {limit} characters."
                else:
                    context[key] = value.strip()
        for key in REQUIRED_CONTEXT[attrs["purpose"]]:
            if not context.get(key) and key not in errors:
                errors[key] = f"Required for purpose {attrs['purpose']}."
        if attrs["purpose"] == Purpose.CUSTOM and not (context.get("prompt") or context.get("message")) \
                and "prompt" not in errors:
            errors["prompt"] = "A custom call needs context.prompt (or context.message)."
        if "appointment_id" in context:
            from records.selectors import appointment_get

            appointment = appointment_get(appointment_id=str(context["appointment_id"]))
            if appointment is None:
                errors["appointment_id"] = "No appointment with this id in your clinic."
            else:
                attrs["appointment_uuid"] = appointment.uuid
                context["appointment_id"] = str(appointment.uuid)
        if errors:
            raise serializers.ValidationError({"context": errors})
        attrs["context"] = context
        return attrs


class AgentCallCreatedSerializer(serializers.Serializer):
    call_sid = serializers.CharField()
    status = serializers.CharField()
    message = serializers.CharField()


class TranscriptEntrySerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=["agent", "user"])
    message = serializers.CharField()


class AgentCallOutputSerializer(serializers.Serializer):
    """The seed's status response plus ``patient_name``, ``language``, ``outcome``, ``attempts``,
    ``waiting_reason``, ``created_at``, ``ended_at``. ``transcript`` and ``summary`` are filled once
    the call has ended."""

    call_sid = serializers.CharField()
    status = serializers.ChoiceField(choices=CallStatus.choices)
    duration_seconds = serializers.IntegerField()
    purpose = serializers.CharField()
    summary = serializers.SerializerMethodField()
    transcript = serializers.SerializerMethodField()
    patient_phone = serializers.CharField()
    patient_name = serializers.CharField()
    language = serializers.CharField()
    outcome = serializers.SerializerMethodField()
    attempts = serializers.IntegerField()
    waiting_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)

    def get_summary(self, call) -> str | None:
        return call.summary or None

    def get_transcript(self, call) -> list[dict]:
        if not call.is_final:
            return []
        return [{"role": t["role"], "message": t["message"]} for t in call.transcript or []]

    def get_outcome(self, call) -> dict | None:
        if not call.outcome:
            return None
        return {"result": call.outcome, "detail": call.outcome_detail or {},
                "appointment_id": str(call.appointment_uuid) if call.appointment_uuid else None}


class AgentCallListSerializer(serializers.Serializer):
    calls = AgentCallOutputSerializer(many=True, help_text="Newest first, at most 500.")


class AgentCallListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CallStatus.choices, required=False)
    since = serializers.CharField(required=False)

    def validate_since(self, value: str) -> datetime:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise serializers.ValidationError("Use an ISO 8601 date or date-time, e.g. 2026-05-20T09:00:00Z.")
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo("UTC"))
        try:
            # In UTC: PostgreSQL refuses offsets beyond +-15:59 ("time zone displacement out of range").
            return parsed.astimezone(ZoneInfo("UTC"))
        except (OverflowError, ValueError):
            raise serializers.ValidationError("Out of range; use a date-time such as 2026-05-20T09:00:00Z.") from None


_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


@extend_schema_field({"type": "string", "format": "time-range", "pattern": _HOURS.pattern, "example": "09:00-20:00",
                      "description": "Local calling hours `HH:MM-HH:MM` in the clinic's time zone, start before end."})
class CallingHoursField(serializers.CharField):
    """``"09:00-20:00"`` -> ``(time(9), time(20))``; the start must come before the end (one field, so the
    rule holds within a request and never depends on what is stored)."""

    def to_internal_value(self, data) -> tuple[time, time]:
        match = _HOURS.match(str(super().to_internal_value(data)).strip())
        if not match:
            raise serializers.ValidationError("Use HH:MM-HH:MM, e.g. 09:00-20:00.")
        start, end = time(int(match[1]), int(match[2])), time(int(match[3]), int(match[4]))
        if start >= end:
            raise serializers.ValidationError("The start must come before the end.")
        return start, end


class CallSettingsSerializer(serializers.ModelSerializer):
    """The clinic's call settings; ``twilio_auth_token`` is write-only, ``callback_signing_secret`` read-only."""

    callback_signing_secret = serializers.CharField(source="callback_secret", read_only=True)
    twilio_auth_token = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=128)
    provider = serializers.ChoiceField(choices=ProviderChoice.choices, required=False)
    policy = serializers.ChoiceField(choices=PolicyChoice.choices, required=False)
    from_number = OptionalPhoneNumberField(required=False, max_length=20)
    time_zone = TimeZoneField(required=False, max_length=64)
    calling_hours = CallingHoursField(required=False)

    class Meta:
        model = CallSettings
        fields = ["provider", "policy", "clinic_name", "from_number", "twilio_account_sid", "twilio_auth_token",
                  "time_zone", "calling_hours", "calling_days", "max_attempts",
                  "retry_delay_minutes", "max_call_seconds", "silence_timeout_seconds", "callback_signing_secret"]
        extra_kwargs = {"max_attempts": {"min_value": 1, "max_value": 10},
                        "retry_delay_minutes": {"min_value": 1, "max_value": 1440},
                        "max_call_seconds": {"min_value": 30, "max_value": 3600},
                        "silence_timeout_seconds": {"min_value": 2, "max_value": 60}}

    def validate_time_zone(self, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError("Unknown time zone; use an IANA name such as Europe/Madrid.")
        return value

    def validate_from_number(self, value: str) -> str:
        if not value:
            return ""
        e164 = to_e164(value)
        if e164 is None:
            raise serializers.ValidationError("Enter a valid phone number in E.164 format.")
        return e164

    def validate_calling_days(self, value) -> list[int]:
        if not isinstance(value, list) or not all(isinstance(d, int) and 1 <= d <= 7 for d in value):
            raise serializers.ValidationError("A list of ISO weekday numbers (1 = Monday ... 7 = Sunday).")
        return sorted(set(value))

    def validate(self, attrs: dict) -> dict:
        hours = attrs.pop("calling_hours", None)
        if hours is not None:
            attrs["calling_hours_start"], attrs["calling_hours_end"] = hours
        return attrs

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        data["calling_hours"] = (f"{instance.calling_hours_start:%H:%M}-{instance.calling_hours_end:%H:%M}")
        return data


class AgentCallInputSchema(OpenApiSerializerExtension):
    """The request schema states what :meth:`AgentCallInputSerializer.validate` requires: one variant per
    ``purpose`` (``oneOf``), each with the ``context`` keys that purpose needs (``REQUIRED_CONTEXT``; a
    custom call's ``prompt``) and the formats of the keys it checks (dates, ``HH:MM``, string lengths)."""

    target_class = "calls.api.serializers.AgentCallInputSerializer"

    def map_serializer(self, auto_schema, direction):
        import copy

        base = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        text = {"type": "string", "maxLength": 200}
        context_properties = {
            "appointment_date": {"type": "string", "format": "date"},
            "visit_date": {"type": "string", "format": "date"},
            "appointment_time": {"type": "string", "pattern": _TIME.pattern, "example": "10:30"},
            **{key: text for key in _TEXT_KEYS},
            "prompt": {"type": "string", "maxLength": 4000, "pattern": r"\S"},
            "message": {"type": "string", "maxLength": 1000, "pattern": r"\S"},
            "appointment_id": {"type": "string", "description": "An appointment of the caller's clinic."},
        }
        variants = []
        for purpose in Purpose:
            variant = copy.deepcopy(base)
            # A pattern, not a one-value enum: drf-spectacular folds enums into shared components.
            variant["properties"]["purpose"] = {"type": "string", "pattern": f"^{purpose.value}$",
                                                "example": purpose.value}
            required = list(REQUIRED_CONTEXT[purpose]) + (["prompt"] if purpose == Purpose.CUSTOM else [])
            properties = {k: v for k, v in context_properties.items() if k != "appointment_id"}
            context = {"type": "object", "properties": properties, "additionalProperties": True}
            for key in required:
                context["properties"][key] = {**context["properties"][key], "minLength": 1}
            if required:
                context["required"] = required
                variant["required"] = sorted(set(variant.get("required", [])) | {"context"})
            variant["properties"]["context"] = context
            variants.append(variant)
        return {"oneOf": variants, "description": base.get("description", "")}
