from django.apps import AppConfig


class ChatMedConfig(AppConfig):
    """The ChatMed API (``/api/v1``): health profiles, medical chat, emergency detection, heart rate,
    prescriptions. A tenant app: every clinic's data lives in its own schema."""

    name = "chatmed"
    label = "chatmed"
    verbose_name = "ChatMed API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from chatmed.api.request_id import install_log_record_factory

        install_log_record_factory()
