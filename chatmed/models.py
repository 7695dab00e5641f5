"""ChatMed data of one clinic (tenant schema): profiles, chat sessions, readings, prescriptions, facilities.

Rows written through a sandbox key (``sk_test_``) carry ``is_sandbox=True``: live keys never see them,
sandbox keys never see live rows, and ``manage.py chatmed_wipe_sandbox`` deletes them.
Public identifiers (``prof_…``, ``sess_…``, ``hr_…``, ``rx_…``) are random; primary keys never leave the API.
"""

from __future__ import annotations

import secrets

from django.db import models


def new_public_id(prefix: str) -> str:
    """``prefix`` + ``_`` + 20 URL-safe random characters (120 bits), e.g. ``prof_Xq3…``."""
    return f"{prefix}_{secrets.token_urlsafe(15)}"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class HealthProfile(models.Model):
    """A patient's health profile: demographics, conditions (ICD-10-CM), medications, allergies.

    ``conditions``: ``[{"code": "I10", "description": "Essential (primary) hypertension"}]``;
    ``medications``: ``[{"name": "amlodipine", "dose": "5 mg"}]`` (names from the shipped drug list);
    ``allergies``: ``["penicillin", ...]`` (drugs, drug classes or other substances, lower case).
    """

    public_id = models.CharField(max_length=40, unique=True)
    is_sandbox = models.BooleanField(default=False, db_index=True)
    external_id = models.CharField(max_length=100, blank=True, help_text="The caller's own patient reference.")
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2; chooses the emergency number.")
    language = models.CharField(max_length=5, default="en")
    conditions = models.JSONField(default=list, blank=True)
    medications = models.JSONField(default=list, blank=True)
    allergies = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "health profile"

    def __str__(self) -> str:
        return self.public_id


class ChatSession(models.Model):
    """A conversation of ``POST /api/v1/chat/message``; ``public_id`` may be chosen by the client."""

    public_id = models.CharField(max_length=64)
    is_sandbox = models.BooleanField(default=False)
    profile = models.ForeignKey(HealthProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    language = models.CharField(max_length=5, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["public_id", "is_sandbox"], name="unique_chat_session")]
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.public_id


