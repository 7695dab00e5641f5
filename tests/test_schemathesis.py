"""Schemathesis over the whole OpenAPI schema (``/api/schema/``): the schema states the real validation.

For every operation Schemathesis generates requests that match the schema (positive data) and
sends them to the project's WSGI application, twice: with clinic A's API key (``X-API-Key``) and a
clinician's login JWT (``Authorization: Bearer``), so each surface authenticates with its own
credential; then with the API key alone sent as ``Authorization: Bearer`` (the workflow's way).
Every answer must be documented (status code, content type, body schema), never a 5xx, and data
that matches the schema must not be rejected (400/422): a rejection means the schema does not say
what the validation requires.

Bounded in time: ``SCHEMATHESIS_EXAMPLES`` requests per operation (default 12, deterministic
``derandomize``); both runs take about a minute on 2 cores. Failures are collected per
operation and reported together, one line per operation with Schemathesis' reproduction (curl).
"""

from __future__ import annotations

import os
import traceback
from datetime import date

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS

from medsync.api.ratelimit import reset_limiter

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
#: Checks left out: the stateful ones (several states of a resource through links), the response
#: time one (speed lives in bench/), and ignored_auth, whose re-sent request does not go through
#: the in-process WSGI transport in this Schemathesis version (each app tests 401s and other
#: clinics' credentials).
EXCLUDED_CHECKS = ("use_after_free", "ensure_resource_availability", "ignored_auth", "max_response_time")


#: What JSON Schema cannot state, configured here with the reason:
#: * NUL characters: DRF rejects them in every string and PostgreSQL text cannot store them;
#: * custom formats (registered below): ``e164`` (a valid phone number), ``time-range(s)``
#:   (start before end), ``past-date`` (not in the future);
#: * note template section keys are unique (:func:`map_body`: JSON Schema cannot say it of items);
#: * ``POST /v1/transcribe``: ``audio`` must be a real recording (decoded with PyAV), which no schema
#:   can express; a file that is not audio is documented as 422.
CONFIG = {
    "base-url": "http://testserver",
    "generation": {"allow-x00": False},
    "operations": [{"include-path": "/v1/transcribe",
                    "checks": {"positive_data_acceptance": {"expected-statuses": [
                        "2xx", "401", "403", "404", "409", "413", "422", "429", "5xx"]}}}],
}


def _e164_numbers():
    """Valid E.164 numbers (libphonenumber's example numbers of every region): the ``e164`` format."""
    import phonenumbers

    numbers = sorted({phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
                      for region in phonenumbers.SUPPORTED_REGIONS
                      if (example := phonenumbers.example_number(region)) is not None})
    return st.sampled_from(numbers)


def _time_ranges():
    """``HH:MM-HH:MM`` with the start before the end: the ``time-range`` format."""
    def text(start: int, end: int) -> str:
        return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"

    return st.integers(0, 24 * 60 - 2).flatmap(lambda start: st.integers(start + 1, 24 * 60 - 1).map(
        lambda end: text(start, end)))


schemathesis.openapi.format("e164", _e164_numbers())
schemathesis.openapi.format("past-date", st.dates(max_value=date.today()).map(date.isoformat))
schemathesis.openapi.format("time-range", _time_ranges())
schemathesis.openapi.format("time-ranges", _time_ranges().flatmap(
    lambda first: _time_ranges().map(lambda second: f"{first}, {second}")))


def map_body(context, body):
    """Section keys of a note template must be unique, which JSON Schema cannot say of array items
    (only that whole items differ): give repeated keys a suffix, as a client would."""
    sections = body.get("sections") if isinstance(body, dict) else None
    if context.operation is None or not context.operation.path.startswith("/v1/templates") \
            or not isinstance(sections, list):
        return body
    seen: set[str] = set()
    for number, section in enumerate(sections):
        if isinstance(section, dict) and isinstance(section.get("key"), str):
            if section["key"] in seen:
                section["key"] = f"{section['key'][:50]}_{number}"
            seen.add(section["key"])
    return body


def _openapi() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _checks():
    return [check for check in CHECKS.get_all() if check.__name__ not in EXCLUDED_CHECKS]


@pytest.fixture
def wsgi_app():
    """The project's WSGI application on the test's connection (and transaction).

    Like Django's test client, requests must not close the connection at their end.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["x-api-key and jwt", "bearer api key"])
def credentials(request, api_key, doctor) -> dict[str, str]:
    """Clinic A's API key as ``X-API-Key`` plus a clinician's JWT (every surface signed in), or the
    API key alone as ``Authorization: Bearer`` (the documentation workflow's way; ``/api`` answers 401)."""
    from medsync.api.jwt import token_issue

    if request.param == "bearer api key":
        return {"Authorization": f"Bearer {api_key}"}
    return {"X-API-Key": api_key, "Authorization": f"Bearer {token_issue(clinic_user=doctor)}"}


def _run_operation(operation, app, headers: dict[str, str]) -> list[str]:
    failures: list[str] = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case):
        reset_limiter()  # each request within the plan's per-minute limit (429 is tested in tests/clinics)
        response = case.call(app=app, headers=headers)
        try:
            # Checks that re-send the request (without credentials, for ignored_auth) use the app too.
            case.validate_response(response, checks=_checks(), headers=headers, transport_kwargs={"app": app})
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every check failure, with its reproduction
            found = exc.exceptions if isinstance(exc, BaseExceptionGroup) else [exc]
            names = "; ".join(" | ".join(str(e).strip().splitlines()[:6]) or type(e).__name__ for e in found)
            failures.append(f"{names} -> {response.status_code} {response.content[:300]!r}\n"
                            f"    {case.as_curl_command(headers=headers)}")

    try:
        check()
    except (Exception, BaseExceptionGroup):  # noqa: BLE001 - a crash of generation fails this operation
        failures.append(traceback.format_exc(limit=3))
    return failures


def test_every_operation_matches_its_schema(credentials, wsgi_app, clinic):
    from schemathesis.config import SchemathesisConfig

    schema = schemathesis.openapi.from_dict(_openapi(), config=SchemathesisConfig.from_dict(CONFIG))
    schema.hook(map_body)
    app = wsgi_app
    report: dict[str, list[str]] = {}
    count = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        count += 1
        failures = _run_operation(operation, app, credentials)
        if failures:
            report[operation.label] = sorted(set(failures))
    assert count > 40, "the schema lost operations"
    assert not report, "\n".join(f"{label}:\n  " + "\n  ".join(items[:3]) for label, items in report.items())
