"""Real processes for the fault and scale-out tests: Celery workers, a private Redis and PostgreSQL.

Every process runs in its own session (process group) so a test can SIGKILL a worker with its pool
children and leave nothing behind. Queue names start with ``scale_``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv/bin"


def database_url() -> str:
    """URL of the test database (the one pytest-django created) for a child process."""
    db = connection.settings_dict
    # HOST may be a Unix socket folder (the embedded server): pass it as a query parameter.
    url = f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST'] or '127.0.0.1'}"
    return url + (f"&port={db['PORT']}" if db["PORT"] else "")


def child_env(*, redis_url: str, media_root: Path, **extra: str) -> dict[str, str]:
    """Environment of a MedSync child process on the test database, Redis and ``media_root``."""
    return {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": "", "MEDIA_ROOT": str(media_root), "LOG_LEVEL": "INFO",
            "DEEPGRAM_API_KEY": "", "OPENAI_API_KEY": "", "MEDSYNC_WARM_UP_SPEECH": "false",
            "DATABASE_POOL_MIN_SIZE": "0", "DATABASE_POOL_MAX_SIZE": "4", **extra}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, log: Path | None = None, interval: float = 0.2):
    """Poll ``predicate()`` until truthy (returned) or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
            raise AssertionError(f"timed out waiting for {what}\n{tail}")
        time.sleep(interval)


class Worker:
    """``celery -A medsync worker`` on one queue, in its own process group."""

    def __init__(self, *, queue: str, env: dict[str, str], log: Path, concurrency: int = 1, pool: str = "prefork"):
        self.log = log
        self.process = subprocess.Popen(
            [str(BIN / "celery"), "-A", "medsync", "worker", "-Q", queue, "-c", str(concurrency), "-P", pool,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
            cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        def ready() -> bool:
            assert self.process.poll() is None, self.log.read_text(errors="replace")[-4000:]
            return b"ready." in self.log.read_bytes()

        wait_for(ready, timeout=timeout, what="the Celery worker", log=self.log)

    def pool_children(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children()

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once (as the OOM killer or a lost machine would)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@contextmanager
def private_redis(tmp_path: Path):
    """A redis-server of this test only on a free port (so it can be stopped without harming others);
    yields ``(url, start, stop)``."""
    port = free_port()
    state: dict = {}

    def start() -> None:
        state["process"] = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        import redis

        wait_for(lambda: _redis_ping(redis, port), timeout=20, what="redis-server")

    def stop() -> None:
        process = state.pop("process", None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    start()
    try:
        yield f"redis://127.0.0.1:{port}/0", start, stop
    finally:
        stop()


def _redis_ping(redis, port: int) -> bool:
    try:
        return bool(redis.Redis(port=port, socket_connect_timeout=0.5).ping())
    except redis.exceptions.ConnectionError:
        return False


def postgres_bin_dir(major: int | None = None) -> Path | None:
    """Folder of ``initdb``/``pg_ctl``/``pg_dump``/``psql``: the one of PostgreSQL ``major`` when there is
    one (Debian's /usr/lib/postgresql/<major>/bin, or the embedded server's own, pgserver's
    ``pginstall/bin``), else Debian's newest; ``None`` when there is none."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if major is not None:
        if (Path("/usr/lib/postgresql") / str(major) / "bin" / "pg_ctl").exists():
            return Path("/usr/lib/postgresql") / str(major) / "bin"
        try:
            import pgserver

            embedded = Path(pgserver.__file__).parent / "pginstall" / "bin"
            version = subprocess.run([str(embedded / "pg_ctl"), "--version"], capture_output=True, text=True).stdout
            if version.split()[-1].split(".")[0] == str(major):
                return embedded
        except (ImportError, OSError, IndexError):
            pass
    return found[-1].parent if found else None
