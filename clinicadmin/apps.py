from django.apps import AppConfig


class ClinicAdminConfig(AppConfig):
    """Templates and views of the clinic admin (no models)."""

    name = "clinicadmin"
    verbose_name = "Clinic admin"
