"""Decode the binary frames a live client sends into 16 kHz mono float32 samples.

Accepted (MediSync Live API seed: "WAV (recommended) or raw PCM, 16 kHz mono 16-bit"; browsers'
MediaRecorder produces WebM/Opus, Firefox Ogg/Opus):

* **raw PCM**, 16-bit little-endian; 16 kHz mono unless the client declares otherwise in the query
  string (``sample_rate``, ``channels``). A sample split across two frames is carried over.
* **WAV**: a frame starting with a RIFF/WAVE header. Either every frame is a small WAV file, or the
  first frame carries the header and the following ones continue its data (a WAV file sent in
  slices): both work. PCM 8/16/24/32-bit and IEEE float 32/64-bit.
* **WebM/Opus or Ogg/Opus** as MediaRecorder chunks. These are pieces of one container stream that
  only make sense in order, so one PyAV (FFmpeg) demuxer reads the growing stream in a background
  thread through a blocking file object: each byte is parsed once. Re-decoding the accumulated bytes
  at every chunk would also work but costs O(n^2) over a session (an hour of Opus is ~30 MB), and
  decoding each chunk alone is impossible (only the first one holds the header).

Anything not 16 kHz mono is converted with FFmpeg's resampler (PyAV), and the client is warned once,
since sending 16 kHz mono saves bandwidth and conversion. Frames that cannot be decoded produce a
warning (:class:`~transcription.live.base.LiveNotice`), never an exception. Audio is never logged.
"""

from __future__ import annotations

import io
import logging
import struct
import threading
from dataclasses import dataclass

import av
import numpy as np

from transcription.live.base import SAMPLE_RATE, LiveNotice

__all__ = ["ENCODINGS", "AudioInput", "ContainerStreamDecoder"]

logger = logging.getLogger(__name__)

#: ``encoding`` query values -> how frames are read; ``auto`` sniffs the first bytes of each frame.
ENCODINGS = {
    "auto": "auto", "linear16": "pcm", "pcm": "pcm", "pcm_s16le": "pcm", "wav": "wav",
    "webm": "matroska", "opus": "matroska", "ogg": "ogg",
}

_RIFF, _WAVE, _EBML, _OGG = b"RIFF", b"WAVE", b"\x1a\x45\xdf\xa3", b"OggS"
_WAVE_FORMAT_PCM, _WAVE_FORMAT_FLOAT, _WAVE_FORMAT_EXTENSIBLE = 0x0001, 0x0003, 0xFFFE
SUPPORTED_DESCRIPTION = "16 kHz mono 16-bit PCM, WAV, or WebM/Ogg Opus"


