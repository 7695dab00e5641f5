"""Decoding uploads: every supported container, bad input, limits.  No Django, no models."""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from transcription.speech.audio import (
    SUPPORTED_FORMATS,
    AudioDecodeError,
    AudioTooLong,
    DecodedAudio,
    UnsupportedAudioFormat,
    decode_audio,
)

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"
VISIT = AUDIO / "visit_D2N041_4turns"
VISIT_SECONDS = json.loads((AUDIO / "visit_D2N041_4turns.json").read_text())["duration_s"]


def _envelope(x: np.ndarray, hop: int = 1600) -> np.ndarray:
    """RMS per 100 ms: robust to codec phase changes, unlike a sample-wise comparison."""
    n = len(x) // hop
    return np.sqrt(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1))


def _similarity(ref: np.ndarray, other: np.ndarray, max_lag: int = 1600) -> float:
    """Envelope correlation after undoing a codec delay of up to ``max_lag`` samples (0.1 s)."""
    a, b = ref[max_lag:-max_lag], other
    n = min(len(a), len(b) - 2 * max_lag)
    corr = [float(np.dot(a[:n], b[lag : lag + n])) for lag in range(0, 2 * max_lag, 8)]
    lag = int(np.argmax(corr)) * 8
    x, y = _envelope(a[:n]), _envelope(b[lag : lag + n])
    return float(np.corrcoef(x, y)[0, 1])


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return decode_audio(VISIT.with_suffix(".wav")).samples


def _encode(path: Path, samples: np.ndarray, *, container: str, codec: str, rate: int = 16000,
            layout: str = "mono", fmt: str = "s16") -> Path:
    """Encode float samples (16 kHz mono) into ``path`` with PyAV."""
    out = av.open(str(path), "w", format=container)
    stream = out.add_stream(codec, rate=rate)
    stream.layout = layout
    frame = av.AudioFrame.from_ndarray((samples * 32767).astype(np.int16)[None, :], format="s16", layout="mono")
    frame.sample_rate = 16000
    resampler = av.AudioResampler(format=fmt, layout=layout, rate=rate)
    for f in resampler.resample(frame) + resampler.resample(None):
        for packet in stream.encode(f):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
    out.close()
    return path


@pytest.mark.parametrize("ext,public", [("wav", "wav"), ("mp3", "mp3"), ("webm", "webm")])
def test_decodes_fixture_formats(ext: str, public: str, reference: np.ndarray) -> None:
    audio = decode_audio(VISIT.with_suffix(f".{ext}"))
    assert isinstance(audio, DecodedAudio)
    assert audio.sample_rate == 16000
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert audio.source_format == public
    assert audio.duration_seconds == pytest.approx(VISIT_SECONDS, abs=0.05)
    assert audio.duration_seconds == pytest.approx(audio.samples.size / 16000)
    assert np.abs(audio.samples).max() <= 1.0
    assert _similarity(reference, audio.samples) > 0.98


def test_wav_is_bit_exact(reference: np.ndarray) -> None:
    import soundfile as sf

    raw, sr = sf.read(VISIT.with_suffix(".wav"), dtype="float32")
    assert sr == 16000
    np.testing.assert_allclose(reference, raw, atol=1e-6)


def test_file_objects_are_accepted() -> None:
    data = VISIT.with_suffix(".mp3").read_bytes()
    audio = decode_audio(io.BytesIO(data))
    assert audio.source_format == "mp3"
    with open(VISIT.with_suffix(".webm"), "rb") as fh:
        assert decode_audio(fh).source_format == "webm"


@pytest.mark.parametrize(
    "name,container,codec,public",
    [
        ("clip.flac", "flac", "flac", "flac"),
        ("clip.ogg", "ogg", "libopus", "ogg"),
        ("clip.m4a", "ipod", "aac", "mp4"),
        ("clip.mp4", "mp4", "aac", "mp4"),
    ],
)
def test_generated_formats(tmp_path: Path, reference: np.ndarray, name: str, container: str, codec: str,
                           public: str) -> None:
    if codec not in av.codecs_available:
        pytest.skip(f"{codec} encoder not in this FFmpeg build")
    clip = reference[: 16000 * 4]
    rate = 48000 if codec == "libopus" else (44100 if codec == "aac" else 16000)
    fmt = {"aac": "fltp", "libopus": "s16", "flac": "s16"}[codec]
    path = _encode(tmp_path / name, clip, container=container, codec=codec, rate=rate, fmt=fmt)
    audio = decode_audio(path)
    assert audio.source_format == public
    assert audio.duration_seconds == pytest.approx(4.0, abs=0.1)
    assert _similarity(clip, audio.samples) > 0.97


def test_browser_style_webm_without_duration(tmp_path: Path) -> None:
    """MediaRecorder writes "live" WebM with no duration: the decoder must grow its buffer."""
    samples = np.tile(decode_audio(AUDIO / "visit_D2N018_12turns.wav").samples, 2)  # 81 s
    path = tmp_path / "live.webm"
    out = av.open(str(path), "w", format="webm", options={"live": "1"})
    stream = out.add_stream("libopus", rate=48000)
    stream.layout = "mono"
    frame = av.AudioFrame.from_ndarray((samples * 32767).astype(np.int16)[None, :], format="s16", layout="mono")
    frame.sample_rate = 16000
    resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
    for f in resampler.resample(frame) + resampler.resample(None):
        for packet in stream.encode(f):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
    out.close()
    with av.open(str(path)) as probe:
        assert probe.duration is None
    audio = decode_audio(path)
    assert audio.source_format == "webm"
    assert audio.duration_seconds == pytest.approx(samples.size / 16000, abs=0.05)
    assert _similarity(samples, audio.samples) > 0.98
    with pytest.raises(AudioTooLong):
        decode_audio(path, max_duration_seconds=30)


