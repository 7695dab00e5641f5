"""PostgreSQL restarted under load: MedSync (gunicorn, as in the Procfile) answers clean 503s with
``Retry-After`` while the database is down, and 200s again once it is back, without being restarted.

The machine's shared PostgreSQL is left alone: the test runs its own cluster (``initdb``/``pg_ctl`` from
Debian's ``/usr/lib/postgresql/*/bin``) on a free port, loaded with a dump of the test database (a
committed clinic and API key), and stops and starts that one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest
from django.db import connection

from tests.scale.procs import BIN, ROOT, child_env, free_port, postgres_bin_dir, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

OUTAGE_SECONDS = 6
RECOVERY_SECONDS = 10


class PrivatePostgres:
    """A PostgreSQL cluster of this test only (trust auth, listening on 127.0.0.1:``port``) in a fresh
    folder under /tmp. PostgreSQL refuses to run as root: then it runs as the ``postgres`` user."""

    def __init__(self, bin_dir: Path, port: int) -> None:
        self.bin, self.port = bin_dir, port
        self.root = Path(tempfile.mkdtemp(prefix="scale-pg-"))
        self.data, self.log = self.root / "data", self.root / "postgres.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres")
        subprocess.run([*self.as_user, str(bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                        "-E", "UTF8"], check=True, capture_output=True)

    def _ctl(self, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                        "-t", "60", *args], check=True, capture_output=True)

    def start(self) -> None:
        self._ctl("-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="module")
def database_copy(committed_clinic, django_db_blocker):
    """The private cluster holding a copy of the test database; yields ``(postgres, url, api_key)``."""
    from clinics.services import api_key_create

    with django_db_blocker.unblock():
        server_major = connection.pg_version // 10000
    # The private cluster runs the test database's major version (pg_dump's plain SQL restores into it).
    bin_dir = postgres_bin_dir(server_major)
    if bin_dir is None:
        pytest.skip("no initdb/pg_ctl in /usr/lib/postgresql/*/bin")
    clinic, _, _ = committed_clinic
    with django_db_blocker.unblock():
        key = api_key_create(clinic=clinic)[1]
        connection.set_schema_to_public()
    postgres = PrivatePostgres(bin_dir, free_port())
    postgres.start()
    try:
        db = connection.settings_dict
        # libpq options, not a URL: HOST is a socket folder on the embedded server
        source = ["-h", db["HOST"] or "127.0.0.1", "-U", db["USER"] or "postgres", *(["-p", str(db["PORT"])]
                  if db.get("PORT") else []), db["NAME"]]
        subprocess.run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(postgres.port), "-U", "postgres",
                        "medsync"], check=True, capture_output=True)
        dump = subprocess.run([str(bin_dir / "pg_dump"), "--no-owner", "--no-privileges", *source],
                              check=True, capture_output=True).stdout
        subprocess.run([str(bin_dir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", postgres.url("medsync")],
                       input=dump, check=True, capture_output=True)
        yield postgres, postgres.url("medsync"), key
    finally:
        try:
            postgres.stop()
        except subprocess.CalledProcessError:
            pass
        postgres.remove()


def test_requests_get_503_during_a_database_restart_and_recover(database_copy, tmp_path):
    postgres, url, key = database_copy
    port = free_port()
    env = child_env(redis_url="", media_root=tmp_path, DATABASE_URL=url, DATABASE_POOL_TIMEOUT="2",
                    DATABASE_POOL_MAX_SIZE="6", MEDSYNC_RATE_LIMIT_ENTERPRISE="1000000", CELERY_BROKER_URL="")
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "medsync.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--worker-class", "gthread", "--threads", "4", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    results: list[tuple[float, str, int, dict, str]] = []  # (time, phase, status, headers, body)
    phase = {"name": "before"}
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(base_url=base, timeout=30, headers={"X-API-Key": key}) as http:
            while not stop.is_set():
                for path in ("/v1/usage", "/health"):
                    try:
                        response = http.get(path)
                        results.append((time.monotonic(), phase["name"], response.status_code,
                                        dict(response.headers), response.text))
                    except httpx.HTTPError as exc:  # the server itself must stay up: counted as a failure
                        results.append((time.monotonic(), phase["name"], 0, {}, type(exc).__name__))
                time.sleep(0.05)

    try:
        def up() -> bool:
            assert server.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                return httpx.get(f"{base}/v1/usage", headers={"X-API-Key": key}, timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(up, timeout=90, what="gunicorn", log=log, interval=0.5)
        pids = {p.pid for p in __import__("psutil").Process(server.pid).children(recursive=True)} | {server.pid}
        threads = [threading.Thread(target=client) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        phase["name"] = "stopping"
        postgres.stop()
        phase["name"] = "down"
        time.sleep(OUTAGE_SECONDS)
        phase["name"] = "starting"
        postgres.start()
        phase["name"] = "after"
        restarted_at = time.monotonic()
        time.sleep(RECOVERY_SECONDS + 5)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        # MedSync was not restarted: the same processes served before and after.
        assert server.poll() is None
        assert {p.pid for p in __import__("psutil").Process(server.pid).children(recursive=True)} | {server.pid} == pids
    finally:
        stop.set()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=40)

    statuses = {name: [r[2] for r in results if r[1] == name] for name in ("before", "down", "after")}
    assert set(statuses["before"]) == {200}
    # Every answer of any phase is a 200 or a clean 503: no 500, no dropped connection.
    assert {r[2] for r in results} <= {200, 503}, {r[2] for r in results}
    down = [r for r in results if r[1] == "down"]
    assert down and {r[2] for r in down} == {503}, {r[2] for r in down}
    for _, _, status, headers, body in results:
        if status == 503:
            assert headers["content-type"].startswith("application/json") and "Traceback" not in body
    # The 503 is the documented error body with Retry-After (/health too: the tenant middleware needs the
    # database before the view runs), or /health's own {"status": "degraded", "database": "unavailable"}.
    api_503 = [r for r in down if r[4].startswith('{"error"')]
    assert api_503 and all(r[3].get("retry-after") == "5" and "database" in r[4] for r in api_503)
    assert all(r in api_503 or '"unavailable"' in r[4] for r in down)
    # Recovered: within RECOVERY_SECONDS of the restart every answer is a 200 again (psycopg's pool
    # reconnects with backoff; requests that began during the outage end with their 503).
    after = [(round(r[0] - restarted_at, 1), r[2]) for r in results if r[1] == "after"]
    last_503 = max((t for t, status in after if status == 503), default=0.0)
    print(f"database back: last 503 at +{last_503} s, {len(after)} answers after the restart")
    assert last_503 < RECOVERY_SECONDS, after
    assert [status for t, status in after if t > RECOVERY_SECONDS] and \
        {status for t, status in after if t > RECOVERY_SECONDS} == {200}
