"""Writes of patients and appointments, and the appointment workflow (recording, note, diagnosis)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from clinics.models import Clinic
from notes.diagnosis.base import DiagnosisSuggestion, SourceText
from notes.engines.base import CLINICIAN, Turn, word_confidences
from notes.models import ClinicalNote
from notes.services import clinical_note_write, diagnosis_suggest, note_generate
from records.models import MAX_SPEAKER_NAME_LENGTH, MAX_SPEAKERS, Appointment, Patient
from records.selectors import appointment_note
from templates.builtin import SUPPORTED_LANGUAGES, TemplateSpec
from templates.selectors import TemplateNotFound, template_keys, template_resolve
from transcription.models import Recording
from transcription.selectors import transcript_segments
from transcription.services import audio_probe, recording_enqueue, recording_store_upload


class RecordInvalid(ValueError):
    """Invalid input found beyond field validation; the message names the field (400)."""


class RecordConflict(Exception):
    """The request conflicts with the appointment's state (409)."""


class NothingToDocument(Exception):
    """The appointment has no transcript, note or clinician notes to work from."""


# --- patients ----------------------------------------------------------------------------------


@transaction.atomic
def patient_create(*, data: dict, created_by: str) -> Patient:
    """Create a patient from validated fields (``first_name``, ``last_name``, ``date_of_birth``,
    ``address``, ``insurance``, ``contact``)."""
    return Patient.objects.create(created_by=created_by, **data)


@transaction.atomic
def patient_update(*, patient: Patient, data: dict) -> Patient:
    """Change the given fields of ``patient`` (nested objects are replaced as a whole)."""
    for name, value in data.items():
        setattr(patient, name, value)
    patient.save()
    return patient


def patient_archive(*, patient: Patient) -> None:
    """Remove the patient from the API; its clinical records are kept (see :class:`records.models.Patient`)."""
    patient.deleted_at = timezone.now()
    patient.save(update_fields=["deleted_at", "updated_at"])


# --- appointments ------------------------------------------------------------------------------


def notes_type_template(notes_type: str) -> TemplateSpec:
    """The note template an appointment's ``notes_type`` names (``"SOAP"``, ``"soap_clinical_notes_de"``, ...).

    Raises:
        RecordInvalid: no template of the clinic matches.
    """
    try:
        return template_resolve(name=notes_type)
    except TemplateNotFound:
        raise RecordInvalid(
            f"notes_type: unknown note template {notes_type!r}; available: {', '.join(template_keys())}"
        ) from None


def _check_appointment(data: dict) -> None:
    if "notes_type" in data:
        notes_type_template(data["notes_type"])
    if "language" in data and data["language"] not in SUPPORTED_LANGUAGES:
        raise RecordInvalid(f"language: unsupported language {data['language']!r}; "
                            f"supported: {', '.join(SUPPORTED_LANGUAGES)}")


@transaction.atomic
def appointment_create(*, patient: Patient, data: dict, created_by: str) -> Appointment:
    """Create an appointment of ``patient``.

    Raises:
        RecordInvalid: unknown ``notes_type`` or unsupported ``language``.
    """
    _check_appointment(data)
    return Appointment.objects.create(patient=patient, created_by=created_by, **data)


@transaction.atomic
def appointment_update(*, appointment: Appointment, data: dict) -> Appointment:
    """Change the given fields (status, date, time, template, ...) of ``appointment``."""
    _check_appointment(data)
    for name, value in data.items():
        setattr(appointment, name, value)
    appointment.save()
    return appointment


