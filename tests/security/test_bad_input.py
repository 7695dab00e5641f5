"""Hostile uploads and bodies: each gets its surface's documented 4xx and leaves nothing half-stored.

Uploads (``POST /v1/transcribe``: 413/422 ``{"error"}``; ``POST /api/recordings/add/{id}``: 400/413
``{"success": false, "error"}``): files lying about their type, a zip bomb, a 2-hour silent recording
(a WAV header claiming 2 h over one second of data, and real 8 kHz silence compressed as FLAC, with and
without a declared length), truncated containers. JSON bodies on every surface: a body over the size
limit, deep nesting, invalid UTF-8, very long strings in every field. After each request the clinic's
recording rows and the media folder are exactly as before.
"""

from __future__ import annotations

import io
import struct
import wave
import zipfile
from pathlib import Path

import av
import numpy as np
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from tests.conftest import AUDIO

pytestmark = pytest.mark.django_db


# --- files ---------------------------------------------------------------------------------------------

def wav(seconds: float, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.zeros(int(seconds * rate), dtype="<i2").tobytes())
    return buffer.getvalue()


def wav_claiming(seconds: float, rate: int = 8000) -> bytes:
    """A WAV whose RIFF and data sizes claim ``seconds`` of 16-bit mono audio over one second of data."""
    data = wav(1.0, rate)
    claimed = int(seconds * rate) * 2
    return data[:4] + struct.pack("<I", 36 + claimed) + data[8:40] + struct.pack("<I", claimed) + data[44:]


def flac_silence(seconds: float, *, declared: bool, rate: int = 8000) -> bytes:
    """Real digital silence encoded as FLAC (compresses ~85:1); ``declared=False`` zeroes STREAMINFO's
    total-samples field (FLAC format: 36 bits at byte 13 of STREAMINFO), so the length is unknown."""
    buffer = io.BytesIO()
    out = av.open(buffer, "w", format="flac")
    stream = out.add_stream("flac", rate=rate, layout="mono")
    minute = np.zeros((1, rate * 60), dtype=np.int16)
    remaining = int(seconds * rate)
    while remaining > 0:
        chunk = minute[:, :min(remaining, minute.shape[1])]
        frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
        frame.rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        remaining -= chunk.shape[1]
    for packet in stream.encode(None):
        out.mux(packet)
    out.close()
    data = bytearray(buffer.getvalue())
    if not declared:
        offset = 8 + 13  # "fLaC" + metadata block header, then STREAMINFO byte 13
        data[offset] &= 0xF0
        data[offset + 1:offset + 5] = b"\0\0\0\0"
    return bytes(data)


