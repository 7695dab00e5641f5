"""``manage.py chatmed_import_facilities CLINIC FILE [--format csv|geojson]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from chatmed.emergency.importer import facilities_import
from clinics.models import Clinic


class Command(BaseCommand):
    help = "Import a clinic's emergency facilities from CSV or GeoJSON (see chatmed.emergency.importer)."

    def add_arguments(self, parser):
        parser.add_argument("clinic", help="Clinic id (slug).")
        parser.add_argument("path", help="CSV or GeoJSON file.")
        parser.add_argument("--format", choices=["csv", "geojson"], help="Default: from the file extension.")

    def handle(self, *args, clinic, path, format=None, **options):
        target = Clinic.objects.filter(client_id=clinic).first()
        if target is None:
            raise CommandError(f"No clinic with id {clinic!r}")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file {path}")
        fmt = format or ("geojson" if file.suffix.lower() in (".geojson", ".json") else "csv")
        with tenant_context(target):
            report = facilities_import(text=file.read_text(encoding="utf-8-sig"), fmt=fmt)
        for error in report.errors:
            self.stderr.write(error)
        self.stdout.write(f"{report.created} created, {report.updated} updated, {len(report.errors)} rejected")
