"""Template lookup for the current clinic: built-ins first, then the clinic's own templates."""

from __future__ import annotations

from templates.builtin import BUILTIN_TEMPLATES, SectionSpec, TemplateSpec
from templates.models import NoteTemplate


class TemplateNotFound(LookupError):
    """No built-in or clinic template has the requested key."""


def template_from_model(template: NoteTemplate) -> TemplateSpec:
    """Convert a clinic's :class:`NoteTemplate` to a :class:`TemplateSpec`.

    Its headings are written in the template's language and used for every note language.
    """
    sections = tuple(
        SectionSpec(key=item["key"], headings={template.language: item["heading"]}, guidance=item.get("guidance", ""))
        for item in template.sections
    )
    return TemplateSpec(key=template.key, name=template.name, sections=sections, kind="custom")


def template_get(*, key: str) -> TemplateSpec:
    """Return the template called ``key`` for the clinic whose schema is active.

    Raises:
        TemplateNotFound: no built-in nor active clinic template has that key.
    """
    if key in BUILTIN_TEMPLATES:
        return BUILTIN_TEMPLATES[key]
    custom = NoteTemplate.objects.filter(key=key, is_active=True).first()
    if custom is None:
        raise TemplateNotFound(key)
    return template_from_model(custom)


def template_keys() -> list[str]:
    """Keys of every template usable by the current clinic (built-ins, then the clinic's own)."""
    return list(BUILTIN_TEMPLATES) + list(NoteTemplate.objects.filter(is_active=True).values_list("key", flat=True))
