"""Keys, error shape, request ids, plan access, HTTPS redirect, users/me."""

from __future__ import annotations

import logging

import pytest
from rest_framework.test import APIClient

from tests.chatmed.conftest import assert_error

pytestmark = pytest.mark.django_db


def test_users_me_shows_clinic_plan_limits_and_usage(cm, clinic):
    cm.get("/api/v1/users/me")
    response = cm.get("/api/v1/users/me")
    assert response.status_code == 200
    body = response.json()
    assert body["clinic"] == {"id": "clinic-a", "name": "Clinic A"}
    assert body["plan"]["id"] == "professional"
    assert body["limits"] == {"requests_per_minute": 300, "requests_per_day": 50000, "concurrent": 25}
    assert body["usage"]["requests_today"] == 2
    assert body["api_key"]["mode"] == "live" and body["api_key"]["prefix"].startswith("sk_live_")
    assert response["X-RateLimit-Limit"] == "300" and response["X-RateLimit-Remaining"] == "298"
    assert int(response["X-RateLimit-Reset"]) > 0
    assert response["X-Request-ID"].startswith("req_")


def test_missing_invalid_revoked_and_platform_keys_are_401(clinic, live_key, api_key):
    from clinics.services import api_key_revoke

    assert_error(APIClient().get("/api/v1/users/me"), 401, "unauthorized")
    bad = APIClient()
    bad.credentials(HTTP_X_API_KEY="sk_live_nope")
    assert_error(bad.get("/api/v1/users/me"), 401, "unauthorized")
    platform = APIClient()
    platform.credentials(HTTP_X_API_KEY=api_key)  # an msk_ key of the /v1 surface
    assert_error(platform.get("/api/v1/users/me"), 401, "unauthorized")
    api_key_revoke(api_key=live_key[0])
    revoked = APIClient()
    revoked.credentials(HTTP_X_API_KEY=live_key[1])
    assert_error(revoked.get("/api/v1/users/me"), 401, "unauthorized")


def test_chatmed_keys_do_not_open_the_platform_surface(cm):
    assert cm.get("/v1/usage").status_code == 401


def test_unknown_path_is_chatmed_404_not_medisync(cm):
    body = assert_error(cm.get("/api/v1/no/such/thing"), 404, "not_found")
    assert "success" not in body
    assert_error(APIClient().post("/api/v1/nothing-here", {}, format="json"), 404, "not_found")


def test_unknown_resource_is_404(cm):
    assert_error(cm.get("/api/v1/profiles/prof_missing"), 404, "not_found")


def test_wrong_method_is_405_in_chatmed_shape(cm):
    assert_error(cm.delete("/api/v1/chat/message"), 405, "method_not_allowed")


def test_malformed_json_and_missing_fields_are_400(cm):
    response = cm.generic("POST", "/api/v1/emergency/detect", "{not json", content_type="application/json")
    assert_error(response, 400, "bad_request")
    assert_error(cm.post("/api/v1/emergency/detect", {}, format="json"), 400, "bad_request")
    assert_error(cm.post("/api/v1/emergency/detect", [1, 2], format="json"), 400, "bad_request")


def test_out_of_range_value_is_422(cm):
    body = assert_error(cm.post("/api/v1/health/heart-rate", {"heart_rate_bpm": 1000}, format="json"), 422, "validation_error")
    assert "heart_rate_bpm" in body["message"]


def test_body_over_the_limit_is_413(cm, settings):
    settings.CHATMED_MAX_BODY_BYTES = 1000
    assert_error(cm.post("/api/v1/chat/message", {"message": "x" * 2000}, format="json"), 413, "payload_too_large")


def test_plan_without_the_endpoint_is_403(cm_other, cm):
    from clinics.models import PlanEndpointAccess

    PlanEndpointAccess.objects.create(plan="starter", endpoint="prescriptions", allowed=False)
    response = cm_other.get("/api/v1/prescriptions?profile_id=x")
    body = assert_error(response, 403, "forbidden")
    assert "plan" in body["message"] and response["X-RateLimit-Limit"] == "60"
    assert cm.post("/api/v1/prescriptions/check-interactions", {"medications": ["warfarin"]}, format="json").status_code == 200


def test_unexpected_error_is_500_with_request_id_in_logs(cm, monkeypatch, caplog):
    import chatmed.emergency.views as views

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "emergency_assess", broken)
    with caplog.at_level(logging.INFO, logger="chatmed.api"):
        response = cm.post("/api/v1/emergency/detect", {"symptoms": "cough"}, format="json")
    body = assert_error(response, 500, "internal_error")
    assert "backoff" in body["message"]
    records = [r for r in caplog.records if r.name == "chatmed.api"]
    assert records and all(r.request_id == body["request_id"] for r in records)
    assert any(body["request_id"] in r.getMessage() for r in records)
    assert "cough" not in caplog.text  # no patient data in logs


def test_every_log_record_of_a_request_carries_its_id(cm, caplog):
    with caplog.at_level(logging.INFO):
        response = cm.get("/api/v1/users/me")
    ours = [r for r in caplog.records if r.name.startswith("chatmed")]
    assert ours and {r.request_id for r in ours} == {response["X-Request-ID"]}


def test_http_is_redirected_to_https_in_production(settings, cm):
    settings.SECURE_SSL_REDIRECT = True
    response = cm.get("/api/v1/users/me")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    proxied = cm.get("/api/v1/users/me", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200


def test_create_api_key_command_issues_chatmed_keys(clinic):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_api_key", "clinic-a", "--kind", "chatmed_test", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert raw.startswith("sk_test_")
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw)
    assert client.get("/api/v1/users/me").json()["sandbox"] is True


def test_unreachable_redis_is_503_not_500(cm, settings):
    from chatmed.api.limits import reset_limits

    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    reset_limits()
    body = assert_error(cm.get("/api/v1/users/me"), 503, "service_unavailable")
    assert "backoff" in body["message"]


def test_location_country_chooses_the_emergency_number(cm):
    body = cm.post("/api/v1/emergency/detect", {"symptoms": "she is not breathing", "location": {"lat": -33.87, "lng": 151.2,
                                                                                             "country": "au"}}, format="json").json()
    assert body["actions"][0] == "Call emergency services immediately (000)."
