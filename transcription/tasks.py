"""Celery tasks of the speech pipeline. They take ids and the clinic's schema name, never models."""

from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import schema_context

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def process_recording(schema_name: str, recording_id: int) -> str:
    """Process a stored recording of the clinic ``schema_name``; returns the final status.

    The work is claimed with a conditional update, so a redelivered task does nothing twice.
    """
    from clinics.models import Clinic
    from templates.selectors import TemplateNotFound, template_get
    from transcription.models import Recording
    from transcription.services import (
        AudioDecodeError, EncounterProcessingError, _mark_failed, audio_decode, encounter_process,
    )

    clinic = Clinic.objects.get(schema_name=schema_name)
    with schema_context(schema_name):
        claimed = Recording.objects.filter(id=recording_id, status=Recording.Status.UPLOADED).update(
            status=Recording.Status.PROCESSING
        )
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
