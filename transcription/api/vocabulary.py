"""The clinic's custom vocabulary: ``/v1/vocabulary`` (list, replace, add) and ``/v1/vocabulary/<term>`` (delete).

Platform API surface: ``X-API-Key``, errors as ``{"error": "..."}``, invalid input 422. The terms bias
speech recognition of every later recording of the clinic (see :mod:`transcription.vocabulary`).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from clinics.api.serializers import ErrorSerializer
from medsync.api.errors import ApiError
from medsync.api.views import ClinicApiView
from transcription.models import VOCABULARY_MAX_TERMS, VOCABULARY_TERM_MAX_LENGTH, VocabularyTerm
from transcription.vocabulary import (
    VocabularyError, VocabularyTermInput, vocabulary_add, vocabulary_delete, vocabulary_list, vocabulary_replace,
)

TAG = "Vocabulary"
TERM_PATTERN = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"


class TermSerializer(serializers.Serializer):
    # The pattern states in the schema what transcription.vocabulary.normalise_term refuses: no control
    # characters, and at least one character that is not white space.
    term = serializers.CharField(max_length=VOCABULARY_TERM_MAX_LENGTH, trim_whitespace=True,
                                 validators=[RegexValidator(TERM_PATTERN, "term: must not be empty or contain "
                                                                          "control characters")],
                                 help_text="A drug name, procedure or person's name as it should be spelled.")
    kind = serializers.ChoiceField(choices=VocabularyTerm.Kind.choices, default=VocabularyTerm.Kind.OTHER)


class VocabularyInputSerializer(serializers.Serializer):
    terms = TermSerializer(many=True, allow_empty=True, max_length=VOCABULARY_MAX_TERMS,
                           help_text=f"At most {VOCABULARY_MAX_TERMS} terms; duplicates (ignoring case) kept once.")


class VocabularyOutputSerializer(serializers.Serializer):
    terms = TermSerializer(many=True)
    count = serializers.IntegerField()
    max_terms = serializers.IntegerField()


EXAMPLE_IN = {"terms": [{"term": "amoxicillin", "kind": "drug"}, {"term": "Dr. Okonkwo", "kind": "staff"},
                        {"term": "apicoectomy", "kind": "procedure"}]}
EXAMPLE_OUT = {**EXAMPLE_IN, "count": 3, "max_terms": VOCABULARY_MAX_TERMS}


def _body() -> dict:
    terms = [{"term": t.term, "kind": t.kind} for t in vocabulary_list()]
    return {"terms": terms, "count": len(terms), "max_terms": VOCABULARY_MAX_TERMS}


def _inputs(request) -> list[VocabularyTermInput]:
    payload = VocabularyInputSerializer(data=request.data)
    payload.is_valid(raise_exception=True)
    return [VocabularyTermInput(t["term"], t["kind"]) for t in payload.validated_data["terms"]]


class VocabularyApi(ClinicApiView):
    """The calling clinic's vocabulary: GET lists it, PUT replaces it, POST adds terms."""

    @extend_schema(operation_id="vocabulary_list", tags=[TAG],
                   responses={200: VocabularyOutputSerializer, 401: ErrorSerializer, 429: ErrorSerializer},
                   examples=[OpenApiExample("Vocabulary", value=EXAMPLE_OUT, response_only=True)])
    def get(self, request):
        return Response(_body())

    @extend_schema(operation_id="vocabulary_replace", tags=[TAG], request=VocabularyInputSerializer,
                   responses={200: VocabularyOutputSerializer, 401: ErrorSerializer, 422: ErrorSerializer,
                              429: ErrorSerializer},
                   examples=[OpenApiExample("Replace", value=EXAMPLE_IN, request_only=True)])
    def put(self, request):
        try:
            vocabulary_replace(terms=_inputs(request))
        except VocabularyError as exc:
            raise ApiError(str(exc)) from None
        return Response(_body())

    @extend_schema(operation_id="vocabulary_add", tags=[TAG], request=VocabularyInputSerializer,
                   responses={200: VocabularyOutputSerializer, 401: ErrorSerializer, 422: ErrorSerializer,
                              429: ErrorSerializer},
                   examples=[OpenApiExample("Add", value={"terms": [{"term": "ibuprofen", "kind": "drug"}]},
                                            request_only=True)])
    def post(self, request):
        try:
            vocabulary_add(terms=_inputs(request))
        except VocabularyError as exc:
            raise ApiError(str(exc)) from None
        return Response(_body())


class VocabularyTermApi(ClinicApiView):
    """One term of the calling clinic's vocabulary (matched ignoring case)."""

    @extend_schema(operation_id="vocabulary_delete", tags=[TAG],
                   parameters=[OpenApiParameter("term", str, OpenApiParameter.PATH, description="The term (URL-encoded).")],
                   responses={204: None, 401: ErrorSerializer, 404: ErrorSerializer, 429: ErrorSerializer})
    def delete(self, request, term: str):
        if not vocabulary_delete(term=term):
            raise ApiError("term: not in the clinic's vocabulary", status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)
