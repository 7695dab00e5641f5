"""API-key authentication for the ``/v1`` surface: ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``.

The clinical documentation workflow seed sends its API key as ``Authorization: Bearer <API key>``,
the platform seed as ``X-API-Key``; both are accepted. An API key is told from a login JWT by its
prefix (``msk_``, :data:`clinics.services.API_KEY_PREFIX`): a JWT never starts with it (a JWS
starts with the base64url of ``{"`` = ``eyJ``), so :class:`medsync.api.jwt.JwtAuthentication`
leaves such Bearer values to this class.

A valid key selects its clinic: the database connection is switched to the clinic's schema for the
rest of the request (the tenant always comes from the credential, never from the request body).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from rest_framework import authentication, exceptions

from clinics.models import ApiKey, Clinic
from clinics.selectors import api_key_lookup
from clinics.services import API_KEY_PREFIX, api_key_mark_used

API_KEY_HEADER = "X-API-Key"


def bearer_api_key(request) -> str:
    """The API key sent as ``Authorization: Bearer msk_...``, or ``""`` (no Bearer, or a JWT)."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value.startswith(API_KEY_PREFIX):
        return value
    return ""


@dataclass
class ClinicPrincipal:
    """The authenticated caller of a ``/v1`` request: a clinic through one of its API keys."""

    clinic: Clinic
    api_key: ApiKey | None = None

    is_authenticated = True
    is_anonymous = False

    @property
    def pk(self) -> str:  # DRF's throttles and logs expect a primary key
        return f"clinic:{self.clinic.pk}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticate with the ``X-API-Key`` header or an API key sent as ``Authorization: Bearer``.

    Returns ``(ClinicPrincipal, ApiKey)``; a missing header yields ``None`` (the permission class
    then answers 401 ``{"error": "Missing API key"}``); an unknown or revoked key raises 401.
    """

    def authenticate(self, request):
        raw_key = request.headers.get(API_KEY_HEADER, "").strip() or bearer_api_key(request)
        if not raw_key:
            return None
        api_key = api_key_lookup(raw_key=raw_key)
        if api_key is None:
            raise exceptions.AuthenticationFailed("Invalid API key")
        api_key_mark_used(api_key=api_key)
        connection.set_tenant(api_key.clinic)
        request._request.clinic = api_key.clinic
        return ClinicPrincipal(clinic=api_key.clinic, api_key=api_key), api_key

    def authenticate_header(self, request) -> str:
        # A non-empty value makes DRF answer 401 (not 403) to unauthenticated requests.
        return API_KEY_HEADER
