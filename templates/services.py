"""Writes of clinic-defined note templates (``/v1/templates`` and the admin)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from templates.builtin import BUILTIN_TEMPLATES, SUPPORTED_LANGUAGES
from templates.models import NoteTemplate, validate_sections


class TemplateInvalid(ValueError):
    """The template definition is invalid; the message names the field."""


class TemplateExists(TemplateInvalid):
    """The clinic already has a template with this key (a conflict, not invalid input: 409)."""


def _validate(*, key: str, language: str, sections: list) -> None:
    if key.lower() in {k.lower() for k in BUILTIN_TEMPLATES} or key.lower() == "custom":
        raise TemplateInvalid(f"key: {key!r} is a built-in template name")
    if language not in SUPPORTED_LANGUAGES:
        raise TemplateInvalid(f"language: unsupported language {language!r}; supported: {', '.join(SUPPORTED_LANGUAGES)}")
    try:
        validate_sections(sections)
    except ValidationError as exc:
        raise TemplateInvalid("sections: " + " ".join(exc.messages)) from None


@transaction.atomic
def template_create(*, key: str, name: str, language: str, sections: list[dict]) -> NoteTemplate:
    """Create a clinic template: sections ``[{"key", "heading", "guidance"}]`` with headings in ``language``.

    Raises:
        TemplateExists: the key is taken.
        TemplateInvalid: built-in key, unsupported language, invalid sections.
    """
    _validate(key=key, language=language, sections=sections)
    if NoteTemplate.objects.filter(key=key).exists():
        raise TemplateExists(f"key: a template {key!r} already exists")
    return NoteTemplate.objects.create(key=key, name=name, language=language, sections=sections)


@transaction.atomic
def template_update(*, template: NoteTemplate, **changes) -> NoteTemplate:
    """Change ``name``, ``language``, ``sections`` or ``is_active`` of a clinic template."""
    for name, value in changes.items():
        setattr(template, name, value)
    _validate(key=template.key, language=template.language, sections=template.sections)
    template.save()
    return template
