"""Note templates of the caller's clinic: ``/v1/templates`` (built-ins read-only, custom ones editable).

Same credentials and errors as the documentation workflow (Bearer token or ``X-API-Key``;
``{"error": ...}``, 400 for invalid input).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from medsync.api.schema import WorkflowErrorSerializer as Error
from medsync.api.surfaces import WorkflowApiView
from templates.builtin import BUILTIN_TEMPLATES, SUPPORTED_LANGUAGES, TemplateSpec
from templates.models import NoteTemplate
from templates.selectors import template_from_model, templates_available
from medsync.api.errors import ApiError
from templates.services import TemplateExists, TemplateInvalid, template_create, template_update

TAG = "Note templates"


class SectionSerializer(serializers.Serializer):
    key = serializers.RegexField(r"^[a-z0-9_]*[a-z0-9][a-z0-9_]*$", max_length=60,
                                 help_text="Section key: a-z, 0-9, _ (at least one letter or digit); unique in the "
                                 "template.")
    heading = serializers.CharField(max_length=200)
    guidance = serializers.CharField(required=False, allow_blank=True, max_length=1000,
                                     help_text="What belongs in the section (guides the note engines).")


class TemplateInputSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=100)
    name = serializers.CharField(max_length=200)
    language = serializers.ChoiceField(choices=SUPPORTED_LANGUAGES, default="en")
    sections = SectionSerializer(many=True, allow_empty=False)


class TemplateUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    language = serializers.ChoiceField(choices=SUPPORTED_LANGUAGES, required=False)
    sections = SectionSerializer(many=True, allow_empty=False, required=False)
    is_active = serializers.BooleanField(required=False)


class TemplateOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    builtin = serializers.BooleanField()
    sections = SectionSerializer(many=True)
    json_schema = serializers.DictField(help_text="Schema of `ai_generated_content` for this template.")


class TemplateListOutputSerializer(serializers.Serializer):
    templates = TemplateOutputSerializer(many=True)


def _template_body(spec: TemplateSpec, language: str = "en") -> dict:
    return {
        "key": spec.key, "name": spec.name, "kind": spec.kind, "builtin": spec.key in BUILTIN_TEMPLATES,
        "sections": [{"key": sec.key, "heading": sec.heading(language), "guidance": sec.guidance} for sec in spec.sections],
        "json_schema": spec.json_schema(),
    }


EXAMPLE = {"key": "physio-follow-up", "name": "Physiotherapy follow-up", "language": "en", "sections": [
    {"key": "progress", "heading": "Progress", "guidance": "Changes in pain and function since the last session."},
    {"key": "exercises", "heading": "Exercises", "guidance": "Exercises done and prescribed, with repetitions."},
]}


SOAP_BODY = _template_body(BUILTIN_TEMPLATES["SOAP"])


class TemplateListApi(WorkflowApiView):
    """The templates the clinic can use (built-ins, then its own), and creation of a clinic template."""

    @extend_schema(operation_id="templates_list", tags=[TAG],
                   responses={200: TemplateListOutputSerializer, 401: Error, 429: Error},
                   examples=[OpenApiExample("Templates", response_only=True, value={"templates": [SOAP_BODY]})])
    def get(self, request):
        language = request.query_params.get("language", "en")
        return Response({"templates": [_template_body(spec, language) for spec in templates_available().values()]})

    @extend_schema(
        operation_id="templates_create", tags=[TAG], request=TemplateInputSerializer,
        responses={201: TemplateOutputSerializer, 400: Error, 401: Error, 409: Error, 429: Error},
        examples=[OpenApiExample("Custom template", value=EXAMPLE, request_only=True)],
    )
    def post(self, request):
        payload = TemplateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            template = template_create(key=data["key"], name=data["name"], language=data["language"],
                                       sections=[dict(sec) for sec in data["sections"]])
        except TemplateExists as exc:
            raise ApiError(str(exc), status.HTTP_409_CONFLICT) from None
        except TemplateInvalid as exc:
            raise exceptions.ValidationError(str(exc)) from None
        return Response(_template_body(template_from_model(template), template.language), status=status.HTTP_201_CREATED)


class TemplateDetailApi(WorkflowApiView):
    """One template; clinic templates can be changed and deleted, built-ins are read-only (403)."""

    @extend_schema(operation_id="templates_retrieve", tags=[TAG],
                   responses={200: TemplateOutputSerializer, 401: Error, 404: Error, 429: Error},
                   examples=[OpenApiExample("SOAP", response_only=True, value=SOAP_BODY)])
    def get(self, request, key):
        spec = templates_available().get(key)
        if spec is None:
            raise exceptions.NotFound("Template not found")
        return Response(_template_body(spec, request.query_params.get("language", "en")))

    @extend_schema(operation_id="templates_update", tags=[TAG], request=TemplateUpdateSerializer,
                   responses={200: TemplateOutputSerializer, 400: Error, 401: Error, 403: Error, 404: Error,
                              429: Error})
    def patch(self, request, key):
        template = self._custom(key)
        payload = TemplateUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        if "sections" in changes:
            changes["sections"] = [dict(sec) for sec in changes["sections"]]
        try:
            template = template_update(template=template, **changes)
        except TemplateInvalid as exc:
            raise exceptions.ValidationError(str(exc)) from None
        return Response(_template_body(template_from_model(template), template.language))

    @extend_schema(operation_id="templates_delete", tags=[TAG],
                   responses={204: None, 401: Error, 403: Error, 404: Error, 429: Error})
    def delete(self, request, key):
        self._custom(key).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _custom(key: str) -> NoteTemplate:
        if key in BUILTIN_TEMPLATES:
            # Not invalid input but a read-only resource: 403, like the admin's read-only view.
            raise exceptions.PermissionDenied(f"key: built-in template {key!r} cannot be changed")
        template = NoteTemplate.objects.filter(key=key).first()
        if template is None:
            raise exceptions.NotFound("Template not found")
        return template
