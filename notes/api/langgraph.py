"""The documentation workflow under ``/v1/lang-graph``: the LangGraph Agent Server protocol.

The original workflow's threads and runs live at ``/v1/lang-graph/...`` and speak LangGraph's
protocol, so the official ``langgraph-sdk`` client (``get_client(url=".../v1/lang-graph",
api_key=<clinic API key>)``, sent as ``x-api-key``) works against MedSync: ``threads.create/get/
get_state``, ``runs.create/get/list/join/wait`` and ``assistants.search/get``. These views are the
workflow views of :mod:`notes.api.views` (same services, same thread/run rows; no second
implementation) with the protocol's extra routes and answers:

* ``GET .../runs/{run_id}/join`` and ``POST .../runs/wait`` answer the thread's state values once
  the run has finished (``{"messages": [...], "clinical_note": {...}}``); a failed run answers
  ``{"__error__": {"error", "message"}}`` (what the SDK raises from). Waiting is bounded by
  ``MEDSYNC_RUN_JOIN_TIMEOUT_SECONDS`` (30 s): a run still going then answers 202 with the run.
* Writes (thread and run creation) require ``x-doctor``, as the original does.
* Run creation answers ``Content-Location: .../threads/{thread_id}/runs/{run_id}`` (the SDK's
  ``on_run_created`` callback reads it).

Audit: as the workflow views (:func:`notes.api.views.audit_thread`), one event per request on the thread:
``read`` for its state, a run, the page of its runs (one event for the page: every run on it is the same
thread's, and the stored path names the request) and join/wait results; ``change`` when a run adds its
input to the thread; ``create`` for a new thread.

Protocol reference: the SDK's own client code (``langgraph_sdk/_sync/threads.py``, ``runs.py``,
``assistants.py``: paths, bodies and the fields it reads).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.response import Response

from audit.services import Action
from medsync.api.schema import WorkflowErrorSerializer as Error
from medsync.api.surfaces import WorkflowApiView
from notes.api import headers
from notes.api import serializers as s
from notes.api import views
from notes.api.views import audit_thread
from notes.assistant import ASSISTANTS, AssistantSpec
from notes.models import Run

TAG = "Documentation workflow: LangGraph protocol (/v1/lang-graph)"
FINISHED = (Run.Status.SUCCESS, Run.Status.ERROR)
JOIN_POLL_SECONDS = 0.25
#: When the assistants were defined (they are code, not rows): a fixed, honest timestamp for the protocol.
ASSISTANTS_DEFINED_AT = datetime(2026, 11, 30, tzinfo=timezone.utc)


def _wait_finished(run: Run, *, timeout: float) -> Run:
    """Poll ``run`` until it has finished or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while run.status not in FINISHED and time.monotonic() < deadline:
        time.sleep(JOIN_POLL_SECONDS)
        run.refresh_from_db()
    return run


def _with_location(response: Response, request, run: Run) -> Response:
    prefix = request.path.split("/threads/", 1)[0]
    response["Content-Location"] = f"{prefix}/threads/{run.thread.uuid}/runs/{run.uuid}"
    return response


