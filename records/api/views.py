"""MediSync API (quickstart seed): patients, appointments, recordings, transcriptions, notes, diagnosis.

Every endpoint needs ``Authorization: Bearer <token>`` from ``POST /api/login``; the clinic is the
signed-in user's. Errors are ``{"success": false, "error": "..."}``: 400 invalid input, 401 missing,
invalid or expired token, 403 no active subscription or a ``uid`` that is not the signed-in user's,
404 unknown id (also another clinic's), 409 a recording still being processed, 413 upload over
500 MB, 429 rate limit, 500 engine failure (retry).
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from audit.services import Action, ObjectType, audit_record
from medsync.api.errors import ApiError
from medsync.api.schema import UID_PARAMETER
from medsync.api.schema import MediSyncErrorSerializer as Error
from medsync.api.surfaces import MediSyncApiView
from medsync.api.uploads import install_upload_limit
from notes.diagnosis.base import DiagnosisError
from notes.engines.base import NoteEngineError
from records import selectors, services
from records.api import serializers as s
from records.models import Appointment, Patient
from transcription.models import Recording
from transcription.selectors import transcript_segments
from transcription.services import AudioDecodeError

PATIENT_ID = "6f0e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
APPOINTMENT_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
RECORDING_ID = "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
NOT_FOUND_404 = OpenApiResponse(Error, description="Unknown id, or another clinic's.")
COMMON_ERRORS = {401: Error, 403: Error, 429: Error}

PATIENT_EXAMPLE = {
    "firstName": "Jane", "lastName": "Smith", "dateOfBirth": "1985-03-15",
    "address": {"street": "123 Main St", "city": "Berlin", "zipCode": "10115", "country": "Germany"},
    "insurance": {"provider": "AOK", "policyNumber": "123456789"},
    "contact": {"phone": "+49 30 12345678", "email": "jane.smith@example.com"},
}
PATIENT_OUT = {"_id": PATIENT_ID, **PATIENT_EXAMPLE, "name": "Jane Smith",
               "contact": {"phone": "+493012345678", "email": "jane.smith@example.com"},
               "createdAt": "2024-01-10T09:00:00Z", "updatedAt": "2024-01-10T09:00:00Z"}
APPOINTMENT_EXAMPLE = {
    "name": "Annual Checkup", "date": "2024-01-15", "time": "14:30", "patient_id": PATIENT_ID, "status": "planned",
    "language": "de", "notes_type": "soap_clinical_notes_de", "appointment_type": "in_person",
}
RECORDING_OUT = {"_id": RECORDING_ID, "status": "completed", "failure_reason": None, "format": "wav",
                 "size_bytes": 900142, "duration_seconds": 28.1, "language": "de",
                 "original_filename": "consultation_recording.wav", "created_at": "2024-01-15T14:31:00Z",
                 "processed_at": "2024-01-15T14:31:20Z"}
APPOINTMENT_OUT = {"_id": APPOINTMENT_ID, **APPOINTMENT_EXAMPLE, "patient_name": "Jane Smith", "fhir_status": "booked",
                   "recording": None, "created_at": "2024-01-10T09:05:00Z", "updated_at": "2024-01-10T09:05:00Z"}


def _patient(patient_id: str) -> Patient:
    patient = selectors.patient_get(patient_id=patient_id)
    if patient is None:
        raise exceptions.NotFound("Patient not found")
    return patient


def _appointment(appointment_id: str) -> Appointment:
    appointment = selectors.appointment_get(appointment_id=appointment_id)
    if appointment is None:
        raise exceptions.NotFound("Appointment not found")
    return appointment


def _invalid(exc: Exception) -> exceptions.ValidationError:
    return exceptions.ValidationError(str(exc))


# --- patients --------------------------------------------------------------------------------------


class PatientAddApi(MediSyncApiView):
    """Add a patient: ``firstName``/``lastName`` (or ``name``), ``dateOfBirth``, ``address``, ``insurance``, ``contact``."""

    @extend_schema(
        operation_id="medisync_patient_add", tags=["MediSync: patients"], parameters=[UID_PARAMETER],
        request=s.PatientInputSerializer, responses={201: s.PatientOutputSerializer, 400: Error, **COMMON_ERRORS},
        examples=[OpenApiExample("Patient", value=PATIENT_EXAMPLE, request_only=True),
                  OpenApiExample("Added", value={"success": True, "patient": PATIENT_OUT}, response_only=True,
                                 status_codes=["201"]),
                  OpenApiExample("Invalid", value={"success": False, "error": "dateOfBirth: cannot be in the future"},
                                 response_only=True, status_codes=["400"])],
    )
    def post(self, request):
        payload = s.PatientInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        patient = services.patient_create(data=payload.validated_data, created_by=request.user.uid)
        return Response({"success": True, "patient": s.PatientSerializer(patient).data}, status=status.HTTP_201_CREATED)


class PatientListApi(MediSyncApiView):
    """The clinic's patients by name; ``search`` filters by name, e-mail or phone."""

    @extend_schema(
        operation_id="medisync_patient_list", tags=["MediSync: patients"],
        parameters=[UID_PARAMETER, s.PatientListQuerySerializer],
        responses={200: s.PatientListOutputSerializer, 400: Error, **COMMON_ERRORS},
        examples=[OpenApiExample("Patients", response_only=True, value={
            "success": True, "patients": [PATIENT_OUT], "total": 1, "limit": 50, "offset": 0})],
    )
    def get(self, request):
        query = s.PatientListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        patients = selectors.patient_list(search=q.get("search", ""))
        page = patients[q["offset"]:q["offset"] + q["limit"]]
        return Response({"success": True, "patients": s.PatientSerializer(page, many=True).data,
                         "total": patients.count(), "limit": q["limit"], "offset": q["offset"]})


