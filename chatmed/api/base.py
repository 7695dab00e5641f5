"""The ChatMed surface (``/api/v1``): authentication, plan access, limits, request ids, error shape.

Every endpoint derives from :class:`ChatMedApiView`, so none can get these wrong:

* ``X-API-Key: sk_live_…`` or ``sk_test_…`` (``msk_`` platform keys are refused); the key selects
  the clinic's schema. ``sk_test_`` keys are a sandbox (see :mod:`chatmed.models`).
* 403 ``forbidden`` when the clinic's plan excludes the endpoint (``PlanEndpointAccess`` in the admin).
* Limits per key (:mod:`chatmed.api.limits`): ``X-RateLimit-Limit/-Remaining/-Reset`` on every
  authenticated answer; 429 ``rate_limit_exceeded`` with ``Retry-After``.
* Errors: ``{"error": slug, "message", "code", "request_id"}`` with the seed's slugs ("Error
  Codes"); every answer, error or not, carries ``X-Request-ID``, also logged with the request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import connection
from django.http import Http404, JsonResponse
from rest_framework import authentication, exceptions, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from chatmed.api.limits import acquire_slot, count_request, release_slot
from chatmed.api.request_id import bind_request_id, new_request_id, unbind_request_id
from clinics.models import ApiKey, ApiKeyKind, Clinic
from clinics.selectors import api_key_lookup, plan_excluded_endpoints
from clinics.services import api_key_mark_used

logger = logging.getLogger("chatmed.api")

API_KEY_HEADER = "X-API-Key"
CHATMED_KEY_KINDS = (ApiKeyKind.CHATMED_LIVE, ApiKeyKind.CHATMED_TEST)

# ChatMed API seed, "Error Codes": HTTP status -> error slug.
ERROR_SLUGS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "bad_request",
    422: "validation_error",
    429: "rate_limit_exceeded",
    500: "internal_error",
    503: "service_unavailable",
}
RETRY_GUIDANCE = "Retry with exponential backoff (1 s, doubling, at most 32 s) and quote the request_id."


class ChatMedError(exceptions.APIException):
    """An error answered in the ChatMed shape: ``status_code`` picks the slug; ``message`` is shown."""

    def __init__(self, message: str, status_code: int = status.HTTP_400_BAD_REQUEST, headers: dict | None = None,
                 extra: dict[str, Any] | None = None):
        super().__init__(detail=message)
        self.status_code = status_code
        self.headers = headers or {}
        #: Fields added to the error body next to the four standard ones (e.g. a validated image's metadata).
        self.extra = extra or {}


class ValidationFailed(ChatMedError):
    """422 ``validation_error``: the body is well-formed but a value is not acceptable."""

    def __init__(self, message: str):
        super().__init__(message, status.HTTP_422_UNPROCESSABLE_ENTITY)


class NotFound(ChatMedError):
    def __init__(self, message: str = "Requested resource does not exist."):
        super().__init__(message, status.HTTP_404_NOT_FOUND)


class ServiceUnavailable(ChatMedError):
    def __init__(self, message: str = "Temporary downtime.", extra: dict[str, Any] | None = None):
        super().__init__(message, status.HTTP_503_SERVICE_UNAVAILABLE, extra=extra)


class PayloadTooLarge(ChatMedError):
    """413 ``payload_too_large``: an upload over the endpoint's limit (``max_bytes``)."""

    def __init__(self, what: str, max_bytes: int):
        super().__init__(f"{what} exceeds the maximum allowed size ({max_bytes // (1024 * 1024)} MB).",
                         status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)


def error_body(*, status_code: int, message: str, request_id: str) -> dict[str, Any]:
    """``{"error": slug, "message", "code": status, "request_id"}``."""
    slug = ERROR_SLUGS.get(status_code, "internal_error" if status_code >= 500 else "bad_request")
    return {"error": slug, "message": message, "code": status_code, "request_id": request_id}


