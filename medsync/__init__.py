"""MedSync project package. The Celery app is imported so ``@shared_task`` binds to it."""

from medsync.celery import app as celery_app

__all__ = ("celery_app",)