class PatientDetailApi(MediSyncApiView):
    """Read, update (``PATCH`` partial, ``PUT`` whole) or delete a patient.

    Deleting removes the patient from the API; their appointments, recordings and notes are kept.
    """

    @extend_schema(operation_id="medisync_patient_get", tags=["MediSync: patients"], parameters=[UID_PARAMETER],
                   responses={200: s.PatientOutputSerializer, 404: NOT_FOUND_404, **COMMON_ERRORS},
                   examples=[OpenApiExample("Patient", response_only=True,
                                            value={"success": True, "patient": PATIENT_OUT})])
    def get(self, request, patient_id):
        return Response({"success": True, "patient": s.PatientSerializer(_patient(patient_id)).data})

    @extend_schema(operation_id="medisync_patient_update", tags=["MediSync: patients"], parameters=[UID_PARAMETER],
                   request=s.PatientInputSerializer,
                   responses={200: s.PatientOutputSerializer, 400: Error, 404: NOT_FOUND_404, **COMMON_ERRORS},
                   examples=[OpenApiExample("New phone", request_only=True,
                                            value={"contact": {"phone": "+49 30 7654321"}})])
    def patch(self, request, patient_id):
        return self._update(request, patient_id, partial=True)

    @extend_schema(operation_id="medisync_patient_replace", tags=["MediSync: patients"], parameters=[UID_PARAMETER],
                   request=s.PatientInputSerializer,
                   responses={200: s.PatientOutputSerializer, 400: Error, 404: NOT_FOUND_404, **COMMON_ERRORS})
    def put(self, request, patient_id):
        return self._update(request, patient_id, partial=False)

    def _update(self, request, patient_id, *, partial: bool):
        patient = _patient(patient_id)
        payload = s.PatientInputSerializer(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if not partial:  # a whole replacement clears what was not sent
            data = {"date_of_birth": None, "address": {}, "insurance": {}, "contact": {}, **data}
        patient = services.patient_update(patient=patient, data=data)
        return Response({"success": True, "patient": s.PatientSerializer(patient).data})

    @extend_schema(operation_id="medisync_patient_delete", tags=["MediSync: patients"], parameters=[UID_PARAMETER],
                   responses={200: OpenApiResponse(description='`{"success": true}`'), 404: NOT_FOUND_404,
                              **COMMON_ERRORS})
    def delete(self, request, patient_id):
        services.patient_archive(patient=_patient(patient_id))
        return Response({"success": True})


# --- appointments ---------------------------------------------------------------------------------


class AppointmentAddApi(MediSyncApiView):
    """Schedule an appointment. ``notes_type`` picks the note template, ``language`` the visit language."""

    @extend_schema(
        operation_id="medisync_appointment_add", tags=["MediSync: appointments"], parameters=[UID_PARAMETER],
        request=s.AppointmentInputSerializer,
        responses={201: s.AppointmentOutputSerializer, 400: Error, 404: NOT_FOUND_404, **COMMON_ERRORS},
        examples=[OpenApiExample("Appointment", value=APPOINTMENT_EXAMPLE, request_only=True),
                  OpenApiExample("Scheduled", response_only=True, status_codes=["201"],
                                 value={"success": True, "appointment": APPOINTMENT_OUT})],
    )
    def post(self, request):
        payload = s.AppointmentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        patient = _patient(data.pop("patient_id"))
        try:
            appointment = services.appointment_create(patient=patient, data=data, created_by=request.user.uid)
        except services.RecordInvalid as exc:
            raise _invalid(exc) from None
        return Response({"success": True, "appointment": s.AppointmentSerializer(appointment).data},
                        status=status.HTTP_201_CREATED)


class AppointmentListApi(MediSyncApiView):
    """Appointments by date and time; filter by ``patient_id``, ``date`` or ``status``."""

    @extend_schema(
        operation_id="medisync_appointment_list", tags=["MediSync: appointments"],
        parameters=[UID_PARAMETER, s.AppointmentListQuerySerializer],
        responses={200: s.AppointmentListOutputSerializer, 400: Error, 404: NOT_FOUND_404, **COMMON_ERRORS},
        examples=[OpenApiExample("Appointments", response_only=True, value={
            "success": True, "appointments": [APPOINTMENT_OUT], "total": 1, "limit": 50, "offset": 0})],
    )
    def get(self, request):
        query = s.AppointmentListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        patient = _patient(q["patient_id"]) if q.get("patient_id") else None
        appointments = selectors.appointment_list(patient=patient, date=q.get("date"), status=q.get("status"))
        page = appointments[q["offset"]:q["offset"] + q["limit"]]
        return Response({"success": True, "appointments": s.AppointmentSerializer(page, many=True).data,
                         "total": appointments.count(), "limit": q["limit"], "offset": q["offset"]})


class AppointmentDetailApi(MediSyncApiView):
    """Read or update an appointment (e.g. ``status`` to ``arrived``, ``fulfilled`` or ``cancelled``)."""

    @extend_schema(operation_id="medisync_appointment_get", tags=["MediSync: appointments"],
                   parameters=[UID_PARAMETER],
                   responses={200: s.AppointmentOutputSerializer, 404: NOT_FOUND_404, **COMMON_ERRORS},
                   examples=[OpenApiExample("With its recording", response_only=True, value={
                       "success": True, "appointment": APPOINTMENT_OUT | {"recording": RECORDING_OUT}})])
    def get(self, request, appointment_id):
        return Response({"success": True, "appointment": s.AppointmentSerializer(_appointment(appointment_id)).data})

    @extend_schema(operation_id="medisync_appointment_update", tags=["MediSync: appointments"],
                   parameters=[UID_PARAMETER], request=s.AppointmentInputSerializer(partial=True),
                   responses={200: s.AppointmentOutputSerializer, 400: Error, 404: NOT_FOUND_404, **COMMON_ERRORS},
                   examples=[OpenApiExample("Arrived", request_only=True, value={"status": "arrived"})])
    def patch(self, request, appointment_id):
        appointment = _appointment(appointment_id)
        payload = s.AppointmentInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if "patient_id" in data:
            data["patient"] = _patient(data.pop("patient_id"))
        try:
            appointment = services.appointment_update(appointment=appointment, data=data)
        except services.RecordInvalid as exc:
            raise _invalid(exc) from None
        return Response({"success": True, "appointment": s.AppointmentSerializer(appointment).data})


# --- recordings and transcriptions -----------------------------------------------------------------


class RecordingAddApi(MediSyncApiView):
    """Upload the visit recording (multipart ``audio``, at most 500 MB), processed asynchronously.

    The file streams to disk (never held whole in memory) and is checked without decoding it all;
    a Celery task then transcribes it with speaker diarization and writes the note with the
    appointment's template and language. Answers 202 with the recording's status (``uploaded``,
    ``processing``, ``completed`` or ``failed``); poll the appointment or ``GET /api/transcriptions/...``.
    """

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="medisync_recording_add", tags=["MediSync: recordings and transcriptions"],
        parameters=[UID_PARAMETER], request={"multipart/form-data": s.RecordingUploadSerializer},
        responses={202: s.RecordingOutputSerializer, 400: Error, 404: NOT_FOUND_404, 409: Error, 413: Error,
                   **COMMON_ERRORS},
        examples=[OpenApiExample("Accepted", response_only=True, status_codes=["202"], value={
            "success": True, "appointment_id": APPOINTMENT_ID,
            "recording": RECORDING_OUT | {"status": "uploaded", "processed_at": None}}),
            OpenApiExample("Not audio", response_only=True, status_codes=["400"], value={
                "success": False, "error": "audio: the file is not a recognised audio recording "
                                           "(supported: flac, mp3, mp4, ogg, wav, webm)"})],
    )
    def post(self, request, appointment_id):
        appointment = _appointment(appointment_id)
        install_upload_limit(request, settings.MEDSYNC_RECORDING_MAX_BYTES)
        upload = request.FILES.get("audio")
        if upload is None:
            raise exceptions.ValidationError("audio: no file uploaded (send it as multipart/form-data field 'audio')")
        if upload.size == 0:
            raise exceptions.ValidationError("audio: the uploaded file is empty")
        try:
            recording = services.appointment_recording_add(clinic=request.user.clinic, appointment=appointment,
                                                           upload=upload)
        except AudioDecodeError as exc:
            raise exceptions.ValidationError(f"audio: {exc}") from None
        except services.RecordConflict as exc:
            raise ApiError(str(exc), status.HTTP_409_CONFLICT) from None
        audit_record(request=request, action=Action.CREATE, object_type=ObjectType.RECORDING, object_id=recording.uuid)
        recording.refresh_from_db()  # processing may have run already (tasks run in-process without a broker)
        return Response({"success": True, "appointment_id": str(appointment.uuid),
                         "recording": s.RecordingSerializer(recording).data}, status=status.HTTP_202_ACCEPTED)


