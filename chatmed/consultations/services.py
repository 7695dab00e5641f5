"""Video teleconsultations: rooms, their state, the waiting room and live notifications.

A room (:class:`VideoConsultation`) is ``waiting`` until both roles have a signalling socket open, then
``active``; ``end`` makes it ``ended`` and ``cancel`` (before it started) ``cancelled``; both close the
open sockets. Notifications go through the Channels layer (in-memory in one process, channels-redis
across processes) after the transaction commits:

* group :func:`room_group` — the room's sockets (signalling, presence, admitted, closed);
* group :func:`doctor_group` — every open room page of a doctor (waiting-room updates).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from chatmed.api.base import ChatMedError, NotFound, ValidationFailed
from chatmed.consultations.tokens import room_token
from chatmed.models import VideoConsultation, WaitingRoomEntry, new_public_id

logger = logging.getLogger("chatmed.consultations")

Status = VideoConsultation.Status
OPEN_STATUSES = (Status.WAITING, Status.ACTIVE)


def room_group(schema_name: str, consultation_id: int) -> str:
    """Channels group of one room's sockets (names: ASCII letters, digits, ``._-``; < 100 characters)."""
    return f"vc.{schema_name}.{consultation_id}"


def doctor_group(schema_name: str, doctor_id: str, is_sandbox: bool) -> str:
    """Channels group of a doctor's open room pages (the caller's ``doctor_id`` hashed into a safe name)."""
    digest = hashlib.sha256(f"{doctor_id}|{int(is_sandbox)}".encode()).hexdigest()[:24]
    return f"vcdoc.{schema_name}.{digest}"


#: The event loop the signalling sockets of this process run on (set by the consumer at connect).
_socket_loop: asyncio.AbstractEventLoop | None = None


def remember_socket_loop() -> None:
    """Called on the sockets' event loop: :func:`notify` hands in-memory layer sends to it."""
    global _socket_loop
    _socket_loop = asyncio.get_running_loop()


def _send_now(layer, group: str, message: dict) -> None:
    from channels.layers import InMemoryChannelLayer

    if isinstance(layer, InMemoryChannelLayer):
        # The in-memory layer's queues belong to the sockets' event loop and are not thread-safe: a send
        # from an HTTP worker thread (its own loop) may not wake the waiting socket. Run it on that loop.
        loop = _socket_loop
        if loop is None or loop.is_closed():
            return  # no socket has ever been open in this process: nobody to tell
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            loop.create_task(layer.group_send(group, message))
            return
        asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop).result(timeout=5)
    else:
        async_to_sync(layer.group_send)(group, message)


def notify(group: str, message: dict) -> None:
    """Send ``message`` (``{"type": "room.event", "event": {...}}``) to ``group`` once the transaction commits."""
    layer = get_channel_layer()
    if layer is None:
        return

    def send() -> None:
        try:
            _send_now(layer, group, message)
        except Exception as exc:  # a notification must never undo the change it announces
            logger.warning("channel layer send failed: %s", type(exc).__name__)

    transaction.on_commit(send, robust=True)


def _event(event: dict) -> dict:
    return {"type": "room.event", "event": event}


def consultation_get(*, public_id: str, is_sandbox: bool, for_update: bool = False) -> VideoConsultation:
    """The room ``public_id`` of the current clinic and mode. Raises :class:`NotFound`."""
    queryset = VideoConsultation.objects.filter(public_id=public_id, is_sandbox=is_sandbox)
    consultation = (queryset.select_for_update() if for_update else queryset).first()
    if consultation is None:
        raise NotFound(f"Video session {public_id!r} does not exist.")
    return consultation


