"""``manage.py restore ARCHIVE [--yes]``: replace a clinic (or everything) with a backup archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_read_manifest, backup_restore


class Command(BaseCommand):
    help = "Restore a `manage.py backup` archive. Replaces the clinic (or the whole database) and its media."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Path of a .tar written by `manage.py backup`.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, archive, yes=False, **options):
        try:
            manifest = backup_read_manifest(Path(archive))
            what = f"clinic {manifest['client_id']}" if manifest["scope"] == "clinic" else "THE WHOLE DATABASE"
            if not yes and input(f"Replace {what} with the backup of {manifest['created_at']}? [y/N] ").lower() != "y":
                raise CommandError("cancelled")
            backup_restore(archive=Path(archive))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {what} from {manifest['created_at']}; run `manage.py migrate_schemas` if "
                          "this MedSync is newer than the backup")
