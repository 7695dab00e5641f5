"""``manage.py backup [--clinic CLIENT_ID] [--output PATH | --output-dir DIR]``: one archive with the database dump and media."""

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
        parser.add_argument("--output", metavar="PATH", help="Archive path (default: in --output-dir).")
        parser.add_argument("--output-dir", metavar="DIR",
                            help="Folder for medsync-<clinic or all>-<UTC time>.tar (default: <MEDSYNC_DATA_DIR>/backups).")

    def handle(self, *args, clinic=None, output=None, output_dir=None, **options):
        if output is None:
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            folder = Path(output_dir) if output_dir else Path(settings.DATA_DIR) / "backups"
            output = folder / f"medsync-{clinic or 'all'}-{stamp}.tar"
        try:
            result = backup_create(output=Path(output), client_id=clinic)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.path} ({result.size_bytes} bytes, {len(result.manifest['files'])} files)")
