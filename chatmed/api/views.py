"""``GET /api/v1/users/me``: the key's clinic, plan, limits and usage today."""

from __future__ import annotations

from django.conf import settings
from rest_framework.response import Response

from chatmed.api.base import ChatMedApiView
from chatmed.api.schema import chatmed_schema
from chatmed.api.limits import concurrency_slots, plan_limits, requests_today
from clinics.models import ChatMedEndpoint, Plan


class UsersMeApi(ChatMedApiView):
    """``{"clinic": {"id", "name"}, "api_key": {"prefix", "name", "mode"}, "plan": {"id", "name"},
    "limits": {"requests_per_minute", "requests_per_day", "concurrent"}, "usage": {"requests_today",
    "in_flight"}}``; ``None`` limit = unlimited. The current request is counted in ``requests_today``."""

    endpoint = ChatMedEndpoint.ACCOUNT

    @chatmed_schema(summary="The key's clinic, plan, limits and usage today")
    def get(self, request):
        clinic, api_key = self.principal.clinic, self.principal.api_key
        limits = plan_limits(clinic.plan)
        key_id = str(api_key.pk)
        return Response({
            "clinic": {"id": clinic.client_id, "name": clinic.name},
            "api_key": {"prefix": api_key.prefix, "name": api_key.name,
                        "mode": "test" if api_key.is_sandbox else "live"},
            "plan": {"id": clinic.plan, "name": Plan(clinic.plan).label.split(" (")[0]},
            "limits": {"requests_per_minute": limits.per_minute, "requests_per_day": limits.per_day,
                       "concurrent": limits.concurrent},
            "usage": {"requests_today": requests_today(key_id=key_id, plan=clinic.plan),
                      "in_flight": concurrency_slots().in_flight(key_id)},
            "sandbox": api_key.is_sandbox,
            "max_body_bytes": settings.CHATMED_MAX_BODY_BYTES,
        })
