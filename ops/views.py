"""``GET /metrics`` (Prometheus, bearer ``METRICS_TOKEN``) and ``GET /ready`` (readiness)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from medsync.api.errors import json_404
from ops.metrics import metrics_payload
from ops.readiness import readiness


@require_GET
def metrics(request) -> HttpResponse:
    """Prometheus text format. 404 when ``METRICS_TOKEN`` is unset (the endpoint does not exist), 401 with
    ``WWW-Authenticate: Bearer`` when the ``Authorization: Bearer <token>`` header is missing or wrong."""
    token = settings.METRICS_TOKEN
    if not token:
        return json_404(request, None)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        response = JsonResponse({"error": "unauthorized", "message": "A valid metrics bearer token is required."},
                                status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics_payload(), content_type=CONTENT_TYPE_LATEST)


@require_GET
def ready(request) -> JsonResponse:
    """``{"status": "ready"|"not_ready", "checks": {"database", "broker", "speech_models"}}``: 200 or 503."""
    result = readiness()
    return JsonResponse({"status": "ready" if result.ready else "not_ready", "checks": result.checks},
                        status=200 if result.ready else 503)
