"""Audit log: who read, created, changed, signed, exported or deleted which note, transcript, recording or
workflow thread, and when.

One ``AuditEvent`` table per clinic schema (a tenant app), so a clinic's log holds only its own
records and is never visible from another clinic. The table is append-only at the database level:
migration ``0001`` installs a PostgreSQL trigger that rejects every ``UPDATE``, ``DELETE`` and
``TRUNCATE`` (whoever the database user), and the model refuses saves of existing rows and deletes.
"""

from __future__ import annotations

from django.db import models


class Action(models.TextChoices):
    READ = "read", "Read"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    SIGN = "sign", "Signed off"
    EXPORT = "export", "Exported"
    DELETE = "delete", "Deleted"


class ObjectType(models.TextChoices):
    NOTE = "note", "Clinical note"
    TRANSCRIPT = "transcript", "Transcript"
    RECORDING = "recording", "Recording"
    #: A documentation-workflow thread (``/v1/lang-graph/threads``, ``/v1/threads``): its messages hold the
    #: transcript sent for a note and the note written from it, and its runs their input and output.
    THREAD = "thread", "Workflow thread"


class ActorKind(models.TextChoices):
    USER = "user", "Clinic user (login)"
    API_KEY = "api_key", "API key"
    STAFF = "staff", "Staff (admin / dashboard session)"
    SYSTEM = "system", "System"


class AuditEvent(models.Model):
    """One access to a clinical record.

    ``actor`` is the user's public ``uid`` (``ClinicUser.uid``), ``api_key:<prefix>`` for an API key
    (never the key), or a staff user's username; ``doctor_ref`` is the request's ``x-doctor`` header
    where the caller sent one (the documentation workflow's identifier of the doctor, as sent).
    ``object_id`` is the record's public id (UUID). No clinical content is stored here.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor = models.CharField(max_length=200)
    doctor_ref = models.CharField(max_length=200, blank=True, help_text="x-doctor header, as sent.")
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=16, choices=ObjectType.choices)
    object_id = models.CharField(max_length=64, db_index=True)
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")