@dataclass(frozen=True)
class PcmFormat:
    """Layout of uncompressed samples: ``dtype`` of one sample ("<i2", "<i4", "<f4", "<f8", "u1",
    or "i3" for packed 24-bit), ``channels`` interleaved, ``sample_rate`` Hz."""

    dtype: str
    channels: int
    sample_rate: int

    @property
    def frame_bytes(self) -> int:
        return (3 if self.dtype == "i3" else np.dtype(self.dtype).itemsize) * self.channels

    def to_float(self, data: bytes) -> np.ndarray:
        """Interleaved float32 samples in [-1, 1] of ``data`` (a whole number of frames)."""
        if self.dtype == "i3":
            raw = np.frombuffer(data, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
            ints = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
            ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
            return (ints / float(1 << 23)).astype(np.float32)
        arr = np.frombuffer(data, dtype=self.dtype)
        if arr.dtype.kind == "f":
            return arr.astype(np.float32)
        if arr.dtype == np.uint8:
            return ((arr.astype(np.float32) - 128.0) / 128.0).astype(np.float32)
        return (arr / float(2 ** (8 * arr.dtype.itemsize - 1))).astype(np.float32)


class WavHeaderError(ValueError):
    """A RIFF/WAVE header that cannot be used (message safe for the client)."""


def parse_wav_header(frame: bytes) -> tuple[PcmFormat, int]:
    """Read the ``fmt `` chunk and find the ``data`` chunk of a WAV header.

    Returns:
        ``(format, data_offset)``: where the samples start in ``frame``.
    Raises:
        WavHeaderError: truncated header, no ``data`` chunk in this frame, or an encoding other than
            integer PCM (8/16/24/32-bit) or IEEE float (32/64-bit).
    """
    if len(frame) < 12 or frame[:4] != _RIFF or frame[8:12] != _WAVE:
        raise WavHeaderError("not a RIFF/WAVE header")
    pos, fmt = 12, None
    while pos + 8 <= len(frame):
        chunk_id, size = frame[pos:pos + 4], struct.unpack_from("<I", frame, pos + 4)[0]
        body = pos + 8
        if chunk_id == b"fmt ":
            if size < 16 or body + 16 > len(frame):
                raise WavHeaderError("truncated WAV fmt chunk")
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", frame, body)
            if tag == _WAVE_FORMAT_EXTENSIBLE and size >= 40 and body + 26 <= len(frame):
                tag = struct.unpack_from("<H", frame, body + 24)[0]  # first 2 bytes of the SubFormat GUID
            fmt = _pcm_format(tag, channels, rate, bits)
        elif chunk_id == b"data":
            if fmt is None:
                raise WavHeaderError("WAV data chunk before its fmt chunk")
            return fmt, body
        pos = body + size + (size & 1)  # chunks are word-aligned
    raise WavHeaderError("the WAV header is incomplete (no data chunk in this frame)")


def _pcm_format(tag: int, channels: int, rate: int, bits: int) -> PcmFormat:
    if not 1 <= channels <= 8 or not 8000 <= rate <= 192000:
        raise WavHeaderError(f"unsupported WAV layout ({channels} channels, {rate} Hz)")
    if tag == _WAVE_FORMAT_PCM and bits in (8, 16, 24, 32):
        return PcmFormat({8: "u1", 16: "<i2", 24: "i3", 32: "<i4"}[bits], channels, rate)
    if tag == _WAVE_FORMAT_FLOAT and bits in (32, 64):
        return PcmFormat("<f4" if bits == 32 else "<f8", channels, rate)
    raise WavHeaderError(f"unsupported WAV encoding (format {tag:#06x}, {bits}-bit); send 16-bit PCM")


class _Converter:
    """Interleaved float32 at any rate/channels -> 16 kHz mono float32 (FFmpeg's resampler, stateful)."""

    def __init__(self, channels: int, sample_rate: int) -> None:
        self.channels, self.sample_rate = channels, sample_rate
        self._resampler = None
        if (channels, sample_rate) != (1, SAMPLE_RATE):
            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            # FFmpeg names the default layout of n channels "nc" (e.g. "3c"); 1 and 2 have names.
            self._layout = {1: "mono", 2: "stereo"}.get(channels, f"{channels}c")

    def convert(self, interleaved: np.ndarray) -> np.ndarray:
        if self._resampler is None:
            return interleaved
        if interleaved.size == 0:
            return interleaved
        frame = av.AudioFrame.from_ndarray(interleaved.reshape(1, -1), format="flt", layout=self._layout)
        frame.sample_rate = self.sample_rate
        return _frames_to_array(self._resampler.resample(frame))

    def flush(self) -> np.ndarray:
        if self._resampler is None:
            return np.zeros(0, dtype=np.float32)
        return _frames_to_array(self._resampler.resample(None))


def _frames_to_array(frames: list) -> np.ndarray:
    parts = [f.to_ndarray().reshape(-1) for f in frames]
    parts = [p for p in parts if p.size]
    if not parts:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(parts).astype(np.float32, copy=False)


class _BlockingReader(io.RawIOBase):
    """A file object over bytes that arrive later: ``read`` waits for data or for the end."""

    def __init__(self) -> None:
        super().__init__()
        self._data = bytearray()
        self._cond = threading.Condition()
        self._ended = False

    def readable(self) -> bool:
        return True

    def feed(self, data: bytes) -> None:
        with self._cond:
            self._data += data
            self._cond.notify_all()

    def end(self) -> None:
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    def read(self, size: int = -1) -> bytes:
        with self._cond:
            while not self._data and not self._ended:
                self._cond.wait()
            n = len(self._data) if size is None or size < 0 else min(size, len(self._data))
            out = bytes(self._data[:n])
            del self._data[:n]
            return out


class ContainerStreamDecoder:
    """Incremental decoder of one WebM or Ogg (Opus) stream arriving in pieces.

    A daemon thread runs one PyAV demuxer over a blocking reader (see the module docstring). Only
    the named demuxer is ever used: nothing is probed, so no other FFmpeg format can be triggered.
    """

    def __init__(self, demuxer: str) -> None:
        self.demuxer = demuxer
        self._reader = _BlockingReader()
        self._lock = threading.Lock()
        self._out: list[np.ndarray] = []
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, name="live-container-decoder", daemon=True)
        self._thread.start()

    def feed(self, data: bytes) -> None:
        self._reader.feed(data)

    def take(self) -> np.ndarray:
        """Samples decoded so far and not yet taken (16 kHz mono float32)."""
        with self._lock:
            parts, self._out = self._out, []
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    def close(self, timeout: float = 5.0) -> np.ndarray:
        """End of stream: decode what is left (waiting up to ``timeout`` seconds) and return it."""
        self._reader.end()
        self._thread.join(timeout)
        return self.take()

    def _run(self) -> None:
        try:
            container = av.open(self._reader, mode="r", format=self.demuxer,
                                options={"probesize": "32", "analyzeduration": "0"})
        except (av.error.FFmpegError, OSError, ValueError) as exc:
            self.error = "the audio stream header could not be read"
            logger.info("live container open failed: %s", type(exc).__name__)
            return
        try:
            streams = [s for s in container.streams if s.type == "audio"]
            if not streams:
                self.error = "the stream contains no audio track"
                return
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            for packet in container.demux(streams[0]):
                for frame in packet.decode():
                    frame.pts = None  # ignore timestamp gaps (MediaRecorder pauses)
                    self._append(_frames_to_array(resampler.resample(frame)))
            self._append(_frames_to_array(resampler.resample(None)))
        except (av.error.FFmpegError, OSError, ValueError) as exc:
            self.error = "the audio stream is corrupt and could not be decoded further"
            logger.info("live container decode failed: %s", type(exc).__name__)
        finally:
            container.close()

    def _append(self, samples: np.ndarray) -> None:
        if samples.size:
            with self._lock:
                self._out.append(samples)


