"""Fixtures of the fault and scale-out tests: a committed clinic (other processes must see it)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.conftest import AUDIO

RECORDINGS_PER_MODULE = 4


@pytest.fixture(scope="module")
def committed_clinic(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """A committed clinic (client id from the module name) and a MEDIA_ROOT; dropped afterwards.

    Yields ``(clinic, media_root, add_recording)``; ``add_recording()`` stores the 28 s English visit as a
    committed ``uploaded`` recording in the tenant storage's layout (made before the test's transaction, at
    most ``RECORDINGS_PER_MODULE``) and returns its id.
    """
    from clinics.models import Clinic, Plan
    from clinics.services import clinic_create
    from transcription.models import Recording

    media_root = tmp_path_factory.mktemp("scale-media")
    client_id = "scale-" + request.module.__name__.rsplit(".", 1)[-1].replace("_", "-")[:40]
    with django_db_blocker.unblock():
        clinic = clinic_create(client_id=client_id, name="Scale clinic", plan=Plan.ENTERPRISE)
        connection.set_schema_to_public()

    def store_recording() -> int:
        connection.set_tenant(clinic)
        try:
            recording = Recording.objects.create(original_filename="visit.mp3", extension=".mp3",
                                                 source_format="mp3", language="en")
            name = f"recordings/visit-{recording.id}.mp3"
            audio = media_root / clinic.schema_name / name
            audio.parent.mkdir(parents=True, exist_ok=True)
            audio.write_bytes((AUDIO / "visit_D2N041_4turns.mp3").read_bytes())
            Recording.objects.filter(id=recording.id).update(audio=name)
            return recording.id
        finally:
            connection.set_schema_to_public()

    # Stored before any test's transaction begins, so they are committed and other processes see them.
    with django_db_blocker.unblock():
        ready = [store_recording() for _ in range(RECORDINGS_PER_MODULE)]

    def add_recording() -> int:
        return ready.pop()

    yield clinic, media_root, add_recording
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        Clinic.objects.filter(pk=clinic.pk).delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{clinic.schema_name}" CASCADE')


@pytest.fixture
def in_clinic(django_db_blocker):
    """``in_clinic(clinic, fn)``: run ``fn()`` on the committed database in ``clinic``'s schema."""

    def run(clinic, fn):
        with django_db_blocker.unblock():
            connection.set_tenant(clinic)
            try:
                return fn()
            finally:
                connection.set_schema_to_public()

    return run


@pytest.fixture
def private_redis_url(tmp_path):
    """URL of a redis-server of this test only: tasks that retry go to the default ``celery`` queue, which
    no other test's (or helper's) worker may consume."""
    from tests.scale.procs import private_redis

    with private_redis(tmp_path) as (url, _start, _stop):
        yield url
