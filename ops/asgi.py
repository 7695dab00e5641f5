"""ASGI wrapper counting WebSocket handshakes in ``medsync_http_requests_total{surface="ws"}``.

It also gives each WebSocket connection a new request id (``req_…``) and the ``ws`` surface for the log
records of its consumer.

WebSockets bypass Django's middleware, so the status is taken from the first message the application
sends: ``websocket.accept`` counts as 101, a ``websocket.close`` before it as 403 (the handshake refused,
as Daphne and Hypercorn answer it), and ``websocket.http.response.start`` (a denial response) as its status.
"""

from __future__ import annotations

from types import SimpleNamespace

from medsync.request_context import (
    bind_request,
    bind_request_id,
    new_request_id,
    unbind_request,
    unbind_request_id,
)
from ops.metrics import HTTP_REQUESTS


def websocket_metrics(app):
    """Wrap the WebSocket ASGI ``app`` (e.g. Channels' ``URLRouter``) so each handshake is counted once."""

    async def wrapped(scope, receive, send):
        counted = False

        async def counting_send(message):
            nonlocal counted
            if not counted:
                kind = message.get("type")
                status = {"websocket.accept": 101, "websocket.close": 403}.get(kind)
                if kind == "websocket.http.response.start":
                    status = message.get("status", 403)
                if status is not None:
                    counted = True
                    HTTP_REQUESTS.labels(surface="ws", status=str(status)).inc()
            await send(message)

        id_token = bind_request_id(new_request_id())
        # Only the path: the query string of a WebSocket URL can hold a token.
        request_token = bind_request(SimpleNamespace(path=scope.get("path", "")))
        try:
            return await app(scope, receive, counting_send)
        finally:
            unbind_request(request_token)
            unbind_request_id(id_token)

    return wrapped
