"""Two real Chromium pages in one video consultation, served by a Daphne process (tests/browser.py).

Everything runs as in production: the room is created through the HTTP API with a committed
``sk_live_`` key, the doctor's page is told live that the patient is in the waiting room, the doctor
admits them, the pages exchange SDP and ICE over the Channels signalling socket and each receives the
other's fake camera/microphone tracks (``RTCPeerConnection.getStats()`` inbound-rtp). Wrong-role and
expired tokens are refused by the page and by the socket. Run with the in-memory channel layer and with
channels-redis (``REDIS_TEST_URL``).
"""

from __future__ import annotations

import json
import os
import secrets
import time
import urllib.request
from datetime import timedelta

import pytest

from tests.browser import ARTIFACTS, chromium, daphne_process

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
DOCTOR = "doc_browser_test"


def _layers():
    layers = ["memory"]
    if os.environ.get("REDIS_TEST_URL"):
        layers.append("redis")
    return layers


@pytest.fixture(scope="module", params=_layers())
def server(request, django_db_setup, django_db_blocker, tmp_path_factory):
    env = {"REDIS_URL": os.environ["REDIS_TEST_URL"]} if request.param == "redis" else {}
    with daphne_process(django_db_blocker, tmp_path_factory, env=env) as base_url:
        yield base_url


@pytest.fixture
def committed_live_key(clinic):
    """A ``sk_live_`` key of clinic A the Daphne process can see (committed on a second connection);
    removed afterwards with the rooms the test made."""
    from django.db import connections
    from django.utils import timezone

    from clinics.services import hash_api_key

    raw_key = "sk_live_" + secrets.token_urlsafe(32)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("INSERT INTO public.clinics_apikey (clinic_id, name, kind, prefix, hashed_key, created_at) "
                           "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                           [clinic.pk, "browser-test", "chatmed_live", raw_key[:14], hash_api_key(raw_key),
                            timezone.now()])
            key_id = cursor.fetchone()[0]
        yield raw_key
        schema = clinic.schema_name
        with other.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{schema}".chatmed_waitingroomentry WHERE doctor_id = %s', [DOCTOR])
            cursor.execute(f'DELETE FROM "{schema}".chatmed_videoconsultation WHERE doctor_id = %s', [DOCTOR])
            cursor.execute("DELETE FROM public.clinics_apikey WHERE id = %s", [key_id])
    finally:
        other.close()