def _first_message(detail: Any, path: str = "") -> str:
    """Flatten DRF error details into one sentence naming the offending field (``medications.0.name: ...``)."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            name = "" if field == "non_field_errors" else str(field)
            return _first_message(value, f"{path}.{name}" if path and name else (name or path))
        return "Invalid request."
    if isinstance(detail, list) and detail:
        return _first_message(detail[0], path)
    text = str(detail)
    return f"{path}: {text}" if path and path != "detail" else text


BAD_REQUEST_CODES = {"required", "null", "invalid", "not_a_list", "not_a_dict", "blank", "parse_error", "date",
                     "datetime"}


def _codes(codes: Any) -> set[str]:
    if isinstance(codes, dict):
        return set().union(*(_codes(v) for v in codes.values())) if codes else set()
    if isinstance(codes, list):
        return set().union(*(_codes(v) for v in codes)) if codes else set()
    return {str(codes)}


class ChatMedPrincipal:
    """The caller of a ChatMed request: a clinic through one of its ``sk_live_``/``sk_test_`` keys."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, clinic: Clinic, api_key: ApiKey) -> None:
        self.clinic = clinic
        self.api_key = api_key

    @property
    def pk(self) -> str:
        return f"chatmed:{self.api_key.pk}"

    @property
    def is_sandbox(self) -> bool:
        return self.api_key.is_sandbox


class ChatMedKeyAuthentication(authentication.BaseAuthentication):
    """``X-API-Key`` with a ChatMed key; switches the connection to the key's clinic schema."""

    def authenticate(self, request):
        raw_key = request.headers.get(API_KEY_HEADER, "").strip()
        if not raw_key:
            return None
        api_key = api_key_lookup(raw_key=raw_key, kinds=CHATMED_KEY_KINDS)
        if api_key is None:
            raise exceptions.AuthenticationFailed("Invalid or missing API key.")
        api_key_mark_used(api_key=api_key)
        connection.set_tenant(api_key.clinic)
        request._request.clinic = api_key.clinic
        return ChatMedPrincipal(api_key.clinic, api_key), api_key

    def authenticate_header(self, request) -> str:
        return API_KEY_HEADER


