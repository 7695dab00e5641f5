from django.urls import path

from transcription.api.views import TranscribeApi

urlpatterns = [path("transcribe", TranscribeApi.as_view(), name="transcribe")]
