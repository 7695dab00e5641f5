"""A clinical note for other systems: a PDF (ReportLab) and FHIR R4 resources (``fhir.resources``).

FHIR: a ``Bundle`` of type ``collection`` holding the note as a ``Composition`` (one ``section`` per
note section, narrative XHTML) and as a ``DocumentReference`` (the Markdown as a base64
attachment). Both are validated with ``fhir.resources.R4B`` (FHIR 4.3, whose Composition,
DocumentReference and Bundle are the R4 4.0.1 definitions unchanged) before they leave, so an
invalid document is never exported. The note type is LOINC 34109-9 "Note"
(https://loinc.org/34109-9); status follows the sign-off: ``final`` once signed off, else
``preliminary`` (http://hl7.org/fhir/R4/valueset-composition-status.html).
"""

from __future__ import annotations

import base64
import html
import io
import json
import uuid
from dataclasses import dataclass

from notes.models import ClinicalNote

__all__ = ["NoteParties", "note_fhir_bundle", "note_pdf", "note_sections_ordered"]

LOINC_NOTE = {"system": "http://loinc.org", "code": "34109-9", "display": "Note"}


@dataclass(frozen=True)
class NoteParties:
    """Who a note is about and by: ids are MediSync's public ids (patient UUID, user ``uid``)."""

    patient_id: str = ""
    patient_name: str = ""
    patient_birth_date: str = ""
    clinician_id: str = ""
    clinician_name: str = ""
    clinic_name: str = ""
    encounter_label: str = ""


def _section_titles(note: ClinicalNote) -> dict[str, str]:
    """Section key -> heading in the note's language (template headings; the key otherwise)."""
    from templates.selectors import TemplateNotFound, template_resolve

    try:
        template = template_resolve(name=note.template_key)
    except TemplateNotFound:
        return {key: key.replace("_", " ").capitalize() for key in note.sections or {}}
    return {spec.key: spec.heading(note.language) for spec in template.sections}


def note_sections_ordered(note: ClinicalNote) -> list[tuple[str, str, str]]:
    """``[(key, heading, text), ...]`` in template order, then any other stored section."""
    titles = _section_titles(note)
    sections = note.sections or {}
    keys = [k for k in titles if k in sections] + [k for k in sections if k not in titles]
    return [(k, titles.get(k, k), sections.get(k) or "") for k in keys]


# --- FHIR ------------------------------------------------------------------------------------------


def _xhtml(text: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return f'<div xmlns="http://www.w3.org/1999/xhtml">{paragraphs or "<p/>"}</div>'


def note_fhir_bundle(*, note: ClinicalNote, parties: NoteParties) -> dict:
    """The note as a FHIR R4 ``Bundle`` (``collection``) of a ``Composition`` and a ``DocumentReference``.

    Returns:
        The Bundle as a JSON-ready ``dict``, validated by ``fhir.resources``.
    Raises:
        pydantic.ValidationError: the resources would not be valid FHIR (a defect, never expected).
    """
    from fhir.resources.R4B.bundle import Bundle

    status = "final" if note.signed_off_at else "preliminary"
    date = (note.signed_off_at or note.updated_at).isoformat()
    subject = {"reference": f"Patient/{parties.patient_id}", "display": parties.patient_name} \
        if parties.patient_id else None
    author = {"reference": f"Practitioner/{parties.clinician_id}", "display": parties.clinician_name} \
        if parties.clinician_id else {"display": parties.clinic_name or "MedSync"}
    title = parties.encounter_label or "Clinical note"
    composition: dict = {
        "resourceType": "Composition", "id": str(note.uuid),
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{note.uuid}"},
        "status": status, "type": {"coding": [LOINC_NOTE], "text": "Clinical note"}, "date": date,
        "author": [author], "title": title, "language": note.language,
        "section": [{"title": heading, "text": {"status": "generated", "div": _xhtml(text)}}
                    for _, heading, text in note_sections_ordered(note)],
        "extension": [{"url": "https://medsync.example/fhir/StructureDefinition/note-version",
                       "valueInteger": note.version}],
    }
    if note.signed_off_at:
        composition["attester"] = [{"mode": "legal", "time": note.signed_off_at.isoformat(),
                                    "party": {"reference": f"Practitioner/{note.signed_off_by_uid}",
                                              "display": note.signed_off_by_name}}]
    document_reference: dict = {
        "resourceType": "DocumentReference", "id": f"{note.uuid}-doc",
        "status": "current", "docStatus": status, "type": {"coding": [LOINC_NOTE]}, "date": date,
        "author": [author], "description": title,
        "content": [{"attachment": {
            "contentType": "text/markdown; charset=utf-8", "language": note.language, "title": title,
            "data": base64.b64encode(note.content.encode()).decode(), "creation": note.created_at.isoformat(),
        }}],
    }
    if subject:
        composition["subject"] = subject
        document_reference["subject"] = subject
    bundle = {"resourceType": "Bundle", "type": "collection", "timestamp": date, "entry": [
        {"fullUrl": f"urn:uuid:{note.uuid}", "resource": composition},
        {"fullUrl": f"urn:uuid:{uuid.uuid5(note.uuid, 'DocumentReference')}", "resource": document_reference},
    ]}
    validated = Bundle.model_validate(bundle)
    return json.loads(validated.model_dump_json(exclude_none=True))


# --- PDF -------------------------------------------------------------------------------------------


def note_pdf(*, note: ClinicalNote, parties: NoteParties, labels: dict[str, str] | None = None) -> bytes:
    """The note as an A4 PDF (ReportLab Platypus): header with patient and clinician, one block per
    section, and the sign-off (or "not signed off") line.

    ``labels``: translated captions (``patient``, ``clinician``, ``version``, ``signed``, ``unsigned``,
    ``date_of_birth``); English by default. Returns the PDF bytes.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    text = {"patient": "Patient", "clinician": "Clinician", "version": "Version", "date_of_birth": "Date of birth",
            "signed": "Signed off by {name} at {at}", "unsigned": "Not signed off", **(labels or {})}
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=18 * mm, bottomMargin=18 * mm,
                                 title=parties.encounter_label or "Clinical note", author=parties.clinic_name)
    esc = html.escape
    story = [Paragraph(esc(parties.encounter_label or "Clinical note"), styles["Title"])]
    facts = [f"<b>{esc(text['patient'])}:</b> {esc(parties.patient_name)}"]
    if parties.patient_birth_date:
        facts.append(f"<b>{esc(text['date_of_birth'])}:</b> {esc(parties.patient_birth_date)}")
    if parties.clinician_name:
        facts.append(f"<b>{esc(text['clinician'])}:</b> {esc(parties.clinician_name)}")
    facts.append(f"<b>{esc(text['version'])}:</b> {note.version}")
    story += [Paragraph(" &nbsp; ".join(facts), styles["Normal"]), Spacer(1, 4 * mm)]
    for _, heading, body in note_sections_ordered(note):
        story.append(Paragraph(esc(heading), styles["Heading2"]))
        for line in (body or "").splitlines() or [""]:
            if line.strip():
                story.append(Paragraph(esc(line), styles["BodyText"]))
    story.append(Spacer(1, 6 * mm))
    if note.signed_off_at:
        signed = text["signed"].format(name=note.signed_off_by_name, at=note.signed_off_at.strftime("%Y-%m-%d %H:%M UTC"))
    else:
        signed = text["unsigned"]
    story.append(Paragraph(f"<i>{esc(signed)}</i>", styles["Normal"]))
    document.build(story)
    return buffer.getvalue()
