"""Cue-based understanding of a patient's answer, in the call's language (data: ``languages/``)."""

from __future__ import annotations

from calls.dialogue.languages import LanguagePack, normalise

INTENTS = ("affirm", "deny", "cancel", "reschedule", "question", "wrong_person", "problem", "well", "no_questions",
           "thanks", "voicemail")


def detect(text: str, pack: LanguagePack) -> frozenset[str]:
    """The intents whose cues occur in ``text`` (any subset of :data:`INTENTS`; empty = unclear).

    A question mark counts as a ``question`` cue. Cues are matched on :func:`normalise`-d text as
    whole words or phrases.
    """
    norm = normalise(text)
    found = {intent for intent, patterns in pack.cues.items() if any(p.search(norm) for p in patterns)}
    if "?" in text or "¿" in text:
        found.add("question")
    return frozenset(found)
