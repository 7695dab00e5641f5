"""Admin for platform operators: clinics, plans, API keys (secret shown once, revoke), usage."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Sum
from django.utils import timezone

from clinics.models import ApiKey, Clinic, Domain, StaffMembership, UsageRecord
from clinics.services import api_key_create, api_key_revoke, hash_api_key, schema_name_for


def is_platform_operator(request) -> bool:
    """Superusers working on the public host manage the platform (clinics, keys, usage)."""
    from django.db import connection

    return bool(request.user.is_active and request.user.is_superuser and connection.schema_name == "public")


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
        "name", "client_id", "schema_name", "plan", "is_active", "speech_provider", "deepgram_api_key",
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
    list_display = ("prefix", "name", "clinic", "created_at", "last_used_at", "revoked_at")
    list_filter = ("clinic", "revoked_at")
    search_fields = ("prefix", "name", "clinic__name", "clinic__client_id")
    fields = ("clinic", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke_keys"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created, raw_key = api_key_create(clinic=obj.clinic, name=obj.name)
        obj.pk, obj.prefix, obj.hashed_key = created.pk, created.prefix, hash_api_key(raw_key)
        obj.created_at = created.created_at
        messages.warning(request, f"New API key for {obj.clinic.client_id} (copy it now, it is not shown again): {raw_key}")

    @admin.action(description="Revoke selected API keys")
    def revoke_keys(self, request, queryset):
        for api_key in queryset:
            api_key_revoke(api_key=api_key)
        messages.success(request, f"Revoked {queryset.count()} key(s).")


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
