"""WebSocket routes of every app (served by Daphne through ``medsync.asgi``)."""

from django.urls import path

from calls.consumers import SimulatorCallConsumer, TwilioMediaStreamConsumer
from chatmed.consultations.consumers import VideoSignallingConsumer
from transcription.consumers import LiveTranscriptionConsumer
from transcription.live import daphne

# Daphne answers refused handshakes with 403 only; this lets /ws/transcribe answer 401 as its seed
# requires (WebSocket Denial Response extension; see transcription.live.daphne).
daphne.install()

websocket_urlpatterns: list = [
    path("ws/transcribe", LiveTranscriptionConsumer.as_asgi(), name="live-transcribe"),
    path("ws/calls/twilio/<slug:client_id>", TwilioMediaStreamConsumer.as_asgi(), name="calls-twilio-media"),
    path("ws/calls/simulator/<str:call_sid>", SimulatorCallConsumer.as_asgi(), name="calls-simulator"),
    # ChatMed video teleconsultation signalling (issue 13)
    path("ws/consultations/<str:session_id>", VideoSignallingConsumer.as_asgi(), name="chatmed-video-signalling"),
]
