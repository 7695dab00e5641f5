"""Request headers of the clinical documentation workflow: ``x-doctor``, ``x-patient``, ``x-is-chat``.

Seed (clinical-documentation-workflow.txt, the original's "Required headers" / "Optional headers"):
``x-doctor`` (required: the doctor's identifier, for tracking and auditing), ``x-patient``
(optional: the patient's identifier) and ``x-is-chat`` (boolean: the chat assistant rather than
clinical extraction). The identifiers are the caller's own (e.g. EHR ids); they are stored as sent
on the transcription, thread, run and note and shown in the admin and the note's version history.

The original workflow's writes (``/v1/transcriptions/create``, ``/v1/lang-graph`` thread and run
creation, ``PATCH /v1/clinical-notes/{id}``) require a non-blank ``x-doctor`` whatever the credential
(400 naming the header otherwise). On the earlier paths (``/v1/transcriptions``, ``/v1/threads``) it is
optional and a clinician signed in with a login JWT is the doctor when it is absent. An empty
optional header counts as absent.
"""

from __future__ import annotations

from dataclasses import dataclass

from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions

from medsync.api.jwt import ClinicUserPrincipal
from medsync.api.schema import NON_BLANK_PATTERN
from notes.models import PARTY_REF_MAX_LENGTH

X_DOCTOR = "x-doctor"
X_PATIENT = "x-patient"
X_IS_CHAT = "x-is-chat"

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


@dataclass(frozen=True)
class Parties:
    """Who a workflow request is about: ``doctor`` / ``patient`` identifiers (``""`` when not sent)."""

    doctor: str
    patient: str


def _header(request, name: str) -> str:
    value = request.headers.get(name, "").strip()
    if len(value) > PARTY_REF_MAX_LENGTH:
        raise exceptions.ValidationError({name: f"at most {PARTY_REF_MAX_LENGTH} characters"})
    return value


def request_parties(request, *, doctor_required: bool) -> Parties:
    """The ``x-doctor`` / ``x-patient`` of ``request``.

    Raises:
        rest_framework.exceptions.ValidationError: ``x-doctor`` is missing or blank where required,
            or a value is longer than 200 characters.
    """
    doctor = _header(request, X_DOCTOR)
    if not doctor and doctor_required:
        raise exceptions.ValidationError(
            {X_DOCTOR: "header is required: the doctor's identifier (for tracking and auditing)"})
    if not doctor and isinstance(request.user, ClinicUserPrincipal):
        doctor = request.user.uid
    return Parties(doctor=doctor, patient=_header(request, X_PATIENT))


def request_is_chat(request) -> bool | None:
    """``x-is-chat`` as a boolean (``true``/``false``, ``1``/``0``, ``yes``/``no``), ``None`` when absent.

    Raises:
        rest_framework.exceptions.ValidationError: another value.
    """
    raw = request.headers.get(X_IS_CHAT, "").strip().lower()
    if not raw:
        return None
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise exceptions.ValidationError({X_IS_CHAT: "must be true or false"})


_REQUIRED_REF = {"type": "string", "minLength": 1, "maxLength": PARTY_REF_MAX_LENGTH, "pattern": NON_BLANK_PATTERN}
_OPTIONAL_REF = {"type": "string", "maxLength": PARTY_REF_MAX_LENGTH}
_DOCTOR_HELP = "The doctor's identifier, for tracking and auditing (stored with what this request creates)."
DOCTOR_REQUIRED = OpenApiParameter(X_DOCTOR, _REQUIRED_REF, OpenApiParameter.HEADER, required=True,
                                   description=_DOCTOR_HELP + " Required (400 naming it when missing or blank).")
DOCTOR_OPTIONAL = OpenApiParameter(
    X_DOCTOR, _OPTIONAL_REF, OpenApiParameter.HEADER, required=False,
    description=_DOCTOR_HELP + " Optional here; a signed-in clinician (login JWT) is the doctor when it is absent.")
PATIENT = OpenApiParameter(X_PATIENT, _OPTIONAL_REF, OpenApiParameter.HEADER, required=False,
                           description="The patient's identifier (optional; empty counts as absent).")
IS_CHAT = OpenApiParameter(
    X_IS_CHAT, str, OpenApiParameter.HEADER, required=False, enum=["true", "false"],
    description="true: the chat assistant answers; false: clinical extraction writes a note. Applies when "
    "assistant_id is absent or `scribe`.")
