"""Built-in note templates: languages, lookup, JSON schema and Markdown rendering."""

from __future__ import annotations

import json

import pytest

from notes.engines.base import NOT_DISCUSSED, render_markdown
from templates.builtin import (
    BUILTIN_TEMPLATES,
    SUPPORTED_LANGUAGES,
    SectionSpec,
    TemplateSpec,
    get_builtin_template,
)

EXPECTED_KEYS = {
    "general_consultation",
    "dental_exam",
    "dental_hygiene",
    "dental_treatment",
    "SOAP",
    "BIRP",
    "DAP",
    "GIRP",
}


def test_all_builtins_present() -> None:
    assert set(BUILTIN_TEMPLATES) == EXPECTED_KEYS
    assert SUPPORTED_LANGUAGES == ("en", "es", "ca", "fr", "pt", "de", "it")


@pytest.mark.parametrize("key", sorted(EXPECTED_KEYS))
def test_every_heading_in_every_language(key: str) -> None:
    template = get_builtin_template(key)
    assert template.key == key
    assert template.sections, key
    keys = [s.key for s in template.sections]
    assert len(keys) == len(set(keys)), f"duplicate section keys in {key}"
    for section in template.sections:
        assert set(section.headings) == set(SUPPORTED_LANGUAGES), (key, section.key)
        for lang in SUPPORTED_LANGUAGES:
            heading = template.heading(section.key, lang)
            assert heading.strip() == heading and heading, (key, section.key, lang)
        assert section.guidance


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Physical Examination"),
        ("es", "Exploración física"),
        ("ca", "Exploració física"),
        ("fr", "Examen clinique"),
        ("pt", "Exame físico"),
        ("de", "Körperliche Untersuchung"),
        ("it", "Esame obiettivo"),
    ],
)
def test_localized_exam_heading(lang: str, expected: str) -> None:
    assert get_builtin_template("general_consultation").heading("physical_examination", lang) == expected


def test_behavioural_formats_have_their_sections() -> None:
    assert [s.key for s in get_builtin_template("BIRP").sections] == ["behavior", "intervention", "response", "plan"]
    assert [s.key for s in get_builtin_template("DAP").sections] == ["data", "assessment", "plan"]
    assert [s.key for s in get_builtin_template("GIRP").sections] == ["goals", "intervention", "response", "plan"]
    assert [s.key for s in get_builtin_template("SOAP").sections] == ["subjective", "objective", "assessment", "plan"]


def test_dental_templates_cover_dental_content() -> None:
    exam = {s.key for s in get_builtin_template("dental_exam").sections}
    assert {"chief_complaint", "intraoral_exam", "periodontal_charting", "radiographs", "diagnosis", "treatment_plan"} <= exam
    hygiene = {s.key for s in get_builtin_template("dental_hygiene").sections}
    assert {"periodontal_assessment", "plaque_bleeding", "procedure_performed", "oral_hygiene_instructions", "recall"} <= hygiene
    treatment = {s.key for s in get_builtin_template("dental_treatment").sections}
    assert {"procedure", "anaesthesia", "materials", "post_op_instructions", "next_visit"} <= treatment


def test_unknown_template_raises_keyerror() -> None:
    with pytest.raises(KeyError, match="unknown note template"):
        get_builtin_template("no_such_template")


def test_unknown_section_raises_keyerror() -> None:
    with pytest.raises(KeyError):
        get_builtin_template("SOAP").heading("history_of_present_illness", "en")


def test_unknown_language_falls_back_to_english() -> None:
    assert get_builtin_template("SOAP").heading("plan", "xx") == "Plan"


def test_json_schema_is_strict_structured_output_schema() -> None:
    template = get_builtin_template("general_consultation")
    schema = template.json_schema()
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["required"] == [s.key for s in template.sections]
    assert set(schema["properties"]) == set(schema["required"])
    assert all(p["type"] == "string" for p in schema["properties"].values())
    json.dumps(schema)  # serialisable


def test_templates_are_frozen() -> None:
    template = get_builtin_template("SOAP")
    with pytest.raises(AttributeError):
        template.key = "other"  # type: ignore[misc]


def test_render_markdown_order_and_placeholder() -> None:
    template = get_builtin_template("SOAP")
    md = render_markdown(template, "de", {"plan": "- Kontrolle in 2 Wochen", "objective": "  ", "extra": "ignored"})
    assert md.startswith("## Subjektiv\nNicht besprochen.\n\n## Objektiv\nNicht besprochen.\n\n")
    assert md.endswith("## Plan\n- Kontrolle in 2 Wochen\n")
    assert "ignored" not in md
    for lang in SUPPORTED_LANGUAGES:
        assert NOT_DISCUSSED[lang] in render_markdown(template, lang, {})


def test_custom_template_heading_fallbacks() -> None:
    custom = TemplateSpec(
        key="custom",
        name="Custom",
        sections=(SectionSpec("summary", {"es": "Resumen"}, "Summary."), SectionSpec("misc", {}, "")),
        kind="custom",
    )
    assert custom.heading("summary", "fr") == "Resumen"
    assert custom.heading("misc", "en") == "Misc"
