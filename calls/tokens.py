"""Access tokens of a call's media legs: the Twilio Media Stream's and the browser simulator's.

Both are bound to the clinic's schema and the call, so a token of one clinic or call never opens
another's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def media_stream_token(*, call_sid: str) -> str:
    """Token the Media Stream presents for ``call_sid`` (HMAC-SHA256 with ``SECRET_KEY``, bound to the
    clinic's schema): only the stream Twilio opens from our own TwiML can attach to the call."""
    import hashlib
    import hmac

    message = f"calls-media:{connection.schema_name}:{call_sid}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def media_stream_token_valid(*, call_sid: str, token: str) -> bool:
    import hmac

    return bool(token) and hmac.compare_digest(media_stream_token(call_sid=call_sid), str(token))


# --- simulator access ----------------------------------------------------------------------------

SIMULATOR_TOKEN_SALT = "calls.simulator"
#: A simulator link is valid this long, seconds (long enough to pick up a ringing call).
SIMULATOR_TOKEN_MAX_AGE = 3600


def simulator_token(*, call_sid: str) -> str:
    """Signed, expiring token letting a browser take the simulated call ``call_sid`` of this clinic."""
    from django.core import signing

    return signing.dumps({"schema": connection.schema_name, "call_sid": call_sid}, salt=SIMULATOR_TOKEN_SALT)


def simulator_token_read(token: str) -> tuple[str, str] | None:
    """``(schema_name, call_sid)`` of a valid :func:`simulator_token`, else ``None``."""
    from django.core import signing

    try:
        data = signing.loads(token or "", salt=SIMULATOR_TOKEN_SALT, max_age=SIMULATOR_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not data.get("schema") or not data.get("call_sid"):
        return None
    return str(data["schema"]), str(data["call_sid"])
