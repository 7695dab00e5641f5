"""MedSync's admin site: django-unfold's site with host-aware access and the clinic choice."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from unfold.forms import AuthenticationForm
from unfold.sites import UnfoldAdminSite

from clinicadmin import access


class ClinicAdminLoginForm(AuthenticationForm):
    """Unfold's admin sign-in form that also refuses users who have no access to this host's admin
    (clinic B's staff at clinic A's host), instead of signing them in to an empty admin."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "no_clinic_access": "This account has no access to this clinic's admin.",
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not access.user_may_use_admin_here(user):
            raise forms.ValidationError(self.error_messages["no_clinic_access"], code="no_clinic_access")


def clinic_admin_url(request: HttpRequest, clinic, path_: str) -> str:
    """Absolute URL of ``path_`` on ``clinic``'s primary host, keeping the request's scheme and port.

    Raises:
        ValueError: the clinic has no domain.
    """
    domains = sorted(clinic.domains.all(), key=lambda d: not d.is_primary)
    if not domains:
        raise ValueError(f"clinic {clinic.client_id} has no domain")
    domain = domains[0].domain
    port = request.get_port()
    default_port = "443" if request.is_secure() else "80"
    netloc = domain if port in ("", default_port) else f"{domain}:{port}"
    return f"{request.scheme}://{netloc}{path_}"


class MedSyncAdminSite(UnfoldAdminSite):
    """The admin at ``/admin/``: operator at the public host, clinic staff at their clinic's host."""

    index_template = "clinicadmin/index.html"
    index_title = "Dashboard"
    login_form = ClinicAdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return access.site_has_permission(request)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # Unfold's sign-in template has no hidden "next" field, so a sign-in started at /admin/login/
        # would land on settings.LOGIN_REDIRECT_URL (not an admin page): default to the admin index.
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            request.GET = request.GET.copy()
            request.GET[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("enter/<int:clinic_id>/", self.admin_view(self.enter_clinic), name="clinicadmin-enter"),
            path("enter/", never_cache(self.enter_with_token), name="clinicadmin-enter-token"),
        ] + super().get_urls()

    def enter_clinic(self, request: HttpRequest, clinic_id: int) -> HttpResponse:
        """At the public host: send a staff member on to one of their clinics' admin, signed in."""
        if connection.schema_name != "public":
            return redirect("admin:index")
        clinic = next((c for c in access.member_clinics(request.user) if c.pk == clinic_id), None)
        if clinic is None or not clinic.domains.exists():
            return TemplateResponse(request, "clinicadmin/no_access.html", {**self.each_context(request),
                                    "title": "No access"}, status=404)
        token = access.enter_token_issue(user=request.user, clinic=clinic)
        target = clinic_admin_url(request, clinic, reverse("admin:clinicadmin-enter-token") + "?" + urlencode({"token": token}))
        return HttpResponseRedirect(target)

    def enter_with_token(self, request: HttpRequest) -> HttpResponse:
        """At a clinic's host: sign in with the token of :meth:`enter_clinic` (once, within a minute)."""
        user = access.enter_token_user(token=request.GET.get("token", ""))
        if user is None:
            return redirect("admin:login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("admin:index")
