"""Nearest emergency facility of the clinic's list, by great-circle (haversine) distance."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from chatmed.models import EmergencyFacility

# Mean Earth radius, km (IUGG mean radius R1 = 6371.0088 km; Moritz, "Geodetic Reference System 1980").
EARTH_RADIUS_KM = 6371.0088
# Facilities farther than this are not offered as "nearby" (km).
MAX_NEARBY_KM = 100.0


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in km between two WGS 84 points in degrees (haversine formula, R. W. Sinnott,
    "Virtues of the Haversine", Sky and Telescope 68(2), 1984)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class NearbyFacility:
    name: str
    distance_km: float
    phone: str
    country: str

    def as_dict(self) -> dict:
        """``{"name", "distance_km" (1 decimal), "phone" (E.164)}`` as in the seed's example."""
        return {"name": self.name, "distance_km": round(self.distance_km, 1), "phone": self.phone}


_cache: dict[str, tuple[float, list[tuple]]] = {}
_cache_lock = threading.Lock()


def facilities_cache_clear() -> None:
    """Forget this process's cached facility lists (called after imports and admin edits)."""
    with _cache_lock:
        _cache.clear()


def _active_facilities() -> list[tuple]:
    """``[(name, phone, country, latitude, longitude)]`` of the current clinic, cached per process for
    ``CHATMED_FACILITY_CACHE_SECONDS`` so an emergency answer needs no database round trip. Clinics list
    tens to hundreds of facilities, so a scan of the list costs microseconds."""
    schema, now = connection.schema_name, time.monotonic()
    with _cache_lock:
        cached = _cache.get(schema)
        if cached and now - cached[0] < settings.CHATMED_FACILITY_CACHE_SECONDS:
            return cached[1]
    rows = list(EmergencyFacility.objects.filter(is_active=True)
                .values_list("name", "phone", "country", "latitude", "longitude"))
    with _cache_lock:
        _cache[schema] = (now, rows)
    return rows


def nearest_facility(*, latitude: float, longitude: float, max_km: float = MAX_NEARBY_KM) -> NearbyFacility | None:
    """The closest active facility of the current clinic within ``max_km``, or ``None``.

    A bounding box (1 degree of latitude = 111.2 km) skips far facilities before exact distances.
    """
    dlat = max_km / 111.2
    dlng = max_km / max(1e-6, 111.2 * math.cos(math.radians(latitude)))
    best: NearbyFacility | None = None
    for name, phone, country, lat, lng in _active_facilities():
        if abs(lat - latitude) > dlat:
            continue
        if abs(lng - longitude) > dlng and abs(abs(lng - longitude) - 360) > dlng:
            continue
        distance = haversine_km(latitude, longitude, lat, lng)
        if distance <= max_km and (best is None or distance < best.distance_km):
            best = NearbyFacility(name=name, distance_km=distance, phone=phone, country=country)
    return best
