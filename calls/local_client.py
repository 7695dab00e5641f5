"""An in-process simulator client: takes a simulated call and plays the patient with text or audio.

Used by ``manage.py agent_call_sim``, the tests and ``bench/agent_call.py``; it drives the same
:class:`calls.agent.AgentSession` as the WebSocket legs.
"""

from __future__ import annotations

import asyncio
import time

import numpy as np
from channels.db import database_sync_to_async
from django_tenants.utils import schema_context

from calls import services
from calls.agent import AgentSession
from calls.audio import to_float32

SAMPLE_RATE = 16000
#: Longest the patient's line stays silent waiting for the agent's reply to a spoken turn, seconds.
MAX_REPLY_WAIT_SECONDS = 20.0


class LocalPatient:
    """Plays the patient of one simulated call (an :class:`calls.agent.AgentOutput`).

    Attributes:
        agent_lines / user_lines: what each side said, in order.
        first_audio_at: ``time.monotonic()`` of the first agent audio chunk of each agent line.
        user_text_at: ``time.monotonic()`` when each patient turn was recognised as complete.
        cleared: how many times the agent's audio was cleared (barge-in).
    """

    def __init__(self, *, call_sid: str, schema_name: str, mode: str = "text", want_agent_audio: bool = False,
                 pace_output: bool = False) -> None:
        self.call_sid = call_sid
        self.schema_name = schema_name
        self.mode = mode
        self.wants_audio = want_agent_audio
        self.pace_output = pace_output
        self.agent_lines: list[str] = []
        self.user_lines: list[str] = []
        self.first_audio_at: list[float] = []
        self.user_text_at: list[float] = []
        self.agent_audio_seconds = 0.0
        self.cleared = 0
        self.hung_up = asyncio.Event()
        self._lines: asyncio.Queue[str] = asyncio.Queue()
        self._awaiting_audio = False
        self.session: AgentSession | None = None

    # -- AgentOutput ------------------------------------------------------------------------------
    async def agent_text(self, text: str) -> None:
        self.agent_lines.append(text)
        self._awaiting_audio = True
        await self._lines.put(text)

    async def user_text(self, text: str) -> None:
        self.user_lines.append(text)
        self.user_text_at.append(time.monotonic())

    async def agent_audio(self, samples: np.ndarray) -> None:
        if self._awaiting_audio:
            self.first_audio_at.append(time.monotonic())
            self._awaiting_audio = False
        self.agent_audio_seconds += samples.size / SAMPLE_RATE

    async def clear_audio(self) -> None:
        self.cleared += 1

    async def hangup(self) -> None:
        self.hung_up.set()
        await self._lines.put("")

    # -- the patient ------------------------------------------------------------------------------
    async def answer(self, answer: str = "human") -> str:
        """Answer the ringing call (``human``/``machine``) or refuse it (``busy``/``no-answer``).
        Returns the call's status; for an answered call, the agent's first line is waiting in :meth:`next_line`."""

        def run() -> str:
            with schema_context(self.schema_name):
                call = services.selectors.call_get(call_sid=self.call_sid)
                return services.call_simulator_answer(call=call, answer=answer).status

        status = await database_sync_to_async(run)()
        if status == "in-progress":
            self.session = AgentSession(call_sid=self.call_sid, schema_name=self.schema_name, output=self,
                                        audio_input=self.mode == "audio", pace_output=self.pace_output)
            await self.session.start()
        return status

    async def next_line(self, timeout: float = 60.0) -> str:
        """The agent's next line ("" once the call is over)."""
        if self.hung_up.is_set() and self._lines.empty():
            return ""
        try:
            return await asyncio.wait_for(self._lines.get(), timeout)
        except asyncio.TimeoutError:
            state = self.session.diagnostics() if self.session is not None else {}
            raise TimeoutError(f"no agent line for {timeout:.0f} s; session state: {state}") from None

    async def say(self, text: str) -> None:
        await self.session.push_text(text)

    async def speak(self, samples: np.ndarray, *, chunk_seconds: float = 0.1,
                    max_reply_wait: float = MAX_REPLY_WAIT_SECONDS) -> float:
        """Stream 16 kHz int16 speech in real time, then silence until the agent answers, as a phone
        line does (the speech engine needs the audio after the words to hear the pause).

        Returns:
            ``time.monotonic()`` when the last speech sample was sent (end of patient speech).
        """
        step = int(SAMPLE_RATE * chunk_seconds)
        silence = np.zeros(step, dtype=np.int16)
        lines_before = len(self.agent_lines)
        clock = time.monotonic()
        for start in range(0, samples.size, step):
            if self.hung_up.is_set():
                return time.monotonic()
            await self.session.push_audio(to_float32(samples[start:start + step]))
            clock += chunk_seconds
            await asyncio.sleep(max(0.0, clock - time.monotonic()))
        speech_end = time.monotonic()
        while (len(self.agent_lines) == lines_before and not self.hung_up.is_set()
               and time.monotonic() - speech_end < max_reply_wait):
            await self.session.push_audio(to_float32(silence))
            clock += chunk_seconds
            await asyncio.sleep(max(0.0, clock - time.monotonic()))
        return speech_end

    async def hang_up(self) -> None:
        await self.session.patient_hung_up()
