"""Health profiles, cross-clinic isolation and the sandbox."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.chatmed.conftest import assert_error

pytestmark = pytest.mark.django_db

PROFILE = {"external_id": "pat-42", "date_of_birth": "1970-05-01", "sex": "female", "country": "fr", "language": "fr",
           "conditions": ["I10", {"code": "e119"}, "asthma"], "medications": ["Amlodipine", {"name": "metformin", "dose": "500 mg"}],
           "allergies": ["Penicillin"]}


def test_create_read_update_list(cm):
    created = cm.post("/api/v1/profiles", PROFILE, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["profile_id"].startswith("prof_") and body["country"] == "FR" and body["age_years"] >= 55
    assert [c["code"] for c in body["conditions"]] == ["I10", "E11.9", "J45"]
    assert [m["name"] for m in body["medications"]] == ["amlodipine", "metformin"]
    assert body["medications"][1] == {"name": "metformin", "dose": "500 mg", "atc_code": "A10BA02"}
    assert body["allergies"] == ["penicillin"] and body["vitals"] == {"heart_rate": []}
    pid = body["profile_id"]
    assert cm.get(f"/api/v1/profiles/{pid}").json()["external_id"] == "pat-42"
    updated = cm.patch(f"/api/v1/profiles/{pid}", {"allergies": ["latex"], "sex": "other"}, format="json").json()
    assert updated["allergies"] == ["latex"] and updated["sex"] == "other" and updated["conditions"][0]["code"] == "I10"
    listing = cm.get("/api/v1/profiles").json()
    assert listing["count"] == 1 and listing["profiles"][0]["profile_id"] == pid


def test_unknown_condition_or_drug_is_422(cm):
    body = assert_error(cm.post("/api/v1/profiles", {"conditions": ["Q99.999X"]}, format="json"), 422, "validation_error")
    assert "conditions" in body["message"]
    body = assert_error(cm.post("/api/v1/profiles", {"medications": ["metformin", "unobtainium"]}, format="json"), 422,
                        "validation_error")
    assert "unobtainium" in body["message"]
    assert_error(cm.post("/api/v1/profiles", {"date_of_birth": "2999-01-01"}, format="json"), 422, "validation_error")
    assert_error(cm.post("/api/v1/profiles", {"sex": "robot"}, format="json"), 422, "validation_error")


def test_other_clinic_cannot_see_or_change_profiles(cm, cm_other):
    pid = cm.post("/api/v1/profiles", PROFILE, format="json").json()["profile_id"]
    assert_error(cm_other.get(f"/api/v1/profiles/{pid}"), 404, "not_found")
    assert_error(cm_other.patch(f"/api/v1/profiles/{pid}", {"sex": "male"}, format="json"), 404, "not_found")
    assert cm_other.get("/api/v1/profiles").json()["count"] == 0
    assert_error(cm_other.post("/api/v1/chat/message", {"message": "hi", "profile_id": pid}, format="json"), 404, "not_found")
    assert_error(cm_other.post("/api/v1/health/heart-rate", {"heart_rate_bpm": 70, "profile_id": pid}, format="json"), 404, "not_found")
    assert_error(cm_other.post("/api/v1/prescriptions", {"profile_id": pid, "diagnosis": "I10"}, format="json"), 404, "not_found")
    assert cm.get(f"/api/v1/profiles/{pid}").json()["sex"] == "female"


def test_other_clinic_cannot_read_sessions_or_prescriptions(cm, cm_other):
    pid = cm.post("/api/v1/profiles", PROFILE, format="json").json()["profile_id"]
    cm.post("/api/v1/chat/message", {"message": "What is asthma?", "session_id": "sess_shared"}, format="json")
    assert_error(cm_other.get("/api/v1/chat/sessions/sess_shared"), 404, "not_found")
    # The same client-chosen session id in clinic B starts B's own conversation.
    cm_other.post("/api/v1/chat/message", {"message": "hello", "session_id": "sess_shared"}, format="json")
    assert len(cm.get("/api/v1/chat/sessions/sess_shared").json()["messages"]) == 2
    rx = cm.post("/api/v1/prescriptions", {"profile_id": pid, "diagnosis": "J45", "medications": [{"name": "salbutamol"}]},
                 format="json").json()
    assert_error(cm_other.get(f"/api/v1/prescriptions/{rx['prescription_id']}"), 404, "not_found")
    assert_error(cm_other.get(f"/api/v1/prescriptions/{rx['prescription_id']}/pdf"), 404, "not_found")
    assert_error(cm_other.get(f"/api/v1/prescriptions?profile_id={pid}"), 404, "not_found")


def test_sandbox_data_is_kept_apart_and_can_be_wiped(cm, cm_test, clinic):
    live = cm.post("/api/v1/profiles", PROFILE, format="json").json()["profile_id"]
    sandbox = cm_test.post("/api/v1/profiles", PROFILE, format="json").json()["profile_id"]
    assert_error(cm_test.get(f"/api/v1/profiles/{live}"), 404, "not_found")
    assert_error(cm.get(f"/api/v1/profiles/{sandbox}"), 404, "not_found")
    assert cm.get("/api/v1/profiles").json()["count"] == 1 and cm_test.get("/api/v1/profiles").json()["count"] == 1
    cm_test.post("/api/v1/health/heart-rate", {"heart_rate_bpm": 80, "profile_id": sandbox}, format="json")
    cm_test.post("/api/v1/chat/message", {"message": "cough", "session_id": "s1"}, format="json")
    out = StringIO()
    call_command("chatmed_wipe_sandbox", "clinic-a", stdout=out)
    assert "1 profiles" in out.getvalue() and "1 chat_sessions" in out.getvalue()
    assert cm_test.get("/api/v1/profiles").json()["count"] == 0
    assert cm.get(f"/api/v1/profiles/{live}").status_code == 200
