"""Who may open which admin: the operator at the public host, a clinic's staff at their clinic's host,
the clinic choice at the public host, and every admin page rendering for those who may open it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client

from clinics.admin import ClinicStaffAdmin, PlatformOnlyAdmin
from tests.admin.conftest import STAFF_PASSWORD, host_client

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(clinic):
    for host in ("localhost", "clinic-a.localhost"):
        response = Client(HTTP_HOST=host).get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_other_clinics_staff_are_refused_at_a_clinics_admin(staff_b_user, clinic):
    client = host_client("clinic-a.localhost", staff_b_user)
    index = client.get("/admin/")
    assert index.status_code == 302 and index["Location"].startswith("/admin/login/")
    for url in ("/admin/note_templates/notetemplate/", "/admin/booking/booking/", "/admin/clinics/apikey/",
                "/admin/clinics/clinicuser/", "/admin/transcription/recording/", "/admin/notes/clinicalnote/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert response.status_code == 403 or response["Location"].startswith("/admin/login/"), url


def test_sign_in_form_refuses_another_clinics_staff(staff_a_user, staff_b_user, clinic):
    client = Client(HTTP_HOST="clinic-a.localhost")
    refused = client.post("/admin/login/", {"username": "reception-b", "password": STAFF_PASSWORD})
    assert refused.status_code == 200
    assert "no access to this clinic" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    accepted = client.post("/admin/login/", {"username": "reception-a", "password": STAFF_PASSWORD})
    assert accepted.status_code == 302 and accepted["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_operator_may_open_every_clinics_admin(operator_user, clinic):
    assert host_client("clinic-a.localhost", operator_user).get("/admin/").status_code == 200


def test_clinic_models_never_on_the_public_host(operator):
    index = operator.get("/admin/").content.decode()
    assert "/admin/clinics/clinic/" in index
    for url in ("/admin/booking/booking/", "/admin/note_templates/notetemplate/", "/admin/transcription/recording/"):
        assert url not in index
        assert operator.get(url).status_code == 403


def test_staff_choose_their_clinic_at_the_public_host(staff_a_user, staff_b_user, clinic, other_clinic):
    public = host_client("localhost", staff_a_user)
    index = public.get("/admin/")
    assert index.status_code == 200
    choices = index.context["clinic_choices"]
    assert [c.client_id for c in choices] == ["clinic-a"]
    # Nothing of the platform at the public host for clinic staff.
    assert public.get("/admin/clinics/clinic/").status_code == 403
    assert public.get("/admin/clinics/apikey/").status_code == 403
    assert public.get("/admin/clinics/usagerecord/").status_code == 403
    # Another clinic is not offered and cannot be entered.
    assert public.get(f"/admin/enter/{other_clinic.pk}/").status_code == 404

    response = public.get(f"/admin/enter/{clinic.pk}/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == ("http", "clinic-a.localhost", "/admin/enter/")
    token = parse_qs(target.query)["token"][0]

    # The token is for clinic A only.
    at_b = Client(HTTP_HOST="clinic-b.localhost")
    assert at_b.get("/admin/enter/", {"token": token})["Location"].startswith("/admin/login/")
    assert at_b.get("/admin/").status_code == 302

    at_a = Client(HTTP_HOST="clinic-a.localhost")
    entered = at_a.get("/admin/enter/", {"token": token})
    assert entered.status_code == 302 and entered["Location"] == "/admin/"
    assert at_a.get("/admin/").status_code == 200
    # Single use: signing in changed last_login.
    again = Client(HTTP_HOST="clinic-a.localhost")
    assert again.get("/admin/enter/", {"token": token})["Location"].startswith("/admin/login/")
    assert Client(HTTP_HOST="clinic-a.localhost").get("/admin/enter/", {"token": "forged"})["Location"] \
        .startswith("/admin/login/")


def _registered(kind):
    return [(model, model_admin) for model, model_admin in admin.site._registry.items()
            if isinstance(model_admin, kind)]


def test_every_clinic_admin_page_renders_for_its_staff(staff_a):
    """Changelist, add (where allowed) of every clinic-schema admin at the clinic's host."""
    pages = 0
    for model, model_admin in _registered(ClinicStaffAdmin):
        opts = model._meta
        response = staff_a.get(f"/admin/{opts.app_label}/{opts.model_name}/")
        assert response.status_code == 200, opts.label
        pages += 1
        add = staff_a.get(f"/admin/{opts.app_label}/{opts.model_name}/add/")
        assert add.status_code == (200 if model_admin.allow_add else 403), opts.label
    for url in ("/admin/", "/admin/clinics/apikey/", "/admin/clinics/apikey/add/", "/admin/clinics/clinicuser/",
                "/admin/clinics/clinicuser/add/"):
        assert staff_a.get(url).status_code == 200, url
    assert pages >= 18  # records, transcription, notes, templates, booking, calls, chatmed
    connection.set_schema_to_public()


def test_every_platform_admin_page_renders_for_the_operator(operator):
    for model, _ in _registered(PlatformOnlyAdmin):
        opts = model._meta
        assert operator.get(f"/admin/{opts.app_label}/{opts.model_name}/").status_code == 200, opts.label
    for url in ("/admin/", "/admin/clinics/apikey/", "/admin/clinics/apikey/add/", "/admin/clinics/clinicuser/",
                "/admin/clinics/clinic/add/", "/admin/auth/user/add/"):
        assert operator.get(url).status_code == 200, url


def test_admin_uses_the_unfold_theme(staff_a):
    from unfold.admin import ModelAdmin
    from unfold.sites import UnfoldAdminSite

    assert isinstance(admin.site, UnfoldAdminSite)
    assert all(isinstance(model_admin, ModelAdmin) for model_admin in admin.site._registry.values())
    assert "unfold/js/chart/chart.js" in staff_a.get("/admin/").content.decode()
