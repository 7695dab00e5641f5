"""A Celery worker SIGKILLed while dialling an agent call (the carrier's API has the request, no answer
yet): the call is not left claimed forever. Once the dial claim's lease has run out (compressed here by
moving the claim's time back) the beat's sweep dials it again, once.

The carrier is reached through ``HTTPS_PROXY`` (honoured by the Twilio SDK's ``requests``): a local proxy
that holds the first CONNECT open and refuses the next ones, so nothing leaves the machine.
"""

from __future__ import annotations

import socket
import threading
from datetime import time as dtime, timedelta

import pytest
from django.db import connection

from tests.scale.procs import Worker, child_env, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


class HoldingProxy:
    """Counts CONNECTs; holds the first connection open (a dial in flight), answers 403 to the rest."""

    def __init__(self) -> None:
        self.connects = 0
        self.first = threading.Event()
        self._held: list[socket.socket] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.recv(4096)
            self.connects += 1
            if self.connects == 1:
                self._held.append(conn)
                self.first.set()
            else:
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                conn.close()

    def close(self) -> None:
        self.sock.close()
        for conn in self._held:
            conn.close()


@pytest.fixture(scope="module")
def waiting_call(committed_clinic, django_db_blocker):
    """A committed call due now of a clinic calling through Twilio at any hour."""
    from calls.models import AgentCall, CallStatus
    from calls.selectors import call_settings_get
    from calls.services import new_call_sid
    from django.utils import timezone

    clinic, _, _ = committed_clinic
    with django_db_blocker.unblock():
        connection.set_tenant(clinic)
        try:
            config = call_settings_get()
            config.provider, config.twilio_account_sid, config.twilio_auth_token = "twilio", "AC" + "1" * 32, "t" * 32
            config.from_number, config.time_zone = "+34910000000", "UTC"
            config.calling_hours_start, config.calling_hours_end = dtime(0, 0), dtime(23, 59)
            config.calling_days = [1, 2, 3, 4, 5, 6, 7]
            config.save()
            call = AgentCall.objects.create(call_sid=new_call_sid(), patient_phone="+34612345678",
                                            patient_name="Pat Kill", purpose="appointment_reminder",
                                            status=CallStatus.INITIATED, next_attempt_at=timezone.now())
        finally:
            connection.set_schema_to_public()
    return clinic, call.pk


def test_sigkill_mid_dial_leaves_the_call_to_be_dialled_again(waiting_call, in_clinic, private_redis_url, tmp_path):
    from celery import Celery

    from calls.models import AgentCall

    clinic, call_id = waiting_call
    proxy = HoldingProxy()
    env = child_env(redis_url=private_redis_url, media_root=tmp_path, HTTPS_PROXY=proxy.url, https_proxy=proxy.url,
                    NO_PROXY="127.0.0.1,localhost", PUBLIC_BASE_URL="https://medsync.example.org",
                    TWILIO_TIMEOUT_SECONDS="20")
    worker = Worker(queue="celery", env=env, log=tmp_path / "worker.log")
    broker = Celery(broker=private_redis_url, set_as_current=False)

    def call():
        return in_clinic(clinic, lambda: AgentCall.objects.values(
            "status", "attempts", "next_attempt_at", "provider_call_sid", "waiting_reason", "error").get(pk=call_id))

    try:
        worker.wait_ready()
        broker.send_task("calls.tasks.dispatch_call", args=[clinic.schema_name, call_id])
        assert proxy.first.wait(60), worker.log.read_text()[-3000:]
        (child,) = worker.pool_children()
        child.kill()  # SIGKILL while the carrier request is in flight
        claimed = call()
        assert claimed["attempts"] == 1 and claimed["next_attempt_at"] is None and not claimed["provider_call_sid"]
        # The redelivered message finds a live claim and leaves it; so does a sweep before the lease ends.
        broker.send_task("calls.tasks.dispatch_due_calls")
        wait_for(lambda: worker.log.read_bytes().count(b"succeeded") >= 2, timeout=60, what="the redelivery and sweep",
                 log=worker.log)
        assert call()["attempts"] == 1 and proxy.connects == 1

        # The lease runs out (2 x TWILIO_TIMEOUT_SECONDS + 60 s, compressed): the sweep dials again, once.
        _commit(f'UPDATE "{clinic.schema_name}".calls_agentcall SET updated_at = updated_at - %s WHERE id = %s',
                [timedelta(minutes=5), call_id])
        broker.send_task("calls.tasks.dispatch_due_calls")
        broker.send_task("calls.tasks.dispatch_due_calls")
        final = wait_for(lambda: (c := call())["attempts"] == 2 and c["next_attempt_at"] is not None and c,
                         timeout=60, what="the second dial", log=worker.log)
    finally:
        worker.kill()
        proxy.close()
    # The carrier refused this time: an ordinary failed attempt, retried later like a no-answer.
    assert final["status"] == "initiated" and final["waiting_reason"] == "retry" and "unreachable" in final["error"]
    assert proxy.connects == 2


def _commit(sql: str, params: list) -> None:
    """Run ``sql`` on a connection of its own (committed at once: the test's own transaction is not)."""
    import psycopg

    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as own:
        own.execute(sql, params)
