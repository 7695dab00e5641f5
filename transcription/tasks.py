"""Celery tasks of the speech pipeline. They take ids and the clinic's schema name, never models.

Exactly-once processing with redelivery (``acks_late``, ``reject_on_worker_lost``): whoever processes a
recording first takes a PostgreSQL advisory lock on it (:func:`recording_lock`), held on a connection of
its own for the whole processing. PostgreSQL drops the lock the moment that connection dies, so a worker
killed mid-transcription (SIGKILL, machine lost) frees the recording at once: its redelivered task (or the
``resume_recordings`` sweep) takes the lock, finds the recording still ``processing`` and processes it
again from the stored audio. A duplicate delivery while the first worker is alive finds the lock taken and
does nothing; one after the end finds the recording ``completed``/``failed`` and does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from celery import shared_task
from django.db import connection
from django_tenants.utils import schema_context

logger = logging.getLogger(__name__)


@contextmanager
def recording_lock(schema_name: str, recording_id: int) -> Iterator[bool]:
    """Try to take the processing lock of one recording; yields whether this process holds it.

    A session-level ``pg_try_advisory_lock`` on a dedicated autocommit connection (not one of the pool's,
    which could go back to the pool still holding it), closed on exit, which releases the lock. Keyed
    by ``hashtext('recording:<schema>:<id>')``, so ids of different clinics never collide on purpose;
    a rare hash collision only makes one recording wait for another.
    """
    import psycopg

    params = connection.get_connection_params()
    lock_connection = psycopg.connect(**params, autocommit=True)
    try:
        key = f"recording:{schema_name}:{recording_id}"
        held = lock_connection.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [key]).fetchone()[0]
        yield bool(held)
    finally:
        lock_connection.close()


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def process_recording(schema_name: str, recording_id: int) -> str:
    """Process a stored recording of the clinic ``schema_name``; returns the final status.

    Returns ``"skipped"`` when another live worker holds the recording or it is already done. A recording
    left ``processing`` by a dead worker is processed again from its stored audio (the transcript is
    replaced; the note, the usage row and ``completed`` are written in one transaction at the end, so
    they exist once).
    """
    from clinics.models import Clinic
    from templates.selectors import TemplateNotFound, template_get
    from transcription.models import Recording
    from transcription.services import (
        AudioDecodeError, EncounterProcessingError, _mark_failed, audio_decode, encounter_process,
    )

    clinic = Clinic.objects.get(schema_name=schema_name)
    with schema_context(schema_name), recording_lock(schema_name, recording_id) as held:
        if not held:
            return "skipped"
        claimed = Recording.objects.filter(
            id=recording_id, status__in=(Recording.Status.UPLOADED, Recording.Status.PROCESSING),
        ).update(status=Recording.Status.PROCESSING)
        if not claimed:
            return "skipped"
        recording = Recording.objects.get(id=recording_id)
        try:
            template = template_get(key=recording.template_key)
            with recording.audio.open("rb") as handle:
                audio = audio_decode(handle)
        except (TemplateNotFound, AudioDecodeError) as exc:
            _mark_failed(recording, f"Cannot process recording: {exc}")
            return recording.status
        try:
            encounter_process(clinic=clinic, recording=recording, audio=audio, template=template)
        except EncounterProcessingError as exc:
            logger.warning("Recording %s failed at %s", recording.uuid, exc.stage)
        return Recording.objects.get(id=recording_id).status


@shared_task(acks_late=True)
def process_uploaded_recording(schema_name: str, recording_id: int) -> str:
    """Run :func:`process_recording` for an upload and make any crash visible on the recording.

    ``process_recording`` marks expected failures (bad audio, engine errors) itself; an unexpected
    exception would leave the recording ``processing`` forever, so clients polling its status would
    wait in vain. Here it is logged and the recording marked ``failed``; returns the final status.
    """
    from django.utils import timezone

    from transcription.models import Recording

    try:
        return process_recording(schema_name, recording_id)
    except Exception:  # noqa: BLE001 - any crash must end as a visible failure, not a stuck status
        logger.exception("Processing of recording %s in %s crashed", recording_id, schema_name)
        with schema_context(schema_name):
            Recording.objects.filter(id=recording_id, status=Recording.Status.PROCESSING).update(
                status=Recording.Status.FAILED, failure_reason="Processing failed unexpectedly; upload it again.",
                processed_at=timezone.now(),
            )
        return Recording.Status.FAILED


def recordings_resume(*, older_than_seconds: float, schema_names: list[str] | None = None) -> int:
    """Enqueue every recording no worker is on: ``processing`` with its lock free (its worker died and
    its message is gone, e.g. an in-process job of a server that was killed), or ``uploaded`` for more
    than ``older_than_seconds`` (its task was never queued, e.g. the broker was down at upload).

    Returns how many were enqueued. Safe to run any time: a recording that is being processed is
    skipped here and a duplicate task is a no-op (:func:`recording_lock`).
    """
    from datetime import timedelta

    from django.utils import timezone

    from booking.selectors import clinic_schemas
    from transcription.models import Recording

    count = 0
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    for schema_name in schema_names if schema_names is not None else clinic_schemas():
        with schema_context(schema_name):
            stalled = list(Recording.objects.filter(status=Recording.Status.PROCESSING).values_list("id", flat=True))
            waiting = list(Recording.objects.filter(status=Recording.Status.UPLOADED, created_at__lt=cutoff)
                           .values_list("id", flat=True))
            for recording_id in stalled:
                with recording_lock(schema_name, recording_id) as held:
                    if not held:
                        continue  # a live worker is on it
                process_uploaded_recording.delay(schema_name, recording_id)
                count += 1
            for recording_id in waiting:
                process_uploaded_recording.delay(schema_name, recording_id)
                count += 1
    if count:
        logger.info("Re-enqueued %d recording(s) left behind", count)
    return count


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=150)
def resume_recordings() -> int:
    """Beat entry (every 5 minutes): :func:`recordings_resume` over every clinic; returns how many."""
    from django.conf import settings

    return recordings_resume(older_than_seconds=settings.MEDSYNC_RESUME_AFTER_SECONDS)
