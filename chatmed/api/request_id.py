"""Request ids of the ChatMed surface: ``req_…`` on every answer (``X-Request-ID``) and in log records.

Generalised to every surface in :mod:`medsync.request_context` (this module re-exports it): the id is set
once per request by ``ops.middleware.RequestContextMiddleware``, and ChatMed's views reuse it.
"""

from __future__ import annotations

from medsync.request_context import (  # noqa: F401 - re-exported
    bind_request_id,
    current_request_id,
    install_log_record_factory,
    new_request_id,
    unbind_request_id,
)
