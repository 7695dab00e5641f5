"""Celery application. Configuration comes from Django settings (``CELERY_*``).

Without a broker (``REDIS_URL``/``CELERY_BROKER_URL`` unset) tasks run eagerly in the calling
process, so the embedded default needs no extra service; with Redis, run ``celery -A medsync worker``.
"""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")

app = Celery("medsync")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _fresh_connection_pools(**kwargs) -> None:
    """A prefork child must not use the database connection pool (or connections) it inherited from the
    parent: the pool's threads do not survive ``fork()`` ("couldn't get a connection after 20 sec"), and
    the sockets are the parent's. Forget both without any I/O on them; the child opens its own."""
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    for connection in connections.all(initialized_only=True):
        connection.connection = None
    DatabaseWrapper._connection_pools.clear()
