"""Twilio adapter: WhatsApp messages through Twilio's Messages API, webhook signature checks.

Uses the ``twilio`` SDK (``Client.messages.create`` and ``RequestValidator``). Sends free text
inside WhatsApp's 24-hour window and an approved Content template (``content_sid`` +
``content_variables``) outside it. The SDK's HTTP client logs request parameters (message bodies)
at INFO: settings keep the ``twilio.http_client`` logger at WARNING.
"""

from __future__ import annotations

import json

from booking.providers.base import MessagingError, OutboundMessage, ProviderNotConfigured, SendResult

WHATSAPP_PREFIX = "whatsapp:"


def validate_signature(*, auth_token: str, url: str, params: dict[str, str], signature: str) -> bool:
    """Check Twilio's ``X-Twilio-Signature`` of a webhook request (HMAC-SHA1, Twilio's scheme).

    Args:
        auth_token: the Twilio auth token of the account the webhook belongs to.
        url: the full URL Twilio requested (scheme, host, path and query), as configured in Twilio.
        params: the POSTed form fields.
        signature: the ``X-Twilio-Signature`` header (empty when missing).

    Returns:
        ``True`` only for a valid signature; ``False`` when any input is missing.
    """
    if not (auth_token and signature and url):
        return False
    from twilio.request_validator import RequestValidator

    return bool(RequestValidator(auth_token).validate(url, params, signature))


class TwilioWhatsAppProvider:
    """Send WhatsApp messages with Twilio.

    Args:
        account_sid, auth_token: Twilio credentials (the clinic's, or the platform's).
        timeout: seconds for each HTTP request to Twilio.
        http_client: a ``twilio.http.HttpClient`` (tests pass one that records requests).

    Raises:
        ProviderNotConfigured: without credentials.
    """

    name = "twilio"

    def __init__(self, *, account_sid: str, auth_token: str, timeout: float = 10.0, http_client=None) -> None:
        if not (account_sid and auth_token):
            raise ProviderNotConfigured("Twilio credentials are not configured")
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self._client = Client(account_sid, auth_token, http_client=http_client or TwilioHttpClient(timeout=timeout))

    def send(self, message: OutboundMessage) -> SendResult:
        """Create the message in Twilio. Raises :class:`MessagingError` (4xx permanent, except 429)."""
        from twilio.base.exceptions import TwilioException, TwilioRestException

        kwargs: dict[str, object] = {
            "to": WHATSAPP_PREFIX + message.to,
            "from_": WHATSAPP_PREFIX + message.from_number,
        }
        if message.template_sid:
            kwargs["content_sid"] = message.template_sid
            kwargs["content_variables"] = json.dumps(message.template_variables)
        else:
            kwargs["body"] = message.body
        if message.status_callback:
            kwargs["status_callback"] = message.status_callback
        try:
            created = self._client.messages.create(**kwargs)
        except TwilioRestException as exc:
            status = int(exc.status or 0)
            permanent = 400 <= status < 500 and status != 429
            raise MessagingError(f"Twilio refused the message (HTTP {status})", permanent=permanent,
                                 code=str(exc.code or status)) from None
        except TwilioException as exc:
            raise MessagingError(f"Twilio request failed ({type(exc).__name__})", permanent=False) from None
        except OSError as exc:  # requests' connection errors and timeouts derive from OSError
            raise MessagingError(f"Twilio unreachable ({type(exc).__name__})", permanent=False) from None
        return SendResult(sid=str(created.sid), status=str(created.status or "queued"))


def twiml_message(reply: str | None) -> str:
    """A TwiML document answering a webhook: ``<Response/>``, or one ``<Message>`` with ``reply``."""
    from twilio.twiml.messaging_response import MessagingResponse

    response = MessagingResponse()
    if reply:
        response.message(reply)
    return str(response)
