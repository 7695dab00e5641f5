"""Health profiles: create, update, read (all scoped to the caller's mode: live or sandbox)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from chatmed.api.base import NotFound, ValidationFailed
from chatmed.icd10 import icd10_resolve
from chatmed.models import HealthProfile, new_public_id
from chatmed.prescriptions.drugs import drug_lookup


def _conditions(raw: list) -> list[dict]:
    """``["I10", {"code": "E11.9"}, "asthma"]`` -> ``[{"code", "description"}]``; 422 for an unknown one."""
    result = []
    for item in raw:
        text = item.get("code") or item.get("name") if isinstance(item, dict) else item
        resolved = icd10_resolve(text) if isinstance(text, str) else None
        if resolved is None:
            raise ValidationFailed(f"conditions: {text!r} is not an ICD-10-CM code or condition name.")
        result.append({"code": resolved[0], "description": resolved[1]})
    return result


def _medications(raw: list) -> list[dict]:
    """``["metformin", {"name": "amlodipine", "dose": "5 mg"}]`` -> ``[{"name", "dose", "atc_code"}]``."""
    result, unknown = [], []
    for item in raw:
        name = item.get("name") if isinstance(item, dict) else item
        drug = drug_lookup(name) if isinstance(name, str) else None
        if drug is None:
            unknown.append(str(name))
            continue
        dose = str(item.get("dose", "")) if isinstance(item, dict) else ""
        result.append({"name": drug.name, "dose": dose[:100], "atc_code": drug.atc_code})
    if unknown:
        raise ValidationFailed(f"medications: unknown drug name(s): {', '.join(unknown)}.")
    return result


def _allergies(raw: list) -> list[str]:
    return sorted({" ".join(str(a).lower().split())[:100] for a in raw if str(a).strip()})


@transaction.atomic
def profile_create(*, is_sandbox: bool, data: dict) -> HealthProfile:
    """Create a profile from validated ``data`` (serializer fields); 422 for unknown codes or drugs."""
    profile = HealthProfile(public_id=new_public_id("prof"), is_sandbox=is_sandbox)
    _apply(profile, data)
    profile.save()
    return profile


@transaction.atomic
def profile_update(*, profile: HealthProfile, data: dict) -> HealthProfile:
    """Update the fields present in ``data`` (partial update)."""
    _apply(profile, data)
    profile.save()
    return profile


def _apply(profile: HealthProfile, data: dict) -> None:
    for field in ("external_id", "sex", "language"):
        if field in data:
            setattr(profile, field, data[field] if data[field] is not None else "")
    if "date_of_birth" in data:  # null clears it (a date column cannot hold "": that was a 500)
        profile.date_of_birth = data["date_of_birth"]
    if "country" in data:
        profile.country = (data["country"] or "").upper()
    if "conditions" in data:
        profile.conditions = _conditions(data["conditions"])
    if "medications" in data:
        profile.medications = _medications(data["medications"])
    if "allergies" in data:
        profile.allergies = _allergies(data["allergies"])
    if profile.date_of_birth and profile.date_of_birth > date.today():
        raise ValidationFailed("date_of_birth: must not be in the future.")


def profile_get(*, public_id: str, is_sandbox: bool) -> HealthProfile:
    """The profile ``public_id`` of the current clinic and mode; 404 ``not_found`` otherwise."""
    profile = HealthProfile.objects.filter(public_id=public_id, is_sandbox=is_sandbox).first() if public_id else None
    if profile is None:
        raise NotFound(f"Profile {public_id!r} does not exist.")
    return profile


def age_years(profile: HealthProfile, today: date | None = None) -> int | None:
    """Whole years since ``date_of_birth`` (``None`` when unknown)."""
    if not profile.date_of_birth:
        return None
    today = today or date.today()
    dob = profile.date_of_birth
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
