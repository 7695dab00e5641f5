"""``POST /v1/transcribe``: recording in, diarized transcript and clinical note out."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from audit.services import Action, ObjectType, audit_record
from clinics.api.serializers import ErrorSerializer
from medsync.api.errors import ApiError
from medsync.api.uploads import install_upload_limit
from medsync.api.views import ClinicApiView
from templates.selectors import TemplateNotFound, template_get, template_keys
from transcription.api.serializers import TranscribeInputSerializer, TranscribeOutputSerializer
from transcription.services import (
    AudioDecodeError, EncounterProcessingError, audio_decode, encounter_process, recording_store, transcribe_response,
)

RESPONSE_EXAMPLE = {
    "transcript": [
        {"text": "So tell me what brings you in today.", "start": 0.5, "end": 2.8, "speaker": 0},
        {"text": "I've been having headaches for the past week.", "start": 3.1, "end": 5.9, "speaker": 1},
    ],
    "clinical_note": "## Chief Complaint\nHeadaches for one week.\n\n## History of Present Illness\n...",
    "duration_seconds": 342.5,
    "language": "en",
    "template": "general_consultation",
    "client_id": "dental-plus",
}


class TranscribeApi(ClinicApiView):
    """Transcribe a visit recording with speaker diarization and write a clinical note.

    Errors: 401 missing/invalid key; 413 file over 150 MB; 422 missing/empty/non-audio/unsupported
    file, unknown language or template; 429 rate limit; 500 speech or note engine failure (the
    recording stays stored with its failure reason).

    Audit: ``create`` of the recording, of its transcript (object id: the recording's, as the other
    transcript events) and of the note, each once it is stored (a note-stage failure still stored the
    transcript; a speech failure only the recording).
    """

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="transcribe",
        request={"multipart/form-data": TranscribeInputSerializer},
        responses={
            200: TranscribeOutputSerializer, 401: ErrorSerializer, 413: ErrorSerializer, 422: ErrorSerializer,
            429: ErrorSerializer, 500: ErrorSerializer,
        },
        examples=[OpenApiExample("Transcript and note", value=RESPONSE_EXAMPLE, response_only=True)],
    )
    def post(self, request):
        install_upload_limit(request, settings.MEDSYNC_TRANSCRIBE_MAX_BYTES)
        if "audio" not in request.FILES:
            raise ApiError("audio: no file uploaded (send it as multipart/form-data field 'audio')")
        serializer = TranscribeInputSerializer(data=request.data, context={"clinic": request.user.clinic})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["audio"]
        if upload.size == 0:
            raise ApiError("audio: the uploaded file is empty")
        try:
            template = template_get(key=data["template"])
        except TemplateNotFound:
            raise ApiError(
                f"template: unknown template {data['template']!r}; available: {', '.join(template_keys())}"
            ) from None
        try:
            audio = audio_decode(upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else upload)
        except AudioDecodeError as exc:
            raise ApiError(f"audio: {exc}") from None

        clinic = request.user.clinic
        recording = recording_store(
            file=upload, original_filename=upload.name or "audio", audio=audio, language=data["language"],
            template_key=template.key, num_speakers=data.get("num_speakers"),
        )
        try:
            result = encounter_process(
                clinic=clinic, recording=recording, audio=audio, template=template, api_key=request.auth
            )
        except EncounterProcessingError as exc:
            audit_record(request=request, action=Action.CREATE, object_type=ObjectType.RECORDING, object_id=recording.uuid)
            if exc.stage == "note":
                audit_record(request=request, action=Action.CREATE, object_type=ObjectType.TRANSCRIPT,
                             object_id=recording.uuid)
            return Response(
                {"error": exc.message, "recording_id": str(recording.uuid)},
                status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            )
        audit_record(request=request, action=Action.CREATE, object_type=ObjectType.RECORDING, object_id=recording.uuid)
        audit_record(request=request, action=Action.CREATE, object_type=ObjectType.TRANSCRIPT, object_id=recording.uuid)
        audit_record(request=request, action=Action.CREATE, object_type=ObjectType.NOTE, object_id=result.note.uuid)
        return Response(transcribe_response(clinic=clinic, result=result, template_key=template.key))
