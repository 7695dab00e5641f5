"""Prescriptions: ``POST /api/v1/prescriptions`` (also ``/prescriptions/create``), ``GET /api/v1/prescriptions?profile_id=``,
``GET /api/v1/prescriptions/{id}``, ``GET /api/v1/prescriptions/{id}/pdf``, ``POST /api/v1/prescriptions/check-interactions``."""

from __future__ import annotations

from django.http import HttpResponse
from rest_framework import serializers, status
from rest_framework.response import Response

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from chatmed.api.base import ChatMedApiView
from chatmed.api.schema import chatmed_schema
from chatmed.models import Prescription
from chatmed.prescriptions.pdf import prescription_pdf
from chatmed.prescriptions.services import (
    ROUTES, medication_checks, medications_resolve, prescription_create, prescription_get,
)
from chatmed.profiles.services import profile_get
from clinics.models import ChatMedEndpoint


class MedicationInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    dose = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    route = serializers.ChoiceField(choices=ROUTES, required=False, default="oral")
    frequency = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    duration = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class PrescriptionInput(serializers.Serializer):
    profile_id = serializers.CharField(max_length=40)
    diagnosis = serializers.CharField(max_length=300)
    medications = MedicationInput(many=True, required=False, default=list)


class InteractionInput(serializers.Serializer):
    medications = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1, max_length=50)
    profile_id = serializers.CharField(max_length=40, required=False)


def prescription_payload(prescription: Prescription) -> dict:
    """``{"prescription_id", "profile_id", "diagnosis": {"text", "icd10_code", "description"}, "medications",
    "interactions", "allergy_alerts", "pdf_url", "created_at"}``."""
    return {
        "prescription_id": prescription.public_id,
        "profile_id": prescription.profile.public_id,
        "diagnosis": {"text": prescription.diagnosis_text, "icd10_code": prescription.icd10_code,
                      "description": prescription.icd10_description},
        "medications": prescription.medications,
        "interactions": prescription.interactions,
        "allergy_alerts": prescription.allergy_alerts,
        "pdf_url": f"/api/v1/prescriptions/{prescription.public_id}/pdf",
        "created_at": prescription.created_at.isoformat(),
    }


class PrescriptionListCreateApi(ChatMedApiView):
    endpoint = ChatMedEndpoint.PRESCRIPTIONS

    @chatmed_schema(request=PrescriptionInput, status=201, summary="Create a prescription")
    def post(self, request):
        data = self.validated(PrescriptionInput)
        profile = profile_get(public_id=data["profile_id"], is_sandbox=self.is_sandbox)
        prescription = prescription_create(profile=profile, diagnosis=data["diagnosis"], medications=data["medications"])
        return Response(prescription_payload(prescription), status=status.HTTP_201_CREATED)

    @chatmed_schema(summary="Prescription history of a profile", operation_id="chatmed_prescriptions_list",
                    parameters=[OpenApiParameter("profile_id", {"type": "string", "minLength": 1}, required=True,
                                                 description="The profile whose prescriptions to list.")])
    def get(self, request):
        """History of one profile (``?profile_id=`` required), newest first."""
        profile_id = request.query_params.get("profile_id")
        if not profile_id:
            raise serializers.ValidationError({"profile_id": serializers.ErrorDetail("This query parameter is required.", code="required")})
        profile = profile_get(public_id=profile_id, is_sandbox=self.is_sandbox)
        prescriptions = profile.prescriptions.select_related("profile").all()[:200]
        return Response({"profile_id": profile.public_id, "prescriptions": [prescription_payload(p) for p in prescriptions]})


class PrescriptionDetailApi(ChatMedApiView):
    endpoint = ChatMedEndpoint.PRESCRIPTIONS

    @chatmed_schema(summary="Read a prescription")
    def get(self, request, prescription_id: str):
        return Response(prescription_payload(prescription_get(public_id=prescription_id, is_sandbox=self.is_sandbox)))


class PrescriptionPdfApi(ChatMedApiView):
    endpoint = ChatMedEndpoint.PRESCRIPTIONS

    @chatmed_schema(response=OpenApiTypes.BINARY, summary="Printable prescription (PDF)")
    def get(self, request, prescription_id: str):
        prescription = prescription_get(public_id=prescription_id, is_sandbox=self.is_sandbox)
        response = HttpResponse(prescription_pdf(prescription, clinic_name=self.principal.clinic.name),
                                content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{prescription.public_id}.pdf"'
        return response


class InteractionCheckApi(ChatMedApiView):
    """``{"medications": [names], "interactions": [...], "allergy_alerts": [...]}`` without storing anything."""

    endpoint = ChatMedEndpoint.PRESCRIPTIONS

    @chatmed_schema(request=InteractionInput, summary="Check interactions and allergies")
    def post(self, request):
        data = self.validated(InteractionInput)
        profile = profile_get(public_id=data["profile_id"], is_sandbox=self.is_sandbox) if data.get("profile_id") else None
        pairs = medications_resolve([{"name": n} for n in data["medications"]])
        interactions, alerts = medication_checks(drugs=[d for _, d in pairs], profile=profile)
        return Response({"medications": [d.name for _, d in pairs], "interactions": interactions, "allergy_alerts": alerts})


class PrescriptionCreateApi(ChatMedApiView):
    """``POST /api/v1/prescriptions/create``: the same as ``POST /api/v1/prescriptions``."""

    endpoint = ChatMedEndpoint.PRESCRIPTIONS

    @chatmed_schema(request=PrescriptionInput, status=201, summary="Create a prescription (alias)")
    def post(self, request):
        return PrescriptionListCreateApi.post(self, request)
