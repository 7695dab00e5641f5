"""Telephone audio: G.711 μ-law (8 kHz, Twilio Media Streams) ↔ 16-bit PCM, and resampling.

μ-law follows ITU-T G.711 (bias 0x84, clip 32635, 8 segments), vectorised with numpy (``audioop`` is
gone from Python 3.13). Resampling uses PyAV's libswresample (stateful, so 20 ms frames join without
clicks).
"""

from __future__ import annotations

import numpy as np

_BIAS = 0x84
_CLIP = 32635


def _build_decode_table() -> np.ndarray:
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(sign != 0, -magnitude, magnitude).astype(np.int16)


#: μ-law byte → 16-bit linear sample (G.711).
ULAW_DECODE = _build_decode_table()


def ulaw_decode(data: bytes) -> np.ndarray:
    """μ-law bytes → int16 samples (same rate)."""
    return ULAW_DECODE[np.frombuffer(data, dtype=np.uint8)]


def ulaw_encode(samples: np.ndarray) -> bytes:
    """int16 samples → μ-law bytes (G.711, one byte per sample)."""
    x = np.asarray(samples, dtype=np.int32)
    sign = np.where(x < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(x), _CLIP) + _BIAS
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 7
    exponent = np.clip(exponent, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


def to_int16(samples: np.ndarray) -> np.ndarray:
    """float32 in [-1, 1] → int16 (clipped)."""
    return (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767.0).astype(np.int16)


def to_float32(samples: np.ndarray) -> np.ndarray:
    """int16 → float32 in [-1, 1]."""
    return np.asarray(samples, dtype=np.float32) / 32768.0


class Resampler:
    """Streaming mono int16 resampler (``src_rate`` → ``dst_rate`` Hz) on libswresample (PyAV)."""

    def __init__(self, src_rate: int, dst_rate: int) -> None:
        import av

        self.src_rate, self.dst_rate = src_rate, dst_rate
        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=dst_rate)

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        """Resample one chunk of int16 samples; returns the int16 samples ready so far."""
        import av

        if self.src_rate == self.dst_rate:
            return np.asarray(samples, dtype=np.int16)
        data = np.asarray(samples, dtype=np.int16).reshape(1, -1)
        if data.size == 0:
            return np.zeros(0, dtype=np.int16)
        frame = av.AudioFrame.from_ndarray(data, format="s16", layout="mono")
        frame.sample_rate = self.src_rate
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(out).astype(np.int16) if out else np.zeros(0, dtype=np.int16)

    def flush(self) -> np.ndarray:
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(None)]
        return np.concatenate(out).astype(np.int16) if out else np.zeros(0, dtype=np.int16)


def resample(samples: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Resample a whole int16 signal."""
    if src_rate == dst_rate:
        return np.asarray(samples, dtype=np.int16)
    r = Resampler(src_rate, dst_rate)
    return np.concatenate([r(samples), r.flush()])
