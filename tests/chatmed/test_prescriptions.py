"""Prescriptions: diagnosis and drug validation, interactions (ANSM), allergies, history, PDF."""

from __future__ import annotations

import pytest

from tests.chatmed.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile_id(cm):
    return cm.post("/api/v1/profiles", {"allergies": ["penicillin"], "medications": ["warfarin"], "date_of_birth": "1950-02-03"},
                   format="json").json()["profile_id"]


def test_create_with_interactions_and_allergies(cm, profile_id):
    response = cm.post("/api/v1/prescriptions", {
        "profile_id": profile_id, "diagnosis": "acute pharyngitis",
        "medications": [{"name": "Amoxicillin", "dose": "500 mg", "route": "oral", "frequency": "3 times a day", "duration": "5 days"},
                        {"name": "aspirin", "dose": "75 mg"}]}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["prescription_id"].startswith("rx_")
    assert body["diagnosis"] == {"text": "acute pharyngitis", "icd10_code": "J02", "description": "Acute pharyngitis"}
    assert body["medications"][0]["name"] == "amoxicillin" and body["medications"][0]["atc_code"] == "J01CA04"
    assert body["medications"][1]["route"] == "oral"  # the default
    warfarin = [i for i in body["interactions"] if "warfarin" in i["drugs"]]
    assert warfarin and warfarin[0]["severity"] in ("contraindicated", "major") and "ANSM" in warfarin[0]["source"]
    allergy = body["allergy_alerts"][0]
    assert allergy["drug"] == "amoxicillin" and allergy["severity"] == "contraindicated" and allergy["source"]


def test_unknown_drug_diagnosis_and_route_are_refused(cm, profile_id):
    body = assert_error(cm.post("/api/v1/prescriptions", {"profile_id": profile_id, "diagnosis": "I10",
                                                          "medications": [{"name": "amlodipine"}, {"name": "wonderpill"}]},
                                format="json"), 422, "validation_error")
    assert "wonderpill" in body["message"]
    assert_error(cm.post("/api/v1/prescriptions", {"profile_id": profile_id, "diagnosis": "feeling meh"}, format="json"),
                 422, "validation_error")
    assert_error(cm.post("/api/v1/prescriptions", {"profile_id": profile_id, "diagnosis": "I10",
                                                   "medications": [{"name": "amlodipine", "route": "telepathic"}]},
                         format="json"), 422, "validation_error")
    assert_error(cm.post("/api/v1/prescriptions", {"diagnosis": "I10"}, format="json"), 400, "bad_request")


def test_history_detail_and_pdf(cm, profile_id):
    first = cm.post("/api/v1/prescriptions/create", {"profile_id": profile_id, "diagnosis": "I10",
                                                     "medications": [{"name": "amlodipine", "dose": "5 mg"}]}, format="json").json()
    second = cm.post("/api/v1/prescriptions", {"profile_id": profile_id, "diagnosis": "E11.9",
                                               "medications": [{"name": "metformin", "dose": "500 mg"}]}, format="json").json()
    history = cm.get(f"/api/v1/prescriptions?profile_id={profile_id}").json()
    assert [p["prescription_id"] for p in history["prescriptions"]] == [second["prescription_id"], first["prescription_id"]]
    assert cm.get(f"/api/v1/prescriptions/{first['prescription_id']}").json()["diagnosis"]["icd10_code"] == "I10"
    pdf = cm.get(first["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 1000 and pdf["X-Request-ID"].startswith("req_")
    assert_error(cm.get("/api/v1/prescriptions"), 400, "bad_request")


def test_check_interactions_without_storing(cm):
    body = cm.post("/api/v1/prescriptions/check-interactions",
                   {"medications": ["simvastatin", "clarithromycin", "paracetamol"]}, format="json").json()
    assert body["interactions"][0]["drugs"] == ["simvastatin", "clarithromycin"]
    assert body["interactions"][0]["severity"] == "contraindicated" and len(body["interactions"]) == 1


def test_drug_list_maps_to_the_ansm_thesaurus():
    from chatmed.prescriptions.drugs import all_drugs
    from chatmed.prescriptions.interactions import _thesaurus

    classes, _ = _thesaurus()
    missing = [d.name for d in all_drugs() if d.ansm_name and d.ansm_name not in classes]
    assert missing == []


@pytest.mark.parametrize("name, code", [("I10", "I10"), ("j029", "J02.9"), ("high blood pressure", "I10"),
                                        ("type 2 diabetes", "E11"), ("atrial fibrillation", "I48.91"),
                                        ("common cold", "J00")])
def test_diagnosis_names_resolve_to_icd10(name, code):
    from chatmed.icd10 import icd10_resolve

    assert icd10_resolve(name)[0] == code


def test_nonsense_diagnosis_does_not_resolve():
    from chatmed.icd10 import icd10_resolve

    assert icd10_resolve("feeling meh") is None and icd10_resolve("Z99.99") is None
