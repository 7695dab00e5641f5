"""Clinic staff manage their clinic's note templates at ``<clinic>.localhost/admin/``: sections with
their guidance, the language, and a preview of a note written with the template (offline note engine
on a short sample visit, :mod:`clinicadmin.previews`). The built-in templates are listed on the same
page, each with its sections, languages and a preview."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join

from clinics.admin import ClinicStaffAdmin
from templates.builtin import BUILTIN_TEMPLATES, SUPPORTED_LANGUAGES, TemplateSpec
from templates.models import NoteTemplate, validate_sections
from templates.selectors import template_from_model


def _sections_table(template: TemplateSpec, language: str) -> str:
    rows = format_html_join(
        "", "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
        ((s.key, s.heading(language), s.guidance or "—") for s in template.sections),
    )
    return format_html(
        '<table class="w-full text-sm sections-table"><thead><tr><th scope="col" class="text-left">Key</th>'
        '<th scope="col" class="text-left">Heading</th><th scope="col" class="text-left">Guidance</th></tr></thead>'
        "<tbody>{}</tbody></table>", rows)


def _preview_html(template: TemplateSpec, language: str) -> str:
    from clinicadmin.previews import note_preview
    from notes.engines import NoteEngineError

    try:
        note = note_preview(template=template, language=language)
    except NoteEngineError as exc:
        return format_html('<p class="text-red-600">The preview could not be written: {}</p>', exc.message)
    return format_html(
        '<p class="text-xs mb-2">Written by the offline note engine from a made-up sample visit.</p>'
        '<pre class="note-preview whitespace-pre-wrap text-sm">{}</pre>', note.markdown)


@admin.register(NoteTemplate)
class NoteTemplateAdmin(ClinicStaffAdmin):
    list_display = ("key", "name", "language", "section_count", "is_active", "updated_at")
    list_filter = ("language", "is_active")
    search_fields = ("key", "name")
    readonly_fields = ("sections_view", "preview", "created_at", "updated_at")
    change_list_template = "admin/note_templates/notetemplate/change_list.html"
    allow_add = True
    allow_delete = True

    def get_fields(self, request, obj=None):
        fields = ["key", "name", "language", "sections", "is_active"]
        return fields + (["sections_view", "preview", "created_at", "updated_at"] if obj else [])

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "sections":
            field.help_text = ('A JSON list of sections in note order: [{"key": "findings", "heading": "Findings", '
                               '"guidance": "what belongs in this section"}, ...]. Headings are in the template\'s '
                               "language; the guidance steers the note engines.")
        if db_field.name == "language":
            field.help_text = "Language of the headings: " + ", ".join(SUPPORTED_LANGUAGES) + "."
        return field

    @admin.display(description="sections")
    def section_count(self, obj: NoteTemplate) -> int:
        return len(obj.sections or [])

    @admin.display(description="sections (as the note engines read them)")
    def sections_view(self, obj: NoteTemplate) -> str:
        try:
            validate_sections(obj.sections)
        except ValidationError:
            return "—"
        return _sections_table(template_from_model(obj), obj.language)

    @admin.display(description="preview of a note")
    def preview(self, obj: NoteTemplate) -> str:
        try:
            validate_sections(obj.sections)
        except ValidationError:
            return "—"
        return _preview_html(template_from_model(obj), obj.language)

    def changelist_view(self, request, extra_context=None):
        builtins = [{"key": t.key, "name": t.name, "kind": t.kind, "sections": len(t.sections)}
                    for t in BUILTIN_TEMPLATES.values()]
        return super().changelist_view(request, {**(extra_context or {}), "builtin_templates": builtins})

    def get_urls(self):
        return [path("builtin/<str:key>/", self.admin_site.admin_view(self.builtin_view),
                     name="note_templates_notetemplate_builtin")] + super().get_urls()

    def builtin_view(self, request, key: str):
        """A built-in template's sections and a preview in the chosen language (``?language=``)."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        template = BUILTIN_TEMPLATES.get(key)
        if template is None:
            raise Http404("No such built-in template.")
        language = request.GET.get("language", "en")
        if language not in SUPPORTED_LANGUAGES:
            language = "en"
        context = {
            **self.admin_site.each_context(request),
            "title": f"Built-in template: {template.name}",
            "opts": self.model._meta,
            "template_spec": template,
            "language": language,
            "languages": SUPPORTED_LANGUAGES,
            "sections_table": _sections_table(template, language),
            "preview": _preview_html(template, language),
        }
        return TemplateResponse(request, "admin/note_templates/notetemplate/builtin.html", context)
