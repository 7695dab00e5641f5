"""Recording audit events (one call per access, from the views and services that touch records).

Usage in a view: ``audit_record(request=request, action=Action.READ, object_type=ObjectType.NOTE,
object_id=note.uuid)``. The event is written in the request's clinic schema (the connection is on it
after authentication) inside the request's transaction, so a write that rolls back leaves no event
claiming it happened. Only identifiers are stored, never clinical content.
"""

from __future__ import annotations

from audit.models import Action, ActorKind, AuditEvent, ObjectType

__all__ = ["Action", "ObjectType", "audit_record", "request_actor"]

#: Longest stored ``x-doctor`` value (the workflow API already refuses longer ones with 400).
_MAX_REF = 200


def request_actor(request) -> tuple[str, str]:
    """``(actor_kind, actor)`` of a DRF or Django request.

    A clinician's login JWT → ``("user", uid)``; an API key (platform, workflow or ChatMed) →
    ``("api_key", "api_key:<prefix>")`` (the key's public prefix, never the key); a Django session user
    (admin, dashboard) → ``("staff", username)``; anything else → ``("system", "system")``.
    """
    principal = getattr(request, "user", None)
    clinic_user = getattr(principal, "clinic_user", None)
    if clinic_user is not None:
        return ActorKind.USER, clinic_user.uid
    api_key = getattr(principal, "api_key", None)
    if api_key is not None:
        return ActorKind.API_KEY, f"api_key:{api_key.prefix}"
    if getattr(principal, "clinic", None) is not None:
        return ActorKind.API_KEY, "api_key"
    if getattr(principal, "is_authenticated", False) and hasattr(principal, "get_username"):
        return ActorKind.STAFF, principal.get_username()
    return ActorKind.SYSTEM, "system"


def audit_record(*, request=None, action: str, object_type: str, object_id, actor: tuple[str, str] | None = None,
                 doctor_ref: str = "", path: str = "") -> AuditEvent:
    """Append one :class:`AuditEvent` to the current clinic schema's log.

    Args:
        request: the DRF/Django request (actor, ``x-doctor`` header, method, path, request id), or None
            for work outside a request (then pass ``actor``).
        action: :class:`Action` value; object_type: :class:`ObjectType` value; object_id: the record's
            public id (UUID or str).
        actor: ``(kind, label)`` overriding the request's; doctor_ref: overrides the ``x-doctor`` header.
        path: where the access came in when there is no request (e.g. ``/ws/transcribe`` for a live session).
    """
    kind, label = actor or (request_actor(request) if request is not None else (ActorKind.SYSTEM, "system"))
    method = request_id = ""
    if request is not None:
        doctor_ref = doctor_ref or request.headers.get("x-doctor", "").strip()
        method, path = request.method or "", (request.path or "")[:300]
        from medsync.request_context import current_request_id

        request_id = current_request_id()
        request_id = "" if request_id == "-" else request_id
    return AuditEvent.objects.create(
        actor_kind=kind, actor=label[:200], doctor_ref=doctor_ref[:_MAX_REF], action=action,
        object_type=object_type, object_id=str(object_id)[:64], method=method[:8], path=path,
        request_id=request_id[:64],
    )
