"""Live transcription over WebSocket: ``/ws/transcribe`` (MediSync Live API seed).

Handshake (before the socket opens; refusals are HTTP answers, see :mod:`transcription.live.daphne`):
authentication (:mod:`transcription.live.auth`: 401 / 403), a per-credential rate limit (429), query
parameters (400), the clinic's concurrent-session limit (429) and an engine (503).

Query parameters: ``language`` (default ``en``), ``template`` (write a clinical note with this
template when the session ends), ``num_speakers`` (1-4, default 2), ``encoding`` (``auto`` |
``linear16`` | ``wav`` | ``webm`` | ``ogg``), ``sample_rate`` and ``channels`` (for raw PCM),
``token`` (browsers' JWT). ``session_id`` instead opens a read-only *watch* connection to a running
session of the same clinic (e.g. a clinician's screen following a session streamed by an exam-room
device, possibly on another Daphne process: events travel over the channel layer).

Messages, server -> client (JSON text frames):
``{"type": "session_init", "session_id", "engine", "sample_rate", "max_duration_seconds"}``;
``{"type": "transcription", "text", "speaker", "start", "end", "is_final"}`` (a partial replaces the
previous partial; a final is appended and replaces the partial it covers; an empty partial clears it);
``{"type": "warning", "code", "message"}`` for problems the session survives;
``{"type": "transcript", "session_id", "recording_id", "transcript": [...], "text", "duration_seconds",
"language", "engine", "template", "clinical_note"}`` after ``stop``, then the socket closes (1000). With
``MEDSYNC_LIVE_RELABEL_MAX_SECONDS`` set, its speakers (and the stored transcript's) come from the batch
speaker model run over the whole session (:func:`transcription.live.speakers.relabel_finals`), so they may
differ from those sent with the finals; by default (``MEDSYNC_LIVE_REFINE_MAX_SECONDS``) the whole transcript
(words and speakers, stored and in this message, and the note) comes from the batch pipeline run over the
session audio, its recognition trailing the session (:mod:`transcription.live.refine`); finals already sent
are never revised;
``{"type": "error", "code", "message"}`` before a close for a failure the session cannot survive.
A watcher first gets ``{"type": "transcript_so_far", "transcript": [...]}`` (the finals sent before it
joined), then the session's messages as they happen, each final exactly once.

Audit (:mod:`audit`, in the clinic's own log, ids only; see :mod:`transcription.live.services`): the
stored recording, transcript and note are ``create`` events of whoever opened the socket (the API key or
clinician of :class:`transcription.live.auth.LiveCaller`); a watcher writes a ``read`` of the transcript
as it joins, and of the note when the final message brings one. The recording's id is the session's id.

Client -> server: binary frames of audio (:mod:`transcription.live.audio_input`), and JSON
``{"type": "stop"}`` (optionally ``"template"``). A client that disconnects without ``stop`` loses
nothing: what it sent is transcribed and stored the same way.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import tempfile
import time
import uuid
from collections import deque
from dataclasses import dataclass

import numpy as np
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from transcription.live.audio_input import ENCODINGS, AudioInput
from transcription.live.auth import (
    HandshakeRejected,
    LiveCaller,
    authenticate_handshake,
    scope_query,
)
from transcription.live.base import (
    SAMPLE_RATE,
    LiveEngine,
    LiveEngineError,
    LiveNotice,
    LiveSegment,
    UnsupportedLanguage,
)
from transcription.live.daphne import DENIAL_EXTENSION
from transcription.live.engines import live_engine_start
from transcription.live.monitor import AudioMonitor
from transcription.live.slots import session_limit, session_slots

__all__ = ["LiveParams", "LiveTranscriptionConsumer"]

logger = logging.getLogger(__name__)

_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})?$")
_SESSION_ID = re.compile(r"^[0-9a-f]{32}$")

# Close codes: 1000 normal; 1011 server failure; 4400 malformed use after the handshake.
CLOSE_NORMAL, CLOSE_ERROR = 1000, 1011


@dataclass(frozen=True)
class LiveParams:
    """Validated query parameters of a live connection (see the module docstring)."""

    language: str = "en"
    template: str | None = None
    num_speakers: int | None = None
    encoding: str = "auto"
    sample_rate: int = SAMPLE_RATE
    channels: int = 1
    watch: str | None = None

    @classmethod
    def from_query(cls, query: dict[str, str]) -> LiveParams:
        """Raises: HandshakeRejected(400) naming the bad parameter."""
        def bad(message: str) -> HandshakeRejected:
            return HandshakeRejected(400, message)

        language = query.get("language", "en").strip() or "en"
        if not _LANGUAGE.match(language):
            raise bad(f"language: invalid language code {language!r}")
        watch = query.get("session_id", "").strip() or None
        if watch is not None and not _SESSION_ID.match(watch):
            raise bad("session_id: not a live session id")
        encoding = query.get("encoding", "auto").strip().lower() or "auto"
        if encoding not in ENCODINGS:
            raise bad(f"encoding: use one of {', '.join(ENCODINGS)}")

        def integer(name: str, default: int | None, low: int, high: int) -> int | None:
            raw = query.get(name, "").strip()
            if not raw:
                return default
            if not raw.isdigit() or not low <= int(raw) <= high:
                raise bad(f"{name}: must be a whole number from {low} to {high}")
            return int(raw)

        return cls(
            language=language, template=query.get("template", "").strip() or None,
            num_speakers=integer("num_speakers", None, 1, 4), encoding=encoding,
            sample_rate=integer("sample_rate", SAMPLE_RATE, 8000, 192000), channels=integer("channels", 1, 1, 8),
            watch=watch,
        )


class _SessionAudio:
    """The session's decoded audio: written to an anonymous temporary FLAC file as it arrives (stored
    with the recording at the end), plus the last ``recent_seconds`` in memory so a fallback engine can
    re-transcribe what the failed one had not finalised."""

    FORMAT = "flac"

    def __init__(self, recent_seconds: float = 60.0) -> None:
        import soundfile

        self.file = tempfile.TemporaryFile(suffix=".flac")
        self._writer = soundfile.SoundFile(self.file, mode="w", samplerate=SAMPLE_RATE, channels=1,
                                           format="FLAC", subtype="PCM_16")
        self.samples = 0
        self._recent: deque[np.ndarray] = deque()
        self._recent_samples = 0
        self._recent_max = int(recent_seconds * SAMPLE_RATE)

    @property
    def seconds(self) -> float:
        return self.samples / SAMPLE_RATE

    def write(self, samples: np.ndarray) -> None:
        self._writer.write(samples)
        self.samples += samples.size
        self._recent.append(samples)
        self._recent_samples += samples.size
        while self._recent and self._recent_samples - self._recent[0].size >= self._recent_max:
            self._recent_samples -= self._recent.popleft().size

    def since(self, seconds: float) -> tuple[float, np.ndarray]:
        """Recent audio from ``seconds`` on (or from the oldest kept): ``(start_seconds, samples)``."""
        recent = np.concatenate(list(self._recent)) if self._recent else np.zeros(0, dtype=np.float32)
        first = self.samples - recent.size
        start = min(max(int(seconds * SAMPLE_RATE), first), self.samples)
        return start / SAMPLE_RATE, recent[start - first:]

    def finish(self):
        """Close the FLAC stream (once) and return the file, rewound."""
        if not self._writer.closed:
            self._writer.close()
        self.file.seek(0)
        return self.file

    def read_all(self) -> np.ndarray:
        """The whole session audio as 16 kHz float32 samples (closes the FLAC stream; the file stays)."""
        import soundfile

        data, _ = soundfile.read(self.finish(), dtype="float32")
        self.file.seek(0)
        return data.reshape(-1)

    def discard(self) -> None:
        if not self._writer.closed:
            self._writer.close()
        self.file.close()


class LiveTranscriptionConsumer(AsyncWebsocketConsumer):
    """One live transcription session (or a watcher of one); see the module docstring."""

    caller: LiveCaller | None = None
    engine: LiveEngine | None = None

    # -- handshake ---------------------------------------------------------------------------------
    async def websocket_connect(self, message):
        self.state = "connecting"
        self.session_id = uuid.uuid4().hex
        self._slot_held = False
        try:
            self.caller = await database_sync_to_async(authenticate_handshake)(self.scope)
            await database_sync_to_async(self._check_rate_limit)(self.caller)
            self.params = LiveParams.from_query(scope_query(self.scope))
            if self.params.watch:
                await self._connect_watcher(self.params.watch)
                return
            await self._connect_session()
        except Exception as exc:
            if not isinstance(exc, HandshakeRejected) and _is_redis_outage(exc):
                # Fail closed: without the shared slot store the clinic's session limit cannot be enforced.
                logger.warning("live handshake refused: session store unavailable (%s)", type(exc).__name__)
                exc = HandshakeRejected(503, "Live sessions are unavailable right now (session store); retry shortly",
                                        (("Retry-After", "5"),))
            if not isinstance(exc, HandshakeRejected):
                logger.exception("live handshake failed")
                exc = HandshakeRejected(500, "Internal server error")
            if self.engine is not None:
                await self.engine.aclose()
            await self._release_slot()
            await self._deny(exc)
            raise StopConsumer() from None

    async def _deny(self, exc: HandshakeRejected) -> None:
        """Answer the handshake with an HTTP error when the server supports it, else close (Daphne
        without :mod:`transcription.live.daphne` turns that into 403)."""
        logger.info("live handshake refused", extra={"status": exc.status})
        if DENIAL_EXTENSION in (self.scope.get("extensions") or {}):
            body = json.dumps({"error": exc.message}).encode()
            headers = [(b"content-type", b"application/json")]
            headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in exc.headers]
            await self.base_send({"type": "websocket.http.response.start", "status": exc.status, "headers": headers})
            await self.base_send({"type": "websocket.http.response.body", "body": body})
        else:
            await self.close()

    @staticmethod
    def _check_rate_limit(caller: LiveCaller) -> None:
        from medsync.api.ratelimit import check_rate_limit, plan_limit

        if caller.api_key is not None:
            decision = check_rate_limit(key_id=str(caller.api_key.pk), per_minute=plan_limit(caller.clinic.plan))
        else:
            assert caller.clinic_user is not None
            decision = check_rate_limit(key_id=caller.clinic_user.uid, namespace="user",
                                        per_minute=settings.MEDSYNC_USER_RATE_LIMIT_PER_MINUTE)
        if not decision.allowed:
            raise HandshakeRejected(429, "Rate limit exceeded", (("Retry-After", str(decision.retry_after)),))

    async def _connect_session(self) -> None:
        clinic = self.caller.clinic
        params = self.params
        if params.template:
            from templates.selectors import TemplateNotFound
            from transcription.live.services import live_template_check

            try:
                self.template_key = await database_sync_to_async(live_template_check)(
                    clinic=clinic, key=params.template)
            except TemplateNotFound:
                raise HandshakeRejected(400, f"template: unknown template {params.template!r}") from None
        else:
            self.template_key = None
        try:
            self.audio_input = AudioInput(encoding=params.encoding, sample_rate=params.sample_rate,
                                          channels=params.channels)
        except ValueError as exc:
            raise HandshakeRejected(400, str(exc)) from None
        limit = session_limit(clinic.plan)
        if not await session_slots().acquire(clinic.pk, self.session_id, limit):
            raise HandshakeRejected(429, f"Too many live sessions: the {clinic.plan} plan allows {limit} at a time; "
                                         "end another session first", (("Retry-After", "30"),))
        self._slot_held = True
        from transcription.live.services import live_vocabulary

        # Read once: terms edited during the session apply from the next session on.
        self.vocabulary = tuple(await database_sync_to_async(live_vocabulary)(clinic=clinic))
        try:
            self.engine, notices = await live_engine_start(clinic, language=params.language,
                                                           num_speakers=params.num_speakers,
                                                           vocabulary=self.vocabulary)
        except UnsupportedLanguage as exc:
            raise HandshakeRejected(400, f"language: {exc.message}") from None
        except LiveEngineError as exc:
            raise HandshakeRejected(503, f"No speech engine is available ({exc.message})") from None

        self.engine_names = [self.engine.name]
        self.monitor = AudioMonitor()
        self.audio = _SessionAudio()
        self._session_samples: np.ndarray | None = None  # the whole audio, read once at the end
        self.trailing = None  # the refinement's speech recognition, trailing the stream
        self._trailing_job: asyncio.Future | None = None
        if settings.MEDSYNC_LIVE_REFINE_MAX_SECONDS > 0 and self.engine.name.startswith("local:"):
            from transcription.live.refine import TrailingRecognition

            self.trailing = TrailingRecognition(language=params.language, vocabulary=self.vocabulary,
                                                piece_seconds=settings.MEDSYNC_LIVE_REFINE_PIECE_SECONDS)
        self.finals: list[LiveSegment] = []
        self.last_partial: LiveSegment | None = None
        self.started = time.monotonic()
        self.last_frame = self.started
        self._finish_lock = asyncio.Lock()
        self._warned: set[str] = set()
        self.group = f"live.session.{self.session_id}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.state = "streaming"
        _track_for_shutdown(self)
        await self._emit({"type": "session_init", "session_id": self.session_id, "engine": self.engine.name,
                          "sample_rate": SAMPLE_RATE,
                          "max_duration_seconds": settings.MEDSYNC_LIVE_MAX_SESSION_SECONDS})
        for notice in notices:
            await self._warn(notice)
        self._pump = asyncio.create_task(self._pump_events(), name=f"live-pump-{self.session_id}")
        self._watchdog = asyncio.create_task(self._watch(), name=f"live-watchdog-{self.session_id}")
        logger.info("live session started", extra={"session": self.session_id, "engine": self.engine.name,
                                                   "clinic": clinic.client_id})

    async def _connect_watcher(self, session_id: str) -> None:
        if not await session_slots().is_active(self.caller.clinic.pk, session_id):
            raise HandshakeRejected(404, "Unknown live session")
        from transcription.live.services import live_watch_audit

        await database_sync_to_async(live_watch_audit)(clinic=self.caller.clinic, session_id=session_id,
                                                       actor=self.caller.audit_actor)
        self.session_id = session_id
        self.group = f"live.session.{session_id}"
        self._synced, self._held = False, []
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.state = "watching"
        await self.send(text_data=json.dumps({"type": "session_init", "session_id": session_id, "mode": "watch"}))
        await self.channel_layer.group_send(self.group, {"type": "live.sync", "reply_to": self.channel_name})

    # -- incoming frames ---------------------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None):
        if self.state == "watching":
            await self.send(text_data=json.dumps({"type": "warning", "code": "watch_only",
                                                  "message": "This connection only watches a session."}))
            return
        if self.state != "streaming":
            return
        if bytes_data is not None:
            await self._receive_audio(bytes_data)
        else:
            await self._receive_control(text_data or "")

    async def _receive_audio(self, frame: bytes) -> None:
        self.last_frame = time.monotonic()
        if len(frame) > settings.MEDSYNC_LIVE_MAX_FRAME_BYTES:
            await self._warn(LiveNotice("malformed_frame", f"Audio frame of {len(frame)} bytes ignored: frames may "
                                        f"hold at most {settings.MEDSYNC_LIVE_MAX_FRAME_BYTES} bytes."))
            return
        samples, notices = self.audio_input.feed(frame)
        for notice in notices:
            await self._warn(notice)
        await self._take_audio(samples)
        if self.audio.seconds >= settings.MEDSYNC_LIVE_MAX_SESSION_SECONDS:
            await self._end_for_duration()

    async def _take_audio(self, samples: np.ndarray) -> None:
        if not samples.size:
            return
        self.audio.write(samples)
        self._trail(samples)
        for notice in self.monitor.observe(samples):
            await self._warn(notice)
        engine = self.engine
        try:
            await engine.push(samples)
        except LiveEngineError:
            return  # the pump task sees the failure in events() and handles it
        # Back-pressure: a client far ahead of the engine waits here (its frames queue in the server).
        while (self.state == "streaming" and self.engine is engine
               and getattr(engine, "backlog_seconds", 0.0) > settings.MEDSYNC_LIVE_MAX_BACKLOG_SECONDS):
            await asyncio.sleep(0.1)

    def _trail(self, samples: np.ndarray) -> None:
        """Feed the refinement's trailing recognition (:class:`~.live.refine.TrailingRecognition`) and start
        it on a complete piece when none is being recognised and the live engine keeps up (less than 1 s of
        audio waiting): the live steps come first. A session longer than ``MEDSYNC_LIVE_REFINE_MAX_SECONDS``
        will not be refined, so its trailing pass stops, as does one holding more than three pieces of audio
        not yet recognised (at most ~23 MB for 120 s pieces)."""
        trailing = self.trailing
        if trailing is None:
            return
        if self.audio.seconds > settings.MEDSYNC_LIVE_REFINE_MAX_SECONDS:
            reason = "too_long"
        elif trailing.failed:
            reason = "failed"
        elif trailing.pending_seconds > 3 * trailing.piece_seconds:
            reason = "behind"
        else:
            reason = None
        if reason is not None:
            # Too long, failed, or so far behind (a server that never kept up) that the audio it holds would
            # only grow: give up, the session stores its live finals.
            trailing.stop()
            self.trailing = None
            logger.info("live transcript refinement given up", extra={"session": self.session_id, "reason": reason})
            return
        trailing.write(samples)
        if (trailing.piece_ready and (self._trailing_job is None or self._trailing_job.done())
                and getattr(self.engine, "backlog_seconds", 0.0) < 1.0):
            from transcription.live.refine import refine_executor

            self._trailing_job = asyncio.get_running_loop().run_in_executor(refine_executor(),
                                                                            trailing.recognise_ready)

    async def _receive_control(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            message = None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self._warn(LiveNotice("malformed_message",
                                        'Text frames must be JSON objects such as {"type": "stop"}.'))
            return
        kind = message["type"]
        if kind == "stop":
            template = message.get("template")
            if template is not None and not isinstance(template, str):
                await self._warn(LiveNotice("malformed_message", "stop: template must be a string."))
                template = None
            await self._finish(reason="stop", template=template)
        elif kind in ("keepalive", "ping"):
            return
        else:
            await self._warn(LiveNotice("malformed_message", f"Unknown message type {kind[:40]!r}; "
                                        'send binary audio frames and {"type": "stop"} to end.'))

    # -- engine output -----------------------------------------------------------------------------
    async def _pump_events(self) -> None:
        """Forward engine events to the client; replace a failed engine when the clinic allows it."""
        while True:
            engine = self.engine
            try:
                async for event in engine.events():
                    if isinstance(event, LiveNotice):
                        await self._warn(event)
                        continue
                    if event.is_final:
                        self.finals.append(event)
                        self.last_partial = None
                    else:
                        self.last_partial = event if event.text else None
                    await self._emit(event.as_message())
                return
            except LiveEngineError as exc:
                if self.state != "streaming" or not await self._replace_engine(exc):
                    await self._fail(exc)
                    return

    async def _replace_engine(self, failure: LiveEngineError) -> bool:
        """Continue with another kind of engine from the end of the last final, re-sending the audio after
        it (at most once per session: a second failure ends the session)."""
        await self.engine.aclose()
        if len(self.engine_names) > 1:
            return False
        resume = self.finals[-1].end if self.finals else 0.0
        start, samples = self.audio.since(resume)
        failed_kind = self.engine.name.split(":", 1)[0]
        try:
            engine, _ = await live_engine_start(self.caller.clinic, language=self.params.language,
                                                num_speakers=self.params.num_speakers, time_offset=start,
                                                exclude=frozenset({failed_kind}), vocabulary=self.vocabulary)
        except LiveEngineError:
            return False
        self.engine = engine
        self.engine_names.append(engine.name)
        await self._warn(LiveNotice("engine_fallback", f"The speech engine failed ({failure.message}); "
                                    f"continuing with {engine.name}."))
        await engine.push(samples)
        return True

    async def _fail(self, exc: LiveEngineError) -> None:
        logger.warning("live session engine failed", extra={"session": self.session_id, "permanent": exc.permanent})
        if self.state == "streaming":
            await self._emit({"type": "error", "code": "engine_failed",
                              "message": f"Transcription stopped: {exc.message}. What was transcribed is saved."})
            asyncio.create_task(self._finish(reason="engine_failed", close_code=CLOSE_ERROR))

    # -- time limits and slot renewal ----------------------------------------------------------------
    async def _watch(self) -> None:
        max_seconds = settings.MEDSYNC_LIVE_MAX_SESSION_SECONDS
        lead = settings.MEDSYNC_LIVE_END_WARNING_SECONDS
        renew_every = settings.MEDSYNC_LIVE_SLOT_TTL_SECONDS / 3
        last_renewal = time.monotonic()
        while self.state == "streaming":
            await asyncio.sleep(0.5)
            now = time.monotonic()
            elapsed = now - self.started
            if now - last_renewal >= renew_every:
                last_renewal = now
                try:
                    await session_slots().renew(self.caller.clinic.pk, self.session_id)
                except Exception as exc:  # noqa: BLE001 - a running session outlives a session-store outage
                    logger.warning("live slot renewal failed: %s", type(exc).__name__)
            if elapsed >= max_seconds:
                await self._end_for_duration()
                return
            if elapsed >= max_seconds - lead and "ending" not in self._warned:
                self._warned.add("ending")
                await self._warn(LiveNotice("session_ending", f"The session ends in {int(max_seconds - elapsed)} s "
                                            f"(sessions last at most {int(max_seconds)} s)."))
            idle = now - self.last_frame
            if idle >= settings.MEDSYNC_LIVE_IDLE_TIMEOUT_SECONDS:
                await self._warn(LiveNotice("idle", f"No audio received for {int(idle)} s; ending the session."))
                await self._finish(reason="idle")
                return
            if idle >= settings.MEDSYNC_LIVE_NO_AUDIO_WARNING_SECONDS and "no_audio" not in self._warned:
                self._warned.add("no_audio")
                await self._warn(LiveNotice("no_audio", f"No audio received for {int(idle)} s."))
            elif idle < 1.0:
                self._warned.discard("no_audio")

    async def _end_for_duration(self) -> None:
        if self.state != "streaming" or "max_duration" in self._warned:
            return
        self._warned.add("max_duration")
        limit = int(settings.MEDSYNC_LIVE_MAX_SESSION_SECONDS)
        await self._warn(LiveNotice("max_duration", f"The maximum session duration ({limit} s) is reached; "
                                    "the session ends."))
        asyncio.create_task(self._finish(reason="max_duration"))

    # -- the end -------------------------------------------------------------------------------------
    async def _finish(self, *, reason: str, template: str | None = None, close_code: int = CLOSE_NORMAL,
                      connected: bool = True) -> None:
        """Flush the engine, store the session, send the transcript and close (runs once).

        Storing does not depend on the flush going well: whatever was final is saved in any case.
        """
        async with self._finish_lock:
            if self.state != "streaming":
                return
            self.state = "finishing"
        if self._watchdog is not asyncio.current_task():  # the watchdog itself may be finishing
            self._watchdog.cancel()
        try:
            await self._flush()
        except Exception:
            logger.exception("live session flush failed", extra={"session": self.session_id})
            close_code = CLOSE_ERROR
        # A stopping server gives live sessions GRACEFUL_TIMEOUT (25 s) in all: no batch pass then, and keep the
        # relabelling short.
        refined = reason != "server_shutdown" and await self._refine_transcript(
            budget=settings.MEDSYNC_LIVE_REFINE_TIMEOUT_SECONDS)
        if self.trailing is not None:
            self.trailing.stop()
        if not refined:
            budget = settings.MEDSYNC_LIVE_RELABEL_TIMEOUT_SECONDS
            await self._relabel_speakers(budget=min(budget, 5.0) if reason == "server_shutdown" else budget)
        try:
            result = await self._store(template or self.template_key)
        except Exception:
            logger.exception("live session could not be stored", extra={"session": self.session_id})
            result = {"type": "error", "code": "store_failed", "message": "The session could not be saved."}
            close_code = CLOSE_ERROR
        finally:
            await self._release_slot()
            self.audio.discard()
        self.state = "closed"
        _RUNNING_SESSIONS.discard(self)
        await self._emit(result)
        await self.channel_layer.group_discard(self.group, self.channel_name)
        logger.info("live session ended", extra={"session": self.session_id, "reason": reason,
                                                 "audio_seconds": round(self.audio.seconds, 1)})
        if connected and reason != "disconnect":
            await self.close(code=close_code)

    async def _flush(self) -> None:
        """Give the engine the last audio and wait for its last finals (bounded)."""
        samples, notices = self.audio_input.close()
        for notice in notices:
            await self._warn(notice)
        if samples.size:
            self.audio.write(samples)
            try:
                await self.engine.push(samples)
            except LiveEngineError:
                pass
        try:
            await self.engine.finish()
            await asyncio.wait_for(asyncio.shield(self._pump), settings.MEDSYNC_LIVE_FINISH_TIMEOUT_SECONDS)
        except TimeoutError:
            logger.warning("live session flush timed out", extra={"session": self.session_id})
            self._pump.cancel()
            if self.last_partial is not None:  # keep what the client saw rather than lose it
                self.finals.append(LiveSegment(**{**self.last_partial.__dict__, "is_final": True}))
        finally:
            await self.engine.aclose()

    async def _refine_transcript(self, *, budget: float) -> bool:
        """Store the batch pipeline's transcript of the whole session instead of the live finals
        (:func:`~.live.refine.refine_finals`); True when it did. Its words keep the speakers the live finals
        gave the same moments where those agree with the batch diarization of the whole session
        (:data:`~.live.refine.LIVE_SPEAKERS_MIN_AGREEMENT`): on the espeak-ng visits of ``bench/live_speakers.py``
        the live speakers were right for 97.3 % of the word time, the batch diarization's for 91.4 % (sub-second
        turns and a relative's few words, 2026-12-01), but on a real two-person recording the online tracker lost
        the voices (53 %) and the batch diarization is stored.

        Only for sessions of the offline engine up to ``MEDSYNC_LIVE_REFINE_MAX_SECONDS`` of audio (0 turns it
        off), whose trailing recognition (:class:`~.live.refine.TrailingRecognition`) left at most two pieces
        (``MEDSYNC_LIVE_REFINE_PIECE_SECONDS``) to recognise, and only if the pass finishes within ``budget``
        seconds (``MEDSYNC_LIVE_REFINE_TIMEOUT_SECONDS``, queueing for the process's one refinement worker
        included); the live finals are kept otherwise, if the pass fails, or if it heard fewer than half as
        many words as the finals hold (nothing heard is lost). Finals already sent are not revised; the stored
        engine name gains ``+refined``.
        """
        limit = settings.MEDSYNC_LIVE_REFINE_MAX_SECONDS
        if (limit <= 0 or not self.finals or not self.audio.samples or self.audio.seconds > limit
                or not all(name.startswith("local:") for name in self.engine_names)):
            return False
        from transcription.live.refine import refine_executor, refine_finals

        trailing = self.trailing if self.trailing is not None and not self.trailing.failed else None
        trailed = trailing.recognised_seconds if trailing is not None else 0.0
        left = self.audio.seconds - trailed
        if left > 2 * settings.MEDSYNC_LIVE_REFINE_PIECE_SECONDS:
            # The trailing pass fell behind (the live engine did not keep up: a loaded server): recognising the
            # rest now would take CPU the other sessions lack, and could outlast the wait.
            logger.info("live transcript not refined: the server was busy", extra={"session": self.session_id,
                                                                                   "left_seconds": round(left, 1)})
            return False

        language, num_speakers = self.params.language, self.params.num_speakers
        vocabulary = getattr(self, "vocabulary", ())

        samples, live_finals = await self._read_session_audio(), list(self.finals)

        def refine() -> list[LiveSegment]:
            return refine_finals(samples, language=language, num_speakers=num_speakers, vocabulary=vocabulary,
                                 heard=live_finals, trailing=trailing, live_speakers=True)

        started = time.monotonic()
        try:
            # On the process's one refinement worker, after any trailing piece or other session's end queued
            # before it; a refinement still queued when the wait ends is cancelled before it starts.
            finals = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(refine_executor(), refine),
                                            budget)
        except TimeoutError:
            logger.warning("live transcript refinement timed out; live finals kept", extra={"session": self.session_id})
            return False
        except Exception:
            logger.exception("live transcript refinement failed; live finals kept", extra={"session": self.session_id})
            return False
        if sum(len(f.text.split()) for f in finals) < 0.5 * sum(len(f.text.split()) for f in live_finals):
            logger.warning("live transcript refinement heard too little; live finals kept",
                           extra={"session": self.session_id})
            return False
        self.finals = finals
        self.engine_names.append("refined")
        logger.info("live transcript refined", extra={"session": self.session_id,
                                                      "seconds": round(time.monotonic() - started, 2),
                                                      "trailing_seconds": round(trailed, 1)})
        return True

    async def _read_session_audio(self) -> np.ndarray:
        """The whole session audio (16 kHz float32), decoded once, in a worker thread.

        Read before any timed work that uses it: a refinement or relabelling that times out goes on in its
        thread, and must not read the session's audio file while it is stored and discarded.
        """
        if self._session_samples is None:
            self._session_samples = await asyncio.get_running_loop().run_in_executor(None, self.audio.read_all)
        return self._session_samples

    async def _relabel_speakers(self, *, budget: float) -> None:
        """Give the stored finals the batch speaker model's labels (:func:`~.live.speakers.relabel_finals`).

        Off by default (``MEDSYNC_LIVE_RELABEL_MAX_SECONDS=0``): on the espeak-ng visits and synthetic
        three-speaker and short visits of ``bench/live_speakers.py`` the live labels were right for 98.8 % of
        the word time, the batch model's for 92.0 % (it never won on one recording).
        Bounded: only sessions up to ``MEDSYNC_LIVE_RELABEL_MAX_SECONDS`` of audio, and only if it finishes
        within ``budget`` seconds (``MEDSYNC_LIVE_RELABEL_TIMEOUT_SECONDS``; 5 s at most on server shutdown);
        otherwise, or if it fails, the live labels are kept. Finals already sent are not revised.
        """
        from transcription.live.speakers import relabel_finals

        limit = settings.MEDSYNC_LIVE_RELABEL_MAX_SECONDS
        if not self.finals or not self.audio.samples or self.audio.seconds > limit:
            return
        finals, num_speakers = list(self.finals), self.params.num_speakers

        samples = await self._read_session_audio()

        def relabel() -> list[LiveSegment] | None:
            return relabel_finals(samples, finals, num_speakers=num_speakers)

        started = time.monotonic()
        try:
            relabelled = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(None, relabel), budget)
        except TimeoutError:
            logger.warning("live speaker relabelling timed out; live labels kept", extra={"session": self.session_id})
            return
        except Exception:
            logger.exception("live speaker relabelling failed; live labels kept", extra={"session": self.session_id})
            return
        if relabelled is not None:
            self.finals = relabelled
            logger.info("live speakers relabelled", extra={"session": self.session_id,
                                                           "seconds": round(time.monotonic() - started, 2)})

    @property
    def engine_label(self) -> str:
        """The engine(s) of the session, e.g. ``"deepgram:nova-3+local:whisper-tiny.en"`` after a fallback."""
        return "+".join(self.engine_names)

    async def _store(self, template: str | None) -> dict:
        from transcription.live.services import live_note_write, live_session_store

        clinic = self.caller.clinic
        duration = round(self.audio.seconds, 3)
        record = None
        if self.audio.samples:
            record = await database_sync_to_async(live_session_store)(
                clinic=clinic, session_id=self.session_id, audio=self.audio.finish(), audio_format=_SessionAudio.FORMAT,
                duration_seconds=duration, finals=self.finals, language=self.params.language, engine=self.engine_label,
                template_key=template, api_key=self.caller.api_key, actor=self.caller.audit_actor,
            )
        note = None
        if record is not None and template:
            note = await database_sync_to_async(live_note_write)(
                clinic=clinic, record=record, template_key=template, language=self.params.language,
                actor=self.caller.audit_actor)
            if note is None:
                await self._warn(LiveNotice("note_failed", f"No clinical note was written with template {template!r}; "
                                            "the transcript is saved."))
        utterances = record.utterances if record is not None else []
        return {
            "type": "transcript", "session_id": self.session_id,
            "recording_id": record.recording_id if record is not None else None,
            "transcript": [u.as_dict() for u in utterances], "text": "\n".join(u.text for u in utterances),
            "duration_seconds": duration, "language": self.params.language, "engine": self.engine_label,
            "template": template, "clinical_note": note,
        }

    async def disconnect(self, code):
        if self.state == "streaming":
            await self._finish(reason="disconnect", connected=False)
        elif self.state == "watching":
            await self.channel_layer.group_discard(self.group, self.channel_name)
        self.state = "closed"

    async def _release_slot(self) -> None:
        if self._slot_held:
            self._slot_held = False
            try:
                await session_slots().release(self.caller.clinic.pk, self.session_id)
            except Exception as exc:  # noqa: BLE001 - the slot expires by itself (MEDSYNC_LIVE_SLOT_TTL_SECONDS)
                logger.warning("live slot release failed: %s", type(exc).__name__)

    # -- sending -------------------------------------------------------------------------------------
    async def _warn(self, notice: LiveNotice) -> None:
        await self._emit({"type": "warning", "code": notice.code, "message": notice.message})

    async def _emit(self, message: dict) -> None:
        """Send to the client and to watchers of the session (any process, via the channel layer)."""
        if self.state in ("streaming", "finishing", "closed"):
            try:
                await self.send(text_data=json.dumps(message))
            except Exception:  # the client is gone; the session still finishes and stores
                pass
        try:
            await self.channel_layer.group_send(self.group, {"type": "live.broadcast", "sender": self.channel_name,
                                                             "message": message})
        except Exception as exc:  # watchers are a convenience: a channel-layer outage must not stop the session
            logger.warning("live broadcast failed: %s", type(exc).__name__)

    async def live_broadcast(self, event: dict) -> None:
        """A session's message, for watchers (the session itself ignores its own).

        Until the session's ``transcript_so_far`` arrives, finals are held back, then sent unless the
        snapshot already holds them: a watcher gets every final exactly once.
        """
        if self.state != "watching" or event.get("sender") == self.channel_name:
            return
        message = event["message"]
        kind = message.get("type")
        if not self._synced and kind == "transcription" and message.get("is_final"):
            self._held.append(message)
            return
        await self.send(text_data=json.dumps(message))
        if kind in ("transcript_so_far", "transcript") and not self._synced:
            self._synced = True
            seen = {(m["start"], m["end"], m["text"]) for m in message.get("transcript", ())
                    if kind == "transcript_so_far"}
            for held in self._held:
                if (held["start"], held["end"], held["text"]) not in seen:
                    await self.send(text_data=json.dumps(held))
            self._held = []
        if kind == "transcript":
            if message.get("clinical_note"):
                from transcription.live.services import live_watch_audit

                await database_sync_to_async(live_watch_audit)(clinic=self.caller.clinic, session_id=self.session_id,
                                                               actor=self.caller.audit_actor, note=True)
            await self.close(code=CLOSE_NORMAL)

    async def live_sync(self, event: dict) -> None:
        """A new watcher asks for the transcript so far (answered by the session only)."""
        if self.state != "streaming":
            return
        message = {"type": "transcript_so_far", "session_id": self.session_id,
                   "transcript": [s.as_message() for s in self.finals]}
        await self.channel_layer.send(event["reply_to"], {"type": "live.broadcast", "sender": self.channel_name,
                                                          "message": message})


def _is_redis_outage(exc: BaseException) -> bool:
    """True for a failure to reach Redis (the session-slot store), as opposed to a bug."""
    from redis.exceptions import ConnectionError as RedisConnectionError, TimeoutError as RedisTimeoutError

    return isinstance(exc, (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError))


# --- server shutdown --------------------------------------------------------------------------------
# A server stopping gracefully waits for open connections, then cancels them: a live session would lose
# its closing transcript (and could be cut while storing). On SIGUSR1 (scripts/run-server.sh sends it to
# the server's processes before SIGTERM) every running session of the process ends as on "stop": the
# audio so far is stored, the client gets its "transcript" and the socket closes with 1001 (going away).
CLOSE_GOING_AWAY = 1001
_RUNNING_SESSIONS: set[LiveTranscriptionConsumer] = set()
_SHUTDOWN_SIGNAL_LOOPS: set[int] = set()


def _track_for_shutdown(consumer: LiveTranscriptionConsumer) -> None:
    """Remember a running session (and make sure its loop handles SIGUSR1)."""
    _RUNNING_SESSIONS.add(consumer)
    shutdown_signal_install()


def shutdown_signal_install() -> None:
    """Make SIGUSR1 end this process's live sessions (:func:`live_sessions_end_for_shutdown`); called in
    the serving event loop (ASGI lifespan start-up, or a session's start under servers without lifespan).
    Nothing happens outside the main thread's loop, where signal handlers cannot be installed."""
    import signal

    loop = asyncio.get_running_loop()
    if id(loop) in _SHUTDOWN_SIGNAL_LOOPS:
        return
    try:
        loop.add_signal_handler(signal.SIGUSR1, lambda: loop.create_task(live_sessions_end_for_shutdown()))
        _SHUTDOWN_SIGNAL_LOOPS.add(id(loop))
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread: nothing to install
        pass


async def live_sessions_end_for_shutdown() -> int:
    """End every running live session of this process (server shutdown); returns how many.

    Each one is flushed and stored, gets a ``warning`` (``server_shutdown``) and its ``transcript``, and
    closes with 1001.
    """
    sessions = list(_RUNNING_SESSIONS)
    for consumer in sessions:
        await consumer._warn(LiveNotice("server_shutdown", "The server is restarting; the session ends now and is "
                                        "saved. Start a new session to continue."))
    await asyncio.gather(*(consumer._finish(reason="server_shutdown", close_code=CLOSE_GOING_AWAY)
                           for consumer in sessions), return_exceptions=True)
    if sessions:
        logger.info("live sessions ended for shutdown", extra={"sessions": len(sessions)})
    return len(sessions)
