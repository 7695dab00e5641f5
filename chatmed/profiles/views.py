"""``/api/v1/profiles``: create, list, read and update patient health profiles."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from chatmed.api.base import ChatMedApiView
from chatmed.api.schema import chatmed_schema
from chatmed.models import HealthProfile, Sex
from chatmed.profiles.services import age_years, profile_create, profile_get, profile_update
from chatmed.selectors import profiles_list
from clinics.models import ChatMedEndpoint

LANGUAGES = ("en", "es", "ca", "fr", "pt", "de", "it", "ar")


@extend_schema_field({"oneOf": [{"type": "string", "minLength": 1}, {"type": "object"}]})
class CodeOrObjectField(serializers.JSONField):
    """A condition or medication: a code/name string or an object (``{"code": ...}``, ``{"name": ..., "dose": ...}``);
    null is refused (400), unknown codes and drugs are a 422 (see the services)."""


class ProfileInput(serializers.Serializer):
    external_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.values, required=False)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, allow_blank=True,
                                     error_messages={"invalid": "Use an ISO 3166-1 alpha-2 code, e.g. FR."})
    language = serializers.ChoiceField(choices=LANGUAGES, required=False)
    conditions = serializers.ListField(child=CodeOrObjectField(), required=False, max_length=100)
    medications = serializers.ListField(child=CodeOrObjectField(), required=False, max_length=100)
    allergies = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=100)


def profile_payload(profile: HealthProfile) -> dict:
    """``{"profile_id", "external_id", "date_of_birth", "age_years", "sex", "country", "language",
    "conditions", "medications", "allergies", "vitals": {"heart_rate": [last 10 readings]},
    "created_at", "updated_at"}``."""
    readings = profile.heart_rates.all()[:10]
    return {
        "profile_id": profile.public_id,
        "external_id": profile.external_id,
        "date_of_birth": profile.date_of_birth.isoformat() if profile.date_of_birth else None,
        "age_years": age_years(profile),
        "sex": profile.sex,
        "country": profile.country or None,
        "language": profile.language,
        "conditions": profile.conditions,
        "medications": profile.medications,
        "allergies": profile.allergies,
        "vitals": {"heart_rate": [{"reading_id": r.public_id, "heart_rate_bpm": r.heart_rate_bpm,
                                   "category": r.category, "measured_at": r.measured_at.isoformat()} for r in readings]},
        "created_at": profile.created_at.isoformat(),
        "updated_at": profile.updated_at.isoformat(),
    }


class ProfileListCreateApi(ChatMedApiView):
    endpoint = ChatMedEndpoint.PROFILES

    @chatmed_schema(request=ProfileInput, status=201, summary="Create a health profile")
    def post(self, request):
        profile = profile_create(is_sandbox=self.is_sandbox, data=self.validated(ProfileInput))
        return Response(profile_payload(profile), status=status.HTTP_201_CREATED)

    @chatmed_schema(summary="List health profiles", operation_id="chatmed_profiles_list")
    def get(self, request):
        """``{"profiles": [...], "count"}``, newest first; ``?limit=`` (1-100, default 50), ``?offset=``."""
        try:
            limit = min(100, max(1, int(request.query_params.get("limit", 50))))
            offset = max(0, int(request.query_params.get("offset", 0)))
        except ValueError:
            raise serializers.ValidationError({"limit": "limit and offset must be integers."}) from None
        queryset = profiles_list(is_sandbox=self.is_sandbox)
        profiles = list(queryset[offset:offset + limit])
        return Response({"profiles": [profile_payload(p) for p in profiles], "count": queryset.count(),
                         "limit": limit, "offset": offset})


class ProfileDetailApi(ChatMedApiView):
    endpoint = ChatMedEndpoint.PROFILES

    @chatmed_schema(summary="Read a health profile")
    def get(self, request, profile_id: str):
        return Response(profile_payload(profile_get(public_id=profile_id, is_sandbox=self.is_sandbox)))

    @chatmed_schema(request=ProfileInput, summary="Update a health profile (fields given)")
    def patch(self, request, profile_id: str):
        profile = profile_get(public_id=profile_id, is_sandbox=self.is_sandbox)
        data = self.validated(lambda data: ProfileInput(data=data, partial=True))
        return Response(profile_payload(profile_update(profile=profile, data=data)))

    @chatmed_schema(request=ProfileInput, summary="Update a health profile (fields given)")
    def put(self, request, profile_id: str):
        return self.patch(request, profile_id)
