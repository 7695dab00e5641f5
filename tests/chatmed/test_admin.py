"""Admin: operators edit the plan -> endpoint table and issue ChatMed keys; clinic staff manage facilities."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from clinics.models import StaffMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("operator", "op@example.org", "pw-operator-123"))
    return client


def test_operator_issues_sandbox_key_and_forbids_an_endpoint_for_a_plan(operator, clinic):
    response = operator.post("/admin/clinics/apikey/add/", {"clinic": clinic.pk, "name": "app", "kind": "chatmed_test"},
                             follow=True)
    secret = re.search(r"(sk_test_\S+)", " ".join(str(m) for m in response.context["messages"])).group(1)
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=secret)
    assert client.post("/api/v1/emergency/detect", {"symptoms": "cough"}, format="json").status_code == 200

    response = operator.post("/admin/clinics/planendpointaccess/add/",
                             {"plan": "professional", "endpoint": "emergency"}, follow=True)
    assert response.status_code == 200
    assert client.post("/api/v1/emergency/detect", {"symptoms": "cough"}, format="json").status_code == 403
    assert client.get("/api/v1/users/me").status_code == 200


def test_clinic_staff_add_facilities_with_validated_phone(clinic, other_clinic):
    from chatmed.models import EmergencyFacility

    staff = User.objects.create_user("nurse", "n@example.org", "pw-nurse-123", is_staff=True)
    StaffMembership.objects.create(user=staff, clinic=clinic)
    client = Client(HTTP_HOST="clinic-a.localhost")
    client.force_login(staff)
    bad = client.post("/admin/chatmed/emergencyfacility/add/", {"name": "X", "phone": "12", "latitude": 1, "longitude": 1,
                                                                 "country": "FR", "kind": "ed", "is_active": "on"})
    assert bad.status_code == 200 and b"valid phone" in bad.content
    good = client.post("/admin/chatmed/emergencyfacility/add/", {
        "name": "Hôpital Lariboisière", "phone": "01 49 95 65 65", "latitude": 48.8825, "longitude": 2.3522,
        "country": "fr", "kind": "emergency_department", "is_active": "on"})
    assert good.status_code == 302
    with schema_context(clinic.schema_name):
        assert EmergencyFacility.objects.get().phone == "+33149956565"
    with schema_context(other_clinic.schema_name):
        assert not EmergencyFacility.objects.exists()
    other_host = Client(HTTP_HOST="clinic-b.localhost")
    other_host.force_login(staff)
    # Another clinic's staff are sent to sign in (the admin site refuses them at this host).
    assert other_host.get("/admin/chatmed/emergencyfacility/")["Location"].startswith("/admin/login/")
