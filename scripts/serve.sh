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
# Without a Celery broker nothing schedules retries of failed booking callbacks, so stand in for
# cron: every minute, deliver the callbacks that are due (the outbox is in the database).
( while sleep 60; do MEDSYNC_WARM_UP_SPEECH=false .venv/bin/python manage.py deliver_callbacks -v 0 >/dev/null 2>&1 || true; done ) &
retry_loop=$!
trap 'kill "$retry_loop" 2>/dev/null || true' EXIT INT TERM
.venv/bin/daphne -b "${HOST:-127.0.0.1}" -p "$PORT" medsync.asgi:application
