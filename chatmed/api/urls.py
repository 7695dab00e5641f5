"""URLs of the ChatMed API, mounted at ``/api/v1/`` (before MediSync's ``/api/``)."""

from django.urls import path, re_path

from chatmed.api.base import not_found
from chatmed.api.views import UsersMeApi
from chatmed.chat.views import ChatMessageApi, ChatSessionApi
from chatmed.consultations.views import (
    VideoCancelApi, VideoCreateApi, VideoEndApi, VideoRecordingApi, VideoStatusApi, WaitingRoomAdmitApi, WaitingRoomApi,
)
from chatmed.emergency.views import EmergencyDetectApi
from chatmed.prescriptions.views import (
    InteractionCheckApi, PrescriptionCreateApi, PrescriptionDetailApi, PrescriptionListCreateApi, PrescriptionPdfApi,
)
from chatmed.profiles.views import ProfileDetailApi, ProfileListCreateApi
from chatmed.speech.views import SpeechTranscribeApi, speech_audio
from chatmed.vision.views import MedicalVisionAnalyzeApi
from chatmed.vitals.views import HeartRateApi

urlpatterns = [
    path("users/me", UsersMeApi.as_view(), name="chatmed-users-me"),
    path("profiles", ProfileListCreateApi.as_view(), name="chatmed-profiles"),
    path("profiles/<str:profile_id>", ProfileDetailApi.as_view(), name="chatmed-profile"),
    path("chat/message", ChatMessageApi.as_view(), name="chatmed-chat-message"),
    path("chat/sessions/<str:session_id>", ChatSessionApi.as_view(), name="chatmed-chat-session"),
    path("emergency/detect", EmergencyDetectApi.as_view(), name="chatmed-emergency-detect"),
    path("health/heart-rate", HeartRateApi.as_view(), name="chatmed-heart-rate"),
    path("prescriptions", PrescriptionListCreateApi.as_view(), name="chatmed-prescriptions"),
    path("prescriptions/create", PrescriptionCreateApi.as_view(), name="chatmed-prescriptions-create"),
    path("prescriptions/check-interactions", InteractionCheckApi.as_view(), name="chatmed-interactions"),
    path("prescriptions/<str:prescription_id>", PrescriptionDetailApi.as_view(), name="chatmed-prescription"),
    path("prescriptions/<str:prescription_id>/pdf", PrescriptionPdfApi.as_view(), name="chatmed-prescription-pdf"),
    # Part 2 (issue 13): voice assistant, video teleconsultation, medical image analysis.
    path("speech/transcribe", SpeechTranscribeApi.as_view(), name="chatmed-speech-transcribe"),
    path("speech/audio/<str:token>", speech_audio, name="chatmed-speech-audio"),
    path("consultations/video/create", VideoCreateApi.as_view(), name="chatmed-video-create"),
    path("consultations/video/<str:session_id>/status", VideoStatusApi.as_view(), name="chatmed-video-status"),
    path("consultations/video/<str:session_id>/cancel", VideoCancelApi.as_view(), name="chatmed-video-cancel"),
    path("consultations/video/<str:session_id>/end", VideoEndApi.as_view(), name="chatmed-video-end"),
    path("consultations/video/<str:session_id>/recording", VideoRecordingApi.as_view(), name="chatmed-video-recording"),
    path("consultations/waiting-room", WaitingRoomApi.as_view(), name="chatmed-waiting-room"),
    path("consultations/waiting-room/<str:entry_id>/admit", WaitingRoomAdmitApi.as_view(),
         name="chatmed-waiting-room-admit"),
    path("medical-vision/analyze", MedicalVisionAnalyzeApi.as_view(), name="chatmed-vision-analyze"),
    # Anything else under /api/v1/ answers ChatMed's 404, never MediSync's.
    re_path(r"^.*$", not_found, name="chatmed-not-found"),
]