@transaction.atomic
def consultation_create(*, is_sandbox: bool, doctor_id: str, patient_id: str, scheduled_at: datetime | None,
                        language: str, enable_recording: bool, patient_consent: bool) -> VideoConsultation:
    """A new ``waiting`` room; expires ``CHATMED_VIDEO_ROOM_TTL_SECONDS`` after ``scheduled_at`` (or now).

    Raises:
        ValidationFailed: ``enable_recording`` without the patient's recorded consent; ``scheduled_at``
            in the past (more than 5 minutes).
    """
    now = timezone.now()
    if enable_recording and not patient_consent:
        raise ValidationFailed("enable_recording: recording requires the patient's consent "
                               "(send patient_consent: true once the patient agreed).")
    if scheduled_at is not None and scheduled_at < now - timedelta(minutes=5):
        raise ValidationFailed("scheduled_at: the time is in the past.")
    start = max(scheduled_at or now, now)
    return VideoConsultation.objects.create(
        public_id=new_public_id("vs"), is_sandbox=is_sandbox, doctor_id=doctor_id, patient_id=patient_id,
        scheduled_at=scheduled_at, language=language, enable_recording=enable_recording,
        recording_consent_at=now if enable_recording else None,
        expires_at=start + timedelta(seconds=settings.CHATMED_VIDEO_ROOM_TTL_SECONDS))


def consultation_tokens(consultation: VideoConsultation) -> dict[str, str]:
    """``{"doctor": token, "patient": token}`` (see :mod:`chatmed.consultations.tokens`)."""
    return {role: room_token(schema_name=connection.schema_name, session_id=consultation.public_id, role=role,
                             is_sandbox=consultation.is_sandbox, expires_at=consultation.expires_at)
            for role in ("doctor", "patient")}


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def consultation_status(consultation: VideoConsultation) -> dict:
    """``{"session_id", "status", "connected": {"doctor": since|None, "patient": since|None}, "scheduled_at",
    "started_at", "ended_at", "expires_at", "enable_recording", "recording_id", "waiting_room": [...]}``."""
    return {
        "session_id": consultation.public_id,
        "status": consultation.status,
        "doctor_id": consultation.doctor_id,
        "patient_id": consultation.patient_id,
        "connected": {"doctor": _iso(consultation.doctor_connected_at),
                      "patient": _iso(consultation.patient_connected_at)},
        "scheduled_at": _iso(consultation.scheduled_at),
        "started_at": _iso(consultation.started_at),
        "ended_at": _iso(consultation.ended_at),
        "expires_at": _iso(consultation.expires_at),
        "language": consultation.language,
        "enable_recording": consultation.enable_recording,
        "recording_id": str(consultation.recording.uuid) if consultation.recording_id else None,
    }


def _close(consultation: VideoConsultation, status: str) -> VideoConsultation:
    consultation.status, consultation.ended_at = status, timezone.now()
    consultation.save(update_fields=["status", "ended_at"])
    WaitingRoomEntry.objects.filter(consultation=consultation, status=WaitingRoomEntry.Status.WAITING).update(
        status=WaitingRoomEntry.Status.LEFT)
    notify(room_group(connection.schema_name, consultation.pk), _event({"type": "closed", "status": status}))
    return consultation


@transaction.atomic
def consultation_cancel(*, public_id: str, is_sandbox: bool) -> VideoConsultation:
    """``waiting`` → ``cancelled``. Raises NotFound; ValidationFailed when it started or is over."""
    consultation = consultation_get(public_id=public_id, is_sandbox=is_sandbox, for_update=True)
    if consultation.status != Status.WAITING:
        raise ValidationFailed(f"The session is {consultation.status}; only a waiting session can be cancelled.")
    return _close(consultation, Status.CANCELLED)


@transaction.atomic
def consultation_end(*, public_id: str, is_sandbox: bool) -> VideoConsultation:
    """``waiting``/``active`` → ``ended``. Raises NotFound; ValidationFailed when already over."""
    consultation = consultation_get(public_id=public_id, is_sandbox=is_sandbox, for_update=True)
    if consultation.status not in OPEN_STATUSES:
        raise ValidationFailed(f"The session is already {consultation.status}.")
    return _close(consultation, Status.ENDED)


# --- the signalling socket's state changes (called by the consumer inside the clinic's schema) ------