def zip_bomb() -> bytes:
    """64 MiB of zeros deflated to ~64 KiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("visit.wav", "w") as member:
            for _ in range(64):
                member.write(b"\0" * (1024 * 1024))
    return buffer.getvalue()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 64


@pytest.fixture(scope="module")
def two_hour_flac() -> bytes:
    return flac_silence(2 * 3600 + 120, declared=True)


def hostile_files(two_hour_flac: bytes) -> list[tuple[str, str, bytes, str]]:
    """``(case, file name, content, expected error fragment)``."""
    real_wav = (AUDIO / "visit_D2N041_4turns.wav").read_bytes()
    real_mp3 = (AUDIO / "visit_D2N041_4turns.mp3").read_bytes()
    return [
        ("png named .wav", "visit.wav", PNG, "not a recognised audio"),
        ("text named .mp3", "visit.mp3", b"ID3 this is not audio at all\n" * 50, ""),
        ("zip bomb named .wav", "visit.wav", zip_bomb(), "not a recognised audio"),
        ("2 h of real silence, flac", "visit.flac", two_hour_flac, "7200 s"),
        ("wav truncated in its header", "visit.wav", real_wav[:30], ""),
        ("wav header only", "visit.wav", real_wav[:44], ""),
        ("mp3 first 200 bytes", "visit.mp3", real_mp3[:200], ""),
    ]


def _media_files() -> set[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def _recording_state(clinic) -> tuple:
    from transcription.models import Recording, Transcript

    with schema_context(clinic.schema_name):
        state = (Recording.objects.count(), Transcript.objects.count())
        from notes.models import ClinicalNote

        state += (ClinicalNote.objects.count(),)
    connection.set_schema_to_public()
    return state


def test_transcribe_refuses_hostile_files_and_stores_nothing(api_client, clinic, two_hour_flac):
    before = (_recording_state(clinic), _media_files())
    failures = []
    for case, name, content, fragment in hostile_files(two_hour_flac):
        response = api_client.post("/v1/transcribe", {"audio": SimpleUploadedFile(name, content, "audio/wav"),
                                                      "language": "en"}, format="multipart")
        body = response.json() if response["Content-Type"].startswith("application/json") else {}
        if response.status_code != 422 or set(body) != {"error"} or fragment not in body.get("error", ""):
            failures.append(f"{case}: {response.status_code} {response.content[:200]!r}")
        if (_recording_state(clinic), _media_files()) != before:
            failures.append(f"{case}: something was stored")
    assert not failures, "\n".join(failures)


def test_recording_upload_refuses_hostile_files_and_stores_nothing(doctor_client, clinic, two_hour_flac):
    appointment = _appointment(doctor_client)
    before = (_recording_state(clinic), _media_files())
    failures = []
    for case, name, content, fragment in hostile_files(two_hour_flac):
        response = doctor_client.post(f"/api/recordings/add/{appointment}",
                                      {"audio": SimpleUploadedFile(name, content, "audio/wav")}, format="multipart")
        body = response.json()
        if response.status_code != 400 or body.get("success") is not False or fragment not in body.get("error", ""):
            failures.append(f"{case}: {response.status_code} {response.content[:200]!r}")
        if (_recording_state(clinic), _media_files()) != before:
            failures.append(f"{case}: something was stored")
    assert not failures, "\n".join(failures)
    assert doctor_client.get(f"/api/transcriptions/{appointment}").status_code == 404


def test_silence_of_unknown_length_is_refused_while_decoding(api_client, clinic, settings):
    """No declared length: the limit is enforced while decoding (streamed), never by decoding it all."""
    settings.MEDSYNC_MAX_AUDIO_SECONDS = 60
    before = (_recording_state(clinic), _media_files())
    content = flac_silence(180, declared=False)
    response = api_client.post("/v1/transcribe", {"audio": SimpleUploadedFile("visit.flac", content, "audio/flac"),
                                                  "language": "en"}, format="multipart")
    assert response.status_code == 422 and "60 s limit" in response.json()["error"], response.content
    assert (_recording_state(clinic), _media_files()) == before


def test_wav_header_claiming_two_hours_is_read_for_what_it_holds(api_client, clinic):
    """A WAV whose header claims 2 h over 1 s of data is a truncated file: its real second is processed
    (nothing a clinician recorded is thrown away), and nothing is sized from the claimed length."""
    from transcription.models import Recording

    response = api_client.post("/v1/transcribe", {"audio": SimpleUploadedFile(
        "visit.wav", wav_claiming(2 * 3600 + 60), "audio/wav"), "language": "en"}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["transcript"] == []  # silence: nothing invented
    with schema_context(clinic.schema_name):
        assert Recording.objects.get().duration_seconds == pytest.approx(1.0, abs=0.05)


def test_over_size_upload_is_413_before_the_body_is_read(api_client, doctor_client, clinic, settings):
    settings.MEDSYNC_TRANSCRIBE_MAX_BYTES = settings.MEDSYNC_RECORDING_MAX_BYTES = 64 * 1024
    before = (_recording_state(clinic), _media_files())
    big = SimpleUploadedFile("visit.wav", wav(30.0), "audio/wav")
    response = api_client.post("/v1/transcribe", {"audio": big, "language": "en"}, format="multipart")
    assert response.status_code == 413 and set(response.json()) == {"error"}
    appointment = _appointment(doctor_client)
    big.seek(0)
    response = doctor_client.post(f"/api/recordings/add/{appointment}", {"audio": big}, format="multipart")
    assert response.status_code == 413 and response.json()["success"] is False
    assert (_recording_state(clinic), _media_files()) == before


def _appointment(doctor_client) -> str:
    patient = doctor_client.post("/api/patients/add", {"firstName": "Jo", "lastName": "Bad-Input",
                                                       "dateOfBirth": "1980-01-01"}, format="json").json()
    response = doctor_client.post("/api/appointments/add", {"name": "Visit", "date": "2024-02-01", "time": "09:00",
                                                            "patient_id": patient["patient"]["_id"]}, format="json")
    return response.json()["appointment"]["_id"]


# --- JSON bodies on every surface ------------------------------------------------------------------------

#: (surface, client fixture, method, path, a valid body, status codes its documentation gives for bad input)
JSON_ENDPOINTS = [
    ("workflow", "api_client", "post", "/v1/transcriptions",
     {"duration_seconds": 10, "original_transcript": "[doctor] hello", "language_used": "en"}, {400, 413}),
    ("workflow", "api_client", "post", "/v1/threads", {}, {400, 413}),
    ("templates", "api_client", "post", "/v1/templates",
     {"key": "bad-input", "name": "B", "language": "en", "sections": [{"key": "a", "heading": "A", "guidance": "g"}]},
     {400, 413, 422}),
    ("agent calls", "api_client", "post", "/v1/agent-call",
     {"patient_phone": "+34612345678", "patient_name": "Ana", "purpose": "appointment_reminder",
      "context": {"appointment_date": "2026-05-20", "appointment_time": "09:30"}}, {400, 413, 422}),
    ("medisync", "doctor_client", "post", "/api/patients/add",
     {"firstName": "Jo", "lastName": "Doe", "dateOfBirth": "1980-01-01"}, {400, 413}),
    ("medisync", "anon_client", "post", "/api/login", {"email": "a@b.example", "password": "x"}, {400, 401, 413}),
    ("chatmed", "chatmed_client", "post", "/api/v1/profiles", {"external_id": "x", "sex": "female"}, {400, 413, 422}),
    ("chatmed", "chatmed_client", "post", "/api/v1/emergency/detect", {"symptoms": "chest pain"}, {400, 413, 422}),
]


@pytest.fixture
def chatmed_client(clinic):
    from rest_framework.test import APIClient

    from clinics.services import api_key_create

    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_key_create(clinic=clinic, name="cm", kind="chatmed_test")[1])
    return client


def _row_counts(clinic) -> dict[str, int]:
    from django.apps import apps

    counts = {}
    with schema_context(clinic.schema_name):
        for model in apps.get_models():
            if model._meta.app_label in ("records", "transcription", "notes", "note_templates", "calls", "chatmed",
                                         "booking"):
                counts[model._meta.label] = model._default_manager.count()
    connection.set_schema_to_public()
    return counts


def _bad_bodies(valid: dict) -> list[tuple[str, bytes]]:
    deep = b"[" * 100_000 + b"]" * 100_000
    # 200,000 characters per field: under the body limit, so each field's own validation must answer.
    long_fields = {key: ("x" * 200_000 if not isinstance(value, (dict, list)) else value)
                   for key, value in valid.items()}
    import json

    return [("very long strings in every field", json.dumps(long_fields).encode())] * bool(long_fields) + [
        ("huge body (12 MB)", b'{"pad": "' + b"a" * (12 * 1024 * 1024) + b'"}'),
        ("deep nesting (100k)", deep),
        ("deep nesting in a field", json.dumps(valid)[:-1].encode() + b', "nested": ' + deep + b"}"),
        ("invalid utf-8", json.dumps(valid).encode()[:-1] + b', "x": "\xff\xfe\xc3\x28"}'),
        ("not json", b"{not json"),
        ("json but not an object", b"[1, 2, 3]"),
    ]


@pytest.mark.parametrize("surface,client_name,method,path,valid,documented", JSON_ENDPOINTS,
                         ids=[f"{e[0]} {e[3]}" for e in JSON_ENDPOINTS])
def test_hostile_json_bodies_get_documented_4xx(request, clinic, surface, client_name, method, path, valid,
                                                documented):
    from medsync.api.ratelimit import reset_limiter

    if client_name == "doctor_client":
        request.getfixturevalue("doctor")
    client = request.getfixturevalue(client_name)
    before = _row_counts(clinic)
    failures = []
    for case, body in _bad_bodies(valid):
        reset_limiter()
        response = getattr(client, method)(path, data=body, content_type="application/json")
        connection.set_schema_to_public()
        ok_shape = response["Content-Type"].startswith("application/json")
        if response.status_code not in documented or not ok_shape:
            failures.append(f"{case}: {response.status_code} {response['Content-Type']} {response.content[:160]!r}")
            continue
        parsed = response.json()
        if surface == "medisync" and parsed.get("success") is not False:
            failures.append(f"{case}: body is not MediSync's error shape: {parsed}")
        if surface == "chatmed" and not {"error", "message", "code", "request_id"} <= set(parsed):
            failures.append(f"{case}: body is not ChatMed's error shape: {parsed}")
        if surface in ("workflow", "templates", "agent calls") and "error" not in parsed:
            failures.append(f"{case}: no error in {parsed}")
    assert not failures, "\n".join(failures)
    assert _row_counts(clinic) == before


def test_chatmed_profile_with_null_date_of_birth(chatmed_client):
    """Found by Schemathesis: ``"date_of_birth": null`` was stored as "" in a date column (500)."""
    created = chatmed_client.post("/api/v1/profiles", {"date_of_birth": None, "sex": "female"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["date_of_birth"] is None
    profile_id = created.json()["profile_id"]
    dated = chatmed_client.patch(f"/api/v1/profiles/{profile_id}", {"date_of_birth": "1970-01-01"}, format="json")
    assert dated.status_code == 200 and dated.json()["date_of_birth"] == "1970-01-01"
    cleared = chatmed_client.patch(f"/api/v1/profiles/{profile_id}", {"date_of_birth": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["date_of_birth"] is None
