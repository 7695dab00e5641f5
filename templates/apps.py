from django.apps import AppConfig


class NoteTemplatesConfig(AppConfig):
    """Note templates: built-ins in code (``templates.builtin``) and clinic-defined ones."""

    name = "templates"
    label = "note_templates"
    verbose_name = "Note templates"
    default_auto_field = "django.db.models.BigAutoField"
