"""A Celery worker SIGKILLed mid-transcription (real worker processes, real Redis and RabbitMQ brokers): the
task is redelivered and the recording processed exactly once (one transcript, one note, one usage row)."""

from __future__ import annotations

import os
import signal

import pytest

from tests.scale.procs import Worker, child_env, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.django_db]


def _state(in_clinic, clinic, recording_id) -> dict:
    from clinics.models import UsageRecord
    from notes.models import ClinicalNote
    from transcription.models import Recording, Transcript

    def read():
        return {
            "status": Recording.objects.get(id=recording_id).status,
            "transcripts": Transcript.objects.filter(recording_id=recording_id).count(),
            "notes": ClinicalNote.objects.filter(recording_id=recording_id).count(),
            "usage": UsageRecord.objects.filter(clinic=clinic, service="transcription").count(),
        }

    return in_clinic(clinic, read)


def _send(broker_url: str, queue: str, *args) -> None:
    from celery import Celery

    # set_as_current=False: a current app without the eager setting would capture later tests' .delay() calls.
    Celery(broker=broker_url, set_as_current=False).send_task(
        "transcription.tasks.process_uploaded_recording", args=list(args), queue=queue)


RABBITMQ_URL = os.environ.get("RABBITMQ_TEST_URL", "amqp://guest:guest@127.0.0.1:5672//")


def _rabbitmq_or_skip() -> str:
    import kombu

    try:
        with kombu.Connection(RABBITMQ_URL, connect_timeout=2) as conn:
            conn.connect()
    except Exception:  # noqa: BLE001 - any failure: no broker to test against
        if os.environ.get("CI"):
            pytest.fail(f"RabbitMQ is required on CI but {RABBITMQ_URL} is unreachable")
        pytest.skip(f"no RabbitMQ at {RABBITMQ_URL}")
    return RABBITMQ_URL


@pytest.mark.parametrize("broker,victim", [("redis", "pool_child"), ("redis", "whole_worker"),
                                           ("rabbitmq", "whole_worker")])
def test_sigkill_mid_transcription_is_redelivered_and_processed_once(broker, victim, committed_clinic, in_clinic,
                                                                      redis_url, tmp_path):
    clinic, media_root, add_recording = committed_clinic
    recording_id = add_recording()
    usage_before = _state(in_clinic, clinic, recording_id)["usage"]
    queue = f"scale_kill_{broker}_{victim}_{os.getpid()}"
    # Redis: a short visibility timeout stands in for the default (task time limit + 5 min) of a real
    # deployment. RabbitMQ requeues a dead consumer's unacknowledged message as soon as its connection drops.
    broker_url = redis_url if broker == "redis" else _rabbitmq_or_skip()
    env = child_env(redis_url=redis_url, media_root=media_root, CELERY_BROKER_VISIBILITY_TIMEOUT="4",
                    CELERY_BROKER_URL=broker_url)
    log = tmp_path / "worker.log"
    worker = Worker(queue=queue, env=env, log=log)
    second = None
    try:
        worker.wait_ready()
        _send(broker_url, queue, clinic.schema_name, recording_id)
        wait_for(lambda: _state(in_clinic, clinic, recording_id)["status"] == "processing", timeout=60,
                 what="processing to start", log=log)
        assert _state(in_clinic, clinic, recording_id)["notes"] == 0

        if victim == "pool_child":
            # The pool child dies; the worker rejects the message back to the queue
            # (task_reject_on_worker_lost) and a fresh child takes it.
            (child,) = worker.pool_children()
            child.send_signal(signal.SIGKILL)
        else:
            # The whole worker dies; its unacknowledged message returns after the visibility timeout to the
            # next worker that polls the queue.
            worker.kill()
            assert _state(in_clinic, clinic, recording_id)["status"] == "processing"
            second = Worker(queue=queue, env=env, log=tmp_path / "worker2.log")
            second.wait_ready()

        final = wait_for(lambda: (s := _state(in_clinic, clinic, recording_id))["status"] in ("completed", "failed")
                         and s, timeout=120, what="the redelivered task", log=(second or worker).log)
        assert final["status"] == "completed", (second or worker).log.read_text()[-3000:]
        assert final["transcripts"] == 1 and final["notes"] == 1
        assert final["usage"] == usage_before + 1
        # A late duplicate of the message (e.g. the visibility timeout firing again) changes nothing.
        _send(broker_url, queue, clinic.schema_name, recording_id)
        running = second or worker
        wait_for(lambda: running.log.read_bytes().count(b"succeeded") >= 2, timeout=30, what="the duplicate",
                 log=running.log)
        assert _state(in_clinic, clinic, recording_id) == final
    finally:
        worker.kill()
        if second is not None:
            second.kill()
        _delete_queue(broker_url, queue)


def _delete_queue(broker_url: str, queue: str) -> None:
    import kombu

    with kombu.Connection(broker_url, connect_timeout=2) as conn:
        try:
            conn.default_channel.queue_delete(queue)
        except Exception:  # noqa: BLE001 - already gone
            pass
