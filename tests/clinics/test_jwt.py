"""MediSync sign-in: users, POST /api/login, Bearer JWT (HS256/RS256), subscription, uid checks, create_user."""

from __future__ import annotations

import io
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from clinics.models import ClinicUser
from clinics.services import clinic_user_create
from medsync.api.jwt import token_issue
from tests.conftest import DOCTOR_PASSWORD

pytestmark = pytest.mark.django_db


def login(client: APIClient, email: str, password: str = DOCTOR_PASSWORD, **extra):
    return client.post("/api/login", {"email": email, "password": password, **extra}, format="json")


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


# --- login ---------------------------------------------------------------------------------------


def test_login_returns_seed_shape_and_a_working_token(anon_client, doctor, settings):
    response = login(anon_client, "John.Doe@clinic-a.example", remember=False)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"success", "token", "uid", "userTitle", "firstName", "lastName"}
    assert body["success"] is True
    assert body["uid"] == doctor.uid and body["uid"].startswith("user_")
    assert (body["userTitle"], body["firstName"], body["lastName"]) == ("Dr.", "John", "Doe")

    claims = jwt.decode(body["token"], settings.JWT_SECRET_KEY, algorithms=["HS256"])
    assert claims["sub"] == doctor.uid and claims["clinic"] == "clinic-a"
    assert claims["exp"] - claims["iat"] == settings.JWT_EXPIRES_MINUTES * 60
    assert jwt.get_unverified_header(body["token"])["alg"] == "HS256"

    subscription = bearer(body["token"]).get(f"/api/settings/subscription?uid={body['uid']}")
    assert subscription.status_code == 200


