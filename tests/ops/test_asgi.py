"""WebSocket handshakes are counted by status and their consumers' log records carry a request id."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from medsync.request_context import current_request_id, current_surface
from ops.asgi import websocket_metrics
from ops.metrics import HTTP_REQUESTS


def _count(status: str) -> float:
    return HTTP_REQUESTS.labels(surface="ws", status=status)._value.get()


def _app(accept: bool, seen: list):
    async def app(scope, receive, send):
        await receive()  # websocket.connect
        seen.append((current_request_id(), current_surface()))
        logging.getLogger("medsync.test").info("consumer says hello")
        await send({"type": "websocket.accept"} if accept else {"type": "websocket.close", "code": 4401})
        if accept:
            await send({"type": "websocket.close", "code": 1000})

    return app


def test_handshakes_are_counted_and_bound_to_a_request_id():
    seen: list = []
    accepted, refused = _count("101"), _count("403")
    async_to_sync(_handshakes)(seen)
    assert _count("101") - accepted == 1 and _count("403") - refused == 1
    assert [surface for _, surface in seen] == ["ws", "ws"]
    assert all(rid.startswith("req_") for rid, _ in seen) and seen[0][0] != seen[1][0]
    assert current_request_id() == "-"  # unbound after the connection


async def _handshakes(seen: list) -> None:
    communicator = WebsocketCommunicator(websocket_metrics(_app(True, seen)), "/ws/transcribe?token=secret")
    connected, _ = await communicator.connect()
    assert connected
    await communicator.disconnect()
    communicator = WebsocketCommunicator(websocket_metrics(_app(False, seen)), "/ws/transcribe")
    connected, _ = await communicator.connect()
    assert not connected
