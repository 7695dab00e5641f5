"""Reads of patients and appointments (current clinic's schema)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from notes.models import ClinicalNote
from records.models import Appointment, Patient


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def patient_list(*, search: str = "") -> QuerySet[Patient]:
    """Patients not archived, by name; ``search`` matches first or last name, e-mail or phone."""
    patients = Patient.objects.filter(deleted_at__isnull=True)
    if search:
        patients = patients.filter(
            Q(first_name__icontains=search) | Q(last_name__icontains=search)
            | Q(contact__email__icontains=search) | Q(contact__phone__icontains=search)
        )
    return patients


def patient_get(*, patient_id: str) -> Patient | None:
    """The patient with public id ``patient_id`` (not archived), or ``None``."""
    key = _uuid(patient_id)
    return Patient.objects.filter(uuid=key, deleted_at__isnull=True).first() if key else None


def appointment_list(*, patient: Patient | None = None, date=None, status: str | None = None) -> QuerySet[Appointment]:
    """Appointments by date and time, optionally of one patient, on one date or with one status."""
    appointments = Appointment.objects.select_related("patient", "recording").filter(patient__deleted_at__isnull=True)
    if patient is not None:
        appointments = appointments.filter(patient=patient)
    if date is not None:
        appointments = appointments.filter(date=date)
    if status:
        appointments = appointments.filter(status=status)
    return appointments


def appointment_get(*, appointment_id: str) -> Appointment | None:
    """The appointment with public id ``appointment_id`` (of a patient not archived), or ``None``."""
    key = _uuid(appointment_id)
    if key is None:
        return None
    return appointment_list().filter(uuid=key).first()


def appointment_note(*, appointment: Appointment) -> ClinicalNote | None:
    """The appointment's clinical note: the one written for it, else the latest from its recording."""
    if appointment.note_id:
        return appointment.note
    if appointment.recording_id:
        return ClinicalNote.objects.filter(recording_id=appointment.recording_id).order_by("-created_at").first()
    return None
