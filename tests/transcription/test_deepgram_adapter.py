"""Deepgram adapter: only the HTTP boundary is faked (``httpx.MockTransport`` given to the SDK)."""

from __future__ import annotations

import io
import logging

import httpx
import numpy as np
import pytest
import soundfile as sf

from transcription.providers.base import SpeechProviderError, SpeechToText, TranscriptionResult
from transcription.providers.deepgram import DeepgramEngine, parse_deepgram_response
from transcription.speech.audio import DecodedAudio

API_KEY = "dg-test-key-123"


def _word(word: str, start: float, end: float, speaker: int, punct: str | None = None) -> dict:
    return {"word": word, "start": start, "end": end, "confidence": 0.98, "speaker": speaker,
            "speaker_confidence": 0.9, "punctuated_word": punct or word}


# Deepgram's documented pre-recorded response shape (diarize, smart_format, punctuate, utterances).
# The patient (Deepgram speaker 1) happens to be labelled first by the vendor; the doctor speaks
# first in time, so after renumbering the doctor must be 0.
WORDS = [
    _word("hi", 0.08, 0.32, 1, "Hi,"), _word("teresa", 0.32, 0.8, 1, "Teresa."),
    _word("what's", 0.9, 1.1, 1, "What's"), _word("going", 1.1, 1.3, 1), _word("on", 1.3, 1.6, 1, "on?"),
    _word("my", 2.1, 2.3, 0, "My"), _word("throat", 2.3, 2.7, 0), _word("hurts", 2.7, 3.2, 0, "hurts."),
    _word("okay", 3.6, 4.0, 1, "Okay."),
]
RESPONSE = {
    "metadata": {
        "transaction_key": "deprecated", "request_id": "5d1a3c3e-0000-4000-8000-000000000000",
        "sha256": "0" * 64, "created": "2026-11-22T05:00:00.000Z", "duration": 4.2, "channels": 1,
        "models": ["1abfe86b-e047-4eed-858a-35e5625b41ee"],
        "model_info": {"1abfe86b-e047-4eed-858a-35e5625b41ee": {"name": "general-nova-3", "version": "2024-12-20.0",
                                                                "arch": "nova-3"}},
    },
    "results": {
        "channels": [{
            "alternatives": [{
                "transcript": "Hi, Teresa. What's going on? My throat hurts. Okay.",
                "confidence": 0.99,
                "words": WORDS,
                "paragraphs": {"transcript": "...", "paragraphs": []},
            }],
        }],
        "utterances": [
            {"start": 0.08, "end": 1.6, "confidence": 0.97, "channel": 0, "transcript": "Hi, Teresa. What's going on?",
             "words": WORDS[:5], "speaker": 1, "id": "u1"},
            {"start": 2.1, "end": 3.2, "confidence": 0.96, "channel": 0, "transcript": "My throat hurts.",
             "words": WORDS[5:8], "speaker": 0, "id": "u2"},
            {"start": 3.6, "end": 4.0, "confidence": 0.95, "channel": 0, "transcript": "Okay.",
             "words": WORDS[8:], "speaker": 1, "id": "u3"},
        ],
    },
}


