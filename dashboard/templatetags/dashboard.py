"""Template helpers of the dashboard's pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def speaker_label(tag: str, labels: dict[str, str] | None) -> str:
    """The display label of a speaker given in the API's form (``"SPEAKER_1"``): its name in
    ``labels`` (``{"SPEAKER_n": label}``, see ``dashboard.note_views``), else ``tag`` unchanged."""
    return (labels or {}).get(tag, tag)
