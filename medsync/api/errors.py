"""Error bodies of the API surfaces.

The platform surface (``/v1``, platform API seed "Error Handling") answers every error as
``{"error": "<description>"}``; invalid parameters are 422. Views of other surfaces set
``error_body`` / ``validation_status`` to follow their own seeds. Unexpected exceptions become a
500 in the same shape, never a stack trace; their details go to the log without request data.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger("medsync.api")


class ApiError(exceptions.APIException):
    """An error with an explicit HTTP status and a message safe to show to the client."""

    def __init__(self, message: str, status_code: int = status.HTTP_422_UNPROCESSABLE_ENTITY):
        super().__init__(detail=message)
        self.status_code = status_code


def _first_message(detail: Any, path: str = "") -> str:
    """Flatten DRF error details into one readable sentence naming the offending field."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            name = field if field != "non_field_errors" else ""
            return _first_message(value, f"{path}.{name}" if path and name else (name or path))
        return "Invalid request"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0], path)
    text = str(detail)
    if path and path not in ("detail",):
        return f"{path}: {text}"
    return text


def error_body(view: Any, message: str, status_code: int) -> dict[str, Any]:
    """The error body for ``view``'s surface (``{"error": ...}`` unless the view overrides it)."""
    builder = getattr(view, "build_error_body", None)
    if builder is not None:
        return builder(message, status_code)
    return {"error": message}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF exception handler producing each surface's documented error shape."""
    view = context.get("view")
    headers: dict[str, str] = {}
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):  # body over DATA_UPLOAD_MAX_MEMORY_SIZE (see medsync.api.parsers)
        from medsync.api.parsers import RequestBodyTooLarge

        exc = RequestBodyTooLarge()

    if isinstance(exc, exceptions.ValidationError):
        status_code = getattr(view, "validation_status", status.HTTP_422_UNPROCESSABLE_ENTITY)
        message = _first_message(exc.detail)
    elif isinstance(exc, exceptions.ParseError):
        status_code = getattr(view, "validation_status", status.HTTP_422_UNPROCESSABLE_ENTITY)
        message = str(exc.detail)
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        status_code = getattr(view, "validation_status", status.HTTP_422_UNPROCESSABLE_ENTITY)
        message = str(exc.detail)
    elif is_database_unavailable(exc):
        logger.warning("database unavailable in %s: %s", type(view).__name__ if view else "view", type(exc).__name__)
        status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        message = DATABASE_UNAVAILABLE
        headers["Retry-After"] = "5"
    elif isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        message = _first_message(exc.detail)
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait))
    else:
        logger.exception("Unhandled error in %s", type(view).__name__ if view else "view")
        status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
        message = "Internal error"
    response = Response(error_body(view, message, status_code), status=status_code, headers=headers)
    return response


def _surface_body(request, message: str) -> dict[str, Any]:
    """The MediSync surface (``/api/...`` except the OpenAPI pages) wraps errors with ``success``."""
    path = getattr(request, "path", "")
    if path.startswith("/api/") and not path.startswith(("/api/schema", "/api/docs")):
        return {"success": False, "error": message}
    return {"error": message}


def json_404(request, exception=None) -> JsonResponse:
    """Django ``handler404``: unknown URLs answer JSON ``{"error": "Not found"}`` in the surface's shape."""
    return JsonResponse(_surface_body(request, "Not found"), status=404)


def json_500(request) -> JsonResponse:
    """Django ``handler500``: errors outside DRF views still answer JSON, never a stack trace.

    A database that cannot be reached (down, restarting, or no free pooled connection within
    ``DATABASE_POOL_TIMEOUT``) answers 503 with ``Retry-After`` instead: the request may be retried.
    Django calls this inside its ``except`` block, so ``sys.exc_info()`` holds the error.
    """
    import sys

    if is_database_unavailable(sys.exc_info()[1]):
        response = JsonResponse(_surface_body(request, DATABASE_UNAVAILABLE), status=503)
        response["Retry-After"] = "5"
        return response
    return JsonResponse(_surface_body(request, "Internal error"), status=500)


DATABASE_UNAVAILABLE = "Service temporarily unavailable (database); retry shortly"


def is_database_unavailable(exc: BaseException | None) -> bool:
    """True for a failure to reach PostgreSQL (Django's wrapped ``OperationalError``/``InterfaceError``,
    which include psycopg's pool timeout), as opposed to a bug or bad data."""
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, (OperationalError, InterfaceError))
