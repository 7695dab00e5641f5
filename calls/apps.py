from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Agent calls"

    def ready(self) -> None:
        from booking.callbacks import webhook_secret_source_register

        # call.* webhooks go through the booking outbox, signed with the clinic's call secret
        webhook_secret_source_register(event_prefix="call.", secret_getter="calls.selectors.callback_signing_secret")
