"""Request context for logs: request id (``X-Request-ID``), clinic and API surface of the running request.

Generalised from ChatMed's request ids (``chatmed.api.request_id`` re-exports this module): one id per
HTTP request on every surface, set by :class:`ops.middleware.RequestContextMiddleware`, reused by the
ChatMed views for their error bodies, and put on every log record created while the request runs
(``record.request_id``; ``"-"`` outside a request). The request's clinic and surface are read with
:func:`current_clinic` / :func:`current_surface` when a record is formatted (``ops.logs.JsonFormatter``),
so a record logged after authentication names the caller's clinic. They are not record attributes:
code may pass its own ``extra={"clinic": ...}``, which a preset attribute would make fail.
Only identifiers go into log records — never patient data.
"""

from __future__ import annotations

import contextvars
import logging
import re
import secrets
import time

_current: contextvars.ContextVar[str] = contextvars.ContextVar("medsync_request_id", default="-")
_request: contextvars.ContextVar[object | None] = contextvars.ContextVar("medsync_request", default=None)
_installed = False

# A client's (or proxy's) own X-Request-ID is logged beside ours (``client_request_id``) only when it is a
# plain token: no spaces or control characters, so it cannot forge log lines. It never replaces our id,
# which must stay unique (ChatMed's concurrency slots are keyed by it).
CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")

# Path prefixes of the API surfaces, longest first ("/api/v1/" before "/api/").
SURFACES = (("/api/v1/", "api_v1"), ("/v1/", "v1"), ("/api/", "api"), ("/ws/", "ws"), ("/admin/", "admin"))


def surface_of(path: str) -> str:
    """The API surface of a request path: ``v1``, ``api_v1``, ``api``, ``ws``, ``admin`` or ``other``."""
    for prefix, name in SURFACES:
        if path.startswith(prefix):
            return name
    return "other"


def new_request_id() -> str:
    """``req_`` + milliseconds since the epoch (base 16, sortable) + 12 random hex digits."""
    return f"req_{int(time.time() * 1000):x}{secrets.token_hex(6)}"


def client_request_id(value: str | None) -> str | None:
    """The client's ``X-Request-ID`` when it is a safe token (:data:`CLIENT_REQUEST_ID`), else None."""
    if value and CLIENT_REQUEST_ID.fullmatch(value):
        return value
    return None


def current_request_id() -> str:
    """The id of the request being handled, or ``"-"``."""
    return _current.get()


def bind_request_id(request_id: str) -> contextvars.Token:
    """Make ``request_id`` current; give the token back to :func:`unbind_request_id`."""
    return _current.set(request_id)


def unbind_request_id(token: contextvars.Token) -> None:
    _current.reset(token)


def bind_request(request) -> contextvars.Token:
    """Make ``request`` (a Django ``HttpRequest``) the one whose clinic and surface logs show."""
    return _request.set(request)


def unbind_request(token: contextvars.Token) -> None:
    _request.reset(token)


def current_clinic() -> str:
    """``client_id`` of the running request's clinic (from its credential or host name), or ``"-"``."""
    request = _request.get()
    clinic = getattr(request, "clinic", None) or getattr(request, "tenant", None)
    if clinic is None or getattr(clinic, "schema_name", "public") == "public":
        return "-"
    return getattr(clinic, "client_id", "-") or "-"


def current_surface() -> str:
    request = _request.get()
    return surface_of(request.path) if request is not None else "-"


def install_log_record_factory() -> None:
    """Wrap the log record factory once so each record gets ``request_id``."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
