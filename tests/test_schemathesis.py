"""Schemathesis over the whole OpenAPI schema (``/api/schema/``): the schema states the real validation.

For every operation Schemathesis generates requests that match the schema (positive data) and
sends them to the project's WSGI application, twice: with **each surface's own credential** (clinic A's
API key as ``X-API-Key`` plus a clinician's login JWT on ``/v1``, the JWT on ``/api``, a ChatMed
``sk_test_`` key on ``/api/v1``), then with the API key alone sent as ``Authorization: Bearer`` (the
workflow's way). Every answer must be documented (status code, content type, body schema), never a 5xx,
and data that matches the schema must not be rejected (400/422): a rejection means the schema does not
say what the validation requires. The clinic runs on a plan without rate limits for the run (the limits
themselves are tested in tests/clinics and tests/chatmed).

Stateful phase (:func:`test_stateful_links`): Schemathesis' state machine chains operations through the
links between them (a create's answer feeds the ids of reads, updates and sub-resources), with the same
checks: the links the schema declares (:mod:`medsync.openapi_links`; every one is a transition of the
machine, :func:`test_state_machine_has_the_declared_links`) and those Schemathesis infers from its
dependency analysis and ``Location`` headers.

Bounded in time for CI: ``SCHEMATHESIS_EXAMPLES`` requests per operation (default 12, deterministic
``derandomize``) and ``SCHEMATHESIS_STATEFUL_EXAMPLES`` scenarios (default 15); about two minutes on 2
cores. ``bench/schemathesis_full.py`` runs the same tests with a budget of more than 5,000 requests and
prints the totals (``SCHEMATHESIS_REPORT`` = a JSON file the tests add their counts to). Failures are
collected per operation and reported together, one line per operation with Schemathesis' reproduction.
"""

from __future__ import annotations

import json
import os
import traceback
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
STATEFUL_EXAMPLES = int(os.environ.get("SCHEMATHESIS_STATEFUL_EXAMPLES", "15"))
REPORT = os.environ.get("SCHEMATHESIS_REPORT", "")
#: Debugging aid: only operations whose path starts with this (e.g. ``/api/v1/``).
ONLY = os.environ.get("SCHEMATHESIS_ONLY", "")
#: Checks left out: the stateful ones (several states of a resource through links), the response
#: time one (speed lives in bench/), and ignored_auth, whose re-sent request does not go through
#: the in-process WSGI transport in this Schemathesis version (each app tests 401s and other
#: clinics' credentials).
#: 5xx answers a surface documents for valid input (not server errors): (status, OpenAPI path).
DOCUMENTED_5XX = {(503, "/api/v1/medical-vision/analyze")}
EXCLUDED_CHECKS = ("use_after_free", "ensure_resource_availability", "ignored_auth", "max_response_time")


#: What JSON Schema cannot state, configured here with the reason:
#: * NUL characters: DRF rejects them in every string and PostgreSQL text cannot store them;
#: * custom formats (registered below): ``e164`` (a valid phone number), ``time-range(s)``
#:   (start before end), ``past-date`` (not in the future), ``future-date-time`` (not in the past);
#: * note template section keys are unique (:func:`map_body`: JSON Schema cannot say it of items);
#: * ``POST /v1/transcribe``, ChatMed's ``speech/transcribe`` and video recording upload: ``audio`` must be a
#:   real recording (decoded with PyAV); ``medical-vision/analyze``: ``image`` must really be a JPEG, PNG or
#:   DICOM (content sniffed, then decoded): no schema can express it; anything else is documented as 422.
#: * ChatMed profiles and prescriptions: medications must be known generic names and conditions ICD-10-CM
#:   codes or condition names (422 otherwise).
CONFIG = {
    "base-url": "http://testserver",
    # Positive data in every phase (the stateful phase would otherwise add negative cases, e.g. unknown query
    # parameters, which these APIs ignore as HTTP APIs usually do).
    "generation": {"allow-x00": False, "mode": "positive"},
    "operations": [{"include-path": "/v1/transcribe",
                    "checks": {"positive_data_acceptance": {"expected-statuses": [
                        "2xx", "401", "403", "404", "409", "413", "422", "429", "5xx"]}}},
                   # ChatMed uploads: an empty file is the seed's 400 bad_request ("no file uploaded").
                   *({"include-path": path,
                      "checks": {"positive_data_acceptance": {"expected-statuses": [
                          "2xx", "400", "401", "403", "404", "409", "413", "422", "429", "5xx"]}}}
                     for path in ("/api/v1/speech/transcribe", "/api/v1/consultations/video/{session_id}/recording")),
                   # Image analysis: offline (and always for sk_test keys) no image model exists, so a valid
                   # image is answered with the documented 503 service_unavailable after validation.
                   {"include-path": "/api/v1/medical-vision/analyze",
                    "checks": {"positive_data_acceptance": {"expected-statuses": [
                        "2xx", "400", "401", "403", "404", "409", "413", "422", "429", "5xx"]},
                        "not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", "503"]}}},
                   # Runs: config.configurable.transcription_id must name a stored transcription (400 otherwise),
                   # an existence rule no schema can state.
                   *({"include-path": path, "checks": {"positive_data_acceptance": {"expected-statuses": [
                       "2xx", "400", "401", "403", "404", "409", "429", "5xx"]}}}
                     for path in ("/v1/threads/{thread_id}/runs", "/v1/lang-graph/threads/{thread_id}/runs",
                                  "/v1/lang-graph/threads/{thread_id}/runs/wait")),
                   # ChatMed: medication names must be known generic (INN) names and conditions ICD-10-CM codes
                   # or condition names (the seed's 422 validation_error); no schema can list a drug database.
                   *({"include-path": path, "checks": {"positive_data_acceptance": {"expected-statuses": [
                       "2xx", "401", "403", "404", "409", "422", "429", "5xx"]}}}
                     for path in ("/api/v1/profiles", "/api/v1/profiles/{profile_id}", "/api/v1/prescriptions",
                                  "/api/v1/prescriptions/create", "/api/v1/prescriptions/check-interactions"))],
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
_NOW_UTC = datetime.now(timezone.utc).replace(tzinfo=None)
schemathesis.openapi.format("future-date-time", st.datetimes(
    min_value=_NOW_UTC + timedelta(hours=1), max_value=_NOW_UTC + timedelta(days=365)).map(
    lambda moment: moment.replace(microsecond=0).isoformat() + "Z"))
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


