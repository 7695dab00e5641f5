"""Clinic tenants, API keys and usage records. All of these live in the public schema."""

from __future__ import annotations

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Plan(models.TextChoices):
    """Subscription plans; requests/minute per API key are in ``MEDSYNC_PLAN_RATE_LIMITS``."""

    STARTER = "starter", "Starter (10 req/min)"
    PROFESSIONAL = "professional", "Professional (50 req/min)"
    ENTERPRISE = "enterprise", "Enterprise (500 req/min)"


class SpeechProviderChoice(models.TextChoices):
    AUTO = "auto", "Deepgram when a key is configured, else local"
    LOCAL = "local", "Local (faster-whisper + local diarization)"
    DEEPGRAM = "deepgram", "Deepgram"


class NoteEngineChoice(models.TextChoices):
    AUTO = "auto", "OpenAI when a key is configured, else offline"
    OFFLINE = "offline", "Offline template engine"
    OPENAI = "openai", "OpenAI-compatible LLM"


class SubscriptionStatus(models.TextChoices):
    """Subscription states (the usual billing life cycle: trial, active, unpaid, cancelled)."""

    TRIALING = "trialing", "Trialing"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    CANCELED = "canceled", "Canceled"


class Clinic(TenantMixin):
    """A clinic: one PostgreSQL schema holds all of its clinical data.

    ``client_id`` is the public identifier echoed in API responses (``client_id`` in the platform
    seed); ``schema_name`` is derived from it.
    """

    name = models.CharField(max_length=200)
    client_id = models.SlugField(max_length=60, unique=True)
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.STARTER)
    is_active = models.BooleanField(default=True)
    speech_provider = models.CharField(
        max_length=20, choices=SpeechProviderChoice.choices, default=SpeechProviderChoice.AUTO
    )
    deepgram_api_key = models.CharField(
        max_length=200, blank=True, help_text="Clinic's own Deepgram key; empty uses the platform's."
    )
    note_engine = models.CharField(max_length=20, choices=NoteEngineChoice.choices, default=NoteEngineChoice.AUTO)
    openai_api_key = models.CharField(
        max_length=200, blank=True, help_text="Clinic's own OpenAI key; empty uses the platform's."
    )
    allow_offline_fallback = models.BooleanField(
        default=True,
        help_text="When a cloud speech or LLM provider fails, finish the job with the offline engines "
        "instead of answering 500.",
    )
    subscription_status = models.CharField(
        max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE,
        help_text="Clinicians of a clinic without an active (or trialing) subscription get 403 on the "
        "MediSync API (/api/...).",
    )
    subscription_current_period_end = models.DateTimeField(
        null=True, blank=True, help_text="End of the paid or trial period; empty = open-ended."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"


class Domain(DomainMixin):
    """Host names that select a clinic (e.g. ``<clinic>.localhost`` for its admin and dashboard)."""


class ApiKeyKind(models.TextChoices):
    """Which API surface a key opens, and whether it is a sandbox key.

    ``platform`` keys (``msk_…``) open ``/v1``; ChatMed keys open ``/api/v1`` (ChatMed API seed,
    "Authentication": ``sk_live_`` for production and ``sk_test_`` for the sandbox, whose data is kept
    apart, never reaches a paid provider and can be wiped).
    """

    PLATFORM = "platform", "Platform (msk_…, /v1)"
    CHATMED_LIVE = "chatmed_live", "ChatMed live (sk_live_…, /api/v1)"
    CHATMED_TEST = "chatmed_test", "ChatMed sandbox (sk_test_…, /api/v1)"


class ApiKey(models.Model):
    """An API key of a clinic. The secret is shown once at creation and only its SHA-256 is kept.

    SHA-256 (not a slow password hash) is the right tool here because keys are 256-bit random
    values, so they cannot be brute-forced, and every request must be checked quickly.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, default="default")
    kind = models.CharField(
        max_length=20, choices=ApiKeyKind.choices, default=ApiKeyKind.PLATFORM, db_default=ApiKeyKind.PLATFORM,
        blank=True,
        help_text="Surface the key opens; sandbox keys (sk_test_) keep their data apart and never reach paid providers.",
    )
    prefix = models.CharField(max_length=16, db_index=True, help_text="First characters, for display only.")
    hashed_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.clinic.client_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_sandbox(self) -> bool:
        """True for ``sk_test_`` keys."""
        return self.kind == ApiKeyKind.CHATMED_TEST


class Service(models.TextChoices):
    """Metered services, as named in ``GET /v1/usage``."""

    TRANSCRIPTION = "transcription", "Transcription"
    WHATSAPP = "whatsapp", "WhatsApp"
    AGENT_CALL = "agent_call", "Agent call"


class UsageRecord(models.Model):
    """One metered request of a clinic: service and duration in seconds (audio or call length)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="usage_records")
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    service = models.CharField(max_length=20, choices=Service.choices)
    duration_seconds = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["clinic", "service", "created_at"])]

    def __str__(self) -> str:
        return f"{self.clinic.client_id} {self.service} {self.duration_seconds:.1f}s"


