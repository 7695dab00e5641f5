"""A clinician's review of a note: section edits, earlier versions (diff, restore), ICD-10-CM
decisions and the evidence of each sentence.

Writes go through :mod:`notes.services` (every change is a new :class:`ClinicalNoteVersion`);
what is added here is the review's own rule: a signed-off note is read-only until it is
explicitly edited through the API (which withdraws the sign-off, see ``clinical_note_update``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from notes.models import ClinicalNote, ClinicalNoteVersion
from notes.services import ClinicalNoteConflict, _note_new_version, clinical_note_update

__all__ = [
    "DECISIONS", "NoteSentence", "clinical_note_diagnoses_store", "clinical_note_diagnosis_decide",
    "clinical_note_ensure_editable", "clinical_note_restore", "clinical_note_section_edit", "note_sentences_with_evidence",
    "note_version_diff",
]

#: A clinician's decision on an ICD-10-CM suggestion.
DECISIONS = ("pending", "accepted", "rejected")


def clinical_note_ensure_editable(*, note: ClinicalNote) -> None:
    """Raise :class:`ClinicalNoteConflict` when ``note``'s current version is signed off (read-only)."""
    if note.signed_off_at is not None:
        raise ClinicalNoteConflict(
            f"Version {note.version} was signed off by {note.signed_off_by_name}; it can no longer be changed"
        )


def clinical_note_section_edit(*, note: ClinicalNote, section: str, text: str, actor: str) -> ClinicalNote:
    """Replace one section's text; an effective change is a new version (unchanged text: no version).

    Raises:
        ClinicalNoteConflict: the note is signed off.
        ClinicalNoteInvalid: ``section`` is not a section of the note's template.
    """
    clinical_note_ensure_editable(note=note)
    return clinical_note_update(note=note, actor=actor, ai_generated_content={section: text})


@transaction.atomic
def clinical_note_restore(*, note: ClinicalNote, version: int, actor: str) -> ClinicalNote:
    """Make an earlier version's content current again, as a new version (history is never rewritten).

    Raises:
        ClinicalNoteConflict: the note is signed off.
        ClinicalNoteVersion.DoesNotExist: the note has no such version.
    """
    note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
    clinical_note_ensure_editable(note=note)
    old = ClinicalNoteVersion.objects.get(note=note, version=version)
    changed = {name: getattr(old, name) for name in ("content", "sections", "ai_generated_content", "template_key")
               if getattr(note, name) != getattr(old, name)}
    if not changed:
        return note
    return _note_new_version(note, changed, actor=actor)


def note_version_diff(*, old: ClinicalNoteVersion | ClinicalNote, new: ClinicalNoteVersion | ClinicalNote) -> list[dict]:
    """Line diff of two versions' Markdown (:mod:`difflib`), for display.

    Returns:
        ``[{"op": "equal"|"insert"|"delete", "text": line}, ...]`` in order.
    """
    a, b = old.content.splitlines(), new.content.splitlines()
    out: list[dict] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [{"op": "equal", "text": line} for line in a[i1:i2]]
            continue
        out += [{"op": "delete", "text": line} for line in a[i1:i2]]
        out += [{"op": "insert", "text": line} for line in b[j1:j2]]
    return out


# --- ICD-10-CM suggestions ----------------------------------------------------------------------------


@transaction.atomic
def clinical_note_diagnoses_store(*, note: ClinicalNote, suggestions: Sequence) -> ClinicalNote:
    """Keep ``suggestions`` (:class:`notes.diagnosis.base.DiagnosisSuggestion`) on the note.

    A code suggested again keeps the clinician's earlier decision; an accepted code that is no
    longer suggested is kept (a clinician's acceptance is never dropped silently).
    """
    note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
    earlier = {d["code"]: d for d in note.diagnoses or []}
    stored = []
    for suggestion in suggestions:
        item = suggestion.as_dict()
        before = earlier.pop(item["code"], None)
        item.update(decision="pending", decided_by="", decided_at=None)
        if before is not None:
            item.update({k: before.get(k) for k in ("decision", "decided_by", "decided_at")})
        stored.append(item)
    stored += [d for d in earlier.values() if d.get("decision") == "accepted"]
    note.diagnoses = stored
    note.save(update_fields=["diagnoses", "updated_at"])
    return note


@transaction.atomic
def clinical_note_diagnosis_decide(*, note: ClinicalNote, code: str, decision: str, actor: str) -> ClinicalNote:
    """Record the clinician's ``decision`` (``accepted`` / ``rejected`` / ``pending``) on suggestion ``code``.

    Raises:
        ValueError: unknown decision or a code that was not suggested for this note.
        ClinicalNoteConflict: the note is signed off.
    """
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
    note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
    clinical_note_ensure_editable(note=note)
    diagnoses = [dict(d) for d in note.diagnoses or []]
    for item in diagnoses:
        if item["code"] == code:
            item.update(decision=decision, decided_by=actor, decided_at=timezone.now().isoformat())
            break
    else:
        raise ValueError(f"{code} was not suggested for this note")
    note.diagnoses = diagnoses
    note.save(update_fields=["diagnoses", "updated_at"])
    return note


# --- evidence ---------------------------------------------------------------------------------------

# Sentence ends as the note engines split them: ., ! or ? followed by space, or a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class NoteSentence:
    """One sentence of a note section as shown for review.

    ``utterances``: transcript segment indices it comes from (empty when unknown, e.g. edited by
    hand); ``supported`` False marks a sentence no utterance supports (with ``reasons``).
    """

    text: str
    utterances: tuple[int, ...] = ()
    supported: bool = True
    reasons: tuple[str, ...] = ()
    traced: bool = False
    new_line: bool = False


def note_sentences_with_evidence(*, note: ClinicalNote, section: str) -> list[NoteSentence]:
    """The sentences of ``section`` with the evidence the engine stored for them.

    Evidence is matched by exact sentence text in that section, so a sentence edited by the
    clinician shows no (stale) evidence. Evidence entries holding several sentences (a line such as
    "Constitutional: Reports fever. Denies chills.") are matched as a whole line first.
    """
    body = (note.sections or {}).get(section, "") or ""
    entries = [e for e in note.evidence or [] if e.get("section") == section]
    by_text = {" ".join(e.get("sentence", "").split()): e for e in entries}
    out: list[NoteSentence] = []
    for line in body.splitlines():
        key = " ".join(line.split())
        if not key:
            continue
        first = bool(out)  # a sentence that starts a new line of the section (after the first)
        entry = by_text.get(key) or by_text.get(key.lstrip("-* ").strip())
        if entry is not None:
            out.append(_sentence(line.strip(), entry, new_line=first))
            continue
        for part in _SENTENCE_END.split(line.strip()):
            if part.strip():
                found = by_text.get(" ".join(part.split()))
                out.append(_sentence(part.strip(), found, new_line=first) if found
                           else NoteSentence(text=part.strip(), new_line=first))
                first = False
    return out


def _sentence(text: str, entry: dict, *, new_line: bool = False) -> NoteSentence:
    return NoteSentence(text=text, utterances=tuple(entry.get("utterances") or ()),
                        supported=bool(entry.get("supported", True)), reasons=tuple(entry.get("reasons") or ()),
                        traced=True, new_line=new_line)
