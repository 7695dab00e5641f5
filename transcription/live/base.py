"""Engine-neutral types of live transcription.

Times are seconds from the start of the session's audio; speaker ids are small integers in order of
first appearance (0 = first voice heard, by convention the clinician), as in
:mod:`transcription.providers.base`. Vendor SDK types never appear here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

__all__ = [
    "SAMPLE_RATE",
    "LiveEngine",
    "LiveEngineError",
    "LiveEvent",
    "LiveNotice",
    "LiveSegment",
    "UnsupportedLanguage",
]

SAMPLE_RATE = 16000  #: Hz: every engine receives 16 kHz mono float32 samples


@dataclass(frozen=True)
class LiveSegment:
    """A piece of transcript.

    A partial (``is_final=False``) is the engine's current guess for the speech after the last
    final; each partial replaces the previous one. A final is never revised: clients append it to the
    transcript and drop the partial it covers (the next partial carries only what is still open).

    Attributes:
        text: words joined by spaces (never empty).
        speaker: speaker id, or None when the engine cannot tell yet.
        start, end: seconds from the start of the session's audio.
        is_final: see above.
        words: the words with their recogniser probabilities (kept in the stored transcript; not sent
            in the ``transcription`` message). Empty when the engine gives no word detail.
    """

    text: str
    speaker: int | None
    start: float
    end: float
    is_final: bool
    words: tuple = ()

    def as_message(self) -> dict:
        """The ``transcription`` message of the Live API."""
        return {
            "type": "transcription", "text": self.text, "speaker": self.speaker,
            "start": round(self.start, 3), "end": round(self.end, 3), "is_final": self.is_final,
        }


@dataclass(frozen=True)
class LiveNotice:
    """A problem the session survives, sent to the client as a ``warning`` message.

    ``code`` is stable and machine-readable (e.g. ``"no_speech"``); ``message`` is for people and never
    contains audio or transcript content.
    """

    code: str
    message: str


LiveEvent = LiveSegment | LiveNotice


class LiveEngineError(Exception):
    """A live engine failed. ``permanent``: a retry with the same engine cannot help (bad credentials,
    unsupported language); otherwise it may (network, timeouts). The message never holds patient data."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class UnsupportedLanguage(LiveEngineError):
    """The engine does not transcribe the requested language (the client asked for it: HTTP 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class LiveEngine(Protocol):
    """A streaming speech-to-text engine with speaker labels.

    Life cycle: ``await start()``, then any number of ``await push(samples)``, then ``await finish()``
    (flushes: every word heard becomes final) or ``await aclose()`` (abandons). ``events()`` yields
    :class:`LiveSegment` and :class:`LiveNotice` in order and ends after ``finish()`` has flushed;
    it raises :class:`LiveEngineError` when the engine fails.
    """

    name: str  #: e.g. ``"local:whisper-tiny.en"`` or ``"deepgram:nova-3"``

    async def start(self) -> None:
        """Load models / open the vendor connection. Raises :class:`LiveEngineError`."""

    async def push(self, samples: np.ndarray) -> None:
        """Queue audio: float32 mono samples at 16 kHz in [-1, 1]."""

    async def finish(self) -> None:
        """No more audio: transcribe what is queued, make everything final, end ``events()``."""

    async def aclose(self) -> None:
        """Release everything without flushing (idempotent)."""

    def events(self) -> AsyncIterator[LiveEvent]:
        """The engine's output, in order."""
        ...


#: Put on an engine's event queue to end :func:`iterate_events`.
END_OF_EVENTS = object()


async def iterate_events(queue: "asyncio.Queue") -> AsyncIterator["LiveEvent"]:
    """Yield an engine's queued events until :data:`END_OF_EVENTS`.

    Raises:
        LiveEngineError: when the engine queued one (it failed mid-session).
    """
    while True:
        item = await queue.get()
        if item is END_OF_EVENTS:
            return
        if isinstance(item, LiveEngineError):
            raise item
        yield item

