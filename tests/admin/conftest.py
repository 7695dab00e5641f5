"""Fixtures of the clinic admin tests: the platform operator, clinic A's and clinic B's staff.

Clients carry the host that selects the admin: ``localhost`` (public schema, the operator's admin) or
``<clinic>.localhost`` (that clinic's admin).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clinics.models import StaffMembership

STAFF_PASSWORD = "Staff-Password-2026"


@pytest.fixture
def operator_user(db) -> User:
    return User.objects.create_superuser("operator", "op@example.org", STAFF_PASSWORD)


@pytest.fixture
def operator(operator_user) -> Client:
    """The platform operator signed in at the public host."""
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator_user)
    return client


@pytest.fixture
def staff_a_user(clinic) -> User:
    user = User.objects.create_user("reception-a", "a@clinic-a.example", STAFF_PASSWORD, is_staff=True)
    StaffMembership.objects.create(user=user, clinic=clinic)
    return user


@pytest.fixture
def staff_b_user(other_clinic) -> User:
    user = User.objects.create_user("reception-b", "b@clinic-b.example", STAFF_PASSWORD, is_staff=True)
    StaffMembership.objects.create(user=user, clinic=other_clinic)
    return user


def host_client(host: str, user: User | None = None) -> Client:
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def staff_a(staff_a_user) -> Client:
    """Clinic A's staff signed in at clinic A's host."""
    return host_client("clinic-a.localhost", staff_a_user)


@pytest.fixture
def staff_b(staff_b_user) -> Client:
    """Clinic B's staff signed in at clinic B's host."""
    return host_client("clinic-b.localhost", staff_b_user)