def _audio(seconds: float = 1.0) -> DecodedAudio:
    t = np.arange(int(16000 * seconds)) / 16000
    samples = (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    return DecodedAudio(samples=samples, duration_seconds=seconds)


def _engine(handler, **kwargs) -> DeepgramEngine:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return DeepgramEngine(API_KEY, httpx_client=client, max_retries=0, **kwargs)


def test_request_and_parse() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=RESPONSE)

    engine = _engine(handler)
    assert isinstance(engine, SpeechToText)
    audio = _audio(1.0)
    result = engine.transcribe(audio, language="en")

    (request,) = seen
    assert request.method == "POST"
    assert request.url.host == "api.deepgram.com"
    assert request.url.path == "/v1/listen"
    q = request.url.params
    assert q["model"] == "nova-3"
    assert q["language"] == "en"
    assert q["diarize"] == "true"
    assert q["smart_format"] == "true"
    assert q["punctuate"] == "true"
    assert q["utterances"] == "true"
    assert request.headers["authorization"] == f"Token {API_KEY}"
    assert request.headers["content-type"] == "audio/flac"
    sent, rate = sf.read(io.BytesIO(request.content), dtype="float32")
    assert rate == 16000 and sent.shape == audio.samples.shape
    np.testing.assert_allclose(sent, audio.samples, atol=1.0 / 32767 + 1e-6)

    assert isinstance(result, TranscriptionResult)
    assert result.engine == "deepgram:nova-3"
    assert result.language == "en"
    assert result.duration_seconds == 1.0
    assert result.num_speakers == 2
    assert [(u.speaker, u.text) for u in result.utterances] == [
        (0, "Hi, Teresa. What's going on?"), (1, "My throat hurts."), (0, "Okay.")]
    assert result.utterances[0].start == 0.08 and result.utterances[0].end == 1.6
    assert [w.text for w in result.words][:2] == ["Hi,", "Teresa."]
    assert [w.speaker for w in result.words] == [0, 0, 0, 0, 0, 1, 1, 1, 0]
    assert all(w.probability == 0.98 for w in result.words)
    # no SDK type escapes the adapter
    assert type(result.utterances[0]).__module__ == "transcription.providers.base"


@pytest.mark.parametrize("language,model", [("ca", "nova-3"), ("es", "nova-3"), ("pt-BR", "nova-3"),
                                            ("gl", "nova-2"), ("th", "nova-2")])
def test_model_choice(language: str, model: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=RESPONSE)

    result = _engine(handler).transcribe(_audio(0.5), language=language)
    assert seen[0].url.params["model"] == model
    assert seen[0].url.params["language"] == language
    assert result.engine == f"deepgram:{model}"


def test_wav_option() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=RESPONSE)

    _engine(handler, audio_format="wav").transcribe(_audio(0.5), language="en")
    assert seen[0].headers["content-type"] == "audio/wav"
    assert seen[0].content[:4] == b"RIFF"


def test_words_only_response_builds_utterances() -> None:
    body = {"metadata": {"duration": 4.2},
            "results": {"channels": [{"alternatives": [{"transcript": "x", "words": WORDS}]}]}}
    result = parse_deepgram_response(body, language="en", model="nova-3")
    assert [(u.speaker, u.text) for u in result.utterances] == [
        (0, "Hi, Teresa. What's going on?"), (1, "My throat hurts."), (0, "Okay.")]
    assert result.duration_seconds == 4.2


def test_empty_transcript() -> None:
    body = {"metadata": {"duration": 3.0},
            "results": {"channels": [{"alternatives": [{"transcript": "", "words": []}]}], "utterances": []}}
    result = parse_deepgram_response(body, language="en", model="nova-3")
    assert result.utterances == [] and result.words == [] and result.num_speakers == 0


@pytest.mark.parametrize("status,permanent", [(400, True), (401, True), (402, True), (403, True), (413, True),
                                              (429, False), (500, False), (502, False), (503, False)])
def test_http_errors(status: int, permanent: bool, caplog: pytest.LogCaptureFixture) -> None:
    secret_body = {"err_code": "X", "err_msg": "patient said something private", "request_id": "r"}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=secret_body)

    caplog.set_level(logging.DEBUG)
    with pytest.raises(SpeechProviderError) as err:
        _engine(handler).transcribe(_audio(0.3), language="en")
    assert err.value.permanent is permanent
    assert str(status) in err.value.message
    assert "private" not in str(err.value) and err.value.__cause__ is None
    assert "private" not in caplog.text and API_KEY not in caplog.text


def test_timeout_is_transient() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(SpeechProviderError) as err:
        _engine(handler, timeout=1.0).transcribe(_audio(0.3), language="en")
    assert not err.value.permanent
    assert "timed out" in err.value.message


def test_connection_error_is_transient() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(SpeechProviderError) as err:
        _engine(handler).transcribe(_audio(0.3), language="en")
    assert not err.value.permanent


def test_unexpected_body_is_transient() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"request_id": "only-an-ack"})

    with pytest.raises(SpeechProviderError) as err:
        _engine(handler).transcribe(_audio(0.3), language="en")
    assert not err.value.permanent


def test_requires_key() -> None:
    with pytest.raises(ValueError):
        DeepgramEngine("")
