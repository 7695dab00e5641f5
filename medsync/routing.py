"""WebSocket routes. Live transcription (``/ws/transcribe``) is added by its issue."""

websocket_urlpatterns: list = []
