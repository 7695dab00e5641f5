from django.apps import AppConfig


class TranscriptionConfig(AppConfig):
    """Recordings, transcripts and the speech pipeline (clinic schemas)."""

    name = "transcription"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        if settings.MEDSYNC_WARM_UP_SPEECH:
            import threading

            def _warm_up() -> None:
                from transcription.speech.pipeline import get_local_engine

                engine = get_local_engine()
                warm_up = getattr(engine, "warm_up", None)
                if warm_up is not None:
                    warm_up()

            # In the background, so the server accepts connections while the model loads.
            threading.Thread(target=_warm_up, name="speech-warm-up", daemon=True).start()
