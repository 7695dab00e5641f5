"""Django settings for MedSync, read from the environment in this one place (django-environ).

Every variable is listed with a one-line comment in ``.env.example``. With no environment at all
MedSync runs on the embedded defaults: an embedded PostgreSQL in ``.data/postgres``, Celery tasks
run in-process, the in-memory Channels layer and per-process rate limits.
"""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(environ.Env().str("MEDSYNC_DATA_DIR", default=str(BASE_DIR / ".data")))

# Every variable may also be given as <NAME>_FILE = path of a file holding the value (Docker/Kubernetes
# secrets); see medsync.secret_files (sec).
from medsync.secret_files import SecretFileEnv, pem_blocks  # noqa: E402

env = SecretFileEnv()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The development default key is only accepted when DEBUG is on or no production flag is set;
# production deployments must set DJANGO_SECRET_KEY.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or (
    "dev-insecure-key-change-me" if not env.bool("MEDSYNC_PRODUCTION", default=False) else ""
)
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when MEDSYNC_PRODUCTION is true")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", ".localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- applications -----------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "clinics",
    "daphne",
    # --- clinic admin (django-unfold theme; unfold must come before django.contrib.admin) ---
    "unfold.apps.BasicAppConfig",
    "clinicadmin.admin_apps.MedSyncAdminConfig",  # django.contrib.admin with MedSync's admin site
    "clinicadmin",
    # --- end clinic admin ---
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served locally: /api/docs/ works offline
    "channels",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "records",
    "transcription",
    "notes",
    "templates.apps.NoteTemplatesConfig",
    "booking",
    "calls",
    "chatmed",
    "audit",  # append-only audit log of record access (sec)
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "clinics.Clinic"
TENANT_DOMAIN_MODEL = "clinics.Domain"
# Requests for a host with no clinic domain (API clients calling the bare host) get the public
# schema; the clinic is then chosen by the request's credential (see medsync.api.authentication).
SHOW_PUBLIC_IF_NO_TENANT_FOUND = True
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# TENANT_LIMIT_SET_CALLS stays off: a "SET search_path" issued inside a savepoint that is rolled back is
# undone by PostgreSQL while django-tenants still believes it is set (queries then hit the wrong schema).

MIDDLEWARE = [
    "medsync.tenants.CachedTenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "medsync.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "medsync.wsgi.application"
ASGI_APPLICATION = "medsync.asgi.application"
# How the ASGI server runs HTTP requests (see medsync/asgi.py): "wsgi" = Django's WSGI handler in a
# pool of MEDSYNC_HTTP_THREADS threads (the fast default), "django" = Django's ASGI handler.
MEDSYNC_ASGI_HTTP = env.str("MEDSYNC_ASGI_HTTP", default="wsgi")
if MEDSYNC_ASGI_HTTP not in ("wsgi", "django"):
    raise RuntimeError("MEDSYNC_ASGI_HTTP must be wsgi or django")
MEDSYNC_HTTP_THREADS = env.int("MEDSYNC_HTTP_THREADS", default=12)

# --- database ---------------------------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    _db = env.db("DATABASE_URL")
else:
    from medsync.embedded_db import embedded_database

    _db = embedded_database(DATA_DIR / "postgres")
_db["ENGINE"] = "django_tenants.postgresql_backend"
# Connections come from psycopg's pool (Django 5.1+, ``OPTIONS["pool"]``), one pool per process, and go
# back to it at the end of each request. Django's persistent connections (CONN_MAX_AGE > 0) must not
# be used under ASGI: every request thread kept its own connection, and 64 concurrent clients
# exhausted PostgreSQL's 100 connections (Django docs, "Persistent connections" / "Connection pool").
# DATABASE_POOL_MAX_SIZE bounds the connections of one process; processes x max_size must stay below
# the server's max_connections (100 for the embedded server). A request waits up to
# DATABASE_POOL_TIMEOUT seconds for a free connection, then fails with a clean 503.
if env.bool("DATABASE_POOL", default=True):
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        # Above MEDSYNC_HTTP_THREADS: WebSocket consumers and background threads need connections too.
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=20),
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=20.0),
    }
    _db["CONN_MAX_AGE"] = 0
else:
    _db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
