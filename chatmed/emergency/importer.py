"""Import emergency facilities from CSV or GeoJSON (``manage.py chatmed_import_facilities``).

CSV columns: ``name, phone, latitude, longitude, country`` (required), ``kind, address`` (optional).
GeoJSON: a FeatureCollection of Point features (``[longitude, latitude]``, RFC 7946) whose
properties hold ``name``, ``phone``, ``country`` and optionally ``kind``, ``address``.
Phones are parsed with ``phonenumbers`` in the row's country and stored as E.164. A row that
matches an existing facility (same name and coordinates) updates it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

import phonenumbers
from django.db import transaction

from chatmed.emergency.facilities import facilities_cache_clear
from chatmed.models import EmergencyFacility


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _rows_from_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _rows_from_geojson(text: str) -> list[dict]:
    data = json.loads(text)
    rows = []
    for feature in data.get("features", []):
        geometry = feature.get("geometry") or {}
        properties = dict(feature.get("properties") or {})
        if geometry.get("type") == "Point" and len(geometry.get("coordinates") or []) >= 2:
            properties["longitude"], properties["latitude"] = geometry["coordinates"][:2]
        rows.append(properties)
    return rows


def facility_row_clean(row: dict) -> dict:
    """Validate one row; returns model fields. Raises ``ValueError`` with the reason."""
    name = str(row.get("name") or "").strip()
    country = str(row.get("country") or "").strip().upper()
    if not name:
        raise ValueError("name is missing")
    if len(country) != 2:
        raise ValueError("country must be an ISO 3166-1 alpha-2 code")
    try:
        latitude, longitude = float(row.get("latitude")), float(row.get("longitude"))
    except (TypeError, ValueError):
        raise ValueError("latitude/longitude are not numbers") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("coordinates out of range")
    try:
        number = phonenumbers.parse(str(row.get("phone") or ""), country)
    except phonenumbers.NumberParseException:
        raise ValueError("phone is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("phone is not a valid number for its country")
    return {"name": name[:200], "country": country, "latitude": latitude, "longitude": longitude,
            "phone": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            "kind": str(row.get("kind") or "emergency_department")[:40], "address": str(row.get("address") or "")[:300]}


@transaction.atomic
def facilities_import(*, text: str, fmt: str) -> ImportReport:
    """Import ``text`` (``fmt`` ``"csv"`` or ``"geojson"``) into the current clinic's schema."""
    rows = _rows_from_geojson(text) if fmt == "geojson" else _rows_from_csv(text)
    report = ImportReport()
    for number, row in enumerate(rows, start=1):
        try:
            fields = facility_row_clean(row)
        except ValueError as exc:
            report.errors.append(f"row {number}: {exc}")
            continue
        _, created = EmergencyFacility.objects.update_or_create(
            name=fields["name"], latitude=fields["latitude"], longitude=fields["longitude"], defaults=fields)
        if created:
            report.created += 1
        else:
            report.updated += 1
    transaction.on_commit(facilities_cache_clear)
    return report
