"""POST /api/v1/speech/transcribe (real decoder, local Whisper, espeak-ng) and its signed audio URLs."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.chatmed.conftest import assert_error
from tests.conftest import AUDIO
from tests.http_server import LocalHttpServer

URL = "/api/v1/speech/transcribe"


@pytest.fixture(scope="module")
def question_wav() -> bytes:
    """A spoken English question, synthesised offline with espeak-ng (16 kHz mono WAV)."""
    from calls.tts import SAMPLE_RATE, synthesise_sync

    samples = synthesise_sync("I have had a bad headache for three days and light hurts my eyes.", voice="en-us")
    silence = np.zeros(SAMPLE_RATE // 2, dtype=np.int16)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1), wav.setsampwidth(2), wav.setframerate(SAMPLE_RATE)
        wav.writeframes(np.concatenate([silence, samples.astype(np.int16), silence]).tobytes())
    return out.getvalue()


def wav_upload(data: bytes, name="question.wav", ctype="audio/wav") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=ctype)


def test_question_answered_with_spoken_reply(cm, anon_client, question_wav, clinic):
    response = cm.post(URL, {"audio": wav_upload(question_wav), "language": "en", "return_audio": "true"},
                       format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert "headache" in body["transcript"].lower()
    assert body["language"] == "en" and body["language_detected"] is False
    assert body["response_text"] and body["urgency_level"] in ("low", "moderate", "high", "critical")
    assert body["disclaimer"] and body["session_id"].startswith("sess_")
    assert body["audio_url"].startswith("http://testserver/api/v1/speech/audio/")
    # The answer's audio: served without a key to whoever holds the signed URL; a real WAV.
    audio = anon_client.get(body["audio_url"].removeprefix("http://testserver"))
    assert audio.status_code == 200 and audio["Content-Type"] == "audio/wav"
    data = b"".join(audio.streaming_content)
    with wave.open(io.BytesIO(data)) as wav:
        assert wav.getframerate() == 16000 and wav.getnframes() > 16000  # over a second of speech
    # The chat session holds the question and the answer; the question's audio is kept.
    session = cm.get(f"/api/v1/chat/sessions/{body['session_id']}").json()
    assert [m["role"] for m in session["messages"]] == ["user", "assistant"]
    assert session["messages"][0]["content"] == body["transcript"]
    from django_tenants.utils import schema_context

    from chatmed.models import VoiceExchange

    with schema_context(clinic.schema_name):
        exchange = VoiceExchange.objects.get()
        assert exchange.question_audio.open("rb").read() == question_wav


def test_without_return_audio_there_is_no_url(cm, question_wav):
    body = cm.post(URL, {"audio": wav_upload(question_wav), "language": "en-US"}, format="multipart").json()
    assert body["audio_url"] is None and body["transcript"]


def test_language_is_detected_when_not_given(cm):
    data = (AUDIO / "consulta_es.ogg").read_bytes()
    response = cm.post(URL, {"audio": wav_upload(data, "consulta.ogg", "audio/ogg")}, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["language"] == "es" and body["language_detected"] is True and body["transcript"]


def test_expired_and_forged_audio_urls(cm, anon_client, question_wav, settings):
    body = cm.post(URL, {"audio": wav_upload(question_wav), "language": "en", "return_audio": "true"},
                   format="multipart").json()
    path = body["audio_url"].removeprefix("http://testserver")
    assert_error(anon_client.get(path[:-3] + "xyz"), 404, "not_found")
    settings.CHATMED_AUDIO_URL_MAX_AGE_SECONDS = -1
    assert_error(anon_client.get(path), 403, "forbidden")


def test_audio_url_is_bound_to_its_clinic(cm, anon_client, question_wav, other_clinic):
    """A token naming another clinic's schema with this exchange's id finds nothing there."""
    from django.core import signing

    from chatmed.speech.services import AUDIO_URL_SALT

    body = cm.post(URL, {"audio": wav_upload(question_wav), "language": "en", "return_audio": "true"},
                   format="multipart").json()
    token = body["audio_url"].rsplit("/", 1)[1]
    data = signing.loads(token, salt=AUDIO_URL_SALT)
    forged = signing.dumps({"s": other_clinic.schema_name, "v": data["v"]}, salt=AUDIO_URL_SALT, compress=True)
    assert_error(anon_client.get(f"/api/v1/speech/audio/{forged}"), 404, "not_found")


def test_sandbox_never_reaches_a_paid_speech_provider(cm_test, question_wav, settings):
    def handler(method, path, headers, body):
        return 500, {}, b"should not be called"

    server = LocalHttpServer(handler)
    try:
        settings.DEEPGRAM_API_KEY = "dg-test"
        settings.DEEPGRAM_BASE_URL = server.url
        response = cm_test.post(URL, {"audio": wav_upload(question_wav), "language": "en"}, format="multipart")
        assert response.status_code == 200, response.content
        assert response.json()["speech_engine"] != "deepgram"
        assert server.requests == []
    finally:
        server.close()


@pytest.mark.parametrize("data,name,ctype,needle", [
    (b"hello, this is not audio at all" * 20, "q.wav", "audio/wav", "audio"),
    (b"", "q.wav", "audio/wav", "empty"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 500, "q.mp3", "audio/mpeg", "audio"),
])
def test_bad_audio_is_422(cm, data, name, ctype, needle):
    body = assert_error(cm.post(URL, {"audio": wav_upload(data, name, ctype)}, format="multipart"), 422, "validation_error")
    assert needle in body["message"]


def test_unsupported_container_and_language(cm, question_wav, tmp_path):
    import av

    flac = tmp_path / "q.flac"
    with av.open(str(flac), "w") as out:
        stream = out.add_stream("flac", rate=16000, layout="mono")
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 16000), dtype=np.int16), format="s16", layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    body = assert_error(cm.post(URL, {"audio": wav_upload(flac.read_bytes(), "q.flac", "audio/flac")},
                                format="multipart"), 422, "validation_error")
    assert "flac" in body["message"].lower()
    body = assert_error(cm.post(URL, {"audio": wav_upload(question_wav), "language": "xx-YY"}, format="multipart"),
                        422, "validation_error")
    assert "language" in body["message"]


def test_missing_audio_unknown_profile_and_limits(cm, question_wav, settings):
    assert_error(cm.post(URL, {"language": "en"}, format="multipart"), 400, "bad_request")
    assert_error(cm.post(URL, {"audio": wav_upload(question_wav), "profile_id": "prof_nope"}, format="multipart"),
                 404, "not_found")
    big = wav_upload(b"RIFF" + b"\0" * (25 * 1024 * 1024 + 100))
    assert_error(cm.post(URL, {"audio": big}, format="multipart"), 413, "payload_too_large")
    settings.CHATMED_VOICE_MAX_BYTES = 1024 * 1024  # the streamed file check too, not only Content-Length
    assert_error(cm.post(URL, {"audio": wav_upload(question_wav + b"\0" * 1024 * 1024)}, format="multipart"),
                 413, "payload_too_large")


def test_isolation_of_sessions_and_exchanges(cm, cm_other, question_wav, clinic, other_clinic):
    from django_tenants.utils import schema_context

    from chatmed.models import VoiceExchange

    first = cm.post(URL, {"audio": wav_upload(question_wav), "language": "en"}, format="multipart").json()
    # Clinic B reusing clinic A's session id gets its own, empty-history session.
    second = cm_other.post(URL, {"audio": wav_upload(question_wav), "language": "en",
                                 "session_id": first["session_id"]}, format="multipart").json()
    assert second["session_id"] == first["session_id"]
    history = cm_other.get(f"/api/v1/chat/sessions/{first['session_id']}").json()
    assert len(history["messages"]) == 2
    with schema_context(clinic.schema_name):
        assert VoiceExchange.objects.count() == 1
    with schema_context(other_clinic.schema_name):
        assert VoiceExchange.objects.count() == 1