class TranscriptionApi(MediSyncApiView):
    """The diarized transcription of the appointment's recording once processed.

    Before that: 202 ``{"success": false, "status": "uploaded"|"processing", "error": ...}`` with
    ``Retry-After``; 422 with ``status: "failed"`` and the reason when processing failed; 404 when no
    recording was uploaded.
    """

    @extend_schema(
        operation_id="medisync_transcription_get", tags=["MediSync: recordings and transcriptions"],
        parameters=[UID_PARAMETER],
        responses={200: s.TranscriptionOutputSerializer, 202: s.TranscriptionPendingSerializer,
                   404: NOT_FOUND_404, 422: s.TranscriptionPendingSerializer, **COMMON_ERRORS},
        examples=[
            OpenApiExample("Transcription", response_only=True, status_codes=["200"], value={
                "success": True, "transcription": [
                    {"speaker": "SPEAKER_0", "text": "Hello, how are you feeling today?", "start_time": 0.0,
                     "end_time": 3.5},
                    {"speaker": "SPEAKER_1", "text": "I've been having some chest pain recently.", "start_time": 4.0,
                     "end_time": 7.2}]}),
            OpenApiExample("In progress", response_only=True, status_codes=["202"], value={
                "success": False, "status": "processing", "error": "Transcription in progress; retry shortly"}),
            OpenApiExample("Failed", response_only=True, status_codes=["422"], value={
                "success": False, "status": "failed",
                "error": "Transcription failed: Cannot process recording: the audio data is corrupt"}),
        ],
    )
    def get(self, request, appointment_id):
        appointment = _appointment(appointment_id)
        recording = appointment.recording
        if recording is None:
            raise exceptions.NotFound("No recording for this appointment yet")
        if recording.status == Recording.Status.FAILED:
            return Response({"success": False, "status": recording.status,
                             "error": recording.failure_reason or "Transcription failed"},
                            status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        if recording.status != Recording.Status.COMPLETED:
            return Response({"success": False, "status": recording.status,
                             "error": "Transcription in progress; retry shortly"},
                            status=status.HTTP_202_ACCEPTED, headers={"Retry-After": "5"})
        names = selectors.appointment_speaker_names(appointment=appointment)
        transcription = [
            {"speaker": f"SPEAKER_{seg.speaker}", "text": seg.text, "start_time": round(seg.start, 2),
             "end_time": round(seg.end, 2), "confidence": seg.confidence, "words": seg.words,
             "speaker_name": names.get(seg.speaker)}
            for seg in transcript_segments(recording=recording)
        ]
        audit_record(request=request, action=Action.READ, object_type=ObjectType.TRANSCRIPT, object_id=recording.uuid)
        return Response({"success": True, "transcription": transcription})


# --- notes and diagnosis -----------------------------------------------------------------------------

NOTE_OUT = {
    "_id": "5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a", "template": "SOAP", "language": "en",
    "content": "## Subjective\nThe patient reports chest pain ...\n\n## Objective\n...\n\n## Assessment\n...\n\n## Plan\n...\n",
    "sections": {"subjective": "The patient reports chest pain ...", "objective": "...", "assessment": "...",
                 "plan": "..."},
    "notes": "Patient presents with chest pain...", "summary": "Brief summary of consultation", "engine": "offline",
    "version": 2, "signed_off_at": None, "signed_off_by": None, "created_at": "2024-01-15T14:32:00Z",
    "updated_at": "2024-01-15T14:40:00Z",
}


def _note_body(appointment: Appointment, note) -> dict:
    return {"success": True, "appointment_id": str(appointment.uuid), "note": s.NoteSerializer(note).data}


class NoteAddApi(MediSyncApiView):
    """Write the AI-enhanced note from the transcription (when there is one) and the clinician's
    ``notes`` and ``summary``, with the appointment's ``notes_type`` template and ``language``.

    A new call makes a new version of the appointment's note (earlier versions are kept).
    """

    @extend_schema(
        operation_id="medisync_note_add", tags=["MediSync: notes and diagnosis"], parameters=[UID_PARAMETER],
        request=s.NoteInputSerializer,
        responses={201: s.NoteOutputSerializer, 400: Error, 404: NOT_FOUND_404, 500: Error, **COMMON_ERRORS},
        examples=[OpenApiExample("Notes", request_only=True, value={
            "notes": "Patient presents with chest pain...", "summary": "Brief summary of consultation"}),
            OpenApiExample("Note", response_only=True, status_codes=["201"], value={
                "success": True, "appointment_id": APPOINTMENT_ID, "note": NOTE_OUT})],
    )
    def post(self, request, appointment_id):
        appointment = _appointment(appointment_id)
        payload = s.NoteInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            note = services.appointment_note_write(
                clinic=request.user.clinic, appointment=appointment, notes=data.get("notes", ""),
                summary=data.get("summary", ""), actor=request.user.uid,
            )
        except (services.NothingToDocument, services.RecordInvalid) as exc:
            raise _invalid(exc) from None
        except NoteEngineError as exc:
            raise ApiError(f"Note generation failed: {exc.message}; retry later",
                           status.HTTP_500_INTERNAL_SERVER_ERROR) from None
        audit_record(request=request, action=Action.CHANGE, object_type=ObjectType.NOTE, object_id=note.uuid)
        return Response(_note_body(appointment, note), status=status.HTTP_201_CREATED)


class NoteGetApi(MediSyncApiView):
    """The appointment's AI-enhanced note (404 until a note is written or its recording processed)."""

    @extend_schema(operation_id="medisync_note_get", tags=["MediSync: notes and diagnosis"],
                   parameters=[UID_PARAMETER],
                   responses={200: s.NoteOutputSerializer, 404: NOT_FOUND_404, **COMMON_ERRORS},
                   examples=[OpenApiExample("Note", response_only=True, value={
                       "success": True, "appointment_id": APPOINTMENT_ID, "note": NOTE_OUT})])
    def get(self, request, appointment_id):
        appointment = _appointment(appointment_id)
        note = selectors.appointment_note(appointment=appointment)
        if note is None:
            raise exceptions.NotFound("No clinical note for this appointment yet")
        audit_record(request=request, action=Action.READ, object_type=ObjectType.NOTE, object_id=note.uuid)
        return Response(_note_body(appointment, note))


class NoteFhirApi(MediSyncApiView):
    """The appointment's note as FHIR R4 JSON: a ``Bundle`` (``collection``) holding a ``Composition``
    (one section per note section) and a ``DocumentReference`` (the Markdown note as an attachment),
    validated with ``fhir.resources``. Status ``final`` once signed off, else ``preliminary``."""

    @extend_schema(operation_id="medisync_note_fhir", tags=["MediSync: notes and diagnosis"],
                   parameters=[UID_PARAMETER],
                   responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="FHIR R4 Bundle (collection)."),
                              404: NOT_FOUND_404, **COMMON_ERRORS})
    def get(self, request, appointment_id):
        from notes.export import note_fhir_bundle

        appointment = _appointment(appointment_id)
        note = selectors.appointment_note(appointment=appointment)
        if note is None:
            raise exceptions.NotFound("No clinical note for this appointment yet")
        parties = selectors.appointment_note_parties(clinic=request.user.clinic, appointment=appointment)
        audit_record(request=request, action=Action.EXPORT, object_type=ObjectType.NOTE, object_id=note.uuid)
        return Response(note_fhir_bundle(note=note, parties=parties))