def api(base_url: str, key: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(base_url + path, method=method, data=json.dumps(body or {}).encode(),
                                     headers={"X-API-Key": key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


INBOUND = """async () => {
  if (!window.room || !window.room.pc) return {};
  const stats = await window.room.pc.getStats();
  const out = {};
  stats.forEach((s) => { if (s.type === "inbound-rtp") out[s.kind] = {packets: s.packetsReceived || 0,
                                                                      frames: s.framesDecoded || 0}; });
  return out;
}"""

SOCKET_OUTCOME = """async (url) => await new Promise((resolve) => {
  const ws = new WebSocket(url);
  ws.onopen = () => { resolve("open"); ws.close(); };
  ws.onclose = (event) => resolve("closed:" + event.code);
})"""


def wait_for(page, expression: str, timeout: float = 30.0, arg=None):
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = page.evaluate(expression, arg) if arg is not None else page.evaluate(expression)
        if value:
            return value
        time.sleep(0.3)
    return value


def admit_first_patient(doctor, patient_id: str) -> None:
    doctor.wait_for_selector(f"text=Patient {patient_id} is waiting", timeout=15000)
    entry = [e for e in doctor.evaluate("window.room.events") if e.get("type") == "waiting_room"
             and e["entry"]["patient_id"] == patient_id][-1]["entry"]
    doctor.click(f"#entry-{entry['entry_id']} button.admit")


def test_two_browsers_see_and_hear_each_other(server, committed_live_key, request):
    from chatmed.consultations.tokens import room_token
    from django.utils import timezone

    room = api(server, committed_live_key, "POST", "/api/v1/consultations/video/create",
               {"doctor_id": DOCTOR, "patient_id": "pat_browser", "language": "en"})
    assert room["status"] == "waiting" and room["doctor_join_url"].startswith(server)
    layer = request.node.callspec.params.get("server", "memory")
    with chromium() as browser:
        doctor = browser.new_context().new_page()
        patient = browser.new_context().new_page()
        doctor.goto(room["doctor_join_url"])
        assert wait_for(doctor, "() => window.room && window.room.events.some(e => e.type === 'hello')")

        # A patient queued through the API: the doctor's open page is told at once.
        api(server, committed_live_key, "POST", "/api/v1/consultations/waiting-room",
            {"patient_id": "pat_queue", "doctor_id": DOCTOR, "reason": "follow-up"})
        doctor.wait_for_selector("text=Patient pat_queue is waiting: follow-up", timeout=15000)

        # The room's patient joins: waiting room first, then admitted by the doctor.
        patient.goto(room["patient_join_url"])
        patient.wait_for_selector("text=You are in the waiting room", timeout=15000)
        doctor.wait_for_selector("text=Patient pat_browser is waiting", timeout=15000)
        doctor.screenshot(path=ARTIFACTS / f"video-doctor-waiting-room-{layer}.png")
        entry = [e for e in doctor.evaluate("window.room.events") if e.get("type") == "waiting_room"
                 and e["entry"]["patient_id"] == "pat_browser"][-1]["entry"]
        doctor.click(f"#entry-{entry['entry_id']} button.admit")

        for page in (doctor, patient):
            stats = wait_for(page, f"async () => {{ const s = await ({INBOUND})(); "
                                   "return s.video && s.video.frames > 0 && s.audio && s.audio.packets > 0 ? s : null; }",
                             timeout=45)
            assert stats and stats["video"]["frames"] > 0 and stats["audio"]["packets"] > 0, stats
        doctor.screenshot(path=ARTIFACTS / f"video-doctor-in-call-{layer}.png")
        patient.screenshot(path=ARTIFACTS / f"video-patient-in-call-{layer}.png")
        status = api(server, committed_live_key, "GET", f"/api/v1/consultations/video/{room['session_id']}/status")
        assert status["status"] == "active" and status["connected"]["doctor"] and status["connected"]["patient"]

        # Refusals: the patient's token used as the doctor, and an expired token (page and socket).
        intruder = browser.new_context().new_page()
        patient_token = room["patient_join_url"].split("token=", 1)[1]
        wrong_role = f"{room['room_url']}?role=doctor&token={patient_token}"
        assert intruder.goto(wrong_role).status == 403
        expired = room_token(schema_name="clinic_a", session_id=room["session_id"], role="patient", is_sandbox=False,
                             expires_at=timezone.now() - timedelta(seconds=10))
        page = intruder.goto(f"{room['room_url']}?role=patient&token={expired}")
        assert page.status == 403 and "expired" in intruder.inner_text("#refused")
        ws_base = server.replace("http://", "ws://") + f"/ws/consultations/{room['session_id']}"
        for token, role in ((patient_token, "doctor"), (expired, "patient")):
            outcome = intruder.evaluate(SOCKET_OUTCOME, f"{ws_base}?role={role}&token={token}")
            assert outcome.startswith("closed:") and outcome != "open"

        # Ending the session closes both pages' sockets.
        api(server, committed_live_key, "POST", f"/api/v1/consultations/video/{room['session_id']}/end")
        for page in (doctor, patient):
            page.wait_for_selector("text=The consultation is ended.", timeout=15000)


def test_consented_call_is_recorded_by_the_doctors_page(server, committed_live_key, clinic):
    """The doctor's page records the call (patient consent given at creation) and uploads it on leaving;
    the file is stored as a transcription Recording (decodable WebM/Opus) linked to the session."""
    room = api(server, committed_live_key, "POST", "/api/v1/consultations/video/create",
               {"doctor_id": DOCTOR, "patient_id": "pat_rec", "enable_recording": True, "patient_consent": True})
    with chromium() as browser:
        doctor = browser.new_context().new_page()
        patient = browser.new_context().new_page()
        doctor.goto(room["doctor_join_url"])
        patient.goto(room["patient_join_url"])
        assert not patient.is_visible("#recording")  # only the doctor's page records
        admit_first_patient(doctor, "pat_rec")
        doctor.wait_for_selector("text=This consultation is being recorded", timeout=30000)
        time.sleep(3)  # a few seconds of conversation
        doctor.click("#hangup")
        doctor.wait_for_selector("text=Recording saved.", timeout=30000)
        upload = doctor.evaluate("window.room.recordingUpload")
    assert upload["status"] == 200 and upload["body"]["duration_seconds"] > 1
    status = api(server, committed_live_key, "GET", f"/api/v1/consultations/video/{room['session_id']}/status")
    assert status["recording_id"] == upload["body"]["recording_id"]
    # Cleanup: the committed Recording row and its file.
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(f'UPDATE "{clinic.schema_name}".chatmed_videoconsultation SET recording_id = NULL '
                           "WHERE doctor_id = %s", [DOCTOR])
            cursor.execute(f'DELETE FROM "{clinic.schema_name}".transcription_recording WHERE uuid = %s',
                           [upload["body"]["recording_id"]])
    finally:
        other.close()
