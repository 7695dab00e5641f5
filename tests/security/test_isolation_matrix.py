"""Cross-clinic isolation matrix, generated from the URL map and the WebSocket routes.

Clinic A's records are created through A's own credentials (patients, appointments, transcriptions,
notes, threads and runs, a custom template, a booking, an agent call, ChatMed profiles, chat
sessions and prescriptions). Then, for **every route** of ``medsync.urls`` (walked recursively, so a new
app's URLs are covered as soon as they are included) and every HTTP method its view handles, clinic B
calls it with each of its credentials — platform API key (``X-API-Key`` and as ``Bearer``), a
clinician's JWT, a ChatMed ``sk_test_`` key, and Django sessions of B's staff and of B's clinician (on
B's host and on A's host) — with A's ids in the path. Every answer must be a refusal (401/403/404, or
405 for a method the route lacks; 400/415/422 only for writes rejected before any lookup) and must
contain none of A's identifiers or patient data (so neither data nor a count leaks); A's records
read with A's credentials must be unchanged afterwards. Id-less ``GET`` routes (lists, usage) must
not show any of A's data to B either. A route whose path parameter has no fixture id fails the test,
so a new endpoint cannot escape the matrix. The admin is covered the same way for every registered
model (B's staff on A's host), and each WebSocket route with A's ids and B's tokens must be refused.

Routes public by design are listed, with the reason, in :data:`PUBLIC_BY_DESIGN`; they are still
called and still must not contain A's data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django_tenants.utils import schema_context
from rest_framework.test import APIClient
from rest_framework.views import APIView

from clinics.models import StaffMembership
from clinics.services import api_key_create
from medsync.api.jwt import token_issue

pytestmark = pytest.mark.django_db

#: Routes anyone may call (no clinic credential), with the reason. They are still called by clinic B and
#: must still not leak A's data.
PUBLIC_BY_DESIGN = {
    "health": "liveness probe, no clinic data",
    "ready": "readiness probe (database, migrations), no clinic data",
    "metrics": "Prometheus metrics behind METRICS_TOKEN (404 while unset); per-view counters, never clinic data",
    "api/schema/": "the OpenAPI document",
    "api/docs/": "Swagger UI of the OpenAPI document",
    "api/login": "sign-in: e-mail and password in, token out",
    "live/": "static demo page of /ws/transcribe; the socket authenticates",
    "calls/simulator/<str:call_sid>/": "needs the call's signed link token (403 otherwise)",
    "v1/whatsapp/webhook/<slug:client_id>": "Twilio webhook: authenticated by Twilio's signature (403 otherwise)",
    "v1/whatsapp/status/<slug:client_id>": "Twilio status callback: Twilio's signature (403 otherwise)",
    "v1/agent-call/twilio/answer/<slug:client_id>/<str:call_sid>": "Twilio voice webhook: Twilio's signature",
    "v1/agent-call/twilio/status/<slug:client_id>/<str:call_sid>": "Twilio call status: Twilio's signature",
    "api/v1/speech/audio/<str:token>": "the voice assistant's answer audio: the signed, expiring token is the "
                                       "credential (403 forged or expired)",
    "": "the dashboard's root: redirects to /app/, which asks to sign in",
    "app/sign-in/": "the dashboard's sign-in form",
    "app/language/": "sets the UI language (cookie, or the signed-in user's own preference) and goes back; "
                     "no clinic data",
}
#: Regex routes that are not endpoints of their own, with the reason.
CATCH_ALL = {"api/v1/^.*$": "ChatMed's JSON 404 for unknown /api/v1 paths (called below with A's ids)"}
#: WebSocket routes without ids in their path: what isolates them.
WS_WITHOUT_IDS = {"ws/transcribe": "a session only writes into the caller's own clinic (the credential's)"}

REFUSED = {401, 403, 404, 405}
REFUSED_WRITE = REFUSED | {400, 415, 422}
METHODS = ("get", "post", "put", "patch", "delete")
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass
class ClinicAData:
    ids: dict[str, str]
    markers: set[str]
    reads: list[tuple[str, str]] = field(default_factory=list)  # (credential, path) A may read


def _json(response) -> dict:
    return json.loads(response.content or b"{}")


@pytest.fixture
def clinic_a(clinic, api_key, doctor, doctor_client, api_client) -> ClinicAData:
    """Clinic A's records, created through A's own credentials."""
    marker_name = "Quetzalcoatlia"
    patient = doctor_client.post("/api/patients/add", {
        "firstName": marker_name, "lastName": "Zyxwvut", "dateOfBirth": "1985-03-15",
        "contact": {"phone": "+49 30 98765432", "email": "quetzal@example.com"}}, format="json")
    assert patient.status_code == 201, patient.content
    patient_id = _json(patient)["patient"]["_id"]
    appointment = doctor_client.post("/api/appointments/add", {
        "name": "Marker visit", "date": "2024-02-01", "time": "09:00", "patient_id": patient_id}, format="json")
    assert appointment.status_code == 201, appointment.content
    appointment_id = _json(appointment)["appointment"]["_id"]
    note = doctor_client.post(f"/api/notes/add/{appointment_id}", {
        "notes": "Zyxwvut reports xylophonic headache.", "summary": "xylophonic"}, format="json")
    assert note.status_code == 201, note.content

    transcript = "[doctor] what brings you in?\n[patient] a xylophonic cough since monday."
    created = api_client.post("/v1/transcriptions/create", {"duration_seconds": 30, "original_transcript": transcript,
                                                             "language_used": "en"}, format="json",
                              HTTP_X_DOCTOR="dr-marker-4711", HTTP_X_PATIENT="pat-marker-42")
    assert created.status_code == 201, created.content
    transcription = _json(created)["transcription"]
    thread = api_client.post("/v1/threads", format="json")
    thread_id = _json(thread)["thread_id"]
    run = api_client.post(f"/v1/threads/{thread_id}/runs", {
        "input": {"messages": [{"role": "user", "content": transcript}]},
        "config": {"configurable": {"thread_id": thread_id}}}, format="json", HTTP_X_DOCTOR="dr-marker-4711")
    assert run.status_code == 201, run.content
    run_id = _json(run)["run_id"]
    template = api_client.post("/v1/templates", {"key": "marker-physio", "name": "Marker physio", "language": "en",
                                                 "sections": [{"key": "progress", "heading": "Progress",
                                                               "guidance": "Changes."}]}, format="json")
    assert template.status_code == 201, template.content
    call = api_client.post("/v1/agent-call", {
        "patient_phone": "+34612349876", "patient_name": "Quetzalcoatlia Zyxwvut", "purpose": "appointment_reminder",
        "context": {"appointment_date": "2026-05-20", "appointment_time": "09:30", "provider_name": "Dr. Garcia",
                    "clinic_name": "Dental Plus"}}, format="json")
    assert call.status_code == 200, call.content
    call_sid = _json(call)["call_sid"]

    from booking.models import Booking

    with schema_context(clinic.schema_name):
        booking = Booking.objects.create(patient_name="Quetzalcoatlia Zyxwvut", patient_phone="+34612349876",
                                         date="2026-06-01", time="10:00", provider="Dr. Marker", language="en")
    connection.set_schema_to_public()

    chatmed = APIClient()
    chatmed.credentials(HTTP_X_API_KEY=api_key_create(clinic=clinic, name="cm", kind="chatmed_test")[1])
    profile = chatmed.post("/api/v1/profiles", {"external_id": "pat-marker-42", "date_of_birth": "1970-05-01",
                                                "sex": "female", "conditions": ["I10"]}, format="json")
    assert profile.status_code in (200, 201), profile.content
    profile_id = _json(profile)["profile_id"]
    chat = chatmed.post("/api/v1/chat/message", {"message": "What is xylophonic asthma?",
                                                 "session_id": "sess_marker_a", "profile_id": profile_id},
                        format="json")
    assert chat.status_code == 200, chat.content
    prescription = chatmed.post("/api/v1/prescriptions", {"profile_id": profile_id, "diagnosis": "I10",
                                                          "medications": [{"name": "amlodipine"}]}, format="json")
    assert prescription.status_code in (200, 201), prescription.content
    prescription_id = _json(prescription)["prescription_id"]
    waiting = chatmed.post("/api/v1/consultations/waiting-room",
                           {"patient_id": "pat-marker-42", "doctor_id": "dr-marker-4711", "reason": "xylophonic rash"},
                           format="json")
    assert waiting.status_code == 201, waiting.content
    entry_id = _json(waiting)["entry_id"]
    connection.set_schema_to_public()
    vocabulary = api_client.post("/v1/vocabulary", {"terms": [{"term": "Quinzolamab", "kind": "drug"}]}, format="json")
    assert vocabulary.status_code in (200, 201), vocabulary.content
    connection.set_schema_to_public()

    ids = {
        "patient_id": patient_id, "appointment_id": appointment_id, "transcription_id": transcription["id"],
        "note_id": transcription["clinical_note_id"], "thread_id": thread_id, "run_id": run_id,
        "key": "marker-physio", "booking_id": str(booking.id), "call_sid": call_sid, "client_id": clinic.client_id,
        "profile_id": profile_id, "session_id": "sess_marker_a", "prescription_id": prescription_id,
        "entry_id": entry_id, "term": "Quinzolamab",
        # a voice-answer link token: forged here (a real one is itself the credential, see PUBLIC_BY_DESIGN)
        "token": "marker-token-not-signed",
        # assistants are the built-in graphs, the same for every clinic (no clinic data)
        "assistant_id": "clinical-extraction",
    }
    markers = {marker_name.lower(), "zyxwvut", "xylophonic", "98765432", "612349876", "dr-marker-4711",
               "pat-marker-42", "marker-physio"}
    markers |= {value.lower() for name, value in ids.items()
                if name not in ("client_id", "assistant_id", "session_id", "key")}
    reads = [("doctor", f"/api/patients/{patient_id}"), ("doctor", f"/api/notes/{appointment_id}"),
             ("doctor", f"/api/appointments/{appointment_id}"), ("key", f"/v1/clinical-notes/{ids['note_id']}"),
             ("key", f"/v1/transcriptions/{ids['transcription_id']}"), ("key", f"/v1/threads/{thread_id}"),
             ("key", "/v1/templates/marker-physio"), ("key", f"/v1/agent-call/{call_sid}"),
             ("key", f"/v1/whatsapp/bookings/{booking.id}"), ("chatmed", f"/api/v1/profiles/{profile_id}"),
             ("chatmed", f"/api/v1/prescriptions/{prescription_id}")]
    data = ClinicAData(ids=ids, markers=markers, reads=reads)
    data.clients = {"doctor": doctor_client, "key": api_client, "chatmed": chatmed}
    return data


def _snapshot(data: ClinicAData) -> dict[str, tuple[int, bytes]]:
    """A's records as A reads them (volatile fields such as rate-limit headers are not part of bodies)."""
    from medsync.api.ratelimit import reset_limiter

    reset_limiter()
    snapshot = {}
    for who, path in data.reads:
        response = data.clients[who].get(path)
        body = _json(response)
        for volatile in ("last_used_at", "updated_at"):
            if isinstance(body, dict):
                body.pop(volatile, None)
        snapshot[path] = (response.status_code, json.dumps(body, sort_keys=True))
        connection.set_schema_to_public()
    return snapshot