class HasChatMedKey(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        if not isinstance(request.user, ChatMedPrincipal):
            raise exceptions.NotAuthenticated("Invalid or missing API key.")
        return True


class PlanIncludesEndpoint(permissions.BasePermission):
    """403 when a ``PlanEndpointAccess`` row excludes the view's ``endpoint`` from the clinic's plan."""

    message = "Your plan does not have access to this endpoint."

    def has_permission(self, request, view) -> bool:
        endpoint = getattr(view, "endpoint", None)
        if endpoint is None:
            return True
        return endpoint not in plan_excluded_endpoints(plan=request.user.clinic.plan)


def _is_store_outage(exc: Exception) -> bool:
    """True for connection failures of Redis (limits and concurrency slots): a 503, not a 500."""
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    from limits.errors import StorageError

    return isinstance(exc, (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, StorageError))


def chatmed_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Turn any exception of a ChatMed view into the ChatMed error shape (never a stack trace)."""
    view = context.get("view")
    request_id = getattr(view, "request_id", "-")
    headers: dict[str, str] = {}
    if isinstance(exc, Http404):
        exc = NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied("Your plan does not have access to this endpoint.")
    elif _is_store_outage(exc):
        logger.warning("request_id=%s shared store unavailable: %s", request_id, type(exc).__name__)
        exc = ServiceUnavailable("A shared service (rate-limit store) is temporarily unavailable.")
    elif isinstance(exc, RequestDataTooBig):
        exc = ChatMedError("Request body exceeds the maximum allowed size.", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)

    if isinstance(exc, exceptions.ValidationError):
        # Seed: 400 "missing or invalid request parameters" vs 422 "failed schema validation": a
        # missing, null or wrongly typed field is a 400, an out-of-range or unknown value a 422.
        status_code = (status.HTTP_400_BAD_REQUEST if _codes(exc.get_codes()) & BAD_REQUEST_CODES
                       else status.HTTP_422_UNPROCESSABLE_ENTITY)
        message = _first_message(exc.detail)
    elif isinstance(exc, (exceptions.ParseError, exceptions.UnsupportedMediaType)):
        status_code, message = status.HTTP_400_BAD_REQUEST, str(exc.detail)
    elif isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        status_code, message = status.HTTP_401_UNAUTHORIZED, "Invalid or missing API key."
    elif isinstance(exc, exceptions.APIException):
        status_code, message = exc.status_code, _first_message(exc.detail)
        headers.update(getattr(exc, "headers", {}) or {})
    else:
        logger.exception("request_id=%s unhandled error in %s", request_id, type(view).__name__ if view else "view")
        status_code, message = status.HTTP_500_INTERNAL_SERVER_ERROR, "Unexpected server error."
    if status_code in (500, 503, 429):
        message = f"{message} {RETRY_GUIDANCE}"
    body = error_body(status_code=status_code, message=message, request_id=request_id)
    if isinstance(exc, exceptions.APIException):
        body.update({k: v for k, v in (getattr(exc, "extra", None) or {}).items() if k not in body})
    return Response(body, status=status_code, headers=headers)


class ChatMedApiView(APIView):
    """Base of every ChatMed endpoint (see the module docstring). Subclasses set ``endpoint``."""

    authentication_classes = [ChatMedKeyAuthentication]
    permission_classes = [HasChatMedKey, PlanIncludesEndpoint]
    endpoint: str | None = None
    #: Largest request body, bytes (``None``: ``CHATMED_MAX_BODY_BYTES``). Upload endpoints set their
    #: file limit plus room for the form's other fields, and check the file itself as it streams in.
    max_body_bytes: int | None = None

    # --- request life cycle ---
    def dispatch(self, request, *args, **kwargs):
        # The id RequestContextMiddleware gave this request (medsync.request_context), else a new one.
        self.request_id = getattr(request, "request_id", None) or new_request_id()
        self._started = time.perf_counter()
        self._slot: tuple[str, str] | None = None
        self._rate_headers: dict[str, str] = {}
        token = bind_request_id(self.request_id)
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            unbind_request_id(token)

    def check_permissions(self, request):
        """Authenticated key first, then the limits (so even a 403 answer is counted and carries
        ``X-RateLimit-*``), then the plan's endpoint access."""
        principal = request.user
        if not isinstance(principal, ChatMedPrincipal):
            raise exceptions.NotAuthenticated("Invalid or missing API key.")
        key_id, plan = str(principal.api_key.pk), principal.clinic.plan
        decision = count_request(key_id=key_id, plan=plan)
        self._rate_headers = decision.headers()
        if not decision.allowed:
            window = "per-day" if decision.refused_by == "day" else "per-minute"
            raise ChatMedError(f"Too many requests: the {window} limit of your plan is reached. "
                               "Check the X-RateLimit-Reset header.", status.HTTP_429_TOO_MANY_REQUESTS,
                               headers={"Retry-After": str(decision.retry_after)})
        if not acquire_slot(key_id=key_id, plan=plan, token=self.request_id):
            raise ChatMedError("Too many concurrent requests for this API key.", status.HTTP_429_TOO_MANY_REQUESTS,
                               headers={"Retry-After": "1"})
        self._slot = (key_id, self.request_id)
        super().check_permissions(request)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, limits, plan access
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = self.max_body_bytes or settings.CHATMED_MAX_BODY_BYTES
        if length.isdigit() and int(length) > limit:
            raise ChatMedError(f"Request body exceeds the maximum allowed size ({limit} bytes).",
                               status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)

    def get_exception_handler(self):
        return chatmed_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._slot is not None:
            try:
                release_slot(key_id=self._slot[0], token=self._slot[1])
            except Exception as exc:  # the slot expires on its own (CHATMED_CONCURRENCY_SLOT_TTL_SECONDS)
                logger.warning("request_id=%s could not release concurrency slot: %s", self.request_id, type(exc).__name__)
            self._slot = None
        for name, value in self._rate_headers.items():
            if name not in response:
                response[name] = value
        response["X-Request-ID"] = self.request_id
        principal = getattr(request, "_user", None)
        logger.info(
            "request_id=%s %s %s %s %.1fms key=%s", self.request_id, request.method, request.path,
            response.status_code, (time.perf_counter() - self._started) * 1000,
            principal.api_key.prefix if isinstance(principal, ChatMedPrincipal) else "-",
        )
        return response

    # --- helpers for subclasses ---
    @property
    def principal(self) -> ChatMedPrincipal:
        return self.request.user

    @property
    def is_sandbox(self) -> bool:
        return self.request.user.is_sandbox

    def validated(self, serializer_class, data=None) -> dict:
        """Validate ``data`` (default: the JSON body) with ``serializer_class``; 400 for a non-object body."""
        payload = self.request.data if data is None else data
        if not isinstance(payload, dict):
            raise ChatMedError("The request body must be a JSON object.", status.HTTP_400_BAD_REQUEST)
        serializer = serializer_class(data=payload)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any unknown ``/api/v1/...`` path: 404 in the ChatMed shape (before any authentication)."""
    request_id = getattr(request, "request_id", None) or new_request_id()
    response = JsonResponse(error_body(status_code=404, message="Requested resource does not exist.",
                                       request_id=request_id), status=404)
    response["X-Request-ID"] = request_id
    logger.info("request_id=%s %s %s 404", request_id, request.method, request.path)
    return response
