"""MediSync API: patients and appointments (shapes, validation, FHIR statuses, clinic isolation)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from records.models import Appointment, Patient

pytestmark = pytest.mark.django_db

JANE = {
    "firstName": "Jane", "lastName": "Smith", "dateOfBirth": "1985-03-15",
    "address": {"street": "123 Main St", "city": "Berlin", "zipCode": "10115", "country": "Germany"},
    "insurance": {"provider": "AOK", "policyNumber": "123456789"},
    "contact": {"phone": "+49 30 12345678", "email": "jane.smith@example.com"},
}


def add_patient(client, doctor, body=None) -> dict:
    response = client.post(f"/api/patients/add?uid={doctor.uid}", body or JANE, format="json")
    assert response.status_code == 201, response.content
    return response.json()["patient"]


def add_appointment(client, doctor, patient_id, **overrides) -> dict:
    body = {"name": "Annual Checkup", "date": "2024-01-15", "time": "14:30", "patient_id": patient_id,
            "status": "planned", "language": "de", "notes_type": "soap_clinical_notes_de",
            "appointment_type": "in_person"} | overrides
    response = client.post(f"/api/appointments/add?uid={doctor.uid}", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["appointment"]


# --- patients ------------------------------------------------------------------------------------


def test_add_patient_shape(doctor_client, doctor, clinic):
    response = doctor_client.post(f"/api/patients/add?uid={doctor.uid}", JANE, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"success", "patient"} and body["success"] is True
    patient = body["patient"]
    assert set(patient) == {"_id", "firstName", "lastName", "name", "dateOfBirth", "address", "insurance", "contact",
                            "createdAt", "updatedAt"}
    assert (patient["firstName"], patient["lastName"], patient["name"]) == ("Jane", "Smith", "Jane Smith")
    assert patient["dateOfBirth"] == "1985-03-15"
    assert patient["address"] == JANE["address"] and patient["insurance"] == JANE["insurance"]
    assert patient["contact"] == {"phone": "+493012345678", "email": "jane.smith@example.com"}
    with schema_context(clinic.schema_name):
        stored = Patient.objects.get(uuid=patient["_id"])
        assert stored.created_by == doctor.uid and stored.contact["phone"] == "+493012345678"


def test_single_name_is_split(doctor_client, doctor):
    patient = add_patient(doctor_client, doctor, {"name": "Maria del Carmen Ortega"})
    assert (patient["firstName"], patient["lastName"]) == ("Maria del Carmen", "Ortega")
    assert patient["address"] == {} and patient["dateOfBirth"] is None


@pytest.mark.parametrize("body,field", [
    ({}, "firstName"),
    ({"firstName": "A", "dateOfBirth": "2999-01-01"}, "dateOfBirth"),
    ({"firstName": "A", "dateOfBirth": "15.03.1985"}, "dateOfBirth"),
    ({"firstName": "A", "contact": {"phone": "12345"}}, "contact.phone"),
    ({"firstName": "A", "contact": {"email": "nope"}}, "contact.email"),
])
def test_add_patient_validation_is_400(doctor_client, body, field):
    response = doctor_client.post("/api/patients/add", body, format="json")
    assert response.status_code == 400
    assert response.json()["success"] is False and response.json()["error"].startswith(field)


def test_list_get_update_delete_patient(doctor_client, doctor):
    jane = add_patient(doctor_client, doctor)
    add_patient(doctor_client, doctor, {"firstName": "Ali", "lastName": "Baba"})
    listing = doctor_client.get(f"/api/patients?uid={doctor.uid}").json()
    assert listing["success"] is True and listing["total"] == 2 and listing["limit"] == 50
    assert [p["lastName"] for p in listing["patients"]] == ["Baba", "Smith"]
    assert doctor_client.get("/api/patients?search=smi").json()["total"] == 1
    assert doctor_client.get("/api/patients?limit=1&offset=1").json()["patients"][0]["lastName"] == "Smith"
    assert doctor_client.get("/api/patients?limit=0").status_code == 400

    got = doctor_client.get(f"/api/patients/{jane['_id']}").json()
    assert got == {"success": True, "patient": jane}

    patched = doctor_client.patch(f"/api/patients/{jane['_id']}", {"contact": {"phone": "+49 30 7654321"}},
                                  format="json").json()["patient"]
    assert patched["contact"] == {"phone": "+49307654321"} and patched["firstName"] == "Jane"
    assert patched["address"] == JANE["address"]
    replaced = doctor_client.put(f"/api/patients/{jane['_id']}", {"firstName": "Janet", "lastName": "Smith"},
                                 format="json").json()["patient"]
    assert replaced["firstName"] == "Janet" and replaced["address"] == {} and replaced["dateOfBirth"] is None
    assert doctor_client.put(f"/api/patients/{jane['_id']}", {"dateOfBirth": "1980-01-01"},
                             format="json").status_code == 400

    deleted = doctor_client.delete(f"/api/patients/{jane['_id']}")
    assert deleted.status_code == 200 and deleted.json() == {"success": True}
    assert doctor_client.get(f"/api/patients/{jane['_id']}").status_code == 404
    assert doctor_client.get("/api/patients").json()["total"] == 1


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "6f0e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"])
def test_unknown_patient_is_404(doctor_client, bad_id):
    response = doctor_client.get(f"/api/patients/{bad_id}")
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Patient not found"}


def test_other_clinic_never_sees_patients(doctor_client, doctor, other_doctor_client, other_doctor):
    jane = add_patient(doctor_client, doctor)
    for method, path in (("get", f"/api/patients/{jane['_id']}"), ("patch", f"/api/patients/{jane['_id']}"),
                         ("delete", f"/api/patients/{jane['_id']}")):
        response = getattr(other_doctor_client, method)(path, {"firstName": "X"}, format="json")
        assert response.status_code == 404 and "Jane" not in response.content.decode()
    assert other_doctor_client.get("/api/patients").json()["total"] == 0
    # Clinic A's id in clinic B's appointment is an unknown patient there.
    response = other_doctor_client.post("/api/appointments/add", {
        "name": "x", "date": "2024-01-01", "time": "10:00", "patient_id": jane["_id"]}, format="json")
    assert response.status_code == 404
    assert doctor_client.get(f"/api/patients/{jane['_id']}").json()["patient"]["firstName"] == "Jane"


# --- appointments -------------------------------------------------------------------------------


def test_add_appointment_shape(doctor_client, doctor, clinic):
    jane = add_patient(doctor_client, doctor)
    response = doctor_client.post(f"/api/appointments/add?uid={doctor.uid}", {
        "name": "Annual Checkup", "date": "2024-01-15", "time": "14:30", "patient_id": jane["_id"],
        "status": "planned", "language": "de", "notes_type": "soap_clinical_notes_de", "appointment_type": "in_person",
    }, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True
    appointment = body["appointment"]
    # The seed's fields, plus the extra speaker_names (names given to the encounter's speakers).
    assert set(appointment) == {"_id", "name", "date", "time", "patient_id", "patient_name", "status", "fhir_status",
                                "language", "notes_type", "appointment_type", "recording", "created_at", "updated_at",
                                "speaker_names"}
    assert appointment["speaker_names"] == {}
    assert appointment["name"] == "Annual Checkup" and appointment["status"] == "planned"
    assert appointment["fhir_status"] == "booked"
    assert (appointment["date"], appointment["time"]) == ("2024-01-15", "14:30")
    assert appointment["patient_id"] == jane["_id"] and appointment["patient_name"] == "Jane Smith"
    assert (appointment["language"], appointment["notes_type"]) == ("de", "soap_clinical_notes_de")
    assert appointment["appointment_type"] == "in_person" and appointment["recording"] is None


def test_appointment_defaults(doctor_client, doctor):
    jane = add_patient(doctor_client, doctor)
    response = doctor_client.post("/api/appointments/add", {
        "name": "Visit", "date": "2024-02-01", "time": "09:00:00", "patient_id": jane["_id"]}, format="json")
    appointment = response.json()["appointment"]
    assert (appointment["status"], appointment["language"], appointment["notes_type"]) == (
        "planned", "en", "general_consultation")


@pytest.mark.parametrize("overrides,field", [
    ({"notes_type": "poem"}, "notes_type"),
    ({"status": "done"}, "status"),
    ({"language": "xx"}, "language"),
    ({"time": "25:00"}, "time"),
    ({"appointment_type": "teleport"}, "appointment_type"),
    ({"name": ""}, "name"),
])
def test_add_appointment_validation_is_400(doctor_client, doctor, overrides, field):
    jane = add_patient(doctor_client, doctor)
    body = {"name": "Visit", "date": "2024-02-01", "time": "09:00", "patient_id": jane["_id"]} | overrides
    response = doctor_client.post("/api/appointments/add", body, format="json")
    assert response.status_code == 400
    assert response.json()["success"] is False and response.json()["error"].startswith(field)


def test_missing_patient_id_is_400(doctor_client):
    response = doctor_client.post("/api/appointments/add", {"name": "V", "date": "2024-01-01", "time": "10:00"},
                                  format="json")
    assert response.status_code == 400 and response.json()["error"].startswith("patient_id")


def test_clinic_template_as_notes_type(doctor_client, doctor, clinic):
    from templates.models import NoteTemplate

    with schema_context(clinic.schema_name):
        NoteTemplate.objects.create(key="physio", name="Physio", sections=[{"key": "progress", "heading": "Progress"}])
    jane = add_patient(doctor_client, doctor)
    assert add_appointment(doctor_client, doctor, jane["_id"], notes_type="physio")["notes_type"] == "physio"


def test_list_filter_and_update_appointments(doctor_client, doctor):
    jane = add_patient(doctor_client, doctor)
    ali = add_patient(doctor_client, doctor, {"firstName": "Ali", "lastName": "Baba"})
    first = add_appointment(doctor_client, doctor, jane["_id"], date="2024-01-16", time="09:00")
    add_appointment(doctor_client, doctor, jane["_id"], date="2024-01-15", time="14:30")
    add_appointment(doctor_client, doctor, ali["_id"], date="2024-01-16", time="08:00")

    listing = doctor_client.get(f"/api/appointments?uid={doctor.uid}").json()
    assert listing["total"] == 3
    assert [(a["date"], a["time"]) for a in listing["appointments"]] == [
        ("2024-01-15", "14:30"), ("2024-01-16", "08:00"), ("2024-01-16", "09:00")]
    assert doctor_client.get(f"/api/appointments?patient_id={jane['_id']}").json()["total"] == 2
    assert doctor_client.get("/api/appointments?date=2024-01-16").json()["total"] == 2

    updated = doctor_client.patch(f"/api/appointments/{first['_id']}", {"status": "arrived"}, format="json")
    assert updated.status_code == 200
    assert updated.json()["appointment"]["status"] == "arrived" and updated.json()["appointment"]["fhir_status"] == "arrived"
    assert doctor_client.get("/api/appointments?status=arrived").json()["total"] == 1
    assert doctor_client.patch(f"/api/appointments/{first['_id']}", {"notes_type": "nope"},
                               format="json").status_code == 400
    got = doctor_client.get(f"/api/appointments/{first['_id']}").json()
    assert got["appointment"]["status"] == "arrived" and got["appointment"]["notes_type"] == "soap_clinical_notes_de"


def test_other_clinic_never_sees_appointments(doctor_client, doctor, other_doctor_client, clinic):
    jane = add_patient(doctor_client, doctor)
    appointment = add_appointment(doctor_client, doctor, jane["_id"])
    for method, path in (("get", f"/api/appointments/{appointment['_id']}"),
                         ("patch", f"/api/appointments/{appointment['_id']}")):
        response = getattr(other_doctor_client, method)(path, {"status": "cancelled"}, format="json")
        assert response.status_code == 404
        assert response.json() == {"success": False, "error": "Appointment not found"}
    assert other_doctor_client.get("/api/appointments").json()["total"] == 0
    with schema_context(clinic.schema_name):
        assert Appointment.objects.get().status == "planned"
