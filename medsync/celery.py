"""Celery application. Configuration comes from Django settings (``CELERY_*``).

Without a broker (``REDIS_URL``/``CELERY_BROKER_URL`` unset) tasks run eagerly in the calling
process, so the embedded default needs no extra service; with Redis, run ``celery -A medsync worker``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")

app = Celery("medsync")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
