"""ASGI wrapper counting WebSocket handshakes in ``medsync_http_requests_total{surface="ws"}``.

WebSockets bypass Django's middleware, so the status is taken from the first message the application
sends: ``websocket.accept`` counts as 101, a ``websocket.close`` before it as 403 (the handshake refused,
as Daphne and Hypercorn answer it), and ``websocket.http.response.start`` (a denial response) as its status.
"""

from __future__ import annotations

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

        return await app(scope, receive, counting_send)

    return wrapped
