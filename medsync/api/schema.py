"""OpenAPI (drf-spectacular): the schema class, credentials, shared error bodies and fields.

The schema must state what validation really requires (checked by ``tests/test_schemathesis.py``):
:class:`AutoSchema` adds what drf-spectacular leaves out, and the fields and formats here state
rules JSON Schema cannot (``e164``: a valid phone number). Imported by :mod:`medsync.api.surfaces`,
so the extensions are registered before a schema is built.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import is_list_serializer, is_serializer
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, documenting a JSON body as JSON only.

    Views that parse JSON also accept DRF's form encodings, but those cannot carry the nested
    objects and nulls of the same bodies, so the schema names ``application/json`` only (upload
    endpoints, which parse multipart alone, keep it).
    """

    def map_parsers(self):
        media_types = super().map_parsers()
        return ["application/json"] if "application/json" in media_types else media_types

    def _map_basic_serializer(self, serializer, direction):
        self._direction = direction  # for _insert_field_validators, which is not told
        return super()._map_basic_serializer(serializer, direction)

    def _insert_field_validators(self, field, schema):
        """Also state what DRF checks on input without drf-spectacular saying so: a slug's pattern,
        no trailing newline where Django's ``\\Z`` forbids it, a non-blank string is not all
        whitespace (``trim_whitespace``), a list with ``allow_empty=False`` has an item."""
        super()._insert_field_validators(field, schema)
        if getattr(self, "_direction", None) != "request" or not isinstance(schema, dict):
            return
        if isinstance(field, serializers.SlugField) and not field.allow_unicode and "pattern" not in schema:
            schema["pattern"] = r"^[-a-zA-Z0-9_]+$"  # DRF's slug regex
        pattern = schema.get("pattern", "")
        if pattern.endswith("$") and any(getattr(getattr(v, "regex", None), "pattern", "").endswith("\\Z")
                                         for v in field.validators):
            # Django's \Z (e.g. SlugField(allow_unicode)) rejects a trailing newline, which "$" lets through.
            schema["pattern"] = pattern[:-1] + "(?!\\n)$"
        if (isinstance(field, serializers.CharField) and not field.allow_blank and field.trim_whitespace
                and schema.get("type") == "string" and not {"pattern", "format", "enum"} & set(schema)):
            schema["pattern"] = NON_BLANK_PATTERN
        if (isinstance(field, (serializers.ListSerializer, serializers.ListField)) and not field.allow_empty
                and schema.get("type") == "array"):
            schema["minItems"] = max(schema.get("minItems", 0), 1)

    def _get_request_for_media_type(self, serializer, direction="request"):
        """A body whose schema requires one of several fields (``anyOf`` of ``required``), or is one of
        several variants (``oneOf``), is required."""
        schema, required = super()._get_request_for_media_type(serializer, direction)
        if not required and is_serializer(serializer) and not is_list_serializer(serializer):
            component = self.resolve_serializer(serializer, direction)
            required = bool(component.schema and (component.schema.get("anyOf") or component.schema.get("oneOf")))
        return schema, required


#: Not blank after ``str.strip()`` (DRF's ``trim_whitespace``): a character that is neither ECMA-262
#: whitespace (``\s``) nor one of the separators Python also strips (U+001C-U+001F, U+0085).
NON_BLANK_PATTERN = r"[^\s\u001c-\u001f\u0085]"

#: A phone number in E.164 (``+34612345678``) that libphonenumber considers valid for its country:
#: the custom format ``e164`` (tests register a generator of such numbers).
E164_SCHEMA = {"type": "string", "format": "e164", "example": "+34612345678", "maxLength": 32}

@extend_schema_field({**E164_SCHEMA, "description": "A phone number in international format (E.164, a valid number)."})
class PhoneNumberField(serializers.CharField):
    """A required phone number; the serializer checks it with phonenumbers (``booking.phones.to_e164``)."""


@extend_schema_field({"anyOf": [E164_SCHEMA, {"type": "string", "maxLength": 0}],
                      "description": "A phone number in international format (E.164, a valid number), or empty."})
class OptionalPhoneNumberField(serializers.CharField):
    """A ``CharField(allow_blank=True)`` whose serializer checks the number with phonenumbers."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "format": "past-date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                      "nullable": True, "example": "1985-04-12",
                      "description": "A date (YYYY-MM-DD) not in the future: the custom format `past-date`."})
class PastDateField(serializers.DateField):
    """A date that must not be in the future (the serializer checks it against today)."""


@extend_schema_field({"type": "string", "format": "future-date-time", "nullable": True,
                      "example": "2026-12-01T10:00:00Z",
                      "description": "An ISO 8601 date-time with a time zone, not more than 5 minutes in the past: "
                                     "the custom format `future-date-time`."})
class FutureDateTimeField(serializers.DateTimeField):
    """A date-time that must not be in the past (the service checks it, allowing 5 minutes of clock skew)."""


#: ``HH:MM`` or ``HH:MM:SS`` (24 h, no time zone): what ``TimeField(input_formats=...)`` accepts.
TIME_OF_DAY_SCHEMA = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
                      "example": "09:30"}


@extend_schema_field(TIME_OF_DAY_SCHEMA)
class TimeOfDayField(serializers.TimeField):
    """A local time of day ``HH:MM`` (or ``HH:MM:SS``), answered as ``HH:MM``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        super().__init__(**kwargs)


class PatientInputSchema(OpenApiSerializerExtension):
    """A new patient needs a non-blank ``firstName``, ``lastName`` or ``name`` (a partial update does not)."""

    target_class = "records.api.serializers.PatientInputSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if not getattr(self.target, "partial", False):
            schema["anyOf"] = [{"required": [key], "properties": {key: {"pattern": NON_BLANK_PATTERN}}}
                               for key in ("firstName", "lastName", "name")]
        return schema


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """A clinic API key, sent as ``X-API-Key`` (platform seed) or ``Authorization: Bearer`` (workflow seed)."""

    target_class = "medsync.api.authentication.ApiKeyAuthentication"
    name = ["ApiKeyAuth", "BearerApiKeyAuth"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "X-API-Key",
             "description": "A clinic's API key (created in the admin or with `manage.py create_api_key`)."},
            {"type": "http", "scheme": "bearer", "bearerFormat": "API key (msk_...)",
             "description": "The same API key sent as `Authorization: Bearer msk_...` (documentation workflow)."},
        ]


class JwtAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "medsync.api.jwt.JwtAuthentication"
    name = "BearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "The `token` returned by `POST /api/login`."}


class MediSyncErrorSerializer(serializers.Serializer):
    """Error body of the MediSync API (``/api/...``)."""

    success = serializers.BooleanField(default=False)
    error = serializers.CharField()


class WorkflowErrorSerializer(serializers.Serializer):
    """Error body of the documentation-workflow API (``/v1/transcriptions``, threads, clinical notes)."""

    error = serializers.CharField()


UID_PARAMETER = OpenApiParameter(
    "uid", str, required=False,
    description="The signed-in user's `uid` (from `/api/login`); when given it must match the token (else 403).",
)
