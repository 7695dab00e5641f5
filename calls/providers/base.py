"""Interface of the telephony providers (Twilio, local simulator).

Vendor SDK types never leave an adapter: callers see :class:`DialRequest`, :class:`DialResult`
and :class:`TelephonyError` only. The media leg (audio both ways) is not part of this interface:
Twilio streams it to :class:`calls.consumers.TwilioMediaStreamConsumer`; a simulated call is taken
by a local client (WebSocket page, ``agent_call_sim``, tests) through :mod:`calls.agent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class DialRequest:
    """An outbound call to place.

    Attributes:
        to: the patient's number, E.164.
        from_number: caller id, E.164.
        answer_url: URL the carrier fetches when the call is answered (TwiML), with the answering-machine
            detection result (``AnsweredBy``).
        status_callback_url: URL the carrier posts status changes to.
        ring_timeout_seconds: seconds to ring before giving up (no-answer).
        machine_detection: detect answering machines (the agent then leaves a voicemail).
    """

    to: str
    from_number: str
    answer_url: str
    status_callback_url: str
    ring_timeout_seconds: int = 30
    machine_detection: bool = True


@dataclass(frozen=True)
class DialResult:
    """The carrier accepted the call: its id and first status (``queued``/``initiated``/``ringing``)."""

    provider_call_sid: str
    status: str


class TelephonyError(Exception):
    """Placing or ending a call failed.

    Attributes:
        message: content-free description (never a phone number).
        permanent: ``True`` when retrying cannot help (bad credentials, invalid number).
        code: the carrier's error code when it gave one.
    """

    def __init__(self, message: str, *, permanent: bool, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.code = code


class TelephonyNotConfigured(TelephonyError):
    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True, code="not_configured")


@runtime_checkable
class TelephonyProvider(Protocol):
    name: str

    def dial(self, request: DialRequest) -> DialResult:
        """Place the call. Raises :class:`TelephonyError`."""
        ...

    def hangup(self, provider_call_sid: str) -> None:
        """End a ringing or live call. Raises :class:`TelephonyError`."""
        ...
