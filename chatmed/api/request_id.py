"""Request ids of the ChatMed surface: ``req_…`` on every answer (``X-Request-ID``) and in log records.

While a ChatMed request runs, every log record created in its thread or task carries a
``request_id`` attribute (``"-"`` outside a request), so handlers and formatters can show it.
"""

from __future__ import annotations

import contextvars
import logging
import secrets
import time

_current: contextvars.ContextVar[str] = contextvars.ContextVar("chatmed_request_id", default="-")
_installed = False


def new_request_id() -> str:
    """``req_`` + milliseconds since the epoch (base 16, sortable) + 12 random hex digits."""
    return f"req_{int(time.time() * 1000):x}{secrets.token_hex(6)}"


def current_request_id() -> str:
    """The id of the request being handled, or ``"-"``."""
    return _current.get()


def bind_request_id(request_id: str) -> contextvars.Token:
    """Make ``request_id`` current; give the token back to :func:`unbind_request_id`."""
    return _current.set(request_id)


def unbind_request_id(token: contextvars.Token) -> None:
    _current.reset(token)


def install_log_record_factory() -> None:
    """Wrap the log record factory once so each record gets ``record.request_id``."""
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
