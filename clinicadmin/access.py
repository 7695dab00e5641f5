"""Who may use which admin: the platform operator at the public host, a clinic's staff at its host.

The per-model rules live in :mod:`clinics.admin` (``is_platform_operator``, ``is_clinic_staff``,
``ClinicStaffAdmin``, ``PlatformOnlyAdmin``, ``ClinicScopedAdmin``); this module adds the site-wide
gate and the clinic choice at the public host.
"""

from __future__ import annotations

from django.core import signing
from django.db import connection

from clinics.models import Clinic

#: Seconds a "enter this clinic's admin" link stays valid. The link is also single-use: it embeds the
#: user's ``last_login``, which signing in changes.
ENTER_LINK_MAX_AGE_SECONDS = 60
_ENTER_SALT = "clinicadmin.enter"


def member_clinics(user) -> list[Clinic]:
    """Active clinics whose admin ``user`` may open (all of them for a superuser), by name."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return []
    clinics = Clinic.objects.filter(is_active=True).exclude(schema_name="public").prefetch_related("domains")
    if not user.is_superuser:
        clinics = clinics.filter(staff_memberships__user=user)
    return list(clinics.order_by("name"))


def user_may_use_admin_here(user) -> bool:
    """Whether ``user`` may use the admin of the host the current request came in on.

    Public host: superusers (the platform operator) and staff with at least one clinic (they only
    get the clinic choice there). A clinic's host: its staff members and superusers.
    """
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    if connection.schema_name == "public":
        return bool(member_clinics(user))
    return user.clinic_memberships.filter(clinic__schema_name=connection.schema_name).exists()


def site_has_permission(request) -> bool:
    """The admin site's gate (``AdminSite.has_permission``) for the current host."""
    # Imported here: clinics.admin registers models on the admin site, which is defined next to this module.
    from clinics.admin import is_clinic_staff, is_platform_operator

    return is_platform_operator(request) or is_clinic_staff(request) or (
        connection.schema_name == "public" and user_may_use_admin_here(request.user)
    )


def enter_token_issue(*, user, clinic: Clinic) -> str:
    """A signed, short-lived, single-use token that signs ``user`` in at ``clinic``'s admin host."""
    last_login = user.last_login.isoformat() if user.last_login else ""
    return signing.dumps({"u": user.pk, "s": clinic.schema_name, "l": last_login}, salt=_ENTER_SALT)


def enter_token_user(*, token: str):
    """The user a token from :func:`enter_token_issue` signs in at the current clinic host, or ``None``.

    ``None`` when the token is forged, older than ``ENTER_LINK_MAX_AGE_SECONDS``, already used, for
    another clinic, or its user may not use this clinic's admin (any more).
    """
    from django.contrib.auth import get_user_model

    try:
        data = signing.loads(token, salt=_ENTER_SALT, max_age=ENTER_LINK_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != connection.schema_name or connection.schema_name == "public":
        return None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None or (user.last_login.isoformat() if user.last_login else "") != data.get("l"):
        return None
    return user if user_may_use_admin_here(user) else None