def speaker_names_clean(names: Mapping) -> dict[str, str]:
    """Check the display names of an encounter's speakers and return them in stored form.

    Args:
        names: speaker index (``int`` or its decimal string, 0 to ``MAX_SPEAKERS - 1``) -> display name.
            Names are stripped and inner runs of whitespace become one space; an empty name means
            "the default label" and is dropped.
    Returns:
        ``{"0": "Dr. Ruiz", "1": "Ana"}``: string keys (JSON object keys) in index order.
    Raises:
        RecordInvalid: more than ``MAX_SPEAKERS`` entries, an index that is not 0-7, a name that is
            not a string, longer than ``MAX_SPEAKER_NAME_LENGTH`` characters or holding control characters.
    """
    if not isinstance(names, Mapping):
        raise RecordInvalid("speaker_names: expected an object of speaker index -> name")
    if len(names) > MAX_SPEAKERS:
        raise RecordInvalid(f"speaker_names: at most {MAX_SPEAKERS} speakers")
    cleaned: dict[int, str] = {}
    for key, value in names.items():
        text = str(key).strip()
        if isinstance(key, bool) or not text.isdecimal() or not 0 <= int(text) < MAX_SPEAKERS:
            raise RecordInvalid(f"speaker_names: speaker index must be 0 to {MAX_SPEAKERS - 1}, not {str(key)[:20]!r}")
        if not isinstance(value, str):
            raise RecordInvalid(f"speaker_names: the name of speaker {text} must be text")
        if any(unicodedata.category(c) in ("Cc", "Cf") and not c.isspace() for c in value):
            raise RecordInvalid(f"speaker_names: the name of speaker {text} holds control characters")
        name = " ".join(value.split())
        if len(name) > MAX_SPEAKER_NAME_LENGTH:
            raise RecordInvalid(f"speaker_names: the name of speaker {text} is longer than "
                                f"{MAX_SPEAKER_NAME_LENGTH} characters")
        if name:
            cleaned[int(text)] = name
    return {str(index): cleaned[index] for index in sorted(cleaned)}


@transaction.atomic
def appointment_speaker_names_set(*, appointment: Appointment, names: Mapping) -> tuple[Appointment, bool]:
    """Set the display names of ``appointment``'s speakers (checked by :func:`speaker_names_clean`).

    Indices in ``names`` are replaced (an empty name resets that speaker to its default label);
    indices not in ``names`` keep their name, so a page showing fewer speakers than another cannot
    erase the others' names. The row is locked while it is read and written, so two browsers saving
    at once both land, one after the other.

    Returns:
        ``(appointment, changed)``: the appointment with its stored names, and whether they changed.
    Raises:
        RecordInvalid: the names are not valid (the message names the problem).
    """
    cleaned = speaker_names_clean(names)
    current = Appointment.objects.select_for_update().values_list("speaker_names", flat=True).get(pk=appointment.pk)
    merged = {int(k): v for k, v in (current or {}).items() if str(k).isdecimal()}
    for key in names:
        merged.pop(int(str(key).strip()), None)
    merged.update({int(k): v for k, v in cleaned.items()})
    stored = {str(index): merged[index] for index in sorted(merged)}
    changed = stored != (current or {})
    if changed:
        Appointment.objects.filter(pk=appointment.pk).update(speaker_names=stored, updated_at=timezone.now())
    appointment.refresh_from_db(fields=["speaker_names", "updated_at"])
    return appointment, changed


@transaction.atomic
def appointment_recording_add(*, clinic: Clinic, appointment: Appointment, upload) -> Recording:
    """Store an uploaded recording for ``appointment`` and queue its processing (Celery).

    ``upload`` is a Django uploaded file already on disk (``temporary_file_path()``); it is checked
    (container, codec, declared length) without decoding it all, copied to the clinic's media
    folder, and the speech pipeline transcribes it and writes the note with the appointment's
    template and language after the transaction commits. A new upload replaces an earlier,
    finished recording of the appointment (which stays stored).

    Raises:
        AudioDecodeError: not a supported, decodable recording.
        RecordConflict: the appointment's current recording is still being processed.
    """
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    current = appointment.recording
    if current is not None and current.status in (Recording.Status.UPLOADED, Recording.Status.PROCESSING):
        raise RecordConflict("The appointment's recording is still being processed; wait for it to finish")
    probe = audio_probe(upload.temporary_file_path())
    template = notes_type_template(appointment.notes_type)
    recording = recording_store_upload(
        file=upload, original_filename=upload.name or "audio", probe=probe, language=appointment.language,
        template_key=template.key,
    )
    appointment.recording = recording
    appointment.note = None  # the recording's own note becomes the appointment's
    appointment.save(update_fields=["recording", "note", "updated_at"])
    recording_enqueue(clinic=clinic, recording=recording)
    return recording


