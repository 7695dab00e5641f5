"""LLM adapter for the booking bot (OpenAI SDK; any OpenAI-compatible server via ``base_url``).

Understands free-form messages into the same :class:`Understanding` the rules produce, and writes
conversation summaries. Every answer is validated (JSON shape, ISO date, option numbers in range);
anything else raises :class:`NluError` and the service falls back to the offline rules.
Requests and responses are never logged (they contain patient messages).
"""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from booking.conversation import nlu
from booking.conversation.nlu import NluContext, NluError, SummaryFacts, Understanding
from booking.conversation.when import AFTERNOON, EVENING, MORNING, When

_SYSTEM_UNDERSTAND = """You read one WhatsApp message a patient sent to a clinic's booking assistant.
Answer with one JSON object only, with these keys:
"intents": list of zero or more of ["greeting","book","reschedule","cancel","hours","services","faq","thanks","how_are_you","bye","who","stop"],
"date": the day the patient asks for as "YYYY-MM-DD" (resolve relative days from TODAY) or null,
"daypart": "morning", "afternoon", "evening" or null,
"time": preferred time "HH:MM" (24 h) or null,
"asap": true if they want the earliest possible slot, else false,
"choice": number of the option they pick from OPTIONS (1-based) or null,
"affirm": true for yes, false for no, null otherwise,
"name": the patient's full name if STEP is "ask_name" and they gave one, else null,
"faq_index": index (0-based) of the FAQ entry they ask about or null,
"service": one of SERVICES they mention, or null.
"stop" means they want to abandon the current booking step. Never invent values."""

_SYSTEM_SUMMARY = """You write the summary a clinic receives with an appointment request made over
WhatsApp: one or two short sentences for the reception staff, in the language given, saying what the
patient asked for (reason or service, preferences) and the slot chosen. No greetings, no markdown."""


class OpenAIBookingLLM:
    """Understanding and summaries with a chat-completions model.

    Args:
        api_key: the OpenAI (or compatible server's) key.
        model: model name, e.g. ``gpt-4o-mini``.
        base_url: an OpenAI-compatible server, or ``None`` for OpenAI.
        timeout: seconds per request.
        http_client: the HTTP client the SDK should use (tests pass one with a mock transport).

    Raises:
        NluError: (permanent) when no key is given.
    """

    name = "openai"

    def __init__(self, *, api_key: str, model: str, base_url: str | None = None, timeout: float = 20.0,
                 http_client: Any = None) -> None:
        if not api_key:
            raise NluError("OpenAI is not configured", permanent=True)
        import openai

        kwargs: dict[str, Any] = {"api_key": api_key, "timeout": timeout, "max_retries": 1}
        if base_url:
            kwargs["base_url"] = base_url
        if http_client is not None:
            kwargs["http_client"] = http_client
        self._client = openai.OpenAI(**kwargs)
        self._model = model

    def _complete(self, messages: list[dict[str, str]], *, json_mode: bool) -> str:
        import openai

        kwargs: dict[str, Any] = {"model": self._model, "messages": messages, "temperature": 0}
        if json_mode:
            kwargs["response_format"] = {"type": "json_object"}
        try:
            response = self._client.chat.completions.create(**kwargs)
        except openai.APIStatusError as exc:
            raise NluError(f"LLM returned HTTP {exc.status_code}",
                           permanent=400 <= exc.status_code < 500 and exc.status_code != 429) from None
        except openai.OpenAIError as exc:
            raise NluError(f"LLM request failed ({type(exc).__name__})") from None
        try:
            content = response.choices[0].message.content or ""
        except (AttributeError, IndexError):
            raise NluError("LLM response has no message") from None
        return content.strip()

    def understand(self, text: str, *, context: NluContext) -> Understanding:
        """Understand ``text``; raises :class:`NluError` on any failure or invalid answer."""
        options = [
            {"number": i + 1, "time": t.strftime("%H:%M"),
             "provider": context.option_providers[i] if i < len(context.option_providers) else None}
            for i, t in enumerate(context.option_times)
        ] or [{"number": i + 1} for i in range(context.option_count)]
        facts = {
            "TODAY": context.now_local.date().isoformat(),
            "WEEKDAY": context.now_local.strftime("%A"),
            "NOW": context.now_local.strftime("%H:%M"),
            "LANGUAGE": context.language,
            "STEP": context.step,
            "OPTIONS": options,
            "FAQ": [list(entry.texts) for entry in context.faq],
            "SERVICES": list(context.services),
        }
        content = self._complete(
            [
                {"role": "system", "content": _SYSTEM_UNDERSTAND},
                {"role": "user", "content": json.dumps(facts, ensure_ascii=False) + "\nMESSAGE: " + text},
            ],
            json_mode=True,
        )
        try:
            data = json.loads(content)
        except ValueError:
            raise NluError("LLM answer is not JSON") from None
        if not isinstance(data, dict):
            raise NluError("LLM answer is not a JSON object")
        return _understanding_from(data, context=context)

    def summarize(self, *, facts: SummaryFacts, transcript: list[tuple[str, str]], language: str) -> str:
        """Write the clinic's summary; raises :class:`NluError` on failure or an empty answer."""
        lines = "\n".join(f"{who}: {text}" for who, text in transcript[-30:])
        content = self._complete(
            [
                {"role": "system", "content": _SYSTEM_SUMMARY},
                {"role": "user", "content": json.dumps(
                    {"language": language, "booking": facts.__dict__}, ensure_ascii=False) + "\n" + lines},
            ],
            json_mode=False,
        )
        if not content:
            raise NluError("LLM returned an empty summary")
        return content[:1000]


