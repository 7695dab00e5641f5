"""``manage.py chatmed_wipe_sandbox CLINIC``: delete every ChatMed row written with sk_test_ keys."""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from chatmed.services import sandbox_wipe
from clinics.models import Clinic


class Command(BaseCommand):
    help = "Delete a clinic's ChatMed sandbox data (profiles, sessions, readings, prescriptions of sk_test_ keys)."

    def add_arguments(self, parser):
        parser.add_argument("clinic", help="Clinic id (slug).")

    def handle(self, *args, clinic, **options):
        target = Clinic.objects.filter(client_id=clinic).first()
        if target is None:
            raise CommandError(f"No clinic with id {clinic!r}")
        with tenant_context(target):
            counts = sandbox_wipe()
        self.stdout.write(", ".join(f"{n} {name}" for name, n in counts.items()) + " deleted")
