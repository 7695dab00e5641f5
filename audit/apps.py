from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Append-only audit log of access to clinical records (one table per clinic schema)."""

    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Audit log"
