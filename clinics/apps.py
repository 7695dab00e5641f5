from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    """Clinics (tenants), their domains, API keys, plans and usage records (public schema)."""

    name = "clinics"
    default_auto_field = "django.db.models.BigAutoField"
