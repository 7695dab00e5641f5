"""Clinic-defined note templates (tenant schema). Built-in templates live in ``templates.builtin``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


def validate_sections(value) -> None:
    """Sections must be a non-empty list of ``{"key", "heading", "guidance"?}`` objects.

    Raises:
        ValidationError: on any other shape, a bad key or duplicate keys.
    """
    if not isinstance(value, list) or not value:
        raise ValidationError("sections must be a non-empty list")
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not isinstance(item.get("heading"), str):
            raise ValidationError('each section needs a "key" and a "heading" (strings)')
        key = item["key"]
        if not key.replace("_", "").isalnum() or key in seen:
            raise ValidationError(f"invalid or duplicate section key {key!r}")
        if "guidance" in item and not isinstance(item["guidance"], str):
            raise ValidationError("guidance must be a string")
        seen.add(key)


class NoteTemplate(models.Model):
    """A clinic's own note template: sections (key, heading in the template's language, guidance)."""

    key = models.SlugField(max_length=100, unique=True, help_text="Used as `template` in API requests.")
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=8, default="en")
    sections = models.JSONField(validators=[validate_sections])
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"