def _run_result(run: Run) -> Response:
    """LangGraph's answer to join/wait: the thread's values, ``__error__``, or 202 with the unfinished run."""
    if run.status == Run.Status.SUCCESS:
        return Response(s.thread_values(run.thread))
    if run.status == Run.Status.ERROR:
        kind = "RunError" if run.error_permanent else "RetryableRunError"
        return Response({"__error__": {"error": kind, "message": run.error or "Run failed"}})
    return Response(s.RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


VALUES_EXAMPLE = {
    "messages": [
        {"role": "user", "type": "human", "content": "Create a SOAP note from this transcript: ...",
         "run_id": views.RUN_ID, "created_at": "2024-01-15T14:31:05Z"},
        {"role": "assistant", "type": "ai", "content": "## Subjective\n...", "run_id": views.RUN_ID,
         "created_at": "2024-01-15T14:31:06Z"},
    ],
    "clinical_note": {"template": "SOAP", "language": "en", "engine": "offline",
                      "ai_generated_content": views.SOAP_CONTENT, "markdown": "## Subjective\n..."},
}
RESULT_RESPONSES = {
    200: {"type": "object", "description": "The thread's values ({messages, clinical_note}) or, for a failed run, "
          "{\"__error__\": {\"error\", \"message\"}}."},
    202: s.RunSerializer, 400: Error, 401: Error, 404: Error, 429: Error,
}


@extend_schema_view(post=extend_schema(
    operation_id="langgraph_thread_create", tags=[TAG],
    parameters=[headers.DOCTOR_REQUIRED, headers.PATIENT]))
class ThreadCreateApi(views.ThreadCreateApi):
    doctor_header_required = True


@extend_schema_view(get=extend_schema(operation_id="langgraph_thread_retrieve", tags=[TAG]))
class ThreadDetailApi(views.ThreadDetailApi):
    pass


class ThreadStateApi(WorkflowApiView):
    """``GET /threads/{thread_id}/state``: the thread's values at its latest checkpoint.

    A checkpoint is the state after a finished run: ``checkpoint_id`` is that run's id (null
    before any run has finished); ``parent_checkpoint`` the one before it.
    """

    @extend_schema(operation_id="langgraph_thread_state", tags=[TAG],
                   parameters=[OpenApiParameter("subgraphs", bool, required=False,
                                                description="Accepted for the SDK; there are no subgraphs.")],
                   responses={200: s.ThreadStateSerializer, 401: Error, 404: Error, 429: Error},
                   examples=[OpenApiExample("State", response_only=True, value={
                       "values": VALUES_EXAMPLE, "next": [], "tasks": [], "metadata": {}, "interrupts": [],
                       "checkpoint": {"thread_id": views.THREAD_ID, "checkpoint_ns": "", "checkpoint_id": views.RUN_ID},
                       "parent_checkpoint": None, "created_at": "2024-01-15T14:31:06Z"})])
    def get(self, request, thread_id):
        thread = views._thread(thread_id)
        audit_thread(request, Action.READ, thread)
        finished = list(thread.runs.filter(status__in=FINISHED).order_by("-finished_at", "-id")[:2])

        def checkpoint(run: Run | None) -> dict | None:
            if run is None:
                return None
            return {"thread_id": str(thread.uuid), "checkpoint_ns": "", "checkpoint_id": str(run.uuid)}

        latest = finished[0] if finished else None
        return Response({
            "values": s.thread_values(thread), "next": [], "tasks": [], "metadata": thread.metadata,
            "interrupts": [],
            "checkpoint": checkpoint(latest) or {"thread_id": str(thread.uuid), "checkpoint_ns": "",
                                                 "checkpoint_id": None},
            "parent_checkpoint": checkpoint(finished[1] if len(finished) > 1 else None),
            "created_at": (latest.finished_at if latest else thread.created_at).isoformat(),
        })


@extend_schema_view(post=extend_schema(
    operation_id="langgraph_run_create", tags=[TAG],
    parameters=[headers.DOCTOR_REQUIRED, headers.PATIENT, headers.IS_CHAT]))
class RunsApi(views.RunCreateApi):
    """``POST /threads/{thread_id}/runs`` (start a run) and ``GET`` (list them, newest first)."""

    doctor_header_required = True

    def run_created(self, run: Run) -> Response:
        return _with_location(super().run_created(run), self.request, run)

    @extend_schema(operation_id="langgraph_run_list", tags=[TAG], parameters=[s.RunListQuerySerializer],
                   responses={200: s.RunSerializer(many=True), 400: Error, 401: Error, 404: Error, 429: Error})
    def get(self, request, thread_id):
        thread = views._thread(thread_id)
        query = s.RunListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        audit_thread(request, Action.READ, thread)  # one event for the page: its runs are all this thread's
        params = query.validated_data
        runs = thread.runs.select_related("thread").order_by("-created_at", "-id")
        if params.get("status"):
            runs = runs.filter(status=params["status"])
        page = runs[params["offset"]:params["offset"] + params["limit"]]
        return Response(s.RunSerializer(page, many=True).data)


class RunWaitApi(views.RunCreateApi):
    """``POST /threads/{thread_id}/runs/wait``: start a run and answer its result when it finishes."""

    doctor_header_required = True

    @extend_schema(operation_id="langgraph_run_wait", tags=[TAG], request=s.RunCreateSerializer,
                   parameters=[headers.DOCTOR_REQUIRED, headers.PATIENT, headers.IS_CHAT],
                   responses=RESULT_RESPONSES | {409: Error, 500: Error},
                   examples=[OpenApiExample("Note written", response_only=True, value=VALUES_EXAMPLE)])
    def post(self, request, thread_id):
        run = self.start_run(request, thread_id)
        result = _run_result(_wait_finished(run, timeout=settings.MEDSYNC_RUN_JOIN_TIMEOUT_SECONDS))
        audit_thread(request, Action.READ, run.thread)  # the answer holds the thread's values
        return _with_location(result, request, run)


@extend_schema_view(get=extend_schema(operation_id="langgraph_run_retrieve", tags=[TAG]))
class RunDetailApi(views.RunDetailApi):
    pass


class RunJoinApi(WorkflowApiView):
    """``GET /threads/{thread_id}/runs/{run_id}/join``: wait for the run, answer the thread's values."""

    @extend_schema(operation_id="langgraph_run_join", tags=[TAG], responses=RESULT_RESPONSES,
                   examples=[OpenApiExample("Finished", response_only=True, value=VALUES_EXAMPLE)])
    def get(self, request, thread_id, run_id):
        run = views._run(thread_id, run_id)
        result = _run_result(_wait_finished(run, timeout=settings.MEDSYNC_RUN_JOIN_TIMEOUT_SECONDS))
        audit_thread(request, Action.READ, run.thread)  # once per request, not per poll of the wait
        return result


def _assistant(spec: AssistantSpec) -> dict:
    at = ASSISTANTS_DEFINED_AT.isoformat()
    return {"assistant_id": spec.assistant_id, "graph_id": spec.assistant_id, "name": spec.name,
            "description": spec.description, "config": {}, "context": {}, "metadata": {}, "version": 1,
            "created_at": at, "updated_at": at}


class AssistantSearchApi(WorkflowApiView):
    """``POST /assistants/search``: the assistants runs can name (``scribe``, ``extraction``, ``chat``)."""

    @extend_schema(operation_id="langgraph_assistant_search", tags=[TAG], request=s.AssistantSearchSerializer,
                   responses={200: s.AssistantSerializer(many=True), 400: Error, 401: Error, 429: Error})
    def post(self, request):
        query = s.AssistantSearchSerializer(data=request.data or {})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = list(ASSISTANTS.values())
        if params.get("graph_id"):
            found = [a for a in found if a.assistant_id == params["graph_id"]]
        if params.get("name"):
            found = [a for a in found if params["name"].lower() in a.name.lower()]
        if params.get("metadata"):
            found = []  # no assistant carries metadata
        page = found[params["offset"]:params["offset"] + params["limit"]]
        return Response([_assistant(a) for a in page])


class AssistantDetailApi(WorkflowApiView):
    """``GET /assistants/{assistant_id}``."""

    @extend_schema(operation_id="langgraph_assistant_retrieve", tags=[TAG],
                   responses={200: s.AssistantSerializer, 401: Error, 404: Error, 429: Error})
    def get(self, request, assistant_id):
        spec = ASSISTANTS.get(assistant_id)
        if spec is None:
            raise exceptions.NotFound(f"Assistant {assistant_id!r} not found; assistants: {', '.join(ASSISTANTS)}")
        return Response(_assistant(spec))