class AudioInput:
    """The decoding state of one session's incoming audio. Not thread-safe (one per session)."""

    def __init__(self, *, encoding: str = "auto", sample_rate: int = SAMPLE_RATE, channels: int = 1) -> None:
        """
        Args:
            encoding: a key of :data:`ENCODINGS`.
            sample_rate, channels: layout of raw PCM (ignored for WAV and containers, which carry theirs).
        Raises:
            ValueError: unknown encoding or impossible layout (the caller answers HTTP 400).
        """
        if encoding not in ENCODINGS:
            raise ValueError(f"unknown encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")
        if not 8000 <= sample_rate <= 192000 or not 1 <= channels <= 8:
            raise ValueError("sample_rate must be 8000-192000 Hz and channels 1-8")
        self.mode = ENCODINGS[encoding]
        self._raw_format = PcmFormat("<i2", channels, sample_rate)
        self._pcm: PcmFormat | None = self._raw_format if self.mode == "pcm" else None
        self._converter: _Converter | None = None
        self._carry = b""
        self._container: ContainerStreamDecoder | None = None
        self._warned: set[str] = set()
        self.bytes_received = 0

    # -- public --------------------------------------------------------------------------------------
    def feed(self, frame: bytes) -> tuple[np.ndarray, list[LiveNotice]]:
        """Decode one binary frame. Returns the samples it completes and any warnings."""
        self.bytes_received += len(frame)
        notices: list[LiveNotice] = []
        if not frame:
            return _EMPTY, [LiveNotice("malformed_frame", "Empty audio frame ignored.")]
        kind = self._sniff(frame)
        if kind in ("matroska", "ogg") or (self._container is not None and kind is None):
            return self._feed_container(frame, kind, notices)
        if kind == "wav":
            try:
                fmt, offset = parse_wav_header(frame)
            except WavHeaderError as exc:
                return _EMPTY, [LiveNotice("malformed_frame", f"Audio frame ignored: {exc}.")]
            self._set_pcm(fmt, notices)
            self._carry = b""
            return self._decode_pcm(frame[offset:], notices), notices
        if self._pcm is None or self._converter is None:  # no header seen: the declared (or seed's default) raw PCM
            self._set_pcm(self._pcm or self._raw_format, notices)
        return self._decode_pcm(frame, notices), notices

    def close(self) -> tuple[np.ndarray, list[LiveNotice]]:
        """End of the stream: everything still buffered in decoders."""
        parts: list[np.ndarray] = []
        notices: list[LiveNotice] = []
        if self._container is not None:
            parts.append(self._container.close())
            self._container_notice(notices)
            self._container = None
        if self._converter is not None:
            parts.append(self._converter.flush())
        if self._carry:
            notices.append(LiveNotice("malformed_frame", "The audio ended in the middle of a sample."))
            self._carry = b""
        parts = [p for p in parts if p.size]
        return (np.concatenate(parts) if parts else _EMPTY), notices

    # -- helpers -------------------------------------------------------------------------------------
    def _sniff(self, frame: bytes) -> str | None:
        if self.mode in ("matroska", "ogg"):
            return self.mode if self._container is None else None
        if frame[:4] == _RIFF and frame[8:12] == _WAVE:
            return "wav"
        if self.mode == "auto" and frame[:4] == _EBML:
            return "matroska"
        if self.mode == "auto" and frame[:4] == _OGG and self._container is None:
            return "ogg"
        return None

    def _feed_container(self, frame: bytes, kind: str | None, notices: list[LiveNotice]):
        out: list[np.ndarray] = []
        if kind is not None:
            if self._container is not None:  # a new stream (e.g. the recorder was restarted)
                out.append(self._container.close())
                self._container_notice(notices)
            self._container = ContainerStreamDecoder(kind)
            self._pcm = None
        assert self._container is not None
        if self._container.error is None:
            self._container.feed(frame)
        out.append(self._container.take())
        self._container_notice(notices)
        out = [o for o in out if o.size]
        return (np.concatenate(out) if out else _EMPTY), notices

    def _container_notice(self, notices: list[LiveNotice]) -> None:
        if self._container is not None and self._container.error and "container" not in self._warned:
            self._warned.add("container")
            notices.append(LiveNotice("malformed_frame", f"Audio ignored: {self._container.error}; "
                                      f"send {SUPPORTED_DESCRIPTION} (start a new stream with its header)."))

    def _set_pcm(self, fmt: PcmFormat, notices: list[LiveNotice]) -> None:
        if self._pcm == fmt and self._converter is not None:
            return
        self._pcm = fmt
        self._carry = b""
        self._converter = _Converter(fmt.channels, fmt.sample_rate)
        if (fmt.channels, fmt.sample_rate) != (1, SAMPLE_RATE) and "layout" not in self._warned:
            self._warned.add("layout")
            notices.append(LiveNotice(
                "audio_format",
                f"Audio is {fmt.sample_rate} Hz with {fmt.channels} channel(s); it is converted to 16 kHz "
                "mono. Send 16 kHz mono to save bandwidth."))

    def _decode_pcm(self, data: bytes, notices: list[LiveNotice]) -> np.ndarray:
        assert self._pcm is not None and self._converter is not None
        data = self._carry + data
        usable = len(data) - len(data) % self._pcm.frame_bytes
        self._carry = data[usable:]
        if not usable:
            return _EMPTY
        samples = self._pcm.to_float(data[:usable])
        if not np.isfinite(samples).all():
            notices.append(LiveNotice("malformed_frame", "Audio frame ignored: it holds invalid (NaN) samples."))
            return _EMPTY
        return self._converter.convert(np.clip(samples, -1.0, 1.0))


_EMPTY = np.zeros(0, dtype=np.float32)
