"""The emergency detector: symptom text -> urgency, suspected condition, confidence, matched cues.

Deterministic and offline: every supported language's lexicon is matched (the text's language need
not be given), negated cues are ignored (:mod:`chatmed.emergency.text`), and the rules of
:mod:`chatmed.emergency.rules` decide. Typical cost is well under a millisecond per text
(``bench/emergency.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chatmed.emergency.rules import CRITICAL, LOW, MODERATE, MODERATE_CUES, RULES, URGENCY_ORDER, Rule
from chatmed.emergency.text import find_cues, lexicons_for, normalize, resolve


@dataclass(frozen=True)
class Detection:
    """``urgency_level`` (critical/high/moderate/low); ``rule`` that decided it (``None`` below high);
    ``language`` whose lexicon matched most cues (``None`` when none did); cue ids affirmed/negated."""

    urgency_level: str
    rule: Rule | None
    language: str | None
    affirmed: frozenset[str] = field(default_factory=frozenset)
    negated: frozenset[str] = field(default_factory=frozenset)
    fired: tuple[Rule, ...] = ()

    @property
    def confidence(self) -> float:
        if self.rule is not None:
            return self.rule.confidence
        return 0.6 if self.urgency_level == MODERATE else 0.5

    @property
    def is_critical(self) -> bool:
        return self.urgency_level == CRITICAL


def _extra_context(history: tuple[str, ...]) -> set[str]:
    """Profile conditions that act as cues (a diabetic profile supplies the ``diabetic`` cue)."""
    cues: set[str] = set()
    for code in history:
        if code.upper().startswith(("E10", "E11", "E13")):  # ICD-10-CM diabetes mellitus categories
            cues.add("diabetic")
    return cues


def detect(text: str, *, history_codes: tuple[str, ...] = ()) -> Detection:
    """Screen ``text`` for red flags.

    Args:
        text: free text in any supported language (en, es, ca, fr, pt, de, it, ar), any length.
        history_codes: ICD-10 codes of the patient's profile (context for some rules).
    """
    normalized = normalize(text or "")
    matches = []
    best_language, best_count = None, 0
    for lex in lexicons_for(normalized):
        found = find_cues(normalized, lex)
        matches.extend(found)
        # The answer's language: the lexicon with the most matched characters (ties: list order).
        covered = sum(m.end - m.start for m in found)
        if covered > best_count:
            best_language, best_count = lex.language, covered
    affirmed, negated = resolve(matches)
    affirmed |= _extra_context(history_codes)
    fired = tuple(rule for rule in RULES if all(group & affirmed for group in rule.requires))
    if fired:
        rule = min(fired, key=lambda r: (URGENCY_ORDER.index(r.urgency), -r.confidence))
        return Detection(rule.urgency, rule, best_language, frozenset(affirmed), frozenset(negated), fired)
    urgency = MODERATE if affirmed & MODERATE_CUES else LOW
    return Detection(urgency, None, best_language, frozenset(affirmed), frozenset(negated))
