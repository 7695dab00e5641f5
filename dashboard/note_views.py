"""The encounter page and its actions: record or upload the visit, follow processing, review the note
(section edits autosaved as versions, diff and restore, sign-off, feedback, evidence, ICD-10-CM
decisions) and export it (PDF, FHIR).

Script calls (``fetch``/htmx) get HTML fragments, or JSON ``{"error": "..."}`` with a 4xx status
when the input is wrong; nothing stored is lost by a refused call.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from clinics.models import ClinicUserRole
from clinics.selectors import clinic_user_list
from dashboard.access import clinic_user_required
from dashboard.views import appointment_for, json_error
from medsync.api.jwt import token_issue
from medsync.api.uploads import MaxSizeUploadHandler, PayloadTooLarge
from notes.content import ClinicalNoteInvalid
from notes.diagnosis.base import DiagnosisError
from notes.engines.base import NoteEngineError
from audit.models import Action, ActorKind, ObjectType
from audit.services import audit_record
from notes.export import note_fhir_bundle, note_pdf
from notes.models import ClinicalNote, ClinicalNoteVersion
from notes.review import (
    clinical_note_diagnoses_store, clinical_note_diagnosis_decide, clinical_note_restore, clinical_note_section_edit,
    note_sentences_with_evidence, note_version_diff,
)
from notes.services import ClinicalNoteConflict, clinical_note_sign_off, clinical_note_update
from records import selectors as record_selectors
from records import services as record_services
from records.models import MAX_SPEAKERS, Appointment
from templates.selectors import TemplateNotFound
from transcription.models import Recording
from transcription.selectors import transcript_segments
from transcription.services import AudioDecodeError


def _audit(request: HttpRequest, action: str, object_type: str, object_id) -> None:
    """Append to the clinic's audit log: the signed-in clinician read/changed/signed/exported a record."""
    audit_record(request=request, action=action, object_type=object_type, object_id=object_id,
                 actor=(ActorKind.USER, request.clinic_user.uid))


def _note(appointment: Appointment) -> ClinicalNote:
    note = record_selectors.appointment_note(appointment=appointment)
    if note is None:
        raise Http404("No note yet")
    return note


def _sections(note: ClinicalNote) -> list[dict]:
    """The note's sections for display: key, heading, text and sentences with their evidence."""
    from notes.export import note_sections_ordered

    return [{"key": key, "heading": heading, "text": text,
             "sentences": note_sentences_with_evidence(note=note, section=key)}
            for key, heading, text in note_sections_ordered(note)]


def _note_context(request: HttpRequest, appointment: Appointment, note: ClinicalNote | None) -> dict:
    if note is None:
        return {"note": None}
    return {
        "note": note, "speaker_tags": _speaker_tags(appointment), "sections": _sections(note), "editable": note.signed_off_at is None,
        "versions": list(note.versions.order_by("-version")),
        "can_sign": request.clinic_user.role == ClinicUserRole.CLINICIAN and note.signed_off_at is None,
        "unsupported_count": len(note.unsupported_sentences),
    }


def _default_speaker_label(index: int) -> str:
    """The label of a speaker without a name, in the page's language: speaker 0 is the clinician
    (the first voice, ``transcription.models.Transcript``), 1 the patient, then "Speaker n"."""
    return {0: _("Clinician"), 1: _("Patient")}.get(index) or f"{_('Speaker')} {index + 1}"


def speaker_labels(appointment: Appointment, indices=()) -> dict[int, str]:
    """``{speaker index: label}`` for the appointment's speakers ``0``, ``1``, the named ones and
    ``indices``: the name set for the encounter, else the default label."""
    names = record_selectors.appointment_speaker_names(appointment=appointment)
    return {index: names.get(index) or _default_speaker_label(index) for index in sorted({0, 1, *indices, *names})}


def _speaker_fields(appointment: Appointment, segments) -> list[dict]:
    """The speaker-name inputs of the encounter page: speakers 0 and 1, the named ones and every
    speaker of the transcript (at most ``MAX_SPEAKERS``), with the stored name (empty = the default
    label, shown as the placeholder)."""
    names = record_selectors.appointment_speaker_names(appointment=appointment)
    indices = sorted({0, 1, *names, *(s.speaker for s in segments)} & set(range(MAX_SPEAKERS)))
    return [{"index": i, "label": f"{_('Speaker')} {i + 1}", "default": _default_speaker_label(i),
             "name": names.get(i, "")} for i in indices]


