"""``POST /api/v1/medical-vision/analyze`` (multipart: ``image``, ``analysis_type``, ``language``)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from clinics.models import ChatMedEndpoint
from chatmed.api.base import ChatMedApiView, ChatMedError, ValidationFailed
from chatmed.api.schema import chatmed_schema
from chatmed.api.uploads import FORM_OVERHEAD_BYTES, validated_upload
from chatmed.vision.images import ImageValidationError, validate_image
from chatmed.vision.services import ANALYSIS_TYPES, image_analysis_create

ENDPOINT = ChatMedEndpoint.VISION  # plan endpoint group


class AnalyzeInput(serializers.Serializer):
    image = serializers.FileField(allow_empty_file=True)
    analysis_type = serializers.ChoiceField(choices=ANALYSIS_TYPES, required=False, default="general")
    language = serializers.CharField(required=False, max_length=10, default="en")


class MedicalVisionAnalyzeApi(ChatMedApiView):
    """Errors: 400 no ``image`` field; 413 image over ``CHATMED_VISION_MAX_BYTES`` (10 MB); 422 not a
    JPEG/PNG/DICOM, corrupt, or not what its name/type claims, unknown ``analysis_type``; 503 no image
    model (or sandbox key, or the model failed) *after* validation, with ``analysis_id`` and ``image``
    metadata in the body. See :func:`chatmed.vision.services.image_analysis_create` for the answer."""

    endpoint = ENDPOINT
    parser_classes = [MultiPartParser, FormParser]
    max_body_bytes = settings.CHATMED_VISION_MAX_BYTES + FORM_OVERHEAD_BYTES

    @chatmed_schema(request={"multipart/form-data": AnalyzeInput}, summary="Analyse a medical image")
    def post(self, request):
        data = validated_upload(self, AnalyzeInput, field="image", max_bytes=settings.CHATMED_VISION_MAX_BYTES,
                                what="Image file")
        upload = data["image"]
        if upload.size > settings.CHATMED_VISION_MAX_BYTES:
            raise ChatMedError("Image file exceeds the maximum allowed size.", 413)
        try:
            image = validate_image(upload.read(), filename=upload.name or "", content_type=upload.content_type or "")
        except ImageValidationError as exc:
            raise ValidationFailed(str(exc)) from None
        return Response(image_analysis_create(
            clinic=self.principal.clinic, is_sandbox=self.is_sandbox, image=image,
            analysis_type=data["analysis_type"], language=data["language"].lower()[:2]))