def consistent(case):
    """What a client does and JSON Schema cannot say across path and body: a run's
    ``config.configurable.thread_id`` is the thread of its URL."""
    thread_id = (case.path_parameters or {}).get("thread_id")
    config = case.body.get("config") if isinstance(case.body, dict) else None
    configurable = config.get("configurable") if isinstance(config, dict) else None
    if thread_id and isinstance(configurable, dict) and "thread_id" in configurable:
        configurable["thread_id"] = thread_id
    return case


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


@pytest.fixture
def unlimited_plan(settings):
    """A plan without rate limits for the run (every surface's per-minute, per-day and login limits)."""
    unlimited = 10**9
    settings.MEDSYNC_PLAN_RATE_LIMITS = {plan: unlimited for plan in settings.MEDSYNC_PLAN_RATE_LIMITS}
    settings.MEDSYNC_USER_RATE_LIMIT_PER_MINUTE = unlimited
    settings.MEDSYNC_LOGIN_ATTEMPTS_PER_MINUTE = settings.MEDSYNC_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = unlimited
    settings.CHATMED_PLAN_LIMITS = {plan: {"per_minute": None, "per_day": None, "concurrent": None}
                                    for plan in settings.CHATMED_PLAN_LIMITS}


@pytest.fixture
def surface_credentials(clinic, api_key, doctor, unlimited_plan):
    """``headers_for(path)``: each surface's own credential for clinic A (see the module docstring)."""
    from clinics.services import api_key_create
    from medsync.api.jwt import token_issue

    jwt = f"Bearer {token_issue(clinic_user=doctor)}"
    sk_test = api_key_create(clinic=clinic, name="schemathesis", kind="chatmed_test")[1]

    def headers_for(path: str) -> dict[str, str]:
        if path.startswith("/api/v1/"):
            return {"X-API-Key": sk_test}
        if path.startswith("/api/"):
            return {"Authorization": jwt}
        return {"X-API-Key": api_key, "Authorization": jwt}

    return headers_for


@pytest.fixture(params=["each surface's own credential", "bearer api key"])
def credentials(request, api_key, surface_credentials):
    """``headers_for(path)``: each surface's own credential, or clinic A's API key alone as
    ``Authorization: Bearer`` (the documentation workflow's way; ``/api`` answers 401)."""
    if request.param == "bearer api key":
        return lambda path: {"Authorization": f"Bearer {api_key}"}
    return surface_credentials


class Stats:
    """Counts of one run, added to ``SCHEMATHESIS_REPORT`` (JSON) when set."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.statuses: Counter[int] = Counter()
        self.failures = 0
        self.server_errors = 0
        self.links_followed = 0
        self.declared_links_followed = 0

    def record(self, status_code: int, path: str = "") -> None:
        self.statuses[status_code] += 1
        # The documented 503 of image analysis without an image model (offline, sk_test keys) is an answer.
        self.server_errors += status_code >= 500 and (status_code, path) not in DOCUMENTED_5XX

    def save(self) -> None:
        if not REPORT:
            return
        path = Path(REPORT)
        runs = json.loads(path.read_text()) if path.exists() else {}
        runs[self.name] = {"requests": sum(self.statuses.values()), "server_errors": self.server_errors,
                           "failing_checks": self.failures, "links_followed": self.links_followed,
                           "declared_links_followed": self.declared_links_followed,
                           "statuses": {str(k): v for k, v in sorted(self.statuses.items())}}
        path.write_text(json.dumps(runs, indent=2))


def _run_operation(operation, app, headers_for, stats: Stats) -> list[str]:
    failures: list[str] = []
    headers = headers_for(operation.path)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case):
        response = consistent(case).call(app=app, headers=headers)
        stats.record(response.status_code, case.path)
        try:
            case.validate_response(response, checks=_checks(), headers=headers, transport_kwargs={"app": app})
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every check failure, with its reproduction
            found = exc.exceptions if isinstance(exc, BaseExceptionGroup) else [exc]
            stats.failures += len(found)
            names = "; ".join(" | ".join(str(e).strip().splitlines()[:6]) or type(e).__name__ for e in found)
            failures.append(f"{names} -> {response.status_code} {response.content[:300]!r}\n"
                            f"    {case.as_curl_command(headers=headers)}")

    try:
        check()
    except (Exception, BaseExceptionGroup):  # noqa: BLE001 - a crash of generation fails this operation
        failures.append(traceback.format_exc(limit=3))
    return failures


def _schema():
    from schemathesis.config import SchemathesisConfig

    schema = schemathesis.openapi.from_dict(_openapi(), config=SchemathesisConfig.from_dict(CONFIG))
    schema.hook(map_body)
    return schema


def test_every_operation_matches_its_schema(request, credentials, wsgi_app, clinic):
    schema = _schema()
    stats = Stats(f"operations ({request.node.callspec.id})")
    report: dict[str, list[str]] = {}
    count = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(ONLY):
            continue
        count += 1
        failures = _run_operation(operation, wsgi_app, credentials, stats)
        if failures:
            report[operation.label] = sorted(set(failures))
    stats.save()
    assert count > 40 or ONLY, "the schema lost operations"
    assert stats.server_errors == 0 or report
    assert not report, "\n".join(f"{label}:\n  " + "\n  ".join(items[:3]) for label, items in report.items())


def test_stateful_links(wsgi_app, clinic, surface_credentials):
    """Chains of operations through the links between them (create -> read/update/sub-resources)."""
    from django.db import connection, transaction
    from schemathesis.generation.stateful.state_machine import StepInput

    schema = _schema()
    stats = Stats("stateful")
    failures: list[str] = []
    app = wsgi_app

    class Machine(schema.as_state_machine()):
        # Each scenario starts from the same database: its writes are rolled back at its end (a savepoint in
        # the test's transaction), so a replayed scenario meets the same state (Hypothesis requires it).
        def setup(self):
            self._savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self._savepoint)
            connection.set_schema_to_public()

        def step(self, input: StepInput):
            if input.transition is not None:
                stats.links_followed += 1
                stats.declared_links_followed += not input.transition.is_inferred
            return super().step(input)

        def get_call_kwargs(self, case):
            return {"headers": surface_credentials(case.path)}

        def call(self, case, **kwargs):
            response = consistent(case).call(app=app, **kwargs)
            stats.record(response.status_code, case.path)
            return response

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            try:
                case.validate_response(response, checks=_checks(), headers=kwargs.get("headers"),
                                       transport_kwargs={"app": app})
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, reported at the end
                found = exc.exceptions if isinstance(exc, BaseExceptionGroup) else [exc]
                stats.failures += len(found)
                names = "; ".join(" | ".join(str(e).strip().splitlines()[:4]) or type(e).__name__ for e in found)
                failures.append(f"{case.operation.label}: {names} -> {response.status_code} "
                                f"{response.content[:200]!r}\n    {case.as_curl_command(headers=kwargs.get('headers'))}")

    Machine.run(settings=settings(max_examples=STATEFUL_EXAMPLES, stateful_step_count=8, deadline=None,
                                  derandomize=True, database=None, suppress_health_check=list(HealthCheck)))
    stats.save()
    assert sum(stats.statuses.values()) > STATEFUL_EXAMPLES
    assert stats.links_followed > 0, "no links between operations were followed"
    assert stats.declared_links_followed > 0, "none of the schema's declared links was followed"
    assert not failures, "\n".join(sorted(set(failures))[:40])


def test_state_machine_has_the_declared_links():
    """Every link :mod:`medsync.openapi_links` declares is a transition of the stateful phase's machine
    (from its source's answer to its target), as a declared link, not one Schemathesis inferred."""
    from medsync.openapi_links import LINKS

    schema = _schema()
    machine = schema.as_state_machine()
    labels = {result.ok().definition.raw["operationId"]: result.ok().label for result in schema.get_all_operations()}
    # ``_transitions``: the machine's links by source operation (Schemathesis builds its rules from them).
    transitions = {(source, link.status_code, link.name, link.target.label)
                   for source, found in machine._transitions.operations.items()
                   for link in found.outgoing if not link.is_inferred}
    declared = {(labels[link.source], status, target, labels[target])
                for link in LINKS for status in link.statuses for target in link.targets}
    assert len(declared) > 50 and declared <= transitions, sorted(declared - transitions)