def test_remember_gives_a_longer_token(anon_client, doctor, settings):
    token = login(anon_client, doctor.user.email, remember=True).json()["token"]
    claims = jwt.decode(token, settings.JWT_SECRET_KEY, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == settings.JWT_REMEMBER_DAYS * 86400


@pytest.mark.parametrize("email,password", [
    ("john.doe@clinic-a.example", "wrong-password"),
    ("nobody@clinic-a.example", DOCTOR_PASSWORD),
])
def test_bad_credentials_are_401_without_telling_which(anon_client, doctor, email, password):
    response = login(anon_client, email, password)
    assert response.status_code == 401
    assert response.json() == {"success": False, "error": "Invalid email or password"}


def test_deactivated_user_or_clinic_cannot_log_in(anon_client, doctor, clinic):
    doctor.user.is_active = False
    doctor.user.save()
    assert login(anon_client, doctor.user.email).status_code == 401
    doctor.user.is_active = True
    doctor.user.save()
    clinic.is_active = False
    clinic.save(update_fields=["is_active"])
    assert login(anon_client, doctor.user.email).status_code == 401


def test_django_user_without_clinic_profile_cannot_log_in(anon_client):
    User.objects.create_user("admin@example.org", "admin@example.org", DOCTOR_PASSWORD)
    assert login(anon_client, "admin@example.org").status_code == 401


@pytest.mark.parametrize("payload,field", [
    ({"password": "x"}, "email"), ({"email": "a@b.example"}, "password"), ({"email": "not-an-email", "password": "x"}, "email"),
])
def test_login_missing_or_invalid_fields_are_400(anon_client, payload, field):
    response = anon_client.post("/api/login", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["error"].startswith(field)


def test_login_attempts_are_rate_limited_per_email_and_ip(anon_client, doctor, settings):
    settings.MEDSYNC_LOGIN_ATTEMPTS_PER_MINUTE = 3
    for _ in range(3):
        assert login(anon_client, doctor.user.email, "wrong-password").status_code == 401
    response = login(anon_client, doctor.user.email)  # even the right password is refused now
    assert response.status_code == 429
    assert response.json() == {"success": False, "error": "Too many login attempts; try again later"}
    assert 1 <= int(response["Retry-After"]) <= 60
    other = clinic_user_create(clinic=doctor.clinic, email="other@clinic-a.example", password=DOCTOR_PASSWORD)
    assert login(anon_client, other.user.email).status_code == 200


def test_login_attempts_are_rate_limited_per_ip(anon_client, doctor, settings):
    settings.MEDSYNC_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = 4
    for i in range(4):
        login(anon_client, f"guess{i}@clinic-a.example")
    assert login(anon_client, doctor.user.email).status_code == 429


# --- Bearer tokens -------------------------------------------------------------------------------


def _token(settings, **claims) -> str:
    now = int(timezone.now().timestamp())
    body = {"iat": now, "exp": now + 600} | claims
    return jwt.encode(body, settings.JWT_SECRET_KEY, algorithm="HS256")


def test_missing_token_is_401(anon_client):
    response = anon_client.get("/api/patients")
    assert response.status_code == 401
    assert response.json() == {"success": False, "error": "Missing authentication token"}


def test_api_key_is_not_accepted_on_medisync_surface(api_client):
    assert api_client.get("/api/patients").status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer not.a.jwt", "Bearer eyJhbGciOiJub25lIn0.e30."])
def test_malformed_token_is_401(anon_client, header):
    anon_client.credentials(HTTP_AUTHORIZATION=header)
    response = anon_client.get("/api/patients")
    assert response.status_code == 401
    assert response.json() == {"success": False, "error": "Invalid authentication token"}


def test_expired_token_is_401(doctor, settings):
    past = int((timezone.now() - timedelta(hours=2)).timestamp())
    token = _token(settings, sub=doctor.uid, clinic="clinic-a", iat=past - 60, exp=past)
    response = bearer(token).get("/api/patients")
    assert response.status_code == 401
    assert response.json() == {"success": False, "error": "Token expired"}


def test_forged_and_mismatched_tokens_are_401(doctor, other_doctor, settings):
    forged = jwt.encode({"sub": doctor.uid, "clinic": "clinic-a", "iat": 1, "exp": 4102444800}, "guessed-secret",
                        algorithm="HS256")
    assert bearer(forged).get("/api/patients").status_code == 401
    # A valid signature but claims that do not belong together (user of B claiming clinic A).
    mixed = _token(settings, sub=other_doctor.uid, clinic="clinic-a")
    assert bearer(mixed).get("/api/patients").status_code == 401
    missing_clinic = _token(settings, sub=doctor.uid)
    assert bearer(missing_clinic).get("/api/patients").status_code == 401


def test_token_stops_working_when_user_is_deactivated(doctor, doctor_client):
    assert doctor_client.get("/api/patients").status_code == 200
    doctor.user.is_active = False
    doctor.user.save()
    assert doctor_client.get("/api/patients").status_code == 401


def _rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def test_rs256_tokens(anon_client, doctor, settings):
    private, public = _rsa_pair()
    settings.JWT_ALGORITHM, settings.JWT_PRIVATE_KEY, settings.JWT_PUBLIC_KEY = "RS256", private, public
    token = login(anon_client, doctor.user.email).json()["token"]
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert jwt.decode(token, public, algorithms=["RS256"])["sub"] == doctor.uid
    assert bearer(token).get("/api/patients").status_code == 200
    # Algorithm confusion: an HS256 token "signed" with the public key must not pass.
    confused = jwt.encode({"sub": doctor.uid, "clinic": "clinic-a", "iat": 1, "exp": 4102444800},
                          settings.JWT_SECRET_KEY, algorithm="HS256")
    assert bearer(confused).get("/api/patients").status_code == 401


# --- uid, subscription -----------------------------------------------------------------------------


def test_subscription_shape(doctor, doctor_client):
    response = doctor_client.get(f"/api/settings/subscription?uid={doctor.uid}")
    assert response.status_code == 200
    assert response.json() == {
        "success": True, "uid": doctor.uid, "clinic": "clinic-a",
        "subscription": {"plan": "professional", "planName": "Professional", "status": "active", "active": True,
                         "currentPeriodEnd": None, "rateLimitPerMinute": 50},
    }


def test_forged_uid_is_403_and_reveals_nothing(doctor_client, other_doctor):
    for path in (f"/api/settings/subscription?uid={other_doctor.uid}", f"/api/patients?uid={other_doctor.uid}"):
        response = doctor_client.get(path)
        assert response.status_code == 403
        assert response.json() == {"success": False, "error": "uid does not match the signed-in user"}


@pytest.mark.parametrize("status,period_end,active", [
    ("past_due", None, False), ("canceled", None, False), ("trialing", None, True),
    ("active", timezone.now() - timedelta(days=1), False), ("active", timezone.now() + timedelta(days=1), True),
])
def test_subscription_gates_clinical_endpoints(doctor, doctor_client, clinic, status, period_end, active):
    clinic.subscription_status, clinic.subscription_current_period_end = status, period_end
    clinic.save()
    summary = doctor_client.get("/api/settings/subscription").json()["subscription"]
    assert summary["status"] == status and summary["active"] is active
    response = doctor_client.get("/api/patients")
    if active:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert response.json() == {"success": False, "error": "An active subscription is required"}


def test_user_rate_limit(doctor_client, settings):
    settings.MEDSYNC_USER_RATE_LIMIT_PER_MINUTE = 2
    assert doctor_client.get("/api/patients").status_code == 200
    response = doctor_client.get("/api/patients")
    assert response["X-RateLimit-Limit"] == "2" and response["X-RateLimit-Remaining"] == "0"
    response = doctor_client.get("/api/patients")
    assert response.status_code == 429
    assert response.json() == {"success": False, "error": "Rate limit exceeded"}
    assert int(response["Retry-After"]) >= 1


def test_workflow_surface_accepts_bearer_tokens(doctor_client):
    response = doctor_client.post("/v1/threads", {}, format="json")
    assert response.status_code == 201


# --- creating users ------------------------------------------------------------------------------------


def test_create_user_command_then_login(anon_client):
    out = io.StringIO()
    call_command("create_user", "clinic-b", "Maria.Garcia@clinic-b.example", "--password", "Sunny-Garden-2024",
                 "--title", "Dr.", "--first-name", "Maria", "--last-name", "Garcia", stdout=out)
    uid = out.getvalue().strip().splitlines()[-1]
    user = ClinicUser.objects.get(uid=uid)
    assert user.clinic.client_id == "clinic-b" and user.role == "clinician"
    assert user.user.email == "maria.garcia@clinic-b.example"
    body = login(anon_client, "maria.garcia@clinic-b.example", "Sunny-Garden-2024").json()
    assert body["uid"] == uid and body["userTitle"] == "Dr." and body["firstName"] == "Maria"
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    assert claims["clinic"] == "clinic-b"


@pytest.mark.parametrize("args,message", [
    (["no-such-clinic", "a@b.example", "--password", "Sunny-Garden-2024"], "No clinic"),
    (["clinic-a", "john.doe@clinic-a.example", "--password", "Sunny-Garden-2024"], "already exists"),
    (["clinic-a", "short@clinic-a.example", "--password", "short"], "Password rejected"),
    (["clinic-a", "not-an-email", "--password", "Sunny-Garden-2024"], "Invalid e-mail"),
])
def test_create_user_command_errors(doctor, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_user", *args, stdout=io.StringIO())


def test_passwords_are_hashed_with_djangos_default_hasher(clinic, settings):
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    user = clinic_user_create(clinic=clinic, email="hash@clinic-a.example", password="Sunny-Garden-2024").user
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$") and "Sunny-Garden-2024" not in user.password
    assert user.check_password("Sunny-Garden-2024")


def test_platform_operator_adds_a_clinician_in_the_admin(clinic, anon_client):
    operator = User.objects.create_superuser("operator", "op@example.org", "pw-operator-123")
    admin = Client()
    admin.force_login(operator)
    response = admin.post("/admin/clinics/clinicuser/add/", {
        "clinic": clinic.pk, "email": "new.doc@clinic-a.example", "first_name": "New", "last_name": "Doc",
        "title": "Dr.", "role": "clinician", "password": "Sunny-Garden-2024",
    })
    assert response.status_code == 302, response.content[:3000]
    profile = ClinicUser.objects.get(user__email="new.doc@clinic-a.example")
    assert profile.clinic == clinic and profile.uid.startswith("user_")
    assert login(anon_client, "new.doc@clinic-a.example", "Sunny-Garden-2024").status_code == 200
    again = admin.post("/admin/clinics/clinicuser/add/", {
        "clinic": clinic.pk, "email": "new.doc@clinic-a.example", "role": "clinician", "password": "Sunny-Garden-2024",
    })
    assert again.status_code == 200 and b"already exists" in again.content


def test_token_issue_uses_settings_lifetime(doctor, settings):
    settings.JWT_EXPIRES_MINUTES = 5
    claims = jwt.decode(token_issue(clinic_user=doctor), settings.JWT_SECRET_KEY, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 300
