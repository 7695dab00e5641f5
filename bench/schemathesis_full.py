"""The full Schemathesis run: more than 5,000 generated requests over the whole OpenAPI schema.

    DATABASE_URL=postgres://... .venv/bin/python bench/schemathesis_full.py [--examples 50] [--stateful 150]

Runs ``tests/test_schemathesis.py`` (every operation with each surface's own credential — API key,
clinician JWT, ChatMed ``sk_test_`` key — and with the API key as Bearer; then the stateful phase
following the links between operations) with a larger budget than CI's, on a plan without rate limits,
and prints, per run and in total: requests sent, answers >= 500, failing checks (undocumented status,
content type or body = schema mismatches; schema-valid requests rejected), links followed, time.
Exit status: pytest's (0 = no 5xx and no mismatch).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=50, help="generated requests per operation and credential")
    parser.add_argument("--stateful", type=int, default=150, help="stateful scenarios (up to 8 linked calls each)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        env = {**os.environ, "SCHEMATHESIS_EXAMPLES": str(args.examples),
               "SCHEMATHESIS_STATEFUL_EXAMPLES": str(args.stateful), "SCHEMATHESIS_REPORT": str(report)}
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--show-capture=no",
                                 "tests/test_schemathesis.py"], cwd=ROOT, env=env, capture_output=True, text=True)
        elapsed = time.monotonic() - started
        runs = json.loads(report.read_text()) if report.exists() else {}
    totals = {"requests": 0, "server_errors": 0, "failing_checks": 0, "links_followed": 0,
              "declared_links_followed": 0}
    for name, run in runs.items():
        print(f"{name}: {run['requests']} requests, {run['server_errors']} answers >= 500, "
              f"{run['failing_checks']} failing checks, {run['links_followed']} links followed "
              f"({run['declared_links_followed']} declared in the schema); "
              f"statuses {run['statuses']}")
        for key in totals:
            totals[key] += run[key]
    print(f"total: {totals['requests']} requests, {totals['server_errors']} answers >= 500, "
          f"{totals['failing_checks']} failing checks (schema mismatches or rejected valid data), "
          f"{totals['links_followed']} links followed ({totals['declared_links_followed']} declared in the schema), "
          f"{elapsed:.0f} s")
    if result.returncode != 0:
        print(result.stdout[-6000:])
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
