"""``GET /calls/simulator/<call_sid>/?token=``: take a simulated call in the browser.

The link (with its signed, expiring token) is shown on the call's admin page and printed by
``manage.py agent_call_sim --url``. The page answers the ringing call over
``/ws/calls/simulator/<call_sid>`` and then streams the microphone (16 kHz PCM, the AudioWorklet of
the live transcription page) or typed lines; it plays the agent's audio and shows both sides.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from calls import tokens


@require_GET
def simulator_page(request: HttpRequest, call_sid: str) -> HttpResponse:
    token = request.GET.get("token", "")
    found = tokens.simulator_token_read(token)
    if found is None or found[1] != call_sid:
        return JsonResponse({"error": "Invalid or expired simulator link"}, status=403)
    return render(request, "calls/simulator.html", {"call_sid": call_sid, "token": token})
