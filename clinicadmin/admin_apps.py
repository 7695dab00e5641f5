"""``django.contrib.admin`` with MedSync's admin site as ``admin.site`` (Django's documented way to
replace the default site: an ``AdminConfig`` subclass with ``default_site``)."""

from django.contrib.admin.apps import AdminConfig


class MedSyncAdminConfig(AdminConfig):
    default_site = "clinicadmin.sites.MedSyncAdminSite"
