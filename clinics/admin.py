"""Admin of the public-schema models, and the access rules every app's admin uses.

The platform operator (a superuser at the public host) manages clinics, plans, API keys, users and
usage of every clinic. A clinic's staff, at the clinic's host, manage their own clinic's API keys
(create: the secret is shown once; revoke) and users (:class:`ClinicScopedAdmin`); every app's
clinic-schema models use :class:`ClinicStaffAdmin`. All admins use django-unfold's ``ModelAdmin``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Sum
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from unfold.admin import ModelAdmin, TabularInline

from clinics.models import ApiKey, Clinic, ClinicUser, Domain, PlanEndpointAccess, StaffMembership, UsageRecord
from clinics.selectors import plan_access_cache_clear
from clinics.services import api_key_create, api_key_revoke, clinic_user_create, schema_name_for


def is_platform_operator(request) -> bool:
    """Superusers working on the public host manage the platform (clinics, keys, usage)."""
    from django.db import connection

    return bool(request.user.is_active and request.user.is_superuser and connection.schema_name == "public")


def current_clinic():
    """The clinic of the request's host (``None`` at the public host)."""
    tenant = getattr(connection, "tenant", None)
    return None if connection.schema_name == "public" or tenant is None else tenant


def is_clinic_staff(request) -> bool:
    """True on a clinic's host (``<clinic>.localhost``) for its staff members and superusers.

    Never on the public host, whose schema has no clinic tables. Clinic apps' admins use this
    through :class:`ClinicStaffAdmin`.
    """
    from django.db import connection

    if connection.schema_name == "public" or not request.user.is_active or not request.user.is_staff:
        return False
    if request.user.is_superuser:
        return True
    return StaffMembership.objects.filter(user=request.user, clinic__schema_name=connection.schema_name).exists()


class ClinicStaffAdmin(ModelAdmin):
    """Admin of a clinic's own data (tenant schema): visible to that clinic's staff on its host.

    Subclasses narrow it further: ``allow_add`` / ``allow_delete`` (both off by default, because
    clinical records are archived rather than deleted and most rows are created by the app).
    """

    allow_add = False
    allow_delete = False

    def has_module_permission(self, request):
        return is_clinic_staff(request)

    def has_view_permission(self, request, obj=None):
        return is_clinic_staff(request)

    def has_add_permission(self, request, *args):
        return self.allow_add and is_clinic_staff(request)

    def has_change_permission(self, request, obj=None):
        return is_clinic_staff(request)

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and is_clinic_staff(request)


def post_button(*, url: str, label: str, element_id: str, danger: bool = False) -> str:
    """A button inside an admin change form that POSTs that form (with its CSRF token) to ``url``.

    ``formaction`` avoids a nested ``<form>``; the target view must accept POST only.
    """
    colour = "border-red-600 text-red-600" if danger else "border-primary-600 text-primary-600"
    return format_html('<button type="submit" formaction="{}" formmethod="post" formnovalidate id="{}" '
                       'class="border {} rounded-default px-3 py-1 mr-2">{}</button>', url, element_id, colour, label)


class PlatformOnlyAdmin(ModelAdmin):
    """Visible only to platform operators on the public host."""

    def has_module_permission(self, request):
        return is_platform_operator(request)

    def has_view_permission(self, request, obj=None):
        return is_platform_operator(request)

    def has_add_permission(self, request):
        return is_platform_operator(request)

    def has_change_permission(self, request, obj=None):
        return is_platform_operator(request)

    def has_delete_permission(self, request, obj=None):
        return is_platform_operator(request)


class DomainInline(TabularInline):
    model = Domain
    extra = 0


class StaffMembershipInline(TabularInline):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Clinic)
class ClinicAdmin(PlatformOnlyAdmin):
    list_display = ("name", "client_id", "plan", "is_active", "speech_provider", "note_engine", "created_at")
    list_filter = ("plan", "is_active", "speech_provider", "note_engine")
    search_fields = ("name", "client_id")
    readonly_fields = ("schema_name", "created_at")
    inlines = [DomainInline, StaffMembershipInline]
    fields = (
        "name", "client_id", "schema_name", "plan", "subscription_status", "subscription_current_period_end",
        "is_active", "speech_provider", "deepgram_api_key",
        "note_engine", "openai_api_key", "allow_offline_fallback", "created_at",
    )

    def get_readonly_fields(self, request, obj=None):
        # The schema name (and the client_id it derives from) never change after creation.
        return self.readonly_fields + (("client_id",) if obj else ())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.schema_name = schema_name_for(obj.client_id)
        super().save_model(request, obj, form, change)
        if not change and not obj.domains.exists():
            Domain.objects.create(tenant=obj, domain=f"{obj.client_id}.localhost", is_primary=True)


