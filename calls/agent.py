"""The agent loop of one answered call: speech-to-text → dialogue policy → text-to-speech.

One :class:`AgentSession` serves one call, whatever carries it — Twilio Media Streams
(:class:`calls.consumers.TwilioMediaStreamConsumer`), the browser simulator, ``agent_call_sim`` or
a test — through an :class:`AgentOutput` (where the agent's words and audio go). Patient input is
16 kHz audio (:meth:`AgentSession.push_audio`, recognised by the live engine of ``/ws/transcribe``:
the offline streaming engine, or Deepgram live when the clinic has it) or typed text
(:meth:`AgentSession.push_text`, simulator).

Turn taking:

* **End of the patient's turn** (endpointing): Silero VAD on the incoming audio has heard
  ``ENDPOINT_SILENCE_SECONDS`` of silence after the patient's voice, and the recogniser's words (final
  or still partial) reach the end of that voice. The turn's text is the finals plus the current
  partial: waiting for the streaming engine to make the last words final would cost another step or
  two (measured: ~1 s more on the 2-core target), and a later commit of words already used is
  dropped. A pause between two sentences of one answer (~0.3-0.4 s) does not cut it in two.
* **First audio early**: the reply is synthesised sentence by sentence and the first sentence is sent
  as soon as it is ready (turn latency = end of patient speech → first agent audio byte; see
  ``bench/agent_call.py``).
* **Barge-in**: patient speech (a partial or final transcript) while the agent's audio is still
  playing clears the queued audio at the far end (Twilio ``clear`` message) and the rest of the
  reply is not synthesised.
* **Silence**: ``silence_timeout_seconds`` after the agent stopped talking without patient speech,
  the policy prompts again ("are you still there?"), then hangs up.
* **Maximum length**: after ``max_call_seconds`` the agent says goodbye and hangs up.

The transcript and dialogue state are stored after every turn; the call is finalised (outcome,
summary, callback) when the session ends for any reason, including a crash of the loop.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Protocol

import numpy as np
from channels.db import database_sync_to_async
from django_tenants.utils import schema_context

from calls import selectors, services, tts
from calls.dialogue.languages import language_pack
from calls.dialogue.policy import AgentTurn, ScriptedPolicy

logger = logging.getLogger("medsync.calls.agent")

#: Seconds to let the events of one engine step arrive before deciding the patient's turn is over.
TURN_SETTLE_SECONDS = 0.05
#: Silence after the patient's voice that ends the turn, seconds. espeak-ng's pause between two
#: sentences of one answer is ~0.3-0.4 s; telephone voice agents commonly end turns after 0.5-0.8 s.
ENDPOINT_SILENCE_SECONDS = 0.6
#: How far (seconds) the recognised words may end before the VAD's end of voice and still cover it:
#: Silero's speech padding (0.1 s) plus Whisper's early word ends (~0.2 s, see the live engine).
WORDS_COVER_SLACK_SECONDS = 0.45
#: Seconds after the endpoint the recogniser is given to deliver words covering the end of the voice;
#: then the turn ends with the words heard so far. The VAD can hear voice at the end of a turn that
#: Whisper gives no word for (a breath, a clipped last syllable): without this bound the agent waited for
#: those words forever and the call stalled (seen in ``tests/calls/test_audio.py``, about 1 run in 3).
#: The live engine's steps are 0.5 s and its end-of-turn decode ~1 s on the 2-core target.
MAX_CATCH_UP_SECONDS = 2.0
#: Audio kept for the endpoint VAD, seconds, and how often it runs (seconds of new audio).
VAD_WINDOW_SECONDS = 2.0
VAD_EVERY_SECONDS = 0.1
#: Seconds between checks of the silence and maximum-length timers.
TIMER_TICK_SECONDS = 0.1


class AgentOutput(Protocol):
    """Where the agent's side of the call goes (a carrier's media leg, a browser, a terminal, a test)."""

    #: False for text-only clients: no speech is synthesised.
    wants_audio: bool

    async def agent_text(self, text: str) -> None:
        """A line the agent says (before its audio)."""

    async def user_text(self, text: str) -> None:
        """The patient's recognised words of one turn."""

    async def agent_audio(self, samples: np.ndarray) -> None:
        """Agent speech, 16 kHz int16 mono (the adapter converts, e.g. to 8 kHz μ-law)."""

    async def clear_audio(self) -> None:
        """Barge-in: drop agent audio queued at the far end."""

    async def hangup(self) -> None:
        """The call is over (the session has finalised it)."""


