"""Video teleconsultation endpoints (``/api/v1/consultations/...``) and the join page (``/consult/room/...``)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_tenants.utils import schema_context
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from clinics.models import ChatMedEndpoint
from medsync.api.schema import FutureDateTimeField
from chatmed.api.base import ChatMedApiView, ChatMedError, ValidationFailed
from chatmed.api.schema import chatmed_schema
from chatmed.api.uploads import FORM_OVERHEAD_BYTES, validated_upload
from chatmed.consultations import services
from chatmed.consultations.tokens import RoomTokenError, room_token_read
from chatmed.models import VideoConsultation

ENDPOINT = ChatMedEndpoint.VIDEO  # plan endpoint group
ID_FIELD = dict(max_length=100, allow_blank=False)


class CreateInput(serializers.Serializer):
    doctor_id = serializers.CharField(**ID_FIELD)
    patient_id = serializers.CharField(**ID_FIELD)
    scheduled_at = FutureDateTimeField(required=False, allow_null=True, default=None)
    language = serializers.CharField(required=False, max_length=10, default="en")
    enable_recording = serializers.BooleanField(required=False, default=False)
    patient_consent = serializers.BooleanField(required=False, default=False,
                                               help_text="The patient agreed to be recorded (required with enable_recording).")


def _base_url(request) -> str:
    return settings.CHATMED_VIDEO_PUBLIC_URL.rstrip("/") or request.build_absolute_uri("/").rstrip("/")


def join_urls(request, consultation, tokens: dict[str, str]) -> dict[str, str]:
    """``room_url`` and the per-role join URLs (each carrying its own role's token)."""
    room_url = _base_url(request) + reverse("chatmed-video-room", args=[consultation.public_id])
    return {"room_url": room_url,
            "doctor_join_url": f"{room_url}?role=doctor&token={tokens['doctor']}",
            "patient_join_url": f"{room_url}?role=patient&token={tokens['patient']}"}


class VideoCreateApi(ChatMedApiView):
    """``{"session_id", "room_url", "token" (the doctor's), "doctor_token", "patient_token",
    "doctor_join_url", "patient_join_url", "expires_at", "status": "waiting"}``. Errors: 400 missing
    ids; 422 recording without consent, a past ``scheduled_at``."""

    endpoint = ENDPOINT

    @chatmed_schema(request=CreateInput, summary="Create a video consultation")
    def post(self, request):
        data = self.validated(CreateInput)
        consultation = services.consultation_create(
            is_sandbox=self.is_sandbox, doctor_id=data["doctor_id"], patient_id=data["patient_id"],
            scheduled_at=data["scheduled_at"], language=data["language"].lower()[:8],
            enable_recording=data["enable_recording"], patient_consent=data["patient_consent"])
        tokens = services.consultation_tokens(consultation)
        return Response({
            "session_id": consultation.public_id, **join_urls(request, consultation, tokens),
            "token": tokens["doctor"], "doctor_token": tokens["doctor"], "patient_token": tokens["patient"],
            "expires_at": services.consultation_status(consultation)["expires_at"], "status": consultation.status,
        }, status=status.HTTP_200_OK)


class VideoStatusApi(ChatMedApiView):
    """See :func:`chatmed.consultations.services.consultation_status`. 404 unknown session."""

    endpoint = ENDPOINT

    @chatmed_schema(summary="A video consultation's status")
    def get(self, request, session_id: str):
        consultation = services.consultation_get(public_id=session_id, is_sandbox=self.is_sandbox)
        return Response(services.consultation_status(consultation))


class VideoCancelApi(ChatMedApiView):
    endpoint = ENDPOINT

    @chatmed_schema(summary="Cancel a waiting video consultation")
    def post(self, request, session_id: str):
        return Response(services.consultation_status(
            services.consultation_cancel(public_id=session_id, is_sandbox=self.is_sandbox)))


class VideoEndApi(ChatMedApiView):
    endpoint = ENDPOINT

    @chatmed_schema(summary="End a video consultation")
    def post(self, request, session_id: str):
        return Response(services.consultation_status(
            services.consultation_end(public_id=session_id, is_sandbox=self.is_sandbox)))


class RecordingInput(serializers.Serializer):
    audio = serializers.FileField(allow_empty_file=True)
    process = serializers.BooleanField(required=False, default=False)


class VideoRecordingApi(ChatMedApiView):
    """Upload the consultation's recording (multipart ``audio``; ``process=true`` runs transcription and
    the note). ``{"session_id", "recording_id", "status", "duration_seconds"}``. 403 recording not
    enabled with consent; 413 over ``CHATMED_VIDEO_RECORDING_MAX_BYTES``; 422 not audio."""

    endpoint = ENDPOINT
    parser_classes = [MultiPartParser, FormParser]
    max_body_bytes = settings.CHATMED_VIDEO_RECORDING_MAX_BYTES + FORM_OVERHEAD_BYTES

    @chatmed_schema(request={"multipart/form-data": RecordingInput}, summary="Store a consultation's recording")
    def post(self, request, session_id: str):
        from transcription.services import AudioDecodeError, audio_decode

        consultation = services.consultation_get(public_id=session_id, is_sandbox=self.is_sandbox)
        if not consultation.enable_recording or consultation.recording_consent_at is None:
            raise ChatMedError("Recording is not enabled with the patient's consent for this session.", 403)
        data = validated_upload(self, RecordingInput, field="audio",
                                max_bytes=settings.CHATMED_VIDEO_RECORDING_MAX_BYTES, what="Recording")
        upload = data["audio"]
        try:
            audio = audio_decode(upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else upload)
        except AudioDecodeError as exc:
            raise ValidationFailed(f"audio: {exc}") from None
        recording = services.consultation_recording_store(
            consultation=consultation, file=upload, original_filename=upload.name or "consultation", audio=audio,
            process=data["process"] and not self.is_sandbox, clinic=self.principal.clinic)
        return Response({"session_id": consultation.public_id, "recording_id": str(recording.uuid),
                         "status": recording.status, "duration_seconds": recording.duration_seconds})


class WaitingRoomInput(serializers.Serializer):
    patient_id = serializers.CharField(**ID_FIELD)
    doctor_id = serializers.CharField(**ID_FIELD)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    session_id = serializers.CharField(required=False, max_length=40)


class WaitingRoomApi(ChatMedApiView):
    """``POST``: queue a patient (``{"entry_id", ..., "position"}``, 201); the doctor's open room pages are
    told live. ``GET ?doctor_id=``: ``{"doctor_id", "waiting": [entry, ...]}``."""

    endpoint = ENDPOINT

    @chatmed_schema(request=WaitingRoomInput, status=201, summary="Place a patient in the waiting room")
    def post(self, request):
        data = self.validated(WaitingRoomInput)
        entry = services.waiting_room_enter(is_sandbox=self.is_sandbox, patient_id=data["patient_id"],
                                            doctor_id=data["doctor_id"], reason=data["reason"],
                                            session_id=data.get("session_id"))
        waiting = services.waiting_room_list(is_sandbox=self.is_sandbox, doctor_id=entry.doctor_id)
        position = next((i + 1 for i, e in enumerate(waiting) if e.pk == entry.pk), None)
        return Response({**services.waiting_entry_view(entry), "position": position}, status=status.HTTP_201_CREATED)

    @chatmed_schema(summary="Patients waiting for a doctor", parameters=[OpenApiParameter(
        "doctor_id", {"type": "string", "minLength": 1, "pattern": r"\S"}, OpenApiParameter.QUERY, required=True,
        description="The doctor whose queue to list.")])
    def get(self, request):
        doctor_id = request.query_params.get("doctor_id", "").strip()
        if not doctor_id:
            raise ChatMedError("doctor_id: this query parameter is required.")
        return Response({"doctor_id": doctor_id, "waiting": [
            services.waiting_entry_view(e) for e in services.waiting_room_list(is_sandbox=self.is_sandbox,
                                                                               doctor_id=doctor_id)]})


class WaitingRoomAdmitApi(ChatMedApiView):
    """Admit a waiting patient: ``{entry..., "room_url", "doctor_join_url", "patient_join_url"}``
    (a room is created when the entry had none). 404 unknown entry; 422 no longer waiting."""

    endpoint = ENDPOINT

    @chatmed_schema(summary="Admit a patient from the waiting room")
    def post(self, request, entry_id: str):
        entry = services.waiting_room_admit(is_sandbox=self.is_sandbox, entry_id=entry_id)
        tokens = services.consultation_tokens(entry.consultation)
        return Response({**services.waiting_entry_view(entry), **join_urls(request, entry.consultation, tokens)})


# --- the join page ---------------------------------------------------------------------------------

ROOM_REFUSALS = {
    "expired": "This consultation link has expired.",
    "wrong_role": "This link is not for that role: use the join link you were given.",
    "wrong_room": "This link belongs to another consultation.",
    "invalid": "This consultation link is not valid.",
}


def _refused(request, reason: str) -> HttpResponse:
    return render(request, "chatmed/video_room_refused.html",
                  {"message": ROOM_REFUSALS.get(reason, ROOM_REFUSALS["invalid"]), "reason": reason}, status=403)


@require_GET
def video_room_page(request: HttpRequest, session_id: str) -> HttpResponse:
    """The room for one role: camera + microphone, WebRTC to the other role, signalling over
    ``/ws/consultations/<session_id>``. 403 for a missing, expired, other-room or other-role token.
    When the room records (patient consent given), the doctor's page records the call's audio and
    uploads it to :func:`video_room_recording` when the doctor leaves."""
    token = request.GET.get("token", "")
    role = request.GET.get("role") or None
    try:
        grant = room_token_read(token, session_id=session_id, role=role)
    except RoomTokenError as exc:
        return _refused(request, exc.reason)
    with schema_context(grant.schema_name):
        consultation = VideoConsultation.objects.filter(public_id=session_id, is_sandbox=grant.is_sandbox).first()
    if consultation is None:
        return _refused(request, "wrong_room")
    records = bool(consultation.enable_recording and consultation.recording_consent_at and grant.role == "doctor")
    return render(request, "chatmed/video_room.html", {
        "session_id": session_id, "role": grant.role, "token": token, "records": records,
        "ice_servers": settings.CHATMED_VIDEO_ICE_SERVERS,
    })


@csrf_exempt  # authenticated by the doctor's room token in the URL, not by a cookie
@require_POST
def video_room_recording(request: HttpRequest, session_id: str) -> JsonResponse:
    """The doctor's page uploads the call's audio (multipart ``audio``, WebM/Opus from MediaRecorder).

    Stored with :func:`chatmed.consultations.services.consultation_recording_store` (a
    ``transcription.Recording``). Errors in the ChatMed shape: 403 not the doctor's valid token or no
    consent; 413 over ``CHATMED_VIDEO_RECORDING_MAX_BYTES``; 422 not audio.
    """
    from chatmed.api.base import error_body
    from chatmed.api.request_id import new_request_id
    from transcription.services import AudioDecodeError, audio_decode

    request_id = getattr(request, "request_id", None) or new_request_id()

    def error(status_code: int, message: str) -> JsonResponse:
        return JsonResponse(error_body(status_code=status_code, message=message, request_id=request_id),
                            status=status_code)

    try:
        grant = room_token_read(request.GET.get("token", ""), session_id=session_id, role="doctor")
    except RoomTokenError as exc:
        return error(403, ROOM_REFUSALS.get(exc.reason, ROOM_REFUSALS["invalid"]))
    limit = settings.CHATMED_VIDEO_RECORDING_MAX_BYTES
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > limit + FORM_OVERHEAD_BYTES:
        return error(413, f"Recording exceeds the maximum allowed size ({limit // (1024 * 1024)} MB).")
    upload = request.FILES.get("audio")
    if upload is None or upload.size == 0:
        return error(400, "audio: no file uploaded.")
    try:
        audio = audio_decode(upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else upload)
    except AudioDecodeError as exc:
        return error(422, f"audio: {exc}")
    with schema_context(grant.schema_name):
        consultation = VideoConsultation.objects.filter(public_id=session_id, is_sandbox=grant.is_sandbox).first()
        if consultation is None:
            return error(404, "Requested resource does not exist.")
        try:
            recording = services.consultation_recording_store(
                consultation=consultation, file=upload, original_filename="consultation.webm", audio=audio,
                process=False, clinic=None)
        except ChatMedError as exc:
            return error(exc.status_code, str(exc.detail))
    return JsonResponse({"session_id": session_id, "recording_id": str(recording.uuid), "status": recording.status,
                         "duration_seconds": recording.duration_seconds})
