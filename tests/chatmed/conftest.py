"""ChatMed fixtures: sk_live_/sk_test_ keys of clinic A (professional) and clinic B (starter)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


def _client(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw_key)
    return client


@pytest.fixture(autouse=True)
def _fresh_chatmed_limits():
    from chatmed.api.limits import reset_limits
    from chatmed.emergency.facilities import facilities_cache_clear

    from clinics.selectors import plan_access_cache_clear

    reset_limits()
    facilities_cache_clear()
    plan_access_cache_clear()
    yield
    reset_limits()
    facilities_cache_clear()
    plan_access_cache_clear()


@pytest.fixture
def live_key(clinic):
    from clinics.services import api_key_create

    return api_key_create(clinic=clinic, name="chatmed", kind="chatmed_live")


@pytest.fixture
def cm(live_key) -> APIClient:
    """Clinic A, live key."""
    return _client(live_key[1])


@pytest.fixture
def cm_test(clinic) -> APIClient:
    """Clinic A, sandbox key."""
    from clinics.services import api_key_create

    return _client(api_key_create(clinic=clinic, name="sandbox", kind="chatmed_test")[1])


@pytest.fixture
def cm_other(other_clinic) -> APIClient:
    """Clinic B (starter plan), live key."""
    from clinics.services import api_key_create

    return _client(api_key_create(clinic=other_clinic, name="chatmed", kind="chatmed_live")[1])


def assert_error(response, status: int, slug: str) -> dict:
    """The ChatMed error shape with ``status``/``slug`` and a matching X-Request-ID."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "message", "code", "request_id"}
    assert body["error"] == slug and body["code"] == status and body["message"]
    assert body["request_id"].startswith("req_") and response["X-Request-ID"] == body["request_id"]
    return body
