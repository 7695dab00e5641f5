"""Daphne with the graceful stop an operator expects: ``python -m medsync.daphne_server <daphne args>``.

Daphne 4.2 stops its Twisted reactor at once on SIGTERM/SIGINT and cancels every application: a live
transcription session loses its closing ``transcript`` and can be cut while its audio is being stored
(the same as a SIGKILL for the client). This entry point runs Daphne's own command line (every Daphne
option works, e.g. ``--bind``, ``--port``, ``--application-close-timeout``) with a :class:`Server` subclass
that handles SIGTERM and SIGINT itself:

1. stop listening: no new connections (a load balancer's next attempt goes to another process);
2. end this process's live sessions as on the client's ``stop`` (their audio so far is stored as a
   recording, the client gets a ``warning`` ``server_shutdown``, its final ``transcript`` and close code
   1001 — :func:`transcription.consumers.live_sessions_end_for_shutdown`);
3. close the other WebSockets (watchers, video signalling) with 1001 (going away);
4. wait for in-flight HTTP requests and closing sockets, at most the graceful timeout in all;
5. stop the reactor (Daphne then cancels whatever is left, as before).

A second SIGTERM/SIGINT during the wait stops at once. The graceful timeout, in seconds, is
``--graceful-timeout`` or the ``GRACEFUL_TIMEOUT`` environment variable (default 25, the same as
``scripts/run-server.sh`` and gunicorn in the ``Procfile``); keep the supervisor's stop timeout above it
(compose.yaml's ``stop_grace_period: 30s``, systemd's ``TimeoutStopSec``). Exit status 0 after a
graceful stop. SIGUSR1 ends the live sessions only (as under Hypercorn, see ``scripts/run-server.sh``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from daphne.cli import CommandLineInterface
from daphne.server import Server

__all__ = ["GracefulServer", "main"]

logger = logging.getLogger("medsync.daphne_server")

#: Default seconds from SIGTERM to the reactor stop (README, Procfile and run-server.sh use the same).
DEFAULT_GRACEFUL_TIMEOUT = 25.0
#: How often (seconds) the stop checks whether the remaining connections have finished.
_POLL_SECONDS = 0.1


class GracefulServer(Server):
    """Daphne's :class:`daphne.server.Server` with a graceful SIGTERM/SIGINT (module docstring).

    Args: those of Daphne's Server; ``signal_handlers`` is always replaced by this class's handlers.
    The graceful timeout comes from :attr:`graceful_timeout` (seconds), set by :func:`main`.
    """

    graceful_timeout: float = DEFAULT_GRACEFUL_TIMEOUT

    def __init__(self, *args, **kwargs) -> None:
        kwargs["signal_handlers"] = False  # Twisted's would stop the reactor at once
        super().__init__(*args, **kwargs)
        self._ports: list = []
        self._stopping = False

    def run(self) -> None:
        from twisted.internet import reactor

        # callLater(0): the handlers go in once the asyncio loop is running (SIGUSR1's needs it).
        reactor.callWhenRunning(lambda: reactor.callLater(0, self._install_signal_handlers))
        super().run()

    def listen_success(self, port) -> None:
        self._ports.append(port)
        super().listen_success(port)

    def _install_signal_handlers(self) -> None:
        from transcription.consumers import shutdown_signal_install

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._on_stop_signal, sig)
        shutdown_signal_install()  # SIGUSR1: end live sessions only

    def _on_stop_signal(self, sig: int) -> None:
        from twisted.internet import reactor

        if self._stopping:
            logger.warning("second %s: stopping now", signal.Signals(sig).name)
            if reactor.running:
                reactor.stop()
            return
        self._stopping = True
        logger.info("%s: graceful stop (at most %.0f s)", signal.Signals(sig).name, self.graceful_timeout)
        asyncio.get_event_loop().create_task(self.graceful_stop())

    async def graceful_stop(self) -> None:
        """Steps 1-5 of the module docstring; never raises (a failing step is logged and the stop goes on)."""
        from twisted.internet import reactor

        loop = asyncio.get_event_loop()
        deadline = loop.time() + self.graceful_timeout
        for port in self._ports:
            try:
                port.stopListening()
            except Exception:  # noqa: BLE001 - a port already closed must not stop the shutdown
                logger.exception("could not stop listening")
        try:
            from transcription.consumers import live_sessions_end_for_shutdown

            ended = await asyncio.wait_for(live_sessions_end_for_shutdown(), max(0.0, deadline - loop.time()))
            logger.info("graceful stop: %d live session(s) ended", ended)
        except TimeoutError:
            logger.warning("graceful stop: live sessions did not end within the graceful timeout")
        except Exception:  # noqa: BLE001
            logger.exception("graceful stop: ending live sessions failed")
        self._close_websockets()
        while self._open_connections() and loop.time() < deadline:
            await asyncio.sleep(_POLL_SECONDS)
        left = self._open_connections()
        if left:
            logger.warning("graceful stop: %d connection(s) still open at the timeout; cancelling them", left)
        if reactor.running:
            reactor.stop()

    def _close_websockets(self) -> None:
        from daphne.ws_protocol import WebSocketProtocol

        for protocol in list(self.connections):
            if isinstance(protocol, WebSocketProtocol) and protocol.state == protocol.STATE_OPEN:
                try:  # 1001 goes out through transcription.live.daphne's protocol (Autobahn refuses it)
                    protocol.serverClose(code=1001)
                except Exception:  # noqa: BLE001
                    logger.exception("could not close a WebSocket")

    def _open_connections(self) -> int:
        """Connections whose client is still connected or whose application is still running."""
        count = 0
        for details in self.connections.values():
            instance = details.get("application_instance")
            if "disconnected" not in details or (instance is not None and not instance.done()):
                count += 1
        return count


class GracefulCommandLineInterface(CommandLineInterface):
    """Daphne's command line with :class:`GracefulServer`."""

    server_class = GracefulServer


def main(argv: list[str] | None = None) -> None:
    """Run Daphne with a graceful stop; ``argv`` = Daphne's arguments plus ``--graceful-timeout SECONDS``.

    Raises:
        SystemExit: bad arguments (Daphne's or a negative timeout), as Daphne's own command line does.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--graceful-timeout", type=float,
                        default=float(os.environ.get("GRACEFUL_TIMEOUT") or DEFAULT_GRACEFUL_TIMEOUT))
    ours, daphne_args = parser.parse_known_args(argv)
    if ours.graceful_timeout < 0:
        parser.error("--graceful-timeout must be 0 or more seconds")
    GracefulServer.graceful_timeout = ours.graceful_timeout
    GracefulCommandLineInterface().run(daphne_args)


if __name__ == "__main__":
    main()
