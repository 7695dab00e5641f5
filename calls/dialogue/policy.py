"""Dialogue policies of the call agent: what to say next.

A policy is pure: it reads and updates a JSON-serialisable ``state`` dict (stored on the call, so a
call can be resumed and summarised) and returns the agent's next :class:`AgentTurn`. The same
policies serve the Twilio and the simulated calls, text and audio alike.

:class:`ScriptedPolicy` (offline) follows one script per purpose:

1. **Identity check** before any detail (guard rail): "Am I speaking with {name}?" — yes goes on;
   no / wrong number ends politely without saying anything about the appointment.
2. **Purpose** — reminder/confirmation: "… will you attend?" → confirm / cancel / reschedule (a bare
   "no" asks "cancel or change?"); follow-up: "how are you feeling?" → well / problem (the clinic
   calls back); custom: the clinic's ``message`` then "any questions?".
3. Questions are never answered (no medical advice): they are noted for the clinic.
   Unclear answers are asked again twice, then the call ends as unresolved.

The result (``state["result"]``) is a summary key of the language modules (``confirmed``,
``cancelled``, ``reschedule_requested``, ``follow_up_well``, ``follow_up_problem``, ``custom_done``,
``question``, ``wrong_number``, ``unresolved``, ``silence``, ``max_length``, ``voicemail``);
:mod:`calls.dialogue.summary` maps it to the structured outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from calls.dialogue.facts import CallFacts
from calls.dialogue.intents import detect
from calls.dialogue.languages import language_pack

#: Unclear answers tolerated per question before the call ends unresolved.
MAX_UNCLEAR = 2
#: Silences (each ``silence_timeout_seconds`` long) before the agent hangs up; the first one is
#: answered with "are you still there?".
MAX_SILENCES = 2


@dataclass(frozen=True)
class AgentTurn:
    """What the agent says next; ``end_call``: hang up after saying it."""

    text: str
    end_call: bool = False


class DialoguePolicy(Protocol):
    name: str

    def opening(self, state: dict) -> AgentTurn: ...

    def respond(self, state: dict, utterance: str) -> AgentTurn: ...

    def on_silence(self, state: dict) -> AgentTurn: ...

    def on_max_length(self, state: dict) -> AgentTurn: ...

    def voicemail(self, state: dict) -> AgentTurn: ...


_PURPOSE_QUESTION = {
    "appointment_reminder": "ask_attend",
    "appointment_confirmation": "ask_attend",
    "follow_up": "ask_feeling",
    "custom": "ask_questions",
}


class ScriptedPolicy:
    """The offline policy (see the module docstring)."""

    name = "scripted"

    def __init__(self, facts: CallFacts) -> None:
        self.facts = facts
        self.pack = language_pack(facts.language)

    # -- helpers ----------------------------------------------------------------------------------
    def say(self, *keys: str) -> str:
        fields = self.facts.fields()
        return " ".join(self.pack.phrases[k].format(**fields) for k in keys)

    def _end(self, state: dict, result: str, *keys: str) -> AgentTurn:
        state["step"] = "done"
        state.setdefault("result", result)
        return AgentTurn(self.say(*keys), end_call=True)

    def _purpose_intro(self) -> str:
        purpose = self.facts.purpose
        if purpose == "custom":
            return self.say("custom" if self.facts.message else "custom_generic")
        if purpose in ("appointment_reminder", "appointment_confirmation") and not self.facts.date_text:
            return self.say("ask_attend")
        return self.say(purpose)

    def _question_key(self, state: dict) -> str:
        step = state.get("step")
        if step == "identity":
            return "ask_identity"
        if step == "cancel_or_reschedule":
            return "cancel_or_reschedule"
        return _PURPOSE_QUESTION[self.facts.purpose]

    def _unclear(self, state: dict) -> AgentTurn:
        state["unclear"] = state.get("unclear", 0) + 1
        if state["unclear"] > MAX_UNCLEAR:
            if state.get("question"):
                return self._end(state, "question", "question_noted_end")
            return self._end(state, "unresolved", "unresolved")
        return AgentTurn(self.say("unclear", self._question_key(state)))

    def _starts_with(self, utterance: str, *intents: str) -> bool:
        """True when the answer's first word is a cue of one of ``intents`` ("Yes, but ...", "No, ...")."""
        first = utterance.strip().split(maxsplit=1)
        return bool(first) and bool(set(intents) & detect(first[0].strip(",.!¡¿?"), self.pack))

    def _starts_with_yes(self, utterance: str) -> bool:
        return self._starts_with(utterance, "affirm")

    def _note_question(self, state: dict, utterance: str) -> None:
        questions = state.setdefault("questions", [])
        questions.append(utterance.strip()[:500])
        state["question"] = " ".join(questions)[:500]

    # -- the policy -------------------------------------------------------------------------------
    def opening(self, state: dict) -> AgentTurn:
        state.update(step="identity", unclear=0, silences=0)
        return AgentTurn(self.say("identity"))

    def respond(self, state: dict, utterance: str) -> AgentTurn:
        intents = detect(utterance, self.pack)
        state["silences"] = 0
        state["heard"] = True
        step = state.get("step", "identity")
        if "voicemail" in intents and step == "identity":
            return self.voicemail(state)
        if step == "identity":
            return self._identity(state, intents)
        if step == "purpose":
            if self.facts.purpose in ("appointment_reminder", "appointment_confirmation"):
                return self._appointment(state, intents, utterance)
            if self.facts.purpose == "follow_up":
                return self._follow_up(state, intents, utterance)
            return self._custom(state, intents, utterance)
        if step == "cancel_or_reschedule":
            return self._cancel_or_reschedule(state, intents, utterance)
        return AgentTurn("", end_call=True)

    def _identity(self, state: dict, intents: frozenset[str]) -> AgentTurn:
        if "wrong_person" in intents or ("deny" in intents and "affirm" not in intents):
            return self._end(state, "wrong_number", "wrong_person")
        if "affirm" in intents:
            state.update(step="purpose", unclear=0, identity_confirmed=True)
            return AgentTurn(self._purpose_intro())
        return self._unclear(state)

    def _appointment(self, state: dict, intents: frozenset[str], utterance: str) -> AgentTurn:
        if "reschedule" in intents:
            state["reschedule_preference"] = utterance.strip()[:500]
            return self._end(state, "reschedule_requested", "reschedule")
        if "cancel" in intents:
            return self._end(state, "cancelled", "cancelled")
        if "question" in intents and not self._starts_with_yes(utterance):
            # "Where is the clinic exactly?" holds cue words of a yes ("exactly"): a question wins
            # unless the answer opens with the yes ("Yes, but where is it?")
            self._note_question(state, utterance)
            return AgentTurn(self.say("question_noted", "ask_attend"))
        if "affirm" in intents:
            if "question" in intents:
                self._note_question(state, utterance)
            return self._end(state, "confirmed", "confirmed")
        if "deny" in intents:
            state.update(step="cancel_or_reschedule", unclear=0)
            return AgentTurn(self.say("cancel_or_reschedule"))
        return self._unclear(state)

    def _cancel_or_reschedule(self, state: dict, intents: frozenset[str], utterance: str) -> AgentTurn:
        if "reschedule" in intents:
            state["reschedule_preference"] = utterance.strip()[:500]
            return self._end(state, "reschedule_requested", "reschedule")
        if "cancel" in intents:
            return self._end(state, "cancelled", "cancelled")
        if "question" in intents:
            self._note_question(state, utterance)
            return AgentTurn(self.say("question_noted", "cancel_or_reschedule"))
        return self._unclear(state)

    def _follow_up(self, state: dict, intents: frozenset[str], utterance: str) -> AgentTurn:
        if "problem" in intents:
            state["symptoms"] = utterance.strip()[:500]
            return self._end(state, "follow_up_problem", "follow_up_problem")
        if "well" in intents or "affirm" in intents:
            return self._end(state, "follow_up_well", "follow_up_well")
        if "question" in intents:
            self._note_question(state, utterance)
            return AgentTurn(self.say("question_noted", "ask_feeling"))
        return self._unclear(state)

    def _custom(self, state: dict, intents: frozenset[str], utterance: str) -> AgentTurn:
        if self._starts_with(utterance, "deny", "no_questions") and "?" not in utterance:
            # "No thanks, I have no questions" names questions without asking one
            return self._end(state, "custom_done", "custom_done")
        if "question" in intents or ("affirm" in intents and len(utterance.split()) > 2):
            self._note_question(state, utterance)
            return self._end(state, "question", "question_noted_end")
        if intents & {"no_questions", "deny", "well", "affirm", "thanks"}:
            return self._end(state, "custom_done", "custom_done")
        return self._unclear(state)

    def on_silence(self, state: dict) -> AgentTurn:
        state["silences"] = state.get("silences", 0) + 1
        if state["silences"] >= MAX_SILENCES:
            return self._end(state, "unresolved" if state.get("heard") else "silence", "silence_goodbye")
        return AgentTurn(self.say("still_there", self._question_key(state)))

    def on_max_length(self, state: dict) -> AgentTurn:
        return self._end(state, "max_length", "max_length")

    def voicemail(self, state: dict) -> AgentTurn:
        state["step"] = "done"
        state["result"] = "voicemail"
        return AgentTurn(self.say("voicemail"), end_call=True)