async def start_speech_engine(clinic, *, language: str):
    """The call's streaming STT: the clinic's live engine (:func:`transcription.live.engines.live_engine_start`:
    Deepgram live when configured, with the offline fallback); offline, the streaming Whisper engine with
    a shorter step (``CALLS_STT_STEP_SECONDS``) than dictation uses, because on a phone call the time
    from the end of the patient's words to the agent's answer is what counts.

    Raises:
        transcription.live.base.LiveEngineError: no engine could start.
    """
    from django.conf import settings

    from transcription.live.engines import live_engine_candidates, live_engine_start

    names = [name for name, _ in live_engine_candidates(clinic, language=language, num_speakers=1)]
    if names != ["local"]:
        engine, _ = await live_engine_start(clinic, language=language, num_speakers=1)
        return engine
    from transcription.live.local_engine import LocalLiveConfig, LocalLiveEngine

    # The calls' latency (bench/agent_call.py) was measured with beam-2 end-of-turn decodings: kept.
    config = LocalLiveConfig(step_seconds=settings.CALLS_STT_STEP_SECONDS,
                             final_whisper=replace(LocalLiveConfig().final_whisper, beam_size=2),
                             whisper_threads=settings.MEDSYNC_LIVE_WHISPER_THREADS or None,
                             whisper_workers=settings.MEDSYNC_LIVE_WORKERS)
    engine = LocalLiveEngine(language=language, num_speakers=1, config=config)
    await engine.start()
    return engine


def unconsumed_text(event, consumed_until: float, consumed_text: str,
                    next_voice_start: float | None) -> str | None:
    """The words of a recogniser event that no earlier patient turn used, or None when it holds none.

    A turn ends on the words heard so far (a partial, if the final is late); the final of the same speech
    can arrive after that, with other words, and must not become the next turn. Seen in
    ``tests/calls/test_audio.py`` with the German model on a loaded machine: "Ja, hama, hama, hama!" shown,
    then "Ja, hama hama hamaaat!" committed; and "Ja, hama," shown, then "hamama, hama, ha" committed with
    times in the silence after the voice. So once a turn has been used, a word is new only if it starts at
    or after ``consumed_until`` (the used turn's end of voice) and ends after ``next_voice_start`` (the first
    voice the VAD heard since): words lying in the silence between are the recogniser's, not the patient's.
    A partial (no word times) must end after both, and loses the used partial ``consumed_text`` at its start.

    Args:
        event: a :class:`transcription.live.base.LiveSegment`.
        consumed_until: audio seconds before which speech was used by a turn (negative: no turn yet).
        consumed_text: the partial text the last turn used ("" if it used finals only).
        next_voice_start: audio seconds of the first voice after ``consumed_until``, None if none yet.
    Returns:
        the new text ("" for an empty event, e.g. a cleared partial), or None to ignore the event.
    """
    if not event.text:
        return ""
    if consumed_until < 0:
        return event.text
    if next_voice_start is None:
        return None
    if event.is_final and event.words:
        fresh = [w.text.strip() for w in event.words
                 if w.start >= consumed_until and w.end > next_voice_start and w.text.strip()]
        return " ".join(fresh) if fresh else None
    if event.end <= max(consumed_until, next_voice_start):
        return None
    if consumed_text and event.text.startswith(consumed_text):
        return event.text[len(consumed_text):].strip()  # used words, then new ones
    return event.text


def policy_for(config, facts):
    """The dialogue policy of a call: an LLM when configured (see :mod:`calls.dialogue.llm`), else scripted."""
    from calls.dialogue.llm import llm_policy_or_none

    return llm_policy_or_none(config=config, facts=facts) or ScriptedPolicy(facts)


