"""``POST /api/v1/health/heart-rate`` (record and interpret) and ``GET`` (history, trend, anomalies)."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.response import Response

from chatmed.api.base import ChatMedApiView
from chatmed.api.schema import chatmed_schema
from chatmed.models import HeartRateReading
from chatmed.profiles.services import profile_get
from chatmed.selectors import heart_rate_history
from chatmed.vitals.heart_rate import trend
from chatmed.vitals.services import heart_rate_record
from clinics.models import ChatMedEndpoint


class HeartRateInput(serializers.Serializer):
    """The seed's fields and defaults; bpm bounds 20-300 (outside any recorded human pulse)."""

    heart_rate_bpm = serializers.IntegerField(min_value=20, max_value=300)
    is_resting = serializers.BooleanField(default=True)
    feels_regular = serializers.BooleanField(default=True)
    has_palpitations = serializers.BooleanField(default=False)
    has_shortness_of_breath = serializers.BooleanField(default=False)
    measurement_duration_seconds = serializers.IntegerField(default=60, min_value=5, max_value=3600)
    profile_id = serializers.CharField(required=False, max_length=40)


def reading_payload(reading: HeartRateReading, *, interpretation: str | None = None) -> dict:
    payload = {
        "reading_id": reading.public_id,
        "profile_id": reading.profile.public_id if reading.profile_id else None,
        "heart_rate_bpm": reading.heart_rate_bpm,
        "is_resting": reading.is_resting,
        "feels_regular": reading.feels_regular,
        "has_palpitations": reading.has_palpitations,
        "has_shortness_of_breath": reading.has_shortness_of_breath,
        "measurement_duration_seconds": reading.measurement_duration_seconds,
        "category": reading.category,
        "alerts": reading.alerts,
        "measured_at": reading.measured_at.isoformat(),
    }
    if interpretation is not None:
        payload["interpretation"] = interpretation
    return payload


class HeartRateApi(ChatMedApiView):
    endpoint = ChatMedEndpoint.HEART_RATE

    @chatmed_schema(request=HeartRateInput, status=201, summary="Record and interpret a heart-rate measurement")
    def post(self, request):
        """Record a measurement: ``{"reading_id", "category", "interpretation", "alerts", "normal_range_bpm", ...}``."""
        data = self.validated(HeartRateInput)
        profile = profile_get(public_id=data["profile_id"], is_sandbox=self.is_sandbox) if data.get("profile_id") else None
        fields = {k: v for k, v in data.items() if k != "profile_id"}
        reading, assessment = heart_rate_record(is_sandbox=self.is_sandbox, profile=profile, **fields)
        payload = reading_payload(reading, interpretation=assessment.interpretation)
        payload["normal_range_bpm"] = list(assessment.normal_range)
        return Response(payload, status=status.HTTP_201_CREATED)

    @chatmed_schema(summary="Heart-rate history, trend and anomaly alerts")
    def get(self, request):
        """History (newest first, ``?limit=`` 1-500, default 100) of a profile (``?profile_id=``) or of the
        readings without profile, with ``trend`` (see :func:`chatmed.vitals.heart_rate.trend`) and
        ``anomaly_alerts`` (readings far from the others)."""
        profile_id = request.query_params.get("profile_id")
        try:
            limit = min(500, max(1, int(request.query_params.get("limit", 100))))
        except ValueError:
            raise serializers.ValidationError({"limit": "must be an integer."}) from None
        profile = profile_get(public_id=profile_id, is_sandbox=self.is_sandbox) if profile_id else None
        readings = heart_rate_history(is_sandbox=self.is_sandbox, profile=profile, limit=limit)
        summary = trend([(r.measured_at, r.heart_rate_bpm, r.is_resting) for r in readings])
        anomalies = [{"reading_id": readings[i].public_id, "heart_rate_bpm": readings[i].heart_rate_bpm,
                      "measured_at": readings[i].measured_at.isoformat(),
                      "message": f"{readings[i].heart_rate_bpm} bpm differs markedly from this history's usual resting rate."}
                     for i in summary.pop("anomalies")]
        return Response({"profile_id": profile_id, "readings": [reading_payload(r) for r in readings],
                         "trend": summary, "anomaly_alerts": anomalies})
