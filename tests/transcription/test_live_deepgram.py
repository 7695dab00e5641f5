"""Deepgram live adapter: the real deepgram-sdk against a local WebSocket server standing in for
``wss://api.deepgram.com/v1/listen`` (only the network boundary is replaced).

The server checks what the adapter sends (query parameters, ``Authorization``, 16-bit PCM audio,
``KeepAlive`` / ``Finalize`` / ``CloseStream``) and answers with messages in Deepgram's documented
``Results`` shape.
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from websockets.asyncio.server import serve

from transcription.live.base import LiveEngineError, LiveSegment
from transcription.providers.deepgram_live import (
    DeepgramLiveEngine,
    results_to_segments,
)


def result(words, *, is_final, start=0.0, duration=1.0):
    return {
        "type": "Results", "channel_index": [0, 1], "duration": duration, "start": start, "is_final": is_final,
        "speech_final": is_final,
        "metadata": {"request_id": "r", "model_info": {"name": "n", "version": "v", "arch": "a"}, "model_uuid": "u"},
        "channel": {"alternatives": [{
            "transcript": " ".join(w[0] for w in words), "confidence": 0.9,
            "words": [{"word": w[0].lower().strip(",.?"), "punctuated_word": w[0], "start": w[1], "end": w[2],
                       "confidence": 0.9, "speaker": w[3]} for w in words],
        }]},
    }


class FakeDeepgram:
    """Records the connection and answers like Deepgram's streaming API."""

    def __init__(self, *, reject: HTTPStatus | None = None, drop_after_bytes: int | None = None):
        self.reject = reject
        self.drop_after_bytes = drop_after_bytes
        self.query: dict = {}
        self.query_lists: dict[str, list[str]] = {}  # every value of repeated parameters (keyterm)
        self.headers = None
        self.audio = bytearray()
        self.controls: list[str] = []

    def process_request(self, connection, request):
        self.query_lists = parse_qs(urlparse(request.path).query)
        self.query = {k: v[0] for k, v in self.query_lists.items()}
        self.headers = request.headers
        if self.reject:
            return connection.respond(self.reject, "rejected\n")
        return None

    async def handler(self, ws):
        interim_sent = False
        async for message in ws:
            if isinstance(message, bytes):
                self.audio += message
                if self.drop_after_bytes and len(self.audio) >= self.drop_after_bytes:
                    await ws.close(code=1011, reason="NET-0001")
                    return
                if len(self.audio) >= 32000 and not interim_sent:  # after 1 s of 16-bit 16 kHz audio
                    interim_sent = True
                    await ws.send(json.dumps(result([("hello", 0.1, 0.4, 3)], is_final=False)))
                continue
            kind = json.loads(message)["type"]
            self.controls.append(kind)
            if kind == "Finalize":
                await ws.send(json.dumps(result(
                    [("Hello,", 0.1, 0.4, 3), ("doctor.", 0.5, 0.9, 3), ("Hi,", 1.2, 1.4, 1), ("there.", 1.4, 1.7, 1)],
                    is_final=True, duration=2.0)))
            elif kind == "CloseStream":
                await ws.send(json.dumps({"type": "Metadata", "transaction_key": "t", "request_id": "r",
                                          "sha256": "s", "created": "c", "duration": 2.0, "channels": 1}))
                await ws.close()
                return


async def with_server(fake: FakeDeepgram, scenario):
    async with serve(fake.handler, "127.0.0.1", 0, process_request=fake.process_request) as server:
        port = server.sockets[0].getsockname()[1]
        return await scenario(f"ws://127.0.0.1:{port}")


def speech(seconds: float) -> np.ndarray:
    return (0.2 * np.sin(np.arange(int(seconds * 16000)) * 0.05)).astype(np.float32)


