"""``python manage.py create_clinic SLUG --name NAME --plan starter|professional|enterprise``."""

from django.core.management.base import BaseCommand, CommandError

from clinics.models import Plan
from clinics.services import clinic_create


class Command(BaseCommand):
    help = "Create a clinic (tenant schema + domain <slug>.localhost)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Clinic id, e.g. dental-plus (lowercase, digits, hyphens).")
        parser.add_argument("--name", required=True, help="Display name.")
        parser.add_argument("--plan", default=Plan.STARTER, choices=Plan.values)
        parser.add_argument("--domain", default=None, help="Host name (default <slug>.localhost).")

    def handle(self, *args, slug, name, plan, domain, **options):
        try:
            clinic = clinic_create(client_id=slug, name=name, plan=plan, domain=domain)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Created clinic {clinic.client_id} (schema {clinic.schema_name}, plan {clinic.plan})")
