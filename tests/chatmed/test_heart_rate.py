"""Heart rate: categories, alerts, history, trend and anomalies."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.chatmed.conftest import assert_error


@pytest.mark.parametrize("bpm, resting, age, category", [
    (72, True, None, "normal"), (55, True, None, "low"), (105, True, None, "elevated"), (125, True, None, "high"),
    (130, True, 4, "elevated"), (150, True, 0, "normal"), (150, False, 30, "normal"), (180, False, 30, "elevated"),
    (200, False, 30, "high"),
])
def test_categories(bpm, resting, age, category):
    from chatmed.vitals.heart_rate import assess_heart_rate

    assert assess_heart_rate(heart_rate_bpm=bpm, is_resting=resting, age_years=age).category == category


def test_alerts():
    from chatmed.vitals.heart_rate import assess_heart_rate

    result = assess_heart_rate(heart_rate_bpm=140, feels_regular=False, has_palpitations=True, has_shortness_of_breath=True,
                               measurement_duration_seconds=10)
    assert {a["type"] for a in result.alerts} == {"out_of_range", "palpitations", "irregular_rhythm", "shortness_of_breath",
                                                   "short_measurement"}
    assert assess_heart_rate(heart_rate_bpm=72).alerts == []


def test_trend_and_anomaly():
    from chatmed.vitals.heart_rate import trend

    start = datetime(2026, 1, 1)
    readings = [(start + timedelta(days=i), 60 + i, True) for i in range(10)] + [(start + timedelta(days=10), 130, True)]
    summary = trend(readings)
    assert summary["direction"] == "rising" and summary["count"] == 11 and summary["anomalies"] == [10]


@pytest.mark.django_db
def test_endpoint_seed_example_defaults_history(cm, cm_other):
    response = cm.post("/api/v1/health/heart-rate", {"heart_rate_bpm": 72}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["category"] == "normal" and body["interpretation"] and body["alerts"] == []
    assert body["is_resting"] is True and body["feels_regular"] is True and body["measurement_duration_seconds"] == 60
    pid = cm.post("/api/v1/profiles", {"date_of_birth": "2020-01-01"}, format="json").json()["profile_id"]
    child = cm.post("/api/v1/health/heart-rate", {"heart_rate_bpm": 115, "profile_id": pid, "feels_regular": False,
                                                  "has_palpitations": True}, format="json").json()
    assert child["category"] == "normal" and {a["type"] for a in child["alerts"]} == {"palpitations", "irregular_rhythm"}
    history = cm.get(f"/api/v1/health/heart-rate?profile_id={pid}").json()
    assert [r["heart_rate_bpm"] for r in history["readings"]] == [115] and history["trend"]["count"] == 1
    assert cm.get(f"/api/v1/profiles/{pid}").json()["vitals"]["heart_rate"][0]["heart_rate_bpm"] == 115
    assert cm.get("/api/v1/health/heart-rate").json()["readings"][0]["heart_rate_bpm"] == 72
    assert cm_other.get("/api/v1/health/heart-rate").json()["readings"] == []
    assert_error(cm.post("/api/v1/health/heart-rate", {"heart_rate_bpm": "fast"}, format="json"), 400, "bad_request")
