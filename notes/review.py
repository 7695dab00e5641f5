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

_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class NoteSentence:
    """One piece of a note section as shown for review: a generated sentence with its evidence, or
    text around it (list numbers, labels such as "**History:**", words the clinician added).

    ``utterances``: transcript segment indices it comes from (empty when unknown); ``supported``
    False marks a sentence no utterance supports (with ``reasons``); ``traced`` tells whether the
    engine's evidence covers it; ``new_line`` that it starts a new line of the section; ``strong``
    that it is a bold label of the note's Markdown (shown without the asterisks).
    """

    text: str
    utterances: tuple[int, ...] = ()
    supported: bool = True
    reasons: tuple[str, ...] = ()
    traced: bool = False
    new_line: bool = False
    strong: bool = False


def note_sentences_with_evidence(*, note: ClinicalNote, section: str) -> list[NoteSentence]:
    """The text of ``section`` cut into the sentences the engine's evidence names, in order, and the
    text between them.

    Evidence is matched by exact sentence text within each line of the section, so a sentence the
    clinician edited shows no (stale) evidence and text that is no generated sentence stays plain.
    """
    body = (note.sections or {}).get(section, "") or ""
    entries = [e for e in note.evidence or [] if e.get("section") == section and (e.get("sentence") or "").strip()]
    used: set[int] = set()
    out: list[NoteSentence] = []
    for raw_line in body.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        starts_line = bool(out)
        cursor = 0
        while True:
            best: tuple[int, int] | None = None
            for number, entry in enumerate(entries):
                if number in used:
                    continue
                at = line.find(entry["sentence"].strip(), cursor)
                if at >= 0 and (best is None or at < best[0]):
                    best = (at, number)
            if best is None:
                break
            at, number = best
            if at > cursor:
                out += _plain(line[cursor:at], new_line=starts_line)
                starts_line = False
            sentence = entries[number]["sentence"].strip()
            out.append(_sentence(sentence, entries[number], new_line=starts_line))
            starts_line = False
            used.add(number)
            cursor = at + len(sentence)
        if cursor < len(line):
            out += _plain(line[cursor:], new_line=starts_line)
    return out


def _plain(text: str, *, new_line: bool) -> list[NoteSentence]:
    """Untraced text, with Markdown bold labels (``**History:**``) as strong pieces."""
    pieces: list[NoteSentence] = []
    cursor = 0
    for match in _BOLD.finditer(text):
        if text[cursor:match.start()].strip():
            pieces.append(NoteSentence(text=text[cursor:match.start()].strip(), new_line=new_line and not pieces))
        pieces.append(NoteSentence(text=match.group(1).strip(), strong=True, new_line=new_line and not pieces))
        cursor = match.end()
    if text[cursor:].strip():
        pieces.append(NoteSentence(text=text[cursor:].strip(), new_line=new_line and not pieces))
    return pieces


def _sentence(text: str, entry: dict, *, new_line: bool = False) -> NoteSentence:
    return NoteSentence(text=text, utterances=tuple(entry.get("utterances") or ()),
                        supported=bool(entry.get("supported", True)), reasons=tuple(entry.get("reasons") or ()),
                        traced=True, new_line=new_line)
