"""Writes for clinics, API keys and usage (HackSoft-style services)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from clinics.models import ApiKey, ApiKeyKind, Clinic, ClinicUser, ClinicUserRole, Domain, Plan, Service, UsageRecord

API_KEY_PREFIX = "msk_"
# ChatMed API seed, "Authentication": sk_live_ for production and sk_test_ for the sandbox.
API_KEY_PREFIXES = {ApiKeyKind.PLATFORM: API_KEY_PREFIX, ApiKeyKind.CHATMED_LIVE: "sk_live_",
                    ApiKeyKind.CHATMED_TEST: "sk_test_"}


def hash_api_key(raw_key: str) -> str:
    """Return the hex SHA-256 of an API key (64 characters)."""
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def schema_name_for(client_id: str) -> str:
    """Map a clinic ``client_id`` (slug) to a valid PostgreSQL schema name (``clinic_<slug>``)."""
    return "clinic_" + client_id.replace("-", "_")[:50]


@transaction.atomic
def clinic_create(*, client_id: str, name: str, plan: str = Plan.STARTER, domain: str | None = None) -> Clinic:
    """Create a clinic, its schema (with all tenant tables) and its host-name domain.

    Args:
        client_id: public slug, e.g. ``"dental-plus"``.
        name: display name.
        plan: one of :class:`clinics.models.Plan`.
        domain: host name for the admin/dashboard; defaults to ``<client_id>.localhost``.

    Raises:
        ValueError: invalid slug or plan, or a clinic with that ``client_id`` exists.
    """
    slug = slugify(client_id)
    if not slug or slug != client_id:
        raise ValueError(f"Invalid clinic id {client_id!r}: use lowercase letters, digits and hyphens.")
    if plan not in Plan.values:
        raise ValueError(f"Unknown plan {plan!r}; choose one of {', '.join(Plan.values)}.")
    if Clinic.objects.filter(client_id=slug).exists():
        raise ValueError(f"A clinic with id {slug!r} already exists.")
    clinic = Clinic(client_id=slug, name=name, plan=plan, schema_name=schema_name_for(slug))
    clinic.save()  # django-tenants creates the schema and migrates it here
    Domain.objects.create(tenant=clinic, domain=domain or f"{slug}.localhost", is_primary=True)
    return clinic


def api_key_create(*, clinic: Clinic, name: str = "default", kind: str = ApiKeyKind.PLATFORM) -> tuple[ApiKey, str]:
    """Create an API key for ``clinic``.

    Args:
        kind: a :class:`clinics.models.ApiKeyKind`: ``platform`` (``msk_``, the ``/v1`` surface),
            ``chatmed_live`` (``sk_live_``) or ``chatmed_test`` (``sk_test_``, sandbox) for ``/api/v1``.

    Returns:
        ``(api_key, raw_key)``; ``raw_key`` (the kind's prefix + 43 URL-safe characters, 256 bits)
        is returned only here and never stored.
    Raises:
        ValueError: unknown kind.
    """
    if kind not in API_KEY_PREFIXES:
        raise ValueError(f"Unknown API key kind {kind!r}; choose one of {', '.join(ApiKeyKind.values)}.")
    raw_key = API_KEY_PREFIXES[kind] + secrets.token_urlsafe(32)
    prefix_length = 12 if kind == ApiKeyKind.PLATFORM else 14
    api_key = ApiKey.objects.create(
        clinic=clinic, name=name, kind=kind, prefix=raw_key[:prefix_length], hashed_key=hash_api_key(raw_key)
    )
    return api_key, raw_key


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke ``api_key`` (idempotent); it stops authenticating at once in this process and within
    ``MEDSYNC_LOOKUP_CACHE_SECONDS`` (default 5 s) in every other web process (:mod:`medsync.lookup_cache`)."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


# Write last_used_at at most this often per key, so authentication is not a write per request.
LAST_USED_RESOLUTION_SECONDS = 60


def api_key_mark_used(*, api_key: ApiKey) -> None:
    """Record that ``api_key`` was used now (at most one write per key per minute)."""
    now = timezone.now()
    if api_key.last_used_at and (now - api_key.last_used_at).total_seconds() < LAST_USED_RESOLUTION_SECONDS:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


@dataclass(frozen=True)
class UsageEvent:
    """A metered event: ``service`` is a :class:`clinics.models.Service`, duration in seconds."""

    service: str
    duration_seconds: float = 0.0


def usage_record(*, clinic: Clinic, service: str, duration_seconds: float = 0.0, api_key: ApiKey | None = None) -> UsageRecord:
    """Record one metered request of ``clinic``.

    Raises:
        ValueError: unknown service or negative duration.
    """
    if service not in Service.values:
        raise ValueError(f"Unknown service {service!r}")
    if duration_seconds < 0:
        raise ValueError("duration_seconds must be >= 0")
    return UsageRecord.objects.create(
        clinic=clinic, service=service, duration_seconds=float(duration_seconds), api_key=api_key
    )


# --- MediSync users (clinicians and staff) ------------------------------------------------------

CLINIC_USER_UID_PREFIX = "user_"


def new_clinic_user_uid() -> str:
    """A fresh public user id, ``user_`` + 16 URL-safe random characters (96 bits)."""
    return CLINIC_USER_UID_PREFIX + secrets.token_urlsafe(12)


@transaction.atomic
def clinic_user_create(
    *, clinic: Clinic, email: str, password: str, first_name: str = "", last_name: str = "", title: str = "",
    role: str = ClinicUserRole.CLINICIAN,
) -> ClinicUser:
    """Create a user who signs in to the MediSync API for ``clinic``.

    The e-mail (lower-cased) is the Django username, so it is unique across every clinic; the
    password is validated with ``AUTH_PASSWORD_VALIDATORS`` and stored with Django's hasher.

    Returns:
        The new :class:`clinics.models.ClinicUser`.
    Raises:
        ValueError: invalid e-mail or role, e-mail already used, or a password the validators refuse
            (the message lists their reasons).
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError(f"Invalid e-mail address {email!r}.") from None
    if role not in ClinicUserRole.values:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(ClinicUserRole.values)}.")
    user_model = get_user_model()
    if user_model.objects.filter(username=email).exists() or user_model.objects.filter(email__iexact=email).exists():
        raise ValueError(f"A user with e-mail {email!r} already exists.")
    user = user_model(username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip())
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValueError("Password rejected: " + " ".join(exc.messages)) from None
    user.set_password(password)
    user.save()
    return ClinicUser.objects.create(user=user, clinic=clinic, uid=new_clinic_user_uid(), title=title.strip(), role=role)


