"""Heart-rate interpretation: category, interpretation text and alerts for one measurement; trends.

Ranges at rest (beats per minute, awake):
* Adults (18+): 60-100 normal; < 60 bradycardia ("low"); > 100 tachycardia — American Heart
  Association, "All About Heart Rate (Pulse)" (2024). Above normal, "elevated" up to 110 and "high"
  from 111 follow the NEWS2 pulse bands (Royal College of Physicians, National Early Warning Score
  2, 2017: 91-110 scores 1, 111-130 scores 2, <= 40 or >= 131 scores 3); <= 40 or >= 131 also
  raise the ``out_of_range`` alert (a NEWS2 single-parameter red score).
* Children: PALS awake ranges (American Heart Association, Pediatric Advanced Life Support Provider
  Manual, 2020): < 1 year 100-180, 1-2 years 98-140, 3-5 years 80-120, 6-11 years 75-118,
  12-17 years 60-100; "elevated" up to 10 % above the upper bound, "high" beyond.
* Not at rest: maximum heart rate 220 - age (AHA, "Target Heart Rates Chart"); up to 85 % of it is
  the AHA's vigorous-exercise target zone (normal), 85-100 % "elevated", above it "high".
An irregular pulse is reported for follow-up because atrial fibrillation is found by pulse palpation
(ESC 2020 Guidelines for atrial fibrillation, opportunistic screening by pulse taking, class I).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime

NORMAL, ELEVATED, HIGH, LOW = "normal", "elevated", "high", "low"
PALS_RANGES = ((1, 100, 180), (3, 98, 140), (6, 80, 120), (12, 75, 118), (18, 60, 100))  # (age below, low, high)
ADULT_RANGE = (60, 100)
NEWS2_ELEVATED_MAX = 110
NEWS2_RED_LOW, NEWS2_RED_HIGH = 40, 131
SHORT_MEASUREMENT_SECONDS = 15


@dataclass(frozen=True)
class HeartRateAssessment:
    """``category``, ``interpretation`` (English), ``alerts`` ``[{"type", "severity", "message"}]``,
    ``normal_range`` ``(low, high)`` bpm used."""

    category: str
    interpretation: str
    alerts: list[dict] = field(default_factory=list)
    normal_range: tuple[int, int] = ADULT_RANGE


def resting_range(age_years: int | None) -> tuple[int, int]:
    """Normal awake resting range (bpm) for ``age_years`` (adult range when unknown)."""
    if age_years is None or age_years >= 18:
        return ADULT_RANGE
    for below, low, high in PALS_RANGES:
        if age_years < below:
            return low, high
    return ADULT_RANGE


def assess_heart_rate(
    *, heart_rate_bpm: int, is_resting: bool = True, feels_regular: bool = True, has_palpitations: bool = False,
    has_shortness_of_breath: bool = False, measurement_duration_seconds: int = 60, age_years: int | None = None,
) -> HeartRateAssessment:
    """Categorise one measurement (see the module docstring for every threshold's source)."""
    low, high = resting_range(age_years)
    adult = age_years is None or age_years >= 18
    if is_resting:
        elevated_max = NEWS2_ELEVATED_MAX if adult else int(high * 1.1)
        if heart_rate_bpm < low:
            category = LOW
        elif heart_rate_bpm <= high:
            category = NORMAL
        elif heart_rate_bpm <= elevated_max:
            category = ELEVATED
        else:
            category = HIGH
        reference = (low, high)
    else:
        maximum = 220 - (age_years if age_years is not None else 40)
        if heart_rate_bpm < low:
            category = LOW
        elif heart_rate_bpm <= 0.85 * maximum:
            category = NORMAL
        elif heart_rate_bpm <= maximum:
            category = ELEVATED
        else:
            category = HIGH
        reference = (low, int(0.85 * maximum))

    alerts: list[dict] = []
    out_of_range = adult and (heart_rate_bpm <= NEWS2_RED_LOW or (is_resting and heart_rate_bpm >= NEWS2_RED_HIGH))
    out_of_range = out_of_range or (not adult and (heart_rate_bpm < low * 0.8 or heart_rate_bpm > high * 1.2))
    if out_of_range:
        alerts.append({"type": "out_of_range", "severity": "high",
                       "message": f"{heart_rate_bpm} bpm is far outside the expected range ({low}-{high} bpm at rest). "
                                  "Seek medical assessment now; call the emergency number if you feel faint, breathless or have chest pain."})
    if has_palpitations:
        alerts.append({"type": "palpitations", "severity": "moderate" if category == NORMAL else "high",
                       "message": "Palpitations were reported: if they last, keep returning or come with dizziness or chest pain, see a clinician."})
    if not feels_regular:
        alerts.append({"type": "irregular_rhythm", "severity": "moderate",
                       "message": "An irregular heartbeat can be a sign of atrial fibrillation; ask your clinician for an ECG."})
    if has_shortness_of_breath:
        alerts.append({"type": "shortness_of_breath", "severity": "high" if category in (HIGH, LOW) or has_palpitations else "moderate",
                       "message": "Shortness of breath with an abnormal heart rate needs prompt medical assessment."})
    if measurement_duration_seconds < SHORT_MEASUREMENT_SECONDS:
        alerts.append({"type": "short_measurement", "severity": "low",
                       "message": f"Measured over {measurement_duration_seconds} s: count for 30-60 s for a reliable rate."})

    state = "at rest" if is_resting else "during activity"
    texts = {
        NORMAL: f"{heart_rate_bpm} bpm {state} is within the normal range ({reference[0]}-{reference[1]} bpm).",
        ELEVATED: f"{heart_rate_bpm} bpm {state} is above the normal range ({reference[0]}-{reference[1]} bpm). "
                  "Caffeine, stress, fever, dehydration or recent activity can raise it; re-measure after 5 minutes of rest.",
        HIGH: f"{heart_rate_bpm} bpm {state} is well above the normal range ({reference[0]}-{reference[1]} bpm) (tachycardia). "
              "If it persists at rest, contact a clinician today.",
        LOW: f"{heart_rate_bpm} bpm {state} is below the normal range ({reference[0]}-{reference[1]} bpm) (bradycardia). "
             "This can be normal for trained athletes; with dizziness, fainting or tiredness see a clinician.",
    }
    return HeartRateAssessment(category=category, interpretation=texts[category], alerts=alerts, normal_range=(low, high))


# --- history ------------------------------------------------------------------------------------

# A reading is an anomaly when it lies more than this many standard deviations from the mean of the
# other resting readings (a plain z-score rule; at least MIN_HISTORY readings are needed).
ANOMALY_Z = 2.5
MIN_HISTORY = 5


def trend(readings: list[tuple[datetime, int, bool]]) -> dict:
    """Trend of ``[(measured_at, bpm, is_resting)]`` (any order), resting readings only.

    Returns ``{"count", "mean_bpm", "min_bpm", "max_bpm", "slope_bpm_per_day", "direction"
    ("rising"|"falling"|"stable"|None), "anomalies": [index into readings]}``; the slope is the
    least-squares line through (days, bpm); |slope| < 0.5 bpm/day is "stable".
    """
    resting = [(i, t, bpm) for i, (t, bpm, rest) in enumerate(readings) if rest]
    if not resting:
        return {"count": 0, "mean_bpm": None, "min_bpm": None, "max_bpm": None, "slope_bpm_per_day": None,
                "direction": None, "anomalies": []}
    values = [bpm for _, _, bpm in resting]
    slope = None
    if len(resting) >= 2:
        t0 = min(t for _, t, _ in resting)
        days = [(t - t0).total_seconds() / 86400 for _, t, _ in resting]
        if max(days) - min(days) > 0:
            slope = statistics.linear_regression(days, values).slope
    anomalies = []
    if len(resting) >= MIN_HISTORY:
        for position, (index, _, bpm) in enumerate(resting):
            others = values[:position] + values[position + 1:]
            spread = statistics.pstdev(others)
            if spread > 0 and abs(bpm - statistics.fmean(others)) / spread > ANOMALY_Z:
                anomalies.append(index)
    direction = None if slope is None else ("stable" if abs(slope) < 0.5 else "rising" if slope > 0 else "falling")
    return {"count": len(values), "mean_bpm": round(statistics.fmean(values), 1), "min_bpm": min(values),
            "max_bpm": max(values), "slope_bpm_per_day": None if slope is None else round(slope, 2),
            "direction": direction, "anomalies": anomalies}
