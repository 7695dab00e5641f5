"""Admin: operators manage clinics, keys and usage on the public host; clinic staff their templates."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_tenants.utils import schema_context

from clinics.models import ApiKey, Service, StaffMembership
from clinics.services import usage_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Client:
    user = User.objects.create_superuser("operator", "op@example.org", "pw-operator-123")
    client = Client()
    client.force_login(user)
    return client


def test_operator_creates_key_and_sees_secret_once(operator, clinic, anon_client):
    response = operator.post(
        "/admin/clinics/apikey/add/", {"clinic": clinic.pk, "name": "ehr"}, follow=True
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    secret = re.search(r"(msk_\S+)", " ".join(messages)).group(1)
    key = ApiKey.objects.get(clinic=clinic, name="ehr")
    assert secret.startswith(key.prefix)
    anon_client.credentials(HTTP_X_API_KEY=secret)
    assert anon_client.get("/v1/usage").status_code == 200

    page = operator.get(f"/admin/clinics/apikey/{key.pk}/change/").content.decode()
    assert secret not in page and key.hashed_key not in page

    operator.post("/admin/clinics/apikey/", {"action": "revoke_keys", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert anon_client.get("/v1/usage").status_code == 401


def test_operator_reviews_usage_per_clinic_and_service(operator, clinic, other_clinic):
    usage_record(clinic=clinic, service=Service.TRANSCRIPTION, duration_seconds=30)
    usage_record(clinic=other_clinic, service=Service.WHATSAPP)
    response = operator.get("/admin/clinics/usagerecord/", {"clinic__id__exact": clinic.pk})
    assert response.status_code == 200
    totals = response.context["usage_totals"]
    assert totals == [{"clinic__client_id": "clinic-a", "service": "transcription", "requests": 1, "seconds": 30.0}]


def test_operator_changes_plan(operator, clinic):
    response = operator.get(f"/admin/clinics/clinic/{clinic.pk}/change/")
    assert response.status_code == 200 and b"professional" in response.content


def test_clinic_staff_manage_only_their_templates(clinic, other_clinic):
    from templates.models import NoteTemplate

    staff = User.objects.create_user("nurse", "n@example.org", "pw-nurse-123", is_staff=True)
    StaffMembership.objects.create(user=staff, clinic=clinic)
    client = Client(HTTP_HOST="clinic-a.localhost")
    client.force_login(staff)
    response = client.post(
        "/admin/note_templates/notetemplate/add/",
        {"key": "ortho-check", "name": "Ortho check", "language": "en",
         "sections": '[{"key": "findings", "heading": "Findings"}]', "is_active": "on"},
    )
    assert response.status_code == 302, response.content[:2000]
    with schema_context(clinic.schema_name):
        assert NoteTemplate.objects.filter(key="ortho-check").exists()
    with schema_context(other_clinic.schema_name):
        assert not NoteTemplate.objects.exists()

    other_host = Client(HTTP_HOST="clinic-b.localhost")
    other_host.force_login(staff)
    # Another clinic's staff are sent to sign in (the admin site refuses them at this host).
    assert other_host.get("/admin/note_templates/notetemplate/")["Location"].startswith("/admin/login/")
    # Clinic staff never see platform models (their own API keys and users: see tests/admin).
    assert client.get("/admin/clinics/clinic/").status_code == 403
    assert client.get("/admin/clinics/usagerecord/").status_code == 403


def test_template_admin_rejects_bad_sections(clinic):
    staff = User.objects.create_superuser("boss", "b@example.org", "pw-boss-123")
    client = Client(HTTP_HOST="clinic-a.localhost")
    client.force_login(staff)
    response = client.post(
        "/admin/note_templates/notetemplate/add/",
        {"key": "bad", "name": "Bad", "language": "en", "sections": '[{"nokey": 1}]'},
    )
    assert response.status_code == 200 and b"key" in response.content
