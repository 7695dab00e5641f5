"""WebSocket legs of a call: Twilio Media Streams and the browser simulator.

``/ws/calls/twilio/<client_id>`` — Twilio's bidirectional Media Stream (opened by the TwiML of
:class:`calls.api.views.TwilioCallAnswerApi`). Twilio sends JSON ``connected``, ``start`` (with our
``call_sid`` and ``token`` custom parameters, checked before anything else), ``media`` (base64 8 kHz
μ-law, 20 ms frames), ``mark`` and ``stop``; the agent answers with ``media`` frames and ``clear``
(barge-in). Closing the socket ends the call (nothing follows ``<Connect>`` in the TwiML).

``/ws/calls/simulator/<call_sid>?token=`` — a person takes a simulated call in the browser
(:mod:`calls.views`). Client → server: ``{"type": "answer", "answer": "human"|"machine"|"busy"|
"no-answer", "mode": "audio"|"text"}`` first, then binary frames of 16 kHz mono int16 PCM (the
microphone), ``{"type": "text", "text"}`` and ``{"type": "hangup"}``. Server → client:
``{"type": "agent"|"user", "text"}``, binary 16 kHz int16 agent audio, ``{"type": "clear"}`` and
``{"type": "ended", "status", "outcome", "summary"}``.
"""

from __future__ import annotations

import base64
import json
import logging

import numpy as np
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django_tenants.utils import schema_context

from calls import services, tokens
from calls.agent import AgentSession
from calls.audio import Resampler, to_float32, ulaw_decode, ulaw_encode

logger = logging.getLogger("medsync.calls.consumers")

#: Largest simulator audio frame accepted, bytes (1 s of 16 kHz int16 is 32 000).
MAX_SIMULATOR_FRAME_BYTES = 256 * 1024


def _clinic_schema(client_id: str) -> str | None:
    from booking.selectors import clinic_by_client_id

    clinic = clinic_by_client_id(client_id)
    return clinic.schema_name if clinic else None


def _token_valid(schema_name: str, call_sid: str, token: str) -> bool:
    with schema_context(schema_name):
        return tokens.media_stream_token_valid(call_sid=call_sid, token=token)


class TwilioMediaStreamConsumer(AsyncWebsocketConsumer):
    """Serves the agent loop over a Twilio Media Stream (see the module docstring)."""

    wants_audio = True

    async def connect(self) -> None:
        client_id = self.scope["url_route"]["kwargs"]["client_id"]
        self.schema_name = await database_sync_to_async(_clinic_schema)(client_id)
        self.session: AgentSession | None = None
        self.stream_sid = ""
        if self.schema_name is None:
            await self.close(code=4404)
            return
        self.inbound = Resampler(8000, 16000)
        self.outbound = Resampler(16000, 8000)
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if not text_data:
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            return
        event = message.get("event")
        if event == "start":
            await self._start(message.get("start") or {})
        elif event == "media" and self.session is not None:
            payload = (message.get("media") or {}).get("payload") or ""
            try:
                pcm8k = ulaw_decode(base64.b64decode(payload))
            except ValueError:
                return
            await self.session.push_audio(to_float32(self.inbound(pcm8k)))
        elif event == "stop" and self.session is not None:
            await self.session.patient_hung_up()

    async def _start(self, start: dict) -> None:
        params = start.get("customParameters") or {}
        call_sid, token = str(params.get("call_sid") or ""), str(params.get("token") or "")
        if not await database_sync_to_async(_token_valid)(self.schema_name, call_sid, token):
            logger.warning("Refused a media stream with an invalid token")
            await self.close(code=4403)
            return
        self.stream_sid = str(start.get("streamSid") or "")
        self.session = AgentSession(call_sid=call_sid, schema_name=self.schema_name, output=self, audio_input=True,
                                    pace_output=True)
        try:
            await self.session.start()
        except Exception:
            logger.exception("Could not start the agent on a media stream")
            await self.close(code=1011)

    async def disconnect(self, code) -> None:
        if self.session is not None and not self.session.ended.is_set():
            await self.session.patient_hung_up()

    # -- AgentOutput ------------------------------------------------------------------------------
    async def agent_text(self, text: str) -> None:
        return None

    async def user_text(self, text: str) -> None:
        return None

    async def agent_audio(self, samples: np.ndarray) -> None:
        payload = base64.b64encode(ulaw_encode(self.outbound(samples))).decode("ascii")
        await self.send(text_data=json.dumps({"event": "media", "streamSid": self.stream_sid,
                                              "media": {"payload": payload}}))

    async def clear_audio(self) -> None:
        await self.send(text_data=json.dumps({"event": "clear", "streamSid": self.stream_sid}))

    async def hangup(self) -> None:
        await self.close(code=1000)


