"""Patients and appointments of the MediSync API (tenant schema: each clinic has its own tables)."""

from __future__ import annotations

import uuid

from django.db import models


class Patient(models.Model):
    """A patient of the clinic. Deleting through the API archives it (``deleted_at``): clinical
    records that refer to it (appointments, recordings, notes) are kept, as medical-record retention
    rules require, but it disappears from the API."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.JSONField(default=dict, blank=True, help_text="street, city, zipCode, country")
    insurance = models.JSONField(default=dict, blank=True, help_text="provider, policyNumber")
    contact = models.JSONField(default=dict, blank=True, help_text="phone (E.164), email")
    created_by = models.CharField(max_length=40, blank=True, help_text="uid of the user who added the patient.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["last_name", "first_name", "created_at"]

    def __str__(self) -> str:
        return self.full_name or str(self.uuid)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class AppointmentStatus(models.TextChoices):
    """FHIR R4 AppointmentStatus codes, plus MediSync's ``planned`` (a booked, upcoming visit).

    Source: http://hl7.org/fhir/R4/valueset-appointmentstatus.html
    """

    PLANNED = "planned", "Planned"
    PROPOSED = "proposed", "Proposed"
    PENDING = "pending", "Pending"
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    CHECKED_IN = "checked-in", "Checked in"
    FULFILLED = "fulfilled", "Fulfilled"
    CANCELLED = "cancelled", "Cancelled"
    NOSHOW = "noshow", "No show"
    ENTERED_IN_ERROR = "entered-in-error", "Entered in error"
    WAITLIST = "waitlist", "Waitlist"


#: The FHIR AppointmentStatus each MediSync status corresponds to (only ``planned`` differs).
FHIR_APPOINTMENT_STATUS: dict[str, str] = {s.value: s.value for s in AppointmentStatus} | {"planned": "booked"}


class AppointmentType(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone call"
    HOME_VISIT = "home_visit", "Home visit"


#: Most speakers an encounter can name: the diarization's upper bound (``num_speakers`` is at most 8
#: in the transcription API, ``transcription.api.serializers``).
MAX_SPEAKERS = 8
#: Longest speaker display name, in characters.
MAX_SPEAKER_NAME_LENGTH = 80


class Appointment(models.Model):
    """A visit of a patient. Its recording is transcribed, and its note written, with the template
    named by ``notes_type`` in the appointment's ``language``.

    ``speaker_names`` belongs to the encounter rather than to one recording: the names are typed
    before or during a live session (no recording exists yet) and stay when the visit is recorded
    again. Keys are the diarization's speaker indices as strings (JSON object keys), ``"0"`` to
    ``"7"``; a missing index shows the default label (Clinician, Patient, Speaker n).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    name = models.CharField(max_length=200)
    date = models.DateField()
    time = models.TimeField()
    status = models.CharField(max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.PLANNED)
    language = models.CharField(max_length=8, default="en")
    notes_type = models.CharField(max_length=100, default="general_consultation",
                                  help_text='Note template, e.g. "SOAP" or "soap_clinical_notes_de".')
    appointment_type = models.CharField(max_length=20, choices=AppointmentType.choices,
                                        default=AppointmentType.IN_PERSON)
    recording = models.ForeignKey("transcription.Recording", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="appointments")
    note = models.ForeignKey("notes.ClinicalNote", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="appointments")
    created_by = models.CharField(max_length=40, blank=True)
    clinician_uid = models.CharField(
        max_length=40, blank=True, db_index=True,
        help_text="uid of the clinician who sees the patient (dashboard: a clinician sees their own "
        "appointments); empty = the user who created it.",
    )
    speaker_names = models.JSONField(
        default=dict, blank=True,
        help_text='Display names of the transcript\'s speakers by speaker index, e.g. {"0": "Dr. Ruiz", "1": "Ana"} '
        "(at most 8, each at most 80 characters; records.services.appointment_speaker_names_set).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "time", "created_at"]
        indexes = [models.Index(fields=["date", "time"])]

    def __str__(self) -> str:
        return f"{self.name} {self.date} {self.time}"
