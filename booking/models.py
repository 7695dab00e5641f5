"""WhatsApp booking bot data. Every table lives in the clinic's own schema (``booking`` is a tenant app).

- :class:`BotConfig` — the clinic's bot configuration (one row per schema).
- :class:`Conversation` / :class:`Message` — WhatsApp conversations with patients and every message.
- :class:`Booking` — an appointment requested through the bot (``pending_review`` until the clinic decides).
- :class:`SlotHold` — a slot picked by a patient, held so that two patients cannot take it at once.
- :class:`CallbackDelivery` / :class:`DeliveryAttempt` — the outbox of signed callbacks to the clinic.
"""

from __future__ import annotations

import uuid

from django.db import models

from medsync.encrypted_fields import EncryptedTextField

#: Languages the bot speaks (platform API seed, "Supported Languages").
LANGUAGES = ("en", "es", "ca", "fr", "pt", "de", "it")


class Language(models.TextChoices):
    EN = "en", "English"
    ES = "es", "Spanish"
    CA = "ca", "Catalan"
    FR = "fr", "French"
    PT = "pt", "Portuguese"
    DE = "de", "German"
    IT = "it", "Italian"


class ProviderChoice(models.TextChoices):
    AUTO = "auto", "Twilio when credentials are configured, else the local simulator"
    TWILIO = "twilio", "Twilio"
    SIMULATOR = "simulator", "Local simulator (no carrier)"


class NluChoice(models.TextChoices):
    AUTO = "auto", "LLM when an OpenAI key is configured, else rule-based"
    OFFLINE = "offline", "Rule-based (offline)"
    OPENAI = "openai", "OpenAI-compatible LLM"


class BotConfig(models.Model):
    """The clinic's WhatsApp bot configuration (``POST /v1/whatsapp/configure``); one row per schema.

    ``opening_hours`` is ``{"mon": ["09:00-14:00", "16:00-20:00"], ..., "sun": []}``; ``services``
    a list of service names; ``faq`` a list of ``{"question", "answer", "keywords"}`` where question
    and answer are a string or ``{language: string}``. ``callback_secret`` signs appointment
    callbacks (HMAC-SHA256). Twilio credentials here override the platform's (a clinic with its own
    Twilio account); the auth token is write-only through the API.
    """

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    appointment_callback_url = models.URLField(
        max_length=500, help_text="Receives new bookings only (the seed's appointment callback).")
    cancellation_callback_url = models.URLField(
        max_length=500, blank=True,
        help_text="Receives cancellations and reschedules (optional; none are sent when empty).")
    slots_endpoint_url = models.URLField(max_length=500)
    whatsapp_number = models.CharField(max_length=20, blank=True, help_text="The clinic's WhatsApp number, E.164.")
    clinic_name = models.CharField(max_length=200, blank=True)
    opening_hours = models.JSONField(default=dict, blank=True)
    services = models.JSONField(default=list, blank=True)
    faq = models.JSONField(default=list, blank=True)
    default_language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    time_zone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. Europe/Madrid.")
    provider_id = models.CharField(
        max_length=100, blank=True, help_text="Sent as provider_id to the slots endpoint when set."
    )
    template_content_sid = models.CharField(
        max_length=64, blank=True,
        help_text="Twilio Content SID (HX...) of the approved template used outside WhatsApp's 24-hour "
        "window; variables {{1}} = clinic name, {{2}} = the message.",
    )
    provider = models.CharField(max_length=20, choices=ProviderChoice.choices, default=ProviderChoice.AUTO)
    nlu_engine = models.CharField(max_length=20, choices=NluChoice.choices, default=NluChoice.AUTO)
    twilio_account_sid = models.CharField(max_length=64, blank=True)
    twilio_auth_token = EncryptedTextField(max_length=128, blank=True)
    callback_secret = EncryptedTextField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "WhatsApp bot configuration"

    def __str__(self) -> str:
        return self.clinic_name or "WhatsApp bot"


class ConversationOutcome(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    INFORMATION = "information", "Answered questions"
    BOOKED = "booked", "Booked (pending review)"
    RESCHEDULED = "rescheduled", "Rescheduled"
    CANCELLED = "cancelled", "Cancelled an appointment"
    ABANDONED = "abandoned", "Abandoned"


class Conversation(models.Model):
    """A WhatsApp conversation with one patient phone number.

    A new conversation starts when the previous one with the same number has been idle for
    ``WHATSAPP_CONVERSATION_IDLE_HOURS``. ``language`` is detected from the patient's messages and
    then kept (sticky); ``state`` is the engine's JSON state (step, offered slots, chosen slot, ...).
    ``last_inbound_at`` opens WhatsApp's 24-hour customer-service window.
    """

    phone = models.CharField(max_length=20, db_index=True, help_text="Patient's number, E.164.")
    profile_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, blank=True)
    state = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(
        max_length=20, choices=ConversationOutcome.choices, default=ConversationOutcome.IN_PROGRESS
    )
    channel = models.CharField(max_length=20, default="whatsapp", help_text="whatsapp or simulator.")
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_activity_at"]
        indexes = [models.Index(fields=["phone", "-last_activity_at"])]

    def __str__(self) -> str:
        return f"Conversation {self.pk} ({self.get_outcome_display()})"


