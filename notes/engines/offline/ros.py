"""Review of systems: symptoms asked about and their polarity, grouped by body system.

Body systems follow the CMS 1995/1997 documentation guidelines' list of 14
systems; symptom terms per language in ``ROS_SYSTEMS``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from notes.engines import clinical_lexicon
from notes.engines.base import CLINICIAN, PATIENT
from notes.engines.offline.lexicons import _DENIES, _REPORTS
from notes.engines.offline.model import _Context, _Sentence
from notes.engines.offline.languages import per_key_language


# Body-system lexicon for the review of systems (English labels, per-language
# symptom terms). System grouping follows the CMS 1995/1997 documentation
# guidelines' list of 14 systems.
_ROS_SYSTEMS: dict[str, dict[str, tuple[str, ...]]] = per_key_language("ROS_SYSTEMS")


# A symptom the question takes as given ("any nausea *with the belly pain*?"):
# a yes/no answer is not about it.
_PRESUPPOSED = re.compile(
    r"\b(?:with|besides|other than|apart from|except|along with|because of|from|since|after|con|además de|aparte de|"
    r"amb|a part de|avec|en plus de|com|além de|mit|außer|neben|oltre a|a parte)\s+(?:the|your|this|that|el|la|los|las|"
    r"le|les|o|a|os|as|der|die|das|dem|den|il|lo|i|gli|su|sus|vostre|votre|vos|seu|sua|ihre[mn]?|suo|sua)?\s*$",
    re.I,
)


def _asked_symptoms(question: str, lang: str) -> list[tuple[str, str]]:
    """Symptoms a yes/no question asks about (not the ones it presupposes)."""
    return [
        (system, term) for system, term, start, _ in _symptom_spans(question, lang)
        if not _PRESUPPOSED.search(question[:start])
    ]


# Spoken symptom wording -> note wording (English). Same meaning, only the
# form changes ("swelling in your legs" -> "leg swelling").
_ROS_DISPLAY_EN: dict[str, str] = {
    "chest pains": "chest pain",
    "swelling in your legs": "leg swelling",
    "swelling in my legs": "leg swelling",
    "swelling in your ankles": "ankle swelling",
    "harm yourself": "thoughts of self-harm",
    "hurt yourself": "thoughts of self-harm",
    "short of breath": "shortness of breath",
    "blood in your stool": "blood in stool",
    "blood in the stool": "blood in stool",
    "blood in your urine": "blood in urine",
    "trouble breathing": "difficulty breathing",
    "trouble swallowing": "difficulty swallowing",
    "hard to swallow": "difficulty swallowing",
    "painful to swallow": "painful swallowing",
    "hurts to swallow": "painful swallowing",
    "pain with swallowing": "painful swallowing",
    "pain when i swallow": "painful swallowing",
    "sweaty": "sweating",
    "trouble sleeping": "difficulty sleeping",
    "fevers": "fever",
    "headaches": "headache",
    "dizzy": "dizziness",
    "tired": "fatigue",
    "tiredness": "fatigue",
    "itchy": "itching",
    "depressed": "depression",
    "anxious": "anxiety",
    "coughing": "cough",
    "passing out": "syncope",
    "fainting": "syncope",
    "belly pain": "abdominal pain",
    "stomach pain": "abdominal pain",
    "muscle aches": "muscle pain",
}


def _ros_display(term: str, lang: str) -> str:
    """Note wording of a symptom term (English mapping; others unchanged)."""
    if lang == "en":
        return _ROS_DISPLAY_EN.get(term, term)
    return term


@lru_cache(maxsize=None)
def _ros_alternation(lang: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for every review-of-systems term of ``lang`` (longest first) and term -> system."""
    system_of: dict[str, str] = {}
    for system, by_lang in _ROS_SYSTEMS.items():
        for term in by_lang.get(lang, ()) or by_lang["en"]:
            system_of.setdefault(term, system)
    alternation = "|".join(re.escape(t) for t in sorted(system_of, key=len, reverse=True))
    return re.compile(r"(?<![\w])(?:" + alternation + r")(?![\w])"), system_of


def _symptom_spans(text: str, lang: str) -> list[tuple[str, str, int, int]]:
    """(system, symptom, start, end) of each review-of-systems term in ``text``.

    One entry per symptom (its first mention), in order of appearance; a
    term inside a longer one ("pain" in "chest pain") is not listed apart.
    """
    low = text.lower()
    pattern, system_of = _ros_alternation(lang)
    out: list[tuple[str, str, int, int]] = []
    for m in pattern.finditer(low):
        term = m.group(0)
        # German nouns keep their capital letter from the transcript.
        said = text[m.start() : m.end()] if lang == "de" else term
        if any(said.lower() in f.lower() or f.lower() in said.lower() for _, f, _, _ in out):
            continue
        out.append((system_of[term], said, m.start(), m.end()))
    return out


