"""Join tokens of a video consultation: PyJWT (HS256, ``JWT_SECRET_KEY``), role-bound and expiring.

Claims: ``aud`` ``chatmed-video``; ``sch`` the clinic's schema; ``sid`` the session (``vs_…``); ``role``
``doctor`` | ``patient``; ``sbx`` sandbox flag; ``exp`` the room's ``expires_at``. A token opens only its
own room, in its own clinic, for its own role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import jwt
from django.conf import settings

AUDIENCE = "chatmed-video"
ALGORITHM = "HS256"
ROLES = ("doctor", "patient")


@dataclass(frozen=True)
class RoomGrant:
    """What a valid token allows: ``role`` in room ``session_id`` of schema ``schema_name``."""

    schema_name: str
    session_id: str
    role: str
    is_sandbox: bool


class RoomTokenError(Exception):
    """Invalid, expired, or not for this room/role (``reason``: ``invalid`` | ``expired`` | ``wrong_room`` |
    ``wrong_role``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def room_token(*, schema_name: str, session_id: str, role: str, is_sandbox: bool, expires_at: datetime) -> str:
    """A signed join token for ``role`` in ``session_id`` valid until ``expires_at``."""
    assert role in ROLES
    return jwt.encode({"aud": AUDIENCE, "sch": schema_name, "sid": session_id, "role": role, "sbx": is_sandbox,
                       "exp": int(expires_at.timestamp())}, settings.JWT_SECRET_KEY, algorithm=ALGORITHM)


def room_token_read(token: str, *, session_id: str, role: str | None = None) -> RoomGrant:
    """Check ``token`` for room ``session_id`` (and ``role`` when the join URL names one).

    Raises:
        RoomTokenError: see its ``reason``s.
    """
    try:
        claims = jwt.decode(token or "", settings.JWT_SECRET_KEY, algorithms=[ALGORITHM], audience=AUDIENCE,
                            options={"require": ["exp", "aud"]})
    except jwt.ExpiredSignatureError:
        raise RoomTokenError("expired") from None
    except jwt.InvalidTokenError:
        raise RoomTokenError("invalid") from None
    if claims.get("role") not in ROLES or not claims.get("sch"):
        raise RoomTokenError("invalid")
    if claims.get("sid") != session_id:
        raise RoomTokenError("wrong_room")
    if role is not None and role != claims["role"]:
        raise RoomTokenError("wrong_role")
    return RoomGrant(str(claims["sch"]), session_id, claims["role"], bool(claims.get("sbx")))
