"""``/ws/consultations/<session_id>?token=…&role=…``: WebRTC signalling of a video consultation.

Authenticated at connect by the room token (:mod:`chatmed.consultations.tokens`): the token's room
must be this one, its role the ``role`` the join URL names, and it must not have expired; the room must
be open and that role not already connected. A refused handshake never reaches the room.

Client → server (JSON text frames, ≤ :data:`MAX_MESSAGE_BYTES`):
``{"type": "offer"|"answer"|"ice"|"ready"|"bye", ...}`` — relayed unchanged (plus ``from``) to the other
role; ``{"type": "admit", "entry_id"}`` (doctor only) admits a waiting patient.
Server → client: ``hello`` (role, ICE servers, admitted, waiting room), ``presence``, ``waiting_room``,
``admitted``, ``closed`` (the socket is then closed), relayed signalling, ``error``.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django_tenants.utils import schema_context

from chatmed.api.base import ChatMedError
from chatmed.consultations import services
from chatmed.consultations.tokens import RoomTokenError, room_token_read

logger = logging.getLogger("chatmed.consultations")

MAX_MESSAGE_BYTES = 64 * 1024
RELAYED = frozenset({"offer", "answer", "ice", "ready", "bye"})
#: Close codes (4000-4999 are the application's): refused before acceptance the browser sees a failed handshake.
CLOSE_REFUSED = 4403
CLOSE_ROOM_CLOSED = 4410


def _join(schema_name: str, session_id: str, is_sandbox: bool, role: str) -> dict:
    with schema_context(schema_name):
        consultation, entry = services.room_join(public_id=session_id, is_sandbox=is_sandbox, role=role)
        waiting = ([services.waiting_entry_view(e) for e in services.waiting_room_list(
            is_sandbox=is_sandbox, doctor_id=consultation.doctor_id)] if role == "doctor" else [])
        return {"id": consultation.pk, "doctor_id": consultation.doctor_id, "status": consultation.status,
                "admitted": services.patient_admitted(consultation), "waiting": waiting,
                "entry": services.waiting_entry_view(entry) if entry else None}


def _leave(schema_name: str, consultation_id: int, role: str) -> None:
    with schema_context(schema_name):
        services.room_leave(consultation_id=consultation_id, role=role)


def _admit(schema_name: str, is_sandbox: bool, entry_id: str, doctor_id: str) -> None:
    with schema_context(schema_name):
        services.waiting_room_admit(is_sandbox=is_sandbox, entry_id=entry_id, doctor_id=doctor_id)


class VideoSignallingConsumer(AsyncWebsocketConsumer):
    """One participant's signalling socket (see the module docstring)."""

    async def connect(self) -> None:
        services.remember_socket_loop()
        self.groups_joined: list[str] = []
        self.room: dict | None = None
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        role = (query.get("role") or [None])[0]
        try:
            self.grant = room_token_read((query.get("token") or [""])[0], session_id=session_id, role=role)
        except RoomTokenError as exc:
            logger.info("video signalling refused: %s", exc.reason)
            await self.close(code=CLOSE_REFUSED)
            return
        try:
            self.room = await database_sync_to_async(_join)(self.grant.schema_name, session_id, self.grant.is_sandbox,
                                                            self.grant.role)
        except services.RoomRefused as exc:
            logger.info("video signalling refused: room %s", exc.reason)
            await self.close(code=CLOSE_REFUSED)
            return
        groups = [services.room_group(self.grant.schema_name, self.room["id"])]
        if self.grant.role == "doctor":
            groups.append(services.doctor_group(self.grant.schema_name, self.room["doctor_id"], self.grant.is_sandbox))
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()
        await self._send({"type": "hello", "role": self.grant.role, "session_id": session_id,
                          "status": self.room["status"], "admitted": self.room["admitted"],
                          "waiting_room": self.room["waiting"], "ice_servers": settings.CHATMED_VIDEO_ICE_SERVERS})

    async def disconnect(self, code) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.room is not None and self.groups_joined:
            await database_sync_to_async(_leave)(self.grant.schema_name, self.room["id"], self.grant.role)
        self.groups_joined = []

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if text_data is None or len(text_data) > MAX_MESSAGE_BYTES:
            await self._send({"type": "error", "message": f"send JSON text frames of at most {MAX_MESSAGE_BYTES} bytes"})
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            await self._send({"type": "error", "message": "not a JSON object"})
            return
        kind = message.get("type")
        if kind in RELAYED:
            await self.channel_layer.group_send(self.groups_joined[0], {
                "type": "room.relay", "sender": self.channel_name, "message": {**message, "from": self.grant.role}})
        elif kind == "admit" and self.grant.role == "doctor":
            try:
                await database_sync_to_async(_admit)(self.grant.schema_name, self.grant.is_sandbox,
                                                     str(message.get("entry_id") or ""), self.room["doctor_id"])
            except ChatMedError as exc:
                await self._send({"type": "error", "message": str(exc.detail)})
        else:
            await self._send({"type": "error", "message": f"unknown or forbidden message type {kind!r}"})

    # --- channel layer handlers ---
    async def room_relay(self, event: dict) -> None:
        if event["sender"] != self.channel_name:
            await self._send(event["message"])

    async def room_event(self, event: dict) -> None:
        await self._send(event["event"])
        if event["event"].get("type") == "closed":
            await self.close(code=CLOSE_ROOM_CLOSED)

    async def _send(self, payload: dict) -> None:
        await self.send(text_data=json.dumps(payload))
