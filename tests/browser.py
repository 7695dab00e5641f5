"""Real-browser test support: Debian's Chromium driven by Playwright for Python, and a Daphne process
serving the whole project (HTTP and WebSockets) on the test database.

Use::

    from tests.browser import chromium, daphne_process, ARTIFACTS

    @pytest.fixture(scope="module")
    def server(django_db_setup, django_db_blocker, tmp_path_factory):
        with daphne_process(django_db_blocker, tmp_path_factory) as base_url:
            yield base_url

    def test_sign_in(server):
        with chromium() as browser:
            page = browser.new_page()
            page.goto(server + "/app/")
            page.screenshot(path=ARTIFACTS / "sign-in.png")

Rows the browser must see have to be committed (the server is another process): create them on a
separate connection or with ``transaction=True`` tests, and delete them afterwards.

Chromium comes from Debian (``apt-get install chromium``; ``scripts/setup.sh --dev`` installs it when run
as root). Without it the browser tests are skipped with the reason printed; on CI (``CI`` set) they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Screenshots of the main screens, kept after the run for a reviewer (git-ignored).
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Flags for a headless Chromium on a machine without a network or a screen; fake media devices so
# getUserMedia works without a microphone or camera (a WAV can be fed as the microphone, see below).
BASE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


def require_chromium() -> str:
    """Return the Chromium binary's path; skip the test when it is missing (fail on CI)."""
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason + ": browser tests must run on CI")
        pytest.skip(reason)
    return CHROMIUM


@contextmanager
def chromium(*, fake_audio: Path | None = None, extra_args: list[str] | None = None):
    """Yield a Playwright ``Browser`` (headless Debian Chromium).

    ``fake_audio``: a WAV file Chromium plays as the microphone (``--use-file-for-fake-audio-capture``;
    it loops the file). Raises ``pytest.skip``/``pytest.fail`` as ``require_chromium``.
    """
    from playwright.sync_api import sync_playwright

    path = require_chromium()
    args = list(BASE_ARGS) + list(extra_args or [])
    if fake_audio is not None:
        args.append(f"--use-file-for-fake-audio-capture={fake_audio}")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=args)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def daphne_process(django_db_blocker, tmp_path_factory, *, env: dict[str, str] | None = None):
    """Run Daphne serving ``medsync.asgi`` on the test database; yield ``http://127.0.0.1:<port>``.

    Tenants are resolved from the Host header: use ``http://<client-id>.localhost:<port>`` (Chromium
    resolves ``*.localhost`` to 127.0.0.1) or the port on 127.0.0.1 for the public schema.
    """
    from django.db import connection

    from tests.transcription.test_live_daphne import free_port, wait_listening

    with django_db_blocker.unblock():
        db = connection.settings_dict
        host = db["HOST"] or "127.0.0.1"
        port_part = f":{db['PORT']}" if db.get("PORT") and not host.startswith("/") else ""
        if host.startswith("/"):
            url = f"postgres://{db['USER']}@/{db['NAME']}?host={host}"
        else:
            url = f"postgres://{db['USER']}@{host}{port_part}/{db['NAME']}"
    port = free_port()
    process_env = {**os.environ, "DATABASE_URL": url, "MEDSYNC_WARM_UP_SPEECH": "false",
                   "LOG_LEVEL": "WARNING", "REDIS_URL": "", **(env or {})}
    log = tmp_path_factory.mktemp("daphne") / "daphne.log"
    process = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                                "medsync.asgi:application"], cwd=ROOT, env=process_env,
                               stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    try:
        wait_listening(process, port, log, name="daphne")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
