"""Clinical notes and their version history (tenant schema)."""

from __future__ import annotations

import uuid

from django.db import models


class ClinicalNote(models.Model):
    """A clinical note written from an encounter's transcript with a template.

    ``content`` is the current Markdown; ``sections`` the same content keyed by section key;
    every change bumps ``version`` and keeps the previous text in :class:`ClinicalNoteVersion`.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recording = models.ForeignKey(
        "transcription.Recording", null=True, blank=True, on_delete=models.SET_NULL, related_name="notes"
    )
    template_key = models.CharField(max_length=100)
    language = models.CharField(max_length=8)
    engine = models.CharField(max_length=40)
    content = models.TextField()
    sections = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template_key} note v{self.version}"


class ClinicalNoteVersion(models.Model):
    """A past or current version of a note, kept whenever the note changes."""

    note = models.ForeignKey(ClinicalNote, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    content = models.TextField()
    sections = models.JSONField(default=dict)
    engine = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["note", "version"]
        constraints = [models.UniqueConstraint(fields=["note", "version"], name="unique_note_version")]
