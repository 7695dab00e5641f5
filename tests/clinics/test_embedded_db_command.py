"""``manage.py embedded_db stop`` (the embedded server itself is stopped by hand in a fresh clone: the test
suite may be running on it)."""

import pytest
from django.core.management import CommandError, call_command


def test_embedded_db_stop_refuses_when_an_outside_database_is_configured(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/elsewhere")
    with pytest.raises(CommandError, match="no embedded database"):
        call_command("embedded_db", "stop")


def test_embedded_db_needs_an_action():
    with pytest.raises(CommandError):
        call_command("embedded_db")


def test_stop_signals_the_postmaster_named_in_its_pid_file(tmp_path):
    """SIGINT (PostgreSQL's fast shutdown) to the pid in ``postmaster.pid``, waiting until it is gone; no file
    or a stale pid: nothing was running."""
    import subprocess
    import sys

    import psutil

    from medsync.embedded_db import stop_embedded_database

    assert stop_embedded_database(tmp_path) is False
    # stands in for the postmaster: a process that SIGINT ends
    process = subprocess.Popen([sys.executable, "-c", "import signal, time; "
                                "signal.signal(signal.SIGINT, signal.SIG_DFL); print(flush=True); time.sleep(60)"],
                               stdout=subprocess.PIPE)
    process.stdout.readline()  # its handler is set
    (tmp_path / "postmaster.pid").write_text(f"{process.pid}\n{tmp_path}\n")
    assert stop_embedded_database(tmp_path, timeout_seconds=10) is True
    assert process.wait(5) == -2  # ended by SIGINT
    assert not psutil.pid_exists(process.pid)
    assert stop_embedded_database(tmp_path) is False  # the file now names a process that is gone
