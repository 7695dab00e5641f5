from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    """Clinics (tenants), their domains, API keys, plans and usage records (public schema)."""

    name = "clinics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from clinics.models import ApiKey, Clinic, Domain
        from medsync import lookup_cache

        # A revoked key, a changed plan or a deactivated clinic takes effect at once in this process
        # (other processes: within MEDSYNC_LOOKUP_CACHE_SECONDS, see medsync/lookup_cache.py).
        for model in (ApiKey, Clinic, Domain):
            post_save.connect(lookup_cache.clear_all, sender=model, dispatch_uid=f"lookup_cache_save_{model.__name__}")
            post_delete.connect(lookup_cache.clear_all, sender=model, dispatch_uid=f"lookup_cache_delete_{model.__name__}")