_db["CONN_HEALTH_CHECKS"] = _db["CONN_MAX_AGE"] != 0
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery, Channels -------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # redis-py >= 6 reads with a 5 s socket timeout by default, the same as channels-redis' blocking
    # BZPOPMIN (brpop_timeout = 5 s): a loaded machine then crashes consumers with "Timeout reading
    # from ..." (seen in the ChatMed video browser test). Give the read 10 s more than the pop.
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                    "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]}}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# Without a broker, tasks run in-process (eagerly) so the embedded default needs no extra service.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=3600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=3300)

# --- auth, i18n, static, media ----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise warns at start-up when the folder is missing (before the first collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"

# Uploads larger than this go to a temporary file instead of memory (bytes).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

# --- DRF and OpenAPI --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["medsync.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["medsync.api.permissions.HasClinic"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "medsync.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "medsync.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MedSync API",
    "DESCRIPTION": "Self-hostable clinic AI platform: transcription with diarization, clinical notes, "
    "WhatsApp booking, agent calls and usage.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Links from create operations to what reads, changes or deletes what they created (one table, checked
    # against the schema on every generation: medsync/openapi_links.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "medsync.openapi_links.declare_links"],
}

# --- MedSync ----------------------------------------------------------------------------------
# Plan -> requests per minute per API key (platform API seed, "Rate Limits").
MEDSYNC_PLAN_RATE_LIMITS = {
    "starter": env.int("MEDSYNC_RATE_LIMIT_STARTER", default=10),
    "professional": env.int("MEDSYNC_RATE_LIMIT_PROFESSIONAL", default=50),
    "enterprise": env.int("MEDSYNC_RATE_LIMIT_ENTERPRISE", default=500),
}
# Seconds each web process keeps host -> clinic and API key -> clinic answers (medsync/lookup_cache.py);
# a revoked key stops working in other processes within this time. 0 = no caching.
MEDSYNC_LOOKUP_CACHE_SECONDS = env.float("MEDSYNC_LOOKUP_CACHE_SECONDS", default=5.0)
# Largest audio upload on /v1/transcribe, bytes (seed: "Max file size 150 MB").
MEDSYNC_TRANSCRIBE_MAX_BYTES = env.int("MEDSYNC_TRANSCRIBE_MAX_BYTES", default=150 * 1024 * 1024)
# Longest accepted recording, seconds (seed: "~60 minutes"); longer ones get 422.
MEDSYNC_MAX_AUDIO_SECONDS = env.float("MEDSYNC_MAX_AUDIO_SECONDS", default=2 * 3600)
DEEPGRAM_API_KEY = env.str("DEEPGRAM_API_KEY", default="")
DEEPGRAM_MODEL = env.str("DEEPGRAM_MODEL", default="nova-3")
# Self-hosted Deepgram (or a test double); empty = Deepgram's hosted API.
DEEPGRAM_BASE_URL = env.str("DEEPGRAM_BASE_URL", default="") or None
DEEPGRAM_TIMEOUT_SECONDS = env.float("DEEPGRAM_TIMEOUT_SECONDS", default=300.0)
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="") or None
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_TIMEOUT_SECONDS = env.float("OPENAI_TIMEOUT_SECONDS", default=60.0)
MEDSYNC_MODEL_DIR = env.str("MEDSYNC_MODEL_DIR", default=str(DATA_DIR / "models"))
# Load the English speech model when a server process starts rather than on the first request.
MEDSYNC_WARM_UP_SPEECH = env.bool("MEDSYNC_WARM_UP_SPEECH", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "faster_whisper": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        # Hypercorn prints its own lines (start-up, errors) with its own handler.
        "hypercorn.error": {"level": "INFO", "propagate": False},
    },
}

# --- MediSync API / JWT ---
import hashlib  # noqa: E402 - this block is appended to the settings

# Bearer tokens of ``POST /api/login`` (PyJWT). HS256 signs with JWT_SECRET_KEY (default: from SECRET_KEY);
# RS256 signs with JWT_PRIVATE_KEY and verifies with JWT_PUBLIC_KEY (PEM; "\n" escapes allowed).
JWT_ALGORITHM = env.str("JWT_ALGORITHM", default="HS256")
if JWT_ALGORITHM not in ("HS256", "RS256"):
    raise RuntimeError("JWT_ALGORITHM must be HS256 or RS256")
# Default: derived from SECRET_KEY (a separate 256-bit key, so tokens and Django's signatures never share one).
JWT_SECRET_KEY = env.str("JWT_SECRET_KEY", default="") or hashlib.sha256(
    b"medsync-jwt:" + SECRET_KEY.encode()).hexdigest()