class MessageDirection(models.TextChoices):
    INBOUND = "in", "Patient → bot"
    OUTBOUND = "out", "Bot → patient"


class MessageStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read"
    UNDELIVERED = "undelivered", "Undelivered"
    FAILED = "failed", "Failed"


#: Order of Twilio message statuses; a status callback only ever moves a message forward, so
#: repeated or out-of-order callbacks (Twilio delivers at least once) change nothing.
STATUS_RANK = {
    MessageStatus.RECEIVED: 0,
    MessageStatus.QUEUED: 1,
    MessageStatus.SENDING: 2,
    MessageStatus.SENT: 3,
    MessageStatus.DELIVERED: 4,
    MessageStatus.UNDELIVERED: 4,
    MessageStatus.FAILED: 4,
    MessageStatus.READ: 5,
}


class Message(models.Model):
    """One WhatsApp message of a conversation, in either direction.

    ``provider_sid`` is Twilio's MessageSid (unique: a re-delivered inbound webhook is ignored).
    ``kind`` is ``text`` or ``template`` (outside the 24-hour window). ``error`` holds a short,
    content-free reason (e.g. ``"twilio:63016"``).
    """

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=MessageDirection.choices)
    body = models.TextField(blank=True)
    kind = models.CharField(max_length=10, default="text")
    media_count = models.PositiveSmallIntegerField(default=0)
    provider_sid = models.CharField(max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(max_length=12, choices=MessageStatus.choices)
    status_rank = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True, help_text="Inbound: when the engine handled it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.status}"


class BookingStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", "Pending review"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled by the patient"


class Booking(models.Model):
    """An appointment requested over WhatsApp (the seed's callback payload, plus its lifecycle).

    Starts ``pending_review``; the clinic confirms or rejects it (API or admin) and the patient is
    told in ``language``. ``rescheduled_from`` links a reschedule to the booking it replaces.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    patient_name = models.CharField(max_length=200)
    patient_phone = models.CharField(max_length=20, db_index=True)
    date = models.DateField()
    time = models.TimeField()
    provider = models.CharField(max_length=200)
    provider_id = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices)
    status = models.CharField(max_length=20, choices=BookingStatus.choices, default=BookingStatus.PENDING_REVIEW)
    conversation_summary = models.TextField(blank=True)
    rescheduled_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rescheduled_to"
    )
    clinic_note = models.TextField(blank=True, help_text="Clinic's note sent to the patient with its decision.")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.time:%H:%M} {self.provider} ({self.status})"


class SlotHold(models.Model):
    """A slot (date, time, provider) taken by one conversation.

    The unique constraint is what makes double booking impossible: of two patients picking the
    same slot at once, the second insert fails. A hold expires (``expires_at``) if the patient does
    not finish; once the booking is made it is kept (``expires_at`` null) until the booking is
    rejected or cancelled.
    """

    date = models.DateField()
    time = models.TimeField()
    provider = models.CharField(max_length=200)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="slot_holds")
    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="slot_hold"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["date", "time", "provider"], name="unique_slot_hold")]

    def __str__(self) -> str:
        return f"{self.date} {self.time:%H:%M} {self.provider}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERING = "delivering", "Delivering"
    RETRYING = "retrying", "Waiting to retry"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Gave up"


class CallbackDelivery(models.Model):
    """One signed callback to the clinic's ``appointment_callback_url`` (outbox row).

    Written in the same transaction as the booking, so the event is never lost; a Celery task
    delivers it and, on failure, schedules the next attempt with exponential backoff until
    ``WHATSAPP_CALLBACK_GIVE_UP_HOURS`` after creation. ``event_id`` is sent as
    ``X-MedSync-Event-Id`` (the same on every attempt) so the clinic can de-duplicate.
    ``lease_until`` lets another worker take over a delivery whose worker died mid-attempt.
    """

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(max_length=40)
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    url = models.URLField(max_length=500)
    body = models.TextField(help_text="Exact JSON body sent (and signed).")
    status = models.CharField(max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "callback deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} ({self.status})"


class DeliveryAttempt(models.Model):
    """One HTTP attempt of a :class:`CallbackDelivery` (status code or a content-free error)."""

    delivery = models.ForeignKey(CallbackDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error}"
