from django.apps import AppConfig


class NotesConfig(AppConfig):
    """Clinical notes with versions, and the note engines (clinic schemas)."""

    name = "notes"
    default_auto_field = "django.db.models.BigAutoField"