JWT_PRIVATE_KEY = env.str("JWT_PRIVATE_KEY", default="").replace("\\n", "\n")
JWT_PUBLIC_KEY = env.str("JWT_PUBLIC_KEY", default="").replace("\\n", "\n")
if JWT_ALGORITHM == "RS256" and not (JWT_PRIVATE_KEY and JWT_PUBLIC_KEY):
    raise RuntimeError("JWT_ALGORITHM=RS256 needs JWT_PRIVATE_KEY and JWT_PUBLIC_KEY")
# Token lifetime: one working day, or JWT_REMEMBER_DAYS when the login asks to be remembered.
JWT_EXPIRES_MINUTES = env.int("JWT_EXPIRES_MINUTES", default=8 * 60)
JWT_REMEMBER_DAYS = env.int("JWT_REMEMBER_DAYS", default=30)
# Login attempts per minute for one e-mail from one IP address, and for one IP address overall.
MEDSYNC_LOGIN_ATTEMPTS_PER_MINUTE = env.int("MEDSYNC_LOGIN_ATTEMPTS_PER_MINUTE", default=5)
MEDSYNC_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = env.int("MEDSYNC_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", default=30)
# Requests per minute of one signed-in user (Bearer token) on /api/... and /v1/... .
MEDSYNC_USER_RATE_LIMIT_PER_MINUTE = env.int("MEDSYNC_USER_RATE_LIMIT_PER_MINUTE", default=120)
# Largest recording accepted by POST /api/recordings/add/{appointment_id}, bytes (seed: 500 MB).
MEDSYNC_RECORDING_MAX_BYTES = env.int("MEDSYNC_RECORDING_MAX_BYTES", default=500 * 1024 * 1024)
# Longest wait of GET /v1/threads/{thread_id}/runs/{run_id}/join, seconds.
MEDSYNC_RUN_JOIN_TIMEOUT_SECONDS = env.float("MEDSYNC_RUN_JOIN_TIMEOUT_SECONDS", default=30.0)

# --- WhatsApp booking ---------------------------------------------------------------------------
# Platform Twilio account (clinics may set their own in their bot configuration).
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
# Default WhatsApp sender (E.164) for clinics that configured no number of their own.
TWILIO_WHATSAPP_FROM = env.str("TWILIO_WHATSAPP_FROM", default="")
TWILIO_TIMEOUT_SECONDS = env.float("TWILIO_TIMEOUT_SECONDS", default=10.0)
# auto (Twilio when credentials are configured, else the local simulator) | twilio | simulator
WHATSAPP_PROVIDER = env.str("WHATSAPP_PROVIDER", default="auto")
# auto (LLM when an OpenAI key is configured, else rule-based) | offline | openai
WHATSAPP_NLU = env.str("WHATSAPP_NLU", default="auto")
WHATSAPP_LLM_TIMEOUT_SECONDS = env.float("WHATSAPP_LLM_TIMEOUT_SECONDS", default=20.0)
# Public base URL Twilio calls (e.g. https://api.example.org): Twilio signs the exact URL it requests,
# so behind a proxy this must be set for signature validation; it also builds status callback URLs.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
# Clinic slots endpoint: read and connect timeouts (s) per attempt, attempts, days searched ahead.
WHATSAPP_SLOTS_TIMEOUT_SECONDS = env.float("WHATSAPP_SLOTS_TIMEOUT_SECONDS", default=5.0)
WHATSAPP_SLOTS_CONNECT_TIMEOUT_SECONDS = env.float("WHATSAPP_SLOTS_CONNECT_TIMEOUT_SECONDS", default=3.0)
WHATSAPP_SLOTS_ATTEMPTS = env.int("WHATSAPP_SLOTS_ATTEMPTS", default=2)
WHATSAPP_SLOTS_LOOKAHEAD_DAYS = env.int("WHATSAPP_SLOTS_LOOKAHEAD_DAYS", default=7)
# Minutes a picked slot stays held while the patient confirms.
WHATSAPP_SLOT_HOLD_MINUTES = env.int("WHATSAPP_SLOT_HOLD_MINUTES", default=10)
# Hours of silence after which a patient's next message starts a new conversation.
WHATSAPP_CONVERSATION_IDLE_HOURS = env.int("WHATSAPP_CONVERSATION_IDLE_HOURS", default=24)
# Attempts per outbound WhatsApp message on transient provider errors.
WHATSAPP_SEND_ATTEMPTS = env.int("WHATSAPP_SEND_ATTEMPTS", default=3)
# Appointment callbacks: timeout per attempt (s), backoff base and cap (s), give up after (h, >= 24).
WHATSAPP_CALLBACK_TIMEOUT_SECONDS = env.float("WHATSAPP_CALLBACK_TIMEOUT_SECONDS", default=10.0)
WHATSAPP_CALLBACK_RETRY_BASE_SECONDS = env.int("WHATSAPP_CALLBACK_RETRY_BASE_SECONDS", default=30)
WHATSAPP_CALLBACK_RETRY_MAX_SECONDS = env.int("WHATSAPP_CALLBACK_RETRY_MAX_SECONDS", default=3600)
WHATSAPP_CALLBACK_GIVE_UP_HOURS = max(24, env.int("WHATSAPP_CALLBACK_GIVE_UP_HOURS", default=72))
# Accept callback/slots URLs on private or loopback addresses (self-hosted set-ups); false for SaaS.
WHATSAPP_ALLOW_PRIVATE_URLS = env.bool("WHATSAPP_ALLOW_PRIVATE_URLS", default=True)
# Retry due callbacks every minute (Celery beat; without a broker run `manage.py deliver_callbacks`).
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "booking-deliver-due-callbacks": {"task": "booking.tasks.deliver_due_callbacks", "schedule": 60.0},
}
# The Twilio SDK logs request parameters (message bodies) at INFO: keep patient data out of logs.
LOGGING["loggers"]["twilio.http_client"] = {"level": "WARNING"}

