"""Interface of the WhatsApp messaging providers (Twilio, local simulator).

Vendor SDK types never leave an adapter: callers see :class:`OutboundMessage`,
:class:`SendResult` and :class:`MessagingError` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class OutboundMessage:
    """A WhatsApp message to send.

    Attributes:
        to: recipient, E.164 (``+34612345678``).
        from_number: the clinic's WhatsApp sender, E.164.
        body: free text (only allowed inside WhatsApp's 24-hour customer-service window).
        template_sid: approved template (Twilio Content SID ``HX...``) used instead of ``body``
            outside the window; ``template_variables`` fill its ``{{1}}``, ``{{2}}``, ...
        status_callback: URL the provider reports delivery status to, or ``None``.
    """

    to: str
    from_number: str
    body: str = ""
    template_sid: str = ""
    template_variables: dict[str, str] = field(default_factory=dict)
    status_callback: str | None = None


@dataclass(frozen=True)
class SendResult:
    """The provider accepted the message: its id (Twilio ``MessageSid``) and first status."""

    sid: str
    status: str


class MessagingError(Exception):
    """Sending failed.

    Attributes:
        message: content-free description (never the message body or a phone number).
        permanent: ``True`` when retrying cannot help (bad credentials, invalid number, outside the
            24-hour window); ``False`` for timeouts, rate limits and 5xx.
        code: the provider's error code when it gave one (e.g. Twilio ``63016``).
    """

    def __init__(self, message: str, *, permanent: bool, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.code = code


class ProviderNotConfigured(MessagingError):
    """The adapter's credentials are missing."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True, code="not_configured")


@runtime_checkable
class MessagingProvider(Protocol):
    name: str

    def send(self, message: OutboundMessage) -> SendResult:
        """Send one message. Raises :class:`MessagingError`."""
        ...
