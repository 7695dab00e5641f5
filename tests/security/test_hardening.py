"""Security settings: headers (HSTS, CSP, frame, referrer, content type), CSRF on session pages, secure
cookies in production, secrets from ``<NAME>_FILE``, secrets encrypted or hashed at rest, JWT key rotation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context
from rest_framework.test import APIClient
from rest_framework.views import APIView

from medsync.api.jwt import key_id, token_issue
from medsync.secret_files import SecretFileEnv

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


# --- headers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/health", "/admin/login/", "/api/docs/", "/v1/usage", "/live/"])
def test_security_headers_on_every_kind_of_page(path):
    response = Client().get(path)
    assert response.status_code in (200, 302, 401), (path, response.status_code)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "'unsafe-inline'" not in directives["script-src"]
    # 'unsafe-eval' only on the admin, for its theme's Alpine.js (medsync.csp); never on the API or pages.
    assert ("'unsafe-eval'" in directives["script-src"]) == path.startswith("/admin/")


def test_inline_scripts_carry_the_responses_nonce():
    response = Client().get("/live/")
    nonce = response["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"'.encode() in response.content
    docs = Client().get("/api/docs/").content.decode()
    assert "<script>" not in docs  # Swagger UI's start-up script is served as a file (split view)


def test_hsts_on_https_when_configured(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    response = Client().get("/health", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def _settings_in_subprocess(environment: dict[str, str], names: list[str]) -> dict:
    code = ("import json, django; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEDSYNC_PRODUCTION", "JWT_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "medsync.settings", "DATABASE_POOL": "false"}, **environment)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_switch_and_secret_files(tmp_path):
    secret_file = tmp_path / "django_secret"
    secret_file.write_text("s3cret-from-a-file-0123456789-abcdefghijklmnopqrstuvwxyz\n")
    jwt_file = tmp_path / "jwt_secret"
    jwt_file.write_text("jwt-from-file\n")
    values = _settings_in_subprocess(
        {"MEDSYNC_PRODUCTION": "true", "DJANGO_SECRET_KEY_FILE": str(secret_file), "DJANGO_SECRET_KEY": "ignored",
         "JWT_SECRET_KEY_FILE": str(jwt_file), "JWT_PREVIOUS_SECRET_KEYS": "old-1,old-2"},
        ["SECRET_KEY", "JWT_SECRET_KEY", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
         "SECURE_SSL_REDIRECT", "JWT_PREVIOUS_SECRET_KEYS"])
    assert values == {"SECRET_KEY": "s3cret-from-a-file-0123456789-abcdefghijklmnopqrstuvwxyz",
                      "JWT_SECRET_KEY": "jwt-from-file", "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
                      "SECURE_HSTS_SECONDS": 31536000, "SECURE_SSL_REDIRECT": True,
                      "JWT_PREVIOUS_SECRET_KEYS": ["old-1", "old-2"]}
    development = _settings_in_subprocess({}, ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"])
    assert development == {"SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False, "SECURE_HSTS_SECONDS": 0}


def test_production_refuses_to_start_without_a_secret():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="medsync.settings", MEDSYNC_PRODUCTION="true")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be set" in result.stderr


def test_secret_file_env_reads_files_first(tmp_path, monkeypatch):
    token = tmp_path / "token"
    token.write_text("twilio-token\r\n")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "from-env")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN_FILE", str(token))
    assert SecretFileEnv().str("TWILIO_AUTH_TOKEN") == "twilio-token"
    monkeypatch.setenv("OPENAI_API_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError):
        SecretFileEnv().str("OPENAI_API_KEY")


# --- CSRF on every session page -----------------------------------------------------------------------

#: Views exempt from CSRF that are not DRF API views, with the reason; a new entry needs a reason.
CSRF_EXEMPT_ALLOWED: dict[str, str] = {
    "app/encounters/<str:appointment_id>/recording/": "the dashboard's upload: csrf_protect runs inside the view, "
                                                      "after the size-limited upload handlers are installed",
    "consult/room/<str:session_id>/recording": "authenticated by the doctor's signed room token in the URL, "
                                               "not by a cookie (no ambient credential to forge)",
}


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_no_session_page_is_csrf_exempt():
    """DRF views are CSRF-exempt by design (no session authentication: credentials are headers);
    every other view of the URL map (admin, dashboard, pages) keeps Django's CSRF check."""
    from rest_framework.authentication import SessionAuthentication

    checked = 0
    for route, callback in _patterns():
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view_class is not None and issubclass(view_class, APIView):
            assert not any(issubclass(auth, SessionAuthentication) for auth in view_class.authentication_classes), route
            continue
        checked += 1
        if getattr(callback, "csrf_exempt", False):
            assert route in CSRF_EXEMPT_ALLOWED, f"{route} is a session page exempt from CSRF"
    assert checked > 20  # the admin's pages at least


def test_admin_post_without_csrf_token_is_refused(clinic):
    User.objects.create_superuser("root", "r@example.org", "pw-root-12345")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "root", "password": "pw-root-12345"})
    assert response.status_code == 403 and "_auth_user_id" not in client.session
    client.force_login(User.objects.get(username="root"))
    response = client.post("/admin/clinics/apikey/add/", {"clinic": clinic.pk, "name": "forged"})
    assert response.status_code == 403
    from clinics.models import ApiKey

    assert not ApiKey.objects.filter(name="forged").exists()


# --- secrets at rest ----------------------------------------------------------------------------------

