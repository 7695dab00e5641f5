from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The doctors' web app (server-rendered pages calling the other apps' services)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
    verbose_name = "Doctor dashboard"