# --- OpenAPI enum names -------------------------------------------------------------------------
# Names of the status enums in the OpenAPI schema (several models have a "status").
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "AppointmentStatusEnum": "records.models.AppointmentStatus",
    "RecordingStatusEnum": "transcription.models.Recording.Status",
    "RunStatusEnum": "notes.models.Run.Status",
    "ThreadStatusEnum": "notes.models.Thread.Status",
    "SubscriptionStatusEnum": "clinics.models.SubscriptionStatus",
    "LanguageEnum": "templates.builtin.SUPPORTED_LANGUAGES",
}

# --- Live transcription ---
# /ws/transcribe (transcription.consumers). Concurrent live sessions per clinic, by plan.
MEDSYNC_LIVE_SESSIONS_PER_PLAN = {
    "starter": env.int("MEDSYNC_LIVE_SESSIONS_STARTER", default=2),
    "professional": env.int("MEDSYNC_LIVE_SESSIONS_PROFESSIONAL", default=10),
    "enterprise": env.int("MEDSYNC_LIVE_SESSIONS_ENTERPRISE", default=50),
}
# Longest live session (wall clock or audio), seconds; clients are warned END_WARNING seconds before.
MEDSYNC_LIVE_MAX_SESSION_SECONDS = env.float("MEDSYNC_LIVE_MAX_SESSION_SECONDS", default=MEDSYNC_MAX_AUDIO_SECONDS)
MEDSYNC_LIVE_END_WARNING_SECONDS = env.float("MEDSYNC_LIVE_END_WARNING_SECONDS", default=60.0)
# Without any audio frame: warn after NO_AUDIO_WARNING seconds, end the session after IDLE_TIMEOUT.
MEDSYNC_LIVE_NO_AUDIO_WARNING_SECONDS = env.float("MEDSYNC_LIVE_NO_AUDIO_WARNING_SECONDS", default=10.0)
MEDSYNC_LIVE_IDLE_TIMEOUT_SECONDS = env.float("MEDSYNC_LIVE_IDLE_TIMEOUT_SECONDS", default=300.0)
# Warn when audio arrives but holds no speech for this long (repeated as long as it lasts), seconds.
MEDSYNC_LIVE_NO_SPEECH_WARNING_SECONDS = env.float("MEDSYNC_LIVE_NO_SPEECH_WARNING_SECONDS", default=30.0)
# A session's slot expires this long after its process stops renewing it (crash), seconds.
MEDSYNC_LIVE_SLOT_TTL_SECONDS = env.float("MEDSYNC_LIVE_SLOT_TTL_SECONDS", default=60.0)
# New audio (seconds) the offline live engine waits for before transcribing again: lower gives
# earlier partials and costs more CPU per session (see bench/live.py).
MEDSYNC_LIVE_STEP_SECONDS = env.float("MEDSYNC_LIVE_STEP_SECONDS", default=0.5)
# CTranslate2 threads of one live Whisper step (0 = every CPU; see transcription.live.local_engine).
MEDSYNC_LIVE_WHISPER_THREADS = env.int("MEDSYNC_LIVE_WHISPER_THREADS", default=1)
# Threads for the offline live engine's speech work, shared by all sessions of a process; also the number of
# Whisper decodes the live model runs at once (a session's end-of-turn decoding runs beside its steps).
MEDSYNC_LIVE_WORKERS = env.int("MEDSYNC_LIVE_WORKERS", default=2)
# Beam width of the offline live engine's end-of-turn decoding (the finals): 5 gives finals as good as the
# stored batch transcript; 2 costs ~12 % less CPU per session (README, issue-15 section).
MEDSYNC_LIVE_FINAL_BEAM_SIZE = env.int("MEDSYNC_LIVE_FINAL_BEAM_SIZE", default=5)
# Untranscribed audio (seconds) above which a client's frames wait (back-pressure).
MEDSYNC_LIVE_MAX_BACKLOG_SECONDS = env.float("MEDSYNC_LIVE_MAX_BACKLOG_SECONDS", default=30.0)
# Largest binary frame accepted, bytes (Daphne's own limit is 1 MiB).
MEDSYNC_LIVE_MAX_FRAME_BYTES = env.int("MEDSYNC_LIVE_MAX_FRAME_BYTES", default=1024 * 1024)
# Longest wait for the engine's last words after "stop" or a disconnect, seconds.
MEDSYNC_LIVE_FINISH_TIMEOUT_SECONDS = env.float("MEDSYNC_LIVE_FINISH_TIMEOUT_SECONDS", default=8.0)
# Session end: the stored transcript's speakers come from the batch speaker model over the whole session
# audio (transcription.live.speakers.relabel_finals) for sessions up to this long (seconds; 0 = never) and
# when it finishes within the timeout (seconds); otherwise the live labels are kept. Off by default: on the
# espeak-ng visits it was less accurate than the live labels (92.0 % vs 98.8 % of word time, bench/live_speakers.py).
MEDSYNC_LIVE_RELABEL_MAX_SECONDS = env.float("MEDSYNC_LIVE_RELABEL_MAX_SECONDS", default=0.0)
MEDSYNC_LIVE_RELABEL_TIMEOUT_SECONDS = env.float("MEDSYNC_LIVE_RELABEL_TIMEOUT_SECONDS", default=20.0)
# Session end: the stored transcript (and the note written from it) comes from the batch pipeline run over the
# whole session audio (transcription.live.refine.refine_finals: Whisper with the batch settings and the batch
# diarization) for offline-engine sessions up to this long (seconds; 0 = never), when it finishes within the
# timeout (seconds); otherwise the live finals are stored. Word error rate of what is stored on 13 visits
# (bench/live.py --offline-wer): live finals 19.6 %, batch 16.7 %. Its recognition trails the session (pieces
# below), so the closing message waits for the last piece only (the words keep the live speakers): 8.7 s instead
# of 0.7 s after a 316 s session when it still ran the batch diarization, 3.2 s for a 28 s one through serve.sh;
# CPU per audio second 1.05 -> 1.13 (bench/live.py, README issue 15).
MEDSYNC_LIVE_REFINE_MAX_SECONDS = env.float("MEDSYNC_LIVE_REFINE_MAX_SECONDS", default=1800.0)
MEDSYNC_LIVE_REFINE_TIMEOUT_SECONDS = env.float("MEDSYNC_LIVE_REFINE_TIMEOUT_SECONDS", default=60.0)
# The speech recognition of that pass trails the session in pieces of at most this many seconds (cut at quiet
# points, recognised in the background while the live engine keeps up), so only the last piece is left at the end.
MEDSYNC_LIVE_REFINE_PIECE_SECONDS = env.float("MEDSYNC_LIVE_REFINE_PIECE_SECONDS", default=120.0)
# Another Deepgram streaming endpoint (self-hosted Deepgram), e.g. wss://deepgram.example.org; empty = Deepgram's.
MEDSYNC_LIVE_DEEPGRAM_URL = env.str("MEDSYNC_LIVE_DEEPGRAM_URL", default="")

