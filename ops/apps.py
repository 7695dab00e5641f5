from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from medsync.request_context import install_log_record_factory

        install_log_record_factory()
