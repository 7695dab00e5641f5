"""Heart-rate writes."""

from __future__ import annotations

from chatmed.models import HealthProfile, HeartRateReading, new_public_id
from chatmed.profiles.services import age_years
from chatmed.vitals.heart_rate import HeartRateAssessment, assess_heart_rate


def heart_rate_record(*, is_sandbox: bool, profile: HealthProfile | None, heart_rate_bpm: int, is_resting: bool = True,
                      feels_regular: bool = True, has_palpitations: bool = False, has_shortness_of_breath: bool = False,
                      measurement_duration_seconds: int = 60) -> tuple[HeartRateReading, HeartRateAssessment]:
    """Interpret one measurement (age from the profile when known) and store it with its category and alerts."""
    fields = {"heart_rate_bpm": heart_rate_bpm, "is_resting": is_resting, "feels_regular": feels_regular,
              "has_palpitations": has_palpitations, "has_shortness_of_breath": has_shortness_of_breath,
              "measurement_duration_seconds": measurement_duration_seconds}
    assessment = assess_heart_rate(**fields, age_years=age_years(profile) if profile else None)
    reading = HeartRateReading.objects.create(public_id=new_public_id("hr"), is_sandbox=is_sandbox, profile=profile,
                                              category=assessment.category, alerts=assessment.alerts, **fields)
    return reading, assessment
