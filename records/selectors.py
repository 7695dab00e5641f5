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


def patient_list(*, search: str = "", date_of_birth=None) -> QuerySet[Patient]:
    """Patients not archived, by name; ``search`` matches first or last name, e-mail or phone (every
    word of it, so "jane smith" finds Jane Smith); ``date_of_birth`` (a ``date``) narrows to that birthday."""
    patients = Patient.objects.filter(deleted_at__isnull=True)
    for word in search.split() if len(search.split()) > 1 else ([search] if search else []):
        patients = patients.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word)
            | Q(contact__email__icontains=word) | Q(contact__phone__icontains=word)
        )
    if date_of_birth is not None:
        patients = patients.filter(date_of_birth=date_of_birth)
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


def appointment_speaker_names(*, appointment: Appointment) -> dict[int, str]:
    """``{speaker index: display name}`` of the names set for ``appointment``'s speakers (indices
    without a name are absent: the caller shows its default label)."""
    return {int(key): name for key, name in (appointment.speaker_names or {}).items()
            if str(key).isdecimal() and isinstance(name, str) and name}


def appointment_clinician(*, clinic, appointment: Appointment):
    """The :class:`clinics.models.ClinicUser` who sees the patient (assigned, else the creator), or ``None``."""
    from clinics.selectors import clinic_user_list

    uid = appointment.clinician_uid or appointment.created_by
    return clinic_user_list(clinic=clinic, uids=[uid]).first() if uid else None


def appointment_note_parties(*, clinic, appointment: Appointment):
    """Patient, clinician and clinic of an appointment's note (:class:`notes.export.NoteParties`), for exports."""
    from notes.export import NoteParties

    clinician = appointment_clinician(clinic=clinic, appointment=appointment)
    patient = appointment.patient
    return NoteParties(
        patient_id=str(patient.uuid), patient_name=patient.full_name,
        patient_birth_date=patient.date_of_birth.isoformat() if patient.date_of_birth else "",
        clinician_id=clinician.uid if clinician else "", clinician_name=clinician.display_name if clinician else "",
        clinic_name=clinic.name, encounter_label=f"{appointment.name} — {appointment.date:%Y-%m-%d}",
    )
