"""The structured outcome and the deterministic offline summary of a finished call."""

from __future__ import annotations

from calls.dialogue.facts import CallFacts
from calls.dialogue.languages import language_pack

#: Dialogue result (``state["result"]``) → structured outcome (:class:`calls.models.Outcome`).
RESULT_OUTCOME = {
    "confirmed": "confirmed",
    "cancelled": "cancelled",
    "reschedule_requested": "reschedule_requested",
    "follow_up_well": "confirmed",
    "follow_up_problem": "question",
    "custom_done": "confirmed",
    "question": "question",
    "voicemail": "voicemail",
    "wrong_number": "wrong_number",
    "silence": "no_answer",
    "no_answer": "no_answer",
    "busy": "no_answer",
    "hung_up": "failed",
    "unresolved": "failed",
    "max_length": "failed",
    "failed": "failed",
}


def outcome_of(state: dict) -> tuple[str, dict]:
    """``(outcome, outcome_detail)`` from a dialogue ``state``.

    ``outcome_detail`` has ``result`` (the dialogue result) and, when heard, ``question``,
    ``reschedule_preference``, ``symptoms`` (the patient's own words) and ``identity_confirmed``.
    """
    result = state.get("result") or ("hung_up" if state.get("identity_confirmed") is None else "unresolved")
    detail: dict = {"result": result, "identity_confirmed": bool(state.get("identity_confirmed"))}
    for key in ("question", "reschedule_preference", "symptoms"):
        if state.get(key):
            detail[key] = state[key]
    if result == "follow_up_problem":
        detail["needs_callback"] = True
    return RESULT_OUTCOME.get(result, "failed"), detail


def summarise(*, facts: CallFacts, state: dict, attempts: int = 1) -> str:
    """One or two sentences for the clinic, in the call's language, built only from the dialogue state
    (deterministic: the same call always gives the same summary)."""
    pack = language_pack(facts.language)
    result = state.get("result") or "hung_up"
    fields = facts.fields() | {"name": facts.patient_name, "attempts": attempts,
                               "question": state.get("question", "")}
    sentences = [pack.summaries.get(result, pack.summaries["failed"]).format(**fields)]
    if result != "question" and state.get("question"):
        sentences.append(pack.summaries["question"].format(**fields))
    return " ".join(sentences)
