"""POST /v1/transcribe end to end: validation errors, storage, isolation, usage, provider failures.

The pipeline tests run the real offline engines (faster-whisper + local diarization + offline
note engine) on fixture recordings; no component is mocked.
"""

from __future__ import annotations

import io
import json
import wave
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from clinics.models import UsageRecord
from tests.conftest import AUDIO

pytestmark = pytest.mark.django_db


def wav_bytes(seconds: float = 1.0, rate: int = 16000, tone_hz: float | None = None) -> bytes:
    """A mono 16-bit WAV: silence, or a sine tone of ``tone_hz``."""
    t = np.arange(int(seconds * rate)) / rate
    samples = np.zeros_like(t) if tone_hz is None else 0.3 * np.sin(2 * np.pi * tone_hz * t)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def fixture_upload(name: str) -> SimpleUploadedFile:
    return upload(name, (AUDIO / name).read_bytes())


def reference(name: str) -> dict:
    return json.loads((AUDIO / name).with_suffix(".json").read_text())


# --- bad input -------------------------------------------------------------------------------


def test_no_file_is_422(api_client):
    response = api_client.post("/v1/transcribe", {"language": "en"}, format="multipart")
    assert response.status_code == 422
    assert set(response.json()) == {"error"} and "audio" in response.json()["error"]


def test_empty_file_is_422(api_client):
    response = api_client.post("/v1/transcribe", {"audio": upload("a.wav", b"")}, format="multipart")
    assert response.status_code == 422
    assert "empty" in response.json()["error"]


def test_not_audio_is_422(api_client):
    response = api_client.post(
        "/v1/transcribe", {"audio": upload("notes.wav", b"this is not audio at all " * 200)}, format="multipart"
    )
    assert response.status_code == 422
    assert response.json()["error"].startswith("audio:")


