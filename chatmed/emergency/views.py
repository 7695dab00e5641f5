"""``POST /api/v1/emergency/detect``."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.response import Response

from chatmed.api.base import ChatMedApiView
from chatmed.api.schema import chatmed_schema
from chatmed.emergency.services import emergency_assess
from chatmed.profiles.services import profile_get
from clinics.models import ChatMedEndpoint


class LocationInput(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False,
                                     help_text="ISO 3166-1 alpha-2 of the location, for the emergency number.")


class EmergencyInput(serializers.Serializer):
    symptoms = serializers.CharField(max_length=5000)
    location = LocationInput(required=False, allow_null=True)
    profile_id = serializers.CharField(required=False, max_length=40)
    language = serializers.CharField(required=False, max_length=5)


class EmergencyDetectApi(ChatMedApiView):
    """See :func:`chatmed.emergency.services.emergency_assess` for the answer's shape."""

    endpoint = ChatMedEndpoint.EMERGENCY

    @chatmed_schema(request=EmergencyInput, summary="Screen symptoms for emergencies")
    def post(self, request):
        data = self.validated(EmergencyInput)
        profile = profile_get(public_id=data["profile_id"], is_sandbox=self.is_sandbox) if data.get("profile_id") else None
        location = data.get("location") or {}
        return Response(emergency_assess(
            symptoms=data["symptoms"], latitude=location.get("lat"), longitude=location.get("lng"), profile=profile,
            language=data.get("language"), country=location.get("country"),
        ))
