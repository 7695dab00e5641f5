"""``/v1/agent-call``: the seed's contract, bad input (422 naming the field), list / cancel / settings
extras, usage rows, and cross-clinic isolation on every endpoint."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from tests.calls.conftest import REMINDER, get_call

pytestmark = pytest.mark.django_db


def test_create_answers_the_seed_shape_and_the_call_rings_in_the_simulator(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/v1/agent-call", {**REMINDER, "patient_phone": "+34 612 34 56 78"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"call_sid", "status", "message"}
    assert body["status"] == "initiated" and body["message"] == "Call initiated to +34612345678"
    assert body["call_sid"].startswith("CA") and len(body["call_sid"]) == 34
    assert "X-RateLimit-Limit" in response
    connection.set_schema_to_public()
    data = get_call(api_client, body["call_sid"])
    assert data["status"] == "ringing" and data["patient_phone"] == "+34612345678"
    assert data["transcript"] == [] and data["summary"] is None and data["duration_seconds"] == 0
    assert data["purpose"] == "appointment_reminder" and data["language"] == "en"


@pytest.mark.parametrize("change, field", [
    ({"patient_phone": "612345678"}, "patient_phone"),
    ({"patient_phone": "+34 000"}, "patient_phone"),
    ({"patient_name": "   "}, "patient_name"),
    ({"purpose": "sales_pitch"}, "purpose"),
    ({"language": "nl"}, "language"),
    ({"callback_url": "ftp://example.org/x"}, "callback_url"),
    ({"context": {"appointment_date": "20/05/2026", "appointment_time": "09:30"}}, "context.appointment_date"),
    ({"context": {"appointment_date": "2026-05-20", "appointment_time": "9.30am"}}, "context.appointment_time"),
    ({"context": {"appointment_time": "09:30"}}, "context.appointment_date"),
    ({"context": "tomorrow"}, "context"),
    ({"purpose": "custom", "context": {}}, "context.prompt"),
    ({"context": {**REMINDER["context"], "appointment_id": "3f2c8a2e-0000-4000-8000-000000000000"}},
     "context.appointment_id"),
    ({"context": {**REMINDER["context"], "provider_name": 42}}, "context.provider_name"),
])
def test_bad_input_is_422_naming_the_field_and_stores_nothing(api_client, change, field, clinic):
    from calls.models import AgentCall

    response = api_client.post("/v1/agent-call", {**REMINDER, **change}, format="json")
    assert response.status_code == 422, response.content
    assert set(response.json()) == {"error"}
    assert response.json()["error"].startswith(field + ":")
    connection.set_tenant(clinic)
    assert not AgentCall.objects.exists()


def test_missing_fields_and_malformed_json_are_422(api_client):
    response = api_client.post("/v1/agent-call", {"patient_name": "Ana"}, format="json")
    assert response.status_code == 422 and response.json()["error"].startswith("patient_phone:")
    response = api_client.post("/v1/agent-call", "{not json", content_type="application/json")
    assert response.status_code == 422 and "error" in response.json()


def test_missing_or_invalid_key_is_401(anon_client):
    assert anon_client.post("/v1/agent-call", REMINDER, format="json").status_code == 401
    anon_client.credentials(HTTP_X_API_KEY="msk_nope")
    response = anon_client.get("/v1/agent-call/CA" + "0" * 32)
    assert response.status_code == 401 and set(response.json()) == {"error"}


def test_another_clinics_call_is_404_everywhere(api_client, other_api_client, place_call):
    call_sid = place_call()
    for method, url in [("get", f"/v1/agent-call/{call_sid}"), ("post", f"/v1/agent-call/{call_sid}/cancel")]:
        response = getattr(other_api_client, method)(url)
        assert response.status_code == 404 and response.json() == {"error": "Call not found"}
        connection.set_schema_to_public()
    listed = other_api_client.get("/v1/agent-calls").json()["calls"]
    assert listed == []
    connection.set_schema_to_public()
    assert api_client.get("/v1/agent-call/CA" + "0" * 32).status_code == 404


def test_list_filters_by_status_and_since(api_client, place_call):
    first = place_call()
    second = place_call(patient_phone="+34699111222")
    calls = api_client.get("/v1/agent-calls").json()["calls"]
    assert [c["call_sid"] for c in calls] == [second, first]
    connection.set_schema_to_public()
    assert api_client.get("/v1/agent-calls?status=canceled").json()["calls"] == []
    connection.set_schema_to_public()
    assert len(api_client.get("/v1/agent-calls?status=ringing&since=2020-01-01").json()["calls"]) == 2
    connection.set_schema_to_public()
    assert api_client.get("/v1/agent-calls?since=2999-01-01T00:00:00Z").json()["calls"] == []
    connection.set_schema_to_public()
    for bad in ("status=lost", "since=yesterday"):
        response = api_client.get(f"/v1/agent-calls?{bad}")
        assert response.status_code == 422 and response.json()["error"].split(":")[0] in bad
        connection.set_schema_to_public()


def test_cancel_only_while_queued(api_client, place_call, clock, clinic):
    clock.advance(hours=12)  # 22:00 in Madrid: outside calling hours, the call waits
    queued = place_call()
    data = get_call(api_client, queued)
    assert data["status"] == "initiated" and data["waiting_reason"] == "calling_hours"
    response = api_client.post(f"/v1/agent-call/{queued}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "canceled"
    connection.set_schema_to_public()
    again = api_client.post(f"/v1/agent-call/{queued}/cancel")
    assert again.status_code == 409 and "canceled" in again.json()["error"]
    connection.set_schema_to_public()
    clock.advance(hours=12)  # 10:00 next day: a ringing call cannot be cancelled
    ringing = place_call()
    response = api_client.post(f"/v1/agent-call/{ringing}/cancel")
    assert response.status_code == 409 and "ringing" in response.json()["error"]


def test_usage_counts_requests_and_call_seconds_per_clinic(api_client, other_api_client, place_call, take_call,
                                                           clinic, clock):
    call_sid = place_call()
    clock.advance(seconds=5)
    take_call(call_sid, clinic, ["Yes, that's me", "Yes, I'll be there"])
    place_call()  # still ringing: counted as a request, no seconds yet
    usage = api_client.get("/v1/usage").json()["services"]["agent_call"]
    assert usage["requests"] == 2
    connection.set_schema_to_public()
    assert get_call(api_client, call_sid)["duration_seconds"] == usage["total_duration_seconds"]
    other = other_api_client.get("/v1/usage").json()["services"]["agent_call"]
    assert other == {"requests": 0, "total_duration_seconds": 0}


def test_settings_read_update_and_validation(api_client, other_api_client):
    data = api_client.get("/v1/agent-call/settings").json()
    assert data["callback_signing_secret"].startswith("whsec_") and "twilio_auth_token" not in data
    connection.set_schema_to_public()
    response = api_client.patch("/v1/agent-call/settings", {"max_attempts": 2, "calling_days": [1, 2, 3],
                                                            "twilio_auth_token": "secret"}, format="json")
    assert response.status_code == 200 and response.json()["max_attempts"] == 2
    assert response.json()["calling_hours"] == data["calling_hours"]
    assert re.fullmatch(r"\d\d:\d\d-\d\d:\d\d", data["calling_hours"])
    connection.set_schema_to_public()
    response = api_client.patch("/v1/agent-call/settings", {"calling_hours": "08:30-19:00"}, format="json")
    assert response.status_code == 200 and response.json()["calling_hours"] == "08:30-19:00"
    assert "twilio_auth_token" not in response.json()
    connection.set_schema_to_public()
    for bad, field in [({"time_zone": "Mars/Base"}, "time_zone"), ({"calling_days": [0, 9]}, "calling_days"),
                       ({"calling_hours": "21:00-20:00"}, "calling_hours"), ({"calling_hours": "9-5"}, "calling_hours"),
                       ({"max_attempts": 0}, "max_attempts"),
                       ({"from_number": "12"}, "from_number")]:
        response = api_client.patch("/v1/agent-call/settings", bad, format="json")
        assert response.status_code == 422 and response.json()["error"].startswith(field), response.content
        connection.set_schema_to_public()
    other = other_api_client.get("/v1/agent-call/settings").json()
    assert other["max_attempts"] == 3 and other["callback_signing_secret"] != data["callback_signing_secret"]


def test_requests_count_against_the_plans_rate_limit(other_api_client):
    # clinic B is on the starter plan: 10 requests per minute per key
    for _ in range(10):
        assert other_api_client.post("/v1/agent-call", {**REMINDER, "patient_name": ""}, format="json") \
            .status_code == 422
        connection.set_schema_to_public()
    response = other_api_client.post("/v1/agent-call", REMINDER, format="json")
    assert response.status_code == 429 and "Retry-After" in response and set(response.json()) == {"error"}