# --- ChatMed API (/api/v1) ----------------------------------------------------------------------
# Limits per key and plan (ChatMed API seed, "Rate Limits"); None = unlimited.
CHATMED_PLAN_LIMITS = {
    "starter": {"per_minute": 60, "per_day": 1000, "concurrent": 5},
    "professional": {"per_minute": 300, "per_day": 50000, "concurrent": 25},
    "enterprise": {"per_minute": None, "per_day": None, "concurrent": None},
}
# A request's concurrency slot expires after this many seconds even if its process died holding it.
CHATMED_CONCURRENCY_SLOT_TTL_SECONDS = env.float("CHATMED_CONCURRENCY_SLOT_TTL_SECONDS", default=120.0)
# Largest JSON request body on /api/v1, bytes; larger ones get 413 payload_too_large.
CHATMED_MAX_BODY_BYTES = env.int("CHATMED_MAX_BODY_BYTES", default=256 * 1024)
# Chat answers: auto (LLM when an OpenAI key is configured, else the offline grounded engine) | offline | openai.
CHATMED_CHAT_ENGINE = env.str("CHATMED_CHAT_ENGINE", default="auto")
CHATMED_LLM_TIMEOUT_SECONDS = env.float("CHATMED_LLM_TIMEOUT_SECONDS", default=30.0)
# Seconds a process keeps a clinic's emergency facility list (edits in the admin apply at once in that process).
CHATMED_FACILITY_CACHE_SECONDS = env.float("CHATMED_FACILITY_CACHE_SECONDS", default=60.0)
# Emergency number country when neither the location's nearest facility nor the profile gives one (ISO 3166-1).
CHATMED_DEFAULT_COUNTRY = env.str("CHATMED_DEFAULT_COUNTRY", default="")
# --- ChatMed part 2 (issue 13): voice assistant, video teleconsultation, medical image analysis ------
# Largest audio upload of POST /api/v1/speech/transcribe (seed: 25 MB) and longest question, seconds.
CHATMED_VOICE_MAX_BYTES = env.int("CHATMED_VOICE_MAX_BYTES", default=25 * 1024 * 1024)
CHATMED_VOICE_MAX_SECONDS = env.float("CHATMED_VOICE_MAX_SECONDS", default=600.0)
# Seconds a signed audio_url of a synthesised answer stays valid.
CHATMED_AUDIO_URL_MAX_AGE_SECONDS = env.int("CHATMED_AUDIO_URL_MAX_AGE_SECONDS", default=3600)
# Largest image of POST /api/v1/medical-vision/analyze (seed: 10 MB).
CHATMED_VISION_MAX_BYTES = env.int("CHATMED_VISION_MAX_BYTES", default=10 * 1024 * 1024)
# A vision-capable OpenAI-compatible model; empty = none (the endpoint answers 503 after validating the image).
CHATMED_VISION_MODEL = env.str("CHATMED_VISION_MODEL", default="")
CHATMED_VISION_API_KEY = env.str("CHATMED_VISION_API_KEY", default="")  # default: the clinic's / OPENAI_API_KEY
CHATMED_VISION_BASE_URL = env.str("CHATMED_VISION_BASE_URL", default="") or None  # default: OPENAI_BASE_URL
CHATMED_VISION_TIMEOUT_SECONDS = env.float("CHATMED_VISION_TIMEOUT_SECONDS", default=60.0)
# Video rooms: a room (and its join tokens) expires this many seconds after its start (scheduled_at or now).
CHATMED_VIDEO_ROOM_TTL_SECONDS = env.int("CHATMED_VIDEO_ROOM_TTL_SECONDS", default=2 * 3600)
# Public base URL of the join pages (e.g. https://meet.example.org); empty = the request's own host.
CHATMED_VIDEO_PUBLIC_URL = env.str("CHATMED_VIDEO_PUBLIC_URL", default="")
# WebRTC ICE servers as JSON, e.g. [{"urls": "stun:stun.example.org:3478"}, {"urls": "turn:...",
# "username": "u", "credential": "p"}]; none by default (peers on one LAN need none).
CHATMED_VIDEO_ICE_SERVERS = env.json("CHATMED_VIDEO_ICE_SERVERS", default=[])
# Largest upload of a consultation's recording, bytes.
CHATMED_VIDEO_RECORDING_MAX_BYTES = env.int("CHATMED_VIDEO_RECORDING_MAX_BYTES", default=150 * 1024 * 1024)
# Production: redirect plain-HTTP requests to HTTPS (ChatMed API seed: "HTTP requests will be automatically
# redirected"); behind a proxy the scheme comes from X-Forwarded-Proto, which the proxy must set.
_ssl_redirect = env.str("SECURE_SSL_REDIRECT", default="").strip().lower()
SECURE_SSL_REDIRECT = (_ssl_redirect in ("1", "true", "yes", "on") if _ssl_redirect
                       else env.bool("MEDSYNC_PRODUCTION", default=False))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("USE_X_FORWARDED_PROTO", default=True) else None
