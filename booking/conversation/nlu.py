"""Interface of the bot's understanding ("NLU") and summary writers.

Two implementations: :class:`booking.conversation.rules.RuleBasedUnderstanding` (offline, the
default) and :class:`booking.providers.openai_llm.OpenAIBookingLLM` (any OpenAI-compatible LLM).
The service layer (:func:`booking.services.nlu_for`) chooses one and falls back to the rules when
the LLM fails, so every conversation can finish offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Protocol, runtime_checkable

from booking.conversation.when import When

# Intents a message can carry (several at once: "Hola, quiero una cita" is greeting + book).
GREETING = "greeting"
BOOK = "book"
RESCHEDULE = "reschedule"
CANCEL = "cancel"
HOURS = "hours"
SERVICES = "services"
FAQ = "faq"
THANKS = "thanks"
HOW_ARE_YOU = "how_are_you"
BYE = "bye"
WHO = "who"
STOP = "stop"
INTENTS = frozenset({GREETING, BOOK, RESCHEDULE, CANCEL, HOURS, SERVICES, FAQ, THANKS, HOW_ARE_YOU, BYE, WHO,
                     STOP})
QUESTIONS = frozenset({HOURS, SERVICES, FAQ})


@dataclass(frozen=True)
class FaqEntry:
    """One configured FAQ answer; ``texts`` are its questions (all languages) and keywords."""

    texts: tuple[str, ...]
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class NluContext:
    """What the understanding needs to know besides the message.

    Attributes:
        language: the conversation's language (ISO 639-1).
        now_local: the clinic's current local time ("tomorrow" is relative to it).
        step: the conversation step the bot is waiting in (e.g. ``"choose_slot"``).
        option_times: times of the numbered options on screen (slots), in order.
        option_providers: providers of those options.
        option_count: number of numbered options on screen (slots or bookings).
        faq: the clinic's FAQ entries.
        services: the clinic's service names.
    """

    language: str
    now_local: datetime
    step: str = "idle"
    option_times: tuple[time, ...] = ()
    option_providers: tuple[str, ...] = ()
    option_count: int = 0
    faq: tuple[FaqEntry, ...] = ()
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class Understanding:
    """What one message means for the booking conversation.

    Attributes:
        intents: subset of :data:`INTENTS`.
        when: day / part of day / time the message asks for.
        choice: 1-based number of the option picked, or ``None``.
        affirm: ``True`` yes, ``False`` no, ``None`` neither.
        name: a person's name given in the message (only when the bot asked for one), or ``None``.
        faq_index: index of the FAQ entry asked about, or ``None``.
        service: the configured service the message mentions, or ``None``.
        engine: which understanding produced this ("rules", "openai").
    """

    intents: frozenset[str] = frozenset()
    when: When = field(default_factory=When)
    choice: int | None = None
    affirm: bool | None = None
    name: str | None = None
    faq_index: int | None = None
    service: str | None = None
    engine: str = "rules"

    def has(self, *intents: str) -> bool:
        return any(intent in self.intents for intent in intents)


@dataclass(frozen=True)
class SummaryFacts:
    """Facts of a finished booking conversation, for its ``conversation_summary``.

    Dates are ISO strings (``YYYY-MM-DD``) and times ``HH:MM`` so the summary reads the same for
    every clinic; ``old_*`` describe the appointment a reschedule replaces.
    """

    date: str
    time: str
    provider: str
    service: str | None = None
    daypart: str | None = None
    preferred_time: str | None = None
    asap: bool = False
    old_date: str | None = None
    old_time: str | None = None
    old_provider: str | None = None


class NluError(Exception):
    """The understanding (an LLM) failed; ``message`` is content-free, ``permanent`` as elsewhere."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@runtime_checkable
class Understander(Protocol):
    name: str

    def understand(self, text: str, *, context: NluContext) -> Understanding:
        """Understand one patient message. Raises :class:`NluError` on failure."""
        ...


@runtime_checkable
class SummaryWriter(Protocol):
    name: str

    def summarize(self, *, facts: SummaryFacts, transcript: list[tuple[str, str]], language: str) -> str:
        """Write a one- or two-sentence summary for the clinic in ``language``.

        Args:
            facts: the booking.
            transcript: ``[("patient"|"bot", text), ...]`` in order.
            language: language of the summary (the clinic's default language).

        Raises:
            NluError: on failure (callers fall back to the offline writer).
        """
        ...
