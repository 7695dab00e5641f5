from django.apps import AppConfig


class TranscriptionConfig(AppConfig):
    """Recordings, transcripts and the speech pipeline (clinic schemas)."""

    name = "transcription"
    default_auto_field = "django.db.models.BigAutoField"
