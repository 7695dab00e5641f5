"""OpenAPI (drf-spectacular) descriptions of the credentials and shared error bodies.

Imported by :mod:`medsync.api.surfaces`, so the extensions are registered before a schema is built.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


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
