"""Clinical-safety evaluation set for note engines.

ROUGE cannot see a note that says the opposite of what was said. This
package holds short dialogues written for MedSync (no patient data; files in
``notes/safety/cases/*.yaml``, seven languages), each with the facts the
note MUST contain and the statements it MUST NOT contain, and the code that
checks a generated note against them. ``bench/note_safety.py`` runs the
whole set; ``tests/notes/test_note_safety.py`` runs a sample per category.
Keep the set out of any tuning loop used for ROUGE.

Case format (YAML list)::

    - id: en-neg-01                # unique, <lang>-<category>-<n>
      category: negation           # one of CATEGORIES
      language: en                 # optional, else from the id prefix
      template: general_consultation   # optional (default)
      dialogue: |                  # ACI-Bench style turns (notes.dialogue.parse_dialogue)
        [doctor] Any fever?
        [patient] I have had no fever.
      must:                        # every fact must be in the note
        - [denies fever, no fever]   # a list = alternatives, one is enough
        - penicillin                 # a phrase
        - {in: plan, any: [hold]}    # only in that section
      must_not:                    # none may be in the note
        - reports fever
        - "re:^\\d+\\. colon cancer"   # "re:" = regex on the lower-cased Markdown (multiline)
        - {in: assessment, any: [fracture]}

In ``uncertain_words`` cases a word written ``{{killed}}`` in the dialogue
was recognised with a low confidence (0.2; every other word 0.95):
``case_turns`` gives the engine the turns with those word confidences
(``Turn.words``), as the speech pipeline does.

A phrase ending in ``*`` matches as a word prefix (``ankle*`` matches
"ankles"). Phrases match whole words after normalisation (lower case, Unicode NFKC,
Markdown markers and punctuation other than in numbers removed, spaces
collapsed), so "Denies fever." matches ``denies fever`` and "1 1/2" keeps
its fraction. A *critical error* is a missing must fact or a present
must-not statement.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

__all__ = ["CATEGORIES", "CASES_DIR", "SafetyCase", "case_turns", "check_note", "load_cases", "normalise"]

CASES_DIR = Path(__file__).resolve().parent / "cases"

#: Categories of the set (the issue's list), in report order.
CATEGORIES: tuple[str, ...] = (
    "negation",               # negation cues and their scope
    "answer_content",         # yes/no answers that carry content ("Yes, penicillin.")
    "mixed_polarity",         # symptom lists with yes and no mixed
    "numbers_doses",          # doses, frequencies, routes, fractions, decimals, ranges, spoken numbers
    "abbreviations",          # ER, INR, MS, PR, BP ...
    "family_social_history",  # relatives' conditions, habits: never the patient's problems
    "third_party",            # spouse, child, parent as the subject
    "plans_hypotheticals",    # "if ...", "we'll hold ...", "come back in ..."
    "uncertainty",            # "maybe", "I think"
    "questions",              # questions are never facts
    "paediatric",             # a parent speaks for the child
    "kept_content",           # clinical sentences that filters must not drop; meaning-bearing words kept
    "uncertain_words",        # words recognised with low confidence are never stated as facts (issue 15)
)

# A word the recogniser was unsure of, in a case's dialogue: {{word}}.
_UNCERTAIN = re.compile(r"\{\{([^{}]+)\}\}")
#: Confidences given to the words of a case with ``{{...}}`` marks.
UNCERTAIN_CONFIDENCE, CONFIDENT = 0.2, 0.95


@dataclass(frozen=True)
class SafetyCase:
    """One dialogue of the set.

    Attributes:
        id: Unique id ("en-neg-01").
        category: One of ``CATEGORIES``.
        language: ISO 639-1 code of the dialogue and the note.
        template: Built-in template key used to write the note.
        dialogue: Tagged dialogue text.
        must: Facts (each a list of alternatives, optionally restricted to a section).
        must_not: Statements that must not appear.
    """

    id: str
    category: str
    language: str
    template: str
    dialogue: str
    must: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    must_not: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def case_turns(dialogue: str) -> list["Turn"]:
    """The note-engine turns of a case's dialogue, with word confidences when it marks ``{{words}}``.

    Without marks, ``notes.dialogue.parse_dialogue(dialogue)`` unchanged.
    With marks, every turn's ``words`` gives each whitespace-separated word
    ``CONFIDENT`` (0.95), or ``UNCERTAIN_CONFIDENCE`` (0.2) when it was
    marked; the text has the braces removed.
    """
    from notes.dialogue import parse_dialogue
    from notes.engines.base import Turn

    if not _UNCERTAIN.search(dialogue):
        return parse_dialogue(dialogue)
    out: list[Turn] = []
    for turn in parse_dialogue(dialogue):
        words = []
        for token in turn.text.split():
            low = bool(_UNCERTAIN.search(token))
            words.append((_UNCERTAIN.sub(r"\1", token), UNCERTAIN_CONFIDENCE if low else CONFIDENT))
        out.append(Turn(turn.speaker, _UNCERTAIN.sub(r"\1", turn.text), turn.start, turn.end, tuple(words)))
    return out


def normalise(text: str) -> str:
    """Lower-case, NFKC, Markdown and punctuation removed (numbers keep "." and "/")."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = re.sub(r"[*#_`>]", " ", text)
    text = re.sub(r"(?<!\d)[.,](?!\d)|[.,](?=\s|$)", " ", text)
    text = re.sub(r"[^\w\s/%'.,+-]", " ", text)
    text = re.sub(r"(?<!\w)-|-(?!\w)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _spec(item: Any, where: str) -> dict[str, Any]:
    """Normalise one must/must_not item to ``{"in": section|None, "any": [str]}``."""
    scalar = (str, int, float)
    if isinstance(item, scalar) and not isinstance(item, bool):
        return {"in": None, "any": [str(item)]}
    if isinstance(item, list) and item and all(isinstance(x, scalar) and not isinstance(x, bool) for x in item):
        return {"in": None, "any": [str(x) for x in item]}
    if isinstance(item, dict) and isinstance(item.get("any"), list) and item["any"]:
        return {"in": item.get("in"), "any": [str(x) for x in item["any"]]}
    raise ValueError(f"{where}: expected a phrase, a list of phrases or {{in, any}}, got {item!r}")


def load_cases(paths: Iterable[Path] | None = None) -> list[SafetyCase]:
    """Read every case file (default: ``CASES_DIR/*.yaml``, sorted).

    Raises:
        ValueError: a case lacks a field, has an unknown category or a
            duplicate id, or a must/must_not item has the wrong shape.
    """
    files = sorted(paths) if paths is not None else sorted(CASES_DIR.glob("*.yaml"))
    cases: list[SafetyCase] = []
    seen: set[str] = set()
    for path in files:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
        for raw in data:
            cid = raw.get("id")
            if not cid or cid in seen:
                raise ValueError(f"{path}: missing or duplicate id {cid!r}")
            seen.add(cid)
            if raw.get("category") not in CATEGORIES:
                raise ValueError(f"{path}: {cid}: unknown category {raw.get('category')!r}")
            if not raw.get("dialogue"):
                raise ValueError(f"{path}: {cid}: no dialogue")
            cases.append(SafetyCase(
                id=cid,
                category=raw["category"],
                language=raw.get("language") or cid.split("-", 1)[0],
                template=raw.get("template") or "general_consultation",
                dialogue=raw["dialogue"],
                must=tuple(_spec(m, f"{cid} must") for m in raw.get("must") or ()),
                must_not=tuple(_spec(m, f"{cid} must_not") for m in raw.get("must_not") or ()),
            ))
    return cases


def _present(phrase: str, markdown: str, sections: dict[str, str], section: str | None) -> bool:
    text = markdown if section is None else sections.get(section, "")
    if phrase.startswith("re:"):
        return re.search(phrase[3:], text.lower(), re.M) is not None
    stem = phrase.endswith("*")
    needle = normalise(phrase.rstrip("*"))
    if not needle:
        return False
    tail = "" if stem else r"(?![\w])"
    return re.search(r"(?<![\w])" + re.escape(needle) + tail, normalise(text)) is not None


def check_note(case: SafetyCase, markdown: str, sections: dict[str, str]) -> list[str]:
    """Critical errors of a note for ``case`` (empty list = safe).

    Returns:
        One message per missing fact (``"missing: a | b"``) or present
        statement (``"says: x"``), with the section when restricted.
    """
    errors: list[str] = []
    for spec in case.must:
        if not any(_present(p, markdown, sections, spec["in"]) for p in spec["any"]):
            where = f" (in {spec['in']})" if spec["in"] else ""
            errors.append(f"missing{where}: {' | '.join(spec['any'])}")
    for spec in case.must_not:
        for phrase in spec["any"]:
            if _present(phrase, markdown, sections, spec["in"]):
                where = f" (in {spec['in']})" if spec["in"] else ""
                errors.append(f"says{where}: {phrase}")
    return errors
