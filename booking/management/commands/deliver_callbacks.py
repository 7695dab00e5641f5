"""``python manage.py deliver_callbacks [--clinic CLIENT_ID]``: attempt every due appointment callback.

Without a Celery broker (the embedded default) run it from cron every minute, so callbacks whose
first attempt failed are retried with their backoff; with a broker, Celery beat does the same.
"""

from django.core.management.base import BaseCommand, CommandError

from booking.callbacks import callbacks_deliver_due
from booking.selectors import clinic_by_client_id


class Command(BaseCommand):
    help = "Attempt every due WhatsApp appointment callback (all clinics, or one)."

    def add_arguments(self, parser):
        parser.add_argument("--clinic", default=None, help="Only this clinic (client id).")

    def handle(self, *args, clinic, **options):
        schemas = None
        if clinic:
            found = clinic_by_client_id(clinic)
            if found is None:
                raise CommandError(f"No active clinic {clinic!r}")
            schemas = [found.schema_name]
        count = callbacks_deliver_due(inline=True, schema_names=schemas)
        self.stdout.write(f"Attempted {count} due callback(s).")
