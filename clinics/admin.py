"""Admin for platform operators: clinics, plans, API keys (secret shown once, revoke), usage."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.utils import timezone

from clinics.models import ApiKey, Clinic, ClinicUser, Domain, PlanEndpointAccess, StaffMembership, UsageRecord
from clinics.selectors import plan_access_cache_clear
from clinics.services import api_key_create, api_key_revoke, clinic_user_create, hash_api_key, schema_name_for


def is_platform_operator(request) -> bool:
    """Superusers working on the public host manage the platform (clinics, keys, usage)."""
    from django.db import connection

    return bool(request.user.is_active and request.user.is_superuser and connection.schema_name == "public")


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


class ClinicStaffAdmin(admin.ModelAdmin):
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


class PlatformOnlyAdmin(admin.ModelAdmin):
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


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class StaffMembershipInline(admin.TabularInline):
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


@admin.register(ApiKey)
class ApiKeyAdmin(PlatformOnlyAdmin):
    list_display = ("prefix", "name", "kind", "clinic", "created_at", "last_used_at", "revoked_at")
    list_filter = ("kind", "clinic", "revoked_at")
    search_fields = ("prefix", "name", "clinic__name", "clinic__client_id")
    fields = ("clinic", "name", "kind", "prefix", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        # A key's kind is fixed at creation: its prefix (msk_/sk_live_/sk_test_) says it.
        return self.readonly_fields + (("kind",) if obj else ())
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke_keys"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created, raw_key = api_key_create(clinic=obj.clinic, name=obj.name, kind=obj.kind or "platform")
        obj.pk, obj.prefix, obj.hashed_key = created.pk, created.prefix, hash_api_key(raw_key)
        obj.created_at = created.created_at
        messages.warning(request, f"New API key for {obj.clinic.client_id} (copy it now, it is not shown again): {raw_key}")

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
class ClinicUserAdmin(PlatformOnlyAdmin):
    """Clinicians and staff who sign in to the MediSync API (``POST /api/login``)."""

    form = ClinicUserForm
    list_display = ("uid", "email", "display_name", "clinic", "role", "created_at")
    list_filter = ("clinic", "role")
    search_fields = ("uid", "user__email", "user__first_name", "user__last_name", "clinic__client_id")
    readonly_fields = ("uid", "created_at")
    list_select_related = ("user", "clinic")

    def get_fields(self, request, obj=None):
        fields = ["clinic", "email", "first_name", "last_name", "title", "role", "password"]
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
            clinic=data["clinic"], email=data["email"], password=data["password"],
            first_name=data.get("first_name", ""), last_name=data.get("last_name", ""),
            title=data.get("title", ""), role=data["role"],
        )
        obj.pk, obj.user, obj.uid, obj.created_at = created.pk, created.user, created.uid, created.created_at
