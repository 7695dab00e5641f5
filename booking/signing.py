"""Signatures of the appointment callbacks MedSync sends to a clinic.

Each callback carries::

    X-MedSync-Event-Id:  <uuid>            same on every retry: de-duplicate on it
    X-MedSync-Event:     appointment.created | appointment.cancelled
    X-MedSync-Timestamp: <unix seconds>    when this attempt was signed
    X-MedSync-Signature: v1=<hex>          HMAC-SHA256(secret, "<timestamp>." + raw body)

The secret is the clinic's ``callback_signing_secret`` (``GET /v1/whatsapp/configure``). Signing
the timestamp with the body lets the clinic refuse replays older than a few minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

EVENT_ID_HEADER = "X-MedSync-Event-Id"
EVENT_TYPE_HEADER = "X-MedSync-Event"
TIMESTAMP_HEADER = "X-MedSync-Timestamp"
SIGNATURE_HEADER = "X-MedSync-Signature"
SIGNATURE_VERSION = "v1"
#: Default largest accepted age of a signature, seconds.
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    """A new signing secret: ``whsec_`` + 43 URL-safe characters (256 random bits)."""
    return "whsec_" + secrets.token_urlsafe(32)


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-MedSync-Signature`` value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def verify(*, secret: str, body: bytes, timestamp: str | int, signature: str,
           tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS, now: float | None = None) -> bool:
    """Check a callback's signature as a clinic should (constant-time compare, bounded age).

    Args:
        secret: the clinic's signing secret.
        body: the raw request body, exactly as received.
        timestamp: the ``X-MedSync-Timestamp`` header.
        signature: the ``X-MedSync-Signature`` header.
        tolerance_seconds: oldest (and furthest in the future) accepted timestamp, seconds.
        now: current Unix time (tests).
    """
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance_seconds:
        return False
    expected = sign(secret=secret, timestamp=ts, body=body)
    return hmac.compare_digest(expected.encode("ascii"), (signature or "").strip().encode("ascii", "replace"))
