"""Outbound AI phone calls to patients (``POST /v1/agent-call``). Tenant app: every table lives in the
clinic's own schema.

- :class:`CallSettings` — the clinic's calling configuration (one row per schema): telephony provider,
  calling hours in the clinic's time zone, retries, limits and the callback signing secret.
- :class:`AgentCall` — one requested call: its life cycle (the seed's statuses), the dialogue, the
  transcript, the summary and the structured outcome.
"""

from __future__ import annotations

from datetime import time

from django.db import models

from medsync.encrypted_fields import EncryptedTextField

#: Languages the agent speaks (platform API seed, "Supported Languages": Agent Calls = Yes).
LANGUAGES = ("en", "es", "ca", "fr", "pt", "de", "it")


class Purpose(models.TextChoices):
    APPOINTMENT_REMINDER = "appointment_reminder", "Appointment reminder"
    APPOINTMENT_CONFIRMATION = "appointment_confirmation", "Appointment confirmation"
    FOLLOW_UP = "follow_up", "Follow-up"
    CUSTOM = "custom", "Custom script"


class CallStatus(models.TextChoices):
    """The seed's statuses (``initiated`` … ``busy``, Twilio's call statuses) plus ``canceled``
    (a queued call cancelled before it was dialled; Twilio's spelling)."""

    INITIATED = "initiated", "Initiated"
    RINGING = "ringing", "Ringing"
    IN_PROGRESS = "in-progress", "In progress"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    NO_ANSWER = "no-answer", "No answer"
    BUSY = "busy", "Busy"
    CANCELED = "canceled", "Canceled"


#: Statuses after which nothing changes any more.
FINAL_STATUSES = frozenset({CallStatus.COMPLETED, CallStatus.FAILED, CallStatus.NO_ANSWER, CallStatus.BUSY,
                            CallStatus.CANCELED})
#: Statuses that hold one of the clinic's concurrent-call slots.
ACTIVE_STATUSES = (CallStatus.RINGING, CallStatus.IN_PROGRESS)

#: Order of an attempt's statuses. A status callback only moves an attempt forward, so repeated or
#: out-of-order callbacks (Twilio delivers at least once and in no guaranteed order) change nothing.
STATUS_RANK = {
    CallStatus.INITIATED: 0,
    CallStatus.RINGING: 1,
    CallStatus.IN_PROGRESS: 2,
    CallStatus.COMPLETED: 3,
    CallStatus.FAILED: 3,
    CallStatus.NO_ANSWER: 3,
    CallStatus.BUSY: 3,
    CallStatus.CANCELED: 3,
}


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    RESCHEDULE_REQUESTED = "reschedule_requested", "Reschedule requested"
    QUESTION = "question", "Question for the clinic"
    NO_ANSWER = "no_answer", "No answer"
    VOICEMAIL = "voicemail", "Voicemail left"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    FAILED = "failed", "Failed"


class WaitingReason(models.TextChoices):
    NONE = "", "Not waiting"
    CAPACITY = "capacity", "All of the clinic's call slots are busy"
    CALLING_HOURS = "calling_hours", "Outside calling hours"
    RETRY = "retry", "Retry after no answer / busy"


class ProviderChoice(models.TextChoices):
    AUTO = "auto", "Twilio when credentials and a caller number are configured, else the simulator"
    TWILIO = "twilio", "Twilio"
    SIMULATOR = "simulator", "Local simulator (no carrier)"


class PolicyChoice(models.TextChoices):
    AUTO = "auto", "LLM when an OpenAI key is configured, else scripted"
    SCRIPTED = "scripted", "Scripted (offline)"
    OPENAI = "openai", "OpenAI-compatible LLM"


def default_calling_days() -> list[int]:
    """Monday to Saturday (ISO weekday numbers 1-6)."""
    return [1, 2, 3, 4, 5, 6]