class RoomRefused(Exception):
    """The room cannot be joined now (``reason``: ``not_found``, ``closed``, ``expired``, ``busy``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _presence(consultation: VideoConsultation) -> dict:
    return {"type": "presence", "status": consultation.status,
            "doctor": consultation.doctor_connected_at is not None,
            "patient": consultation.patient_connected_at is not None}


@transaction.atomic
def room_join(*, public_id: str, is_sandbox: bool, role: str) -> tuple[VideoConsultation, WaitingRoomEntry | None]:
    """Mark ``role`` connected; ``active`` once both are. A joining patient not yet admitted is put in the
    waiting room (the doctor's pages are told). Returns ``(room, waiting entry or None)``.

    Raises:
        RoomRefused: unknown room, closed (ended/cancelled), expired, or ``role`` already connected.
    """
    consultation = VideoConsultation.objects.select_for_update().filter(public_id=public_id, is_sandbox=is_sandbox).first()
    if consultation is None:
        raise RoomRefused("not_found")
    if consultation.status not in OPEN_STATUSES:
        raise RoomRefused("closed")
    now = timezone.now()
    if consultation.expires_at <= now:
        raise RoomRefused("expired")
    field = f"{role}_connected_at"
    if getattr(consultation, field) is not None:
        raise RoomRefused("busy")
    setattr(consultation, field, now)
    fields = [field]
    if consultation.doctor_connected_at and consultation.patient_connected_at and consultation.status == Status.WAITING:
        consultation.status, consultation.started_at = Status.ACTIVE, now
        fields += ["status", "started_at"]
    consultation.save(update_fields=fields)
    entry = None
    if role == "patient":
        entry = consultation.waiting_entries.exclude(status=WaitingRoomEntry.Status.LEFT).order_by("-id").first()
        if entry is None or entry.status == WaitingRoomEntry.Status.LEFT:
            entry = WaitingRoomEntry.objects.create(
                public_id=new_public_id("wr"), is_sandbox=is_sandbox, doctor_id=consultation.doctor_id,
                patient_id=consultation.patient_id, consultation=consultation)
        if entry.status == WaitingRoomEntry.Status.WAITING:
            notify(doctor_group(connection.schema_name, consultation.doctor_id, is_sandbox),
                   _event({"type": "waiting_room", "entry": waiting_entry_view(entry)}))
    notify(room_group(connection.schema_name, consultation.pk), _event(_presence(consultation)))
    return consultation, entry


@transaction.atomic
def room_leave(*, consultation_id: int, role: str) -> None:
    """Mark ``role`` disconnected and tell the room."""
    consultation = VideoConsultation.objects.select_for_update().filter(pk=consultation_id).first()
    if consultation is None:
        return
    setattr(consultation, f"{role}_connected_at", None)
    consultation.save(update_fields=[f"{role}_connected_at"])
    if role == "patient":
        consultation.waiting_entries.filter(status=WaitingRoomEntry.Status.WAITING).update(
            status=WaitingRoomEntry.Status.LEFT)
    notify(room_group(connection.schema_name, consultation.pk), _event(_presence(consultation)))


# --- waiting room ------------------------------------------------------------------------------------

def waiting_entry_view(entry: WaitingRoomEntry) -> dict:
    """``{"entry_id", "patient_id", "doctor_id", "reason", "status", "session_id", "waiting_since", "admitted_at"}``."""
    return {"entry_id": entry.public_id, "patient_id": entry.patient_id, "doctor_id": entry.doctor_id,
            "reason": entry.reason, "status": entry.status,
            "session_id": entry.consultation.public_id if entry.consultation_id else None,
            "waiting_since": _iso(entry.created_at), "admitted_at": _iso(entry.admitted_at)}


@transaction.atomic
def waiting_room_enter(*, is_sandbox: bool, patient_id: str, doctor_id: str, reason: str = "",
                       session_id: str | None = None) -> WaitingRoomEntry:
    """Queue ``patient_id`` for ``doctor_id`` (optionally for an existing room); the doctor's open pages
    are notified live. Raises NotFound (unknown ``session_id``), ValidationFailed (room of another
    doctor/patient, or closed)."""
    consultation = None
    if session_id:
        consultation = consultation_get(public_id=session_id, is_sandbox=is_sandbox)
        if consultation.doctor_id != doctor_id or consultation.patient_id != patient_id:
            raise ValidationFailed("session_id: the session belongs to another doctor or patient.")
        if consultation.status not in OPEN_STATUSES:
            raise ValidationFailed(f"session_id: the session is {consultation.status}.")
    entry = WaitingRoomEntry.objects.create(public_id=new_public_id("wr"), is_sandbox=is_sandbox, doctor_id=doctor_id,
                                            patient_id=patient_id, reason=reason, consultation=consultation)
    notify(doctor_group(connection.schema_name, doctor_id, is_sandbox),
           _event({"type": "waiting_room", "entry": waiting_entry_view(entry)}))
    return entry


def waiting_room_list(*, is_sandbox: bool, doctor_id: str) -> list[WaitingRoomEntry]:
    """The patients still waiting for ``doctor_id``, first come first."""
    return list(WaitingRoomEntry.objects.filter(is_sandbox=is_sandbox, doctor_id=doctor_id,
                                                status=WaitingRoomEntry.Status.WAITING).select_related("consultation"))


@transaction.atomic
def waiting_room_admit(*, is_sandbox: bool, entry_id: str, doctor_id: str | None = None) -> WaitingRoomEntry:
    """Admit a waiting patient: the entry gets a room (a new one when it had none) and the room is told
    (the patient's page then starts the call). ``doctor_id``, when given (the doctor's socket), must match.

    Raises:
        NotFound: unknown entry (or another doctor's). ValidationFailed: not waiting any more.
    """
    entry = (WaitingRoomEntry.objects.select_for_update(of=("self",)).filter(public_id=entry_id, is_sandbox=is_sandbox)
             .select_related("consultation").first())
    if entry is None or (doctor_id is not None and entry.doctor_id != doctor_id):
        raise NotFound(f"Waiting-room entry {entry_id!r} does not exist.")
    if entry.status != WaitingRoomEntry.Status.WAITING:
        raise ValidationFailed(f"The patient is no longer waiting ({entry.status}).")
    if entry.consultation is None:
        entry.consultation = consultation_create(
            is_sandbox=is_sandbox, doctor_id=entry.doctor_id, patient_id=entry.patient_id, scheduled_at=None,
            language="en", enable_recording=False, patient_consent=False)
    entry.status, entry.admitted_at = WaitingRoomEntry.Status.ADMITTED, timezone.now()
    entry.save(update_fields=["status", "admitted_at", "consultation"])
    view = waiting_entry_view(entry)
    notify(room_group(connection.schema_name, entry.consultation.pk), _event({"type": "admitted", "entry": view}))
    notify(doctor_group(connection.schema_name, entry.doctor_id, is_sandbox), _event({"type": "waiting_room", "entry": view}))
    return entry


def patient_admitted(consultation: VideoConsultation) -> bool:
    """Whether the room's patient was admitted (so the call may start)."""
    return consultation.waiting_entries.filter(status=WaitingRoomEntry.Status.ADMITTED).exists()


# --- recording ---------------------------------------------------------------------------------------

def consultation_recording_store(*, consultation: VideoConsultation, file, original_filename: str, audio,
                                 process: bool, clinic) -> "object":
    """Store the consultation's audio as a :class:`transcription.models.Recording` (the same storage and
    pipeline as any recording) and link it; with ``process`` enqueue transcription + note.

    Raises:
        ChatMedError(403): recording not enabled with the patient's consent for this session.
    """
    from transcription.services import recording_enqueue, recording_store

    if not consultation.enable_recording or consultation.recording_consent_at is None:
        raise ChatMedError("Recording is not enabled with the patient's consent for this session.", 403)
    with transaction.atomic():
        recording = recording_store(file=file, original_filename=original_filename, audio=audio,
                                    language=consultation.language, template_key="general_consultation")
        consultation.recording = recording
        consultation.save(update_fields=["recording"])
        if process:
            recording_enqueue(clinic=clinic, recording=recording)
    return recording
