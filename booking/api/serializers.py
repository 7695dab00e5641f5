"""Input validation and output shapes of the WhatsApp bot endpoints."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinics.api.serializers import ErrorSerializer  # noqa: F401  (re-exported: one "Error" schema component)

from booking.models import LANGUAGES, BookingStatus, NluChoice, ProviderChoice
from booking.phones import to_e164
from medsync.api.schema import NON_BLANK_PATTERN, OptionalPhoneNumberField

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*([01]\d|2[0-3]):([0-5]\d)\s*[-–]\s*([01]\d|2[0-4]):([0-5]\d)\s*$")


def validate_public_url(value: str) -> str:
    """An absolute http(s) URL with a host; loopback/private literal hosts only when allowed.

    Raises:
        serializers.ValidationError: otherwise.
    """
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise serializers.ValidationError("Enter a valid http(s) URL.")
    if parts.username or parts.password:
        raise serializers.ValidationError("URLs with credentials are not accepted.")
    if not settings.WHATSAPP_ALLOW_PRIVATE_URLS:
        host = parts.hostname
        if host == "localhost" or host.endswith(".localhost"):
            raise serializers.ValidationError("Private and loopback addresses are not accepted.")
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is not None and (address.is_private or address.is_loopback or address.is_link_local
                                    or address.is_reserved):
            raise serializers.ValidationError("Private and loopback addresses are not accepted.")
    return value


class CallbackUrlField(serializers.URLField):
    def __init__(self, **kwargs):
        super().__init__(max_length=500, **kwargs)
        self.validators.append(validate_public_url)


_TEXT = {"type": "string", "pattern": NON_BLANK_PATTERN}


@extend_schema_field({"oneOf": [_TEXT, {"type": "object", "minProperties": 1, "additionalProperties": False,
                                        "properties": {language: _TEXT for language in LANGUAGES}}],
                      "description": "A string, or {language: string} (en, es, ca, fr, pt, de, it)."})
class LocalizedTextField(serializers.JSONField):
    """A string, or ``{language: string}`` for text given in several languages."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if isinstance(value, str) and value.strip():
            return value.strip()[:2000]
        if isinstance(value, dict) and value and all(
            k in LANGUAGES and isinstance(v, str) and v.strip() for k, v in value.items()
        ):
            return {k: v.strip()[:2000] for k, v in value.items()}
        raise serializers.ValidationError("Must be a non-empty string or an object of language code to string.")


class FaqSerializer(serializers.Serializer):
    question = LocalizedTextField()
    answer = LocalizedTextField()
    keywords = serializers.ListField(child=serializers.CharField(max_length=60), max_length=30, required=False,
                                     default=list)


@extend_schema_field({"type": "string", "enum": sorted(available_timezones()),
                      "description": "IANA time zone name, e.g. Europe/Madrid."})
class TimeZoneField(serializers.CharField):
    pass


#: ``HH:MM-HH:MM`` with the start before the end (custom format ``time-range``; tests register a generator).
_TIME_RANGE = {"type": "string", "format": "time-range", "pattern": _RANGE.pattern, "example": "09:00-14:00"}
_DAY_HOURS = {"oneOf": [
    {"type": "array", "items": _TIME_RANGE},
    {"type": "string", "format": "time-ranges", "example": "09:00-14:00, 16:00-20:00",
     "description": "Ranges separated by commas."},
    {"type": "string", "nullable": True, "enum": ["", "closed", None]},
]}


@extend_schema_field({"type": "object", "additionalProperties": False,
                      "properties": {day: _DAY_HOURS for day in WEEKDAY_KEYS},
                      "description": 'Per weekday: ["09:00-14:00", "16:00-20:00"], "09:00-14:00, 16:00-20:00", '
                      '[] / "" / "closed" / null (closed).'})
class OpeningHoursField(serializers.JSONField):
    pass