class StaffMembership(models.Model):
    """Gives a Django staff user access to one clinic's admin (at the clinic's host name)."""

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="clinic_memberships")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="staff_memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "clinic"], name="unique_staff_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.clinic.client_id}"


class ClinicUserRole(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    STAFF = "staff", "Staff"


class ClinicUser(models.Model):
    """A person who signs in to the MediSync API (``POST /api/login``) on behalf of one clinic.

    The Django ``auth.User`` holds the e-mail (also its username, lower-cased), the names and the
    password hash; this profile ties it to its clinic and carries the public ``uid``
    (``user_<random>``) that the API returns and clients echo in ``?uid=``.
    """

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="clinic_profile")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="users")
    uid = models.CharField(max_length=40, unique=True, editable=False)
    title = models.CharField(max_length=30, blank=True, help_text='Shown before the name, e.g. "Dr.".')
    role = models.CharField(max_length=20, choices=ClinicUserRole.choices, default=ClinicUserRole.CLINICIAN)
    ui_language = models.CharField(
        max_length=8, blank=True,
        help_text="Language of the dashboard's pages for this user (a code of settings.LANGUAGES); "
        "empty = the browser's language.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clinic", "user__email"]
        verbose_name = "clinic user"

    def __str__(self) -> str:
        return f"{self.user.email} ({self.clinic.client_id})"

    @property
    def display_name(self) -> str:
        """``"Dr. Jane Smith"`` (title and names that are set)."""
        parts = [self.title, self.user.first_name, self.user.last_name]
        return " ".join(p for p in parts if p) or self.user.email


class ChatMedEndpoint(models.TextChoices):
    """Endpoint groups of the ChatMed API (``/api/v1``) that a plan can include or exclude."""

    ACCOUNT = "account", "Account (users/me)"
    PROFILES = "profiles", "Health profiles"
    CHAT = "chat", "Medical chat"
    EMERGENCY = "emergency", "Emergency detection"
    HEART_RATE = "heart_rate", "Heart rate monitoring"
    PRESCRIPTIONS = "prescriptions", "Prescriptions"
    SPEECH = "speech", "Voice assistant"
    VIDEO = "video", "Video teleconsultation"
    VISION = "vision", "Medical image analysis"


class PlanEndpointAccess(models.Model):
    """Whether a plan includes a ChatMed endpoint group (edited by platform operators in the admin).

    A plan/endpoint pair without a row is included; a row with ``allowed=False`` makes the endpoint
    answer 403 ``forbidden`` to keys of clinics on that plan (ChatMed API seed, "Error Codes").
    """

    plan = models.CharField(max_length=20, choices=Plan.choices)
    endpoint = models.CharField(max_length=30, choices=ChatMedEndpoint.choices)
    allowed = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "endpoint"], name="unique_plan_endpoint")]
        ordering = ["plan", "endpoint"]
        verbose_name = "plan endpoint access"
        verbose_name_plural = "plan endpoint access (ChatMed)"

    def __str__(self) -> str:
        return f"{self.plan} {self.endpoint}: {'allowed' if self.allowed else 'forbidden'}"
