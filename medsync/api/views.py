"""Base view for authenticated clinic endpoints: authentication, rate limiting, headers."""

from __future__ import annotations

from rest_framework import status
from rest_framework.views import APIView

from medsync.api.errors import ApiError
from medsync.api.ratelimit import check_rate_limit, plan_limit


class RateLimited(ApiError):
    def __init__(self, message: str = "Rate limit exceeded"):
        super().__init__(message, status.HTTP_429_TOO_MANY_REQUESTS)


class ClinicApiView(APIView):
    """An endpoint called by a clinic's software with its API key.

    After authentication, every request counts against the key's plan limit (requests per minute,
    shared across processes); over the limit the answer is 429 with ``Retry-After``. All answers
    carry ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (Unix seconds).
    """

    rate_limit_namespace = "apikey"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        principal = request.user
        api_key = getattr(principal, "api_key", None)
        if api_key is None:
            return
        decision = check_rate_limit(
            key_id=str(api_key.pk), per_minute=plan_limit(principal.clinic.plan), namespace=self.rate_limit_namespace
        )
        self._rate_limit_headers = decision.headers()
        if not decision.allowed:
            raise RateLimited()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in getattr(self, "_rate_limit_headers", {}).items():
            response[name] = value
        return response
