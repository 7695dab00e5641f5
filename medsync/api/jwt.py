"""Bearer JWT authentication of clinicians and staff (MediSync API, ``POST /api/login``).

Tokens are signed with PyJWT: HS256 with ``JWT_SECRET_KEY`` (default ``SECRET_KEY``), or RS256 with
``JWT_PRIVATE_KEY`` / ``JWT_PUBLIC_KEY``. Claims: ``sub`` = the user's public ``uid``, ``clinic`` =
the clinic's ``client_id``, ``iat`` and ``exp`` (Unix seconds). Verification pins the configured
algorithm (no ``alg`` confusion) and requires every claim.

Key rotation: the token header carries ``kid`` (the first 16 hex digits of the SHA-256 of the
verifying key; RFC 7515 §4.1.4 leaves its form to the issuer). ``JWT_PREVIOUS_SECRET_KEYS`` (HS256) or
``JWT_PREVIOUS_PUBLIC_KEYS`` (RS256) keep verifying the tokens signed before a rotation until they
expire; new tokens are always signed with the current key. Remove a previous key once the longest
token lifetime (``JWT_REMEMBER_DAYS``) has passed since the rotation.

Like the API-key authentication, a valid token switches the database connection to the user's
clinic schema: the tenant comes from the credential, never from the request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import jwt
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework import authentication, exceptions

from clinics.models import Clinic, ClinicUser
from clinics.selectors import clinic_user_get
from clinics.services import API_KEY_PREFIX

BEARER = "Bearer"
REQUIRED_CLAIMS = ("sub", "clinic", "iat", "exp")


@dataclass
class ClinicUserPrincipal:
    """The authenticated caller of a request made with a user's Bearer token."""

    clinic: Clinic
    clinic_user: ClinicUser
    api_key: None = None  # no per-key plan limit; see medsync.api.surfaces for the per-user one

    is_authenticated = True
    is_anonymous = False

    @property
    def pk(self) -> str:  # DRF's throttles and logs expect a primary key
        return f"user:{self.clinic_user.uid}"

    @property
    def uid(self) -> str:
        return self.clinic_user.uid


def _signing_key() -> str:
    return settings.JWT_PRIVATE_KEY if settings.JWT_ALGORITHM == "RS256" else settings.JWT_SECRET_KEY


def _verifying_key() -> str:
    return settings.JWT_PUBLIC_KEY if settings.JWT_ALGORITHM == "RS256" else settings.JWT_SECRET_KEY


def key_id(key: str) -> str:
    """The ``kid`` of a verifying key: 16 hex digits of its SHA-256 (never reveals the key)."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _verifying_keys() -> list[str]:
    """The current verifying key first, then the previous ones still accepted (rotation)."""
    previous = (getattr(settings, "JWT_PREVIOUS_PUBLIC_KEYS", []) if settings.JWT_ALGORITHM == "RS256"
                else getattr(settings, "JWT_PREVIOUS_SECRET_KEYS", []))
    return [_verifying_key(), *[key for key in previous if key]]


def token_lifetime(*, remember: bool) -> timedelta:
    """``JWT_REMEMBER_DAYS`` days when ``remember``, else ``JWT_EXPIRES_MINUTES`` minutes."""
    if remember:
        return timedelta(days=settings.JWT_REMEMBER_DAYS)
    return timedelta(minutes=settings.JWT_EXPIRES_MINUTES)


def token_issue(*, clinic_user: ClinicUser, remember: bool = False) -> str:
    """A signed access token for ``clinic_user`` (compact JWS string)."""
    now = timezone.now()
    claims = {
        "sub": clinic_user.uid,
        "clinic": clinic_user.clinic.client_id,
        "iat": int(now.timestamp()),
        "exp": int((now + token_lifetime(remember=remember)).timestamp()),
    }
    return jwt.encode(claims, _signing_key(), algorithm=settings.JWT_ALGORITHM,
                      headers={"kid": key_id(_verifying_key())})


def token_decode(token: str) -> dict:
    """Verify ``token`` and return its claims.

    Raises:
        exceptions.AuthenticationFailed: "Token expired" or "Invalid authentication token".
    """
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.InvalidTokenError:
        raise exceptions.AuthenticationFailed("Invalid authentication token") from None
    keys = _verifying_keys()
    # The key named by ``kid`` when it is one of ours; tokens without (or with an unknown) kid try each key.
    named = [key for key in keys if key_id(key) == kid]
    for key in named or keys:
        try:
            return jwt.decode(
                token, key, algorithms=[settings.JWT_ALGORITHM],
                options={"require": list(REQUIRED_CLAIMS)}, leeway=5,
            )
        except jwt.ExpiredSignatureError:
            raise exceptions.AuthenticationFailed("Token expired") from None
        except jwt.InvalidSignatureError:
            continue  # maybe signed with another of the accepted keys
        except jwt.InvalidTokenError:
            break
    raise exceptions.AuthenticationFailed("Invalid authentication token")


class JwtAuthentication(authentication.BaseAuthentication):
    """Authenticate with ``Authorization: Bearer <JWT>``.

    A missing header (or another scheme, or a Bearer API key ``msk_...``) yields ``None`` so another
    class may try; a malformed,
    expired or forged token, or one whose user or clinic is gone or deactivated, raises 401.
    """

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != BEARER.lower():
            return None
        token = token.strip()
        if not token:
            raise exceptions.AuthenticationFailed("Invalid authentication token")
        if token.startswith(API_KEY_PREFIX):  # an API key sent as Bearer: ApiKeyAuthentication's
            return None
        claims = token_decode(token)
        clinic_user = clinic_user_get(uid=str(claims["sub"]))
        if clinic_user is None or clinic_user.clinic.client_id != claims["clinic"]:
            raise exceptions.AuthenticationFailed("Invalid authentication token")
        connection.set_tenant(clinic_user.clinic)
        request._request.clinic = clinic_user.clinic
        return ClinicUserPrincipal(clinic=clinic_user.clinic, clinic_user=clinic_user), token

    def authenticate_header(self, request) -> str:
        # A non-empty value makes DRF answer 401 (not 403) to unauthenticated requests.
        return f'{BEARER} realm="api"'