def test_unsupported_container_is_422(api_client):
    """AIFF decodes fine but is not one of the documented formats."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="aiff") as container:
        stream = container.add_stream("pcm_s16be", rate=16000, layout="mono")
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 16000), dtype=np.int16), format="s16", layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    response = api_client.post("/v1/transcribe", {"audio": upload("x.aiff", buffer.getvalue())}, format="multipart")
    assert response.status_code == 422
    assert "aiff" in response.json()["error"].lower() or "unsupported" in response.json()["error"].lower()


def test_unknown_template_is_422(api_client):
    response = api_client.post(
        "/v1/transcribe", {"audio": upload("a.wav", wav_bytes()), "template": "nope"}, format="multipart"
    )
    assert response.status_code == 422
    assert "template" in response.json()["error"] and "general_consultation" in response.json()["error"]


def test_unknown_language_is_422(api_client):
    response = api_client.post(
        "/v1/transcribe", {"audio": upload("a.wav", wav_bytes()), "language": "xx"}, format="multipart"
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error.startswith("language: Unsupported language 'xx'; supported: ") and "en, es" in error


@pytest.mark.parametrize("tag", ["english", "e", "en--US", "pt_BR_x_toolongsubtag", "12"])
def test_malformed_language_tag_is_422(api_client, tag):
    response = api_client.post(
        "/v1/transcribe", {"audio": upload("a.wav", wav_bytes()), "language": tag}, format="multipart"
    )
    assert response.status_code == 422 and response.json()["error"].startswith("language: ")


def _language(tag: str, clinic) -> str:
    from transcription.api.serializers import TranscribeInputSerializer

    serializer = TranscribeInputSerializer(data={"audio": upload("a.wav", wav_bytes()), "language": tag},
                                           context={"clinic": clinic})
    assert serializer.is_valid(), serializer.errors
    return serializer.validated_data["language"]


@pytest.mark.parametrize("tag,language", [("en-US", "en"), ("es-ES", "es"), ("pt-BR", "pt"), ("PT_br", "pt"),
                                          ("de-CH", "de"), ("ca", "ca")])
def test_bcp47_tags_transcribe_their_base_language(clinic, tag, language):
    assert _language(tag, clinic) == language


def test_deepgram_languages_are_accepted_when_deepgram_is_configured(clinic, settings):
    from transcription.api.serializers import TranscribeInputSerializer
    from transcription.languages import DEEPGRAM_LANGUAGES, offline_languages

    # Offline, every language of the multilingual Whisper model is transcribed: Deepgram's are among them.
    assert DEEPGRAM_LANGUAGES <= offline_languages()
    settings.DEEPGRAM_API_KEY = "dg-test-key"
    assert [_language(code, clinic) for code in sorted(DEEPGRAM_LANGUAGES)] == sorted(DEEPGRAM_LANGUAGES)
    assert _language("ja-JP", clinic) == "ja"
    # A language neither engine knows (Quechua) is refused, naming what is supported.
    rejected = TranscribeInputSerializer(data={"audio": upload("a.wav", wav_bytes()), "language": "qu-PE"},
                                         context={"clinic": clinic})
    assert not rejected.is_valid() and "'qu-PE'" in str(rejected.errors["language"][0])


def test_offline_languages_are_whisper_languages():
    from transcription.languages import offline_languages, whisper_languages

    assert {"en", "es", "ca", "fr", "pt", "de", "it"} <= offline_languages() <= whisper_languages()
    assert len(whisper_languages()) >= 99


def test_too_large_is_413_and_nothing_stored(api_client, settings, clinic):
    settings.MEDSYNC_TRANSCRIBE_MAX_BYTES = 64 * 1024
    response = api_client.post("/v1/transcribe", {"audio": upload("a.wav", wav_bytes(5.0))}, format="multipart")
    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    with schema_context(clinic.schema_name):
        from transcription.models import Recording

        assert not Recording.objects.exists()


def test_declared_length_over_limit_is_413_before_reading(api_client, settings):
    """A Content-Length over the limit is refused without parsing the body."""
    settings.MEDSYNC_TRANSCRIBE_MAX_BYTES = 1024
    response = api_client.generic(
        "POST", "/v1/transcribe", data=b"x" * (3 * 1024 * 1024),
        content_type="multipart/form-data; boundary=BoUnDaRy",
    )
    assert response.status_code == 413


def test_bad_key_never_reaches_validation(anon_client):
    anon_client.credentials(HTTP_X_API_KEY="wrong")
    response = anon_client.post("/v1/transcribe", {"audio": upload("a.wav", wav_bytes())}, format="multipart")
    assert response.status_code == 401


# --- the pipeline ----------------------------------------------------------------------------


@pytest.mark.slow
def test_silence_gives_no_invented_text(api_client):
    response = api_client.post("/v1/transcribe", {"audio": upload("quiet.wav", wav_bytes(8.0))}, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["transcript"] == []
    assert body["duration_seconds"] == pytest.approx(8.0, abs=0.05)
    assert body["clinical_note"].startswith("## ")


@pytest.mark.slow
def test_full_pipeline_stores_everything_in_callers_clinic(api_client, clinic, other_clinic, other_api_client):
    ref = reference("visit_D2N041_4turns.wav")
    response = api_client.post(
        "/v1/transcribe",
        {"audio": fixture_upload("visit_D2N041_4turns.wav"), "language": "en", "template": "general_consultation"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"transcript", "clinical_note", "duration_seconds", "language", "template", "client_id",
                         "evidence", "unsupported_sentences"}  # the last two: extra fields (provenance)
    assert body["evidence"] and all(0 <= i < len(body["transcript"]) for e in body["evidence"] for i in e["utterances"])
    assert body["client_id"] == "clinic-a" and body["language"] == "en" and body["template"] == "general_consultation"
    assert body["duration_seconds"] == pytest.approx(ref["duration_s"], abs=0.1)
    segments = body["transcript"]
    # The seed's fields, plus the extra confidence fields (mean word probability, words with theirs).
    assert segments and all(set(s) == {"text", "start", "end", "speaker", "confidence", "words"} for s in segments)
    assert all(0 <= s["confidence"] <= 1 and s["words"] for s in segments)
    assert all(set(w) == {"text", "start", "end", "confidence"} for s in segments for w in s["words"])
    assert all(0 <= s["start"] < s["end"] <= body["duration_seconds"] + 0.5 for s in segments)
    assert segments[0]["speaker"] == 0, "the first speaker is the clinician"
    assert {s["speaker"] for s in segments} == {0, 1}
    assert "## " in body["clinical_note"] and body["clinical_note"].count("## ") >= 4

    # Words recognised and speaker turns right, as the API reports them.
    from tests.transcription.test_local_engine import word_error_rate

    reference_text = " ".join(t["text"] for t in ref["turns"])
    assert word_error_rate(reference_text, " ".join(s["text"] for s in segments)) < 0.25
    role_of = {"doctor": 0, "patient": 1}
    right = total = 0.0
    for turn in ref["turns"]:
        for seg in segments:
            overlap = min(turn["end"], seg["end"]) - max(turn["start"], seg["start"])
            if overlap > 0:
                total += overlap
                right += overlap if seg["speaker"] == role_of[turn["speaker"]] else 0.0
    assert total > 0.8 * sum(t["end"] - t["start"] for t in ref["turns"])
    assert right / total >= 0.8

    from notes.models import ClinicalNote
    from transcription.models import Recording

    with schema_context(clinic.schema_name):
        recording = Recording.objects.get()
        assert recording.status == Recording.Status.COMPLETED
        assert recording.transcript.segments.count() == len(segments)
        assert recording.audio.storage.exists(recording.audio.name)
        assert ClinicalNote.objects.get().content == body["clinical_note"]
        assert ClinicalNote.objects.get().versions.count() == 1
    with schema_context(other_clinic.schema_name):
        assert not Recording.objects.exists() and not ClinicalNote.objects.exists()
    assert clinic.schema_name in recording.audio.path and other_clinic.schema_name not in recording.audio.path

    usage = UsageRecord.objects.get(clinic=clinic)
    assert usage.service == "transcription" and usage.duration_seconds == pytest.approx(ref["duration_s"], abs=0.1)
    assert not UsageRecord.objects.filter(clinic=other_clinic).exists()
    theirs = other_api_client.get("/v1/usage").json()["services"]["transcription"]
    assert theirs == {"requests": 0, "total_duration_seconds": 0}
    mine = api_client.get("/v1/usage").json()["services"]["transcription"]
    assert mine["requests"] == 1


@pytest.mark.slow
@pytest.mark.parametrize("name", ["visit_D2N041_4turns.mp3", "visit_D2N041_4turns.webm"])
def test_compressed_formats(api_client, name):
    response = api_client.post("/v1/transcribe", {"audio": fixture_upload(name), "template": "dental_exam"}, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["template"] == "dental_exam"
    words = " ".join(s["text"] for s in body["transcript"]).lower()
    assert len(words.split()) > 30
    assert {s["speaker"] for s in body["transcript"]} == {0, 1}


@pytest.mark.slow
def test_custom_clinic_template_and_other_clinic_cannot_use_it(api_client, other_api_client, clinic):
    from templates.models import NoteTemplate

    with schema_context(clinic.schema_name):
        NoteTemplate.objects.create(
            key="quick-note", name="Quick note", language="en",
            sections=[{"key": "summary", "heading": "Summary", "guidance": "what the patient reports"},
                      {"key": "plan", "heading": "Plan", "guidance": "next steps"}],
        )
    audio = wav_bytes(2.0)
    theirs = other_api_client.post("/v1/transcribe", {"audio": upload("a.wav", audio), "template": "quick-note"}, format="multipart")
    assert theirs.status_code == 422
    mine = api_client.post("/v1/transcribe", {"audio": upload("a.wav", audio), "template": "quick-note"}, format="multipart")
    assert mine.status_code == 200, mine.content
    assert mine.json()["clinical_note"].startswith("## Summary")
    assert "## Plan" in mine.json()["clinical_note"]
