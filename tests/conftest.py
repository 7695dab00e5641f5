"""Shared fixtures: two clinics (schemas created once per session), API keys and clients.

Each test runs in a transaction that is rolled back, so the clinics created here stay while
everything a test writes disappears. The connection is put back on the public schema after
each test because authentication switches it to the caller's clinic.
"""

from __future__ import annotations

import os
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


# Tests create, revoke and roll back keys and clinics freely: the per-process lookup cache is off
# (here and in the servers tests start as subprocesses) except in tests/test_lookup_cache.py.
os.environ.setdefault("MEDSYNC_LOOKUP_CACHE_SECONDS", "0")


@pytest.fixture(autouse=True)
def _no_lookup_cache(settings):
    settings.MEDSYNC_LOOKUP_CACHE_SECONDS = 0


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


# --- MediSync users (Bearer JWT) -------------------------------------------------------------------

DOCTOR_PASSWORD = "Correct-Horse-Battery-42"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Hash test passwords quickly (production uses Django's default PBKDF2; see tests/clinics/test_jwt.py)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def doctor(clinic):
    """A clinician of clinic A (``ClinicUser``), password ``DOCTOR_PASSWORD``."""
    from clinics.services import clinic_user_create

    return clinic_user_create(clinic=clinic, email="john.doe@clinic-a.example", password=DOCTOR_PASSWORD,
                              first_name="John", last_name="Doe", title="Dr.")


@pytest.fixture
def other_doctor(other_clinic):
    """A clinician of clinic B."""
    from clinics.services import clinic_user_create

    return clinic_user_create(clinic=other_clinic, email="ann.lee@clinic-b.example", password=DOCTOR_PASSWORD,
                              first_name="Ann", last_name="Lee", title="Dr.")


def _bearer_client(clinic_user) -> APIClient:
    from medsync.api.jwt import token_issue

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(clinic_user=clinic_user)}")
    return client


@pytest.fixture
def doctor_client(doctor) -> APIClient:
    """An API client signed in (Bearer JWT) as clinic A's clinician."""
    return _bearer_client(doctor)


@pytest.fixture
def other_doctor_client(other_doctor) -> APIClient:
    """An API client signed in (Bearer JWT) as clinic B's clinician."""
    return _bearer_client(other_doctor)
