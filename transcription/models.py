"""Recordings and transcripts of encounters (tenant schema: each clinic has its own tables)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Lower


def recording_upload_to(instance: "Recording", filename: str) -> str:
    # The storage prefixes the clinic's schema name, so clinics never share a folder.
    return f"recordings/{instance.created_at:%Y/%m}/{instance.uuid}{instance.extension}"


class Recording(models.Model):
    """An uploaded encounter recording. It is stored before processing starts and kept whatever
    happens later, with ``status`` and ``failure_reason`` telling how processing went."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded"
        PROCESSING = "processing"
        COMPLETED = "completed"
        FAILED = "failed"

    class Source(models.TextChoices):
        API = "api", "POST /v1/transcribe"
        CLI = "cli", "manage.py transcribe"
        LIVE = "live", "Live transcription"
        APPOINTMENT = "appointment", "Appointment recording"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    audio = models.FileField(upload_to=recording_upload_to, max_length=255, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    extension = models.CharField(max_length=10, blank=True)
    source_format = models.CharField(max_length=10, blank=True, help_text="Container: wav, mp3, webm, ...")
    size_bytes = models.BigIntegerField(default=0)
    duration_seconds = models.FloatField(null=True, blank=True)
    language = models.CharField(max_length=8, default="en")
    template_key = models.CharField(max_length=100, default="general_consultation")
    num_speakers = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.API)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED, db_index=True)
    failure_reason = models.TextField(blank=True)
    speech_engine = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Recording {self.uuid} ({self.status})"


class Transcript(models.Model):
    """The diarized transcript of a recording. Speaker 0 is the clinician (first speaker)."""

    recording = models.OneToOneField(Recording, on_delete=models.CASCADE, related_name="transcript")
    language = models.CharField(max_length=8)
    engine = models.CharField(max_length=40)
    duration_seconds = models.FloatField()
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Transcript of {self.recording.uuid}"


class TranscriptSegment(models.Model):
    """One utterance: consecutive speech of one speaker, times in seconds from the start.

    ``confidence`` is the mean recogniser probability of its words (None when the engine gave none);
    ``words`` keeps every word as ``{"text", "start", "end", "confidence"}``, so uncertain words stay
    in the record, marked, instead of being dropped.
    """

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField()
    speaker = models.PositiveSmallIntegerField()
    text = models.TextField()
    start = models.FloatField()
    end = models.FloatField()
    confidence = models.FloatField(null=True, blank=True)
    words = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["transcript", "index"]
        constraints = [models.UniqueConstraint(fields=["transcript", "index"], name="unique_segment_index")]

    def __str__(self) -> str:
        return f"[{self.start:.1f}-{self.end:.1f}] speaker {self.speaker}"


class TranscriptionRecord(models.Model):
    """A text transcription stored by a client (``POST /v1/transcriptions``, documentation workflow).

    The first step of that workflow: the raw text of a clinician-patient conversation, kept as sent,
    before any AI processing. Speech-to-text of uploaded audio lives in :class:`Recording`/:class:`Transcript`.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    duration_seconds = models.FloatField(help_text="Length of the recording, seconds (>= 0).")
    original_transcript = models.TextField()
    language_used = models.CharField(max_length=16, blank=True, help_text="Language code, e.g. en, es, fr.")
    created_by = models.CharField(max_length=80, blank=True, help_text="User uid or api_key:<prefix>.")
    doctor_ref = models.CharField(max_length=200, blank=True, db_index=True,
                                  help_text="x-doctor: the caller's identifier of the doctor (tracking and auditing).")
    patient_ref = models.CharField(max_length=200, blank=True, db_index=True,
                                   help_text="x-patient: the caller's identifier of the patient, if sent.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Transcription {self.uuid}"


#: Most terms a clinic's custom vocabulary may hold (issue 15: "<= 500 terms"). Whisper can only use the
#: first ~220 prompt tokens of it per decoding window (see ``transcription.vocabulary``).
VOCABULARY_MAX_TERMS = 500
#: Longest term, characters (a drug name, a procedure, a person's full name).
VOCABULARY_TERM_MAX_LENGTH = 100


class VocabularyTerm(models.Model):
    """One term of the clinic's custom vocabulary (drug names, procedures, staff names).

    Speech recognition is biased towards these spellings: faster-whisper ``hotwords`` offline, Deepgram
    ``keyterm`` (Nova-3) / ``keywords`` (Nova-2). Unique per clinic, case-insensitively.
    """

    class Kind(models.TextChoices):
        DRUG = "drug", "Drug name"
        PROCEDURE = "procedure", "Procedure"
        STAFF = "staff", "Staff name"
        OTHER = "other", "Other"

    term = models.CharField(max_length=VOCABULARY_TERM_MAX_LENGTH)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(Lower("term"), name="unique_vocabulary_term_ci"),
        ]

    def __str__(self) -> str:
        return self.term
