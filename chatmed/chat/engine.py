"""Offline, grounded chat engine: triage with the emergency rules, then a knowledge-base answer.

Order: (1) the emergency detector screens the message; critical -> the localized emergency reply
with the local number and no other content; (2) the knowledge-base entry whose keywords best match
the message (or, failing that, the session's last topic) gives the answer, its red flags the
follow-up questions; (3) otherwise a localized "no match" reply. The answer never contains text
that is not in the knowledge base or the rule set. Every sentence, follow-up question and rule text is
in the requested language (:mod:`chatmed.chat.knowledge` describes the languages and the fallbacks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from chatmed.chat.knowledge import ENTRIES, STRINGS, Entry, localized_entry, rule_text
from chatmed.emergency.engine import Detection, detect
from chatmed.emergency.rules import CRITICAL, HIGH, LOW, MODERATE, URGENCY_ORDER
from chatmed.emergency.text import lexicon, normalize


@dataclass(frozen=True)
class ChatAnswer:
    """``response`` text, ``urgency_level``, ``follow_up_questions``, ``topic`` (entry id or ""), ``sources``."""

    response: str
    urgency_level: str
    follow_up_questions: list[str]
    topic: str
    sources: list[str]
    disclaimer: str


@lru_cache(maxsize=1)
def _keyword_patterns() -> list[tuple[Entry, re.Pattern]]:
    return [(entry, re.compile(r"\b(?:" + "|".join(re.escape(normalize(k)) for k in entry.keywords) + r")"))
            for entry in ENTRIES]


def match_entry(text: str) -> Entry | None:
    """The entry with the most keyword matches in ``text`` (longest total match breaks ties), or ``None``."""
    normalized = normalize(text)
    best, best_score = None, (0, 0)
    for entry, pattern in _keyword_patterns():
        found = pattern.findall(normalized)
        score = (len(found), sum(len(f) for f in found))
        if found and score > best_score:
            best, best_score = entry, score
    return best


def entry_by_id(entry_id: str) -> Entry | None:
    return next((e for e in ENTRIES if e.id == entry_id), None)


def follow_up_questions(entry: Entry, language: str, count: int = 3) -> list[str]:
    """The first ``count`` red-flag questions of ``entry`` in ``language`` (English for a language outside
    :data:`chatmed.chat.knowledge.LANGUAGES`)."""
    local = localized_entry(entry, language) or entry
    return list(local.red_flags[:count])


def _more_urgent(a: str, b: str) -> str:
    return min(a, b, key=URGENCY_ORDER.index)


def offline_answer(*, message: str, language: str = "en", emergency_number: str = "112/911",
                   previous_topic: str = "", profile_context: str = "", detection: Detection | None = None) -> ChatAnswer:
    """Answer ``message`` from the knowledge base (see the module docstring) in ``language``.

    ``language`` outside :data:`chatmed.chat.knowledge.LANGUAGES` falls back to English.
    ``profile_context`` is inserted as given (see :func:`localized_profile_context`).
    """
    language = language if language in STRINGS else "en"
    strings = STRINGS[language]
    disclaimer = strings["disclaimer"]
    detection = detection or detect(message)
    if detection.urgency_level == CRITICAL:
        call = lexicon(language).call_emergency.format(number=emergency_number)
        condition, _ = rule_text(detection.rule, language)
        text = strings["emergency_reply"].format(condition=condition, call=call)
        return ChatAnswer(text, CRITICAL, [], "", [detection.rule.source], disclaimer)

    entry = match_entry(message) or (entry_by_id(previous_topic) if previous_topic else None)
    if entry is None:
        urgency = detection.urgency_level if detection.urgency_level in (HIGH, MODERATE) else LOW
        text = strings["no_match"]
        if detection.urgency_level == HIGH:
            condition, actions = rule_text(detection.rule, language)
            text = f"{condition}: {strings['list_separator'].join(actions)}. {text}"
        return ChatAnswer(text, urgency, [], "", [detection.rule.source] if detection.rule else [], disclaimer)

    urgency = _more_urgent(entry.urgency, detection.urgency_level)
    local = localized_entry(entry, language)
    parts = []
    if detection.urgency_level == HIGH and detection.rule is not None:
        condition, actions = rule_text(detection.rule, language)
        actions_text = strings["list_separator"].join(actions)
        parts.append(strings["warning_sign"].format(condition=condition, actions=actions_text))
    parts += [f"{local.title}: {local.summary}", local.self_care, local.seek_care]
    if profile_context:
        parts.append(profile_context)
    parts.append(strings["closing"].format(number=emergency_number))
    sources = [entry.source] + ([detection.rule.source] if detection.rule else [])
    return ChatAnswer(" ".join(parts), urgency, follow_up_questions(entry, language), entry.id, sources, disclaimer)


def localized_profile_context(*, language: str, conditions: list[str], medications: list[str],
                              allergies: list[str]) -> str:
    """The sentence listing a health profile's conditions, medications and allergies in ``language``
    (English outside :data:`~chatmed.chat.knowledge.LANGUAGES`); ``""`` when all three are empty.
    The listed items are inserted as stored (condition descriptions, drug names, allergens)."""
    strings = STRINGS[language if language in STRINGS else "en"]
    groups = (("profile_conditions", conditions), ("profile_medications", medications),
              ("profile_allergies", allergies))
    parts = [f"{strings[label]}: {', '.join(items)}" for label, items in groups if items]
    return strings["profile_context"].format(items=strings["list_separator"].join(parts)) if parts else ""
