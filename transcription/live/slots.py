"""Per-clinic limit on concurrent live sessions, shared by every Daphne process.

Each running session holds a slot: a member of a per-clinic set whose score is its expiry time. A
session renews its slot every ``MEDSYNC_LIVE_SLOT_TTL_SECONDS / 3`` seconds and frees it when it ends;
a process that crashes stops renewing, so its slots expire on their own instead of leaking.

With ``REDIS_URL`` the set is a Redis sorted set, checked and claimed atomically by a Lua script that
uses the Redis server's clock (hosts' clocks need not agree). Without Redis (one embedded process)
it lives in process memory. Limits per plan: ``MEDSYNC_LIVE_SESSIONS_PER_PLAN``.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from django.conf import settings

__all__ = ["LocalSessionSlots", "RedisSessionSlots", "SessionSlots", "session_limit", "session_slots"]


def session_limit(plan: str) -> int:
    """Concurrent live sessions allowed for ``plan`` (unknown plans get the starter limit)."""
    limits = settings.MEDSYNC_LIVE_SESSIONS_PER_PLAN
    return int(limits.get(plan, limits["starter"]))


class SessionSlots(Protocol):
    async def acquire(self, clinic_id: int, session_id: str, limit: int) -> bool:
        """Claim a slot; False when the clinic already runs ``limit`` sessions."""

    async def renew(self, clinic_id: int, session_id: str) -> None:
        """Push the slot's expiry forward (re-claims it if it had expired)."""

    async def release(self, clinic_id: int, session_id: str) -> None:
        """Free the slot (idempotent)."""

    async def is_active(self, clinic_id: int, session_id: str) -> bool:
        """Whether ``session_id`` is a running session of ``clinic_id``."""


class LocalSessionSlots:
    """Slots in process memory (the single-process embedded set-up)."""

    def __init__(self, ttl_seconds: float, clock=time.monotonic) -> None:
        self.ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._slots: dict[int, dict[str, float]] = {}

    def _live(self, clinic_id: int) -> dict[str, float]:
        now = self._clock()
        slots = {s: exp for s, exp in self._slots.get(clinic_id, {}).items() if exp > now}
        self._slots[clinic_id] = slots
        return slots

    async def acquire(self, clinic_id: int, session_id: str, limit: int) -> bool:
        with self._lock:
            slots = self._live(clinic_id)
            if session_id not in slots and len(slots) >= limit:
                return False
            slots[session_id] = self._clock() + self.ttl
            return True

    async def renew(self, clinic_id: int, session_id: str) -> None:
        with self._lock:
            self._live(clinic_id)[session_id] = self._clock() + self.ttl

    async def release(self, clinic_id: int, session_id: str) -> None:
        with self._lock:
            self._live(clinic_id).pop(session_id, None)

    async def is_active(self, clinic_id: int, session_id: str) -> bool:
        with self._lock:
            return session_id in self._live(clinic_id)


_ACQUIRE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], t + ttl, ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(ttl) + 1)
return 1
"""

_ACTIVE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) > t then return 1 end
return 0
"""


class RedisSessionSlots:
    """Slots in Redis sorted sets ``medsync:live:slots:<clinic id>`` (see the module docstring)."""

    def __init__(self, url: str, ttl_seconds: float) -> None:
        self.url = url
        self.ttl = ttl_seconds

    def _key(self, clinic_id: int) -> str:
        return f"medsync:live:slots:{clinic_id}"

    async def _eval(self, script: str, clinic_id: int, *args) -> int:
        import redis.asyncio as aioredis

        # A connection per call: these run once per session and every ~20 s, and a client cached
        # across calls would be tied to one event loop.
        async with aioredis.from_url(self.url, socket_timeout=5, socket_connect_timeout=5) as client:
            return int(await client.eval(script, 1, self._key(clinic_id), *args))

    async def acquire(self, clinic_id: int, session_id: str, limit: int) -> bool:
        return bool(await self._eval(_ACQUIRE, clinic_id, session_id, self.ttl, limit))

    async def renew(self, clinic_id: int, session_id: str) -> None:
        # Renewal never refuses a running session, even if its slot expired meanwhile.
        await self._eval(_ACQUIRE, clinic_id, session_id, self.ttl, 2**31)

    async def release(self, clinic_id: int, session_id: str) -> None:
        import redis.asyncio as aioredis

        async with aioredis.from_url(self.url, socket_timeout=5, socket_connect_timeout=5) as client:
            await client.zrem(self._key(clinic_id), session_id)

    async def is_active(self, clinic_id: int, session_id: str) -> bool:
        return bool(await self._eval(_ACTIVE, clinic_id, session_id))


_LOCAL: LocalSessionSlots | None = None
_LOCAL_LOCK = threading.Lock()


def session_slots() -> SessionSlots:
    """The slot store for the current settings: Redis when ``REDIS_URL`` is set, else process memory."""
    global _LOCAL
    ttl = settings.MEDSYNC_LIVE_SLOT_TTL_SECONDS
    if settings.REDIS_URL:
        return RedisSessionSlots(settings.REDIS_URL, ttl)
    with _LOCAL_LOCK:
        if _LOCAL is None or _LOCAL.ttl != ttl:
            _LOCAL = LocalSessionSlots(ttl)
        return _LOCAL