@transaction.atomic
def appointment_live_recording_attach(*, appointment: Appointment, recording_id: str) -> Recording:
    """Make a stored live session (``/ws/transcribe``, its ``recording_id``) the appointment's recording.

    Its note, when the session wrote one, becomes the appointment's note (see ``appointment_note``).

    Raises:
        RecordInvalid: no finished live recording with that id in this clinic.
        RecordConflict: the appointment's current recording is still being processed.
    """
    from records.selectors import _uuid

    key = _uuid(recording_id)
    recording = (Recording.objects.filter(uuid=key, source=Recording.Source.LIVE, status=Recording.Status.COMPLETED)
                 .first() if key else None)
    if recording is None:
        raise RecordInvalid("recording_id: no finished live recording with this id")
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    current = appointment.recording
    if current is not None and current.pk != recording.pk and current.status in (
            Recording.Status.UPLOADED, Recording.Status.PROCESSING):
        raise RecordConflict("The appointment's recording is still being processed; wait for it to finish")
    appointment.recording = recording
    appointment.note = None
    appointment.save(update_fields=["recording", "note", "updated_at"])
    return recording


def appointment_turns(*, appointment: Appointment) -> list[Turn]:
    """The diarized transcript of the appointment's recording as note-engine turns (``[]`` if none yet)."""
    if appointment.recording_id is None:
        return []
    return [Turn(speaker=s.speaker, text=s.text, start=s.start, end=s.end, words=word_confidences(s.words))
            for s in transcript_segments(recording=appointment.recording)]


@transaction.atomic
def appointment_note_write(*, clinic: Clinic, appointment: Appointment, notes: str, summary: str,
                           actor: str) -> ClinicalNote:
    """Write the appointment's AI-enhanced note and store it (a new version if it has one).

    The note engine gets the recording's transcript (when transcribed) followed by the clinician's
    ``notes`` and ``summary`` as the clinician's dictation, and writes the note with the template of
    the appointment's ``notes_type`` in its ``language``.

    Raises:
        NothingToDocument: no transcript and no notes or summary.
        NoteEngineError: the note engine (and its fallback) failed.
    """
    dictation = [Turn(speaker=CLINICIAN, text=line.strip())
                 for text in (notes, summary) for line in (text or "").splitlines() if line.strip()]
    spoken = appointment_turns(appointment=appointment)
    turns = spoken + dictation
    if not turns:
        raise NothingToDocument("Send notes or a summary, or upload the appointment's recording first")
    template = notes_type_template(appointment.notes_type)
    result = note_generate(clinic=clinic, turns=turns, template=template, language=appointment.language)
    note = clinical_note_write(
        note=appointment_note(appointment=appointment), result=result, template_key=template.key,
        language=appointment.language, actor=actor, summary=summary or "", clinician_notes=notes or "",
        recording=appointment.recording, turn_segments=list(range(len(spoken))) + [None] * len(dictation),
    )
    Appointment.objects.filter(pk=appointment.pk).update(note=note, updated_at=timezone.now())
    appointment.note = note
    return note


def appointment_diagnosis(*, clinic: Clinic, appointment: Appointment) -> tuple[str, list[DiagnosisSuggestion]]:
    """ICD-10-CM suggestions from the appointment's note and transcript.

    Returns:
        ``(engine, suggestions)``.
    Raises:
        NothingToDocument: the appointment has neither a note nor a transcript.
        DiagnosisError: the LLM failed and the clinic allows no offline fallback.
    """
    sources: list[SourceText] = []
    note = appointment_note(appointment=appointment)
    if note is not None:
        sources += [SourceText(source="note", text=body, section=key) for key, body in note.sections.items()
                    if isinstance(body, str) and body.strip()]
        sources += [SourceText(source="note", text=text, section=section)
                    for section, text in (("clinician_notes", note.clinician_notes), ("summary", note.summary))
                    if text.strip()]
    sources += [SourceText(source="transcript", text=t.text, speaker=t.speaker, start_time=t.start, end_time=t.end)
                for t in appointment_turns(appointment=appointment)]
    if not sources:
        raise NothingToDocument("The appointment has no clinical note or transcription yet")
    return diagnosis_suggest(clinic=clinic, sources=sources, language=appointment.language)
