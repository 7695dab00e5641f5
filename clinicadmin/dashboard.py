"""The admin index page's data (django-unfold's ``DASHBOARD_CALLBACK``)."""

from __future__ import annotations

import json

from django.db import connection

from clinicadmin import access, selectors
from clinics.admin import is_clinic_staff, is_platform_operator


def dashboard_callback(request, context: dict) -> dict:
    """Add the dashboard of this host to the admin index context.

    Clinic host: ``clinic_dashboard`` (that clinic's figures). Public host: ``operator_dashboard`` for
    the platform operator, ``clinic_choices`` for clinic staff (the clinics whose admin they may open).
    """
    days = selectors.period_from(request.GET.get("days"))
    context.update({"periods": selectors.DASHBOARD_PERIODS, "period_days": days,
                    "chart_options_json": json.dumps(selectors.USAGE_CHART_OPTIONS)})
    if connection.schema_name != "public":
        if is_clinic_staff(request):
            clinic = connection.tenant
            data = selectors.clinic_dashboard(clinic=clinic, days=days)
            context.update({"clinic": clinic, "clinic_dashboard": data,
                            "chart_json": json.dumps(data["chart"])})
        return context
    if is_platform_operator(request):
        data = selectors.operator_dashboard(days=days)
        context.update({"operator_dashboard": data, "chart_json": json.dumps(data["chart"])})
    context["clinic_choices"] = access.member_clinics(request.user) if not request.user.is_superuser else []
    return context