class DiagnosisApi(MediSyncApiView):
    """Suggested diagnoses with ICD-10-CM codes, each with the note or transcript snippets it rests on.

    Every code is valid in ICD-10-CM (the complete code set of the ``simple-icd-10-cm`` package);
    suggestions come from the LLM when the clinic uses one, else from the offline matcher. They
    are suggestions for the clinician to confirm, not diagnoses.

    Audit: the answer quotes the note and the transcript as evidence, so it is a ``read`` of the note
    (when there is one) and of the transcript (when the recording has been transcribed).
    """

    @extend_schema(
        operation_id="medisync_diagnosis", tags=["MediSync: notes and diagnosis"], parameters=[UID_PARAMETER],
        request=None,
        responses={200: s.DiagnosisOutputSerializer, 404: NOT_FOUND_404, 500: Error, **COMMON_ERRORS},
        examples=[OpenApiExample("Diagnoses", response_only=True, value={
            "success": True, "appointment_id": APPOINTMENT_ID, "engine": "offline", "code_system": "ICD-10-CM",
            "diagnoses": [
                {"code": "J02.9", "description": "Acute pharyngitis, unspecified", "confidence": 0.85,
                 "billable": True, "evidence": [
                     {"source": "note", "section": "assessment", "text": "Acute pharyngitis."},
                     {"source": "transcript", "speaker": "SPEAKER_1", "start_time": 5.7, "end_time": 16.9,
                      "text": "yeah my throat has been hurting me for like four days now"}]},
                {"code": "R50.9", "description": "Fever, unspecified", "confidence": 0.6, "billable": True,
                 "evidence": [{"source": "transcript", "speaker": "SPEAKER_1", "start_time": 5.7, "end_time": 16.9,
                               "text": "i think i had a fever last night"}]}]})],
    )
    def post(self, request, appointment_id):
        appointment = _appointment(appointment_id)
        try:
            engine, suggestions = services.appointment_diagnosis(clinic=request.user.clinic, appointment=appointment)
        except services.NothingToDocument as exc:
            raise exceptions.NotFound(str(exc)) from None
        except DiagnosisError as exc:
            raise ApiError(f"Diagnosis suggestion failed: {exc.message}; retry later",
                           status.HTTP_500_INTERNAL_SERVER_ERROR) from None
        note, recording = selectors.appointment_note(appointment=appointment), appointment.recording
        if note is not None:
            audit_record(request=request, action=Action.READ, object_type=ObjectType.NOTE, object_id=note.uuid)
        if recording is not None and recording.status == Recording.Status.COMPLETED:
            audit_record(request=request, action=Action.READ, object_type=ObjectType.TRANSCRIPT, object_id=recording.uuid)
        return Response({"success": True, "appointment_id": str(appointment.uuid), "engine": engine,
                         "code_system": "ICD-10-CM", "diagnoses": [d.as_dict() for d in suggestions]})

