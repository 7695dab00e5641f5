"""Video teleconsultation: rooms, status, cancel/end, waiting room, recording, join page and signalling socket."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from tests.chatmed.conftest import assert_error
from tests.conftest import AUDIO

CREATE = "/api/v1/consultations/video/create"
ROOM = {"doctor_id": "doc_abc123", "patient_id": "pat_xyz789", "language": "en"}


def create(client, **extra) -> dict:
    response = client.post(CREATE, {**ROOM, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_create_answers_the_seed_shape_with_role_bound_tokens(cm):
    body = create(cm)
    assert set(body) >= {"session_id", "room_url", "token", "doctor_join_url", "patient_join_url", "expires_at", "status"}
    assert body["status"] == "waiting" and body["session_id"].startswith("vs_")
    assert body["room_url"] == f"http://testserver/consult/room/{body['session_id']}"
    assert body["doctor_join_url"].startswith(body["room_url"] + "?role=doctor&token=")
    assert body["patient_join_url"].startswith(body["room_url"] + "?role=patient&token=")
    claims = jwt.decode(body["patient_token"], settings.JWT_SECRET_KEY, algorithms=["HS256"], audience="chatmed-video")
    assert claims["role"] == "patient" and claims["sid"] == body["session_id"]
    assert body["token"] == body["doctor_token"] != body["patient_token"]


def test_create_errors(cm):
    assert_error(cm.post(CREATE, {"patient_id": "p"}, format="json"), 400, "bad_request")
    body = assert_error(cm.post(CREATE, {**ROOM, "enable_recording": True}, format="json"), 422, "validation_error")
    assert "consent" in body["message"]
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert_error(cm.post(CREATE, {**ROOM, "scheduled_at": past}, format="json"), 422, "validation_error")
    assert_error(cm.post(CREATE, {**ROOM, "scheduled_at": "tomorrow"}, format="json"), 400, "bad_request")


def test_status_cancel_end(cm):
    room = create(cm)
    sid = room["session_id"]
    status = cm.get(f"/api/v1/consultations/video/{sid}/status").json()
    assert status["status"] == "waiting" and status["connected"] == {"doctor": None, "patient": None}
    assert cm.post(f"/api/v1/consultations/video/{sid}/cancel").json()["status"] == "cancelled"
    assert_error(cm.post(f"/api/v1/consultations/video/{sid}/cancel"), 422, "validation_error")
    assert_error(cm.post(f"/api/v1/consultations/video/{sid}/end"), 422, "validation_error")
    other = create(cm)["session_id"]
    ended = cm.post(f"/api/v1/consultations/video/{other}/end").json()
    assert ended["status"] == "ended" and ended["ended_at"]
    assert_error(cm.get("/api/v1/consultations/video/vs_unknown/status"), 404, "not_found")


def test_waiting_room_queue_and_admit(cm):
    first = cm.post("/api/v1/consultations/waiting-room",
                    {"patient_id": "pat_1", "doctor_id": "doc_abc123", "reason": "rash"}, format="json")
    assert first.status_code == 201 and first.json()["position"] == 1 and first.json()["status"] == "waiting"
    second = cm.post("/api/v1/consultations/waiting-room", {"patient_id": "pat_2", "doctor_id": "doc_abc123"},
                     format="json").json()
    assert second["position"] == 2
    listed = cm.get("/api/v1/consultations/waiting-room?doctor_id=doc_abc123").json()
    assert [e["patient_id"] for e in listed["waiting"]] == ["pat_1", "pat_2"]
    admitted = cm.post(f"/api/v1/consultations/waiting-room/{first.json()['entry_id']}/admit").json()
    assert admitted["status"] == "admitted" and admitted["session_id"].startswith("vs_")
    assert "role=patient&token=" in admitted["patient_join_url"]
    assert_error(cm.post(f"/api/v1/consultations/waiting-room/{first.json()['entry_id']}/admit"), 422,
                 "validation_error")
    assert [e["patient_id"] for e in cm.get("/api/v1/consultations/waiting-room?doctor_id=doc_abc123").json()["waiting"]] == ["pat_2"]
    assert_error(cm.get("/api/v1/consultations/waiting-room"), 400, "bad_request")
    assert_error(cm.post("/api/v1/consultations/waiting-room", {"doctor_id": "d"}, format="json"), 400, "bad_request")
    room = create(cm)
    body = assert_error(cm.post("/api/v1/consultations/waiting-room", {"patient_id": "someone_else",
                                                                       "doctor_id": "doc_abc123",
                                                                       "session_id": room["session_id"]}, format="json"),
                        422, "validation_error")
    assert "another" in body["message"]


def test_recording_needs_consent_and_is_stored_as_a_recording(cm, clinic):
    sid = create(cm)["session_id"]
    wav = SimpleUploadedFile("visit.wav", (AUDIO / "visit_D2N041_4turns.wav").read_bytes(), content_type="audio/wav")
    assert_error(cm.post(f"/api/v1/consultations/video/{sid}/recording", {"audio": wav}, format="multipart"),
                 403, "forbidden")
    consented = create(cm, enable_recording=True, patient_consent=True)["session_id"]
    wav.seek(0)
    response = cm.post(f"/api/v1/consultations/video/{consented}/recording", {"audio": wav}, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "uploaded" and body["duration_seconds"] > 20
    assert cm.get(f"/api/v1/consultations/video/{consented}/status").json()["recording_id"] == body["recording_id"]
    from django_tenants.utils import schema_context

    from transcription.models import Recording

    with schema_context(clinic.schema_name):
        assert Recording.objects.filter(uuid=body["recording_id"]).exists()
    bad = SimpleUploadedFile("visit.wav", b"not audio" * 50, content_type="audio/wav")
    assert_error(cm.post(f"/api/v1/consultations/video/{consented}/recording", {"audio": bad}, format="multipart"),
                 422, "validation_error")


def test_other_clinic_sees_nothing(cm, cm_other, cm_test):
    room = create(cm)
    sid = room["session_id"]
    entry = cm.post("/api/v1/consultations/waiting-room", {"patient_id": "p", "doctor_id": "doc_abc123"},
                    format="json").json()
    for client in (cm_other, cm_test):  # another clinic, and the same clinic's sandbox
        assert_error(client.get(f"/api/v1/consultations/video/{sid}/status"), 404, "not_found")
        assert_error(client.post(f"/api/v1/consultations/video/{sid}/end"), 404, "not_found")
        assert_error(client.post(f"/api/v1/consultations/video/{sid}/cancel"), 404, "not_found")
        assert_error(client.post(f"/api/v1/consultations/waiting-room/{entry['entry_id']}/admit"), 404, "not_found")
        assert client.get("/api/v1/consultations/waiting-room?doctor_id=doc_abc123").json()["waiting"] == []
        wav = SimpleUploadedFile("v.wav", (AUDIO / "visit_D2N041_4turns.wav").read_bytes(), content_type="audio/wav")
        assert_error(client.post(f"/api/v1/consultations/video/{sid}/recording", {"audio": wav}, format="multipart"),
                     404, "not_found")
    assert cm.get(f"/api/v1/consultations/video/{sid}/status").json()["status"] == "waiting"


def test_join_page_per_role(cm, client):
    room = create(cm)
    connection.set_schema_to_public()
    doctor = client.get(room["doctor_join_url"].removeprefix("http://testserver"))
    assert doctor.status_code == 200 and b'const role = "doctor"' in doctor.content
    patient_url = room["patient_join_url"].removeprefix("http://testserver")
    assert b'const role = "patient"' in client.get(patient_url).content
    # The doctor's token with role=patient (and the reverse) is refused; so is a missing token.
    swapped = patient_url.replace("role=patient", "role=doctor")
    assert client.get(swapped).status_code == 403
    assert client.get(room["room_url"].removeprefix("http://testserver")).status_code == 403


def expired_token(sid: str, role: str = "patient") -> str:
    from chatmed.consultations.tokens import room_token

    return room_token(schema_name="clinic_a", session_id=sid, role=role, is_sandbox=False,
                      expires_at=timezone.now() - timedelta(seconds=5))


def test_expired_token_is_refused_by_the_page(cm, client):
    sid = create(cm)["session_id"]
    connection.set_schema_to_public()
    page = client.get(f"/consult/room/{sid}?role=patient&token={expired_token(sid)}")
    assert page.status_code == 403 and b"expired" in page.content


# --- the signalling socket (in-process, in-memory channel layer) ------------------------------------

@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):
    """The consumer's database calls run on the test's connection inside its transaction; Channels would
    close it between calls (as tests/transcription/test_live.py does, keep it)."""
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)


def _token(url: str) -> str:
    return url.split("token=", 1)[1]


async def _connect(path: str):
    from medsync.asgi import application

    ws = WebsocketCommunicator(application, path)
    connected, code = await ws.connect(timeout=10)
    return ws if connected else None, code


async def _until(ws, kind: str) -> dict:
    while True:
        message = await ws.receive_json_from(timeout=10)
        if message["type"] == kind:
            return message


def test_socket_refuses_wrong_role_expired_foreign_and_closed(cm, cm_other):
    room = create(cm)
    sid = room["session_id"]
    foreign = create(cm_other)
    closed = create(cm)
    cm.post(f"/api/v1/consultations/video/{closed['session_id']}/cancel")
    connection.set_schema_to_public()

    async def attempts():
        results = []
        for path in (
            f"/ws/consultations/{sid}?role=patient&token={_token(room['doctor_join_url'])}",  # wrong role
            f"/ws/consultations/{sid}?role=patient&token={expired_token(sid)}",  # expired
            f"/ws/consultations/{sid}?role=doctor&token={_token(foreign['doctor_join_url'])}",  # other clinic's room
            f"/ws/consultations/{sid}?role=doctor&token=forged",
            f"/ws/consultations/{closed['session_id']}?role=doctor&token={_token(closed['doctor_join_url'])}",
        ):
            ws, code = await _connect(path)
            results.append(code if ws is None else "accepted")
            if ws is not None:
                await ws.disconnect()
        return results

    assert async_to_sync(attempts)() == [4403] * 5


def test_socket_relays_signalling_between_the_two_roles(cm):
    room = create(cm)
    sid = room["session_id"]
    connection.set_schema_to_public()

    async def call():
        doctor, _ = await _connect(f"/ws/consultations/{sid}?role=doctor&token={_token(room['doctor_join_url'])}")
        hello = await _until(doctor, "hello")
        patient, _ = await _connect(f"/ws/consultations/{sid}?role=patient&token={_token(room['patient_join_url'])}")
        patient_hello = await _until(patient, "hello")
        # A second socket for a role already connected is refused.
        third, code = await _connect(f"/ws/consultations/{sid}?role=doctor&token={_token(room['doctor_join_url'])}")
        await patient.send_json_to({"type": "ready"})
        ready = await _until(doctor, "ready")
        await doctor.send_json_to({"type": "offer", "sdp": {"type": "offer", "sdp": "v=0"}})
        offer = await _until(patient, "offer")
        await patient.send_json_to({"type": "answer", "sdp": {"type": "answer", "sdp": "v=0"}})
        answer = await _until(doctor, "answer")
        await patient.send_json_to({"type": "admit", "entry_id": "wr_x"})  # doctors only
        error = await _until(patient, "error")
        await patient.send_to(text_data="x" * 70000)
        too_big = await _until(patient, "error")
        await doctor.disconnect()
        await patient.disconnect()
        return hello, patient_hello, code, ready, offer, answer, error, too_big

    hello, patient_hello, code, ready, offer, answer, error, too_big = async_to_sync(call)()
    assert hello["role"] == "doctor" and hello["ice_servers"] == [] and patient_hello["admitted"] is False
    assert code == 4403
    assert ready["from"] == "patient" and offer["from"] == "doctor" and offer["sdp"]["sdp"] == "v=0"
    assert answer["from"] == "patient"
    assert "forbidden" in error["message"] and "65536" in too_big["message"]
    status = cm.get(f"/api/v1/consultations/video/{sid}/status").json()
    assert status["status"] == "active" and status["started_at"] and status["connected"] == {"doctor": None,
                                                                                            "patient": None}


def test_page_recording_upload_needs_the_doctors_token_and_consent(cm, client):
    plain = create(cm)
    consented = create(cm, enable_recording=True, patient_consent=True)
    connection.set_schema_to_public()
    wav = (AUDIO / "visit_D2N041_4turns.wav").read_bytes()

    def post(room: dict, role: str):
        token = _token(room[f"{role}_join_url"])
        return client.post(f"/consult/room/{room['session_id']}/recording?token={token}",
                           {"audio": SimpleUploadedFile("c.webm", wav, content_type="audio/webm")})

    assert_error(post(consented, "patient"), 403, "forbidden")  # the patient's token cannot upload
    assert_error(post(plain, "doctor"), 403, "forbidden")  # no consent, no recording
    response = post(consented, "doctor")
    assert response.status_code == 200 and response.json()["duration_seconds"] > 20
    bad = client.post(f"/consult/room/{consented['session_id']}/recording?token={_token(consented['doctor_join_url'])}",
                      {"audio": SimpleUploadedFile("c.webm", b"junk" * 100, content_type="audio/webm")})
    assert_error(bad, 422, "validation_error")