def _default_labels_every_language() -> list[str]:
    """The default labels of speakers 0-7 in every UI language (``settings.LANGUAGES``): the old
    browser-kept names held them too, and they are no names to move to the server."""
    from django.utils import translation

    labels: set[str] = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.update(_default_speaker_label(i) for i in range(MAX_SPEAKERS))
    return sorted(labels)


def _speaker_tags(appointment: Appointment) -> dict[str, str]:
    """``{"SPEAKER_n": label}`` for evidence quoted in the API's speaker form (ICD-10-CM suggestions)."""
    return {f"SPEAKER_{i}": label for i, label in speaker_labels(appointment, range(MAX_SPEAKERS)).items()}


def _script_text() -> dict[str, str]:
    """The encounter script's messages in the page's language (English key -> translation)."""
    keys = [_("Speaker"), _("Saving the visit…"), _("Could not start"), _("Processing the recording…"), _("Uploading…"),
            _("Processing failed"), _("Choose a recording to upload."), _("The recording is larger than the limit."),
            _("The upload failed; check the connection and try again."), _("Said in the visit:"),
            _("No transcript utterance supports this sentence."), _("Copied to the clipboard.")]
    english = ["Speaker", "Saving the visit…", "Could not start", "Processing the recording…", "Uploading…",
               "Processing failed", "Choose a recording to upload.", "The recording is larger than the limit.",
               "The upload failed; check the connection and try again.", "Said in the visit:",
               "No transcript utterance supports this sentence.", "Copied to the clipboard."]
    return dict(zip(english, keys))


