"""Authentication of a live WebSocket handshake (before the socket opens).

Credentials, first match wins (MediSync Live API seed; ARCHITECTURE.md "API surfaces"):

1. ``Authorization: Bearer <JWT>`` (clinicians; the token of ``POST /api/login``);
2. ``X-API-Key: <key>`` (clinic software);
3. ``?token=<JWT>`` in the query string, for browsers, whose WebSocket API cannot set headers.
   Query strings can end up in proxy logs: the tokens are short-lived, and API keys are never
   accepted there.

Missing, malformed, expired or revoked credentials -> :class:`HandshakeRejected` with status 401.
A clinician whose clinic has no active subscription -> 403 (as on the rest of the MediSync API).
The clinic always comes from the credential, never from the request.

These functions touch the database: call them through ``database_sync_to_async``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from rest_framework.exceptions import AuthenticationFailed

from audit.models import ActorKind
from clinics.models import ApiKey, Clinic, ClinicUser
from clinics.selectors import api_key_lookup, clinic_user_get, subscription_is_active
from clinics.services import api_key_mark_used
from medsync.api.jwt import token_decode

__all__ = ["HandshakeRejected", "LiveCaller", "authenticate_handshake", "clinic_user_from_token",
           "scope_headers", "scope_query"]


class HandshakeRejected(Exception):
    """Refuse the WebSocket handshake with an HTTP ``status`` and a client-safe ``message``."""

    def __init__(self, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


@dataclass(frozen=True)
class LiveCaller:
    """Who opened a live session: a clinic, through an API key or a clinician's token."""

    clinic: Clinic
    api_key: ApiKey | None = None
    clinic_user: ClinicUser | None = None

    @property
    def actor(self) -> str:
        """``"user:<uid>"`` or ``"api_key:<prefix>"`` (for logs and rate limits; never a secret)."""
        if self.clinic_user is not None:
            return f"user:{self.clinic_user.uid}"
        return f"api_key:{self.api_key.prefix}" if self.api_key is not None else "unknown"

    @property
    def audit_actor(self) -> tuple[str, str]:
        """``(actor_kind, actor)`` of audit events, as :func:`audit.services.request_actor` gives for HTTP:
        ``("user", uid)`` or ``("api_key", "api_key:<prefix>")``."""
        if self.clinic_user is not None:
            return ActorKind.USER, self.clinic_user.uid
        if self.api_key is not None:
            return ActorKind.API_KEY, f"api_key:{self.api_key.prefix}"
        return ActorKind.SYSTEM, "system"


_UNAUTHORIZED = (("WWW-Authenticate", 'Bearer realm="medsync"'),)


def _unauthorized(message: str) -> HandshakeRejected:
    return HandshakeRejected(401, message, _UNAUTHORIZED)


def scope_headers(scope: dict) -> dict[str, str]:
    """The handshake's headers, names lower-cased (the first value of a repeated header)."""
    out: dict[str, str] = {}
    for name, value in scope.get("headers") or ():
        out.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return out


def scope_query(scope: dict) -> dict[str, str]:
    """The query string's parameters (the first value of a repeated one)."""
    raw = scope.get("query_string") or b""
    parsed = parse_qs(raw.decode("latin-1"), keep_blank_values=True)
    return {k: v[0] for k, v in parsed.items()}


def clinic_user_from_token(token: str) -> ClinicUser:
    """The active clinic user a Bearer token belongs to.

    The same checks as :class:`medsync.api.jwt.JwtAuthentication`: signature, algorithm, required
    claims and expiry (:func:`medsync.api.jwt.token_decode`), then the user must exist, be active and
    still belong to the clinic named in the token.

    Raises:
        HandshakeRejected: 401 "Token expired" / "Invalid authentication token".
    """
    if not token or len(token) > 4096:
        raise _unauthorized("Invalid authentication token")
    try:
        claims = token_decode(token)
    except AuthenticationFailed as exc:
        raise _unauthorized(str(exc.detail)) from None
    clinic_user = clinic_user_get(uid=str(claims["sub"]))
    if clinic_user is None or clinic_user.clinic.client_id != claims["clinic"]:
        raise _unauthorized("Invalid authentication token")
    return clinic_user


def _clinician(token: str) -> LiveCaller:
    clinic_user = clinic_user_from_token(token)
    if not subscription_is_active(clinic=clinic_user.clinic):
        raise HandshakeRejected(403, "An active subscription is required")
    return LiveCaller(clinic=clinic_user.clinic, clinic_user=clinic_user)


def authenticate_handshake(scope: dict) -> LiveCaller:
    """Authenticate a WebSocket ``scope`` (see the module docstring for the order).

    Raises:
        HandshakeRejected: 401 (no, malformed, expired or unknown credentials) or 403 (subscription).
    """
    headers = scope_headers(scope)
    authorization = headers.get("authorization", "").strip()
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("Invalid authentication token: use Authorization: Bearer <token>")
        return _clinician(token.strip())
    raw_key = headers.get("x-api-key", "").strip()
    if raw_key:
        api_key = api_key_lookup(raw_key=raw_key)
        if api_key is None:
            raise _unauthorized("Invalid API key")
        api_key_mark_used(api_key=api_key)
        return LiveCaller(clinic=api_key.clinic, api_key=api_key)
    token = scope_query(scope).get("token", "").strip()
    if token:
        return _clinician(token)
    raise _unauthorized("Missing authentication token: send Authorization: Bearer <token>, X-API-Key, "
                        "or ?token=<token>")
