"""OpenAPI (drf-spectacular) descriptions of the ChatMed surface: its key scheme and error body."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers


class ChatMedKeyScheme(OpenApiAuthenticationExtension):
    target_class = "chatmed.api.base.ChatMedKeyAuthentication"
    name = "ChatMedApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-API-Key",
                "description": "A ChatMed key: `sk_live_…` (production) or `sk_test_…` (sandbox)."}


class ChatMedErrorSerializer(serializers.Serializer):
    """Error body of the ChatMed API (``/api/v1/...``)."""

    error = serializers.CharField(help_text="bad_request, unauthorized, forbidden, not_found, payload_too_large, "
                                            "validation_error, rate_limit_exceeded, internal_error, service_unavailable")
    message = serializers.CharField()
    code = serializers.IntegerField()
    request_id = serializers.CharField()


ERRORS = {status: OpenApiResponse(ChatMedErrorSerializer) for status in (400, 401, 403, 404, 413, 422, 429, 500, 503)}


def chatmed_schema(*, request=None, response=OpenApiTypes.OBJECT, status: int = 200, summary: str = "", **kwargs):
    """``extend_schema`` for a ChatMed endpoint: its request, success response and the error responses."""
    return extend_schema(request=request, responses={status: response, **ERRORS}, summary=summary, tags=["ChatMed"], **kwargs)
