"""Language of the dashboard's pages: the signed-in user's preference, else the browser's.

Django's ``LocaleMiddleware`` applied to the dashboard's paths only (``/`` and ``/app/...``): the API
surfaces keep their English, documented error messages whatever ``Accept-Language`` a client sends.

Order of choice on a dashboard page:

1. the signed-in clinic user's ``ClinicUser.ui_language`` (their account page, or the language menu
   while signed in), activated on every request, so it follows the user to any browser;
2. otherwise Django's own: the ``django_language`` cookie (the menu before signing in, and the
   preference copied there at sign-in), then the browser's ``Accept-Language``, then ``LANGUAGE_CODE``.

The middleware sits after ``AuthenticationMiddleware`` so ``request.user`` is known.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def is_dashboard_path(path: str) -> bool:
    """True for the dashboard's URLs (``/`` and everything under ``/app/``)."""
    return path == "/" or path.startswith("/app/") or path == "/app"


def user_language(request: HttpRequest) -> str:
    """The signed-in clinic user's page language (a code of ``settings.LANGUAGES``), or ``""`` when
    nobody is signed in, the user is no clinic user or follows the browser."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    try:
        language = user.clinic_profile.ui_language
    except ObjectDoesNotExist:  # a Django admin user without a clinic profile
        return ""
    return language if language in {code for code, _name in settings.LANGUAGES} else ""


class DashboardLocaleMiddleware(LocaleMiddleware):
    """``LocaleMiddleware`` for dashboard paths, with the user's preference first; other requests
    stay in ``LANGUAGE_CODE``."""

    def process_request(self, request):
        if not is_dashboard_path(request.path_info):
            return
        language = user_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        else:
            super().process_request(request)

    def process_response(self, request, response):
        if is_dashboard_path(request.path_info):
            response = super().process_response(request, response)
            translation.deactivate()
        return response
