"""Embedded PostgreSQL for the zero-configuration default.

When ``DATABASE_URL`` is not set, MedSync runs against a PostgreSQL 16 server shipped as a pip
package (``pgserver``), listening only on a Unix socket inside a git-ignored data folder of the
checkout. The server is started on first use and left running so several processes (the web
server, a management command, the test runner) share it; ``python manage.py embedded_db stop``
stops it.
"""

from __future__ import annotations

import os
from pathlib import Path


def embedded_database(data_dir: Path) -> dict[str, str]:
    """Start (or reuse) the embedded server and return Django ``DATABASES`` connection fields.

    Args:
        data_dir: folder holding the cluster; created on first use.

    Returns:
        ``{"NAME": "postgres", "USER": "postgres", "HOST": <socket dir>, "PORT": ""}``.

    Raises:
        RuntimeError: when ``pgserver`` is not installed or the server cannot start.
    """
    import logging
    import warnings

    # pgserver logs every start-up step at INFO, before Django's logging is configured.
    logging.getLogger("pgserver").setLevel(logging.WARNING)

    # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, containers); pgserver then uses
    # /tmp/runtime-<uid> for its lock file, which is fine.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    try:
        import pgserver
    except ImportError as exc:  # pragma: no cover - install problem
        raise RuntimeError(
            "DATABASE_URL is not set and the embedded PostgreSQL (pgserver) is not installed; "
            "run the set-up script from the README or set DATABASE_URL."
        ) from exc

    data_dir.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None keeps the server up after this process exits, so the web server,
    # Celery and management commands can share it without restarting it each time.
    server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir or data_dir
    return {"NAME": "postgres", "USER": "postgres", "HOST": str(socket_dir), "PORT": ""}


def stop_embedded_database(data_dir: Path, *, timeout_seconds: float = 30.0) -> bool:
    """Stop the embedded server whose cluster lives in ``data_dir``.

    Sends SIGINT to the postmaster named in ``postmaster.pid``: PostgreSQL's "fast shutdown" (open
    transactions are rolled back, the cluster is left consistent; PostgreSQL docs, "Shutting Down the
    Server"). A signal rather than ``pg_ctl stop``, which refuses to run as root.

    Returns:
        True when a running server was stopped, False when none was running.

    Raises:
        RuntimeError: the server is still running ``timeout_seconds`` after the signal.
    """
    import signal
    import time

    import psutil

    def running(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    pid_file = data_dir / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return False
    if not running(pid):  # a stale file left by a crash
        return False
    os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if not running(pid):
            return True
        time.sleep(0.2)
    raise RuntimeError(f"the embedded PostgreSQL (pid {pid}) did not stop within {timeout_seconds:.0f} s")
