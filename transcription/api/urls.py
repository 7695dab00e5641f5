from django.urls import path

from transcription.api.views import TranscribeApi
from transcription.api.vocabulary import VocabularyApi, VocabularyTermApi

urlpatterns = [
    path("transcribe", TranscribeApi.as_view(), name="transcribe"),
    path("vocabulary", VocabularyApi.as_view(), name="vocabulary"),
    path("vocabulary/<path:term>", VocabularyTermApi.as_view(), name="vocabulary-term"),
]
