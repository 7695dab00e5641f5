"""The admin's first page: a clinic's figures at its host (only its own), the operator's overview."""

from __future__ import annotations

import json
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from clinics.models import Service, UsageRecord
from clinics.selectors import usage_summary
from clinics.services import api_key_create, usage_record

pytestmark = pytest.mark.django_db


def _clinic_activity(*, recordings: int, seconds: float, signed: int, pending: int, failed: int) -> None:
    """Rows in the active clinic schema: completed recordings, signed notes, bookings, failed callbacks."""
    from booking.models import Booking, CallbackDelivery, DeliveryStatus
    from notes.models import ClinicalNote
    from transcription.models import Recording

    for _ in range(recordings):
        Recording.objects.create(status=Recording.Status.COMPLETED, duration_seconds=seconds)
    Recording.objects.create(status=Recording.Status.FAILED, failure_reason="decode")
    for i in range(signed + 1):
        ClinicalNote.objects.create(template_key="soap", language="en", engine="offline", content="## S\nok",
                                    signed_off_at=timezone.now() if i < signed else None)
    for i in range(pending + 1):
        Booking.objects.create(patient_name="P", patient_phone="+34600000000", date=date(2026, 5, 20),
                               time=time(9, i), provider="Dr. G", language="es",
                               status="pending_review" if i < pending else "confirmed")
    for _ in range(failed):
        CallbackDelivery.objects.create(event_type="appointment.created", url="http://127.0.0.1:9/cb", body="{}",
                                        status=DeliveryStatus.FAILED, next_attempt_at=timezone.now(),
                                        created_at=timezone.now())


def test_clinic_dashboard_counts_only_its_own_clinic(staff_a, clinic, other_clinic):
    with schema_context(clinic.schema_name):
        _clinic_activity(recordings=3, seconds=90.0, signed=2, pending=1, failed=1)
    with schema_context(other_clinic.schema_name):
        _clinic_activity(recordings=5, seconds=600.0, signed=4, pending=3, failed=2)
    usage_record(clinic=clinic, service=Service.TRANSCRIPTION, duration_seconds=90)
    usage_record(clinic=clinic, service=Service.WHATSAPP)
    usage_record(clinic=other_clinic, service=Service.AGENT_CALL, duration_seconds=60)
    connection.set_schema_to_public()

    response = staff_a.get("/admin/")
    assert response.status_code == 200
    data = response.context["clinic_dashboard"]
    assert (data["recordings_processed"], data["recordings_failed"], data["minutes_transcribed"]) == (3, 1, 4.5)
    assert (data["notes_signed"], data["bookings_pending"], data["callbacks_failed"]) == (2, 1, 1)
    # The same figures as GET /v1/usage (its selector).
    assert data["usage"] == usage_summary(clinic=clinic, days=30)
    assert data["usage"]["agent_call"]["requests"] == 0
    chart = json.loads(response.context["chart_json"])
    assert [d["label"] for d in chart["datasets"]] == ["Transcription", "WhatsApp", "Agent call"]
    assert len(chart["labels"]) == 30 and chart["labels"][-1] == timezone.localdate().isoformat()
    assert chart["datasets"][0]["data"][-1] == 1 and chart["datasets"][2]["data"][-1] == 0
    html = response.content.decode()
    assert 'data-stat="bookings_pending"' in html and 'class="chart"' in html
    assert "Clinic B" not in html


def test_dashboard_period_and_old_usage(staff_a, clinic):
    record = usage_record(clinic=clinic, service=Service.TRANSCRIPTION, duration_seconds=30)
    UsageRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(days=10))
    week = staff_a.get("/admin/", {"days": "7"}).context
    assert week["period_days"] == 7 and week["clinic_dashboard"]["usage"]["transcription"]["requests"] == 0
    month = staff_a.get("/admin/", {"days": "30"}).context["clinic_dashboard"]
    assert month["usage"]["transcription"]["requests"] == 1
    assert sum(json.loads(staff_a.get("/admin/").context["chart_json"])["datasets"][0]["data"]) == 1
    # Anything else is the default period, never an error.
    assert staff_a.get("/admin/", {"days": "-3"}).context["period_days"] == 30
    assert staff_a.get("/admin/", {"days": "abc"}).status_code == 200


def test_operator_sees_every_clinics_plan_and_usage(operator, clinic, other_clinic):
    usage_record(clinic=clinic, service=Service.TRANSCRIPTION, duration_seconds=120)
    usage_record(clinic=other_clinic, service=Service.WHATSAPP)
    usage_record(clinic=other_clinic, service=Service.WHATSAPP)
    api_key_create(clinic=clinic)
    response = operator.get("/admin/")
    assert response.status_code == 200
    data = response.context["operator_dashboard"]
    rows = {r["clinic"].client_id: r for r in data["clinics"]}
    assert rows["clinic-a"]["usage"]["transcription"] == {"requests": 1, "total_duration_seconds": 120}
    assert rows["clinic-b"]["usage"]["whatsapp"]["requests"] == 2
    assert rows["clinic-a"]["api_keys_active"] == 1 and rows["clinic-b"]["api_keys_active"] == 0
    assert data["totals"]["whatsapp"]["requests"] == 2
    html = response.content.decode()
    assert "Professional (50 req/min)" in html and "Starter (10 req/min)" in html
    assert 'data-clinic="clinic-a"' in html and 'data-clinic="clinic-b"' in html
    assert sum(json.loads(response.context["chart_json"])["datasets"][1]["data"]) == 2
