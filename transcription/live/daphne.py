"""HTTP status codes other than 403 for refused WebSocket handshakes under Daphne.

The Live API seed answers bad credentials with "401 Unauthorized" before the socket opens. ASGI's
way to do that is the *WebSocket Denial Response* extension: an application that sees
``"websocket.http.response"`` in ``scope["extensions"]`` may answer the handshake with
``websocket.http.response.start`` / ``.body`` instead of accepting it. Uvicorn and Hypercorn implement
it; Daphne 4.2 does not (django/daphne#486, closed: a ``websocket.close`` before ``accept`` always
becomes "403 Access denied", and the extension messages are ignored).

:func:`install` gives Daphne that extension without forking it: Daphne builds its WebSocket protocol
objects from ``WebSocketFactory.protocol``, and this module points that at a subclass which

* advertises the extension in every scope it creates,
* answers ``websocket.http.response.start`` + ``.body`` by failing the handshake with that status
  (Autobahn's ``ConnectionDeny``, the same path Daphne's own 403 takes), with the response's headers
  and body, and
* closes with the RFC 6455 server codes 1001/1011/... that Autobahn refuses in ``sendClose``
  (:meth:`serverClose`).

Everything else is Daphne's code. :func:`install` runs when the WebSocket routes are imported
(``medsync/routing.py``, loaded by ``medsync.asgi`` before Daphne starts serving); it is idempotent and
does nothing if Daphne is not installed. Without it (another Daphne version, say) applications see no
extension in the scope and fall back to closing before accept, which Daphne turns into 403.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

__all__ = ["DENIAL_EXTENSION", "install"]

logger = logging.getLogger(__name__)

DENIAL_EXTENSION = "websocket.http.response"
#: RFC 6455 section 7.4.1 codes a server sends that Autobahn's ``sendClose`` refuses: going away,
#: protocol error, unsupported data, invalid payload, policy violation, too big, internal error,
#: service restart, try again later.
_SERVER_CLOSE_CODES = frozenset({1001, 1002, 1003, 1007, 1008, 1009, 1011, 1012, 1013})


class _ExtensionAdvertisingServer:
    """Wraps Daphne's server object for one protocol instance: adds the extension to the scope it
    passes to ``create_application``; everything else goes to the real server."""

    def __init__(self, server) -> None:
        self._server = server

    def __getattr__(self, name):
        return getattr(self._server, name)

    def create_application(self, protocol, scope):
        extensions = dict(scope.get("extensions") or {})
        extensions[DENIAL_EXTENSION] = {}
        scope["extensions"] = extensions
        return self._server.create_application(protocol, scope)


def _protocol_class():
    from autobahn.websocket.types import ConnectionDeny
    from daphne.ws_protocol import WebSocketProtocol

    class DenialResponseWebSocketProtocol(WebSocketProtocol):
        """Daphne's WebSocket protocol plus the WebSocket Denial Response extension."""

        _denial_status: int | None = None
        _denial_headers: tuple[tuple[str, str], ...] = ()
        _denial_body = b""

        # Daphne sets ``self.server`` first thing in ``onConnect`` and uses it to create the
        # application; the property wraps it so the scope advertises the extension.
        @property
        def server(self):
            return self.__dict__.get("_medsync_server")

        @server.setter
        def server(self, value):
            if value is not None and not isinstance(value, _ExtensionAdvertisingServer):
                value = _ExtensionAdvertisingServer(value)
            self.__dict__["_medsync_server"] = value

        def handle_reply(self, message):
            kind = message.get("type")
            if kind == "websocket.http.response.start":
                if self.state != self.STATE_CONNECTING or self._denial_status is not None:
                    raise ValueError("websocket.http.response.start is only valid once, before accept")
                self._denial_status = int(message["status"])
                self._denial_headers = tuple((k.decode("latin-1"), v.decode("latin-1"))
                                             for k, v in message.get("headers", []))
                self._denial_body = b""
                return
            if kind == "websocket.http.response.body":
                if self._denial_status is None:
                    raise ValueError("websocket.http.response.body before websocket.http.response.start")
                self._denial_body += message.get("body", b"")
                if not message.get("more_body", False):
                    self._deny()
                return
            super().handle_reply(message)

        def serverClose(self, code=None):
            """Close from the application (``websocket.close``) with any close code a server may send.

            Daphne passes the code to Autobahn's ``sendClose``, which accepts only 1000 and 3000-4999
            (its rule for application codes): 1001 (going away, a server shutting down) and 1011 (an
            internal error), which RFC 6455 section 7.4.1 defines for exactly these cases, raised inside
            the application's ``send`` and left the socket open. Those codes go out with Autobahn's
            ``sendCloseFrame``; everything else is Daphne's path.
            """
            if code in _SERVER_CLOSE_CODES:
                self.sendCloseFrame(code=code, isReply=False)
                return
            super().serverClose(code=code)

        def _deny(self) -> None:
            status = self._denial_status or 403
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = "Denied"
            self.handshake_deferred.errback(ConnectionDeny(code=status, reason=reason))
            del self.handshake_deferred
            self.server.protocol_disconnected(self)
            self.server.log_action("websocket", "rejected", {
                "path": self.request.path,
                "client": f"{self.client_addr[0]}:{self.client_addr[1]}" if self.client_addr else None,
            })

        def sendHttpErrorResponse(self, code, reason, responseHeaders=None):
            if self._denial_status is None:
                return super().sendHttpErrorResponse(code, reason, responseHeaders)
            lines = [f"HTTP/1.1 {code} {reason}"]
            lines += [f"{name}: {value}" for name, value in self._denial_headers
                      if name.lower() not in ("content-length", "connection")]
            lines += [f"Content-Length: {len(self._denial_body)}", "Connection: close", "", ""]
            self.sendData("\r\n".join(lines).encode("latin-1") + self._denial_body)

    return DenialResponseWebSocketProtocol


def install() -> bool:
    """Make Daphne's WebSocket factory build denial-capable protocols (idempotent).

    Returns:
        True when Daphne now supports the extension, False when Daphne is not installed.
    """
    try:
        from daphne.ws_protocol import WebSocketFactory, WebSocketProtocol
    except ImportError:
        return False
    if getattr(WebSocketFactory.protocol, "_medsync_denial", False):
        return True
    if WebSocketFactory.protocol is not WebSocketProtocol:
        logger.warning("Daphne's WebSocket protocol was replaced by someone else; HTTP 401/429 handshake "
                       "answers fall back to Daphne's 403")
        return False
    protocol = _protocol_class()
    protocol._medsync_denial = True
    WebSocketFactory.protocol = protocol
    return True