def clinic_user_language_set(*, clinic_user: ClinicUser, language: str) -> ClinicUser:
    """Set the language of ``clinic_user``'s dashboard pages: a code of ``settings.LANGUAGES``, or
    ``""`` to follow the browser's language.

    Raises:
        ValueError: ``language`` is not one of the site's languages.
    """
    from django.conf import settings

    language = (language or "").strip()
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise ValueError(f"Unknown language {language[:20]!r}; choose one of "
                         f"{', '.join(code for code, _name in settings.LANGUAGES)}.")
    ClinicUser.objects.filter(pk=clinic_user.pk).update(ui_language=language)
    clinic_user.ui_language = language
    return clinic_user


def usage_record_set_duration(*, record_id: int, duration_seconds: float) -> None:
    """Set the seconds of a usage row recorded when its work began (e.g. an agent call, whose
    length is known only when it ends). Raises ``ValueError`` for a negative duration."""
    if duration_seconds < 0:
        raise ValueError("duration_seconds must be >= 0")
    UsageRecord.objects.filter(pk=record_id).update(duration_seconds=float(duration_seconds))


# --- signing in (the MediSync API's POST /api/login and the doctor dashboard share these rules) -------


class SignInRefused(Exception):
    """Wrong e-mail or password, an inactive user, or a user of an inactive clinic (one message for all,
    so a caller cannot learn which e-mails exist)."""


class SignInRateLimited(Exception):
    """Too many attempts; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many login attempts; try again later")
        self.retry_after = retry_after


def clinic_user_sign_in(*, request, email: str, password: str, ip: str) -> ClinicUser:
    """Check a clinic user's e-mail and password, counting the attempt against the login limits.

    Limits: ``MEDSYNC_LOGIN_ATTEMPTS_PER_MINUTE`` per e-mail and IP address, and
    ``MEDSYNC_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE`` per IP address. ``request`` is the Django
    ``HttpRequest`` (authentication backends may use it). Records the user's last login.

    Returns:
        The signed-in :class:`ClinicUser` (user and clinic loaded).
    Raises:
        SignInRateLimited: over a limit (nothing was checked).
        SignInRefused: wrong credentials, inactive user, no clinic profile or inactive clinic.
    """
    from django.conf import settings
    from django.contrib.auth import authenticate
    from django.contrib.auth.models import update_last_login

    from clinics.selectors import clinic_user_for_login
    from medsync.api.ratelimit import check_rate_limit

    email = (email or "").strip().lower()
    for key_id, per_minute in (
        (f"{email}|{ip}", settings.MEDSYNC_LOGIN_ATTEMPTS_PER_MINUTE),
        (ip, settings.MEDSYNC_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE),
    ):
        decision = check_rate_limit(key_id=key_id, per_minute=per_minute, namespace="login")
        if not decision.allowed:
            raise SignInRateLimited(decision.retry_after)
    user = authenticate(request, username=email, password=password)
    clinic_user = clinic_user_for_login(user=user) if user is not None else None
    if clinic_user is None:
        raise SignInRefused("Invalid email or password")
    update_last_login(None, user)
    return clinic_user
