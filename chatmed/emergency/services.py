"""``POST /api/v1/emergency/detect``: the detector plus the local emergency number and nearby facility."""

from __future__ import annotations

from django.conf import settings

from chatmed.emergency.engine import Detection, detect
from chatmed.emergency.facilities import NearbyFacility, nearest_facility
from chatmed.emergency.numbers import emergency_number
from chatmed.emergency.rules import CRITICAL, HIGH, MODERATE
from chatmed.emergency.text import lexicon
from chatmed.models import HealthProfile

# Follow-up advice below the critical level, in English (the emergency call sentence is localized).
_ADVICE = {
    HIGH: ["Seek urgent medical assessment now (emergency department or urgent care)",
           "Call {number} at once if symptoms get worse"],
    MODERATE: ["Contact your clinician or a pharmacist today for advice",
               "Call {number} if red-flag symptoms appear (chest pain, difficulty breathing, confusion, fainting)"],
    "low": ["No red-flag symptoms found in the description",
            "Contact your clinician if symptoms persist or worsen; call {number} in an emergency"],
}


def emergency_assess(
    *, symptoms: str, latitude: float | None = None, longitude: float | None = None,
    profile: HealthProfile | None = None, language: str | None = None, country: str | None = None,
) -> dict:
    """Screen ``symptoms`` and build the answer of the detect endpoint.

    The emergency number's country is the location's ``country`` when given, else the nearest
    facility's, else the profile's, else ``CHATMED_DEFAULT_COUNTRY``; with none of them ``112/911``.

    Returns:
        ``{"urgency_level", "suspected_condition" (str|None), "confidence" (0..1), "actions": [str],
        "nearby_emergency": {"name", "distance_km", "phone"}|None, "emergency_number", "language",
        "rule_source" (str|None), "negated_findings": [cue id]}``.
    """
    history = tuple(c.get("code", "") for c in (profile.conditions if profile else []) if isinstance(c, dict))
    detection = detect(symptoms, history_codes=history)
    nearby: NearbyFacility | None = None
    if latitude is not None and longitude is not None:
        nearby = nearest_facility(latitude=latitude, longitude=longitude)
    country = (country or "").upper() or (nearby.country if nearby else "") or (profile.country if profile else "") or settings.CHATMED_DEFAULT_COUNTRY
    number = emergency_number(country)
    answer_language = detection.language or language or (profile.language if profile else "en")
    return {
        "urgency_level": detection.urgency_level,
        "suspected_condition": detection.rule.condition if detection.rule else None,
        "confidence": round(detection.confidence, 2),
        "actions": emergency_actions(detection, number=number, language=answer_language),
        "nearby_emergency": nearby.as_dict() if nearby else None,
        "emergency_number": number,
        "language": answer_language,
        "rule_source": detection.rule.source if detection.rule else None,
        "negated_findings": sorted(detection.negated),
    }


def emergency_actions(detection: Detection, *, number: str, language: str = "en") -> list[str]:
    """Actions for ``detection``: the localized call sentence first when critical, then the rule's actions."""
    try:
        call = lexicon(language).call_emergency.format(number=number)
    except ModuleNotFoundError:
        call = lexicon("en").call_emergency.format(number=number)
    if detection.urgency_level == CRITICAL:
        return [call, *detection.rule.actions]
    advice = [a.format(number=number) for a in _ADVICE.get(detection.urgency_level, _ADVICE["low"])]
    return [*(detection.rule.actions if detection.rule else ()), *advice]
