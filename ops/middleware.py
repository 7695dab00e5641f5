"""``RequestContextMiddleware``: request id, log context and metrics of every HTTP request."""

from __future__ import annotations

import logging
import time

from medsync.request_context import (
    bind_request,
    bind_request_id,
    client_request_id,
    new_request_id,
    surface_of,
    unbind_request,
    unbind_request_id,
)
from ops.metrics import HTTP_DURATION, HTTP_REQUESTS

logger = logging.getLogger("medsync.access")


class RequestContextMiddleware:
    """Give each request a new, unique id (``req_…``), answer it in ``X-Request-ID``, make it and the request's clinic and surface part of every log record, count the
    request in ``medsync_http_requests_total{surface,status}`` and log one access line.

    The access line holds the method, the URL *route* (``api/patients/<str:patient_id>``, not the path
    or query string, which can carry patient data), the status and the duration in milliseconds, and the
    client's own ``X-Request-ID`` as ``client_request_id`` when it is a plain token.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id()
        id_token = bind_request_id(request.request_id)
        request_token = bind_request(request)
        started = time.perf_counter()
        surface = surface_of(request.path)
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            response.headers.setdefault("X-Request-ID", request.request_id)
            HTTP_REQUESTS.labels(surface=surface, status=str(response.status_code)).inc()
            HTTP_DURATION.labels(surface=surface).observe(seconds)
            match = getattr(request, "resolver_match", None)
            extra = {}
            if client_id := client_request_id(request.headers.get("X-Request-ID")):
                extra["client_request_id"] = client_id  # a proxy's trace id, to join its logs with ours
            logger.info("%s %s %s %.1fms", request.method, match.route if match else "(no route)",
                        response.status_code, seconds * 1000, extra=extra)
            return response
        finally:
            unbind_request(request_token)
            unbind_request_id(id_token)
