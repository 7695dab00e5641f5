"""Deepgram live streaming (``wss://api.deepgram.com/v1/listen``) behind the live engine interface.

Uses deepgram-sdk 7.x: ``AsyncDeepgramClient(api_key=...).listen.v1.connect(model=..., language=...,
encoding="linear16", sample_rate=16000, channels=1, interim_results=True, diarize=True, ...)`` gives
an ``AsyncV1SocketClient`` with ``send_media``, ``send_keep_alive``, ``send_finalize``,
``send_close_stream`` and async iteration over server messages. SDK types never leave this module.

Mapping (Deepgram "Interim Results" and "Audio Keep Alive" documentation):

* ``Results`` with ``is_final: false`` -> a partial for the audio after the last final;
  ``is_final: true`` -> finals, split where the diarized speaker changes. Deepgram's speaker ids are
  renumbered by first appearance (first voice = 0), as in the batch adapter.
* Audio goes out as 16-bit PCM. Deepgram closes a stream after 10 s without data (``NET-0001``), so a
  ``KeepAlive`` text message is sent whenever no audio has gone out for ``keepalive_seconds``.
* The clinic's vocabulary goes out as ``keyterm`` (Nova-3) or ``keywords`` query parameters, cut to the
  same limits as the batch request (:func:`transcription.vocabulary.deepgram_options`).
* ``finish()`` sends ``Finalize`` then ``CloseStream``: Deepgram answers with the last finals and
  closes, which ends :meth:`events`.

Nothing from the stream is logged (no audio, no transcript, no API key): only close codes and timings.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import numpy as np

from transcription.live.base import (
    END_OF_EVENTS,
    SAMPLE_RATE,
    LiveEngineError,
    LiveEvent,
    LiveSegment,
    iterate_events,
)

__all__ = ["DeepgramLiveEngine", "results_to_segments"]

logger = logging.getLogger(__name__)

_PERMANENT_STATUS = {400, 401, 402, 403, 404}
_END = END_OF_EVENTS


def _field(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def results_to_segments(message: Any, speakers: dict[int, int]) -> list[LiveSegment]:
    """Turn one Deepgram ``Results`` message into live segments.

    Args:
        message: the SDK's ``ListenV1Results`` (or the same as a dict).
        speakers: Deepgram speaker id -> session speaker id, updated in place (first heard -> 0).
    Returns:
        for a final: one segment per run of words by one speaker (none when it holds no words); for
        an interim: one partial (with empty text when Deepgram heard nothing yet).
    """
    channel = _field(message, "channel")
    alternatives = _field(channel, "alternatives") or []
    alternative = alternatives[0] if alternatives else None
    transcript = (_field(alternative, "transcript") or "").strip()
    words = list(_field(alternative, "words") or [])
    is_final = bool(_field(message, "is_final"))
    start = float(_field(message, "start") or 0.0)
    end = start + float(_field(message, "duration") or 0.0)

    def speaker_of(word: Any) -> int | None:
        raw = _field(word, "speaker")
        if raw is None:
            return None
        return speakers.setdefault(int(raw), len(speakers))

    if not is_final:
        speaker = speaker_of(words[0]) if words else None
        return [LiveSegment(text=transcript, speaker=speaker, start=start, end=end, is_final=False)]
    if not words:
        return [LiveSegment(text=transcript, speaker=None, start=start, end=end, is_final=True)] if transcript else []
    segments: list[LiveSegment] = []
    run: list[Any] = []
    run_speaker: int | None = None
    for word in words:
        speaker = speaker_of(word)
        if run and speaker != run_speaker:
            segments.append(_segment(run, run_speaker))
            run = []
        run.append(word)
        run_speaker = speaker
    segments.append(_segment(run, run_speaker))
    return [s for s in segments if s.text]


def _segment(words: list[Any], speaker: int | None) -> LiveSegment:
    text = " ".join((_field(w, "punctuated_word") or _field(w, "word") or "").strip() for w in words).strip()
    return LiveSegment(text=" ".join(text.split()), speaker=speaker, start=float(_field(words[0], "start")),
                       end=float(_field(words[-1], "end")), is_final=True)


class DeepgramLiveEngine:
    """:class:`~transcription.live.base.LiveEngine` streaming to Deepgram (see the module docstring)."""

    def __init__(self, api_key: str, *, language: str, model: str = "nova-3", keepalive_seconds: float = 5.0,
                 connect_timeout: float = 10.0, finish_timeout: float = 10.0, mip_opt_out: bool = True,
                 base_url: str | None = None, vocabulary: Sequence[str] = ()) -> None:
        """
        Args:
            api_key: Deepgram API key (sent as ``Authorization: Token <key>``).
            language: BCP-47 / ISO 639-1 code.
            model: e.g. ``"nova-3"`` or ``"nova-3-medical"``.
            keepalive_seconds: send ``KeepAlive`` after this long without audio (Deepgram: every 3-5 s).
            connect_timeout: seconds for the WebSocket handshake.
            finish_timeout: seconds to wait for the last results after ``CloseStream``.
            mip_opt_out: opt out of Deepgram's Model Improvement Program (clinical audio).
            base_url: another Deepgram endpoint (self-hosted, or a test server), e.g. ``ws://host:port``.
            vocabulary: the clinic's custom terms, sent as ``keyterm`` (Nova-3) or ``keywords`` (older
                models) with the same limits as the batch call
                (:func:`transcription.vocabulary.deepgram_options`).
        Raises:
            ValueError: empty api_key.
        """
        if not api_key:
            raise ValueError("a Deepgram API key is required")
        self.api_key = api_key
        self.language = language
        self.model = model
        self.name = f"deepgram:{model}"
        self.keepalive_seconds = keepalive_seconds
        self.connect_timeout = connect_timeout
        self.finish_timeout = finish_timeout
        self.mip_opt_out = mip_opt_out
        self.base_url = base_url
        self.vocabulary = tuple(vocabulary)
        self._speakers: dict[int, int] = {}
        self._queue: asyncio.Queue = asyncio.Queue()
        self._connection = None
        self._socket = None
        self._tasks: list[asyncio.Task] = []
        self._last_sent = time.monotonic()
        self._finishing = False
        self._closed = False

    def _client(self):
        from deepgram import AsyncDeepgramClient

        kwargs: dict[str, Any] = {"api_key": self.api_key}
        if self.base_url:
            from deepgram.environment import DeepgramClientEnvironment

            http = self.base_url.replace("ws", "http", 1)
            kwargs["environment"] = DeepgramClientEnvironment(
                base=http, production=self.base_url, agent=self.base_url, agent_rest=http)
        return AsyncDeepgramClient(**kwargs)

    async def start(self) -> None:
        from deepgram.core.api_error import ApiError

        from transcription.vocabulary import deepgram_options

        self._connection = self._client().listen.v1.connect(
            model=self.model, language=self.language, encoding="linear16", sample_rate=SAMPLE_RATE, channels=1,
            interim_results=True, diarize=True, punctuate=True, smart_format=True,
            mip_opt_out=self.mip_opt_out or None, **deepgram_options(list(self.vocabulary), self.model),
        )
        started = time.monotonic()
        try:
            self._socket = await asyncio.wait_for(self._connection.__aenter__(), self.connect_timeout)
        except ApiError as exc:
            status = exc.status_code
            raise LiveEngineError(f"Deepgram refused the live connection (HTTP {status})",
                                  permanent=status in _PERMANENT_STATUS) from None
        except (TimeoutError, OSError) as exc:
            raise LiveEngineError(f"Deepgram live connection failed ({type(exc).__name__})", permanent=False) from None
        logger.info("deepgram live connected", extra={"model": self.model,
                                                      "seconds": round(time.monotonic() - started, 3)})
        self._last_sent = time.monotonic()
        self._tasks = [asyncio.create_task(self._read(), name="deepgram-live-read"),
                       asyncio.create_task(self._keep_alive(), name="deepgram-live-keepalive")]

    async def push(self, samples: np.ndarray) -> None:
        if self._socket is None or self._finishing:
            raise LiveEngineError("the Deepgram stream is not accepting audio", permanent=True)
        if not samples.size:
            return
        pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        try:
            await self._socket.send_media(pcm)
        except Exception as exc:  # the connection dropped: events() reports it
            raise LiveEngineError(f"Deepgram live stream lost ({type(exc).__name__})", permanent=False) from None
        self._last_sent = time.monotonic()

    async def finish(self) -> None:
        if self._socket is None or self._finishing:
            return
        self._finishing = True
        try:
            await self._socket.send_finalize()
            await self._socket.send_close_stream()
        except Exception as exc:
            logger.info("deepgram live close failed: %s", type(exc).__name__)
            self._queue.put_nowait(_END)
            return
        # _read() ends when Deepgram closes the socket; don't wait forever for that.
        asyncio.get_running_loop().call_later(self.finish_timeout, self._queue.put_nowait, _END)

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._finishing = True
        for task in self._tasks:
            task.cancel()
        if self._connection is not None and self._socket is not None:
            try:
                await self._connection.__aexit__(None, None, None)
            except Exception as exc:
                logger.info("deepgram live disconnect: %s", type(exc).__name__)
        self._queue.put_nowait(_END)

    def events(self) -> AsyncIterator[LiveEvent]:
        return iterate_events(self._queue)

    async def _read(self) -> None:
        assert self._socket is not None
        partial_shown = False
        try:
            async for message in self._socket:
                kind = _field(message, "type")
                if kind == "Results":
                    for segment in results_to_segments(message, self._speakers):
                        if not segment.is_final and not segment.text and not partial_shown:
                            continue
                        partial_shown = not segment.is_final and bool(segment.text)
                        self._queue.put_nowait(segment)
                elif kind == "Error":
                    code = _field(message, "code") or _field(message, "variant") or "error"
                    self._queue.put_nowait(LiveEngineError(f"Deepgram reported an error ({code})", permanent=False))
                    return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not self._finishing:
                code = getattr(getattr(exc, "rcvd", None), "code", None)  # websockets' close frame
                logger.warning("deepgram live stream closed unexpectedly", extra={"close_code": code})
                self._queue.put_nowait(LiveEngineError(
                    f"Deepgram closed the live stream ({type(exc).__name__}{f' {code}' if code else ''})",
                    permanent=False))
                return
        if not self._finishing:
            self._queue.put_nowait(LiveEngineError("Deepgram ended the live stream early", permanent=False))
        else:
            self._queue.put_nowait(_END)

    async def _keep_alive(self) -> None:
        assert self._socket is not None
        while not self._finishing:
            await asyncio.sleep(max(0.05, self.keepalive_seconds / 5))
            if time.monotonic() - self._last_sent >= self.keepalive_seconds and not self._finishing:
                try:
                    await self._socket.send_keep_alive()
                except Exception:
                    return  # _read() reports the broken connection
                self._last_sent = time.monotonic()
