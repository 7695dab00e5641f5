#!/usr/bin/env bash
# Run the MedSync server of the embedded default (what scripts/serve.sh starts after the set-up):
# HTTP and WebSockets on $HOST:$PORT (default 127.0.0.1:8080) and on $LIVE_PORT (default 8000, the
# Live API quickstart's port; LIVE_PORT= turns it off), plus the callback retry loop.
# SIGTERM or SIGINT stop the server gracefully (in-flight requests and live sessions get
# GRACEFUL_TIMEOUT seconds, default 25) and the loop, and leave no child process behind.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8080}"
LIVE_PORT="${LIVE_PORT-8000}"
HOST="${HOST:-127.0.0.1}"
binds=(--bind "$HOST:$PORT")
if [ -n "$LIVE_PORT" ] && [ "$LIVE_PORT" != "$PORT" ]; then
  binds+=(--bind "$HOST:$LIVE_PORT")
fi

# One Hypercorn process serves HTTP (Django's WSGI handler in a thread pool, see medsync/asgi.py) and
# the WebSockets: without Redis, rate limits and live-session slots are per process, so the embedded
# default is one process (bench/http_load.py has the figures; README "Production and scale-out" for more).
# Its graceful timeout lets in-flight requests and live sessions finish after SIGTERM.
.venv/bin/hypercorn "${binds[@]}" --worker-class uvloop --graceful-timeout "${GRACEFUL_TIMEOUT:-25}" \
  --backlog 1024 medsync.asgi:application &
server=$!

# Without a Celery broker nothing schedules retries of failed callbacks, so stand in for cron: every
# minute, deliver the callbacks that are due (the outbox is in the database).
(
  child=""
  trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; exit 0' TERM
  while true; do
    sleep 60 & child=$!; wait "$child"
    MEDSYNC_WARM_UP_SPEECH=false .venv/bin/python manage.py deliver_callbacks -v 0 >/dev/null 2>&1 &
    child=$!; wait "$child" || true
  done
) &
retry_loop=$!

stop() {
  trap - TERM INT
  # Live sessions first: SIGUSR1 makes each server process end its sessions as on "stop" (stored, final
  # transcript sent, close 1001) while the sockets are still open; then the graceful stop.
  # Only the worker processes (multiprocessing's spawn_main): the server's other child, multiprocessing's
  # resource tracker, would die of SIGUSR1 and print tracebacks on the way out.
  kill -USR1 $(pgrep -P "$server" -f spawn_main) 2>/dev/null || true
  sleep "${LIVE_DRAIN_SECONDS:-2}"
  kill -TERM "$retry_loop" "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  wait "$retry_loop" 2>/dev/null || true
  exit 0
}
trap stop TERM INT
# If the server exits on its own (a crash, a taken port), stop the helper loop and report its status.
set +e
wait "$server"
status=$?
trap - TERM INT
kill -TERM "$retry_loop" 2>/dev/null
wait "$retry_loop" 2>/dev/null
exit "$status"
