"""Storing a finished live session: Recording + Transcript in the clinic's schema, an optional note,
and usage; and the audit events of a session (:mod:`audit`). Synchronous (database): the consumer calls
these through ``database_sync_to_async``.

Audit: a session's recording takes the session's id as its public id (``recording_id`` is the
``session_id`` as a UUID), so every event of a session names one id: ``create`` of the recording and of
its transcript when they are stored (and of the note when one is written), by the key or clinician that
opened the socket; ``read`` of the transcript for each watcher that joins (written as it joins, so also
for a session that ends without storing anything), and of the note when a watcher receives it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import IO

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from audit.services import Action, ObjectType, audit_record
from clinics.models import ApiKey, Clinic, Service
from clinics.services import usage_record
from notes.engines.base import NoteEngineError, Turn, word_confidences
from notes.models import ClinicalNote
from notes.services import clinical_note_create, note_generate
from templates.selectors import TemplateNotFound, template_get
from transcription.live.base import LiveSegment
from transcription.models import Recording
from transcription.providers.base import TranscriptionResult, Utterance
from transcription.services import AudioProbe, recording_store_upload, transcript_store

__all__ = ["LIVE_PATH", "LiveSessionRecord", "live_note_write", "live_session_store", "live_template_check",
           "live_utterances", "live_vocabulary", "live_watch_audit"]

logger = logging.getLogger(__name__)

#: The path audit events of live sessions record (``/ws/transcribe``, the socket's route).
LIVE_PATH = "/ws/transcribe"


@dataclass(frozen=True)
class LiveSessionRecord:
    """What a stored session left: the recording's public id and the stored utterances."""

    recording_id: str
    recording_pk: int
    utterances: list[Utterance]


def live_utterances(finals: list[LiveSegment], *, max_pause: float = 1.5) -> list[Utterance]:
    """Merge consecutive finals of one speaker (at most ``max_pause`` seconds apart) into utterances.

    A live engine emits a turn as several finals as its words become stable; the stored transcript
    has one segment per utterance, like an uploaded recording's. Finals without a speaker count as
    speaker 0.
    """
    out: list[Utterance] = []
    for seg in finals:
        if not seg.text.strip():
            continue
        speaker = 0 if seg.speaker is None else seg.speaker
        if out and out[-1].speaker == speaker and seg.start - out[-1].end <= max_pause:
            last = out[-1]
            out[-1] = Utterance(speaker=speaker, text=f"{last.text} {seg.text.strip()}", start=last.start,
                                end=max(last.end, seg.end), words=last.words + tuple(seg.words))
        else:
            out.append(Utterance(speaker=speaker, text=seg.text.strip(), start=seg.start, end=seg.end,
                                 words=tuple(seg.words)))
    return out


def live_vocabulary(*, clinic: Clinic) -> list[str]:
    """``clinic``'s custom vocabulary terms (oldest first, read in its schema), as batch transcription
    selects them (:func:`transcription.vocabulary.vocabulary_terms`); each engine cuts them to its limit."""
    from transcription.vocabulary import vocabulary_terms

    with schema_context(clinic.schema_name):
        return vocabulary_terms()


def live_template_check(*, clinic: Clinic, key: str) -> str:
    """The key of the note template ``key`` usable by ``clinic`` (built-in or its own).

    Raises:
        TemplateNotFound: unknown or inactive template.
    """
    with schema_context(clinic.schema_name):
        return template_get(key=key).key


