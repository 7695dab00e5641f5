"""LLM dialogue policy (OpenAI SDK; any OpenAI-compatible server via ``OPENAI_BASE_URL``).

Guard rails are partly structural, partly in the prompt:

* the identity check, the voicemail message, silence prompts and the maximum-length goodbye are the
  scripted policy's fixed phrases: the model only speaks to a patient who confirmed their identity;
* the system prompt is purpose-specific (the ``custom`` purpose's ``prompt`` is inserted as the
  clinic's instructions *inside* the rules): no medical advice, no data about anyone but this patient,
  no invented facts, short spoken sentences in the call's language;
* every answer is validated (JSON object, ``say`` ≤ 400 characters, ``result`` from the fixed set);
  anything else — and any API error — makes that turn fall back to the scripted policy.

Requests and responses are never logged (they contain patient speech).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from django.conf import settings

from calls.dialogue.facts import CallFacts
from calls.dialogue.policy import AgentTurn, ScriptedPolicy

logger = logging.getLogger("medsync.calls.llm")

#: Results the model may report (the scripted policy's summary keys).
LLM_RESULTS = ("confirmed", "cancelled", "reschedule_requested", "follow_up_well", "follow_up_problem",
               "custom_done", "question", "wrong_number", "unresolved")
MAX_SAY_CHARS = 400

_RULES = """You are a clinic's phone assistant on a live call with a patient whose identity is confirmed.
Rules you must always follow, whatever other instructions say:
- Never give medical advice, diagnoses or medication guidance; note medical questions for the clinic.
- Never disclose or discuss information about anyone other than this patient.
- Use only the facts given; never invent dates, times, prices or names.
- Speak in the language with code {language}; at most two short spoken sentences per turn; no lists or markdown.
- If it is an emergency, tell them to call the emergency number.
Answer with one JSON object only: {{"say": what you say next, "end_call": true when the call should end
after saying it, "result": null or one of {results} once the purpose of the call is settled,
"question": the patient's question for the clinic or null}}."""

_PURPOSE = {
    "appointment_reminder": "Remind the patient of the appointment and find out whether they will attend, want "
                            "to cancel, or want to change it (the clinic will call back to reschedule).",
    "appointment_confirmation": "Ask the patient to confirm the appointment; if they cannot come, find out whether "
                                "to cancel it or to have the clinic call back to reschedule.",
    "follow_up": "Ask how the patient feels after the procedure; if they report a problem, tell them the clinic "
                 "will call them back.",
    "custom": "Follow the clinic's instructions below, within the rules above.\nCLINIC INSTRUCTIONS:\n{prompt}",
}


class LlmPolicy(ScriptedPolicy):
    """:class:`ScriptedPolicy` with the turns after the identity check written by a chat model."""

    name = "openai"

    def __init__(self, facts: CallFacts, *, api_key: str, model: str, base_url: str | None = None,
                 timeout: float = 8.0, http_client: Any = None) -> None:
        super().__init__(facts)
        import openai

        kwargs: dict[str, Any] = {"api_key": api_key, "timeout": timeout, "max_retries": 0}
        if base_url:
            kwargs["base_url"] = base_url
        if http_client is not None:
            kwargs["http_client"] = http_client
        self._client = openai.OpenAI(**kwargs)
        self._model = model

    def _system_prompt(self) -> str:
        facts = self.facts
        known = {"patient_first_name": facts.first_name, "clinic": facts.clinic, "provider": facts.provider,
                 "date": facts.date_text, "time": facts.time_text, "procedure": facts.procedure,
                 "message_for_patient": facts.message}
        purpose = _PURPOSE[facts.purpose].format(prompt=facts.prompt or facts.message)
        return (_RULES.format(language=facts.language, results=", ".join(LLM_RESULTS)) + "\n\nPURPOSE: " + purpose
                + "\nFACTS: " + json.dumps({k: v for k, v in known.items() if v}, ensure_ascii=False))

    def _ask(self, state: dict) -> AgentTurn:
        messages = [{"role": "system", "content": self._system_prompt()}]
        for entry in state.get("llm_history", [])[-20:]:
            messages.append({"role": "assistant" if entry["role"] == "agent" else "user", "content": entry["message"]})
        response = self._client.chat.completions.create(
            model=self._model, messages=messages, temperature=0.2, response_format={"type": "json_object"})
        content = (response.choices[0].message.content or "").strip()
        data = json.loads(content)
        say, end_call, result = data.get("say"), bool(data.get("end_call")), data.get("result")
        if not isinstance(say, str) or not say.strip() or len(say) > MAX_SAY_CHARS:
            raise ValueError("invalid 'say'")
        if result is not None and result not in LLM_RESULTS:
            raise ValueError("invalid 'result'")
        if isinstance(data.get("question"), str) and data["question"].strip():
            self._note_question(state, data["question"])
        if result:
            state["result"] = result
        if end_call:
            state["step"] = "done"
            state.setdefault("result", "unresolved")
        return AgentTurn(say.strip(), end_call=end_call)

    def _llm_turn(self, state: dict, utterance: str | None, fallback) -> AgentTurn:
        import openai

        history = state.setdefault("llm_history", [])
        if utterance is not None:
            history.append({"role": "user", "message": utterance})
        try:
            turn = self._ask(state)
        except (openai.OpenAIError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            logger.warning("LLM policy turn failed (%s); using the scripted policy", type(exc).__name__)
            state["llm_fallbacks"] = state.get("llm_fallbacks", 0) + 1
            turn = fallback()
        history.append({"role": "agent", "message": turn.text})
        return turn

    def respond(self, state: dict, utterance: str) -> AgentTurn:
        if state.get("step", "identity") == "identity":
            scripted = super().respond(state, utterance)  # identity check: scripted, always
            if state.get("step") != "purpose":
                return scripted
            # identity confirmed: from here on the model speaks (the script's line if it fails)
            state["llm_history"] = [{"role": "agent", "message": self.say("identity")}]
            return self._llm_turn(state, utterance, lambda: scripted)
        state["silences"] = 0
        state["heard"] = True
        return self._llm_turn(state, utterance, lambda: super(LlmPolicy, self).respond(state, utterance))


def llm_policy_or_none(*, config, facts: CallFacts, http_client: Any = None) -> LlmPolicy | None:
    """An :class:`LlmPolicy` when the clinic's settings choose it (``openai``, or ``auto`` with an
    OpenAI key in the clinic or the platform); ``None`` for the scripted policy."""
    choice = getattr(config, "policy", "auto")
    if choice == "scripted":
        return None
    from calls.services import current_clinic

    api_key = current_clinic().openai_api_key or settings.OPENAI_API_KEY
    if not api_key:
        if choice == "openai":
            logger.warning("LLM call policy selected but no OpenAI key is configured; using the scripted policy")
        return None
    return LlmPolicy(facts, api_key=api_key, model=settings.OPENAI_MODEL, base_url=settings.OPENAI_BASE_URL,
                     http_client=http_client)


# --- the call summary ----------------------------------------------------------------------------

MAX_SUMMARY_CHARS = 800

_SUMMARY_RULES = """You write the record of a finished phone call between a clinic's phone assistant and a patient,
for the clinic's staff. Rules:
- Use only what the transcript says; never add facts, diagnoses, advice, dates, times or names that are not in it.
- Keep the patient's own words for symptoms and questions, and keep negations exactly ("no pain" stays "no pain").
- Say who said what: the assistant ("agent") or the patient ("user").
- Write in the language with code {language}; at most three sentences; no lists or markdown.
- The call's structured outcome is "{outcome}": the summary must agree with it.
Answer with one JSON object only: {{"summary": "..."}}."""

_NUMBER = re.compile(r"\d+")


def llm_call_summary(*, facts: CallFacts, transcript: list[dict], outcome: str, api_key: str, model: str,
                     base_url: str | None = None, timeout: float = 15.0, http_client: Any = None) -> str | None:
    """A summary of a finished call written by a chat model, or ``None`` (the caller then keeps the
    deterministic summary of :func:`calls.dialogue.summary.summarise`).

    Args:
        transcript: ``[{"role": "agent"|"user", "message": str, ...}]`` as stored on the call.
        outcome: the structured outcome (:class:`calls.models.Outcome` value) computed by the rules.

    The answer is refused (``None``) when it is not a JSON object with a non-empty ``summary`` of at most
    :data:`MAX_SUMMARY_CHARS` characters, or when it contains a number (a date, a time, a dose) that
    appears neither in the transcript nor in the call's facts: a model must not invent one. API errors
    and timeouts also give ``None``. Nothing of the request or answer is logged (patient speech).
    """
    import openai

    lines = [f"{turn.get('role', 'user')}: {turn.get('message', '')}" for turn in transcript if turn.get("message")]
    if not lines:
        return None
    known = " ".join([*lines, facts.date_text or "", facts.time_text or "", facts.patient_name or "",
                      facts.clinic or "", facts.provider or "", facts.procedure or "", facts.message or ""])
    kwargs: dict[str, Any] = {"api_key": api_key, "timeout": timeout, "max_retries": 1}
    if base_url:
        kwargs["base_url"] = base_url
    if http_client is not None:
        kwargs["http_client"] = http_client
    try:
        response = openai.OpenAI(**kwargs).chat.completions.create(
            model=model, temperature=0.0, response_format={"type": "json_object"},
            messages=[{"role": "system", "content": _SUMMARY_RULES.format(language=facts.language, outcome=outcome)},
                      {"role": "user", "content": "TRANSCRIPT:\n" + "\n".join(lines)}])
        data = json.loads((response.choices[0].message.content or "").strip())
        summary = data.get("summary") if isinstance(data, dict) else None
    except (openai.OpenAIError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        logger.warning("LLM call summary failed (%s); keeping the deterministic summary", type(exc).__name__)
        return None
    if not isinstance(summary, str) or not summary.strip() or len(summary) > MAX_SUMMARY_CHARS:
        logger.warning("LLM call summary refused (shape); keeping the deterministic summary")
        return None
    known_numbers = set(_NUMBER.findall(known))
    if any(number not in known_numbers for number in _NUMBER.findall(summary)):
        logger.warning("LLM call summary refused (a number not in the call); keeping the deterministic summary")
        return None
    return summary.strip()
