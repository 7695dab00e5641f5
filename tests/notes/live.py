"""A real HTTP server over the test database, for clients that must talk over a socket (langgraph-sdk).

Django's ``LiveServerThread`` (what pytest-django's ``live_server`` runs) serves the project's WSGI
handler on 127.0.0.1 with a free port. pytest-django's own fixture needs a transactional database,
whose flush after the test would also empty the clinics created once per session; instead the server
thread shares the test's connection (``connections_override``, as Django does for in-memory SQLite)
so it sees the test's rows and everything is rolled back after it. Requests are answered one at a
time by the client code here, so sharing the connection is safe. While the server runs, closing
that connection (Django does it after every request) is a no-op, as Django's test client
arranges by disconnecting ``close_old_connections``.

A run's Celery task is queued with ``transaction.on_commit``, which inside the test's transaction
would never fire. While the server runs, ``on_commit`` calls its function at once: the services
register it as the last step of their atomic block, so this is when it would run after the commit,
as eager Celery does in production when no broker is configured (so ``runs.wait`` sees the run end).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections, transaction
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread, _StaticFilesHandler


def _on_commit_now(func, using=None, robust=False):
    func()


class _SharedConnectionServer(ThreadedWSGIServer):
    def _close_connections(self):  # the test owns the shared connection (its request threads are daemons)
        pass


class _ServerThread(LiveServerThread):
    server_class = _SharedConnectionServer


@contextmanager
def live_server_url():
    """Yield ``http://127.0.0.1:<port>`` of a server running the project on the test's connection."""
    connection = connections["default"]  # the wrapper itself, not the thread-local proxy
    connection.inc_thread_sharing()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    connection.close = lambda: None  # instance attributes: the class's methods come back on ``del``
    connection.close_if_unusable_or_obsolete = lambda: None
    on_commit, transaction.on_commit = transaction.on_commit, _on_commit_now
    thread = _ServerThread("127.0.0.1", _StaticFilesHandler, connections_override={"default": connection}, port=0)
    thread.daemon = True
    try:
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        transaction.on_commit = on_commit
        del connection.close, connection.close_if_unusable_or_obsolete
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        connection.dec_thread_sharing()
