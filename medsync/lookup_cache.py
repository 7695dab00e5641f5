"""Per-process, short-lived caches of the two lookups every API request makes before its real work.

Each ``/v1`` request resolved its host to a clinic (django-tenants' ``Domain`` query) and its API key
to a clinic (an ``ApiKey`` query), each a round trip to PostgreSQL plus a ``SET search_path``: about half
of the CPU time of a light endpoint such as ``GET /v1/usage`` (measured with cProfile, see the README's
serving section). Both answers change rarely, so each web process keeps them for
``MEDSYNC_LOOKUP_CACHE_SECONDS`` (default 5 s; ``0`` turns caching off).

Freshness: saving or deleting an ``ApiKey``, ``Clinic`` or ``Domain`` (revoking a key, changing a plan,
deactivating a clinic) clears both caches of the process that made the change at once; other processes
(other gunicorn workers, other machines) see the change within the TTL. A revoked key therefore stops
working everywhere within ``MEDSYNC_LOOKUP_CACHE_SECONDS``.

The caches hold model instances. The domain cache hands out shallow copies (``copy.copy``) so that the
per-request attribute django-tenants sets (``tenant.domain_url``) never leaks between threads; the API-key
cache hands out the cached instance itself, so that ``last_used_at`` (written at most once a minute by
:func:`clinics.services.api_key_mark_used`) is seen by the next request of the process.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from cachetools import TTLCache
from django.conf import settings

T = TypeVar("T")

_MISSING = object()
_MAX_ENTRIES = 10_000


class LookupCache:
    """A thread-safe TTL cache (cachetools' ``TTLCache``) whose TTL is read from the settings.

    ``get_or_load(key, loader)`` returns the cached value for ``key`` (a shallow copy when ``copies``)
    or calls ``loader()`` (which may return ``None``: "not found" is cached too) and caches its result. With
    ``settings.MEDSYNC_LOOKUP_CACHE_SECONDS`` ≤ 0 every call goes to ``loader``.
    """

    def __init__(self, name: str, *, copies: bool) -> None:
        self.name = name
        self.copies = copies
        self._lock = threading.Lock()
        self._ttl = -1.0
        self._cache: TTLCache | None = None

    def _current(self) -> TTLCache | None:
        ttl = float(getattr(settings, "MEDSYNC_LOOKUP_CACHE_SECONDS", 0) or 0)
        if ttl <= 0:
            return None
        if ttl != self._ttl or self._cache is None:  # first use, or the setting changed (tests)
            self._cache, self._ttl = TTLCache(maxsize=_MAX_ENTRIES, ttl=ttl), ttl
        return self._cache

    def get_or_load(self, key: Hashable, loader: Callable[[], T | None]) -> T | None:
        with self._lock:
            cache = self._current()
            value = cache.get(key, _MISSING) if cache is not None else _MISSING
        if value is _MISSING:
            value = loader()
            if cache is not None:
                with self._lock:
                    cache[key] = value
        return copy.copy(value) if value is not None and self.copies else value

    def clear(self) -> None:
        with self._lock:
            if self._cache is not None:
                self._cache.clear()


api_keys = LookupCache("api_keys", copies=False)
domains = LookupCache("domains", copies=True)


def clear_all(**_signal_kwargs) -> None:
    """Forget every cached lookup of this process (a Django signal receiver)."""
    api_keys.clear()
    domains.clear()
