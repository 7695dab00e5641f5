"""``manage.py embedded_db stop``: stop the embedded PostgreSQL of the zero-configuration default.

The embedded server (:mod:`medsync.embedded_db`) is left running after the web server stops, so the
next process (a management command, the test runner) reuses it; this stops it. With ``DATABASE_URL``
set there is no embedded server and the command says so.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Stop the embedded PostgreSQL server (the default when DATABASE_URL is not set)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["stop"])

    def handle(self, *args, action: str, **options):
        import os

        from django.db import connections

        from medsync.embedded_db import stop_embedded_database

        if os.environ.get("DATABASE_URL"):
            raise CommandError("DATABASE_URL is set: there is no embedded database to stop")
        connections.close_all()
        try:
            stopped = stop_embedded_database(settings.DATA_DIR / "postgres")
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("embedded PostgreSQL stopped" if stopped else "the embedded PostgreSQL was not running")