def _simulator_answer(schema_name: str, call_sid: str, answer: str) -> str:
    with schema_context(schema_name):
        from calls.selectors import call_get

        call = call_get(call_sid=call_sid)
        if call is None:
            raise services.CallStateError("Unknown call")
        return services.call_simulator_answer(call=call, answer=answer).status


def _final_view(schema_name: str, call_sid: str) -> dict:
    with schema_context(schema_name):
        from calls.selectors import call_get

        call = call_get(call_sid=call_sid)
        return {"type": "ended", "status": call.status, "outcome": call.outcome, "summary": call.summary}


class SimulatorCallConsumer(AsyncWebsocketConsumer):
    """A person takes a simulated call in the browser (see the module docstring)."""

    async def connect(self) -> None:
        from urllib.parse import parse_qs

        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        found = tokens.simulator_token_read((query.get("token") or [""])[0])
        call_sid = self.scope["url_route"]["kwargs"]["call_sid"]
        self.session: AgentSession | None = None
        self.wants_audio = True
        if found is None or found[1] != call_sid:
            await self.close(code=4403)
            return
        self.schema_name, self.call_sid = found
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if bytes_data is not None:
            if self.session is not None and self.session.audio_input and len(bytes_data) <= MAX_SIMULATOR_FRAME_BYTES:
                samples = np.frombuffer(bytes_data[: len(bytes_data) // 2 * 2], dtype="<i2")
                await self.session.push_audio(to_float32(samples))
            return
        try:
            message = json.loads(text_data or "")
        except ValueError:
            return
        kind = message.get("type")
        if kind == "answer" and self.session is None:
            await self._answer(str(message.get("answer") or "human"), str(message.get("mode") or "audio"))
        elif kind == "text" and self.session is not None:
            await self.session.push_text(str(message.get("text") or "")[:1000])
        elif kind == "hangup" and self.session is not None:
            await self.session.patient_hung_up()

    async def _answer(self, answer: str, mode: str) -> None:
        if answer not in ("human", "machine", "busy", "no-answer"):
            answer = "human"
        try:
            status = await database_sync_to_async(_simulator_answer)(self.schema_name, self.call_sid, answer)
        except services.CallStateError as exc:
            await self.send(text_data=json.dumps({"type": "error", "message": str(exc)}))
            await self.close(code=4409)
            return
        if status != "in-progress":
            await self.send(text_data=json.dumps(await database_sync_to_async(_final_view)(self.schema_name,
                                                                                          self.call_sid)))
            await self.close(code=1000)
            return
        self.wants_audio = mode == "audio"
        self.session = AgentSession(call_sid=self.call_sid, schema_name=self.schema_name, output=self,
                                    audio_input=mode == "audio", pace_output=mode == "audio")
        try:
            await self.session.start()
        except Exception:
            logger.exception("Could not start the simulated call")
            await self.send(text_data=json.dumps({"type": "error", "message": "The agent could not start"}))
            await self.close(code=1011)

    async def disconnect(self, code) -> None:
        if self.session is not None and not self.session.ended.is_set():
            await self.session.patient_hung_up()

    # -- AgentOutput ------------------------------------------------------------------------------
    async def agent_text(self, text: str) -> None:
        await self.send(text_data=json.dumps({"type": "agent", "text": text}))

    async def user_text(self, text: str) -> None:
        await self.send(text_data=json.dumps({"type": "user", "text": text}))

    async def agent_audio(self, samples: np.ndarray) -> None:
        await self.send(bytes_data=np.asarray(samples, dtype="<i2").tobytes())

    async def clear_audio(self) -> None:
        await self.send(text_data=json.dumps({"type": "clear"}))

    async def hangup(self) -> None:
        await self.send(text_data=json.dumps(await database_sync_to_async(_final_view)(self.schema_name,
                                                                                      self.call_sid)))
        await self.close(code=1000)
