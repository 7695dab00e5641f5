"""WebSocket routes of every app (served by Daphne through ``medsync.asgi``)."""

from django.urls import path

from transcription.consumers import LiveTranscriptionConsumer
from transcription.live import daphne

# Daphne answers refused handshakes with 403 only; this lets /ws/transcribe answer 401 as its seed
# requires (WebSocket Denial Response extension; see transcription.live.daphne).
daphne.install()

websocket_urlpatterns: list = [
    path("ws/transcribe", LiveTranscriptionConsumer.as_asgi(), name="live-transcribe"),
]
