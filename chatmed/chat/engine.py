"""Offline, grounded chat engine: triage with the emergency rules, then a knowledge-base answer.

Order: (1) the emergency detector screens the message; critical -> the localized emergency reply
with the local number and no other content; (2) the knowledge-base entry whose keywords best match
the message (or, failing that, the session's last topic) gives the answer, its red flags the
follow-up questions; (3) otherwise a localized "no match" reply. The answer never contains text
that is not in the knowledge base or the rule set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from chatmed.chat.knowledge import DISCLAIMERS, EMERGENCY_REPLY, ENGLISH_ONLY_NOTE, ENTRIES, NO_MATCH, Entry
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


def _more_urgent(a: str, b: str) -> str:
    return min(a, b, key=URGENCY_ORDER.index)


def offline_answer(*, message: str, language: str = "en", emergency_number: str = "112/911",
                   previous_topic: str = "", profile_context: str = "", detection: Detection | None = None) -> ChatAnswer:
    """Answer ``message`` from the knowledge base (see the module docstring)."""
    language = language if language in DISCLAIMERS else "en"
    disclaimer = DISCLAIMERS[language]
    detection = detection or detect(message)
    if detection.urgency_level == CRITICAL:
        call = lexicon(language).call_emergency.format(number=emergency_number)
        text = EMERGENCY_REPLY[language].format(condition=detection.rule.condition, call=call)
        return ChatAnswer(text, CRITICAL, [], "", [detection.rule.source], disclaimer)

    entry = match_entry(message) or (entry_by_id(previous_topic) if previous_topic else None)
    if entry is None:
        urgency = detection.urgency_level if detection.urgency_level in (HIGH, MODERATE) else LOW
        text = NO_MATCH[language]
        if detection.urgency_level == HIGH:
            text = f"{detection.rule.condition}: {' '.join(detection.rule.actions)}. {text}"
        return ChatAnswer(text, urgency, [], "", [detection.rule.source] if detection.rule else [], disclaimer)

    urgency = _more_urgent(entry.urgency, detection.urgency_level)
    parts = []
    if language != "en":
        parts.append(ENGLISH_ONLY_NOTE[language])
    if detection.urgency_level == HIGH and detection.rule is not None:
        parts.append(f"Your description includes a warning sign ({detection.rule.condition.lower()}): "
                     f"{'; '.join(detection.rule.actions)}.")
    parts += [f"{entry.title}: {entry.summary}", entry.self_care, entry.seek_care]
    if profile_context:
        parts.append(profile_context)
    parts.append(f"If symptoms get worse or you notice any warning sign, call {emergency_number}.")
    sources = [entry.source] + ([detection.rule.source] if detection.rule else [])
    return ChatAnswer(" ".join(parts), urgency, list(entry.red_flags[:3]), entry.id, sources, disclaimer)
