"""OpenAPI links of the schema (``/api/schema/``): from each create operation to what reads, changes or
deletes what it created.

A link (OpenAPI 3.0, "Link Object") tells a client, and Schemathesis' stateful phase, that a value of one
answer is a parameter of another operation: ``POST /api/patients/add`` answers 201 with
``{"patient": {"_id": ...}}``, and ``GET /api/patients/{patient_id}`` takes that id. They are declared
here, in one table (:data:`LINKS`), and added to the generated schema by :func:`declare_links`, a
drf-spectacular post-processing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``), so the views'
``extend_schema`` decorators stay as they are.

The hook checks the table against the schema it is given and raises :class:`OpenApiLinkError` (so the
schema view, ``manage.py spectacular`` and the tests fail) when a source or target ``operationId`` is gone,
the source has no such answer, a link names a parameter its target does not have or leaves a required path
parameter out, or a ``$response.body#/...`` pointer names a field the (typed) answer does not have.
Answers documented as free-form objects (ChatMed's) cannot be checked this way; their tests cover them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["LINKS", "Link", "OpenApiLinkError", "declare_links", "link_problems"]


@dataclass(frozen=True)
class Link:
    """Links from ``source``'s ``statuses`` answers to each of ``targets``, with ``parameters``
    (target parameter name -> runtime expression, e.g. ``"$response.body#/patient/_id"``).

    The link is named after its target's ``operationId`` (unique within one answer's links).
    """

    source: str
    statuses: tuple[str, ...]
    targets: tuple[str, ...]
    parameters: dict[str, str] = field(default_factory=dict)


def _body(pointer: str) -> str:
    return f"$response.body#{pointer}"


#: The declared links (source operationId, its answers, targets, parameters).
LINKS: tuple[Link, ...] = (
    # MediSync (/api): patients, appointments, recordings, notes.
    Link("medisync_patient_add", ("201",),
         ("medisync_patient_get", "medisync_patient_update", "medisync_patient_replace", "medisync_patient_delete"),
         {"patient_id": _body("/patient/_id")}),
    Link("medisync_appointment_add", ("201",),
         ("medisync_appointment_get", "medisync_appointment_update", "medisync_recording_add", "medisync_note_add",
          "medisync_transcription_get"),
         {"appointment_id": _body("/appointment/_id")}),
    Link("medisync_recording_add", ("202",), ("medisync_transcription_get",),
         {"appointment_id": _body("/appointment_id")}),
    Link("medisync_note_add", ("201",), ("medisync_note_get", "medisync_note_fhir", "medisync_diagnosis"),
         {"appointment_id": _body("/appointment_id")}),
    # Documentation workflow (/v1): transcriptions and their draft notes.
    Link("workflow_transcription_create", ("201",), ("workflow_transcription_retrieve",),
         {"transcription_id": _body("/id")}),
    Link("workflow_transcription_create", ("201",),
         ("workflow_clinical_note_retrieve", "workflow_clinical_note_update", "workflow_clinical_note_versions",
          "workflow_clinical_note_sign_off"),
         {"note_id": _body("/clinical_note_id")}),
    Link("workflow_transcription_create_original", ("201",), ("workflow_transcription_retrieve",),
         {"transcription_id": _body("/transcription/id")}),
    Link("workflow_transcription_create_original", ("201",),
         ("workflow_clinical_note_retrieve", "workflow_clinical_note_update", "workflow_clinical_note_versions",
          "workflow_clinical_note_sign_off"),
         {"note_id": _body("/transcription/clinical_note_id")}),
    # Threads and runs (/v1/threads and the LangGraph protocol); 200 is "if_exists: do_nothing".
    Link("workflow_thread_create", ("201", "200"), ("workflow_thread_retrieve", "workflow_run_create"),
         {"thread_id": _body("/thread_id")}),
    Link("workflow_run_create", ("201",), ("workflow_run_retrieve", "workflow_run_join"),
         {"thread_id": _body("/thread_id"), "run_id": _body("/run_id")}),
    Link("langgraph_thread_create", ("201", "200"),
         ("langgraph_thread_retrieve", "langgraph_thread_state", "langgraph_run_create", "langgraph_run_list",
          "langgraph_run_wait"),
         {"thread_id": _body("/thread_id")}),
    Link("langgraph_run_create", ("201",), ("langgraph_run_retrieve", "langgraph_run_join"),
         {"thread_id": _body("/thread_id"), "run_id": _body("/run_id")}),
    # Note templates, agent calls.
    Link("templates_create", ("201",), ("templates_retrieve", "templates_update", "templates_delete"),
         {"key": _body("/key")}),
    Link("agent_call_create", ("200",), ("agent_call_retrieve", "agent_call_cancel"), {"call_sid": _body("/call_sid")}),
    # ChatMed (/api/v1): answers documented as free-form objects (pointers checked by the ChatMed tests).
    Link("api_v1_profiles_create", ("201",),
         ("api_v1_profiles_retrieve", "api_v1_profiles_update", "api_v1_profiles_partial_update"),
         {"profile_id": _body("/profile_id")}),
    *(Link(create, ("201",), ("api_v1_prescriptions_retrieve", "api_v1_prescriptions_pdf_retrieve"),
           {"prescription_id": _body("/prescription_id")})
      for create in ("api_v1_prescriptions_create", "api_v1_prescriptions_create_create")),
    Link("api_v1_consultations_video_create_create", ("200",),
         ("api_v1_consultations_video_status_retrieve", "api_v1_consultations_video_end_create",
          "api_v1_consultations_video_cancel_create"),
         {"session_id": _body("/session_id")}),
    Link("api_v1_consultations_waiting_room_create", ("201",), ("api_v1_consultations_waiting_room_admit_create",),
         {"entry_id": _body("/entry_id")}),
    Link("api_v1_chat_message_create", ("200",), ("api_v1_chat_sessions_retrieve",),
         {"session_id": _body("/session_id")}),
)


class OpenApiLinkError(Exception):
    """The link table does not fit the generated schema (see the module docstring); lists every problem."""


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _operations(schema: dict) -> dict[str, tuple[str, dict, dict]]:
    """operationId -> (path, path item, operation) of an OpenAPI document."""
    found = {}
    for path, item in (schema.get("paths") or {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if isinstance(operation, dict) and operation.get("operationId"):
                found[operation["operationId"]] = (path, item, operation)
    return found


def _resolve(schema: dict, node: dict) -> dict:
    """``node``, or what its local ``$ref`` (``#/components/...``) points to in ``schema``."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return {}
        node = schema
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


def _pointer_problem(schema: dict, response: dict, pointer: str) -> str | None:
    """Why ``pointer`` (a JSON pointer into the JSON body) cannot be in ``response``, or None.

    Only typed objects are followed (``properties``); a free-form object (no ``properties``) or a
    composed schema (``allOf``/``oneOf``/``anyOf``) ends the check there, as nothing more can be said.
    """
    content = (response.get("content") or {}).get("application/json")
    if content is None:
        return "the answer has no application/json body"
    node = _resolve(schema, content.get("schema") or {})
    for part in pointer.lstrip("/").split("/"):
        if any(key in node for key in ("allOf", "oneOf", "anyOf")) or not node.get("properties"):
            return None
        if part not in node["properties"]:
            return f"the answer has no field {part!r}"
        node = _resolve(schema, node["properties"][part])
    return None


def link_problems(schema: dict, links: tuple[Link, ...] | None = None) -> list[str]:
    """Every way ``links`` (default :data:`LINKS`) does not fit ``schema`` (an OpenAPI 3 document); empty
    when they all fit."""
    links = LINKS if links is None else links
    operations = _operations(schema)
    problems: list[str] = []
    for link in links:
        if link.source not in operations:
            problems.append(f"{link.source}: no operation with this operationId (source of links)")
            continue
        _, _, source = operations[link.source]
        for status in link.statuses:
            response = (source.get("responses") or {}).get(status)
            if response is None:
                problems.append(f"{link.source}: no {status} answer to link from")
                continue
            for name, expression in link.parameters.items():
                if expression.startswith("$response.body#"):
                    problem = _pointer_problem(schema, _resolve(schema, response), expression.split("#", 1)[1])
                    if problem:
                        problems.append(f"{link.source} {status} -> {name}: {problem} ({expression})")
        for target in link.targets:
            if target not in operations:
                problems.append(f"{link.source} -> {target}: no operation with this operationId (link target)")
                continue
            _, item, operation = operations[target]
            parameters = [_resolve(schema, p) for p in [*(item.get("parameters") or []),
                                                        *(operation.get("parameters") or [])]]
            names = {p.get("name") for p in parameters}
            for name in link.parameters:
                if name not in names:
                    problems.append(f"{link.source} -> {target}: the target has no parameter {name!r}")
            for p in parameters:
                if p.get("in") == "path" and p.get("name") not in link.parameters:
                    problems.append(f"{link.source} -> {target}: path parameter {p.get('name')!r} is not linked")
    return problems


def declare_links(result: dict, generator=None, request=None, public=None) -> dict:
    """drf-spectacular post-processing hook: add :data:`LINKS` to the schema ``result`` (and return it).

    Each link goes into ``responses.<status>.links.<target operationId>`` of its source operation as
    ``{"operationId": target, "parameters": {...}}``; links already declared there are kept.

    Raises:
        OpenApiLinkError: the table does not fit the schema (every problem listed).
    """
    problems = link_problems(result, LINKS)
    if problems:
        raise OpenApiLinkError("OpenAPI links do not fit the schema (medsync/openapi_links.py LINKS):\n  "
                               + "\n  ".join(problems))
    operations = _operations(result)
    for link in LINKS:
        _, _, source = operations[link.source]
        for status in link.statuses:
            response = source["responses"][status]
            if "$ref" in response:  # a shared response component: give this operation its own copy
                response = source["responses"][status] = dict(_resolve(result, response))
            links = response.setdefault("links", {})
            for target in link.targets:
                links.setdefault(target, {"operationId": target, "parameters": dict(link.parameters),
                                          "description": f"{target} of what {link.source} created."})
    return result