class AgentSession:
    """The agent loop of one call (see the module docstring).

    Args:
        call_sid: the answered call (``ringing`` or ``in-progress``).
        schema_name: the clinic's schema.
        output: :class:`AgentOutput`.
        audio_input: True when the patient's side is audio (starts a live STT engine).
        pace_output: True when the far end plays agent audio in real time (the agent counts as
            talking until it has played: barge-in and silence timers depend on it). False for
            clients that do not play audio (tests, terminal text).
    """

    def __init__(self, *, call_sid: str, schema_name: str, output: AgentOutput, audio_input: bool,
                 pace_output: bool = True) -> None:
        self.call_sid = call_sid
        self.schema_name = schema_name
        self.output = output
        self.audio_input = audio_input
        self.pace_output = pace_output
        self.transcript: list[dict] = []
        self.state: dict = {}
        self.ended = asyncio.Event()
        self.call = None
        self.engine = None
        self.engine_name = ""
        self._loop = asyncio.get_event_loop()
        self._speaking_until = 0.0
        self._speaking = False
        self._interrupted = False
        self._last_activity = 0.0
        self._final_words: list[str] = []
        self._partial = ""
        self._audio_seconds = 0.0
        self._words_end = 0.0  # end of the newest recognised word (final or partial), audio seconds
        self._consumed_until = -1.0  # words ending before this were already used in a turn
        self._consumed_text = ""  # the words of the last partial used in a turn (not yet final then)
        self._voice_end = 0.0  # end of the patient's voice heard by the VAD, audio seconds
        self._next_voice_start: float | None = None  # first voice the VAD heard after the last used turn
        self._vad_buffer = np.zeros(0, dtype=np.float32)
        self._vad_pending = 0.0
        self._detect_voice = None
        self._settle: asyncio.TimerHandle | None = None
        self._turn_lock = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []
        self._closing = False
        self._started_at = 0.0

    # -- database -------------------------------------------------------------------------------
    async def _db(self, fn, **kwargs):
        schema = self.schema_name

        def run():
            with schema_context(schema):
                return fn(**kwargs)

        return await database_sync_to_async(run)()

    def _load(self):
        from clinics.models import Clinic

        call = services.call_session_open(call_sid=self.call_sid)
        config = selectors.call_settings_get()
        facts = services.call_facts(call)
        clinic = Clinic.objects.get(schema_name=self.schema_name)
        return call, config, facts, clinic, policy_for(config, facts)

    # -- life cycle ---------------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the call and say the first line (the identity check, or the voicemail message).

        Raises:
            services.CallStateError: the call cannot be served (unknown, not answered, over).
            transcription.live.base.LiveEngineError: no speech engine could start.
        """
        self._loop = asyncio.get_running_loop()
        self.call, self.config, self.facts, clinic, self.policy = await self._db(self._load)
        self.voice = language_pack(self.facts.language).voice
        self.state = dict(self.call.dialogue_state or {})
        self.transcript = list(self.call.transcript or [])
        self._started_at = self._loop.time()
        self._last_activity = self._started_at
        if self.audio_input:
            self.engine = await start_speech_engine(clinic, language=self.facts.language)
            self.engine_name = self.engine.name
            self._tasks.append(asyncio.create_task(self._consume_events(), name=f"call-stt-{self.call_sid}"))
        self._tasks.append(asyncio.create_task(self._timers(), name=f"call-timers-{self.call_sid}"))
        machine = self.call.answered_by == "machine"
        await self._turn(lambda: self.policy.voicemail(self.state) if machine else self.policy.opening(self.state))

    async def push_audio(self, samples: np.ndarray) -> None:
        """Patient audio: 16 kHz mono float32 in [-1, 1]."""
        if self.engine is not None and not self._closing:
            await self.engine.push(samples)
            self._audio_seconds += samples.size / 16000
            self._track_voice(samples)
            self._maybe_end_of_turn()

    def _track_voice(self, samples: np.ndarray) -> None:
        """Run Silero VAD on the last ``VAD_WINDOW_SECONDS`` every ``VAD_EVERY_SECONDS`` of audio
        (a few milliseconds of CPU each time) and remember where the patient's voice last ended."""
        if self._detect_voice is None:
            from transcription.live.local_engine import LocalLiveConfig, silero_speech_regions

            self._detect_voice = silero_speech_regions(LocalLiveConfig())
        keep = int(VAD_WINDOW_SECONDS * 16000)
        self._vad_buffer = np.concatenate([self._vad_buffer, np.asarray(samples, dtype=np.float32)])[-keep:]
        self._vad_pending += samples.size / 16000
        if self._vad_pending < VAD_EVERY_SECONDS:
            return
        self._vad_pending = 0.0
        regions = self._detect_voice(self._vad_buffer)
        if regions:
            window_start = self._audio_seconds - self._vad_buffer.size / 16000
            self._voice_end = max(self._voice_end, window_start + regions[-1][1] / 16000)
            if self._next_voice_start is None and self._consumed_until >= 0:
                starts = (window_start + s / 16000 for s, _ in regions)
                self._next_voice_start = min((t for t in starts if t >= self._consumed_until), default=None)

    async def push_text(self, text: str) -> None:
        """A typed patient turn (simulator)."""
        text = (text or "").strip()
        if text and not self._closing:
            self._barge_in()
            await self._user_turn(text)

    async def patient_hung_up(self) -> None:
        """The far end hung up (or the client disconnected): finalise the call."""
        await self._close()

    def diagnostics(self) -> dict:
        """The turn-taking state, for a report when a call stops moving (times in seconds of patient audio
        unless named ``*_ago``, seconds before now; no words, only counts and lengths: no patient data).

        Returns:
            ``{"audio_seconds", "voice_end", "words_end", "consumed_until", "next_voice_start" (None: no voice
            since the last turn), "final_words", "partial_chars",
            "speaking", "turn_lock_held", "closing", "last_activity_ago", "engine_backlog_seconds",
            "tasks_done"}``.
        """
        now = self._loop.time()
        return {
            "audio_seconds": round(self._audio_seconds, 2), "voice_end": round(self._voice_end, 2),
            "words_end": round(self._words_end, 2), "consumed_until": round(self._consumed_until, 2),
            "next_voice_start": None if self._next_voice_start is None else round(self._next_voice_start, 2),
            "final_words": len(self._final_words), "partial_chars": len(self._partial),
            "speaking": self._speaking, "turn_lock_held": self._turn_lock.locked(), "closing": self._closing,
            "last_activity_ago": round(now - self._last_activity, 2),
            "engine_backlog_seconds": round(getattr(self.engine, "backlog_seconds", 0.0), 2),
            "tasks_done": [task.done() for task in self._tasks],
        }

    async def wait(self, timeout: float | None = None) -> None:
        """Wait until the call has ended. Raises TimeoutError (with :meth:`diagnostics`) after ``timeout`` s."""
        try:
            await asyncio.wait_for(self.ended.wait(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"the call did not end within {timeout} s; state: {self.diagnostics()}") from None

    # -- speech recognition -----------------------------------------------------------------------
    async def _consume_events(self) -> None:
        from transcription.live.base import LiveEngineError, LiveSegment

        try:
            async for event in self.engine.events():
                if not isinstance(event, LiveSegment):
                    continue
                text = unconsumed_text(event, self._consumed_until, self._consumed_text, self._next_voice_start)
                if text is None:
                    continue  # a late commit of words a turn already used
                if event.is_final:
                    if text:
                        self._final_words.append(text)
                    self._partial = ""
                else:
                    self._partial = text
                if event.text:
                    self._words_end = max(self._words_end, event.end)
                if event.text:
                    self._last_activity = self._loop.time()
                    self._barge_in()
                if self._settle is not None:
                    self._settle.cancel()
                self._settle = self._loop.call_later(TURN_SETTLE_SECONDS, self._maybe_end_of_turn)
        except LiveEngineError as exc:
            logger.warning("Call %s speech engine failed: %s", self.call_sid, exc.message)
            self.state.setdefault("error", "speech_engine")
            asyncio.ensure_future(self._close())

    def _maybe_end_of_turn(self) -> None:
        if self._closing or not (self._final_words or self._partial):
            return
        silent_for = self._audio_seconds - self._voice_end
        if silent_for < ENDPOINT_SILENCE_SECONDS:
            return  # the patient is still talking (or paused briefly)
        if (self._words_end < self._voice_end - WORDS_COVER_SLACK_SECONDS
                and silent_for < ENDPOINT_SILENCE_SECONDS + MAX_CATCH_UP_SECONDS):
            return  # the recogniser has not caught up with the last words yet
        text = " ".join(w for w in [*self._final_words, self._partial] if w).strip()
        self._consumed_text = self._partial
        self._final_words, self._partial = [], ""
        # the turn used everything heard up to the end of the voice: a word starting before then is one of
        # its words, however late the recogniser commits it
        self._consumed_until = max(self._words_end, self._voice_end) + 0.05
        self._next_voice_start = None
        if text:
            asyncio.ensure_future(self._user_turn(text))

    # -- turns ------------------------------------------------------------------------------------
    def _barge_in(self) -> None:
        if self._speaking and not self._interrupted and self._loop.time() < self._speaking_until:
            self._interrupted = True
            self._speaking_until = self._loop.time()
            if self.transcript and self.transcript[-1]["role"] == "agent":
                self.transcript[-1]["interrupted"] = True
            asyncio.ensure_future(self.output.clear_audio())

    async def _user_turn(self, text: str) -> None:
        self.transcript.append({"role": "user", "message": text})
        await self.output.user_text(text)
        await self._turn(lambda: self.policy.respond(self.state, text))

    async def _turn(self, decide) -> None:
        async with self._turn_lock:
            if self._closing:
                return
            # an LLM policy blocks on the network: keep the event loop (audio, barge-in) running
            turn: AgentTurn = decide() if self.policy.name == "scripted" else await asyncio.to_thread(decide)
            await self._speak(turn)
            await self._db(services.call_session_save, call_id=self.call.pk, transcript=self.transcript,
                           state=self.state)
        if turn.end_call:
            delay = max(0.0, self._speaking_until - self._loop.time()) if self.pace_output else 0.0
            await asyncio.sleep(delay)
            await self._close()

    async def _speak(self, turn: AgentTurn) -> None:
        if not turn.text:
            return
        self.transcript.append({"role": "agent", "message": turn.text})
        await self.output.agent_text(turn.text)
        self._speaking, self._interrupted = True, False
        try:
            if self.output.wants_audio:
                for sentence in tts.sentences(turn.text):
                    if self._interrupted and not turn.end_call:
                        break
                    samples = await tts.synthesise(sentence, voice=self.voice)
                    await self.output.agent_audio(samples)
                    now = self._loop.time()
                    if self.pace_output:
                        self._speaking_until = max(now, self._speaking_until) + samples.size / tts.SAMPLE_RATE
                    else:
                        self._speaking_until = now
        except tts.TtsError as exc:  # the caller still gets the text (simulator); Twilio hears nothing
            logger.error("Call %s speech synthesis failed: %s", self.call_sid, exc.message)
        finally:
            self._speaking = self.pace_output
            self._last_activity = max(self._loop.time(), self._speaking_until)

    # -- timers -----------------------------------------------------------------------------------
    async def _timers(self) -> None:
        silence = float(self.config.silence_timeout_seconds)
        max_length = float(self.config.max_call_seconds)
        while not self._closing:
            await asyncio.sleep(TIMER_TICK_SECONDS)
            now = self._loop.time()
            if self._turn_lock.locked():
                continue
            if now - self._started_at >= max_length:
                await self._turn(lambda: self.policy.on_max_length(self.state))
                return
            if self._speaking and now >= self._speaking_until:
                self._speaking = False
            patient_talking = bool(self._partial or self._final_words)
            if not self._speaking and not patient_talking and now - self._last_activity >= silence:
                self._last_activity = now
                await self._turn(lambda: self.policy.on_silence(self.state))

    # -- end --------------------------------------------------------------------------------------
    async def _close(self) -> None:
        if self._closing:
            return
        self._closing = True
        current = asyncio.current_task()
        for task in self._tasks:
            if task is not current:
                task.cancel()
        if self.engine is not None:
            try:
                await self.engine.aclose()
            except Exception:  # the call must still be finalised
                logger.exception("Call %s: closing the speech engine failed", self.call_sid)
        try:
            self.call = await self._db(services.call_session_close, call_id=self.call.pk,
                                       transcript=self.transcript, state=self.state)
        finally:
            self.ended.set()
            await self.output.hangup()
