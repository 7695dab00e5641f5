"""Decode an uploaded visit recording into 16 kHz mono float32 samples with PyAV (FFmpeg).

Only a fixed list of FFmpeg *demuxers* is ever enabled (``format_whitelist``): the supported
containers plus a few common audio/video containers we recognise only in order to reject them
by name (:class:`UnsupportedAudioFormat`).  This also keeps FFmpeg's playlist/concat demuxers
(``hls``, ``concat``, ...) from being probed on untrusted uploads, which could otherwise make
FFmpeg open other local files or URLs.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Union

import av
import numpy as np

__all__ = [
    "FORMAT_WHITELIST",
    "RECOGNISED_UNSUPPORTED",
    "PathOrFile",
    "SAMPLE_RATE",
    "SUPPORTED_FORMATS",
    "AudioDecodeError",
    "AudioTooLong",
    "DecodedAudio",
    "UnsupportedAudioFormat",
    "decode_audio",
]

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16000  #: Hz; what Whisper, Silero VAD and the speaker encoder expect.

#: FFmpeg demuxer name -> public format name.  FFmpeg's demuxer names are listed by
#: ``av.formats_available``; one demuxer reads the whole ISO-BMFF (mp4/m4a/mov/3gp) family
#: and one reads both Matroska and WebM.
SUPPORTED_FORMATS: dict[str, str] = {
    "wav": "wav",
    "mp3": "mp3",
    "matroska,webm": "webm",
    "mov,mp4,m4a,3gp,3g2,mj2": "mp4",
    "ogg": "ogg",
    "flac": "flac",
}

#: Containers we can recognise but do not accept: demuxer name -> human name.
_RECOGNISED_UNSUPPORTED: dict[str, str] = {
    "aiff": "AIFF",
    "avi": "AVI",
    "caf": "Core Audio (CAF)",
    "aac": "raw AAC (ADTS)",
    "ac3": "AC-3",
    "amr": "AMR",
    "asf": "ASF/WMA",
    "au": "Sun AU",
    "w64": "Wave64",
    "wv": "WavPack",
    "ape": "Monkey's Audio",
    "flv": "FLV",
    "mpeg": "MPEG program stream",
    "mpegts": "MPEG transport stream",
}

# Demuxer whitelist: first names of the comma-separated FFmpeg demuxer names are enough,
# FFmpeg matches any element (av_match_list).
_FORMAT_WHITELIST = ",".join(
    sorted({n.split(",")[0] for n in (*SUPPORTED_FORMATS, *_RECOGNISED_UNSUPPORTED)} | {"webm", "mp4"})
)

#: Public names of the demuxer whitelist and of the recognised-but-refused containers, for
#: callers that probe a file with PyAV themselves (same rules as :func:`decode_audio`).
FORMAT_WHITELIST = _FORMAT_WHITELIST
RECOGNISED_UNSUPPORTED = _RECOGNISED_UNSUPPORTED

_MAX_BAD_PACKETS = 50  # corrupt packets skipped before giving up


class AudioDecodeError(ValueError):
    """The upload cannot be turned into audio samples.

    ``str(exc)`` is a short message fit for an API error body (no file content in it);
    ``reason`` is a stable machine code: ``not_audio``, ``corrupt``, ``no_audio_stream``,
    ``empty``, ``zero_duration``, ``unsupported_format``, ``too_long``.
    """

    def __init__(self, message: str, reason: str = "corrupt") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class UnsupportedAudioFormat(AudioDecodeError):
    """A recognised media container that is not one of :data:`SUPPORTED_FORMATS`."""

    def __init__(self, message: str, container: str) -> None:
        super().__init__(message, reason="unsupported_format")
        self.container = container


class AudioTooLong(AudioDecodeError):
    """The recording is longer than the caller's ``max_duration_seconds``."""

    def __init__(self, message: str, limit_seconds: float) -> None:
        super().__init__(message, reason="too_long")
        self.limit_seconds = limit_seconds


@dataclass(frozen=True, eq=False)
class DecodedAudio:
    """Decoded recording.

    Attributes:
        samples: float32 mono waveform in [-1, 1], shape ``(n_samples,)``, at ``sample_rate``.
        sample_rate: Hz, always 16000.
        duration_seconds: ``n_samples / sample_rate``.
        source_format: public container name, one of the values of :data:`SUPPORTED_FORMATS`.
        source_codec: FFmpeg codec name of the decoded stream (e.g. ``"opus"``), informational.
    """

    samples: np.ndarray
    sample_rate: int = SAMPLE_RATE
    duration_seconds: float = 0.0
    source_format: str = "wav"
    source_codec: str = field(default="")


#: What :func:`decode_audio` accepts: a filesystem path or a seekable binary file object.
PathOrFile = Union[str, os.PathLike, BinaryIO]


