"""WSGI entry point (gunicorn) for plain HTTP, the fastest way to serve the REST API."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")
application = get_wsgi_application()