SECURE_REDIRECT_EXEMPT = [r"^health$"]

# --- Agent calls (calls app: POST /v1/agent-call) ---
# Concurrent calls (ringing or in progress) per clinic on each plan; more calls wait in a queue.
CALLS_CONCURRENT_PER_PLAN = {
    "starter": env.int("CALLS_CONCURRENT_STARTER", default=1),
    "professional": env.int("CALLS_CONCURRENT_PROFESSIONAL", default=5),
    "enterprise": env.int("CALLS_CONCURRENT_ENTERPRISE", default=25),
}
# auto (Twilio when a clinic has credentials and a caller number, else the simulator) | twilio | simulator
CALLS_PROVIDER = env.str("CALLS_PROVIDER", default="auto")
# Platform caller number for Twilio calls (E.164); clinics may set their own.
TWILIO_VOICE_FROM = env.str("TWILIO_VOICE_FROM", default="")
# Seconds a call rings before it counts as no-answer (Twilio's `timeout`; simulator sweep).
CALLS_RING_TIMEOUT_SECONDS = env.int("CALLS_RING_TIMEOUT_SECONDS", default=30)
# espeak-ng binary and speaking rate (words per minute; espeak-ng's default is 175).
CALLS_ESPEAK_BINARY = env.str("CALLS_ESPEAK_BINARY", default="espeak-ng")
CALLS_TTS_WORDS_PER_MINUTE = env.int("CALLS_TTS_WORDS_PER_MINUTE", default=160)
# New audio (seconds) the offline speech engine waits for on a call before recognising again. 0.5 s
# measured better than 0.3 s on the shared 2-core box (bench/agent_call.py: median turn 0.78 s vs 1.6 s
# for one call): shorter steps cost more CPU than they save in waiting.
CALLS_STT_STEP_SECONDS = env.float("CALLS_STT_STEP_SECONDS", default=0.5)
# Dial queued/retried calls and time out unanswered simulated calls every minute.
CELERY_BEAT_SCHEDULE["calls-dispatch-due"] = {"task": "calls.tasks.dispatch_due_calls", "schedule": 60.0}