def decode_audio(path_or_fileobj: PathOrFile, *, max_duration_seconds: float | None = None) -> DecodedAudio:
    """Decode the first audio stream of a recording to 16 kHz mono float32.

    Decoding is streamed packet by packet (the compressed input is read through FFmpeg's I/O
    layer, never loaded whole into memory); corrupt packets in the middle of a stream are
    skipped (up to 50), as the ``ffmpeg`` command line does.

    Args:
        path_or_fileobj: a filesystem path or a seekable binary file object (read from its
            current position; e.g. Django's ``UploadedFile.file``).
        max_duration_seconds: refuse recordings longer than this (seconds); checked against the
            container's declared duration first, then while decoding, so a long file is never
            fully decoded into memory (16 kHz float32 = 64 KB per second).
    Returns:
        :class:`DecodedAudio`.
    Raises:
        AudioDecodeError: reason ``empty`` (0 bytes), ``not_audio`` (no known media
            container), ``corrupt`` (container recognised but undecodable), ``no_audio_stream``
            (e.g. a video-only file), ``zero_duration`` (no samples decoded).
        UnsupportedAudioFormat: a recognised container outside :data:`SUPPORTED_FORMATS`.
        AudioTooLong: longer than ``max_duration_seconds``.
    """
    if isinstance(path_or_fileobj, (str, os.PathLike)):
        path = Path(path_or_fileobj)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise AudioDecodeError("the audio file could not be read", reason="not_audio") from exc
        if size == 0:
            raise AudioDecodeError("the audio file is empty", reason="empty")
        source: PathOrFile = str(path)
        options = {"format_whitelist": _FORMAT_WHITELIST, "protocol_whitelist": "file"}
    else:
        source = path_or_fileobj
        try:
            pos = source.tell()
            source.seek(0, os.SEEK_END)
            end = source.tell()
            source.seek(pos)
            if end - pos <= 0:
                raise AudioDecodeError("the audio file is empty", reason="empty")
        except (AttributeError, OSError):
            pass  # not seekable: let FFmpeg find out
        options = {"format_whitelist": _FORMAT_WHITELIST}

    try:
        container = av.open(source, mode="r", options=options, metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise AudioDecodeError(
            "the file is not a recognised audio recording (supported: "
            + ", ".join(sorted(set(SUPPORTED_FORMATS.values()))) + ")",
            reason="not_audio",
        ) from exc
    except (OSError, ValueError) as exc:
        raise AudioDecodeError("the audio file could not be read", reason="not_audio") from exc

    try:
        return _decode_container(container, max_duration_seconds)
    finally:
        container.close()


def _decode_container(container: "av.container.InputContainer", max_duration: float | None) -> DecodedAudio:
    demuxer = container.format.name
    public = SUPPORTED_FORMATS.get(demuxer)
    if public is None:
        human = _RECOGNISED_UNSUPPORTED.get(demuxer, demuxer)
        raise UnsupportedAudioFormat(
            f"unsupported audio format {human}; supported: "
            + ", ".join(sorted(set(SUPPORTED_FORMATS.values()))),
            container=demuxer,
        )
    streams = [s for s in container.streams if s.type == "audio"]
    if not streams:
        raise AudioDecodeError("the file contains no audio stream", reason="no_audio_stream")
    stream = streams[0]
    codec = stream.codec_context.name if stream.codec_context is not None else ""

    if max_duration is not None and container.duration is not None:
        declared = container.duration / 1_000_000  # AV_TIME_BASE (microseconds)
        if declared > max_duration + 1.0:
            raise AudioTooLong(
                f"the recording is {declared:.0f} s long; the limit is {max_duration:.0f} s", max_duration)

    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    max_samples = None if max_duration is None else int((max_duration + 1.0) * SAMPLE_RATE)
    # One growing output buffer, sized from the declared duration when there is one, so the
    # decoded audio is not held twice (a list of chunks + their concatenation).
    declared_s = container.duration / 1_000_000 if container.duration else 0.0
    capacity = int(declared_s * 1.02 * SAMPLE_RATE) + SAMPLE_RATE if declared_s > 0 else 60 * SAMPLE_RATE
    if max_samples is not None:
        capacity = min(capacity, max_samples + SAMPLE_RATE)
    buffer = np.empty(capacity, dtype=np.float32)
    n_samples = 0
    bad_packets = 0

    def take(frames: list) -> None:
        nonlocal n_samples, buffer
        for out in frames:
            arr = out.to_ndarray().reshape(-1)
            if not arr.size:
                continue
            if n_samples + arr.size > buffer.size:
                grown = np.empty(max(int(buffer.size * 1.5), n_samples + arr.size), dtype=np.float32)
                grown[:n_samples] = buffer[:n_samples]
                buffer = grown
            buffer[n_samples : n_samples + arr.size] = arr
            n_samples += arr.size

    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.error.FFmpegError:
                bad_packets += 1
                if bad_packets > _MAX_BAD_PACKETS:
                    raise
                continue
            for frame in frames:
                frame.pts = None  # let the resampler ignore timestamp gaps/jumps
                take(resampler.resample(frame))
            if max_samples is not None and n_samples > max_samples:
                raise AudioTooLong(f"the recording is longer than the {max_duration:.0f} s limit", max_duration)
        take(resampler.resample(None))
    except AudioDecodeError:
        raise
    except av.error.FFmpegError as exc:
        raise AudioDecodeError("the audio data is corrupt and could not be decoded", reason="corrupt") from exc

    if bad_packets:
        logger.info("audio decode skipped corrupt packets", extra={"bad_packets": bad_packets})
    if n_samples == 0:
        if bad_packets:
            raise AudioDecodeError("the audio data is corrupt and could not be decoded", reason="corrupt")
        raise AudioDecodeError("the recording contains no audio (zero duration)", reason="zero_duration")
    # Trim: a view when the buffer was sized well, a copy when much of it would be wasted.
    samples = buffer[:n_samples] if n_samples >= 0.9 * buffer.size else buffer[:n_samples].copy()
    del buffer
    np.clip(samples, -1.0, 1.0, out=samples)
    if max_duration is not None and samples.size > int((max_duration + 1.0) * SAMPLE_RATE):
        raise AudioTooLong(f"the recording is longer than the {max_duration:.0f} s limit", max_duration)
    return DecodedAudio(
        samples=samples,
        sample_rate=SAMPLE_RATE,
        duration_seconds=samples.size / SAMPLE_RATE,
        source_format=public,
        source_codec=codec,
    )
