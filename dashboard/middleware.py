"""Language of the dashboard's pages: the user's choice (``set_language`` cookie), else the browser's.

Django's ``LocaleMiddleware`` applied to the dashboard's paths only (``/`` and ``/app/...``): the API
surfaces keep their English, documented error messages whatever ``Accept-Language`` a client sends.
"""

from __future__ import annotations

from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def is_dashboard_path(path: str) -> bool:
    """True for the dashboard's URLs (``/`` and everything under ``/app/``)."""
    return path == "/" or path.startswith("/app/") or path == "/app"


class DashboardLocaleMiddleware(LocaleMiddleware):
    """``LocaleMiddleware`` for dashboard paths; other requests stay in ``LANGUAGE_CODE``."""

    def process_request(self, request):
        if is_dashboard_path(request.path_info):
            super().process_request(request)

    def process_response(self, request, response):
        if is_dashboard_path(request.path_info):
            response = super().process_response(request, response)
            translation.deactivate()
        return response
