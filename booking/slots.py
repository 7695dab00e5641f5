"""Client of the clinic's slots endpoint (platform API seed, "Your Slots Endpoint").

``GET {slots_endpoint_url}?date=YYYY-MM-DD[&provider_id=...]`` must answer
``{"slots": [{"time": "09:00", "provider": "Dr. Garcia"}, ...]}`` (``provider_id`` per slot is
accepted too). Requests use httpx with explicit connect/read timeouts; timeouts, connection errors,
429 and 5xx are retried (tenacity, short exponential backoff) because a patient is waiting for the
answer. Items that are not valid slots are dropped; a body that is not such a document raises
:class:`SlotsUnavailable`. Bodies are never logged.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date, time

import httpx
from tenacity import RetryError, retry, retry_if_exception, stop_after_attempt, wait_exponential

logger = logging.getLogger("medsync.booking.slots")

#: Largest slots response read, bytes (a day's slots are a few KB).
MAX_RESPONSE_BYTES = 1024 * 1024
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$")


@dataclass(frozen=True, order=True)
class Slot:
    """One free appointment slot (the clinic's local date and time)."""

    date: date
    time: time
    provider: str
    provider_id: str = ""

    def as_state(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "time": self.time.strftime("%H:%M"), "provider": self.provider,
                "provider_id": self.provider_id}

    @classmethod
    def from_state(cls, data: dict[str, str]) -> "Slot":
        return cls(date=date.fromisoformat(data["date"]), time=time.fromisoformat(data["time"]),
                   provider=data["provider"], provider_id=data.get("provider_id", ""))


class SlotsUnavailable(Exception):
    """The slots endpoint could not give an answer.

    Attributes:
        reason: content-free cause for the log: ``timeout``, ``connection_error``, ``http_503``,
            ``invalid_json``, ``invalid_document``, ``too_large``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Retryable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_slots(payload: object, *, day: date) -> tuple[list[Slot], int]:
    """Validate a decoded slots document.

    Returns:
        ``(slots, dropped)``: valid, de-duplicated slots sorted by time, and how many items were
        dropped as invalid.

    Raises:
        SlotsUnavailable: ``invalid_document`` when there is no ``slots`` list.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("slots"), list):
        raise SlotsUnavailable("invalid_document")
    slots: set[Slot] = set()
    dropped = 0
    for item in payload["slots"]:
        if not isinstance(item, dict):
            dropped += 1
            continue
        raw_time, provider = item.get("time"), item.get("provider")
        raw_id = item.get("provider_id", "")
        match = _TIME.match(raw_time) if isinstance(raw_time, str) else None
        if not match or not isinstance(provider, str) or not provider.strip() or len(provider) > 200:
            dropped += 1
            continue
        if not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool) or len(str(raw_id)) > 100:
            raw_id = ""
        slots.add(Slot(date=day, time=time(int(match[1]), int(match[2])), provider=provider.strip(),
                       provider_id=str(raw_id)))
    return sorted(slots), dropped


def fetch_slots(*, url: str, day: date, provider_id: str = "", timeout: float = 5.0, connect_timeout: float = 3.0,
                attempts: int = 2, transport: httpx.BaseTransport | None = None) -> list[Slot]:
    """Free slots of ``day`` from the clinic's endpoint.

    Args:
        url: the clinic's ``slots_endpoint_url``.
        day: the clinic-local date asked for.
        provider_id: sent as ``provider_id`` when not empty.
        timeout: seconds to wait for the response (read/write/pool) per attempt.
        connect_timeout: seconds to connect per attempt.
        attempts: tries in total (>= 1) for retryable failures.
        transport: an httpx transport (tests).

    Returns:
        Valid slots sorted by time (possibly empty).

    Raises:
        SlotsUnavailable: after the last attempt, or at once for a malformed answer.
    """
    params = {"date": day.isoformat()}
    if provider_id:
        params["provider_id"] = provider_id
    http_timeout = httpx.Timeout(timeout, connect=connect_timeout)

    @retry(stop=stop_after_attempt(max(1, attempts)), wait=wait_exponential(multiplier=0.2, max=1.0),
           retry=retry_if_exception(lambda exc: isinstance(exc, _Retryable)), reraise=False)
    def attempt() -> bytes:
        try:
            with httpx.Client(timeout=http_timeout, transport=transport, follow_redirects=False) as client:
                with client.stream("GET", url, params=params, headers={"Accept": "application/json",
                                                                       "User-Agent": "MedSync-Bot/1.0"}) as response:
                    if response.status_code == 429 or response.status_code >= 500:
                        raise _Retryable(f"http_{response.status_code}")
                    if response.status_code != 200:
                        raise SlotsUnavailable(f"http_{response.status_code}")
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > MAX_RESPONSE_BYTES:
                            raise SlotsUnavailable("too_large")
                        chunks.append(chunk)
                    return b"".join(chunks)
        except httpx.TimeoutException:
            raise _Retryable("timeout") from None
        except httpx.TransportError:
            raise _Retryable("connection_error") from None

    try:
        body = attempt()
    except RetryError as exc:
        last = exc.last_attempt.exception()
        raise SlotsUnavailable(getattr(last, "reason", "error")) from None
    try:
        payload = json.loads(body)
    except ValueError:
        raise SlotsUnavailable("invalid_json") from None
    slots, dropped = parse_slots(payload, day=day)
    if dropped:
        logger.warning("Slots endpoint returned %d invalid slot item(s); ignored", dropped)
    return slots
