"""``python manage.py create_user SLUG EMAIL --password PW [--title Dr.] [--first-name ..] [--last-name ..]``.

Adds a clinician (or, with ``--role staff``, a staff member) who signs in with ``POST /api/login``.
Prints the user's ``uid`` alone on the last line.
"""

from django.core.management.base import BaseCommand, CommandError

from clinics.models import Clinic, ClinicUserRole
from clinics.services import clinic_user_create


class Command(BaseCommand):
    help = "Add a user (clinician by default) to a clinic for the MediSync API; prints the uid last."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Clinic id.")
        parser.add_argument("email")
        parser.add_argument("--password", required=True)
        parser.add_argument("--title", default="", help='e.g. "Dr."')
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--role", default=ClinicUserRole.CLINICIAN, choices=ClinicUserRole.values)

    def handle(self, *args, slug, email, password, title, first_name, last_name, role, **options):
        clinic = Clinic.objects.filter(client_id=slug).first()
        if clinic is None:
            raise CommandError(f"No clinic with id {slug!r}")
        try:
            user = clinic_user_create(
                clinic=clinic, email=email, password=password, first_name=first_name, last_name=last_name,
                title=title, role=role,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Created {user.role} {user.user.email} in {clinic.client_id}.")
        self.stdout.write(user.uid)
