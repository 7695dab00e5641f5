"""Per-key limits of the ChatMed API: requests per minute, per day, and concurrent requests.

Numbers per plan: ``CHATMED_PLAN_LIMITS`` (ChatMed API seed, "Rate Limits": Starter 60/min,
1,000/day, 5 concurrent; Professional 300/min, 50,000/day, 25 concurrent; Enterprise unlimited).

* Minute and day windows are fixed windows of the ``limits`` library. With ``REDIS_URL`` the counters
  live in Redis, so every process and machine shares them; otherwise in process memory.
* Concurrency: each request in flight holds a slot, a member of a per-key Redis sorted set scored
  by its expiry time (claimed atomically by a Lua script on the Redis server's clock). A request
  frees its slot when it answers; a process that dies holding one cannot leak it, because the slot
  expires after ``CHATMED_CONCURRENCY_SLOT_TTL_SECONDS``. Without Redis, slots live in memory.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from limits import RateLimitItemPerDay, RateLimitItemPerMinute
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

NAMESPACE = "chatmed"
# Unlimited plans are still counted (for usage today) against this ceiling.
_UNLIMITED_COUNT = 10**12


@dataclass(frozen=True)
class PlanLimits:
    """``per_minute``/``per_day`` requests and ``concurrent`` requests in flight; ``None`` = unlimited."""

    per_minute: int | None
    per_day: int | None
    concurrent: int | None


def plan_limits(plan: str) -> PlanLimits:
    """Limits of ``plan`` (unknown plans get the starter limits)."""
    table = settings.CHATMED_PLAN_LIMITS
    row = table.get(plan, table["starter"])
    return PlanLimits(per_minute=row.get("per_minute"), per_day=row.get("per_day"), concurrent=row.get("concurrent"))


@dataclass(frozen=True)
class LimitDecision:
    """Outcome of counting one request.

    ``limit``/``remaining``/``reset_at`` describe the window that is closest to running out (or the
    one that refused); ``None`` limit = unlimited. ``reset_at`` is Unix seconds; ``retry_after``
    whole seconds (0 when allowed). ``refused_by``: ``"minute"``, ``"day"`` or ``None``.
    """

    allowed: bool
    limit: int | None
    remaining: int | None
    reset_at: int
    retry_after: int
    refused_by: str | None = None

    def headers(self) -> dict[str, str]:
        """``X-RateLimit-Limit/-Remaining/-Reset`` (``unlimited`` for unlimited plans) and ``Retry-After``."""
        headers = {
            "X-RateLimit-Limit": "unlimited" if self.limit is None else str(self.limit),
            "X-RateLimit-Remaining": "unlimited" if self.remaining is None else str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


_INIT_LOCK = threading.Lock()
_limiter_instance: FixedWindowRateLimiter | None = None


def _limiter() -> FixedWindowRateLimiter:
    """The process's limiter, created once under a lock: ``limits`` checks its Redis dependency lazily,
    and threads doing that check at the same time can see "redis version 0.0.0" and fail."""
    global _limiter_instance
    if _limiter_instance is None:
        with _INIT_LOCK:
            if _limiter_instance is None:
                storage: Storage = storage_from_string(settings.REDIS_URL) if settings.REDIS_URL else MemoryStorage()
                _limiter_instance = FixedWindowRateLimiter(storage)
    return _limiter_instance


def reset_limits() -> None:
    """Forget cached storages (tests switch between memory and Redis)."""
    global _limiter_instance
    with _INIT_LOCK:
        _limiter_instance = None
        _slots_unlocked.cache_clear()


def _window(limiter, item, key_id: str) -> tuple[int, float]:
    stats = limiter.get_window_stats(item, NAMESPACE, key_id)
    return max(0, stats.remaining), stats.reset_time


def count_request(*, key_id: str, plan: str) -> LimitDecision:
    """Count one request of key ``key_id`` against the minute and day windows of ``plan``.

    The day window is checked first and counted only when the minute window has room, so a refused
    request uses up neither window's quota beyond the one that refused it.
    """
    limiter = _limiter()
    limits = plan_limits(plan)
    now = time.time()
    minute_item = RateLimitItemPerMinute(limits.per_minute) if limits.per_minute else None
    day_item = RateLimitItemPerDay(limits.per_day or _UNLIMITED_COUNT)

    if minute_item is not None and not limiter.hit(minute_item, NAMESPACE, key_id):
        _, reset = _window(limiter, minute_item, key_id)
        return LimitDecision(False, limits.per_minute, 0, math.ceil(reset), max(1, math.ceil(reset - now)), "minute")
    if not limiter.hit(day_item, NAMESPACE, key_id):
        _, reset = _window(limiter, day_item, key_id)
        return LimitDecision(False, limits.per_day, 0, math.ceil(reset), max(1, math.ceil(reset - now)), "day")

    day_remaining, day_reset = _window(limiter, day_item, key_id)
    if minute_item is None:
        return LimitDecision(True, None, None, int(math.ceil(now / 60) * 60), 0)
    minute_remaining, minute_reset = _window(limiter, minute_item, key_id)
    if limits.per_day is not None and day_remaining < minute_remaining:
        return LimitDecision(True, limits.per_day, day_remaining, math.ceil(day_reset), 0)
    return LimitDecision(True, limits.per_minute, minute_remaining, math.ceil(minute_reset), 0)


def requests_today(*, key_id: str, plan: str) -> int:
    """Requests counted today (UTC day window) for key ``key_id``."""
    limits = plan_limits(plan)
    limit = limits.per_day or _UNLIMITED_COUNT
    remaining, _ = _window(_limiter(), RateLimitItemPerDay(limit), key_id)
    return limit - remaining


# --- concurrency ----------------------------------------------------------------------------------

_ACQUIRE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], t + ttl, ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(ttl) + 1)
return 1
"""