class CallSettings(models.Model):
    """The clinic's agent-call configuration; one row per schema, created with defaults on first use.

    Calling hours are ``calling_hours_start``–``calling_hours_end`` on ``calling_days`` (ISO weekday
    numbers, 1 = Monday) in ``time_zone``; a call requested outside them waits for the next opening.
    Defaults (09:00–20:00, Monday–Saturday) follow common telemarketing-hours rules (e.g. the US TCPA's
    8:00–21:00 window), kept narrower for patients. ``callback_secret`` signs the call callbacks
    (HMAC-SHA256, :mod:`booking.signing`). Twilio credentials here override the platform's.
    """

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    provider = models.CharField(max_length=20, choices=ProviderChoice.choices, default=ProviderChoice.AUTO)
    policy = models.CharField(max_length=20, choices=PolicyChoice.choices, default=PolicyChoice.AUTO)
    clinic_name = models.CharField(max_length=200, blank=True, help_text="Said on the phone when the request "
                                   "gives no context.clinic_name.")
    from_number = models.CharField(max_length=20, blank=True, help_text="Caller id, E.164 (a Twilio number).")
    twilio_account_sid = models.CharField(max_length=64, blank=True)
    twilio_auth_token = EncryptedTextField(max_length=128, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. Europe/Madrid.")
    calling_hours_start = models.TimeField(default=time(9, 0))
    calling_hours_end = models.TimeField(default=time(20, 0))
    calling_days = models.JSONField(default=default_calling_days, blank=True)
    max_attempts = models.PositiveSmallIntegerField(default=3, help_text="Dial attempts for no-answer / busy.")
    retry_delay_minutes = models.PositiveIntegerField(default=30)
    max_call_seconds = models.PositiveIntegerField(default=300, help_text="The agent says goodbye after this.")
    silence_timeout_seconds = models.FloatField(default=7.0, help_text="Silence before the agent prompts again.")
    callback_secret = EncryptedTextField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "agent call settings"
        verbose_name_plural = "agent call settings"

    def __str__(self) -> str:
        return "Agent call settings"


class AgentCall(models.Model):
    """One outbound call requested with ``POST /v1/agent-call``.

    ``call_sid`` is MediSync's public id (``CA`` + 32 hex, Twilio's format); ``provider_call_sid``
    is the carrier's id of the current attempt. ``transcript`` is ``[{"role": "agent"|"user",
    "message": str}]``; ``dialogue_state`` the policy's JSON state; ``outcome_detail`` extra facts
    (``{"question": str, "reschedule_preference": str, "reason": str, ...}``). ``attempt_log`` lists
    ``{"attempt", "status", "at"}`` per dial attempt. ``appointment_uuid`` links the records app's
    appointment named by ``context.appointment_id``.
    """

    call_sid = models.CharField(max_length=34, unique=True)
    patient_phone = models.CharField(max_length=20, db_index=True, help_text="E.164.")
    patient_name = models.CharField(max_length=200)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=2, default="en")
    callback_url = models.URLField(max_length=500, blank=True)
    appointment_uuid = models.UUIDField(null=True, blank=True)
    simulated = models.BooleanField(default=False, help_text="Requested with a test API key (name starting "
                                    "with \"test\"): always rings on the simulator, never a real phone.")

    status = models.CharField(max_length=12, choices=CallStatus.choices, default=CallStatus.INITIATED,
                              db_index=True)
    status_rank = models.PositiveSmallIntegerField(default=0)
    waiting_reason = models.CharField(max_length=20, choices=WaitingReason.choices, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    attempt_log = models.JSONField(default=list, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    provider_call_sid = models.CharField(max_length=64, null=True, blank=True, unique=True)
    answered_by = models.CharField(max_length=20, blank=True, help_text="human, machine or unknown (AMD).")

    dialogue_state = models.JSONField(default=dict, blank=True)
    transcript = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_detail = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=200, blank=True, help_text="Content-free failure reason.")

    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(default=0)
    usage_record_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.call_sid} {self.purpose} ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES
