"""``POST /api/v1/speech/transcribe`` and the signed ``GET /api/v1/speech/audio/{token}`` of its answers."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import FileResponse, JsonResponse
from django.urls import reverse
from django_tenants.utils import schema_context
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from clinics.models import ChatMedEndpoint
from chatmed.api.base import ChatMedApiView, ValidationFailed, error_body
from chatmed.api.request_id import new_request_id
from chatmed.api.schema import chatmed_schema
from chatmed.api.uploads import FORM_OVERHEAD_BYTES, validated_upload
from chatmed.models import VoiceExchange
from chatmed.profiles.services import profile_get
from chatmed.speech.services import VoiceAudioError, audio_url_read, audio_url_token, voice_audio_decode, voice_question

ENDPOINT = ChatMedEndpoint.SPEECH  # plan endpoint group


class VoiceInput(serializers.Serializer):
    audio = serializers.FileField(allow_empty_file=True)
    language = serializers.CharField(required=False, allow_blank=True, max_length=35)
    return_audio = serializers.BooleanField(required=False, default=False)
    session_id = serializers.CharField(required=False, max_length=100)
    profile_id = serializers.CharField(required=False, max_length=40)


class SpeechTranscribeApi(ChatMedApiView):
    """Answer ``{"transcript", "language", "language_detected", "response_text", "urgency_level",
    "disclaimer", "follow_up_questions", "session_id", "timestamp", "speech_engine", "audio_url"}``
    (``audio_url`` ``null`` unless ``return_audio``; valid ``CHATMED_AUDIO_URL_MAX_AGE_SECONDS``).

    Errors: 400 no ``audio`` field; 413 over ``CHATMED_VOICE_MAX_BYTES`` (25 MB); 422 not WAV/MP3/WebM/OGG
    audio, corrupt, too long, unsupported language, no speech recognised; 404 unknown ``profile_id``;
    503 speech recognition unavailable (the question stays stored)."""

    endpoint = ENDPOINT
    parser_classes = [MultiPartParser, FormParser]
    max_body_bytes = settings.CHATMED_VOICE_MAX_BYTES + FORM_OVERHEAD_BYTES

    @chatmed_schema(request={"multipart/form-data": VoiceInput}, summary="Ask by voice, get a spoken answer")
    def post(self, request):
        data = validated_upload(self, VoiceInput, field="audio", max_bytes=settings.CHATMED_VOICE_MAX_BYTES,
                                what="Audio file")
        upload = data["audio"]
        if upload.size == 0:
            raise ValidationFailed("audio: the uploaded file is empty")
        profile = profile_get(public_id=data["profile_id"], is_sandbox=self.is_sandbox) if data.get("profile_id") else None
        try:
            audio = voice_audio_decode(upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else upload)
        except VoiceAudioError as exc:
            raise ValidationFailed(str(exc)) from None
        exchange, body = voice_question(
            clinic=self.principal.clinic, is_sandbox=self.is_sandbox, upload=upload, audio=audio,
            language=(data.get("language") or "").strip() or None, return_audio=data["return_audio"],
            session_id=data.get("session_id"), profile=profile)
        body["audio_url"] = (request.build_absolute_uri(reverse("chatmed-speech-audio",
                                                                args=[audio_url_token(exchange)]))
                             if exchange.reply_audio else None)
        return Response(body)


def speech_audio(request, token: str):
    """The synthesised answer (``audio/wav``) named by a signed token; no API key needed (the URL is the
    credential, like a pre-signed object-store URL). 404 ``not_found`` for a forged or unknown token,
    403 ``forbidden`` once it expired."""
    request_id = getattr(request, "request_id", None) or new_request_id()

    def error(status: int, message: str) -> JsonResponse:
        response = JsonResponse(error_body(status_code=status, message=message, request_id=request_id), status=status)
        response["X-Request-ID"] = request_id
        return response

    if request.method not in ("GET", "HEAD"):
        return error(405, "Only GET is allowed.")
    try:
        schema_name, public_id = audio_url_read(token)
    except signing.SignatureExpired:
        return error(403, "This audio link has expired; ask again for a new one.")
    except signing.BadSignature:
        return error(404, "Requested resource does not exist.")
    with schema_context(schema_name):
        exchange = VoiceExchange.objects.filter(public_id=public_id).exclude(reply_audio="").first()
        if exchange is None:
            return error(404, "Requested resource does not exist.")
        handle = exchange.reply_audio.open("rb")
    response = FileResponse(handle, content_type="audio/wav", filename=f"{public_id}.wav")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Request-ID"] = request_id
    return response
