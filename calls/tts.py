"""Offline text-to-speech with espeak-ng (Debian package ``espeak-ng``; no model weights).

:func:`synthesise` returns 16 kHz int16 samples. :func:`sentences` splits an agent turn so the first
sentence can be spoken while the next is synthesised: the caller hears the agent sooner (the turn
latency counts to the first audio byte). espeak-ng writes a 22 050 Hz WAV to stdout; it is resampled
to 16 kHz (simulator, STT) and by the Twilio leg to 8 kHz μ-law.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil

import numpy as np
from django.conf import settings

from calls.audio import resample

SAMPLE_RATE = 16000  #: Hz of every sample array this module returns


class TtsError(Exception):
    """Speech synthesis failed (``permanent``: espeak-ng missing or the voice unknown)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    """``"Hi. How are you?"`` → ``["Hi.", "How are you?"]`` (no empty items)."""
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text or "")) if s]


def _command(text: str, voice: str) -> list[str]:
    binary = settings.CALLS_ESPEAK_BINARY
    if not shutil.which(binary):
        raise TtsError("espeak-ng is not installed (apt-get install espeak-ng)", permanent=True)
    return [binary, "-v", voice, "-s", str(settings.CALLS_TTS_WORDS_PER_MINUTE), "--stdout", "--", text]


def _decode_wav(data: bytes) -> np.ndarray:
    """espeak-ng's stdout WAV (RIFF, PCM16 mono; sizes may be 0xFFFFFFFF when streamed) → 16 kHz int16."""
    if len(data) < 44 or data[:4] != b"RIFF":
        raise TtsError("espeak-ng produced no audio", permanent=False)
    rate = int.from_bytes(data[24:28], "little")
    # find the "data" chunk (espeak-ng writes the canonical 44-byte header, but do not rely on it)
    pos = 12
    while pos + 8 <= len(data):
        chunk, size = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        if chunk == b"data":
            pcm = data[pos + 8:]
            break
        pos += 8 + size
    else:
        raise TtsError("espeak-ng produced a malformed WAV", permanent=False)
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
    return resample(samples, rate, SAMPLE_RATE)


async def synthesise(text: str, *, voice: str) -> np.ndarray:
    """Speak ``text`` with the espeak-ng ``voice``; 16 kHz int16 samples.

    Raises:
        TtsError: espeak-ng missing (permanent) or failed.
    """
    process = await asyncio.create_subprocess_exec(*_command(text, voice), stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await process.communicate()
    except BaseException:
        # Cancelled (barge-in, the call ending): nobody reads espeak-ng's stdout any more, so it would block
        # on the full pipe for ever and its transport never close (a suite run hung in an event loop's
        # shutdown with such a process alive). Kill it.
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        raise
    if process.returncode != 0:
        raise TtsError(f"espeak-ng failed (exit {process.returncode})", permanent=b"voice" in err.lower())
    return _decode_wav(out)


def synthesise_sync(text: str, *, voice: str) -> np.ndarray:
    """Blocking :func:`synthesise` (management commands, tests that make patient audio)."""
    import subprocess

    result = subprocess.run(_command(text, voice), capture_output=True, timeout=60)
    if result.returncode != 0:
        raise TtsError(f"espeak-ng failed (exit {result.returncode})", permanent=False)
    return _decode_wav(result.stdout)
