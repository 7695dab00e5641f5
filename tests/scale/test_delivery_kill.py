"""A Celery worker SIGKILLed in the middle of a callback delivery (the clinic's receiver has the request
but has not answered): the redelivered task waits for the dead attempt's lease, attempts again and the
callback is acknowledged once. The receiver saw the aborted request too: it de-duplicates on the event id."""

from __future__ import annotations

import json
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection

from tests.scale.procs import Worker, child_env, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


class HangingReceiver:
    """Holds the first request open until released; answers 200 to the next ones. ``acknowledged``
    lists the event ids whose 200 reached the sender."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.acknowledged: list[str] = []
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                event_id = self.headers["X-MedSync-Event-Id"]
                outer.seen.append(event_id)
                if len(outer.seen) == 1:
                    outer.first_arrived.set()
                    outer.release.wait(60)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    self.wfile.flush()
                except OSError:
                    return
                if len(outer.seen) > 1:
                    outer.acknowledged.append(event_id)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/calls"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def pending_delivery(committed_clinic, django_db_blocker):
    """A committed ``call.completed`` outbox row to a receiver that hangs on its first request."""
    from booking.models import CallbackDelivery
    from calls.selectors import call_settings_get
    from django.utils import timezone

    clinic, _, _ = committed_clinic
    receiver = HangingReceiver()
    with django_db_blocker.unblock():
        connection.set_tenant(clinic)
        try:
            call_settings_get()
            now = timezone.now()
            delivery = CallbackDelivery.objects.create(event_type="call.completed", url=receiver.url,
                                                       body=json.dumps({"call_sid": "CAkill"}), next_attempt_at=now,
                                                       created_at=now)
        finally:
            connection.set_schema_to_public()
    yield clinic, receiver, delivery.pk, str(delivery.event_id)
    receiver.close()


def test_sigkill_mid_callback_delivery_is_attempted_again_and_acknowledged_once(pending_delivery, in_clinic,
                                                                                 private_redis_url, tmp_path):
    from celery import Celery

    from booking.models import CallbackDelivery

    clinic, receiver, delivery_id, event_id = pending_delivery
    redis_url = private_redis_url
    queue = "celery"  # retries go to the default queue: a private Redis (private_redis_url) keeps it ours
    # Lease of an attempt = 2 x timeout + 30 s = 40 s.
    env = child_env(redis_url=redis_url, media_root=tmp_path, WHATSAPP_CALLBACK_TIMEOUT_SECONDS="5")
    worker = Worker(queue=queue, env=env, log=tmp_path / "worker.log")
    try:
        worker.wait_ready()
        Celery(broker=redis_url, set_as_current=False).send_task(
            "booking.tasks.deliver_callback", args=[clinic.schema_name, delivery_id], queue=queue)
        assert receiver.first_arrived.wait(60), worker.log.read_text()[-3000:]
        (child,) = worker.pool_children()
        child.send_signal(signal.SIGKILL)  # the worker dies while the receiver holds the request
        receiver.release.set()

        def state():
            return in_clinic(clinic, lambda: CallbackDelivery.objects.values_list("status", "attempts").get(
                pk=delivery_id))

        # The redelivered task finds the lease of the dead attempt and comes back when it runs out.
        wait_for(lambda: state()[0] == "delivered", timeout=75, what="the delivery after the lease", log=worker.log,
                 interval=1)
        assert state() == ("delivered", 1)  # the killed attempt never recorded itself
        assert receiver.acknowledged == [event_id]
        assert receiver.seen == [event_id, event_id]
    finally:
        worker.kill()

