"""Parse tagged dialogue text into ``Turn`` objects.

The input format is the one of ACI-Bench (Yim et al., 2023): one turn per
line, each starting with a bracketed speaker tag, e.g.::

    [doctor] hi , martha . how are you ?
    [patient] i'm doing okay .
    [patient_guest] she has been coughing all week .

Lines without a tag continue the previous turn.
"""

from __future__ import annotations

import re

from notes.engines.base import CLINICIAN, PATIENT, Turn

_TAG_RE = re.compile(r"^\s*\[\s*([A-Za-z][A-Za-z0-9 _\-]*)\s*\]\s*:?\s*(.*)$")

# Tags that denote the clinician or the patient; everything else is another
# participant (ACI-Bench uses e.g. "patient_guest", "doctor_guest").
_CLINICIAN_TAGS = frozenset({"doctor", "clinician", "physician", "dentist", "provider", "dr"})
_PATIENT_TAGS = frozenset({"patient", "client", "pt"})


def parse_dialogue(text: str) -> list[Turn]:
    """Parse ACI-Bench style tagged dialogue.

    Args:
        text: Lines like ``[doctor] ...`` / ``[patient] ...``. Tags are
            case-insensitive. ``doctor`` (and clinician synonyms) -> speaker 0,
            ``patient`` -> speaker 1; any other tag (``patient_guest``,
            ``nurse``, ...) gets its own id 2, 3, ... in order of first
            appearance. Untagged non-blank lines are appended to the previous
            turn. Consecutive lines with the same tag stay separate turns.

    Returns:
        Turns in order; ``start``/``end`` are ``None`` (the format has no times).

    Raises:
        ValueError: if the text contains no tagged turn with any words, or if
            it has untagged text before the first tag.
    """
    turns: list[tuple[int, list[str]]] = []
    other_ids: dict[str, int] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _TAG_RE.match(line)
        if match is None:
            if not turns:
                raise ValueError(
                    f"line {lineno}: text before the first speaker tag; expected lines like "
                    "'[doctor] ...' or '[patient] ...'"
                )
            turns[-1][1].append(line)
            continue
        tag = match.group(1).strip().lower().replace(" ", "_")
        speaker = _speaker_id(tag, other_ids)
        turns.append((speaker, [match.group(2).strip()]))

    result = [
        Turn(speaker=speaker, text=" ".join(p for p in parts if p))
        for speaker, parts in turns
    ]
    result = [t for t in result if t.text]
    if not result:
        raise ValueError(
            "no dialogue turns found; expected lines like '[doctor] ...' or '[patient] ...'"
        )
    return result


def _speaker_id(tag: str, other_ids: dict[str, int]) -> int:
    """Map a lower-case speaker tag to a speaker id, allocating 2+ for others."""
    if tag in _CLINICIAN_TAGS:
        return CLINICIAN
    if tag in _PATIENT_TAGS:
        return PATIENT
    if tag not in other_ids:
        other_ids[tag] = 2 + len(other_ids)
    return other_ids[tag]
