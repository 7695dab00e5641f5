#!/usr/bin/env bash
# Set everything up and serve MedSync on http://localhost:${PORT:-8080} with the embedded defaults
# (embedded PostgreSQL, in-process Celery tasks, in-memory channel layer). Prints a demo API key
# and a ready-to-paste curl.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PORT="${PORT:-8080}"
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python manage.py demo_setup --port "$PORT"
echo "Serving MedSync on http://localhost:$PORT (API docs: http://localhost:$PORT/api/docs/). Ctrl-C stops."
export MEDSYNC_WARM_UP_SPEECH="${MEDSYNC_WARM_UP_SPEECH:-true}"
exec .venv/bin/daphne -b "${HOST:-127.0.0.1}" -p "$PORT" medsync.asgi:application