class RedisSlots:
    """Concurrency slots in Redis sorted sets ``chatmed:inflight:<key id>`` (see the module docstring)."""

    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._acquire = self._client.register_script(_ACQUIRE)

    def acquire(self, key_id: str, token: str, limit: int, ttl: float) -> bool:
        return bool(self._acquire(keys=[f"chatmed:inflight:{key_id}"], args=[token, ttl, limit]))

    def release(self, key_id: str, token: str) -> None:
        self._client.zrem(f"chatmed:inflight:{key_id}", token)

    def in_flight(self, key_id: str) -> int:
        now = time.time()
        return int(self._client.zcount(f"chatmed:inflight:{key_id}", now, "+inf"))


class LocalSlots:
    """Concurrency slots in process memory (one embedded process), with the same expiry rule."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._slots: dict[str, dict[str, float]] = {}

    def _live(self, key_id: str) -> dict[str, float]:
        now = self._clock()
        live = {t: exp for t, exp in self._slots.get(key_id, {}).items() if exp > now}
        self._slots[key_id] = live
        return live

    def acquire(self, key_id: str, token: str, limit: int, ttl: float) -> bool:
        with self._lock:
            live = self._live(key_id)
            if len(live) >= limit:
                return False
            live[token] = self._clock() + ttl
            return True

    def release(self, key_id: str, token: str) -> None:
        with self._lock:
            self._live(key_id).pop(token, None)

    def in_flight(self, key_id: str) -> int:
        with self._lock:
            return len(self._live(key_id))


@lru_cache(maxsize=1)
def _slots_unlocked() -> RedisSlots | LocalSlots:
    return RedisSlots(settings.REDIS_URL) if settings.REDIS_URL else LocalSlots()


def concurrency_slots() -> RedisSlots | LocalSlots:
    """The slot store for the current settings: Redis when ``REDIS_URL`` is set, else process memory."""
    with _INIT_LOCK:
        return _slots_unlocked()


def acquire_slot(*, key_id: str, plan: str, token: str) -> bool:
    """Claim a concurrency slot for one request; ``False`` when the key already has its plan's maximum."""
    limit = plan_limits(plan).concurrent
    if limit is None:
        return True
    return concurrency_slots().acquire(key_id, token, limit, settings.CHATMED_CONCURRENCY_SLOT_TTL_SECONDS)


def release_slot(*, key_id: str, token: str) -> None:
    """Free the slot of a finished request (idempotent)."""
    concurrency_slots().release(key_id, token)