def _understanding_from(data: dict[str, Any], *, context: NluContext) -> Understanding:
    """Validate the LLM's JSON into an :class:`Understanding` (raises :class:`NluError`)."""
    raw_intents = data.get("intents") or []
    if not isinstance(raw_intents, list) or not all(isinstance(i, str) for i in raw_intents):
        raise NluError("LLM intents are not a list of strings")
    intents = frozenset(i for i in raw_intents if i in nlu.INTENTS)

    today = context.now_local.date()
    parsed_date: date | None = None
    in_past = False
    if data.get("date"):
        try:
            parsed_date = date.fromisoformat(str(data["date"]))
        except ValueError:
            raise NluError("LLM date is not YYYY-MM-DD") from None
        if parsed_date < today:
            parsed_date, in_past = None, True
    daypart = data.get("daypart")
    if daypart not in (None, MORNING, AFTERNOON, EVENING):
        raise NluError("LLM daypart is invalid")
    parsed_time: time | None = None
    if data.get("time"):
        try:
            parsed_time = time.fromisoformat(str(data["time"]))
        except ValueError:
            raise NluError("LLM time is not HH:MM") from None

    choice = data.get("choice")
    if choice is not None:
        if not isinstance(choice, int) or isinstance(choice, bool) or not 1 <= choice <= context.option_count:
            choice = None
    affirm = data.get("affirm")
    if affirm not in (None, True, False):
        affirm = None
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or context.step != "ask_name":
        name = None
    faq_index = data.get("faq_index")
    if not (isinstance(faq_index, int) and not isinstance(faq_index, bool) and 0 <= faq_index < len(context.faq)):
        faq_index = None
    elif nlu.FAQ not in intents:
        intents = intents | {nlu.FAQ}
    service = data.get("service")
    if service not in context.services:
        service = None
    return Understanding(
        intents=intents,
        when=When(date=parsed_date, daypart=daypart, time=parsed_time, asap=bool(data.get("asap")),
                  in_past=in_past),
        choice=choice, affirm=affirm, name=name.strip()[:100] if name else None, faq_index=faq_index,
        service=service, engine="openai",
    )