def test_stream_interim_then_finals_with_renumbered_speakers_and_keepalive():
    fake = FakeDeepgram()

    async def scenario(url):
        engine = DeepgramLiveEngine("dg-secret", language="en", model="nova-3", base_url=url, keepalive_seconds=0.2)
        await engine.start()
        events = []

        async def collect():
            async for event in engine.events():
                events.append(event)

        collector = asyncio.create_task(collect())
        for _ in range(6):
            await engine.push(speech(0.25))
        await asyncio.sleep(0.6)  # no audio for a while: a KeepAlive must go out
        await engine.finish()
        await asyncio.wait_for(collector, 5)
        await engine.aclose()
        return engine, events

    engine, events = asyncio.run(with_server(fake, scenario))
    assert engine.name == "deepgram:nova-3"
    assert fake.headers["Authorization"] == "Token dg-secret"
    for name, value in {"model": "nova-3", "language": "en", "encoding": "linear16", "sample_rate": "16000",
                        "channels": "1", "interim_results": "true", "diarize": "true", "punctuate": "true",
                        "mip_opt_out": "true"}.items():
        assert fake.query.get(name) == value, (name, fake.query)
    assert len(fake.audio) == 6 * 4000 * 2  # 1.5 s of 16-bit PCM
    sent = np.frombuffer(bytes(fake.audio[:8000]), dtype="<i2")
    np.testing.assert_allclose(sent / 32767.0, speech(0.25), atol=1e-4)
    assert "KeepAlive" in fake.controls and fake.controls[-2:] == ["Finalize", "CloseStream"]

    assert events[0] == LiveSegment(text="hello", speaker=0, start=0.0, end=1.0, is_final=False)
    finals = [e for e in events if e.is_final]
    assert [(f.text, f.speaker, f.start, f.end) for f in finals] == [
        ("Hello, doctor.", 0, 0.1, 0.9), ("Hi, there.", 1, 1.2, 1.7)]


@pytest.mark.parametrize("model, expected", [
    ("nova-3", {"keyterm": ["apixaban", "Dr. Okonkwo", "insulin glargine"]}),
    ("nova-2", {"keywords": ["apixaban:2", "Dr. Okonkwo:2", "insulin glargine:2"]}),
])
def test_clinic_vocabulary_goes_out_as_the_batch_call_sends_it(model, expected):
    """Nova-3 gets one ``keyterm`` parameter per term, older models ``keywords`` with an intensifier, as
    the batch adapter (``transcription.vocabulary.deepgram_options``); no vocabulary sends neither."""
    terms = ["apixaban", "Dr. Okonkwo", "insulin glargine"]

    async def scenario(url, vocabulary):
        engine = DeepgramLiveEngine("key", language="en", model=model, base_url=url, vocabulary=vocabulary)
        await engine.start()
        await engine.finish()
        await engine.aclose()

    fake = FakeDeepgram()
    asyncio.run(with_server(fake, lambda url: scenario(url, terms)))
    assert {k: v for k, v in fake.query_lists.items() if k in ("keyterm", "keywords")} == expected
    plain = FakeDeepgram()
    asyncio.run(with_server(plain, lambda url: scenario(url, ())))
    assert "keyterm" not in plain.query_lists and "keywords" not in plain.query_lists and plain.query["model"] == model


def test_rejected_credentials_are_permanent_and_unreachable_is_not():
    async def scenario(url):
        engine = DeepgramLiveEngine("bad", language="en", base_url=url)
        with pytest.raises(LiveEngineError) as excinfo:
            await engine.start()
        return excinfo.value

    error = asyncio.run(with_server(FakeDeepgram(reject=HTTPStatus.UNAUTHORIZED), scenario))
    assert error.permanent and "401" in error.message and "bad" not in error.message

    async def unreachable():
        engine = DeepgramLiveEngine("key", language="en", base_url="ws://127.0.0.1:9", connect_timeout=2)
        with pytest.raises(LiveEngineError) as excinfo:
            await engine.start()
        return excinfo.value

    assert not asyncio.run(unreachable()).permanent


def test_a_dropped_stream_fails_events_transiently():
    fake = FakeDeepgram(drop_after_bytes=16000)

    async def scenario(url):
        engine = DeepgramLiveEngine("key", language="en", base_url=url)
        await engine.start()
        with pytest.raises(LiveEngineError) as excinfo:
            for _ in range(8):
                try:
                    await engine.push(speech(0.25))
                except LiveEngineError:
                    pass
                await asyncio.sleep(0.05)
            async for _ in engine.events():
                pass
        await engine.aclose()
        return excinfo.value

    error = asyncio.run(with_server(fake, scenario))
    assert not error.permanent


def test_results_parsing_edge_cases():
    speakers: dict[int, int] = {}
    empty_interim = result([], is_final=False)
    assert results_to_segments(empty_interim, speakers) == [
        LiveSegment(text="", speaker=None, start=0.0, end=1.0, is_final=False)]
    assert results_to_segments(result([], is_final=True), speakers) == []
    undiarized = result([("Okay.", 0.0, 0.3, None)], is_final=True)
    assert results_to_segments(undiarized, speakers)[0].speaker is None
