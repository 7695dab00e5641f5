"""``GET /metrics``: bearer token, MedSync's counters and the state read at scrape time."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from ops.metrics import observe_real_time_factor

pytestmark = pytest.mark.django_db

TOKEN = "metrics-test-token-0123456789"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def metrics_token(settings) -> str:
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def _scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_is_hidden_without_a_token_and_refuses_wrong_ones(anon_client, api_key, settings):
    settings.METRICS_TOKEN = ""
    assert anon_client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert anon_client.get("/metrics").status_code == 401
    wrong = anon_client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"].startswith("Bearer")
    # A clinic's own API key is no metrics credential, in either header.
    assert anon_client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {api_key}").status_code == 401
    assert anon_client.get("/metrics", HTTP_X_API_KEY=api_key).status_code == 401


def test_requests_are_counted_by_surface_and_status(anon_client, api_client, metrics_token):
    before = _scrape(anon_client)
    key_ok = ("medsync_http_requests_total", (("status", "200"), ("surface", "v1")))
    key_401 = ("medsync_http_requests_total", (("status", "401"), ("surface", "api_v1")))
    assert api_client.get("/v1/usage").status_code == 200
    assert anon_client.get("/api/v1/users/me").status_code == 401
    after = _scrape(anon_client)
    assert after[key_ok] - before.get(key_ok, 0) == 1
    assert after[key_401] - before.get(key_401, 0) == 1
    # django-prometheus's own metrics are there too.
    assert any(name.startswith("django_http_requests_total") for name, _ in after)


def test_queue_callbacks_and_live_sessions_are_read_at_scrape_time(anon_client, clinic, other_clinic, metrics_token):
    from booking.models import CallbackDelivery, DeliveryAttempt
    from transcription.live.slots import session_slots
    from transcription.models import Recording

    before = _scrape(anon_client)
    now = timezone.now()
    for tenant in (clinic, other_clinic):  # counted over every clinic
        connection.set_tenant(tenant)
        Recording.objects.create(status=Recording.Status.UPLOADED)
        delivery = CallbackDelivery.objects.create(event_type="booking.created", url="http://127.0.0.1:9/cb", body="{}",
                                                   next_attempt_at=now - dt.timedelta(seconds=5), created_at=now)
        DeliveryAttempt.objects.create(delivery=delivery, number=1, attempted_at=now, error="connect_error")
    connection.set_tenant(clinic)
    Recording.objects.create(status=Recording.Status.PROCESSING)
    CallbackDelivery.objects.create(event_type="booking.created", url="http://127.0.0.1:9/cb", body="{}",
                                    next_attempt_at=now + dt.timedelta(hours=1), created_at=now)  # not due yet
    connection.set_schema_to_public()
    slots = session_slots()
    async_to_sync(slots.acquire)(clinic.pk, "session-metrics-1", 10)
    try:
        after = _scrape(anon_client)
    finally:
        async_to_sync(slots.release)(clinic.pk, "session-metrics-1")

    def delta(name, labels=()):
        return after[(name, labels)] - before.get((name, labels), 0)

    assert delta("medsync_queue_recordings", (("status", "uploaded"),)) == 2
    assert delta("medsync_queue_recordings", (("status", "processing"),)) == 1
    assert delta("medsync_queue_callbacks_due") == 2
    assert delta("medsync_callback_delivery_failures_total") == 2
    assert delta("medsync_live_sessions") == 1
    # Aggregates only: no clinic is named in the output.
    body = anon_client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert clinic.client_id not in body and other_clinic.client_id not in body


def test_real_time_factor_histogram(anon_client, metrics_token):
    before = _scrape(anon_client)
    observe_real_time_factor(processing_seconds=3.0, audio_seconds=30.0)
    observe_real_time_factor(processing_seconds=1.0, audio_seconds=None)  # unknown length: not observed
    after = _scrape(anon_client)
    count = ("medsync_transcription_real_time_factor_count", ())
    bucket = ("medsync_transcription_real_time_factor_bucket", (("le", "0.1"),))
    assert after[count] - before.get(count, 0) == 1
    assert after[bucket] - before.get(bucket, 0) == 1


def test_multiprocess_mode_adds_up_every_process(tmp_path):
    """Two worker processes count requests into PROMETHEUS_MULTIPROC_DIR; a third one's exposition sums them."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    count = ("from ops.metrics import HTTP_REQUESTS; "
             "HTTP_REQUESTS.labels(surface='v1', status='200').inc(3)")
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], env=env, check=True, cwd=ROOT, timeout=60)
    read = ("import os; from prometheus_client import CollectorRegistry, generate_latest, multiprocess; "
            "r = CollectorRegistry(); multiprocess.MultiProcessCollector(r); print(generate_latest(r).decode())")
    out = subprocess.run([sys.executable, "-c", read], env=env, check=True, cwd=ROOT, timeout=60,
                         capture_output=True, text=True).stdout
    assert 'medsync_http_requests_total{status="200",surface="v1"} 6.0' in out


def test_unreachable_redis_is_reported_not_a_500(anon_client, metrics_token, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    samples = _scrape(anon_client)
    assert samples[("medsync_metrics_state_errors", ())] == 1
    assert ("medsync_live_sessions", ()) not in samples
    assert ("medsync_queue_callbacks_due", ()) in samples


def test_a_processed_recording_records_its_real_time_factor(anon_client, api_client, clinic, metrics_token, settings):
    """Through POST /v1/transcribe, with a local server standing in for Deepgram (no speech model needed)."""
    import json

    from tests.http_server import LocalHttpServer
    from tests.transcription.test_deepgram_adapter import RESPONSE as DEEPGRAM_RESPONSE
    from tests.transcription.test_transcribe_api import fixture_upload

    server = LocalHttpServer(lambda *_: (200, {"Content-Type": "application/json"},
                                         json.dumps(DEEPGRAM_RESPONSE).encode()))
    try:
        settings.DEEPGRAM_BASE_URL = server.url
        clinic.speech_provider, clinic.deepgram_api_key = "deepgram", "dg-clinic-key"
        clinic.save()
        before = _scrape(anon_client)
        response = api_client.post("/v1/transcribe", {"audio": fixture_upload("visit_D2N041_4turns.wav")},
                                   format="multipart")
        assert response.status_code == 200, response.content
    finally:
        server.close()
    after = _scrape(anon_client)
    count = ("medsync_transcription_real_time_factor_count", ())
    total = ("medsync_transcription_real_time_factor_sum", ())
    assert after[count] - before.get(count, 0) == 1
    assert 0 < after[total] - before.get(total, 0) < 5  # seconds of work per second of audio
