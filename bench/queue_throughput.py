"""Transcription queue throughput: recordings per minute per Celery worker core (production layout).

Usage (PostgreSQL and Redis as configured for production; the database migrated)::

    DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/queue_throughput.py [--recordings 6] [--workers 1,2] [--file PATH] [--json OUT]

For each worker count W it starts W ``celery -A medsync worker -c 1`` processes (one pool process each,
i.e. one core each; the speech engine's threads are pinned to 1 with ``MEDSYNC_WHISPER_THREADS=1``),
waits until they are ready, stores N copies of the visit recording as ``uploaded`` recordings of the
clinic ``bench-queue`` (created once, kept), enqueues ``process_uploaded_recording`` for each and times
until every one is ``completed``. Reported: wall seconds, recordings per minute, per worker core, and
audio seconds processed per wall second. The model load of each worker happens before the clock starts
(``MEDSYNC_WARM_UP_SPEECH=true``). Queue name ``scale_bench``; its recordings are deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")
DEFAULT_FILE = REPO / "tests/fixtures/audio/visit_D2N041_4turns.mp3"
QUEUE = "scale_bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recordings", type=int, default=6)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        parser.error("set DATABASE_URL and REDIS_URL (the production layout's services)")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

    import django

    django.setup()
    from celery import Celery
    from django.conf import settings
    from django.db import connection

    from clinics.models import Clinic, Plan
    from clinics.services import clinic_create
    from transcription.models import Recording
    from transcription.services import audio_probe

    clinic = Clinic.objects.filter(client_id="bench-queue").first() or clinic_create(
        client_id="bench-queue", name="Queue benchmark", plan=Plan.ENTERPRISE)
    audio_seconds = audio_probe(args.file).duration_seconds or 0.0
    media_root = Path(tempfile.mkdtemp(prefix="bench-queue-media-"))
    broker = Celery(broker=settings.REDIS_URL, set_as_current=False)
    env = {**os.environ, "MEDIA_ROOT": str(media_root), "MEDSYNC_WHISPER_THREADS": "1",
           "MEDSYNC_WARM_UP_SPEECH": "true", "DATABASE_POOL_MIN_SIZE": "0", "DATABASE_POOL_MAX_SIZE": "4",
           "DEEPGRAM_API_KEY": "", "OPENAI_API_KEY": ""}
    results = []
    try:
        for workers in [int(w) for w in args.workers.split(",")]:
            logs = [media_root / f"worker-{workers}-{i}.log" for i in range(workers)]
            procs = [subprocess.Popen(
                [str(REPO / ".venv/bin/celery"), "-A", "medsync", "worker", "-Q", QUEUE, "-c", "1", "-n",
                 f"bench{i}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
                cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
                for i, log in enumerate(logs)]
            try:
                deadline = time.monotonic() + 300
                while not all(b"ready." in log.read_bytes() for log in logs):
                    if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                        raise SystemExit("workers did not start:\n" + logs[0].read_text()[-2000:])
                    time.sleep(0.5)
                connection.set_tenant(clinic)
                ids = []
                for _ in range(args.recordings):
                    recording = Recording.objects.create(original_filename=args.file.name, extension=args.file.suffix,
                                                         source_format=args.file.suffix.lstrip("."), language="en")
                    name = f"recordings/bench-{recording.id}{args.file.suffix}"
                    (media_root / clinic.schema_name / "recordings").mkdir(parents=True, exist_ok=True)
                    shutil.copy(args.file, media_root / clinic.schema_name / name)
                    Recording.objects.filter(id=recording.id).update(audio=name)
                    ids.append(recording.id)
                started = time.monotonic()
                for recording_id in ids:
                    broker.send_task("transcription.tasks.process_uploaded_recording",
                                     args=[clinic.schema_name, recording_id], queue=QUEUE)
                while Recording.objects.filter(id__in=ids, status__in=("uploaded", "processing")).exists():
                    time.sleep(0.5)
                wall = time.monotonic() - started
                statuses = list(Recording.objects.filter(id__in=ids).values_list("status", flat=True))
                Recording.objects.filter(id__in=ids).delete()
                connection.set_schema_to_public()
            finally:
                for proc in procs:
                    if proc.poll() is None:
                        os.killpg(proc.pid, signal.SIGTERM)
                for proc in procs:
                    proc.wait(timeout=120)
            per_minute = args.recordings / wall * 60
            row = {"workers": workers, "recordings": args.recordings, "audio_seconds_each": round(audio_seconds, 1),
                   "wall_seconds": round(wall, 1), "recordings_per_minute": round(per_minute, 2),
                   "per_worker_core": round(per_minute / workers, 2),
                   "audio_seconds_per_second": round(args.recordings * audio_seconds / wall, 2),
                   "completed": statuses.count("completed"), "load_average": os.getloadavg()[0]}
            results.append(row)
            print(json.dumps(row), flush=True)
    finally:
        shutil.rmtree(media_root, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
