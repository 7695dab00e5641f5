"""Celery tasks of the notes app. They take ids and the clinic's schema name, never models."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import schema_context


@shared_task(acks_late=True)
def execute_run(schema_name: str, run_id: int) -> str:
    """Execute a pending thread run of the clinic ``schema_name``; returns its final status."""
    from clinics.models import Clinic
    from notes.services import run_execute

    clinic = Clinic.objects.get(schema_name=schema_name)
    with schema_context(schema_name):
        return run_execute(clinic=clinic, run_id=run_id)
