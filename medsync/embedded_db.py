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


def stop_embedded_database(data_dir: Path) -> None:
    """Stop the embedded server whose cluster lives in ``data_dir`` (no-op when not running)."""
    import subprocess

    import pgserver

    pg_ctl = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_ctl"
    if (data_dir / "postmaster.pid").exists():
        subprocess.run([str(pg_ctl), "-D", str(data_dir), "-m", "fast", "stop"], check=False,
                       env={**os.environ})