def _symptoms_in(text: str, lang: str) -> list[tuple[str, str]]:
    """(system, symptom) pairs mentioned in ``text`` for the review of systems."""
    return [(system, term) for system, term, _, _ in _symptom_spans(text, lang)]


def _affirmed_symptoms(text: str, lang: str, speaker: int) -> list[tuple[str, str]]:
    """Symptoms ``text`` states as present for the patient (not negated, hedged,
    hypothetical, or about another person when the patient speaks)."""
    out = []
    for system, term, start, end in _symptom_spans(text, lang):
        scope = clinical_lexicon.scope_of(text, start, lang, end=end)
        if scope.negated or scope.hedged or scope.conditional or (scope.third_party and speaker == PATIENT):
            continue
        out.append((system, term))
    return out


def _review_of_systems(
    sentences: list[_Sentence], ctx: _Context, evidence: list[tuple[str, list[int]]] | None = None
) -> str:
    """Reported/denied symptoms from yes/no exchanges and patient statements."""
    lang = ctx.src_lang
    entries: dict[str, dict[str, list[str]]] = {}
    order: list[str] = []
    system_turns: dict[str, set[int]] = {}
    current: list[int] = []

    def add(system: str, polarity: str, term: str) -> None:
        term = _ros_display(term, lang)
        if system not in entries:
            entries[system] = {"+": [], "-": []}
            order.append(system)
        other = "-" if polarity == "+" else "+"
        if term in entries[system][polarity]:
            return
        if term in entries[system][other]:
            if polarity == "-":
                return
            # Said both ways ("I never had chest pain before this week ...
            # this week I had chest pain twice"): the affirmed mention wins,
            # a denial must never hide a reported symptom.
            entries[system]["-"].remove(term)
        entries[system][polarity].append(term)
        system_turns.setdefault(system, set()).update(current)

    turn_sentences: dict[int, list[_Sentence]] = {}
    for s in sentences:
        turn_sentences.setdefault(s.turn, []).append(s)
    turn_terms: dict[int, set[str]] = {}
    for s in sentences:
        if s.speaker == CLINICIAN or not s.text:
            continue
        said = _symptom_spans(s.text, lang)
        # A symptom named anywhere in the answer turn is decided by its own
        # clause, not by the yes/no ("No rash. The itching is bad at night.").
        if s.turn not in turn_terms:
            turn_terms[s.turn] = {
                t.lower() for x in turn_sentences[s.turn] if x.text for _, t in _symptoms_in(x.text, lang)
            }
        said_terms = turn_terms[s.turn]
        current[:] = [s.turn]
        if s.question is not None and s.answer_polarity != 0:
            current.append(s.question.turn)
        if s.question is not None and s.answer_polarity != 0 and not s.polarity_named_only:
            # The yes/no covers the symptoms asked about, except those the
            # answer itself qualifies ("Any fever or chills?" - "Yes, but no
            # chills.": fever yes, chills no).
            for system, term in _asked_symptoms(s.question.text, lang):
                if term.lower() not in said_terms:
                    add(system, "+" if s.answer_polarity > 0 else "-", term)
        for system, term, start, end in said:
            # Polarity per symptom from its own clause (NegEx-style scope):
            # "I have had no fever", "yes, but no shortness of breath".
            scope = clinical_lexicon.scope_of(s.text, start, lang, end=end)
            if scope.hedged or scope.conditional or (scope.third_party and s.speaker == PATIENT):
                # Unsure, hypothetical, or another person's ("my wife has
                # had a fever"): the sentence stays in the history as said,
                # but the review of systems lists only the patient's facts.
                continue
            add(system, "-" if scope.negated else "+", term)

    if not order:
        return ""
    reports = _REPORTS.get(ctx.note_lang, "Reports")
    denies = _DENIES.get(ctx.note_lang, "Denies")
    lines: list[str] = []
    for system in sorted(order, key=lambda k: list(_ROS_SYSTEMS).index(k)):
        pos = entries[system]["+"]
        neg = entries[system]["-"]
        bits = []
        if pos:
            bits.append(f"{reports} {_join(pos, ctx.note_lang)}.")
        if neg:
            bits.append(f"{denies} {_join(neg, ctx.note_lang)}.")
        label = system if ctx.note_lang == "en" else ""
        lines.append(f"- {label}: {' '.join(bits)}" if label else f"- {' '.join(bits)}")
        if evidence is not None:
            evidence.append((lines[-1][2:], sorted(system_turns.get(system, ()))))
    return "\n".join(lines)


def _join(items: list[str], lang: str) -> str:
    """Join list items with a localized "and"."""
    conj = {"en": "and", "es": "y", "ca": "i", "fr": "et", "pt": "e", "de": "und", "it": "e"}.get(lang, "and")
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]