def _raw(table: str, columns: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 - fixed names
        return cursor.fetchone()


def test_webhook_secrets_and_twilio_tokens_are_encrypted_at_rest(clinic):
    from booking.services import bot_config_upsert
    from calls.services import call_settings_update

    with schema_context(clinic.schema_name):
        config = bot_config_upsert(appointment_callback_url="https://ehr.example.org/cb",
                                   slots_endpoint_url="https://ehr.example.org/slots",
                                   twilio_account_sid="AC" + "1" * 32, twilio_auth_token="twilio-token-plain")
        calls = call_settings_update(twilio_auth_token="calls-token-plain")
        for table, (token, secret) in (("booking_botconfig", ("twilio-token-plain", config.callback_secret)),
                                       ("calls_callsettings", ("calls-token-plain", calls.callback_secret))):
            stored_token, stored_secret = _raw(table, "twilio_auth_token, callback_secret")
            assert stored_token.startswith("fernet:") and token not in stored_token
            assert stored_secret.startswith("fernet:") and secret not in stored_secret and len(secret) >= 32
        from booking.models import BotConfig

        assert BotConfig.objects.get().twilio_auth_token == "twilio-token-plain"


def test_legacy_plain_text_secret_is_still_read_and_encrypted_on_save(clinic):
    from booking.models import BotConfig
    from booking.services import bot_config_upsert

    with schema_context(clinic.schema_name):
        bot_config_upsert(appointment_callback_url="https://ehr.example.org/cb",
                          slots_endpoint_url="https://ehr.example.org/slots")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE booking_botconfig SET callback_secret = 'legacy-plain-secret'")
        config = BotConfig.objects.get()
        assert config.callback_secret == "legacy-plain-secret"
        config.save()
        assert _raw("booking_botconfig", "callback_secret")[0].startswith("fernet:")
        assert BotConfig.objects.get().callback_secret == "legacy-plain-secret"


def test_field_key_rotation_keeps_old_values_readable(clinic, settings):
    from cryptography.fernet import Fernet

    from booking.models import BotConfig
    from booking.services import bot_config_upsert

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MEDSYNC_FIELD_ENCRYPTION_KEYS = [old]
    with schema_context(clinic.schema_name):
        secret = bot_config_upsert(appointment_callback_url="https://ehr.example.org/cb",
                                   slots_endpoint_url="https://ehr.example.org/slots").callback_secret
        settings.MEDSYNC_FIELD_ENCRYPTION_KEYS = [new, old]
        assert BotConfig.objects.get().callback_secret == secret
        settings.MEDSYNC_FIELD_ENCRYPTION_KEYS = [new]
        from medsync.encrypted_fields import DecryptionError

        with pytest.raises(DecryptionError):
            BotConfig.objects.get()


def test_api_keys_are_stored_only_as_sha256(api_key, clinic):
    import hashlib

    with connection.cursor() as cursor:
        cursor.execute("SELECT prefix, hashed_key FROM clinics_apikey WHERE clinic_id = %s", [clinic.pk])
        rows = cursor.fetchall()
    assert (api_key[:12], hashlib.sha256(api_key.encode()).hexdigest()) in rows
    assert all(api_key not in " ".join(map(str, row)) for row in rows)


# --- JWT key rotation ---------------------------------------------------------------------------------

def _get(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/api/patients")


def test_hs256_rotation_old_tokens_valid_until_they_expire(doctor, settings):
    old_key = settings.JWT_SECRET_KEY
    old_token = token_issue(clinic_user=doctor)
    assert jwt.get_unverified_header(old_token)["kid"] == key_id(old_key)

    settings.JWT_SECRET_KEY = "a-new-256-bit-secret-for-rotation-tests-0123456789"
    settings.JWT_PREVIOUS_SECRET_KEYS = [old_key]
    assert _get(old_token).status_code == 200
    new_token = token_issue(clinic_user=doctor)
    assert jwt.get_unverified_header(new_token)["kid"] == key_id(settings.JWT_SECRET_KEY)
    jwt.decode(new_token, settings.JWT_SECRET_KEY, algorithms=["HS256"])  # signed with the new key
    assert _get(new_token).status_code == 200

    expired = jwt.encode({"sub": doctor.uid, "clinic": doctor.clinic.client_id, "iat": 1, "exp": 2}, old_key,
                         algorithm="HS256", headers={"kid": key_id(old_key)})
    response = _get(expired)
    assert response.status_code == 401 and response.json()["error"] == "Token expired"

    settings.JWT_PREVIOUS_SECRET_KEYS = []  # the old generation retired
    assert _get(old_token).status_code == 401
    forged = jwt.encode({"sub": doctor.uid, "clinic": doctor.clinic.client_id, "iat": 1, "exp": 2**31}, "guess",
                        algorithm="HS256", headers={"kid": key_id(settings.JWT_SECRET_KEY)})
    assert _get(forged).status_code == 401


def test_rs256_rotation(doctor, settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    def pair():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
        public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        return private, public

    (old_private, old_public), (new_private, new_public) = pair(), pair()
    settings.JWT_ALGORITHM, settings.JWT_PRIVATE_KEY, settings.JWT_PUBLIC_KEY = "RS256", old_private, old_public
    old_token = token_issue(clinic_user=doctor)
    settings.JWT_PRIVATE_KEY, settings.JWT_PUBLIC_KEY = new_private, new_public
    assert _get(old_token).status_code == 401
    settings.JWT_PREVIOUS_PUBLIC_KEYS = [old_public]
    assert _get(old_token).status_code == 200
    assert _get(token_issue(clinic_user=doctor)).status_code == 200
    # An HS256 token "signed" with the public key (algorithm confusion) is refused.
    confused = jwt.encode({"sub": doctor.uid, "clinic": doctor.clinic.client_id, "iat": 1, "exp": 2**31},
                          "not-the-key", algorithm="HS256")
    assert _get(confused).status_code == 401
