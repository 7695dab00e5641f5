#!/usr/bin/env bash
# Set everything up and serve MedSync with the embedded defaults (embedded PostgreSQL, in-process
# Celery tasks, in-memory channel layer): HTTP and WebSockets on http://localhost:${PORT:-8080}, and
# also on ${LIVE_PORT:-8000} (the port of the Live API's quickstart; LIVE_PORT= to turn it off).
# Prints a demo API key and a ready-to-paste curl. Ctrl-C, SIGTERM or SIGINT stop it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PORT="${PORT:-8080}"
LIVE_PORT="${LIVE_PORT-8000}"
HOST="${HOST:-127.0.0.1}"
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python manage.py demo_setup --port "$PORT"
export MEDSYNC_WARM_UP_SPEECH="${MEDSYNC_WARM_UP_SPEECH:-true}" PORT LIVE_PORT HOST
echo "Serving MedSync on http://localhost:$PORT${LIVE_PORT:+ and :$LIVE_PORT} (API docs: http://localhost:$PORT/api/docs/). Ctrl-C stops."
exec bash scripts/run-server.sh

