"""``python manage.py demo_setup`` - the README's first command uses it.

Creates the demo clinic (once), a fresh API key, and prints a ready-to-paste ``curl``.
"""

from django.core.management.base import BaseCommand

from clinics.models import Clinic, Plan
from clinics.services import api_key_create, clinic_create


class Command(BaseCommand):
    help = "Create the demo clinic if missing, make it a new API key and print a curl for /v1/transcribe."

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="demo-clinic")
        parser.add_argument("--port", default="8080")
        parser.add_argument("--audio", default="tests/fixtures/audio/visit_D2N041_4turns.wav")

    def handle(self, *args, slug, port, audio, **options):
        clinic = Clinic.objects.filter(client_id=slug).first()
        if clinic is None:
            clinic = clinic_create(client_id=slug, name="Demo Clinic", plan=Plan.PROFESSIONAL)
            self.stdout.write(f"Created demo clinic {slug}.")
        _, raw_key = api_key_create(clinic=clinic, name="demo")
        self.stdout.write(
            "\nDemo clinic: {slug}\nAPI key (shown once): {key}\n\nTry it once the server is up:\n\n"
            "curl -X POST http://localhost:{port}/v1/transcribe \\\n"
            "  -H \"X-API-Key: {key}\" \\\n"
            "  -F \"audio=@{audio}\" \\\n"
            "  -F \"language=en\" \\\n"
            "  -F \"template=general_consultation\"\n\n"
            "curl -H \"X-API-Key: {key}\" \"http://localhost:{port}/v1/usage?days=30\"\n".format(
                slug=slug, key=raw_key, port=port, audio=audio
            )
        )
