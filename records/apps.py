from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Patients and appointments of the MediSync API (clinic schemas)."""

    name = "records"
    default_auto_field = "django.db.models.BigAutoField"
