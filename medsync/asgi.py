"""ASGI entry point (Hypercorn, Uvicorn or Daphne): HTTP and the WebSocket routes of every app.

HTTP requests go to Django's WSGI handler, run by ``a2wsgi`` in a pool of ``MEDSYNC_HTTP_THREADS``
threads; WebSockets go to the Channels consumers. Django's own ASGI handler runs every synchronous
view on one shared thread per process (``sync_to_async(thread_sensitive=True)``), which capped one
process at ~80-100 requests/s on the 2-core target for ``GET /v1/usage``; the same process served
~170 requests/s through the WSGI thread pool (``bench/http_load.py``). None of MedSync's views is
asynchronous, so nothing is lost. ``MEDSYNC_ASGI_HTTP=django`` switches back to Django's ASGI handler.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")

from django.conf import settings  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()  # sets Django up (apps, settings) before the routes are imported

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (needs Django set up)

from medsync.routing import websocket_urlpatterns  # noqa: E402

if settings.MEDSYNC_ASGI_HTTP == "wsgi":
    from a2wsgi import WSGIMiddleware
    from django.core.wsgi import get_wsgi_application

    http_application = WSGIMiddleware(get_wsgi_application(), workers=settings.MEDSYNC_HTTP_THREADS)
else:
    http_application = django_asgi_app

from ops.asgi import websocket_metrics  # noqa: E402

_router = ProtocolTypeRouter({"http": http_application, "websocket": websocket_metrics(URLRouter(websocket_urlpatterns))})


async def application(scope, receive, send):
    """The ASGI application: ``lifespan`` acknowledged (start-up installs the live sessions' SIGUSR1 shutdown
    handler), the rest routed."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # SIGUSR1 ends this process's live sessions cleanly before a shutdown (scripts/run-server.sh).
                from transcription.consumers import shutdown_signal_install

                shutdown_signal_install()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    return await _router(scope, receive, send)