@pytest.fixture
def clinic_b_credentials(other_clinic, other_doctor) -> dict[str, Client]:
    """Every kind of credential of clinic B, as test clients."""
    key = api_key_create(clinic=other_clinic, name="b")[1]
    sk_test = api_key_create(clinic=other_clinic, name="b-cm", kind="chatmed_test")[1]
    jwt_token = token_issue(clinic_user=other_doctor)
    staff = User.objects.create_user("b-staff", "s@clinic-b.example", "pw-staff-b-123", is_staff=True)
    StaffMembership.objects.create(user=staff, clinic=other_clinic)

    def session(user, host):
        client = Client(HTTP_HOST=host)
        client.force_login(user)
        return client

    return {
        "api key": Client(HTTP_X_API_KEY=key),
        "api key as bearer": Client(HTTP_AUTHORIZATION=f"Bearer {key}"),
        "clinician jwt": Client(HTTP_AUTHORIZATION=f"Bearer {jwt_token}"),
        "chatmed sk_test key": Client(HTTP_X_API_KEY=sk_test),
        "staff session, B's host": session(staff, "clinic-b.localhost"),
        "staff session, A's host": session(staff, "clinic-a.localhost"),
        "clinician session, B's host": session(other_doctor.user, "clinic-b.localhost"),
        "clinician session, A's host": session(other_doctor.user, "clinic-a.localhost"),
    }


