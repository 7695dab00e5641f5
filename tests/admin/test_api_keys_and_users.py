"""A clinic's staff manage their own API keys (secret shown once, revoke) and users; nobody else's."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from clinics.models import ApiKey, ClinicUser
from clinics.services import api_key_create, clinic_user_create

pytestmark = pytest.mark.django_db


def _usage_status(raw_key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw_key)
    return client.get("/v1/usage").status_code


def test_staff_create_a_key_see_the_secret_once_then_revoke_it(staff_a, clinic, other_clinic):
    response = staff_a.post("/admin/clinics/apikey/add/", {"name": "ehr", "kind": "platform"}, follow=True)
    assert response.status_code == 200
    shown = re.findall(r"msk_[A-Za-z0-9_-]{43}", response.content.decode())
    assert len(set(shown)) == 1
    secret = shown[0]
    key = ApiKey.objects.get(name="ehr")
    assert key.clinic == clinic and secret.startswith(key.prefix)
    assert _usage_status(secret) == 200

    # Afterwards only the prefix is shown, on the list and the key's page.
    for url in ("/admin/clinics/apikey/", f"/admin/clinics/apikey/{key.pk}/change/", "/admin/"):
        page = staff_a.get(url).content.decode()
        assert secret not in page and key.hashed_key not in page
    assert key.prefix in staff_a.get("/admin/clinics/apikey/").content.decode()
    change = staff_a.get(f"/admin/clinics/apikey/{key.pk}/change/").content.decode()
    assert "Professional (50 req/min)" in change and 'id="revoke-key"' in change

    assert staff_a.get(f"/admin/clinics/apikey/{key.pk}/revoke/").status_code == 405
    revoked = staff_a.post(f"/admin/clinics/apikey/{key.pk}/revoke/")
    assert revoked.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert _usage_status(secret) == 401
    assert 'id="revoke-key"' not in staff_a.get(f"/admin/clinics/apikey/{key.pk}/change/").content.decode()


def test_staff_cannot_choose_another_clinic_for_a_key(staff_a, clinic, other_clinic):
    staff_a.post("/admin/clinics/apikey/add/", {"name": "sneaky", "kind": "platform", "clinic": other_clinic.pk})
    assert ApiKey.objects.get(name="sneaky").clinic == clinic


def test_staff_never_see_nor_revoke_another_clinics_keys(staff_a, clinic, other_clinic):
    own, _ = api_key_create(clinic=clinic, name="own-key")
    other, other_raw = api_key_create(clinic=other_clinic, name="other-key")
    listing = staff_a.get("/admin/clinics/apikey/")
    assert list(listing.context["cl"].queryset) == [own]
    assert "other-key" not in listing.content.decode()
    assert staff_a.get(f"/admin/clinics/apikey/{other.pk}/change/").status_code == 302  # "does not exist"
    assert staff_a.post(f"/admin/clinics/apikey/{other.pk}/revoke/").status_code == 404
    staff_a.post("/admin/clinics/apikey/", {"action": "revoke_keys", "_selected_action": [other.pk]})
    other.refresh_from_db()
    assert other.revoked_at is None and _usage_status(other_raw) == 200


def test_operator_sees_and_creates_keys_of_every_clinic(operator, clinic, other_clinic):
    api_key_create(clinic=clinic, name="a-key")
    api_key_create(clinic=other_clinic, name="b-key")
    page = operator.get("/admin/clinics/apikey/").content.decode()
    assert "a-key" in page and "b-key" in page
    response = operator.post("/admin/clinics/apikey/add/", {"clinic": other_clinic.pk, "name": "chat",
                                                            "kind": "chatmed_test"}, follow=True)
    assert re.search(r"sk_test_[A-Za-z0-9_-]{43}", response.content.decode())
    assert ApiKey.objects.get(name="chat").clinic == other_clinic


def test_staff_add_a_clinician_to_their_own_clinic(staff_a, clinic, other_clinic):
    response = staff_a.post("/admin/clinics/clinicuser/add/", {
        "email": "new.doc@clinic-a.example", "first_name": "New", "last_name": "Doc", "title": "Dr.",
        "role": "clinician", "password": "Long-Enough-Pass-99", "clinic": other_clinic.pk,
    })
    assert response.status_code == 302, response.content[:3000]
    created = ClinicUser.objects.get(user__email="new.doc@clinic-a.example")
    assert created.clinic == clinic and created.role == "clinician"
    assert User.objects.get(email="new.doc@clinic-a.example").check_password("Long-Enough-Pass-99")
    login = APIClient().post("/api/login", {"email": "new.doc@clinic-a.example", "password": "Long-Enough-Pass-99"},
                             format="json")
    assert login.status_code == 200


def test_staff_change_roles_only_of_their_clinics_users(staff_a, clinic, other_clinic):
    own = clinic_user_create(clinic=clinic, email="own@clinic-a.example", password="Long-Enough-Pass-99",
                             first_name="Own", last_name="User")
    other = clinic_user_create(clinic=other_clinic, email="other@clinic-b.example", password="Long-Enough-Pass-99")
    listing = staff_a.get("/admin/clinics/clinicuser/")
    assert list(listing.context["cl"].queryset) == [own]
    assert "other@clinic-b.example" not in listing.content.decode()
    assert staff_a.get(f"/admin/clinics/clinicuser/{other.pk}/change/").status_code == 302
    response = staff_a.post(f"/admin/clinics/clinicuser/{own.pk}/change/", {
        "first_name": "Own", "last_name": "User", "title": "", "role": "staff", "password": "",
    })
    assert response.status_code == 302, response.content[:3000]
    own.refresh_from_db()
    assert own.role == "staff"
    # A forged POST against the other clinic's user changes nothing.
    staff_a.post(f"/admin/clinics/clinicuser/{other.pk}/change/", {"role": "staff", "password": ""})
    other.refresh_from_db()
    assert other.role == "clinician"
