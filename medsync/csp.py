"""Content-Security-Policy adjustments that depend on the page (django-csp 4 reads ``response._csp_update``).

The admin's theme (django-unfold) drives its menus with Alpine.js, whose standard build evaluates its
``x-data``/``@click`` expressions with ``new Function``: CSP blocks that unless ``script-src`` has
``'unsafe-eval'`` (Alpine docs, "CSP" build). Only ``/admin/`` pages get it; inline scripts stay
forbidden there too, and every other page keeps the strict policy of ``medsync.settings``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

ADMIN_PREFIX = "/admin/"


class AdminCspMiddleware:
    """Adds ``'unsafe-eval'`` to ``script-src`` on ``/admin/`` responses (placed after ``CSPMiddleware``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(ADMIN_PREFIX) and getattr(response, "_csp_update", None) is None:
            response._csp_update = {"script-src": ["'unsafe-eval'"]}
        return response