@clinic_user_required
@require_GET
def encounter(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """The encounter: recording (live or upload), transcript, note with evidence, ICD-10-CM, exports."""
    appointment = appointment_for(request, appointment_id)
    note = record_selectors.appointment_note(appointment=appointment)
    recording = appointment.recording
    segments = transcript_segments(recording=recording) if recording is not None else []
    try:
        template_key = record_services.notes_type_template(appointment.notes_type).key
    except record_services.RecordInvalid:
        template_key = "general_consultation"
    clinician = record_selectors.appointment_clinician(clinic=request.clinic, appointment=appointment)
    labels = speaker_labels(appointment, {seg.speaker for seg in segments})
    for seg in segments:
        seg.speaker_label = labels[seg.speaker]
    if recording is not None:
        _audit(request, Action.READ, ObjectType.TRANSCRIPT, recording.uuid)
    if note is not None:
        _audit(request, Action.READ, ObjectType.NOTE, note.uuid)
    return render(request, "dashboard/encounter.html", {
        "appointment": appointment, "patient": appointment.patient, "recording": recording, "segments": segments,
        "clinician": clinician, "template_key": template_key,
        "processing": recording is not None and recording.status in (Recording.Status.UPLOADED,
                                                                     Recording.Status.PROCESSING),
        # The live socket (/ws/transcribe) takes the MediSync JWT in ?token= (browsers cannot set its headers).
        "live_token": token_issue(clinic_user=request.clinic_user),
        "max_upload_bytes": settings.MEDSYNC_RECORDING_MAX_BYTES, "js_text": _script_text(),
        "speakers": _speaker_fields(appointment, segments), "speaker_names_stored": bool(appointment.speaker_names),
        "speaker_defaults": _default_labels_every_language(),
        **_note_context(request, appointment, note),
    })


@csrf_exempt  # CSRF is checked below, after the upload handlers are in place (Django docs, "Upload handlers")
def recording_upload(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """Store an uploaded recording (multipart ``audio``, at most ``MEDSYNC_RECORDING_MAX_BYTES``) and
    start its processing; ``202`` with the JSON status, ``400``/``409``/``413`` ``{"error"}`` otherwise.

    The body streams to a temporary file and is cut off past the limit (the API's upload handlers).
    """
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    limit = settings.MEDSYNC_RECORDING_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit + 1024 * 1024:
        return json_error(_("The recording is larger than the limit."), 413)
    request.upload_handlers = [MaxSizeUploadHandler(limit, request), TemporaryFileUploadHandler(request)]
    try:
        return _recording_upload(request, appointment_id)
    except PayloadTooLarge:  # raised while the body is parsed (by the CSRF check or the view)
        return json_error(_("The recording is larger than the limit."), 413)


@csrf_protect
@clinic_user_required
@require_POST
def _recording_upload(request: HttpRequest, appointment_id: str) -> HttpResponse:
    appointment = appointment_for(request, appointment_id)
    upload = request.FILES.get("audio")
    if upload is None or upload.size == 0:
        return json_error(_("Choose a recording to upload."), 400)
    try:
        recording = record_services.appointment_recording_add(clinic=request.clinic, appointment=appointment,
                                                              upload=upload)
    except AudioDecodeError as exc:
        return json_error(_("Not a usable recording: %(reason)s") % {"reason": exc}, 400)
    except record_services.RecordConflict:
        return json_error(_("The current recording is still being processed."), 409)
    recording.refresh_from_db()  # without a broker, processing has already run in-process
    return JsonResponse(_status_body(appointment, recording), status=202)


def _status_body(appointment: Appointment, recording: Recording | None) -> dict:
    note = record_selectors.appointment_note(appointment=appointment)
    return {"status": recording.status if recording else None,
            "failure_reason": (recording.failure_reason or None) if recording else None,
            "note_ready": note is not None}


@clinic_user_required
@require_GET
def recording_status(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """Processing status of the appointment's recording, for polling: ``{"status", "failure_reason", "note_ready"}``."""
    appointment = appointment_for(request, appointment_id)
    return JsonResponse(_status_body(appointment, appointment.recording))


@clinic_user_required
@require_POST
def live_attach(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """Make the finished live session ``recording_id`` (from the socket's final message) the
    appointment's recording, with the note it wrote."""
    appointment = appointment_for(request, appointment_id)
    try:
        recording = record_services.appointment_live_recording_attach(
            appointment=appointment, recording_id=request.POST.get("recording_id", ""))
    except record_services.RecordInvalid as exc:
        return json_error(str(exc), 400)
    except record_services.RecordConflict as exc:
        return json_error(str(exc), 409)
    return JsonResponse(_status_body(appointment, recording))


#: Form fields of the speaker names: ``speaker_<index>`` = display name (empty = default label).
SPEAKER_FIELD_PREFIX = "speaker_"


@clinic_user_required
@require_POST
def speaker_names_save(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """Store the encounter's speaker names (fields ``speaker_<index>``, index 0-7, names at most 80
    characters; ``records.services.appointment_speaker_names_set``) and audit the change on the
    transcript when the appointment has one.

    htmx: the save state fragment; ``Accept: application/json`` (the page's script):
    ``{"speaker_names": {"0": "...", ...}}``; a plain form post: back to the encounter. Invalid
    names: ``400 {"error"}`` and nothing is stored.
    """
    appointment = appointment_for(request, appointment_id)
    names = {key.removeprefix(SPEAKER_FIELD_PREFIX): value for key, value in request.POST.items()
             if key.startswith(SPEAKER_FIELD_PREFIX)}
    if not names:
        return json_error(_("No speaker names were sent."), 400)
    try:
        appointment, changed = record_services.appointment_speaker_names_set(appointment=appointment, names=names)
    except record_services.RecordInvalid as exc:
        return json_error(str(exc), 400)
    if changed and appointment.recording_id:
        _audit(request, Action.CHANGE, ObjectType.TRANSCRIPT, appointment.recording.uuid)
    if request.htmx:
        return render(request, "dashboard/partials/speakers_saved.html", {"changed": changed})
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"speaker_names": appointment.speaker_names})
    return redirect("dashboard:encounter", appointment_id=appointment.uuid)


@clinic_user_required
@require_POST
def note_generate(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """(Re)write the note from the transcript and the clinician's typed notes (a new version)."""
    appointment = appointment_for(request, appointment_id)
    note = record_selectors.appointment_note(appointment=appointment)
    if note is not None and note.signed_off_at is not None:
        return json_error(_("The note is signed off and can no longer be changed."), 409)
    try:
        record_services.appointment_note_write(
            clinic=request.clinic, appointment=appointment, notes=request.POST.get("notes", "")[:20000],
            summary="", actor=request.clinic_user.uid)
    except (record_services.NothingToDocument, record_services.RecordInvalid) as exc:
        return json_error(str(exc), 400)
    except NoteEngineError:
        return json_error(_("The note could not be written now; try again later."), 503)
    return redirect("dashboard:encounter", appointment_id=appointment.uuid)


# --- note review ---------------------------------------------------------------------------------


def _note_panel(request: HttpRequest, appointment: Appointment, note: ClinicalNote, status: int = 200) -> HttpResponse:
    return render(request, "dashboard/partials/note_panel.html",
                  {"appointment": appointment, **_note_context(request, appointment, note)}, status=status)


@clinic_user_required
@require_POST
def note_section_save(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """Autosave one section (``section``, ``text``): a new version when the text changed.

    Returns the section's sentence view (htmx target) and the version badge (out-of-band swap).
    """
    appointment = appointment_for(request, appointment_id)
    note = _note(appointment)
    key, text = request.POST.get("section", ""), request.POST.get("text", "")
    if len(text) > 50000:
        return json_error(_("The section is too long."), 400)
    try:
        note = clinical_note_section_edit(note=note, section=key, text=text, actor=request.clinic_user.uid)
    except ClinicalNoteConflict as exc:
        return json_error(str(exc), 409)
    except ClinicalNoteInvalid as exc:
        return json_error(str(exc), 400)
    _audit(request, Action.CHANGE, ObjectType.NOTE, note.uuid)
    section = next((s for s in _sections(note) if s["key"] == key), None)
    return render(request, "dashboard/partials/section_saved.html", {"note": note, "section": section})


@clinic_user_required
@require_GET
def note_versions(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """Versions of the note and the diff of version ``?version=`` against the one before it (or ``?against=``)."""
    appointment = appointment_for(request, appointment_id)
    note = _note(appointment)
    versions = list(note.versions.order_by("-version"))
    try:
        chosen = int(request.GET.get("version", note.version))
        against = int(request.GET.get("against", chosen - 1))
    except ValueError:
        return json_error(_("version must be a number"), 400)
    names = {u.uid: u.display_name
             for u in clinic_user_list(clinic=request.clinic, uids={v.changed_by for v in versions})}
    for v in versions:
        v.changed_by_name = names.get(v.changed_by, "")
    by_number = {v.version: v for v in versions}
    if chosen not in by_number:
        raise Http404("No such version")
    diff = note_version_diff(old=by_number[against], new=by_number[chosen]) if against in by_number else None
    return render(request, "dashboard/partials/versions.html", {
        "appointment": appointment, "note": note, "versions": versions, "chosen": by_number[chosen],
        "against": by_number.get(against), "diff": diff, "editable": note.signed_off_at is None,
    })


@clinic_user_required
@require_POST
def note_restore(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """Restore version ``version`` as a new version; back to the encounter."""
    appointment = appointment_for(request, appointment_id)
    note = _note(appointment)
    try:
        clinical_note_restore(note=note, version=int(request.POST.get("version", "")), actor=request.clinic_user.uid)
    except (ValueError, ClinicalNoteVersion.DoesNotExist):
        return json_error(_("No such version."), 404)
    except ClinicalNoteConflict as exc:
        return json_error(str(exc), 409)
    _audit(request, Action.CHANGE, ObjectType.NOTE, note.uuid)
    return redirect("dashboard:encounter", appointment_id=appointment.uuid)


@clinic_user_required
@require_POST
def note_sign(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """Sign off the note's current version (clinicians only); it is read-only afterwards."""
    appointment = appointment_for(request, appointment_id)
    note = _note(appointment)
    if request.clinic_user.role != ClinicUserRole.CLINICIAN:
        return json_error(_("Only a clinician can sign off a note."), 403)
    try:
        note = clinical_note_sign_off(note=note, clinician_uid=request.clinic_user.uid,
                                      clinician_name=request.clinic_user.display_name)
    except ClinicalNoteConflict as exc:
        return json_error(str(exc), 409)
    _audit(request, Action.SIGN, ObjectType.NOTE, note.uuid)
    if request.htmx:
        return _note_panel(request, appointment, note)
    return redirect("dashboard:encounter", appointment_id=appointment.uuid)


@clinic_user_required
@require_POST
def note_feedback(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """Keep the clinician's feedback on the generated note (a new version; not after sign-off)."""
    appointment = appointment_for(request, appointment_id)
    note = _note(appointment)
    if note.signed_off_at is not None:
        return json_error(_("The note is signed off and can no longer be changed."), 409)
    text = request.POST.get("feedback", "").strip()[:5000]
    clinical_note_update(note=note, actor=request.clinic_user.uid, feedback=text)
    return HttpResponse(_("Thank you, your feedback was saved."), content_type="text/plain; charset=utf-8")


@clinic_user_required
@require_POST
def diagnoses_suggest(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """Suggest ICD-10-CM codes for the note (with their evidence) and keep them on the note."""
    appointment = appointment_for(request, appointment_id)
    note = _note(appointment)
    try:
        _engine, suggestions = record_services.appointment_diagnosis(clinic=request.clinic, appointment=appointment)
    except record_services.NothingToDocument as exc:
        return json_error(str(exc), 400)
    except DiagnosisError:
        return json_error(_("Suggestions are not available now; try again later."), 503)
    note = clinical_note_diagnoses_store(note=note, suggestions=suggestions)
    return render(request, "dashboard/partials/diagnoses.html",
                  {"appointment": appointment, "note": note, "editable": note.signed_off_at is None,
                   "speaker_tags": _speaker_tags(appointment)})


@clinic_user_required
@require_POST
def diagnosis_decide(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """Accept or reject one suggested code (``code``, ``decision``)."""
    appointment = appointment_for(request, appointment_id)
    note = _note(appointment)
    try:
        note = clinical_note_diagnosis_decide(note=note, code=request.POST.get("code", ""),
                                              decision=request.POST.get("decision", ""), actor=request.clinic_user.uid)
    except ValueError as exc:
        return json_error(str(exc), 400)
    except ClinicalNoteConflict as exc:
        return json_error(str(exc), 409)
    return render(request, "dashboard/partials/diagnoses.html",
                  {"appointment": appointment, "note": note, "editable": note.signed_off_at is None,
                   "speaker_tags": _speaker_tags(appointment)})


# --- exports ----------------------------------------------------------------------------------------


def _note_export(request: HttpRequest, appointment_id: str, *, render_note, content_type: str,
                 extension: str) -> HttpResponse:
    """The appointment's note as an attachment ``note-<date>-v<version>.<extension>``, rendered by
    ``render_note(note, parties) -> bytes`` and recorded as an export in the audit log."""
    appointment = appointment_for(request, appointment_id)
    note = _note(appointment)
    parties = record_selectors.appointment_note_parties(clinic=request.clinic, appointment=appointment)
    body = render_note(note, parties)
    _audit(request, Action.EXPORT, ObjectType.NOTE, note.uuid)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="note-{appointment.date:%Y%m%d}-v{note.version}.{extension}"'
    return response


@clinic_user_required
@require_GET
def note_pdf_download(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """The note as a PDF attachment."""
    labels = {"patient": _("Patient"), "clinician": _("Clinician"), "version": _("Version"),
              "date_of_birth": _("Date of birth"), "signed": _("Signed off by {name} at {at}"),
              "unsigned": _("Not signed off")}

    def render_pdf(note, parties) -> bytes:
        try:
            return note_pdf(note=note, parties=parties, labels=labels)
        except TemplateNotFound:  # pragma: no cover - note_sections_ordered handles a missing template
            raise Http404("No template") from None

    return _note_export(request, appointment_id, render_note=render_pdf, content_type="application/pdf",
                        extension="pdf")


@clinic_user_required
@require_GET
def note_fhir_download(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """The note as FHIR R4 JSON (a Bundle of a Composition and a DocumentReference)."""
    return _note_export(request, appointment_id, content_type="application/fhir+json", extension="json",
                        render_note=lambda note, parties: json.dumps(note_fhir_bundle(note=note, parties=parties)))
