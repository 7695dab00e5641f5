"""``manage.py backup [--clinic CLIENT_ID] [--output PATH]``: one archive with the database dump and media."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up one clinic (--clinic) or everything: pg_dump + media files + manifest, in one .tar."

    def add_arguments(self, parser):
        parser.add_argument("--clinic", metavar="CLIENT_ID", help="Only this clinic (its schema and public rows).")
        parser.add_argument("--output", metavar="PATH",
                            help="Archive path (default: <MEDSYNC_DATA_DIR>/backups/medsync-<scope>-<UTC time>.tar).")

    def handle(self, *args, clinic=None, output=None, **options):
        if output is None:
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            output = Path(settings.DATA_DIR) / "backups" / f"medsync-{clinic or 'all'}-{stamp}.tar"
        try:
            result = backup_create(output=Path(output), client_id=clinic)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.path} ({result.size_bytes} bytes, {len(result.manifest['files'])} files)")