class ChatMessage(models.Model):
    """One turn of a session: the user's message or the assistant's answer."""

    class Role(models.TextChoices):
        USER = "user", "User"
        ASSISTANT = "assistant", "Assistant"

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=10, choices=Role.choices)
    content = models.TextField()
    urgency_level = models.CharField(max_length=10, blank=True)
    engine = models.CharField(max_length=20, blank=True, help_text="offline or openai (assistant turns).")
    topic = models.CharField(max_length=60, blank=True, help_text="Knowledge-base entry the answer drew on.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class HeartRateReading(models.Model):
    """A manual heart-rate measurement (``POST /api/v1/health/heart-rate``) and its interpretation."""

    public_id = models.CharField(max_length=40, unique=True)
    is_sandbox = models.BooleanField(default=False)
    profile = models.ForeignKey(HealthProfile, null=True, blank=True, on_delete=models.CASCADE, related_name="heart_rates")
    heart_rate_bpm = models.PositiveSmallIntegerField()
    is_resting = models.BooleanField(default=True)
    feels_regular = models.BooleanField(default=True)
    has_palpitations = models.BooleanField(default=False)
    has_shortness_of_breath = models.BooleanField(default=False)
    measurement_duration_seconds = models.PositiveIntegerField(default=60)
    category = models.CharField(max_length=10)
    alerts = models.JSONField(default=list)
    measured_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-measured_at", "-id"]


class Prescription(models.Model):
    """A structured prescription with its interaction and allergy checks at the time it was written.

    ``medications``: ``[{"name", "dose", "route", "frequency", "duration", "atc_code"}]``;
    ``interactions``: ``[{"drugs": [a, b], "severity", "description", "source"}]``;
    ``allergy_alerts``: ``[{"drug", "allergy", "severity", "description", "source"}]``.
    """

    public_id = models.CharField(max_length=40, unique=True)
    is_sandbox = models.BooleanField(default=False)
    profile = models.ForeignKey(HealthProfile, on_delete=models.CASCADE, related_name="prescriptions")
    diagnosis_text = models.CharField(max_length=300)
    icd10_code = models.CharField(max_length=10)
    icd10_description = models.CharField(max_length=300)
    medications = models.JSONField(default=list)
    interactions = models.JSONField(default=list)
    allergy_alerts = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.public_id


class EmergencyFacility(models.Model):
    """An emergency resource the clinic lists (hospital emergency department, urgent care, ...).

    Managed in the clinic admin or imported with ``manage.py chatmed_import_facilities`` (CSV/GeoJSON).
    ``phone`` is E.164; ``country`` ISO 3166-1 alpha-2; coordinates WGS 84 degrees.
    """

    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +33149956565")
    latitude = models.FloatField()
    longitude = models.FloatField()
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, e.g. FR")
    kind = models.CharField(max_length=40, default="emergency_department")
    address = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "emergency facilities"
        constraints = [models.UniqueConstraint(fields=["name", "latitude", "longitude"], name="unique_facility_place")]

    def __str__(self) -> str:
        return self.name


# --- part 2: voice assistant, video teleconsultation, image analysis -------------------------------

def voice_audio_upload_to(instance: "VoiceExchange", filename: str) -> str:
    # The tenant storage prefixes the clinic's schema name: clinics never share a folder.
    return f"chatmed/voice/{instance.created_at:%Y/%m}/{instance.public_id}-{filename}"


class VoiceExchange(models.Model):
    """One ``POST /api/v1/speech/transcribe``: the spoken question, its transcript and the chat's answer.

    ``question_audio`` is the upload as received (kept: clinical content is never lost);
    ``reply_audio`` the synthesised answer (WAV, 16 kHz mono PCM16) when ``return_audio`` was asked.
    """

    public_id = models.CharField(max_length=40, unique=True)
    is_sandbox = models.BooleanField(default=False)
    session = models.ForeignKey(ChatSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    question_audio = models.FileField(upload_to=voice_audio_upload_to, max_length=255, blank=True)
    source_format = models.CharField(max_length=10, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True)
    language_detected = models.BooleanField(default=False)
    speech_engine = models.CharField(max_length=40, blank=True)
    transcript = models.TextField(blank=True)
    response_text = models.TextField(blank=True)
    urgency_level = models.CharField(max_length=10, blank=True)
    reply_audio = models.FileField(upload_to=voice_audio_upload_to, max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.public_id


class VideoConsultation(models.Model):
    """A video teleconsultation room (``vs_…``) between one doctor and one patient.

    ``doctor_id``/``patient_id`` are the caller's own identifiers (the seed's ``doc_…``/``pat_…``).
    Status: ``waiting`` (created) → ``active`` (both roles connected) → ``ended``; or ``cancelled``.
    ``*_connected_at`` is set while that role has a signalling socket open (``None`` otherwise).
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        CANCELLED = "cancelled", "Cancelled"

    public_id = models.CharField(max_length=40, unique=True)
    is_sandbox = models.BooleanField(default=False)
    doctor_id = models.CharField(max_length=100)
    patient_id = models.CharField(max_length=100)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, default="en")
    enable_recording = models.BooleanField(default=False)
    recording_consent_at = models.DateTimeField(null=True, blank=True,
                                                help_text="When the patient's consent to recording was recorded.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True)
    expires_at = models.DateTimeField()
    doctor_connected_at = models.DateTimeField(null=True, blank=True)
    patient_connected_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    recording = models.ForeignKey("transcription.Recording", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.public_id


class WaitingRoomEntry(models.Model):
    """A patient waiting for a doctor (``wr_…``); the doctor's open room page is told live."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        ADMITTED = "admitted", "Admitted"
        LEFT = "left", "Left"

    public_id = models.CharField(max_length=40, unique=True)
    is_sandbox = models.BooleanField(default=False)
    doctor_id = models.CharField(max_length=100, db_index=True)
    patient_id = models.CharField(max_length=100)
    reason = models.CharField(max_length=500, blank=True)
    consultation = models.ForeignKey(VideoConsultation, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="waiting_entries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    admitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.public_id


def vision_upload_to(instance: "ImageAnalysis", filename: str) -> str:
    return f"chatmed/vision/{instance.created_at:%Y/%m}/{instance.public_id}{instance.extension}"


class ImageAnalysis(models.Model):
    """One ``POST /api/v1/medical-vision/analyze`` (``vis_…``).

    ``image`` is the de-identified copy (DICOM patient identifiers removed, JPEG/PNG re-encoded without
    metadata); ``image_metadata`` what validation read (format, dimensions; DICOM modality, body part,
    pixel spacing). Status ``completed`` (a model answered), ``unavailable`` (no image model: no
    findings at all) or ``failed`` (the model failed or answered malformed; no findings).
    ``regions_of_interest``: ``[{"label", "x", "y", "width", "height", "confidence"}]``, coordinates
    as fractions [0, 1] of the image's width/height from its top-left corner.
    """

    class Status(models.TextChoices):
        COMPLETED = "completed", "Completed"
        UNAVAILABLE = "unavailable", "No image model"
        FAILED = "failed", "Failed"

    public_id = models.CharField(max_length=40, unique=True)
    is_sandbox = models.BooleanField(default=False)
    analysis_type = models.CharField(max_length=20)
    language = models.CharField(max_length=8, default="en")
    image = models.FileField(upload_to=vision_upload_to, max_length=255, blank=True)
    extension = models.CharField(max_length=6, blank=True)
    image_metadata = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices)
    engine = models.CharField(max_length=60, blank=True)
    findings = models.TextField(blank=True)
    confidence = models.FloatField(null=True, blank=True)
    regions_of_interest = models.JSONField(default=list)
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "image analyses"

    def __str__(self) -> str:
        return self.public_id
