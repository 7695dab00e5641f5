"""Base views of the MediSync API (``/api/...``) and the documentation-workflow API (``/v1/...``).

Both build on :class:`medsync.api.views.ClinicApiView` (per-API-key plan limits and headers) and add:

* a per-user rate limit for callers signed in with a Bearer token (``MEDSYNC_USER_RATE_LIMIT_PER_MINUTE``),
* their surface's error body (see :mod:`medsync.api.errors`) and 400 for invalid input.

MediSync views (quickstart seed) accept only Bearer tokens, require the clinic's subscription to be
active (403) and, when the request names a ``uid``, require it to be the signed-in user's (403).
Workflow views (clinical documentation workflow seed) accept a Bearer token or an ``X-API-Key``.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions, permissions, status

from clinics.selectors import subscription_is_active
from medsync.api import schema  # noqa: F401 - registers the OpenAPI authentication extensions
from medsync.api.authentication import ApiKeyAuthentication
from medsync.api.jwt import ClinicUserPrincipal, JwtAuthentication
from medsync.api.ratelimit import check_rate_limit
from medsync.api.views import ClinicApiView, RateLimited

RETRY_GUIDANCE = "Retry with exponential backoff (1 s, 2 s, 4 s, ...)."


class IsClinicUser(permissions.BasePermission):
    """Only requests signed in as a clinic user (Bearer token)."""

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.user, ClinicUserPrincipal):
            raise exceptions.NotAuthenticated("Missing authentication token")
        return True


class HasActiveSubscription(permissions.BasePermission):
    """403 when the user's clinic has no active (or trialing) subscription."""

    message = "An active subscription is required"

    def has_permission(self, request, view) -> bool:
        return subscription_is_active(clinic=request.user.clinic)


class UidMatchesToken(permissions.BasePermission):
    """A ``uid`` query parameter, when given, must be the signed-in user's own ``uid``."""

    message = "uid does not match the signed-in user"

    def has_permission(self, request, view) -> bool:
        uid = request.query_params.get("uid")
        return uid is None or uid == request.user.uid


class HasClinicCredential(permissions.BasePermission):
    """Any clinic credential: a user's Bearer token or a clinic API key."""

    def has_permission(self, request, view) -> bool:
        if getattr(request.user, "clinic", None) is None:
            raise exceptions.NotAuthenticated("Missing credentials: send Authorization: Bearer <token> or X-API-Key")
        return True


class _UserRateLimitMixin:
    """Counts requests of Bearer-token callers per user (API keys are counted by ``ClinicApiView``)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        principal = request.user
        if isinstance(principal, ClinicUserPrincipal):
            decision = check_rate_limit(
                key_id=principal.uid, per_minute=settings.MEDSYNC_USER_RATE_LIMIT_PER_MINUTE, namespace="user"
            )
            self._rate_limit_headers = decision.headers()
            if not decision.allowed:
                raise RateLimited()


class MediSyncApiView(_UserRateLimitMixin, ClinicApiView):
    """A MediSync endpoint: Bearer token, active subscription, ``uid`` check, ``{"success": false, ...}`` errors."""

    authentication_classes = [JwtAuthentication]
    permission_classes = [IsClinicUser, UidMatchesToken, HasActiveSubscription]
    validation_status = status.HTTP_400_BAD_REQUEST

    def build_error_body(self, message: str, status_code: int) -> dict:
        return {"success": False, "error": message}

    @property
    def clinic_user(self):
        return self.request.user.clinic_user


class WorkflowApiView(_UserRateLimitMixin, ClinicApiView):
    """A documentation-workflow endpoint: Bearer token or API key, ``{"error": ...}`` errors, 400 on bad input."""

    authentication_classes = [JwtAuthentication, ApiKeyAuthentication]
    permission_classes = [HasClinicCredential]
    validation_status = status.HTTP_400_BAD_REQUEST

    def build_error_body(self, message: str, status_code: int) -> dict:
        if status_code >= 500:
            return {"error": f"{message}. {RETRY_GUIDANCE}"}
        return {"error": message}

    def actor_label(self) -> str:
        """Who is acting, for version histories: the user's ``uid`` or ``api_key:<prefix>``."""
        principal = self.request.user
        if isinstance(principal, ClinicUserPrincipal):
            return principal.uid
        return f"api_key:{principal.api_key.prefix}" if principal.api_key else "api_key"
