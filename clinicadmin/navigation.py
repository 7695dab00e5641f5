"""The admin sidebar (django-unfold ``SIDEBAR["navigation"]``): the dashboard, then one group per app
with the models this user may open at this host (the same list as the index page)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse


def sidebar(request) -> list[dict]:
    """Unfold navigation groups: ``[{"title", "collapsible", "items": [{"title", "link", "icon"?}]}]``."""
    groups = [{"title": None, "items": [{"title": "Dashboard", "icon": "dashboard", "link": reverse("admin:index")}]}]
    for app in admin.site.get_app_list(request):
        items = [{"title": model["name"], "link": model["admin_url"]} for model in app["models"] if model["admin_url"]]
        if items:
            groups.append({"title": app["name"], "collapsible": True, "items": items})
    return groups
