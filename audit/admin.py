"""The clinic's audit log in its admin (``<clinic>.localhost/admin/``): read-only, searchable, no add or delete;
and :class:`AuditedAdminMixin`, which makes the admins of clinical records write to that log."""

from __future__ import annotations

from django.contrib import admin

from audit.models import Action, ActorKind, AuditEvent
from audit.services import audit_record
from clinics.admin import ClinicStaffAdmin


class AuditedAdminMixin:
    """Audit a ``ModelAdmin`` of clinical records: who looked at, changed or deleted which record there.

    Put it before the ``ModelAdmin`` base and set ``audit_object_type`` (:class:`audit.models.ObjectType`);
    the model needs a public ``uuid`` (the id events store, never any content). Events, actor kind
    ``staff`` with the Django username (clinic staff, or the platform operator on the clinic's host):

    * ``read``: the change page (or, without change permission, the read-only view page) of one record is
      shown, also when a refused form is shown again (it shows the record); written while the page is
      built, so a page refused with 403/404 writes nothing;
    * ``change`` / ``create``: the admin saved the record (:meth:`save_model`);
    * ``delete``: the record was deleted, from its delete page or the list's bulk action (one event per
      record).

    Lists are not audited: their columns (ids, template, status, ``x-doctor``/``x-patient`` references)
    hold no clinical content. The event is written in the host's clinic schema, where the record lives.
    """

    audit_object_type: str = ""

    def _audit(self, request, action: str, object_id) -> None:
        audit_record(request=request, action=action, object_type=self.audit_object_type, object_id=object_id,
                     actor=(ActorKind.STAFF, request.user.get_username()))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not add:
            self._audit(request, Action.READ, obj.uuid)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._audit(request, Action.CHANGE if change else Action.CREATE, obj.uuid)

    def delete_model(self, request, obj):
        object_id = obj.uuid
        super().delete_model(request, obj)
        self._audit(request, Action.DELETE, object_id)

    def delete_queryset(self, request, queryset):
        object_ids = list(queryset.values_list("uuid", flat=True))
        super().delete_queryset(request, queryset)
        for object_id in object_ids:
            self._audit(request, Action.DELETE, object_id)


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicStaffAdmin):
    list_display = ("at", "actor_kind", "actor", "doctor_ref", "action", "object_type", "object_id", "method", "path")
    list_filter = ("action", "object_type", "actor_kind")
    search_fields = ("actor", "doctor_ref", "object_id", "request_id")
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False  # append-only: the change page is a read-only view

    def has_delete_permission(self, request, obj=None):
        return False
