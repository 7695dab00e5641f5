#!/usr/bin/env bash
# Set everything up (with the test tools) and run the whole test suite against PostgreSQL
# (the embedded server unless DATABASE_URL is set). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
exec .venv/bin/python -m pytest "$@"
