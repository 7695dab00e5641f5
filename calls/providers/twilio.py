"""Twilio adapter: outbound voice calls with status callbacks, answering-machine detection and
Media Streams.

Uses the ``twilio`` SDK (``Client.calls.create``, ``calls(sid).update``, TwiML ``VoiceResponse``).
Status callbacks and the answer webhook are validated with ``twilio.request_validator`` (see
:func:`booking.providers.twilio.validate_signature`, shared with the WhatsApp bot). When answered,
the TwiML connects the call to a bidirectional Media Stream (8 kHz μ-law both ways) served by
:class:`calls.consumers.TwilioMediaStreamConsumer`; an answering machine gets the voicemail message
spoken with Twilio's ``<Say>`` after the greeting's beep (``DetectMessageEnd``).
"""

from __future__ import annotations

from booking.providers.twilio import validate_signature  # noqa: F401  (re-exported for calls.api)
from calls.providers.base import DialRequest, DialResult, TelephonyError, TelephonyNotConfigured

#: Twilio ``<Say>`` languages per agent language (Twilio's basic voices).
SAY_LANGUAGE = {"en": "en-US", "es": "es-ES", "ca": "ca-ES", "fr": "fr-FR", "pt": "pt-PT", "de": "de-DE",
                "it": "it-IT"}


class TwilioVoiceProvider:
    """Place and end calls with Twilio.

    Args:
        account_sid, auth_token: Twilio credentials (the clinic's, or the platform's).
        timeout: seconds per HTTP request to Twilio.
        http_client: a ``twilio.http.HttpClient`` (tests pass one that records requests).

    Raises:
        TelephonyNotConfigured: without credentials.
    """

    name = "twilio"

    def __init__(self, *, account_sid: str, auth_token: str, timeout: float = 10.0, http_client=None) -> None:
        if not (account_sid and auth_token):
            raise TelephonyNotConfigured("Twilio credentials are not configured")
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self._client = Client(account_sid, auth_token, http_client=http_client or TwilioHttpClient(timeout=timeout))

    def _call(self, fn, what: str):
        from twilio.base.exceptions import TwilioException, TwilioRestException

        try:
            return fn()
        except TwilioRestException as exc:
            status = int(exc.status or 0)
            raise TelephonyError(f"Twilio refused to {what} (HTTP {status})",
                                 permanent=400 <= status < 500 and status != 429, code=str(exc.code or status)) from None
        except TwilioException as exc:
            raise TelephonyError(f"Twilio request failed ({type(exc).__name__})", permanent=False) from None
        except OSError as exc:  # requests' connection errors and timeouts derive from OSError
            raise TelephonyError(f"Twilio unreachable ({type(exc).__name__})", permanent=False) from None

    def dial(self, request: DialRequest) -> DialResult:
        """``POST /Calls.json`` with status callbacks for every event and ``DetectMessageEnd`` AMD."""
        kwargs: dict[str, object] = {
            "to": request.to, "from_": request.from_number, "url": request.answer_url, "method": "POST",
            "status_callback": request.status_callback_url, "status_callback_method": "POST",
            "status_callback_event": ["initiated", "ringing", "answered", "completed"],
            "timeout": request.ring_timeout_seconds,
        }
        if request.machine_detection:
            kwargs["machine_detection"] = "DetectMessageEnd"
        created = self._call(lambda: self._client.calls.create(**kwargs), "place the call")
        return DialResult(provider_call_sid=str(created.sid), status=str(created.status or "queued"))

    def hangup(self, provider_call_sid: str) -> None:
        """End the call (``Status=completed``; a ringing call is ``canceled`` by Twilio)."""
        self._call(lambda: self._client.calls(provider_call_sid).update(status="completed"), "end the call")


def twiml_media_stream(*, stream_url: str, parameters: dict[str, str]) -> str:
    """TwiML connecting the answered call to a bidirectional Media Stream at ``stream_url`` (wss://)."""
    from twilio.twiml.voice_response import Connect, VoiceResponse

    response = VoiceResponse()
    connect = Connect()
    stream = connect.stream(url=stream_url)
    for name, value in parameters.items():
        stream.parameter(name=name, value=value)
    response.append(connect)
    return str(response)


def twiml_say_and_hangup(*, text: str, language: str) -> str:
    """TwiML speaking ``text`` (voicemail) with Twilio's voice for ``language``, then hanging up."""
    from twilio.twiml.voice_response import VoiceResponse

    response = VoiceResponse()
    if text:
        response.say(text, language=SAY_LANGUAGE.get(language, "en-US"))
    response.hangup()
    return str(response)
