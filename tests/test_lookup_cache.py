"""The per-process cache of host and API-key lookups (medsync/lookup_cache.py): fewer queries per
request, and revocation, deactivation and plan changes still take effect at once in this process."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from clinics.services import api_key_create, api_key_revoke
from medsync import lookup_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.MEDSYNC_LOOKUP_CACHE_SECONDS = 3600  # longer than any first request under load
    lookup_cache.clear_all()
    yield
    lookup_cache.clear_all()


def _client(raw_key: str, host: str = "localhost") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    client.credentials(HTTP_X_API_KEY=raw_key)
    return client


def _selects(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]


def test_second_request_skips_the_key_and_domain_queries(cached, clinic):
    _, raw = api_key_create(clinic=clinic, name="cache")
    client = _client(raw)
    assert client.get("/v1/usage").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/v1/usage")
    assert response.status_code == 200 and response.json()["client_id"] == "clinic-a"
    selects = _selects(ctx)
    assert not any("clinics_apikey" in sql or "clinics_domain" in sql for sql in selects), selects
    assert any("clinics_usagerecord" in sql for sql in selects)


def test_without_cache_every_request_looks_up(settings, clinic):
    settings.MEDSYNC_LOOKUP_CACHE_SECONDS = 0
    _, raw = api_key_create(clinic=clinic, name="nocache")
    client = _client(raw)
    client.get("/v1/usage")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/v1/usage")
    assert any("clinics_apikey" in sql for sql in _selects(ctx))


def test_revoked_key_is_refused_at_once(cached, clinic):
    api_key, raw = api_key_create(clinic=clinic, name="revoke")
    client = _client(raw)
    assert client.get("/v1/usage").status_code == 200
    api_key_revoke(api_key=api_key)
    response = client.get("/v1/usage")
    assert response.status_code == 401


def test_deactivated_clinic_is_refused_at_once(cached, clinic):
    _, raw = api_key_create(clinic=clinic, name="deactivate")
    client = _client(raw)
    assert client.get("/v1/usage").status_code == 200
    clinic.is_active = False
    clinic.save(update_fields=["is_active"])
    assert client.get("/v1/usage").status_code == 401


def test_unknown_key_is_refused_and_other_clinic_keys_stay_apart(cached, clinic, other_clinic):
    _, raw_a = api_key_create(clinic=clinic, name="a")
    _, raw_b = api_key_create(clinic=other_clinic, name="b")
    assert _client("msk_" + "x" * 43).get("/v1/usage").status_code == 401
    assert _client("msk_" + "x" * 43).get("/v1/usage").status_code == 401
    for _ in range(2):
        assert _client(raw_a).get("/v1/usage").json()["client_id"] == "clinic-a"
        assert _client(raw_b).get("/v1/usage").json()["client_id"] == "clinic-b"


def test_tenant_host_is_cached_and_each_request_gets_its_own_copy(cached, clinic):
    domain = clinic.domains.first()
    first = lookup_cache.domains.get_or_load(domain.domain, lambda: clinic)
    second = lookup_cache.domains.get_or_load(domain.domain, lambda: pytest.fail("not cached"))
    assert first.pk == second.pk == clinic.pk and first is not second
    first.domain_url = "changed"
    assert lookup_cache.domains.get_or_load(domain.domain, lambda: None).domain_url != "changed"