def test_real_ogg_opus_fixture() -> None:
    audio = decode_audio(AUDIO / "consulta_es.ogg")
    assert audio.source_format == "ogg"
    assert audio.source_codec == "opus"
    assert audio.duration_seconds == pytest.approx(6.69, abs=0.1)


def test_stereo_44k_is_downmixed_and_resampled(tmp_path: Path) -> None:
    t = np.arange(44100 * 2) / 44100
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    stereo = np.stack([tone, tone])
    path = tmp_path / "tone.wav"
    out = av.open(str(path), "w", format="wav")
    stream = out.add_stream("pcm_s16le", rate=44100)
    stream.layout = "stereo"
    frame = av.AudioFrame.from_ndarray((stereo.T.reshape(1, -1) * 32767).astype(np.int16), format="s16",
                                       layout="stereo")
    frame.sample_rate = 44100
    frame.time_base = Fraction(1, 44100)
    for packet in stream.encode(frame):
        out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
    out.close()
    audio = decode_audio(path)
    assert audio.samples.ndim == 1
    assert audio.duration_seconds == pytest.approx(2.0, abs=0.01)
    spectrum = np.abs(np.fft.rfft(audio.samples))
    peak_hz = np.argmax(spectrum) * 16000 / audio.samples.size
    assert peak_hz == pytest.approx(440, abs=2)


def test_not_audio() -> None:
    with pytest.raises(AudioDecodeError) as err:
        decode_audio(io.BytesIO(b"this is a text file, not a recording\n" * 50))
    assert err.value.reason == "not_audio"
    assert "supported" in str(err.value)


def test_png_and_playlists_are_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    with pytest.raises(AudioDecodeError):
        decode_audio(io.BytesIO(png))
    # An HLS playlist could make FFmpeg open other files: its demuxer is never enabled.
    playlist = b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"
    with pytest.raises(AudioDecodeError) as err:
        decode_audio(io.BytesIO(playlist))
    assert err.value.reason == "not_audio"


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.webm"
    empty.write_bytes(b"")
    with pytest.raises(AudioDecodeError) as err:
        decode_audio(empty)
    assert err.value.reason == "empty"
    with pytest.raises(AudioDecodeError) as err:
        decode_audio(io.BytesIO(b""))
    assert err.value.reason == "empty"


def test_header_only_wav_has_zero_duration() -> None:
    header = VISIT.with_suffix(".wav").read_bytes()[:44]
    with pytest.raises(AudioDecodeError) as err:
        decode_audio(io.BytesIO(header))
    assert err.value.reason in ("zero_duration", "corrupt")


def test_truncated_mp3_still_decodes_what_is_there() -> None:
    data = VISIT.with_suffix(".mp3").read_bytes()
    audio = decode_audio(io.BytesIO(data[: len(data) // 2]))
    assert 10 < audio.duration_seconds < 18


def test_garbage_after_valid_header_is_handled() -> None:
    data = bytearray(VISIT.with_suffix(".webm").read_bytes()[:300])
    data += bytes(np.random.default_rng(0).integers(0, 256, 20000, dtype=np.uint8))
    try:
        audio = decode_audio(io.BytesIO(bytes(data)))
    except AudioDecodeError as err:
        assert err.reason in ("corrupt", "zero_duration", "not_audio")
        return
    # If FFmpeg salvages anything it must not invent a long recording.
    assert audio.duration_seconds < 2.0


def test_unsupported_container_is_named(tmp_path: Path, reference: np.ndarray) -> None:
    path = _encode(tmp_path / "clip.aiff", reference[:16000], container="aiff", codec="pcm_s16be", fmt="s16")
    with pytest.raises(UnsupportedAudioFormat) as err:
        decode_audio(path)
    assert "AIFF" in str(err.value)
    assert err.value.reason == "unsupported_format"
    assert isinstance(err.value, AudioDecodeError)


def test_video_without_audio(tmp_path: Path) -> None:
    path = tmp_path / "video.mp4"
    out = av.open(str(path), "w", format="mp4")
    stream = out.add_stream("mpeg4", rate=10)
    stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
    for i in range(5):
        frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 40, dtype=np.uint8), format="rgb24")
        for packet in stream.encode(frame.reformat(format="yuv420p")):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
    out.close()
    with pytest.raises(AudioDecodeError) as err:
        decode_audio(path)
    assert err.value.reason == "no_audio_stream"


def test_max_duration() -> None:
    with pytest.raises(AudioTooLong) as err:
        decode_audio(VISIT.with_suffix(".webm"), max_duration_seconds=10)
    assert err.value.reason == "too_long"
    assert decode_audio(VISIT.with_suffix(".wav"), max_duration_seconds=60).duration_seconds < 60


def test_supported_formats_mapping() -> None:
    assert set(SUPPORTED_FORMATS.values()) == {"webm", "mp4", "wav", "mp3", "ogg", "flac"}
