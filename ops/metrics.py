"""Prometheus metrics of MedSync, served at ``GET /metrics`` (bearer ``METRICS_TOKEN``).

Counted where they happen (one line in the code that does the work):

* ``medsync_http_requests_total{surface, status}`` and ``medsync_http_request_duration_seconds{surface}``
  — every HTTP request, by API surface (:func:`surface_of`) and status code (RequestContextMiddleware);
* ``medsync_transcription_real_time_factor`` — processing time / audio duration of each processed
  recording (``transcription.services.encounter_process``); below 1 is faster than real time.

Read from the shared state at scrape time (so every process and host agrees, and nothing is counted twice
when several processes serve ``/metrics``):

* ``medsync_live_sessions`` — running live transcription sessions (their slots: Redis or process memory);
* ``medsync_queue_recordings{status}`` — recordings waiting (``uploaded``) or running (``processing``);
* ``medsync_queue_callbacks_due`` — appointment callbacks due for delivery now;
* ``medsync_callback_delivery_failures_total`` — failed callback delivery attempts ever logged.

Several processes (gunicorn workers, Hypercorn workers): set ``PROMETHEUS_MULTIPROC_DIR`` to an empty
folder writable by every process, cleared at each start, and prometheus_client keeps the counters in
files there; ``/metrics`` then aggregates them (prometheus_client docs, "Multiprocess Mode").
"""

from __future__ import annotations

import logging
import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from medsync.request_context import surface_of  # noqa: F401 - re-exported for callers of this module

# Real-time factor buckets: the local Whisper engine runs at ~0.1-0.5 on 2 cores (bench/), cloud engines
# below 0.05; above 1 means the queue grows faster than it drains.
logger = logging.getLogger(__name__)

RTF_BUCKETS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 5.0)

HTTP_REQUESTS = Counter("medsync_http_requests", "HTTP requests by API surface and status code.",
                        ["surface", "status"])
HTTP_DURATION = Histogram("medsync_http_request_duration_seconds", "HTTP request duration by API surface.",
                          ["surface"])
TRANSCRIPTION_RTF = Histogram("medsync_transcription_real_time_factor",
                              "Processing time divided by audio duration, per processed recording.",
                              buckets=RTF_BUCKETS)




def observe_real_time_factor(*, processing_seconds: float, audio_seconds: float | None) -> None:
    """Record one recording's real-time factor; ignored when the audio length is unknown or zero."""
    if audio_seconds and audio_seconds > 0:
        TRANSCRIPTION_RTF.observe(processing_seconds / audio_seconds)


def _live_sessions() -> int:
    from django.conf import settings

    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
        try:
            now_seconds, micros = client.time()
            now = now_seconds + micros / 1e6
            return sum(int(client.zcount(key, f"({now}", "+inf"))
                       for key in client.scan_iter(match="medsync:live:slots:*", count=500))
        finally:
            client.close()
    from transcription.live import slots

    local = slots._LOCAL
    if local is None:
        return 0
    with local._lock:
        return sum(len(local._live(clinic_id)) for clinic_id in list(local._slots))


def _tenant_counts() -> tuple[dict[str, int], int, int]:
    """Queued recordings by status, due callbacks and failed callback attempts over every clinic schema."""
    from django.db import connection

    from clinics.models import Clinic

    schemas = list(Clinic.objects.exclude(schema_name="public").values_list("schema_name", flat=True))
    recordings = {"uploaded": 0, "processing": 0}
    due = failures = 0
    if not schemas:
        return recordings, due, failures
    # One UNION ALL query for all schemas (schema names come from our own table and are quoted).
    parts = []
    for schema in schemas:
        q = connection.ops.quote_name(schema)
        parts.append(
            f"SELECT (SELECT count(*) FROM {q}.transcription_recording WHERE status = 'uploaded'),"
            f" (SELECT count(*) FROM {q}.transcription_recording WHERE status = 'processing'),"
            f" (SELECT count(*) FROM {q}.booking_callbackdelivery WHERE status IN ('pending', 'retrying')"
            f"  AND next_attempt_at <= now()),"
            f" (SELECT count(*) FROM {q}.booking_deliveryattempt WHERE error <> '')"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        for uploaded, processing, due_here, failed in cursor.fetchall():
            recordings["uploaded"] += uploaded
            recordings["processing"] += processing
            due += due_here
            failures += failed
    return recordings, due, failures


class MedSyncStateCollector(Collector):
    """Gauges and counters read from the database and the live-session slots at each scrape."""

    def collect(self):
        errors = 0
        try:
            recordings, due, failures = _tenant_counts()
        except Exception:  # noqa: BLE001 - a scrape must answer; the error gauge says what is missing
            logger.warning("metrics: queue counts unavailable", exc_info=True)
            errors += 1
        else:
            queue = GaugeMetricFamily("medsync_queue_recordings", "Recordings waiting or being processed.",
                                      labels=["status"])
            for status, count in recordings.items():
                queue.add_metric([status], count)
            yield queue
            yield GaugeMetricFamily("medsync_queue_callbacks_due", "Appointment callbacks due for delivery now.",
                                    value=due)
            yield CounterMetricFamily("medsync_callback_delivery_failures",
                                      "Failed appointment callback delivery attempts (logged attempts).", value=failures)
        try:
            yield GaugeMetricFamily("medsync_live_sessions", "Running live transcription sessions.",
                                    value=_live_sessions())
        except Exception:  # noqa: BLE001 - Redis down: reported by the error gauge and /ready
            logger.warning("metrics: live session count unavailable", exc_info=True)
            errors += 1
        yield GaugeMetricFamily("medsync_metrics_state_errors",
                                "State reads that failed during this scrape (database or Redis).", value=errors)


def metrics_payload() -> bytes:
    """The Prometheus text exposition: this process's metrics (all processes' in multiprocess mode),
    then the state read at scrape time."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    state = CollectorRegistry()
    state.register(MedSyncStateCollector())
    return generate_latest(registry) + generate_latest(state)
