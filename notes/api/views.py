"""Clinical documentation workflow API: transcriptions, threads and runs, clinical notes.

Seed: clinical-documentation-workflow.txt. Credentials: a clinician's Bearer token, or a clinic API key
as ``Authorization: Bearer msk_...`` (the original's) or ``X-API-Key``. The original paths
(``/v1/transcriptions/create``, ``/v1/lang-graph/...``, ``PATCH /v1/clinical-notes/{id}``) require
``x-doctor`` (see :mod:`notes.api.headers`); ``/v1/transcriptions`` and
``/v1/threads`` are the earlier paths of the same views, kept as aliases. Errors: ``{"error": "..."}`` with 400 (missing or invalid fields), 401, 404 (unknown
thread, run or note, including another clinic's ids), 409 (thread busy, sign-off conflict), 429,
500 (with retry guidance).

Audit (:mod:`audit`): every answer that shows or changes clinical content writes one event in the clinic's
own log, ids only. Threads are audited as ``thread`` objects (their messages hold the transcript sent for
a note and the note written from it; a run's input and output are part of its thread), see
:func:`audit_thread`.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from audit.services import Action, ObjectType, audit_record
from medsync.api.errors import ApiError
from medsync.api.jwt import ClinicUserPrincipal
from medsync.api.schema import WorkflowErrorSerializer as Error
from medsync.api.surfaces import WorkflowApiView
from notes import services
from notes.api import headers
from notes.api import serializers as s
from notes.assistant import DEFAULT_ASSISTANT, language_of
from notes.models import Run
from transcription.models import TranscriptionRecord

TAG_TRANSCRIPTIONS = "Documentation workflow: transcriptions"
TAG_THREADS = "Documentation workflow: threads and runs"
TAG_NOTES = "Documentation workflow: clinical notes"

NOTE_ID = "3f1c2a9e-8b7d-4c6e-9a51-2d7e0b4f6c11"
THREAD_ID = "b2c4e6a8-1d3f-4a5b-8c7d-9e0f1a2b3c4d"
RUN_ID = "d4e5f6a7-b8c9-4d0e-a1f2-b3c4d5e6f7a8"
TRANSCRIPTION_ID = "7a9b1c3d-5e7f-4a1b-9c3d-5e7f9a1b3c5d"
SOAP_CONTENT = {
    "subjective": "Sore throat for 4 days, fever and chills last night, painful swallowing.",
    "objective": "Temperature 38.1 °C. Pharynx erythematous, tonsils enlarged without exudate.",
    "assessment": "Acute pharyngitis, likely viral.",
    "plan": "- Rapid strep test\n- Ibuprofen 400 mg every 8 hours as needed\n- Return if not better in 5 days",
}
TRANSCRIPT_TEXT = (
    "[doctor] hi teresa, what's going on? i heard you're having a sore throat.\n"
    "[patient] yeah, my throat has been hurting for four days and i think i had a fever last night."
)

TRANSCRIPTION_CREATED = "Transcription created successfully"
TRANSCRIPTION_EXAMPLE = {
    "id": TRANSCRIPTION_ID, "duration_seconds": 342.5, "original_transcript": TRANSCRIPT_TEXT, "language_used": "en",
    "clinical_note_id": NOTE_ID, "doctor_id": "dr-4711", "patient_id": None, "created_at": "2024-01-15T14:30:00Z",
}
NOTE_EXAMPLE = {
    "id": NOTE_ID, "template": "SOAP", "language": "en", "ai_generated_content": SOAP_CONTENT,
    "content": "## Subjective\nSore throat for 4 days, ...\n\n## Objective\n...", "feedback": "",
    "report_thread_id": THREAD_ID, "report_run_id": [RUN_ID], "version": 2, "engine": "",
    "transcription_id": TRANSCRIPTION_ID, "recording_id": None, "signed_off": None, "updated_by": "user_123456",
    "created_at": "2024-01-15T14:30:00Z", "updated_at": "2024-01-15T14:32:00Z",
}


def _not_found(what: str) -> exceptions.NotFound:
    return exceptions.NotFound(f"{what} not found")


def audit_thread(request, action: str, thread) -> None:
    """Record ``action`` (:class:`audit.models.Action`) on ``thread`` for the request's caller.

    One event per request, whatever the answer holds: the thread itself, its state, one run or a page of
    its runs (all of one thread, so the thread's id identifies everything shown; the request's path, stored
    with the event, names the run). Polling a run therefore writes one event per poll, as any read does.
    """
    audit_record(request=request, action=action, object_type=ObjectType.THREAD, object_id=thread.uuid)


class _PartiesMixin:
    """``x-doctor`` / ``x-patient`` handling; ``doctor_header_required`` is set on the original paths."""

    doctor_header_required = False

    def parties(self) -> headers.Parties:
        return headers.request_parties(self.request, doctor_required=self.doctor_header_required)


class TranscriptionCreateApi(_PartiesMixin, WorkflowApiView):
    """Store the raw text transcription of a clinician-patient conversation (first workflow step).

    A draft clinical note is created with it; its id (``clinical_note_id``) is the one to update
    with ``PATCH /v1/clinical-notes/{id}`` once a run has produced the note.
    """

    @extend_schema(
        operation_id="workflow_transcription_create", tags=[TAG_TRANSCRIPTIONS],
        request=s.TranscriptionCreateSerializer, parameters=[headers.DOCTOR_OPTIONAL, headers.PATIENT],
        responses={201: s.TranscriptionSerializer, 400: Error, 401: Error, 429: Error, 500: Error},
        examples=[
            OpenApiExample("Transcription", request_only=True, value={
                "duration_seconds": 342.5, "original_transcript": TRANSCRIPT_TEXT, "language_used": "en"}),
            OpenApiExample("Stored", response_only=True, status_codes=["201"], value=TRANSCRIPTION_EXAMPLE),
            OpenApiExample("Missing field", response_only=True, status_codes=["400"],
                           value={"error": "original_transcript: This field is required."}),
        ],
    )
    def post(self, request):
        record = self._create(request)
        return Response(s.TranscriptionSerializer(record).data, status=status.HTTP_201_CREATED)

    def _create(self, request) -> TranscriptionRecord:
        parties = self.parties()
        payload = s.TranscriptionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        with transaction.atomic():
            record = TranscriptionRecord.objects.create(
                duration_seconds=data["duration_seconds"], original_transcript=data["original_transcript"],
                language_used=data.get("language_used", ""), created_by=self.actor_label(),
                doctor_ref=parties.doctor, patient_ref=parties.patient,
            )
            services.clinical_note_draft_create(
                language=language_of(record.language_used), transcription_record=record, actor=self.actor_label(),
                doctor_ref=parties.doctor, patient_ref=parties.patient,
            )
            audit_record(request=request, action=Action.CREATE, object_type=ObjectType.TRANSCRIPT, object_id=record.uuid)
        return record


class OriginalTranscriptionCreateApi(TranscriptionCreateApi):
    """``POST /v1/transcriptions/create``: the original workflow's path and answer.

    Same as ``POST /v1/transcriptions`` but ``x-doctor`` is required and the answer is
    ``{"message": "...", "transcription": {"id", "user_id", "group_id", ...}}``.
    """

    doctor_header_required = True

    @extend_schema(
        operation_id="workflow_transcription_create_original", tags=[TAG_TRANSCRIPTIONS],
        request=s.TranscriptionCreateSerializer, parameters=[headers.DOCTOR_REQUIRED, headers.PATIENT],
        responses={201: s.OriginalTranscriptionCreatedSerializer, 400: Error, 401: Error, 429: Error, 500: Error},
        examples=[
            OpenApiExample("Transcription", request_only=True, value={
                "duration_seconds": 342.5, "original_transcript": TRANSCRIPT_TEXT, "language_used": "en"}),
            OpenApiExample("Stored", response_only=True, status_codes=["201"], value={
                "message": TRANSCRIPTION_CREATED, "transcription": TRANSCRIPTION_EXAMPLE | {
                    "user_id": "dr-4711", "group_id": "dental-plus", "doctor_id": "dr-4711", "patient_id": None}}),
            OpenApiExample("No x-doctor", response_only=True, status_codes=["400"], value={
                "error": "x-doctor: header is required: the doctor's identifier (for tracking and auditing)"}),
        ],
    )
    def post(self, request):
        record = self._create(request)
        body = {"message": TRANSCRIPTION_CREATED,
                "transcription": s.OriginalTranscriptionSerializer(record, context={"clinic": request.user.clinic}).data}
        return Response(body, status=status.HTTP_201_CREATED)


class TranscriptionDetailApi(WorkflowApiView):
    """A stored transcription."""

    @extend_schema(operation_id="workflow_transcription_retrieve", tags=[TAG_TRANSCRIPTIONS],
                   responses={200: s.TranscriptionSerializer, 401: Error, 404: Error, 429: Error},
                   examples=[OpenApiExample("Transcription", response_only=True, value=TRANSCRIPTION_EXAMPLE),
                             OpenApiExample("Unknown", response_only=True, status_codes=["404"],
                                            value={"error": "Transcription not found"})])
    def get(self, request, transcription_id):
        record = services.transcription_record_get(transcription_id=transcription_id)
        if record is None:
            raise _not_found("Transcription")
        audit_record(request=request, action=Action.READ, object_type=ObjectType.TRANSCRIPT, object_id=record.uuid)
        return Response(s.TranscriptionSerializer(record).data)


class ThreadCreateApi(_PartiesMixin, WorkflowApiView):
    """Create a conversation thread (empty body). Runs on the thread share its message history.

    LangGraph's optional ``thread_id`` (a UUID) and ``if_exists`` (``raise``: 409, ``do_nothing``:
    the existing thread) are honoured; ``metadata`` is kept as sent.
    """

    @extend_schema(
        operation_id="workflow_thread_create", tags=[TAG_THREADS], request=s.ThreadCreateSerializer,
        parameters=[headers.DOCTOR_OPTIONAL, headers.PATIENT],
        responses={201: s.ThreadSerializer, 200: s.ThreadSerializer, 400: Error, 401: Error, 409: Error, 429: Error,
                   500: Error},
        examples=[OpenApiExample("Thread", response_only=True, status_codes=["201"], value={
            "thread_id": THREAD_ID, "created_at": "2024-01-15T14:31:00Z", "updated_at": "2024-01-15T14:31:00Z",
            "metadata": {}, "status": "idle", "values": {"messages": []}})],
    )
    def post(self, request):
        parties = self.parties()
        payload = s.ThreadCreateSerializer(data=request.data or {})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        thread_id = str(data["thread_id"]) if data.get("thread_id") else None
        if thread_id and data.get("if_exists") == "do_nothing":
            existing = services.thread_get(thread_id=thread_id)
            if existing is not None:
                audit_thread(request, Action.READ, existing)  # the answer shows the existing thread's history
                return Response(s.ThreadSerializer(existing).data, status=status.HTTP_200_OK)
        try:
            thread = services.thread_create(actor=self.actor_label(), metadata=data.get("metadata"),
                                            thread_id=thread_id, doctor_ref=parties.doctor,
                                            patient_ref=parties.patient)
        except services.ThreadExists as exc:
            raise ApiError(str(exc), status.HTTP_409_CONFLICT) from None
        audit_thread(request, Action.CREATE, thread)
        return Response(s.ThreadSerializer(thread).data, status=status.HTTP_201_CREATED)


class ThreadDetailApi(WorkflowApiView):
    """A thread with its whole message history."""

    @extend_schema(operation_id="workflow_thread_retrieve", tags=[TAG_THREADS],
                   responses={200: s.ThreadSerializer, 401: Error, 404: Error, 429: Error},
                   examples=[OpenApiExample("Thread with history", response_only=True, value={
                       "thread_id": THREAD_ID, "created_at": "2024-01-15T14:31:00Z",
                       "updated_at": "2024-01-15T14:31:06Z", "metadata": {}, "status": "idle", "values": {"messages": [
                           {"role": "user", "content": "Create a SOAP note from this transcript: ...", "run_id": RUN_ID,
                            "created_at": "2024-01-15T14:31:05Z"},
                           {"role": "assistant", "content": "## Subjective\n...", "run_id": RUN_ID,
                            "created_at": "2024-01-15T14:31:06Z"}]}}),
                       OpenApiExample("Unknown", response_only=True, status_codes=["404"],
                                      value={"error": "Thread not found"})])
    def get(self, request, thread_id):
        thread = _thread(thread_id)
        audit_thread(request, Action.READ, thread)
        return Response(s.ThreadSerializer(thread).data)


def _thread(thread_id: str):
    thread = services.thread_get(thread_id=thread_id)
    if thread is None:
        raise _not_found("Thread")
    return thread


RUN_EXAMPLE = {
    "run_id": RUN_ID, "thread_id": THREAD_ID, "assistant_id": "clinical_assistant", "status": "pending",
    "kind": None,
    "input": {"messages": [{"role": "user", "content": "Create a SOAP note from this transcript:\n" + TRANSCRIPT_TEXT}]},
    "config": {"configurable": {"thread_id": THREAD_ID}}, "metadata": {}, "output": None, "error": None,
    "retryable": None, "created_at": "2024-01-15T14:31:05Z", "updated_at": "2024-01-15T14:31:05Z",
    "started_at": None, "finished_at": None,
}
RUN_DONE_EXAMPLE = RUN_EXAMPLE | {
    "status": "success", "kind": "clinical_extraction", "started_at": "2024-01-15T14:31:05Z",
    "finished_at": "2024-01-15T14:31:06Z",
    "output": {
        "messages": [{"role": "assistant", "content": "## Subjective\n...\n\n## Objective\n...\n\n## Assessment\n..."}],
        "engine": "offline",
        "clinical_note": {"template": "SOAP", "language": "en", "engine": "offline",
                          "ai_generated_content": SOAP_CONTENT, "markdown": "## Subjective\n..."},
    },
}


class RunCreateApi(_PartiesMixin, WorkflowApiView):
    """Start a run on a thread: clinical extraction (transcript + request for a note) or chat.

    The input messages join the thread's history at once; the run executes asynchronously (Celery)
    and its result is read with the run or join endpoints. ``assistant_id`` picks the assistant
    (``scribe``, ``extraction``, ``chat``; see ``POST /v1/lang-graph/assistants/search``); with
    ``scribe`` or none, ``x-is-chat`` routes to ``chat`` (true) or ``extraction`` (false), and
    without it the assistant decides from the input. Clinical extraction uses the clinic's
    note engine with the template named in the request (``config.configurable.template``, or SOAP,
    BIRP, DAP, GIRP or a clinic template named in the message; default general consultation).
    """

    @extend_schema(
        operation_id="workflow_run_create", tags=[TAG_THREADS], request=s.RunCreateSerializer,
        parameters=[headers.DOCTOR_OPTIONAL, headers.PATIENT, headers.IS_CHAT],
        responses={201: s.RunSerializer, 400: Error, 401: Error, 404: Error, 409: Error, 429: Error, 500: Error},
        examples=[
            OpenApiExample("Clinical extraction", request_only=True, value={
                "input": {"messages": [{"role": "user",
                                        "content": "Create a SOAP note from this transcript:\n" + TRANSCRIPT_TEXT}]},
                "config": {"configurable": {"thread_id": THREAD_ID}}}),
            OpenApiExample("Chat", request_only=True, value={
                "input": {"messages": [{"role": "user", "content": "What medications were discussed?"}]},
                "config": {"configurable": {"thread_id": THREAD_ID}}}),
            OpenApiExample("Queued", response_only=True, status_codes=["201"], value=RUN_EXAMPLE),
            OpenApiExample("Thread mismatch", response_only=True, status_codes=["400"],
                           value={"error": "config.configurable.thread_id: does not match the thread in the URL"}),
        ],
    )
    def post(self, request, thread_id):
        return self.run_created(self.start_run(request, thread_id))

    def run_created(self, run: Run) -> Response:
        """The 201 answer with the new run (the LangGraph routes add a ``Content-Location``)."""
        return Response(s.RunSerializer(run).data, status=status.HTTP_201_CREATED)

    def start_run(self, request, thread_id) -> Run:
        """Validate the request and create the run (shared with ``POST .../runs/wait``).

        Audit: ``change`` on the thread (the input messages join its history) and, when the run names a
        stored transcription (``config.configurable.transcription_id``), ``read`` on that transcript (the
        run reads it for the caller).
        """
        thread = _thread(thread_id)
        parties = self.parties()
        is_chat = headers.request_is_chat(request)
        payload = s.RunCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        configurable = dict((data.get("config") or {}).get("configurable") or {})
        configurable.setdefault("thread_id", str(thread.uuid))
        if configurable["thread_id"] != str(thread.uuid):
            raise exceptions.ValidationError(
                {"config": {"configurable": {"thread_id": "does not match the thread in the URL"}}})
        transcription_id = configurable.get("transcription_id")
        record = services.transcription_record_get(transcription_id=str(transcription_id)) if transcription_id else None
        if transcription_id and record is None:
            raise exceptions.ValidationError(
                {"config": {"configurable": {"transcription_id": "unknown transcription"}}})
        config = {"configurable": {k: str(v) for k, v in configurable.items()}}
        assistant_id = (data.get("assistant_id") or "").strip()
        if is_chat is not None and assistant_id.lower() in ("", DEFAULT_ASSISTANT):
            assistant_id = "chat" if is_chat else "extraction"
        try:
            run = services.run_create(
                clinic=request.user.clinic, thread=thread, messages=[dict(m) for m in data["input"]["messages"]],
                config=config, actor=self.actor_label(), assistant_id=assistant_id or DEFAULT_ASSISTANT,
                metadata=data.get("metadata"), doctor_ref=parties.doctor or thread.doctor_ref,
                patient_ref=parties.patient or thread.patient_ref,
            )
        except services.ThreadBusy as exc:
            raise ApiError(str(exc), status.HTTP_409_CONFLICT) from None
        audit_thread(request, Action.CHANGE, thread)
        if record is not None:
            audit_record(request=request, action=Action.READ, object_type=ObjectType.TRANSCRIPT, object_id=record.uuid)
        run.refresh_from_db()
        return run


class RunDetailApi(WorkflowApiView):
    """A run: status ``pending`` → ``running`` → ``success`` | ``error``, with its output or error."""

    @extend_schema(
        operation_id="workflow_run_retrieve", tags=[TAG_THREADS],
        responses={200: s.RunSerializer, 401: Error, 404: Error, 429: Error},
        examples=[OpenApiExample("Finished", response_only=True, value=RUN_DONE_EXAMPLE)],
    )
    def get(self, request, thread_id, run_id):
        run = _run(thread_id, run_id)
        audit_thread(request, Action.READ, run.thread)
        return Response(s.RunSerializer(run).data)


def _run(thread_id: str, run_id: str) -> Run:
    thread = _thread(thread_id)
    run = services.run_get(thread=thread, run_id=run_id)
    if run is None:
        raise _not_found("Run")
    run.thread = thread  # already loaded: the audit and the serializers read it
    return run


FINISHED = (Run.Status.SUCCESS, Run.Status.ERROR)
JOIN_POLL_SECONDS = 0.25


class _JoinQuery(serializers.Serializer):
    timeout = serializers.FloatField(required=False, min_value=0,
                                     help_text="Seconds to wait at most (default and cap: 30).")

    def validate_timeout(self, value: float) -> float:
        return min(value, self.context["limit"])


class RunJoinApi(WorkflowApiView):
    """Wait until the run finishes (bounded), then return it.

    Answers 200 with the finished run, or 202 with the run still pending/running when ``timeout``
    seconds (default and maximum ``MEDSYNC_RUN_JOIN_TIMEOUT_SECONDS``, 30) pass first; join again then.
    """

    @extend_schema(
        operation_id="workflow_run_join", tags=[TAG_THREADS],
        parameters=[_JoinQuery],
        responses={200: s.RunSerializer, 202: s.RunSerializer, 400: Error, 401: Error, 404: Error, 429: Error},
        examples=[OpenApiExample("Finished", response_only=True, value=RUN_DONE_EXAMPLE)],
    )
    def get(self, request, thread_id, run_id):
        limit = settings.MEDSYNC_RUN_JOIN_TIMEOUT_SECONDS
        query = _JoinQuery(data=request.query_params, context={"limit": limit})
        query.is_valid(raise_exception=True)
        run = _run(thread_id, run_id)
        deadline = time.monotonic() + query.validated_data.get("timeout", limit)
        while run.status not in FINISHED and time.monotonic() < deadline:
            time.sleep(JOIN_POLL_SECONDS)
            run.refresh_from_db()
        code = status.HTTP_200_OK if run.status in FINISHED else status.HTTP_202_ACCEPTED
        audit_thread(request, Action.READ, run.thread)  # once per request, not per poll of the wait
        return Response(s.RunSerializer(run).data, status=code)


class ClinicalNoteDetailApi(_PartiesMixin, WorkflowApiView):
    """Read or update a clinical note. Every change keeps the previous version (see ``/versions``).

    ``PATCH`` is the original workflow's: ``x-doctor`` is required and is recorded, with
    ``x-patient``, on the new version.
    """

    doctor_header_required = True

    @extend_schema(
        operation_id="workflow_clinical_note_retrieve", tags=[TAG_NOTES],
        responses={200: s.ClinicalNoteSerializer, 401: Error, 404: Error, 429: Error},
        examples=[OpenApiExample("Clinical note", response_only=True, value=NOTE_EXAMPLE),
                  OpenApiExample("Unknown", response_only=True, status_codes=["404"],
                                 value={"error": "Clinical note not found"})],
    )
    def get(self, request, note_id):
        note = _note(note_id)
        audit_record(request=request, action=Action.READ, object_type=ObjectType.NOTE, object_id=note.uuid)
        return Response(s.ClinicalNoteSerializer(note).data)

    @extend_schema(
        operation_id="workflow_clinical_note_update", tags=[TAG_NOTES], request=s.ClinicalNoteUpdateSerializer,
        parameters=[headers.DOCTOR_REQUIRED, headers.PATIENT],
        responses={200: s.ClinicalNoteSerializer, 400: Error, 401: Error, 404: Error, 429: Error, 500: Error},
        examples=[
            OpenApiExample("Store the generated note", request_only=True, value={
                "template": "SOAP", "ai_generated_content": SOAP_CONTENT, "report_thread_id": THREAD_ID,
                "report_run_id": [RUN_ID]}),
            OpenApiExample("Update two sections, structured", request_only=True, value={"ai_generated_content": {
                "assessment": {"diagnosis": "Acute pharyngitis", "icd10": "J02.9"},
                "plan": ["Rapid strep test", "Ibuprofen 400 mg every 8 hours as needed"]}}),
            OpenApiExample("Feedback only", request_only=True, value={"feedback": "Plan section was incomplete."}),
            OpenApiExample("Updated", response_only=True, status_codes=["200"], value=NOTE_EXAMPLE),
            OpenApiExample("Server error", response_only=True, status_codes=["500"], value={
                "error": "Internal error. Retry with exponential backoff (1 s, 2 s, 4 s, ...)."}),
            OpenApiExample("Content not matching the template", response_only=True, status_codes=["400"],
                           value={"error": "ai_generated_content: unknown section key(s) plan_notes for template SOAP; "
                                  "its keys are subjective, objective, assessment, plan"}),
        ],
    )
    def patch(self, request, note_id):
        note = _note(note_id)
        parties = self.parties()
        payload = s.ClinicalNoteUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            note = services.clinical_note_update(
                note=note, actor=self.actor_label(), template=data.get("template"),
                ai_generated_content=data.get("ai_generated_content", services.UNSET),
                feedback=data.get("feedback"), report_thread_id=data.get("report_thread_id"),
                report_run_ids=data.get("report_run_id"), doctor_ref=parties.doctor, patient_ref=parties.patient,
            )
        except services.ClinicalNoteInvalid as exc:
            raise exceptions.ValidationError(str(exc)) from None
        audit_record(request=request, action=Action.CHANGE, object_type=ObjectType.NOTE, object_id=note.uuid)
        return Response(s.ClinicalNoteSerializer(note).data)


def _note(note_id: str):
    note = services.clinical_note_get(note_id=note_id)
    if note is None:
        raise _not_found("Clinical note")
    return note


class ClinicalNoteVersionsApi(WorkflowApiView):
    """Every version of a note, oldest first, with who changed it and who signed it off."""

    @extend_schema(operation_id="workflow_clinical_note_versions", tags=[TAG_NOTES],
                   responses={200: s.ClinicalNoteVersionsSerializer, 401: Error, 404: Error, 429: Error},
                   examples=[OpenApiExample("History", response_only=True, value={
                       "id": NOTE_ID, "current_version": 2, "versions": [
                           {"version": 1, "template": "", "language": "en", "ai_generated_content": {}, "content": "",
                            "feedback": "", "report_thread_id": "", "report_run_id": [], "engine": "",
                            "changed_by": "user_123456", "signed_off": None, "created_at": "2024-01-15T14:30:00Z"},
                           {"version": 2, "template": "SOAP", "language": "en", "ai_generated_content": SOAP_CONTENT,
                            "content": "## Subjective\n...", "feedback": "", "report_thread_id": THREAD_ID,
                            "report_run_id": [RUN_ID], "engine": "", "changed_by": "user_123456",
                            "signed_off": {"uid": "user_123456", "name": "Dr. John Doe",
                                           "at": "2024-01-15T15:00:00+00:00"},
                            "created_at": "2024-01-15T14:32:00Z"}]})])
    def get(self, request, note_id):
        note = _note(note_id)
        versions = note.versions.order_by("version")
        audit_record(request=request, action=Action.READ, object_type=ObjectType.NOTE, object_id=note.uuid)
        return Response({"id": str(note.uuid), "current_version": note.version,
                         "versions": s.ClinicalNoteVersionSerializer(versions, many=True).data})


class ClinicalNoteSignOffApi(WorkflowApiView):
    """A clinician signs off the note's current version (records who and when).

    Needs a clinician's Bearer token (an API key or a staff user gets 403). A later change to the
    note makes a new, unsigned version; the signed one stays in the history.
    """

    @extend_schema(
        operation_id="workflow_clinical_note_sign_off", tags=[TAG_NOTES], request=None,
        responses={200: s.ClinicalNoteSerializer, 401: Error, 403: Error, 404: Error, 409: Error, 429: Error},
        examples=[OpenApiExample("Signed off", response_only=True, value=NOTE_EXAMPLE | {
            "signed_off": {"uid": "user_123456", "name": "Dr. John Doe", "at": "2024-01-15T15:00:00+00:00"}}),
            OpenApiExample("API key", response_only=True, status_codes=["403"], value={
                "error": "Sign-off needs a clinician's login (Authorization: Bearer <token>)"})],
    )
    def post(self, request, note_id):
        note = _note(note_id)
        principal = request.user
        if not isinstance(principal, ClinicUserPrincipal):
            raise exceptions.PermissionDenied("Sign-off needs a clinician's login (Authorization: Bearer <token>)")
        if principal.clinic_user.role != "clinician":
            raise exceptions.PermissionDenied("Only clinicians can sign off notes")
        try:
            note = services.clinical_note_sign_off(note=note, clinician_uid=principal.uid,
                                                   clinician_name=principal.clinic_user.display_name)
        except services.ClinicalNoteConflict as exc:
            raise ApiError(str(exc), status.HTTP_409_CONFLICT) from None
        audit_record(request=request, action=Action.SIGN, object_type=ObjectType.NOTE, object_id=note.uuid)
        return Response(s.ClinicalNoteSerializer(note).data)
