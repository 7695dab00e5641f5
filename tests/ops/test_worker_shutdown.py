"""A real Celery worker (Redis broker) stops on SIGTERM with a warm shutdown: the recording it is processing
is finished and stored, the worker exits within a bounded time and leaves no child process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import AUDIO

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
SHUTDOWN_BOUND_SECONDS = 60  # the 28 s visit takes ~10-20 s to process on the shared 2-core box


@pytest.fixture(scope="module")
def committed_recording(django_db_setup, django_db_blocker, tmp_path_factory):
    """A committed clinic with one uploaded recording (28 s English visit) and the MEDIA_ROOT holding its
    file; dropped afterwards. Module-scoped: it runs before the test's transaction, so the worker sees it."""
    from clinics.models import Clinic
    from clinics.services import clinic_create
    from transcription.models import Recording

    media_root = tmp_path_factory.mktemp("worker-media")
    with django_db_blocker.unblock():
        clinic = clinic_create(client_id="clinic-worker", name="Worker shutdown clinic")
        connection.set_tenant(clinic)
        audio = media_root / clinic.schema_name / "recordings" / "visit.mp3"  # the tenant storage's layout
        audio.parent.mkdir(parents=True)
        audio.write_bytes((AUDIO / "visit_D2N041_4turns.mp3").read_bytes())
        recording = Recording.objects.create(original_filename="visit.mp3", extension=".mp3", source_format="mp3",
                                             language="en", audio="recordings/visit.mp3")
        connection.set_schema_to_public()
    yield clinic, recording.id, media_root
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        Clinic.objects.filter(pk=clinic.pk).delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{clinic.schema_name}" CASCADE')


def _status(django_db_blocker, clinic, recording_id) -> str:
    from transcription.models import Recording

    with django_db_blocker.unblock():
        connection.set_tenant(clinic)
        try:
            return Recording.objects.get(id=recording_id).status
        finally:
            connection.set_schema_to_public()


def test_sigterm_finishes_the_running_task_then_exits(committed_recording, django_db_blocker, redis_url, tmp_path):
    from celery import Celery

    clinic, recording_id, media_root = committed_recording
    db = connection.settings_dict
    # HOST may be a Unix socket folder (the embedded server): pass it as a query parameter, not in the netloc.
    url = f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST'] or '127.0.0.1'}" + (
        f"&port={db['PORT']}" if db["PORT"] else "")
    queue = f"ops-shutdown-{os.getpid()}"
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url,
           "CELERY_RESULT_BACKEND": "", "MEDIA_ROOT": str(media_root), "LOG_LEVEL": "INFO",
           "DEEPGRAM_API_KEY": "", "OPENAI_API_KEY": "", "MEDSYNC_WARM_UP_SPEECH": "false"}
    log = Path(os.environ.get("OPS_WORKER_LOG", tmp_path / "worker.log"))
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "medsync", "worker", "-Q", queue, "-c", "1", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-l", "info"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while b"ready." not in log.read_bytes():
            assert worker.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.3)
        # set_as_current=False: a current app without the eager setting would capture later tests' .delay() calls.
        Celery(broker=redis_url, set_as_current=False).send_task("transcription.tasks.process_uploaded_recording",
                                           args=[clinic.schema_name, recording_id], queue=queue)
        deadline = time.monotonic() + 60
        while _status(django_db_blocker, clinic, recording_id) != "processing":
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)

        sent = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=SHUTDOWN_BOUND_SECONDS)
        assert worker.returncode == 0, log.read_text()[-3000:]
        assert time.monotonic() - sent < SHUTDOWN_BOUND_SECONDS
        # Warm shutdown: the task that was running finished and its result is stored.
        assert _status(django_db_blocker, clinic, recording_id) == "completed", log.read_text()[-3000:]
        with pytest.raises(ProcessLookupError):  # no pool child left in the worker's process group
            os.killpg(worker.pid, 0)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        import redis

        redis.Redis.from_url(redis_url).delete(queue)
