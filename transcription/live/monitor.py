"""Warnings about how a client sends audio: pace and level (engine-independent).

* **Faster than real time.** Live sessions expect audio as it is spoken; a client far ahead of the
  clock (``pace_tolerance_seconds``) is probably uploading a file, which the upload API
  (``POST /v1/transcribe``) does better. The audio is still transcribed.
* **Too loud.** More than ``clip_ratio`` of the samples of the last ``level_window_seconds`` at full
  scale means clipping: words get distorted.
* **Too quiet.** The loudest 100 ms blocks (95th percentile of RMS) of the last
  ``level_window_seconds`` stay below ``quiet_dbfs`` although the signal is not digital silence:
  conversational speech near a microphone is typically -30 to -12 dBFS.

Each kind of warning is repeated at most every ``repeat_seconds``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from transcription.live.base import SAMPLE_RATE, LiveNotice

__all__ = ["AudioMonitor", "MonitorConfig"]

_BLOCK = SAMPLE_RATE // 10  # 100 ms


@dataclass(frozen=True)
class MonitorConfig:
    """Thresholds (seconds, dBFS, ratios); see the module docstring."""

    pace_tolerance_seconds: float = 3.0
    level_window_seconds: float = 5.0
    clip_level: float = 0.999
    clip_ratio: float = 0.001
    quiet_dbfs: float = -45.0
    silence_dbfs: float = -70.0
    repeat_seconds: float = 30.0


class AudioMonitor:
    """Watches one session's decoded audio (16 kHz mono float32). Not thread-safe."""

    def __init__(self, config: MonitorConfig | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config or MonitorConfig()
        self._clock = clock
        self._started: float | None = None
        self.received_seconds = 0.0
        self._partial = np.zeros(0, dtype=np.float32)
        window = int(self.config.level_window_seconds * 10)
        self._rms = deque(maxlen=window)
        self._clipped = deque(maxlen=window)
        self._last_warned: dict[str, float] = {}

    def ahead_seconds(self) -> float:
        """How far the received audio runs ahead of the wall clock since the first frame (seconds)."""
        if self._started is None:
            return 0.0
        return self.received_seconds - (self._clock() - self._started)

    def observe(self, samples: np.ndarray) -> list[LiveNotice]:
        """Account for newly decoded audio and return the warnings it triggers."""
        if not samples.size:
            return []
        now = self._clock()
        if self._started is None:
            self._started = now
        self.received_seconds += samples.size / SAMPLE_RATE
        notices: list[LiveNotice] = []
        ahead = self.ahead_seconds()
        if ahead > self.config.pace_tolerance_seconds:
            self._warn(notices, now, "too_fast",
                       f"Audio is arriving faster than real time ({ahead:.0f} s ahead); stream it as it is "
                       "recorded, or upload recordings with POST /v1/transcribe.")
        data = np.concatenate([self._partial, samples]) if self._partial.size else samples
        whole = data.size - data.size % _BLOCK
        self._partial = data[whole:].copy()
        if whole:
            blocks = data[:whole].reshape(-1, _BLOCK)
            self._rms.extend(np.sqrt(np.mean(np.square(blocks, dtype=np.float64), axis=1)))
            self._clipped.extend(np.count_nonzero(np.abs(blocks) >= self.config.clip_level, axis=1))
            self._check_levels(notices, now)
        return notices

    def _check_levels(self, notices: list[LiveNotice], now: float) -> None:
        if len(self._rms) < self._rms.maxlen:
            return
        if sum(self._clipped) > self.config.clip_ratio * len(self._clipped) * _BLOCK:
            self._warn(notices, now, "too_loud",
                       "The audio is clipping (too loud); lower the microphone gain or move it further away.")
            return
        rms = np.asarray(self._rms)
        with np.errstate(divide="ignore"):
            dbfs = 20 * np.log10(np.maximum(rms, 1e-10))
        if dbfs.max() > self.config.silence_dbfs and np.percentile(dbfs, 95) < self.config.quiet_dbfs:
            self._warn(notices, now, "too_quiet",
                       "The audio level is very low; move the microphone closer or raise its gain.")

    def _warn(self, notices: list[LiveNotice], now: float, code: str, message: str) -> None:
        last = self._last_warned.get(code)
        if last is None or now - last >= self.config.repeat_seconds:
            self._last_warned[code] = now
            notices.append(LiveNotice(code, message))