# --- Operations (ops app): metrics, readiness, structured logs ---------------------------------
INSTALLED_APPS += ["ops", "django_prometheus"]
# django-prometheus's pair around everything (request latencies/counts by view); RequestContextMiddleware
# first inside it so every log record of a request carries its id, clinic and surface.
MIDDLEWARE = ["django_prometheus.middleware.PrometheusBeforeMiddleware", "ops.middleware.RequestContextMiddleware",
              *MIDDLEWARE, "django_prometheus.middleware.PrometheusAfterMiddleware"]
# Bearer token of GET /metrics; empty = /metrics answers 404. Several processes: PROMETHEUS_MULTIPROC_DIR.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
SECURE_REDIRECT_EXEMPT += [r"^ready$"]
# LOG_FORMAT=plain (default) | json; LOG_LEVELS="django.request=WARNING,medsync=DEBUG" (level per logger).
from ops.logs import apply_logging_environment  # noqa: E402 - this block is appended to the settings

LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
apply_logging_environment(LOGGING, log_format=LOG_FORMAT, levels=env.str("LOG_LEVELS", default=""))

# --- Scale-out and faults (broker redelivery, recording resume) ---------------------------------
# Redis broker: a task whose worker died (SIGKILL, machine lost) stays unacknowledged (acks_late) and
# is given to another worker after the visibility timeout. It must exceed the longest task (the time
# limit), or a task still running would be handed out again (kombu's Redis transport docs, "Visibility
# timeout"); the recording lock makes such a duplicate a no-op anyway. A worker lost under a running
# worker (a pool child killed) is requeued at once (CELERY_TASK_REJECT_ON_WORKER_LOST).
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 300)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
    # seconds between each worker's sweeps for messages past the visibility timeout
    "unacked_restore_interval": min(10, CELERY_BROKER_VISIBILITY_TIMEOUT),
    "unacked_restore_throttle": 1,
}
# Re-enqueue recordings left behind (uploaded while the broker was down, or `processing` with no live
# worker holding them) every 5 minutes; MEDSYNC_RESUME_AFTER_SECONDS = age of an `uploaded` one before.
MEDSYNC_RESUME_AFTER_SECONDS = env.int("MEDSYNC_RESUME_AFTER_SECONDS", default=300)
CELERY_BEAT_SCHEDULE["transcription-resume-recordings"] = {
    "task": "transcription.tasks.resume_recordings", "schedule": 300.0,
}