class ConfigureInputSerializer(serializers.Serializer):
    appointment_callback_url = CallbackUrlField(help_text="Receives new bookings (the seed's callback body + "
                                                "booking_id).")
    cancellation_callback_url = CallbackUrlField(
        required=False, allow_blank=True,
        help_text="Receives cancellations and reschedules (same body, status cancelled); empty: none are sent.")
    slots_endpoint_url = CallbackUrlField()
    whatsapp_number = OptionalPhoneNumberField(required=False, max_length=40)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    opening_hours = OpeningHoursField(required=False)
    services = serializers.ListField(child=serializers.CharField(max_length=200), max_length=50, required=False)
    faq = FaqSerializer(many=True, required=False)
    default_language = serializers.ChoiceField(choices=LANGUAGES, required=False)
    time_zone = TimeZoneField(required=False, max_length=64)
    provider_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    template_content_sid = serializers.RegexField(r"^(HX[0-9a-fA-F]{32})?$", required=False, allow_blank=True)
    provider = serializers.ChoiceField(choices=ProviderChoice.values, required=False)
    nlu_engine = serializers.ChoiceField(choices=NluChoice.values, required=False)
    twilio_account_sid = serializers.RegexField(r"^(AC[0-9a-fA-F]{32})?$", required=False, allow_blank=True)
    twilio_auth_token = serializers.CharField(required=False, allow_blank=True, max_length=128, write_only=True)
    rotate_callback_secret = serializers.BooleanField(required=False, default=False)

    def validate_whatsapp_number(self, value: str) -> str:
        if not value:
            return ""
        number = to_e164(value)
        if number is None:
            raise serializers.ValidationError("Enter the number in E.164 format, e.g. +34612345678.")
        return number

    def validate_time_zone(self, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError("Unknown time zone; use an IANA name such as Europe/Madrid.") from None
        return value

    def validate_opening_hours(self, value) -> dict[str, list[str]]:
        """``{"mon": ["09:00-14:00", "16:00-20:00"] | "09:00-14:00, 16:00-20:00" | [] | null, ...}``."""
        if not isinstance(value, dict) or set(value) - set(WEEKDAY_KEYS):
            raise serializers.ValidationError(f"Must be an object with keys among {', '.join(WEEKDAY_KEYS)}.")
        normalized: dict[str, list[str]] = {}
        for day in WEEKDAY_KEYS:
            raw = value.get(day)
            if raw in (None, "", "closed"):
                normalized[day] = []
                continue
            items = raw.split(",") if isinstance(raw, str) else raw
            if not isinstance(items, list):
                raise serializers.ValidationError(f"{day}: give a list of HH:MM-HH:MM ranges.")
            ranges = []
            for item in items:
                match = _RANGE.match(item) if isinstance(item, str) else None
                if not match or (match[1], match[2]) >= (match[3], match[4]):
                    raise serializers.ValidationError(f"{day}: {item!r} is not a HH:MM-HH:MM range.")
                ranges.append(f"{match[1]}:{match[2]}–{match[3]}:{match[4]}")
            normalized[day] = ranges
        return normalized


class ConfigureOutputSerializer(serializers.Serializer):
    appointment_callback_url = serializers.URLField()
    cancellation_callback_url = serializers.CharField(help_text="Empty when not configured.")
    slots_endpoint_url = serializers.URLField()
    whatsapp_number = serializers.CharField()
    name = serializers.CharField(source="clinic_name")
    opening_hours = serializers.JSONField()
    services = serializers.JSONField()
    faq = serializers.JSONField()
    default_language = serializers.CharField()
    time_zone = serializers.CharField()
    provider_id = serializers.CharField()
    template_content_sid = serializers.CharField()
    provider = serializers.CharField()
    nlu_engine = serializers.CharField()
    twilio_account_sid = serializers.CharField()
    twilio_auth_token_set = serializers.SerializerMethodField()
    callback_signing_secret = serializers.CharField(source="callback_secret")
    webhook_url = serializers.SerializerMethodField()
    status_callback_url = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    def get_twilio_auth_token_set(self, obj) -> bool:
        return bool(obj.twilio_auth_token)

    def _url(self, kind: str) -> str:
        return self.context["build_url"](kind)

    def get_webhook_url(self, obj) -> str:
        return self._url("webhook")

    def get_status_callback_url(self, obj) -> str:
        return self._url("status")


class BookingOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    patient_name = serializers.CharField()
    patient_phone = serializers.CharField()
    date = serializers.DateField()
    time = serializers.TimeField(format="%H:%M")
    provider = serializers.CharField()
    language = serializers.CharField()
    status = serializers.CharField()
    conversation_summary = serializers.CharField()
    rescheduled_from = serializers.UUIDField(source="rescheduled_from_id", allow_null=True)
    clinic_note = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class BookingListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=BookingStatus.values, required=False)
    date = serializers.DateField(required=False)


class BookingDecisionInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