class ClinicScopedAdmin(ModelAdmin):
    """Admin of a public-schema model that belongs to one clinic (``clinic`` foreign key).

    The platform operator at the public host sees every clinic's rows; a clinic's staff at the
    clinic's host see and change only their clinic's rows, and never choose the clinic (it is the
    host's). Anyone else (another clinic's staff) gets 403.
    """

    def _allowed(self, request) -> bool:
        return is_platform_operator(request) or is_clinic_staff(request)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and (obj is None or self._owns(request, obj))

    def has_add_permission(self, request, *args):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and (obj is None or self._owns(request, obj))

    def has_delete_permission(self, request, obj=None):
        return False

    def _owns(self, request, obj) -> bool:
        clinic = current_clinic()
        return clinic is None or obj.clinic_id == clinic.pk

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        clinic = current_clinic()
        if clinic is not None:
            return queryset.filter(clinic=clinic)
        return queryset if is_platform_operator(request) else queryset.none()

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return filters if current_clinic() is None else tuple(f for f in filters if f != "clinic")

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        return columns if current_clinic() is None else tuple(c for c in columns if c != "clinic")


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("clinic", "name", "kind")


@admin.register(ApiKey)
class ApiKeyAdmin(ClinicScopedAdmin):
    """API keys: create (the secret is shown once, in the page that follows), revoke, last use, plan.

    Creation and revocation go through :func:`clinics.services.api_key_create` and
    :func:`clinics.services.api_key_revoke`, the same services as the API's key management.
    """

    form = ApiKeyForm
    list_display = ("prefix", "name", "kind", "clinic", "plan", "created_at", "last_used_at", "state")
    list_filter = ("kind", "clinic", "revoked_at")
    list_select_related = ("clinic",)
    search_fields = ("prefix", "name", "clinic__name", "clinic__client_id")
    readonly_fields = ("prefix", "plan", "created_at", "last_used_at", "revoked_at", "revoke_button")
    actions = ["revoke_keys"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "kind") if current_clinic() is not None else ("clinic", "name", "kind")
        fields = ("name", "kind", "prefix", "plan", "created_at", "last_used_at", "revoked_at", "revoke_button")
        return fields if current_clinic() is not None else ("clinic",) + fields

    def get_readonly_fields(self, request, obj=None):
        # A key's clinic and kind are fixed at creation: its prefix (msk_/sk_live_/sk_test_) says its kind.
        return self.readonly_fields + (("clinic", "kind") if obj else ())

    @admin.display(description="plan")
    def plan(self, obj: ApiKey) -> str:
        return obj.clinic.get_plan_display() if obj.clinic_id else "—"

    @admin.display(description="state", ordering="revoked_at")
    def state(self, obj: ApiKey) -> str:
        return "active" if obj.revoked_at is None else f"revoked {obj.revoked_at:%Y-%m-%d %H:%M}"

    @admin.display(description="revoke")
    def revoke_button(self, obj: ApiKey) -> str:
        if obj.pk is None or obj.revoked_at is not None:
            return "—"
        return post_button(url=reverse("admin:clinics_apikey_revoke", args=[obj.pk]), label="Revoke this key now",
                           element_id="revoke-key", danger=True)

    def get_urls(self):
        return [path("<int:pk>/revoke/", self.admin_site.admin_view(self.revoke_view), name="clinics_apikey_revoke")] \
            + super().get_urls()

    def revoke_view(self, request, pk: int):
        """POST only: revoke one key of the host's clinic (any clinic's for the operator)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        api_key = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, api_key):
            raise PermissionDenied
        api_key_revoke(api_key=api_key)
        self.message_user(request, f"Revoked key {api_key.prefix}…; it no longer authenticates.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:clinics_apikey_change", args=[api_key.pk]))

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        clinic = current_clinic() or obj.clinic
        created, raw_key = api_key_create(clinic=clinic, name=obj.name, kind=obj.kind or "platform")
        obj.pk, obj.clinic, obj.prefix, obj.hashed_key = created.pk, clinic, created.prefix, created.hashed_key
        obj.created_at = created.created_at
        messages.warning(request, f"New API key for {clinic.client_id} (copy it now, it is not shown again): {raw_key}")

    @admin.action(description="Revoke selected API keys")
    def revoke_keys(self, request, queryset):
        for api_key in queryset:
            api_key_revoke(api_key=api_key)
        messages.success(request, f"Revoked {queryset.count()} key(s).")


@admin.register(PlanEndpointAccess)
class PlanEndpointAccessAdmin(PlatformOnlyAdmin):
    """Plan -> ChatMed endpoint table: a row with ``allowed`` off makes the endpoint 403 for that plan."""

    list_display = ("plan", "endpoint", "allowed")
    list_filter = ("plan", "endpoint", "allowed")
    list_editable = ("allowed",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        plan_access_cache_clear()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        plan_access_cache_clear()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        plan_access_cache_clear()


@admin.register(UsageRecord)
class UsageRecordAdmin(PlatformOnlyAdmin):
    """Usage per clinic and service over time: filter by clinic/service, drill down by date."""

    list_display = ("created_at", "clinic", "service", "duration_seconds", "api_key")
    list_filter = ("service", "clinic")
    date_hierarchy = "created_at"
    list_select_related = ("clinic", "api_key")
    change_list_template = "admin/clinics/usagerecord/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context=extra_context)
        try:
            queryset = response.context_data["cl"].queryset
        except (AttributeError, KeyError):
            return response
        response.context_data["usage_totals"] = list(
            queryset.values("clinic__client_id", "service")
            .annotate(requests=Count("id"), seconds=Sum("duration_seconds"))
            .order_by("clinic__client_id", "service")
        )
        response.context_data["generated_at"] = timezone.now()
        return response


# --- MediSync users ------------------------------------------------------------------------------

class ClinicUserForm(forms.ModelForm):
    """Adds a clinician or staff user: e-mail, names and password create the Django user."""

    email = forms.EmailField()
    first_name = forms.CharField(required=False)
    last_name = forms.CharField(required=False)
    password = forms.CharField(
        widget=forms.PasswordInput, required=False,
        help_text="Required for a new user; on an existing one, fill it only to set a new password.",
    )

    class Meta:
        model = ClinicUser
        fields = ("clinic", "title", "role")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            user = self.instance.user
            self.fields["email"].initial = user.email
            self.fields["email"].disabled = True
            self.fields["first_name"].initial = user.first_name
            self.fields["last_name"].initial = user.last_name
            if "clinic" in self.fields:
                self.fields["clinic"].disabled = True

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            if not cleaned.get("password"):
                self.add_error("password", "A new user needs a password.")
            email = (cleaned.get("email") or "").strip().lower()
            if email and get_user_model().objects.filter(email__iexact=email).exists():
                self.add_error("email", "A user with this e-mail already exists.")
        if cleaned.get("password"):
            from django.contrib.auth.password_validation import validate_password

            user = self.instance.user if self.instance.pk else None
            try:
                validate_password(cleaned["password"], user=user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


@admin.register(ClinicUser)
class ClinicUserAdmin(ClinicScopedAdmin):
    """Clinicians and staff who sign in to the MediSync API (``POST /api/login``) and the dashboard, with
    their role; a clinic's staff manage their own clinic's users (new users join the host's clinic)."""

    form = ClinicUserForm
    list_display = ("uid", "email", "display_name", "clinic", "role", "created_at")
    list_filter = ("clinic", "role")
    search_fields = ("uid", "user__email", "user__first_name", "user__last_name", "clinic__client_id")
    readonly_fields = ("uid", "created_at")
    list_select_related = ("user", "clinic")

    def get_fields(self, request, obj=None):
        fields = ["clinic", "email", "first_name", "last_name", "title", "role", "password"]
        if current_clinic() is not None:
            fields.remove("clinic")
        return fields + (["uid", "created_at"] if obj else [])

    @admin.display(description="e-mail", ordering="user__email")
    def email(self, obj: ClinicUser) -> str:
        return obj.user.email

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            user = obj.user
            user.first_name, user.last_name = data.get("first_name", ""), data.get("last_name", "")
            if data.get("password"):
                user.set_password(data["password"])
            user.save()
            super().save_model(request, obj, form, change)
            return
        created = clinic_user_create(
            clinic=current_clinic() or data["clinic"], email=data["email"], password=data["password"],
            first_name=data.get("first_name", ""), last_name=data.get("last_name", ""),
            title=data.get("title", ""), role=data["role"],
        )
        obj.pk, obj.user, obj.uid, obj.created_at = created.pk, created.user, created.uid, created.created_at
        obj.clinic = created.clinic

