"""``GET /live/``: a small page that records the microphone and shows the live transcript.

It is a client of ``/ws/transcribe`` like any other: it signs in with ``POST /api/login`` (or takes a
pasted token) and connects with ``?token=`` because browsers cannot set WebSocket headers. Audio is
captured as 16 kHz 16-bit PCM by an AudioWorklet (the seed's recommended format), or as WebM/Opus
with MediaRecorder to exercise that path. The page itself holds no data.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from templates.builtin import BUILTIN_TEMPLATES

LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français"), ("de", "Deutsch"), ("it", "Italiano"),
             ("pt", "Português"), ("ca", "Català")]


@require_GET
def live_demo(request: HttpRequest) -> HttpResponse:
    """The live transcription demo page (see the module docstring)."""
    templates = [(key, spec.name) for key, spec in BUILTIN_TEMPLATES.items()]
    return render(request, "transcription/live.html", {"languages": LANGUAGES, "templates": templates})