def live_session_store(
    *, clinic: Clinic, session_id: str, audio: IO[bytes], audio_format: str, duration_seconds: float,
    finals: list[LiveSegment], language: str, engine: str, template_key: str | None, api_key: ApiKey | None,
    actor: tuple[str, str] | None = None,
) -> LiveSessionRecord:
    """Store a finished (or interrupted) live session of ``clinic`` and record its usage.

    Args:
        session_id: the live session id (32 hex digits): the recording's public id (as a UUID), and kept in
            its original file name.
        audio: the session's decoded audio (16 kHz mono), a file of format ``audio_format`` (e.g. "flac").
        duration_seconds: audio length, seconds (billed as transcription usage).
        finals: every final segment sent to the client, in order.
        template_key: the template chosen for a note, if any (the note is written by :func:`live_note_write`).
        actor: ``(kind, label)`` of who opened the session (:attr:`LiveCaller.audit_actor`): the ``create``
            events of the recording and its transcript, written in the same transaction.
    Returns:
        :class:`LiveSessionRecord`.
    """
    utterances = live_utterances(finals)
    engine = engine[:40]  # Recording.speech_engine / Transcript.engine
    with schema_context(clinic.schema_name), transaction.atomic():
        recording = recording_store_upload(
            file=audio, original_filename=f"live-{session_id}.{audio_format}",
            probe=AudioProbe(source_format=audio_format, duration_seconds=duration_seconds, codec=audio_format),
            language=language, template_key=template_key or "general_consultation", source=Recording.Source.LIVE,
            recording_uuid=uuid.UUID(session_id),
        )
        recording.status = Recording.Status.COMPLETED
        recording.speech_engine = engine
        recording.num_speakers = len({u.speaker for u in utterances}) or None
        recording.processed_at = timezone.now()
        recording.save(update_fields=["status", "speech_engine", "num_speakers", "processed_at"])
        transcript_store(recording=recording, result=TranscriptionResult(
            utterances=utterances, words=[], duration_seconds=duration_seconds, language=language, engine=engine,
            num_speakers=recording.num_speakers or 0,
        ))
        usage_record(clinic=clinic, service=Service.TRANSCRIPTION, duration_seconds=duration_seconds, api_key=api_key)
        for object_type in (ObjectType.RECORDING, ObjectType.TRANSCRIPT):
            audit_record(action=Action.CREATE, object_type=object_type, object_id=recording.uuid, actor=actor,
                         path=LIVE_PATH)
    return LiveSessionRecord(recording_id=str(recording.uuid), recording_pk=recording.pk, utterances=utterances)


def live_note_write(*, clinic: Clinic, record: LiveSessionRecord, template_key: str, language: str,
                    actor: tuple[str, str] | None = None) -> str | None:
    """Write the clinical note of a stored session with ``template_key``; returns its Markdown.

    ``actor``: who opened the session (the note's ``create`` audit event).

    Returns None (and keeps the transcript) when the template is gone or every note engine failed:
    the client is told in the final message; the transcript is never lost because of the note.
    """
    with schema_context(clinic.schema_name):
        try:
            template = template_get(key=template_key)
        except TemplateNotFound:
            return None
        turns = [Turn(speaker=u.speaker, text=u.text, start=u.start, end=u.end,
                      words=word_confidences(getattr(u, "words", ()))) for u in record.utterances]
        try:
            result = note_generate(clinic=clinic, turns=turns, template=template, language=language)
        except NoteEngineError as exc:
            logger.warning("live session note failed (permanent=%s): %s", exc.permanent, exc.message)
            return None
        recording = Recording.objects.get(pk=record.recording_pk)
        with transaction.atomic():
            note = clinical_note_create(result=result, template_key=template.key, language=language,
                                        recording=recording)
            audit_record(action=Action.CREATE, object_type=ObjectType.NOTE, object_id=note.uuid, actor=actor,
                         path=LIVE_PATH)
        return note.content


def live_watch_audit(*, clinic: Clinic, session_id: str, actor: tuple[str, str], note: bool = False) -> None:
    """Record that a watcher (``actor``) reads session ``session_id``'s transcript, in ``clinic``'s log.

    ``note=False``: the watcher joins (``read`` of the transcript, object id = the session's future
    recording id, see the module docstring). ``note=True``: the watcher received the session's final
    message with its clinical note (``read`` of each note of that recording; none when none was written).
    """
    recording_id = uuid.UUID(session_id)
    with schema_context(clinic.schema_name):
        if not note:
            audit_record(action=Action.READ, object_type=ObjectType.TRANSCRIPT, object_id=recording_id, actor=actor,
                         path=LIVE_PATH)
            return
        for note_id in ClinicalNote.objects.filter(recording__uuid=recording_id).values_list("uuid", flat=True):
            audit_record(action=Action.READ, object_type=ObjectType.NOTE, object_id=note_id, actor=actor,
                         path=LIVE_PATH)
