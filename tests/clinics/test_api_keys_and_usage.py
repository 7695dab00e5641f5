"""API keys, authentication, rate limits, usage metering and clinic isolation on /v1."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from clinics.models import ApiKey, Service, UsageRecord
from clinics.services import api_key_create, api_key_revoke, hash_api_key, usage_record

pytestmark = pytest.mark.django_db


def test_health_is_public(anon_client):
    response = anon_client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("path", ["/v1/usage", "/v1/transcribe"])
def test_missing_key_is_401_with_error_body(anon_client, path):
    response = anon_client.get(path) if path == "/v1/usage" else anon_client.post(path)
    assert response.status_code == 401
    assert response.json() == {"error": "Missing API key"}


def test_invalid_key_is_401(anon_client):
    anon_client.credentials(HTTP_X_API_KEY="msk_not-a-real-key")
    response = anon_client.get("/v1/usage")
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid API key"}


def test_key_is_stored_only_as_hash_and_prefix(clinic):
    api_key, raw = api_key_create(clinic=clinic, name="ehr")
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert raw.startswith("msk_") and len(raw) > 40
    assert stored.hashed_key == hash_api_key(raw) and raw not in stored.hashed_key
    assert raw.startswith(stored.prefix) and len(stored.prefix) == 12
    assert not any(raw == value for value in ApiKey.objects.values_list("hashed_key", "prefix", "name")[0])


def test_revoked_key_stops_working(anon_client, clinic):
    api_key, raw = api_key_create(clinic=clinic)
    anon_client.credentials(HTTP_X_API_KEY=raw)
    assert anon_client.get("/v1/usage").status_code == 200
    api_key_revoke(api_key=api_key)
    response = anon_client.get("/v1/usage")
    assert response.status_code == 401


def test_last_used_is_recorded(api_client, clinic):
    assert ApiKey.objects.filter(clinic=clinic, last_used_at__isnull=False).count() == 0
    api_client.get("/v1/usage")
    assert ApiKey.objects.filter(clinic=clinic, last_used_at__isnull=False).count() == 1


def test_inactive_clinic_key_is_rejected(api_client, clinic):
    clinic.is_active = False
    clinic.save(update_fields=["is_active"])
    assert api_client.get("/v1/usage").status_code == 401


def test_usage_shape_and_figures(api_client, clinic, other_clinic):
    usage_record(clinic=clinic, service=Service.TRANSCRIPTION, duration_seconds=100.5)
    usage_record(clinic=clinic, service=Service.TRANSCRIPTION, duration_seconds=60)
    usage_record(clinic=clinic, service=Service.WHATSAPP)
    old = usage_record(clinic=clinic, service=Service.AGENT_CALL, duration_seconds=45)
    UsageRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    usage_record(clinic=other_clinic, service=Service.TRANSCRIPTION, duration_seconds=999)

    response = api_client.get("/v1/usage?days=30")
    assert response.status_code == 200
    assert response.json() == {
        "client_id": "clinic-a",
        "period_days": 30,
        "services": {
            "transcription": {"requests": 2, "total_duration_seconds": 160.5},
            "whatsapp": {"requests": 1, "total_duration_seconds": 0},
            "agent_call": {"requests": 0, "total_duration_seconds": 0},
        },
    }
    longer = api_client.get("/v1/usage?days=60").json()
    assert longer["period_days"] == 60
    assert longer["services"]["agent_call"] == {"requests": 1, "total_duration_seconds": 45}


def test_usage_default_period_is_30_days(api_client):
    assert api_client.get("/v1/usage").json()["period_days"] == 30


@pytest.mark.parametrize("days", ["0", "-3", "abc", "10000"])
def test_usage_bad_days_is_422(api_client, days):
    response = api_client.get(f"/v1/usage?days={days}")
    assert response.status_code == 422
    assert set(response.json()) == {"error"} and "days" in response.json()["error"]


def test_usage_never_counts_other_clinic(api_client, other_api_client, clinic, other_clinic):
    usage_record(clinic=other_clinic, service=Service.WHATSAPP)
    mine = api_client.get("/v1/usage").json()
    theirs = other_api_client.get("/v1/usage").json()
    assert mine["client_id"] == "clinic-a" and theirs["client_id"] == "clinic-b"
    assert mine["services"]["whatsapp"]["requests"] == 0
    assert theirs["services"]["whatsapp"]["requests"] == 1


def test_rate_limit_headers_and_429(other_api_client):
    """clinic-b is on the starter plan: 10 requests/minute."""
    for i in range(10):
        response = other_api_client.get("/v1/usage")
        assert response.status_code == 200
        assert response["X-RateLimit-Limit"] == "10"
        assert response["X-RateLimit-Remaining"] == str(9 - i)
        assert int(response["X-RateLimit-Reset"]) > timezone.now().timestamp() - 1
    response = other_api_client.get("/v1/usage")
    assert response.status_code == 429
    assert response.json() == {"error": "Rate limit exceeded"}
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["X-RateLimit-Remaining"] == "0"


def test_rate_limit_is_per_key_and_plan(api_client, other_api_client):
    for _ in range(10):
        other_api_client.get("/v1/usage")
    assert other_api_client.get("/v1/usage").status_code == 429
    response = api_client.get("/v1/usage")  # clinic-a (professional) is unaffected
    assert response.status_code == 200 and response["X-RateLimit-Limit"] == "50"


@pytest.mark.redis
def test_rate_limit_shared_through_redis(settings, other_api_key, redis_url):
    """With REDIS_URL the counter lives in Redis: a second limiter (another process) sees it."""
    from limits import RateLimitItemPerMinute
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter

    from medsync.api.ratelimit import check_rate_limit, reset_limiter

    settings.REDIS_URL = redis_url
    reset_limiter()
    key_id = f"shared-{timezone.now().timestamp()}"
    for _ in range(3):
        assert check_rate_limit(key_id=key_id, per_minute=3).allowed
    other_process = FixedWindowRateLimiter(storage_from_string(redis_url))
    assert not other_process.test(RateLimitItemPerMinute(3), "apikey", key_id)
    assert not check_rate_limit(key_id=key_id, per_minute=3).allowed


def test_create_clinic_and_api_key_commands(anon_client):
    out = io.StringIO()
    call_command("create_clinic", "cmd-clinic", "--name", "Cmd Clinic", "--plan", "enterprise", stdout=out)
    out = io.StringIO()
    call_command("create_api_key", "cmd-clinic", stdout=out)
    raw_key = out.getvalue().strip().splitlines()[-1]
    assert raw_key.startswith("msk_")
    anon_client.credentials(HTTP_X_API_KEY=raw_key)
    response = anon_client.get("/v1/usage")
    assert response.status_code == 200
    assert response.json()["client_id"] == "cmd-clinic"
    assert response["X-RateLimit-Limit"] == "500"


def test_create_clinic_rejects_duplicates_and_bad_slugs():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_clinic", "clinic-a", "--name", "Again")
    with pytest.raises(CommandError):
        call_command("create_clinic", "Bad Slug!", "--name", "Bad")
    with pytest.raises(CommandError):
        call_command("create_api_key", "no-such-clinic")


def test_unknown_v1_path_is_json_404(api_client):
    response = api_client.get("/v1/nope")
    assert response.status_code == 404
    assert response.json() == {"error": "Not found"}


def test_openapi_schema_lists_platform_endpoints(anon_client):
    response = anon_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/v1/transcribe" in paths and "/v1/usage" in paths


def test_openapi_schema_generates_without_warnings():
    """Every endpoint documents its request and responses (drf-spectacular emits no warning)."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_api_docs_page_uses_local_assets(anon_client):
    """The Swagger UI works offline: its scripts come from this server, not a CDN."""
    response = anon_client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page and "cdn.jsdelivr" not in page and "/static/" in page
