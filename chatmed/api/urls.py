"""URLs of the ChatMed API, mounted at ``/api/v1/`` (before MediSync's ``/api/``)."""

from django.urls import path, re_path

from chatmed.api.base import not_found
from chatmed.api.views import UsersMeApi
from chatmed.chat.views import ChatMessageApi, ChatSessionApi
from chatmed.emergency.views import EmergencyDetectApi
from chatmed.prescriptions.views import (
    InteractionCheckApi, PrescriptionCreateApi, PrescriptionDetailApi, PrescriptionListCreateApi, PrescriptionPdfApi,
)
from chatmed.profiles.views import ProfileDetailApi, ProfileListCreateApi
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
    # Anything else under /api/v1/ answers ChatMed's 404, never MediSync's.
    re_path(r"^.*$", not_found, name="chatmed-not-found"),
]
