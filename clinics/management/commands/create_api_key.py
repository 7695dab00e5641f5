"""``python manage.py create_api_key SLUG`` - prints the new key alone on the last line."""

from django.core.management.base import BaseCommand, CommandError

from clinics.models import ApiKeyKind, Clinic
from clinics.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a clinic. The key is shown once, on the last line of the output."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Clinic id.")
        parser.add_argument("--name", default="default", help="Label shown in the admin.")
        parser.add_argument(
            "--kind", default=ApiKeyKind.PLATFORM, choices=ApiKeyKind.values,
            help="platform (msk_, /v1; default), chatmed_live (sk_live_, /api/v1) or chatmed_test (sk_test_, sandbox).",
        )

    def handle(self, *args, slug, name, kind=ApiKeyKind.PLATFORM, **options):
        clinic = Clinic.objects.filter(client_id=slug).first()
        if clinic is None:
            raise CommandError(f"No clinic with id {slug!r}")
        api_key, raw_key = api_key_create(clinic=clinic, name=name, kind=kind)
        self.stdout.write(f"API key {api_key.prefix}… created for {clinic.client_id}. Store it now; it is not shown again.")
        self.stdout.write(raw_key)
