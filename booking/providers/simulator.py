"""Local simulator: a messaging provider with no carrier.

Messages are "sent" by recording them in process memory (:data:`SENT`), where the
``whatsapp_chat`` command and the tests read them; the same conversation engine, storage and
status handling run as with Twilio.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

from booking.providers.base import OutboundMessage, SendResult


@dataclass(frozen=True)
class SimulatedMessage:
    sid: str
    message: OutboundMessage


_lock = threading.Lock()
#: Every message sent through the simulator in this process, oldest first.
SENT: list[SimulatedMessage] = []


class SimulatorProvider:
    """Records outbound messages instead of sending them; always succeeds."""

    name = "simulator"

    def __init__(self, **_: object) -> None:
        pass

    def send(self, message: OutboundMessage) -> SendResult:
        """Record ``message``; returns a Twilio-like ``SM...`` id with status ``sent``."""
        sid = "SM" + uuid.uuid4().hex
        with _lock:
            SENT.append(SimulatedMessage(sid=sid, message=message))
        return SendResult(sid=sid, status="sent")


def sent_to(phone: str) -> list[OutboundMessage]:
    """Messages the simulator sent to ``phone`` (E.164), oldest first."""
    with _lock:
        return [item.message for item in SENT if item.message.to == phone]


def clear() -> None:
    """Forget every recorded message (tests)."""
    with _lock:
        SENT.clear()
