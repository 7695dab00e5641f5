"""Who may see which dashboard page, and in which clinic's schema it runs.

The dashboard is served at ``/`` and ``/app/...`` of a clinic's host (``<client-id>.localhost``:
django-tenants has already selected that clinic's schema) and at ``/app/...`` of the bare host, where
the clinic is the one chosen at sign-in (kept in the session). Either way the signed-in clinic user
must belong to that clinic: a session of clinic B on clinic A's host gets 404, never A's pages.

Roles (``clinics.ClinicUserRole``): a *clinician* sees their own appointments and notes (those
assigned to them, or created by them when nobody was assigned); *staff* is the clinic admin and
sees everything in the clinic, including its users.
"""

from __future__ import annotations

from functools import wraps

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from clinics.models import Clinic, ClinicUser, ClinicUserRole
from clinics.selectors import clinic_user_for_login, subscription_is_active

#: Session key holding the ``client_id`` of the clinic chosen at sign-in.
SESSION_CLINIC = "dashboard_clinic"


def host_clinic(request: HttpRequest) -> Clinic | None:
    """The clinic selected by the request's host name, or ``None`` on the platform's bare host."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        return None
    return tenant


def is_clinic_admin(clinic_user: ClinicUser) -> bool:
    """True for the clinic's admin staff (role ``staff``): all of the clinic's data and its users."""
    return clinic_user.role == ClinicUserRole.STAFF


def own_appointments(queryset: QuerySet, clinic_user: ClinicUser) -> QuerySet:
    """``queryset`` of appointments narrowed to what ``clinic_user`` may see (see the module docstring)."""
    if is_clinic_admin(clinic_user):
        return queryset
    return queryset.filter(Q(clinician_uid=clinic_user.uid) | Q(clinician_uid="", created_by=clinic_user.uid))


def clinic_user_required(view):
    """Decorator of dashboard views: a signed-in clinic user of this clinic, in its schema.

    Sets ``request.clinic_user`` and ``request.clinic``. Not signed in: redirect to the sign-in page.
    Signed in to another clinic than the host's: 404. Clinic without an active subscription: 403
    page (the same rule as the MediSync API).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        user = request.user
        clinic_user = clinic_user_for_login(user=user) if user.is_authenticated else None
        if clinic_user is None or request.session.get(SESSION_CLINIC) != clinic_user.clinic.client_id:
            # Not a clinic user of an active clinic (e.g. signed in to the Django admin only, or the
            # clinic was deactivated): sign in again; the admin's session is left alone.
            return redirect(f"{reverse('dashboard:login')}?{urlencode({'next': request.get_full_path()})}")
        on_host = host_clinic(request)
        if on_host is not None and on_host.pk != clinic_user.clinic_id:
            raise Http404("No such page")
        if on_host is None:
            connection.set_tenant(clinic_user.clinic)
        request.clinic_user = clinic_user
        request.clinic = clinic_user.clinic
        if not subscription_is_active(clinic=clinic_user.clinic):
            return render(request, "dashboard/subscription_inactive.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def clinic_admin_required(view):
    """Like :func:`clinic_user_required`, and the user must be a clinic admin (403 otherwise)."""

    @clinic_user_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not is_clinic_admin(request.clinic_user):
            return render(request, "dashboard/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
