"""Structured clinical note content: validation against a template and rendering as Markdown.

``ai_generated_content`` (documentation workflow, ``PATCH /v1/clinical-notes/{id}``) maps section
keys to a string, a list of strings, a JSON object (a structured section such as ICD-10 codes or
medications) or null; the Markdown note gets one ``## Heading`` per template section.
"""

from __future__ import annotations

import json

from notes.models import ClinicalNote


class ClinicalNoteInvalid(ValueError):
    """A requested note change is invalid; the message names the field (a 400 for the API)."""


CUSTOM_TEMPLATE = "custom"


def section_text(value) -> str:
    """The text of one note section value, for the Markdown note.

    ``"text"`` stays as is; a list becomes one ``- item`` line per item; a JSON object becomes one
    ``- Key: value`` line per entry (a structured section such as ICD-10 codes or medications);
    nested lists and objects inside those are written inline (``a, b`` / ``k: v; k: v``); ``null``
    is an empty section.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(f"- {_inline(item)}" for item in value if _inline(item))
    if isinstance(value, dict):
        return "\n".join(f"- {_label(k)}: {_inline(v)}" for k, v in value.items() if _inline(v))
    return _inline(value)


def _inline(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(text for text in (_inline(v) for v in value) if text)
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_inline(v)}" for k, v in value.items() if _inline(v))
    return json.dumps(value, ensure_ascii=False)


def _label(key) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _check_section_values(content: dict) -> None:
    """Each value: a string, a list (of strings or objects), a JSON object, or null (empty section)."""
    for key, value in content.items():
        if value is None or isinstance(value, (str, dict)):
            continue
        if isinstance(value, list) and all(isinstance(item, (str, dict)) for item in value):
            continue
        raise ClinicalNoteInvalid(
            f"ai_generated_content.{key}: must be a string, a list of strings, a JSON object or null"
        )


def note_content_render(*, template_key: str, content: dict, language: str) -> tuple[str, dict[str, str], str]:
    """Validate structured note ``content`` for ``template_key`` and render it.

    A known template (built-in such as ``SOAP``, or one of the clinic's) accepts its section keys
    only (any subset: a missing section renders as "Not discussed."); ``"custom"`` accepts any key
    (clinical documentation workflow seed, "Custom Templates"). A value is a string, a list of
    strings, a JSON object (a structured section such as codes or medications) or null; see
    :func:`section_text` for how each is written in the Markdown note. Headings are in ``language``
    for the languages templates are translated to, English otherwise.

    Returns:
        ``(template_key, sections, markdown)`` with the template's canonical key and each section's text.
    Raises:
        ClinicalNoteInvalid: unknown template, unknown section keys (naming them and the template's
            keys) or a value of another type.
    """
    from notes.engines.base import render_markdown
    from templates.selectors import TemplateNotFound, template_resolve

    if not isinstance(content, dict):
        raise ClinicalNoteInvalid("ai_generated_content: must be a JSON object")
    _check_section_values(content)
    if template_key.lower() == CUSTOM_TEMPLATE:
        sections = {str(k): section_text(v) for k, v in content.items()}
        markdown = "\n\n".join(f"## {_label(k)}\n{v.strip()}" for k, v in sections.items())
        return CUSTOM_TEMPLATE, sections, (markdown + "\n") if markdown else ""
    try:
        template = template_resolve(name=template_key)
    except TemplateNotFound:
        raise ClinicalNoteInvalid(
            f"template: unknown template {template_key!r}; use SOAP, BIRP, DAP, GIRP, custom or a clinic template"
        ) from None
    unknown = [str(k) for k in content if k not in template.section_keys]
    if unknown:
        raise ClinicalNoteInvalid(
            f"ai_generated_content: unknown section key(s) {', '.join(unknown)} for template {template.key}; "
            f"its keys are {', '.join(template.section_keys)}"
        )
    sections = {key: section_text(content[key]) for key in template.section_keys if key in content}
    return template.key, sections, render_markdown(template, language, sections)


def merged_content(note: ClinicalNote, patch: dict, template_key: str) -> dict:
    """``patch`` applied over the note's sections: named sections replaced, the others kept.

    When the template changes, only the old sections that the new template also has are kept.
    """
    if not isinstance(patch, dict):
        return patch  # note_content_render reports it
    kept = dict(note.ai_generated_content or {})
    if template_key != note.template_key and template_key.lower() != CUSTOM_TEMPLATE:
        from templates.selectors import TemplateNotFound, template_resolve

        try:
            keys = set(template_resolve(name=template_key).section_keys)
        except TemplateNotFound:
            keys = set()
        kept = {k: v for k, v in kept.items() if k in keys}
    return kept | patch
