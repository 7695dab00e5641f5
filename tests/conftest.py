"""Shared fixtures: two clinics (schemas created once per session), API keys and clients.

Each test runs in a transaction that is rolled back, so the clinics created here stay while
everything a test writes disappears. The connection is put back on the public schema after
each test because authentication switches it to the caller's clinic.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

FIXTURES = Path(__file__).parent / "fixtures"
AUDIO = FIXTURES / "audio"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from clinics.models import Plan
    from clinics.services import clinic_create

    with django_db_blocker.unblock():
        clinic_create(client_id="clinic-a", name="Clinic A", plan=Plan.PROFESSIONAL)
        clinic_create(client_id="clinic-b", name="Clinic B", plan=Plan.STARTER)
        connection.set_schema_to_public()
    yield


@pytest.fixture(autouse=True)
def _public_schema_after_test():
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from medsync.api.ratelimit import reset_limiter

    reset_limiter()
    yield
    reset_limiter()


@pytest.fixture(autouse=True)
def _offline_providers(settings):
    """Tests use the offline engines unless a test configures a vendor explicitly."""
    settings.DEEPGRAM_API_KEY = ""
    settings.OPENAI_API_KEY = ""
    settings.REDIS_URL = ""


@pytest.fixture
def clinic(db):
    from clinics.models import Clinic

    return Clinic.objects.get(client_id="clinic-a")


@pytest.fixture
def other_clinic(db):
    from clinics.models import Clinic

    return Clinic.objects.get(client_id="clinic-b")


@pytest.fixture
def api_key(clinic) -> str:
    from clinics.services import api_key_create

    return api_key_create(clinic=clinic)[1]


@pytest.fixture
def other_api_key(other_clinic) -> str:
    from clinics.services import api_key_create

    return api_key_create(clinic=other_clinic)[1]


@pytest.fixture
def api_client(api_key) -> APIClient:
    """An API client authenticated as clinic A."""
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_key)
    return client


@pytest.fixture
def other_api_client(other_api_key) -> APIClient:
    """An API client authenticated as clinic B."""
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=other_api_key)
    return client


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")


@pytest.fixture
def redis_url() -> str:
    """URL of a reachable Redis for tests marked ``redis``; skipped when none runs."""
    import os

    import redis

    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required on CI but {url} is unreachable")
        pytest.skip(f"no Redis at {url}")
    return url
