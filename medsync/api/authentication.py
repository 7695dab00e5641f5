"""``X-API-Key`` authentication for the ``/v1`` surface.

A valid key selects its clinic: the database connection is switched to the clinic's schema for the
rest of the request (the tenant always comes from the credential, never from the request body).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from rest_framework import authentication, exceptions

from clinics.models import ApiKey, Clinic
from clinics.selectors import api_key_lookup
from clinics.services import api_key_mark_used

API_KEY_HEADER = "X-API-Key"


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
    """Authenticate with the ``X-API-Key`` header.

    Returns ``(ClinicPrincipal, ApiKey)``; a missing header yields ``None`` (the permission class
    then answers 401 ``{"error": "Missing API key"}``); an unknown or revoked key raises 401.
    """

    def authenticate(self, request):
        raw_key = request.headers.get(API_KEY_HEADER, "").strip()
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
