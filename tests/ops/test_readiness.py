"""``/health`` (liveness) and ``/ready`` (database, broker, speech model files)."""

from __future__ import annotations

import pytest

from ops import readiness

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_speech_cache():
    readiness.reset_speech_cache()
    yield
    readiness.reset_speech_cache()


def test_ready_when_database_and_models_are_there(anon_client, settings):
    settings.CELERY_BROKER_URL = ""
    response = anon_client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "broker": "not_configured",
                                                             "speech_models": "ok"}}
    assert anon_client.get("/health").json() == {"status": "ok", "database": "ok"}


def test_unreachable_broker_is_not_ready(anon_client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = anon_client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready" and body["checks"]["broker"].startswith("unavailable")
    assert body["checks"]["database"] == "ok"


@pytest.mark.redis
def test_reachable_broker_is_ready(anon_client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert anon_client.get("/ready").json()["checks"]["broker"] == "ok"


def test_missing_model_files_are_reported_and_the_check_is_cached(monkeypatch, settings, tmp_path):
    assert readiness.check_speech_models(now=1000.0) == "ok"
    # The models go away (packages uninstalled, model folder empty) ...
    monkeypatch.setattr(readiness, "ENGLISH_MODEL_PACKAGE", "no_such_model_package")
    monkeypatch.setattr(readiness, "MULTILINGUAL_MODEL_PACKAGES", ("no_such_part1", "no_such_part2"))
    settings.MEDSYNC_MODEL_DIR = str(tmp_path)
    # ... the cached answer stands for a minute, then the check sees it.
    assert readiness.check_speech_models(now=1059.0) == "ok"
    assert readiness.check_speech_models(now=1060.0) == "missing: whisper tiny.en, whisper base"
    result = readiness.readiness()
    assert not result.ready and result.checks["speech_models"].startswith("missing")


def test_assembled_multilingual_model_is_enough(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(readiness, "MULTILINGUAL_MODEL_PACKAGES", ("no_such_part1", "no_such_part2"))
    (tmp_path / "whisper-base").mkdir()
    (tmp_path / "whisper-base" / "model.bin").write_bytes(b"\\0")
    settings.MEDSYNC_MODEL_DIR = str(tmp_path)
    assert readiness.check_speech_models(now=0.0) == "ok"
