"""Clinical notes and their version history (tenant schema)."""

from __future__ import annotations

import uuid

from django.db import models

#: Length of the ``x-doctor`` / ``x-patient`` identifiers kept (the caller's own ids, e.g. an EHR user id).
PARTY_REF_MAX_LENGTH = 200


def doctor_ref_field() -> models.CharField:
    """``x-doctor`` header of the documentation workflow: the caller's id of the doctor (tracking, auditing)."""
    return models.CharField(max_length=PARTY_REF_MAX_LENGTH, blank=True, db_index=True,
                            help_text="x-doctor: the caller's identifier of the doctor (tracking and auditing).")


def patient_ref_field() -> models.CharField:
    """``x-patient`` header of the documentation workflow: the caller's id of the patient (optional)."""
    return models.CharField(max_length=PARTY_REF_MAX_LENGTH, blank=True, db_index=True,
                            help_text="x-patient: the caller's identifier of the patient, if sent.")


class ClinicalNote(models.Model):
    """A clinical note written from an encounter's transcript with a template.

    ``content`` is the current Markdown; ``sections`` the same content keyed by section key;
    every change bumps ``version`` and keeps the previous text in :class:`ClinicalNoteVersion`.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recording = models.ForeignKey(
        "transcription.Recording", null=True, blank=True, on_delete=models.SET_NULL, related_name="notes"
    )
    template_key = models.CharField(max_length=100)
    language = models.CharField(max_length=8)
    engine = models.CharField(max_length=40)
    content = models.TextField()
    sections = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    # Documentation workflow (PATCH /v1/clinical-notes/{id}) and MediSync (POST /api/notes/add/...).
    transcription_record = models.ForeignKey(
        "transcription.TranscriptionRecord", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="clinical_notes",
    )
    ai_generated_content = models.JSONField(
        default=dict, blank=True, help_text="Structured note; for a known template, one string per section key."
    )
    feedback = models.TextField(blank=True)
    report_thread_id = models.CharField(max_length=64, blank=True)
    report_run_ids = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    clinician_notes = models.TextField(blank=True, help_text="The clinician's own notes the AI note was written from.")
    updated_by = models.CharField(max_length=80, blank=True, help_text="User uid or api_key:<prefix>.")
    doctor_ref = doctor_ref_field()
    patient_ref = patient_ref_field()
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by_uid = models.CharField(max_length=40, blank=True)
    signed_off_by_name = models.CharField(max_length=200, blank=True)
    evidence = models.JSONField(
        default=list, blank=True,
        help_text="Provenance of the generated note's sentences (NoteResult.evidence): "
        '[{"section", "sentence", "utterances": [transcript segment indices], "supported", "reasons"}].',
    )
    diagnoses = models.JSONField(
        default=list, blank=True,
        help_text="ICD-10-CM suggestions with their evidence and the clinician's decision: "
        '[{"code", "description", "confidence", "billable", "evidence", "decision": '
        '"pending"|"accepted"|"rejected", "decided_by", "decided_at"}].',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template_key} note v{self.version}"

    @property
    def unsupported_sentences(self) -> list[dict]:
        """Evidence entries no transcript utterance supports (``supported: False``), for review."""
        return [e for e in self.evidence or [] if not e.get("supported", True)]


class ClinicalNoteVersion(models.Model):
    """A past or current version of a note, kept whenever the note changes.

    Each row is a full snapshot of the note as it was at that version; the sign-off fields say
    whether (and by whom, when) that version was signed off.
    """

    note = models.ForeignKey(ClinicalNote, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    content = models.TextField()
    sections = models.JSONField(default=dict)
    engine = models.CharField(max_length=40)
    template_key = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=8, blank=True)
    ai_generated_content = models.JSONField(default=dict, blank=True)
    feedback = models.TextField(blank=True)
    report_thread_id = models.CharField(max_length=64, blank=True)
    report_run_ids = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    clinician_notes = models.TextField(blank=True)
    changed_by = models.CharField(max_length=80, blank=True)
    doctor_ref = doctor_ref_field()
    patient_ref = patient_ref_field()
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by_uid = models.CharField(max_length=40, blank=True)
    signed_off_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["note", "version"]
        constraints = [models.UniqueConstraint(fields=["note", "version"], name="unique_note_version")]


class Thread(models.Model):
    """A conversation with the AI assistant (documentation workflow): its messages are its history."""

    class Status(models.TextChoices):
        IDLE = "idle"
        BUSY = "busy"
        ERROR = "error"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IDLE)
    metadata = models.JSONField(default=dict, blank=True)
    created_by = models.CharField(max_length=80, blank=True)
    doctor_ref = doctor_ref_field()
    patient_ref = patient_ref_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Thread {self.uuid}"


class Run(models.Model):
    """One execution of the assistant on a thread: input messages in, an assistant message out.

    Status names follow the LangGraph API: ``pending`` -> ``running`` -> ``success`` | ``error``.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        SUCCESS = "success"
        ERROR = "error"

    class Kind(models.TextChoices):
        CLINICAL_EXTRACTION = "clinical_extraction"
        CHAT = "chat"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="runs")
    assistant_id = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, blank=True)
    input = models.JSONField(default=dict)
    config = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    output = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    error_permanent = models.BooleanField(default=False, help_text="True when retrying the run cannot help.")
    created_by = models.CharField(max_length=80, blank=True)
    doctor_ref = doctor_ref_field()
    patient_ref = patient_ref_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Run {self.uuid} ({self.status})"


class Message(models.Model):
    """One message of a thread's history, in order (``index`` 0, 1, ...)."""

    class Role(models.TextChoices):
        USER = "user"
        ASSISTANT = "assistant"
        SYSTEM = "system"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    index = models.PositiveIntegerField()
    role = models.CharField(max_length=10, choices=Role.choices)
    content = models.TextField()
    data = models.JSONField(null=True, blank=True, help_text="Structured output of the assistant, if any.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["thread", "index"]
        constraints = [models.UniqueConstraint(fields=["thread", "index"], name="unique_message_index")]