def _routes(resolver=None, prefix=""):
    """``(route, callback)`` of every URL pattern, recursively (``route`` = the joined pattern strings)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback, isinstance(entry.pattern, RoutePattern)


def _methods(callback) -> list[str]:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return [m for m in METHODS if hasattr(view_class, m)]
    return ["get", "post"]


def _leaks(content: bytes, markers: set[str]) -> list[str]:
    text = content.decode("utf-8", "replace").lower()
    return sorted(marker for marker in markers if marker in text)


def test_matrix_covers_every_route():
    """Every route is either an endpoint the matrix fills with ids, public by design, or a listed catch-all."""
    routes = [route for route, _, _ in _routes() if not route.startswith("admin/")]
    assert len(routes) > 60
    regex = [route for route, _, plain in _routes() if not plain and not route.startswith("admin/")]
    assert set(regex) <= set(CATCH_ALL), f"regex routes not in CATCH_ALL: {set(regex) - set(CATCH_ALL)}"
    unknown_public = set(PUBLIC_BY_DESIGN) - set(routes)
    assert not unknown_public, f"PUBLIC_BY_DESIGN lists routes that no longer exist: {unknown_public}"


def test_clinic_b_never_reaches_clinic_a_over_http(clinic_a, clinic_b_credentials):
    from medsync.api.ratelimit import reset_limiter

    before = _snapshot(clinic_a)
    failures: list[str] = []
    calls = 0
    for route, callback, plain in _routes():
        if route.startswith("admin/"):
            continue  # test_admin_isolation
        if not plain:
            route = "api/v1/" + "/".join(clinic_a.ids[n] for n in ("profile_id", "session_id"))
        params = PARAM.findall(route)
        missing = [name for name in params if name not in clinic_a.ids]
        if missing:
            failures.append(f"{route}: no fixture id for {missing}: add one of clinic A's ids to the matrix")
            continue
        path = "/" + PARAM.sub(lambda m: clinic_a.ids[m.group(1)], route)
        methods = _methods(callback) if params else ["get"]
        for kind, client in clinic_b_credentials.items():
            for method in methods:
                reset_limiter()
                kwargs = {"content_type": "application/json", "data": "{}"} if method != "get" else {}
                response = getattr(client, method)(path, **kwargs)
                connection.set_schema_to_public()
                calls += 1
                # A 404 may echo the id the caller sent ("Profile prof_... not found"): not a leak.
                echoed = {clinic_a.ids[name].lower() for name in params}
                leaked = _leaks(response.content, clinic_a.markers - echoed)
                if leaked:
                    failures.append(f"{method.upper()} {path} [{kind}] -> {response.status_code} leaks {leaked}")
                allowed = REFUSED if method in ("get", "delete") else REFUSED_WRITE
                public = route in PUBLIC_BY_DESIGN
                if params and not public and response.status_code not in allowed | {302}:
                    failures.append(f"{method.upper()} {path} [{kind}] -> {response.status_code} "
                                    f"{response.content[:200]!r}")
                location = response.get("Location", "")
                if response.status_code == 302 and not public and "/login/" not in location \
                        and "/sign-in/" not in location:
                    failures.append(f"{method.upper()} {path} [{kind}] -> redirect to {response['Location']}")
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {path} [{kind}] -> {response.status_code}")
    assert calls > 300
    assert not failures, "\n".join(failures)
    assert _snapshot(clinic_a) == before, "clinic A's records changed"


def test_admin_isolation(clinic, clinic_a, clinic_b_credentials):
    """B's staff on A's host: every registered model's list, add and change pages (A's rows) are refused."""
    from django.contrib.admin.sites import site

    staff_on_a = clinic_b_credentials["staff session, A's host"]
    failures = []
    checked = 0
    for model, model_admin in site._registry.items():
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        with schema_context(clinic.schema_name):
            try:
                pks = list(model._default_manager.values_list("pk", flat=True)[:3])
            except Exception:  # noqa: BLE001 - a public-schema model on a tenant host: no rows there
                pks = []
        connection.set_schema_to_public()
        for path in [base, base + "add/"] + [f"{base}{pk}/change/" for pk in pks]:
            response = staff_on_a.get(path)
            connection.set_schema_to_public()
            checked += 1
            if response.status_code not in (302, 403, 404) or _leaks(response.content, clinic_a.markers):
                failures.append(f"GET {path} -> {response.status_code}")
            if response.status_code == 302 and "/login/" not in response["Location"]:
                failures.append(f"GET {path} -> redirect to {response['Location']}")
    assert checked > 20
    assert not failures, "\n".join(failures)
    # B's own host shows B's (empty) records: none of A's.
    staff_on_b = clinic_b_credentials["staff session, B's host"]
    for model in site._registry:
        opts = model._meta
        response = staff_on_b.get(f"/admin/{opts.app_label}/{opts.model_name}/")
        connection.set_schema_to_public()
        assert not _leaks(response.content, clinic_a.markers), opts.label


def test_websocket_routes_refuse_clinic_b(clinic, other_clinic, other_doctor, clinic_a):
    """Each WebSocket route with A's ids refuses B's tokens (handshake refused or closed with 44xx)."""
    from calls import tokens
    from medsync.asgi import application
    from medsync.routing import websocket_urlpatterns

    # Tokens clinic B legitimately holds: a clinician JWT, and call tokens signed in B's schema.
    with schema_context(other_clinic.schema_name):
        b_simulator = tokens.simulator_token(call_sid=clinic_a.ids["call_sid"])
        b_media = tokens.media_stream_token(call_sid=clinic_a.ids["call_sid"])
    connection.set_schema_to_public()
    b_jwt = token_issue(clinic_user=other_doctor)
    b_key = api_key_create(clinic=other_clinic, name="ws")[1]

    async def attempt(path: str, headers: list[tuple[bytes, bytes]]) -> tuple[bool, int | None, list]:
        ws = WebsocketCommunicator(application, path, headers=headers)
        connected, code = await ws.connect(timeout=10)
        if not connected:
            return False, code, []
        await ws.send_json_to({"event": "start", "start": {"streamSid": "MZ1", "customParameters": {
            "call_sid": clinic_a.ids["call_sid"], "token": b_media}}})
        await ws.send_json_to({"type": "answer", "answer": "human", "mode": "text"})
        received = []
        while True:
            output = await ws.receive_output(timeout=10)
            if output["type"] == "websocket.close":
                return True, output.get("code"), received
            received.append(output.get("text") or "")

    failures = []
    for pattern in websocket_urlpatterns:
        route = str(pattern.pattern)
        params = PARAM.findall(route)
        if not params:
            assert route in WS_WITHOUT_IDS, f"{route}: a WebSocket route without ids must say what isolates it"
            continue
        path = "/" + PARAM.sub(lambda m: clinic_a.ids[m.group(1)], route)
        for query, headers in ((f"?token={b_simulator}", []), (f"?token={b_jwt}", []),
                               ("", [(b"x-api-key", b_key.encode())]),
                               ("", [(b"authorization", f"Bearer {b_jwt}".encode())])):
            accepted, code, received = async_to_sync(attempt)(path + query, headers)
            leaked = [text for text in received if _leaks(text.encode(), clinic_a.markers)]
            if leaked or (code is not None and not 4400 <= code < 4500 and code != 403):
                failures.append(f"{path}{query[:8]} {headers and headers[0][0]} -> accepted={accepted} code={code} "
                                f"received={received[:2]}")
            connection.set_schema_to_public()
    assert not failures, "\n".join(failures)
