"""Template lookup for the current clinic: built-ins first, then the clinic's own templates."""

from __future__ import annotations

import re

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


_NOTES_TYPE_SUFFIX = re.compile(r"(?:[_-]clinical)?[_-]notes?(?:[_-](?P<lang>[a-z]{2}))?$", re.I)


def templates_available() -> dict[str, TemplateSpec]:
    """Every template usable by the current clinic, by key: built-ins, then the clinic's own."""
    available = dict(BUILTIN_TEMPLATES)
    for template in NoteTemplate.objects.filter(is_active=True):
        available.setdefault(template.key, template_from_model(template))
    return available


def template_resolve(*, name: str) -> TemplateSpec:
    """The template a client names, forgivingly: an exact key, a key in another case (``"soap"``), or a
    MediSync ``notes_type`` such as ``"soap_clinical_notes_de"`` (template ``SOAP``).

    Raises:
        TemplateNotFound: nothing matches.
    """
    name = (name or "").strip()
    try:
        return template_get(key=name)
    except TemplateNotFound:
        pass
    candidates = templates_available()
    by_lower = {key.lower(): spec for key, spec in candidates.items()}
    stripped = _NOTES_TYPE_SUFFIX.sub("", name)
    for candidate in (name.lower(), stripped.lower()):
        if candidate and candidate in by_lower:
            return by_lower[candidate]
    raise TemplateNotFound(name)
