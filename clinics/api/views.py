"""``GET /v1/usage``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from clinics.api.serializers import ErrorSerializer, UsageOutputSerializer, UsageQuerySerializer
from clinics.selectors import usage_summary
from medsync.api.views import ClinicApiView


class UsageApi(ClinicApiView):
    """Usage of the caller's clinic per service over the last ``days`` days (default 30)."""

    @extend_schema(
        operation_id="usage_retrieve",
        parameters=[UsageQuerySerializer],
        responses={200: UsageOutputSerializer, 401: ErrorSerializer, 422: ErrorSerializer, 429: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Usage",
                value={
                    "client_id": "dental-plus",
                    "period_days": 30,
                    "services": {
                        "transcription": {"requests": 142, "total_duration_seconds": 28400},
                        "whatsapp": {"requests": 890, "total_duration_seconds": 0},
                        "agent_call": {"requests": 56, "total_duration_seconds": 2520},
                    },
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        query = UsageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        days = query.validated_data["days"]
        clinic = request.user.clinic
        return Response(
            {"client_id": clinic.client_id, "period_days": days, "services": usage_summary(clinic=clinic, days=days)}
        )
