"""Structured logs: request id, clinic and surface on every record of a request; no patient data."""

from __future__ import annotations

import io
import json
import logging

import pytest

from ops.logs import JsonFormatter, apply_logging_environment, parse_log_levels

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """Records of every logger as formatted JSON lines (the real formatter on a real handler)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_access_line_carries_request_id_clinic_and_surface_but_no_query(doctor_client, doctor, json_lines):
    response = doctor_client.get("/api/patients?search=Lovelace&uid=" + doctor.uid)
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    access = [r for r in json_lines() if r["logger"] == "medsync.access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == request_id and request_id.startswith("req_")
    assert line["clinic"] == doctor.clinic.client_id and line["surface"] == "api"
    assert line["level"] == "INFO" and line["message"] == f"GET api/patients 200 {line['message'].split()[-1]}"
    assert "Lovelace" not in json.dumps(json_lines())


def test_records_outside_requests_and_unsafe_extras(json_lines, rf):
    logger = logging.getLogger("medsync.test")
    request = rf.get("/v1/patients?name=Ada+Lovelace")
    logger.warning("Not Found: %s", request.path, extra={"request": request, "status_code": 404})
    [line] = [r for r in json_lines() if r["logger"] == "medsync.test"]
    assert line["request_id"] == "-" and line["clinic"] == "-" and line["status_code"] == 404
    assert "request" not in line and "Lovelace" not in json.dumps(line)


def test_request_ids_are_ours_and_a_safe_client_id_is_logged_beside(anon_client, json_lines):
    first = anon_client.get("/health", HTTP_X_REQUEST_ID="lb-7f3a9c2e1d")["X-Request-ID"]
    second = anon_client.get("/health", HTTP_X_REQUEST_ID="x\nINFO fake line")["X-Request-ID"]
    assert first.startswith("req_") and second.startswith("req_") and first != second
    access = [r for r in json_lines() if r["logger"] == "medsync.access"]
    assert access[0]["request_id"] == first and access[0]["client_request_id"] == "lb-7f3a9c2e1d"
    assert "client_request_id" not in access[1] and "fake line" not in json.dumps(access)


def test_chatmed_error_body_uses_the_request_id_of_the_middleware(anon_client):
    response = anon_client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["X-Request-ID"] == response.json()["request_id"]
    assert response["X-Request-ID"].startswith("req_")


def test_log_levels_from_the_environment():
    assert parse_log_levels(" django.request=warning, medsync=DEBUG ,") == {"django.request": "WARNING",
                                                                          "medsync": "DEBUG"}
    with pytest.raises(ValueError, match="logger=LEVEL"):
        parse_log_levels("medsync:DEBUG")
    with pytest.raises(ValueError, match="logger=LEVEL"):
        parse_log_levels("medsync=LOUD")
    config = {"formatters": {"plain": {}}, "handlers": {"console": {"formatter": "plain"}}, "root": {"level": "INFO"},
              "loggers": {"httpx": {"level": "WARNING"}}}
    apply_logging_environment(config, log_format="json", levels="root=ERROR,httpx=INFO,medsync=DEBUG")
    assert config["handlers"]["console"]["formatter"] == "json"
    assert config["root"]["level"] == "ERROR"
    assert config["loggers"] == {"httpx": {"level": "INFO"}, "medsync": {"level": "DEBUG"}}
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        apply_logging_environment(config, log_format="xml", levels="")
    plain = {"formatters": {"plain": {}}, "handlers": {"console": {"formatter": "plain"}}, "root": {"level": "INFO"}}
    apply_logging_environment(plain, log_format="plain", levels="")
    assert plain["handlers"]["console"]["formatter"] == "plain"  # the embedded server's default stays


def test_json_logs_in_a_real_process(tmp_path):
    """``LOG_FORMAT=json`` + ``LOG_LEVELS`` configure a fresh Django process (as the server reads them)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = ("import django, logging; django.setup(); "
            "logging.getLogger('medsync.x').debug('debug shown'); logging.getLogger('httpx').info('hidden')")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "medsync.settings", "LOG_FORMAT": "json",
           "LOG_LEVELS": "medsync=DEBUG"}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert [(r["logger"], r["level"], r["message"]) for r in lines] == [("medsync.x", "DEBUG", "debug shown")]


def test_a_loggers_own_clinic_extra_is_kept(json_lines):
    """Code may log ``extra={"clinic": ...}`` (the live sessions do): no clash with the request context."""
    logging.getLogger("medsync.test").info("live session started", extra={"clinic": "clinic-x", "session": "s1"})
    [line] = [r for r in json_lines() if r["logger"] == "medsync.test"]
    assert line["clinic"] == "clinic-x" and line["session"] == "s1" and line["surface"] == "-"
