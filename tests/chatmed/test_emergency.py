"""Emergency detection: the evaluation set, negation, languages, numbers, facilities, the endpoint."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.chatmed.conftest import assert_error

DATA = Path(__file__).resolve().parents[2] / "chatmed" / "emergency" / "data"
FIXTURES = Path(__file__).parent / "fixtures"


def _load(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("name", ["evaluation_set.jsonl", "evaluation_holdout.jsonl", "evaluation_holdout2.jsonl"])
def test_evaluation_set_sensitivity_and_specificity(name):
    from chatmed.emergency.engine import detect

    rows = _load(name)
    if name == "evaluation_set.jsonl":
        assert len(rows) >= 200 and len({r["lang"] for r in rows}) == 8
    critical = [r for r in rows if r["label"] == "critical"]
    others = [r for r in rows if r["label"] != "critical"]
    missed = [r["text"] for r in critical if detect(r["text"]).urgency_level != "critical"]
    false_alarms = [r["text"] for r in others if detect(r["text"]).urgency_level == "critical"]
    sensitivity = 1 - len(missed) / len(critical)
    specificity = 1 - len(false_alarms) / len(others)
    assert sensitivity >= 0.98, missed
    assert specificity >= 0.90, false_alarms


@pytest.mark.parametrize("text", [
    "No chest pain, no shortness of breath", "I don't have chest pain", "denies chest pain",
    "pas de douleur thoracique", "keine Brustschmerzen", "sin dolor en el pecho", "non ho dolore al petto",
    "não tenho dor no peito", "no tinc dolor al pit", "لا يوجد ألم في الصدر", "I am not suicidal",
])
def test_negated_red_flags_do_not_fire(text):
    from chatmed.emergency.engine import detect

    detection = detect(text)
    assert detection.urgency_level != "critical" and detection.negated


def test_negation_scope_ends_at_but():
    from chatmed.emergency.engine import detect

    assert detect("no fever but crushing chest pain and sweating").urgency_level == "critical"


def test_profile_context_supplies_diabetes():
    from chatmed.emergency.engine import detect

    assert detect("my breath smells fruity and I'm breathing fast").urgency_level != "critical"
    assert detect("my breath smells fruity and I'm breathing fast", history_codes=("E10.9",)).rule.id == "dka"


def test_every_rule_cites_a_source_and_every_language_has_every_cue():
    from chatmed.emergency.lexicon import LANGUAGES
    from chatmed.emergency.rules import RULES
    from chatmed.emergency.text import lexicon

    assert all(rule.source and rule.actions for rule in RULES)
    english = set(lexicon("en").cues)
    for language in LANGUAGES:
        assert set(lexicon(language).cues) == english, language


def test_haversine_and_numbers():
    from chatmed.emergency.facilities import haversine_km
    from chatmed.emergency.numbers import emergency_number

    assert haversine_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(343.9, abs=1.0)  # Paris-London
    assert emergency_number("FR").startswith("15") and emergency_number("us") == "911"
    assert emergency_number("GB").startswith("999") and emergency_number(None) == "112/911"


@pytest.mark.django_db
def test_detect_endpoint_seed_example_with_nearby_facility(cm, clinic):
    from django_tenants.utils import tenant_context

    with tenant_context(clinic):
        call_command("chatmed_import_facilities", "clinic-a", str(FIXTURES / "facilities.csv"), stdout=StringIO(), stderr=StringIO())
    response = cm.post("/api/v1/emergency/detect", {
        "symptoms": "Severe chest pain radiating to left arm, profuse sweating",
        "location": {"lat": 48.8566, "lng": 2.3522}}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["urgency_level"] == "critical"
    assert body["suspected_condition"] == "Acute Myocardial Infarction"
    assert 0 < body["confidence"] <= 1
    assert body["actions"][0] == "Call emergency services immediately (15 (SAMU) / 112)."
    assert body["nearby_emergency"] == {"name": "Hôpital Lariboisière", "distance_km": 2.9, "phone": "+33149956565"}
    assert response["X-Request-ID"].startswith("req_")


@pytest.mark.django_db
def test_detect_in_arabic_answers_in_arabic_and_without_location(cm):
    body = cm.post("/api/v1/emergency/detect", {"symptoms": "لا أستطيع أن أتنفس"}, format="json").json()
    assert body["urgency_level"] == "critical" and body["language"] == "ar"
    assert body["actions"][0].startswith("اتصل بخدمات الطوارئ") and body["nearby_emergency"] is None


@pytest.mark.django_db
def test_detect_uses_profile_country_and_low_answer(cm):
    profile = cm.post("/api/v1/profiles", {"country": "GB"}, format="json").json()
    body = cm.post("/api/v1/emergency/detect", {"symptoms": "my skin is dry", "profile_id": profile["profile_id"]},
                   format="json").json()
    assert body["urgency_level"] == "low" and body["suspected_condition"] is None and "999" in " ".join(body["actions"])


@pytest.mark.django_db
def test_detect_validation(cm):
    assert_error(cm.post("/api/v1/emergency/detect", {"symptoms": "pain", "location": {"lat": 123, "lng": 0}},
                         format="json"), 422, "validation_error")
    assert_error(cm.post("/api/v1/emergency/detect", {"symptoms": "pain", "profile_id": "prof_nope"}, format="json"),
                 404, "not_found")


@pytest.mark.django_db
def test_facilities_are_per_clinic(cm, cm_other, clinic):
    from django_tenants.utils import tenant_context

    with tenant_context(clinic):
        call_command("chatmed_import_facilities", "clinic-a", str(FIXTURES / "facilities.csv"), stdout=StringIO(), stderr=StringIO())
    body = cm_other.post("/api/v1/emergency/detect", {"symptoms": "I can't breathe", "location": {"lat": 48.8566, "lng": 2.3522}},
                         format="json").json()
    assert body["nearby_emergency"] is None


@pytest.mark.django_db
def test_import_command_csv_and_geojson(clinic):
    from django_tenants.utils import tenant_context

    from chatmed.models import EmergencyFacility

    out, err = StringIO(), StringIO()
    call_command("chatmed_import_facilities", "clinic-a", str(FIXTURES / "facilities.csv"), stdout=out, stderr=err)
    assert "2 created, 0 updated, 1 rejected" in out.getvalue() and "row 3" in err.getvalue()
    call_command("chatmed_import_facilities", "clinic-a", str(FIXTURES / "facilities.geojson"), stdout=out, stderr=err)
    call_command("chatmed_import_facilities", "clinic-a", str(FIXTURES / "facilities.csv"), stdout=out, stderr=err)
    with tenant_context(clinic):
        assert EmergencyFacility.objects.count() == 4
        barcelona = EmergencyFacility.objects.get(country="ES")
        assert barcelona.phone == "+34932275400" and barcelona.latitude == pytest.approx(41.3887)