# --- Doctor dashboard (dashboard app: /app/ and / of a clinic's host) ------------------------------
INSTALLED_APPS += ["dashboard", "django_htmx"]
# The dashboard's pages follow the signed-in user's language (ClinicUser.ui_language), else the menu's
# cookie or the browser's; the API surfaces stay in LANGUAGE_CODE (dashboard.middleware). It needs
# request.user, so it comes after AuthenticationMiddleware. request.htmx for fragment answers (django-htmx).
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "dashboard.middleware.DashboardLocaleMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("dashboard.middleware.DashboardLocaleMiddleware") + 1,
                  "django_htmx.middleware.HtmxMiddleware")
LANGUAGES = [("en", "English"), ("es", "Español")]
LOGIN_URL = "dashboard:login"

# --- Clinic admin (django-unfold) ---------------------------------------------------------------
# The admin at /admin/: the platform operator at the public host, a clinic's staff at the clinic's
# host (clinicadmin.access). The index is a dashboard (clinicadmin.dashboard).
UNFOLD = {
    "SITE_TITLE": "MedSync admin",
    "SITE_HEADER": "MedSync",
    "SITE_SYMBOL": "medical_services",
    "DASHBOARD_CALLBACK": "clinicadmin.dashboard.dashboard_callback",
    "SIDEBAR": {"show_search": True, "show_all_applications": False,
                "navigation": "clinicadmin.navigation.sidebar"},
}
# Serve static files straight from the apps' folders (no collectstatic), e.g. for the browser tests' server.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)

# --- Security (sec): headers, CSP, cookies, secrets at rest, JWT key rotation ----------------------
# MEDSYNC_PRODUCTION=true turns on what needs HTTPS: HSTS, Secure cookies, HTTPS redirect (above).
_production = env.bool("MEDSYNC_PRODUCTION", default=False)
# HSTS (sent on HTTPS answers only): one year, clinic subdomains included (OWASP HSTS cheat sheet).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _production else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_production)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_production)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Content-Security-Policy (django-csp 4): scripts only from this origin or carrying the response's nonce
# ({{ request.csp_nonce }}); inline style attributes are allowed (the admin and htmx set them).
from csp.constants import NONCE, NONE, SELF  # noqa: E402

MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
# The admin theme's Alpine.js needs 'unsafe-eval' on /admin/ only (see medsync.csp).
MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1, "medsync.csp.AdminCspMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],  # fetch and same-origin WebSockets (/ws/...)
        "media-src": [SELF, "blob:"],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Fernet keys of the secrets stored encrypted (Twilio tokens, webhook signing secrets); first one encrypts.
MEDSYNC_FIELD_ENCRYPTION_KEYS = env.list("MEDSYNC_FIELD_ENCRYPTION_KEYS", default=[])
# JWT rotation: keys of the previous generation still verify tokens they signed until those expire.
JWT_PREVIOUS_SECRET_KEYS = env.list("JWT_PREVIOUS_SECRET_KEYS", default=[])
JWT_PREVIOUS_PUBLIC_KEYS = pem_blocks(env.str("JWT_PREVIOUS_PUBLIC_KEYS", default="").replace("\\n", "\n"))
# Hostile JSON (over DATA_UPLOAD_MAX_MEMORY_SIZE, nested too deeply) is a 413/400 in each surface's shape.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["medsync.api.parsers.JSONParser", "rest_framework.parsers.FormParser",
                                            "rest_framework.parsers.MultiPartParser"]
