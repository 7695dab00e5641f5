"""Nearest emergency facility of the clinic's list, by great-circle (haversine) distance."""

from __future__ import annotations

import math
from dataclasses import dataclass

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


def nearest_facility(*, latitude: float, longitude: float, max_km: float = MAX_NEARBY_KM) -> NearbyFacility | None:
    """The closest active facility of the current clinic within ``max_km``, or ``None``.

    A bounding box (1 degree of latitude = 111.2 km) narrows the query before exact distances.
    """
    dlat = max_km / 111.2
    dlng = max_km / max(1e-6, 111.2 * math.cos(math.radians(latitude)))
    candidates = EmergencyFacility.objects.filter(
        is_active=True, latitude__range=(latitude - dlat, latitude + dlat),
    ).values_list("name", "phone", "country", "latitude", "longitude")
    best: NearbyFacility | None = None
    for name, phone, country, lat, lng in candidates:
        if abs(lng - longitude) > dlng and abs(abs(lng - longitude) - 360) > dlng:
            continue
        distance = haversine_km(latitude, longitude, lat, lng)
        if distance <= max_km and (best is None or distance < best.distance_km):
            best = NearbyFacility(name=name, distance_km=distance, phone=phone, country=country)
    return best
