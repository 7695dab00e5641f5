"""Per-API-key rate limiting shared across processes, with the ``limits`` library.

Fixed one-minute windows per key; the plan sets the number of requests per window (platform API
seed, "Rate Limits": starter 10, professional 50, enterprise 500 requests/minute). Counters live in
Redis when ``REDIS_URL`` is set, so every web process and machine shares them; without Redis (the
single-process embedded default) they live in process memory. If Redis cannot be reached the check
fails open (the request is allowed and a warning logged) so an outage of Redis never takes the API down.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
import threading
from functools import lru_cache

from django.conf import settings
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateLimitDecision:
    """Outcome of one rate-limit check.

    ``limit`` requests per window, ``remaining`` after this request, ``reset_at`` Unix time (s)
    when the window ends, ``retry_after`` whole seconds to wait (0 when allowed).
    """

    allowed: bool
    limit: int
    remaining: int
    reset_at: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        """The ``X-RateLimit-*`` (and, when refused, ``Retry-After``) response headers."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


_LIMITER_LOCK = threading.Lock()


def _limiter() -> FixedWindowRateLimiter:
    """The process's limiter, created once under a lock: ``limits`` checks its Redis dependency lazily,
    and threads creating limiters at the same moment could see "redis version 0.0.0" and fail (found
    under concurrent clients through the WSGI thread pool)."""
    with _LIMITER_LOCK:
        return _create_limiter()


@lru_cache(maxsize=1)
def _create_limiter() -> FixedWindowRateLimiter:
    storage: Storage
    if settings.REDIS_URL:
        # Short timeouts: with Redis unreachable a request waits at most ~1 s before failing open.
        storage = storage_from_string(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    else:
        storage = MemoryStorage()
    return FixedWindowRateLimiter(storage)


def reset_limiter() -> None:
    """Forget the cached limiter (tests switch settings between storages)."""
    _create_limiter.cache_clear()


def plan_limit(plan: str) -> int:
    """Requests per minute allowed for ``plan`` (unknown plans get the starter limit)."""
    limits_by_plan = settings.MEDSYNC_PLAN_RATE_LIMITS
    return int(limits_by_plan.get(plan, limits_by_plan["starter"]))


def check_rate_limit(*, key_id: str, per_minute: int, namespace: str = "apikey") -> RateLimitDecision:
    """Count one request for ``key_id`` and decide whether it may proceed.

    Args:
        key_id: stable identifier of the credential (e.g. API key primary key).
        per_minute: allowed requests per one-minute window.
        namespace: separates counters of different surfaces.
    """
    item = RateLimitItemPerMinute(per_minute)
    try:
        limiter = _limiter()
        allowed = limiter.hit(item, namespace, key_id)
        stats = limiter.get_window_stats(item, namespace, key_id)
    except Exception as exc:  # noqa: BLE001 - any failure of the counter store (Redis down, timeout)
        # Fail open: a Redis outage must not take every clinic's API down; the limits return with Redis.
        reset_limiter()  # reconnect on the next request
        logger.warning("rate limit store unavailable (%s); request allowed", type(exc).__name__)
        window_end = int(math.ceil(time.time() / 60) * 60)
        return RateLimitDecision(allowed=True, limit=per_minute, remaining=per_minute, reset_at=window_end,
                                 retry_after=0)
    reset_at = int(math.ceil(stats.reset_time))
    retry_after = max(1, int(math.ceil(stats.reset_time - time.time()))) if not allowed else 0
    return RateLimitDecision(
        allowed=allowed, limit=per_minute, remaining=max(0, stats.remaining), reset_at=reset_at,
        retry_after=retry_after,
    )
