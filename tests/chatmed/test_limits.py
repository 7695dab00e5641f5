"""Per-key limits: per minute, per day and concurrent, with concurrent clients and across processes (Redis)."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.chatmed.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(settings):
    settings.CHATMED_PLAN_LIMITS = {
        **settings.CHATMED_PLAN_LIMITS,
        "professional": {"per_minute": 3, "per_day": 5, "concurrent": 2},
        "starter": {"per_minute": 60, "per_day": 1000, "concurrent": 5},
    }


def test_per_minute_limit_answers_429_with_retry_after(cm, small_limits):
    for remaining in ("2", "1", "0"):
        assert cm.get("/api/v1/users/me")["X-RateLimit-Remaining"] == remaining
    response = cm.get("/api/v1/users/me")
    body = assert_error(response, 429, "rate_limit_exceeded")
    assert "per-minute" in body["message"]
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["X-RateLimit-Limit"] == "3" and response["X-RateLimit-Remaining"] == "0"


def test_limits_are_per_key(cm, cm_other, small_limits):
    for _ in range(3):
        cm.get("/api/v1/users/me")
    assert cm.get("/api/v1/users/me").status_code == 429
    assert cm_other.get("/api/v1/users/me").status_code == 200


def test_per_day_limit(cm, settings, small_limits):
    settings.CHATMED_PLAN_LIMITS["professional"] = {"per_minute": 100, "per_day": 4, "concurrent": 2}
    statuses = [cm.get("/api/v1/users/me").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    response = cm.get("/api/v1/users/me")
    assert "per-day" in response.json()["message"]
    assert int(response["Retry-After"]) > 60  # the day window, not the minute window


def test_enterprise_is_unlimited_but_counted(cm, clinic, settings):
    clinic.plan = "enterprise"
    clinic.save(update_fields=["plan"])
    response = cm.get("/api/v1/users/me")
    assert response["X-RateLimit-Limit"] == "unlimited"
    assert response.json()["limits"] == {"requests_per_minute": None, "requests_per_day": None, "concurrent": None}
    assert cm.get("/api/v1/users/me").json()["usage"]["requests_today"] == 2


def test_concurrent_limit_refuses_while_slots_are_held_and_frees_them(cm, live_key, small_limits):
    from chatmed.api.limits import concurrency_slots

    key_id = str(live_key[0].pk)
    slots = concurrency_slots()
    assert slots.acquire(key_id, "other-process-1", 2, 60) and slots.acquire(key_id, "other-process-2", 2, 60)
    body = assert_error(cm.get("/api/v1/users/me"), 429, "rate_limit_exceeded")
    assert "concurrent" in body["message"]
    slots.release(key_id, "other-process-1")
    assert cm.get("/api/v1/users/me").status_code == 200
    assert slots.in_flight(key_id) == 1  # the request released its own slot


def test_local_slot_of_a_crashed_request_expires():
    from chatmed.api.limits import LocalSlots

    now = [0.0]
    slots = LocalSlots(clock=lambda: now[0])
    assert slots.acquire("k", "crashed", 1, ttl=10)
    assert not slots.acquire("k", "next", 1, ttl=10)
    now[0] = 10.5
    assert slots.acquire("k", "next", 1, ttl=10)


def _hammer(fn, n_threads: int, calls: int) -> list:
    with ThreadPoolExecutor(n_threads) as pool:
        return list(pool.map(lambda _: fn(), range(calls)))


@pytest.mark.redis
def test_minute_and_day_limits_hold_for_concurrent_clients_on_redis(settings, redis_url):
    import redis

    from chatmed.api.limits import count_request, reset_limits

    redis.Redis.from_url(redis_url).flushdb()
    settings.REDIS_URL = redis_url
    settings.CHATMED_PLAN_LIMITS = {"starter": {"per_minute": 20, "per_day": 1000, "concurrent": 5}}
    reset_limits()
    results = _hammer(lambda: count_request(key_id="k-minute", plan="starter").allowed, 8, 60)
    assert sum(results) == 20
    settings.CHATMED_PLAN_LIMITS = {"starter": {"per_minute": 1000, "per_day": 15, "concurrent": 5}}
    results = _hammer(lambda: count_request(key_id="k-day", plan="starter").allowed, 8, 40)
    assert sum(results) == 15


@pytest.mark.redis
def test_concurrency_slots_hold_across_threads_and_processes_and_expire(settings, redis_url):
    import time

    import redis

    from chatmed.api.limits import RedisSlots

    redis.Redis.from_url(redis_url).flushdb()
    slots = RedisSlots(redis_url)
    barrier = threading.Barrier(10)

    def claim(i):
        barrier.wait()
        return slots.acquire("k-conc", f"t{i}", 5, 30)

    with ThreadPoolExecutor(10) as pool:
        assert sum(pool.map(claim, range(10))) == 5
    # Another OS process sees the same five slots.
    code = ("import sys; sys.path.insert(0, '.');"
            "from chatmed.api.limits import RedisSlots;"
            f"s = RedisSlots({redis_url!r}); print(s.acquire('k-conc', 'proc', 5, 30), s.in_flight('k-conc'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout.split()
    assert out == ["False", "5"]
    # A crashed holder's slot expires on the Redis server's clock.
    assert slots.acquire("k-crash", "dead", 1, 0.5) and not slots.acquire("k-crash", "live", 1, 0.5)
    time.sleep(0.7)
    assert slots.acquire("k-crash", "live", 1, 0.5)


@pytest.mark.redis
def test_api_limits_shared_through_redis(cm, settings, redis_url, small_limits):
    import redis

    from chatmed.api.limits import reset_limits

    redis.Redis.from_url(redis_url).flushdb()
    settings.REDIS_URL = redis_url
    reset_limits()
    statuses = [cm.get("/api/v1/users/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    reset_limits()  # a "new process": counters survive in Redis
    assert cm.get("/api/v1/users/me").status_code == 429
