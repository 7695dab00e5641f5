"""The booking conversation: a small state machine driven by what each message means.

Steps (``conversation.state["step"]``)::

    idle ──book──▶ ask_date ──day──▶ choose_slot ──"2"──▶ ask_name ──name──▶ confirm ──yes──▶ idle (booked)
      │                ▲                 │  (slot held)                       │ no → ask_name
      │                └── no slots / endpoint down (polite reply, stay)     └─ taken meanwhile → choose_slot
      ├──cancel────▶ [choose_booking] ──▶ confirm_cancel ──yes──▶ idle (cancelled)
      └──reschedule─▶ [choose_booking] ──▶ ask_date … (as booking, then the old booking is cancelled)

At any step questions about the clinic (hours, services, FAQ), greetings and small talk are
answered and the pending question is asked again; "stop"/"cancel" abandons a booking in progress.
The engine only decides what to say and which service to call; storage, holds, callbacks and
sending live in :mod:`booking.services`. It never logs message content.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable

from django.conf import settings

from booking.conversation import nlu
from booking.conversation.language import conversation_language, detect_language
from booking.conversation.nlu import FaqEntry, NluContext, SummaryFacts, Understanding
from booking.conversation.replies import format_day, format_time, t, weekday_names
from booking.conversation.rules import mentions_provider
from booking.conversation.when import in_daypart
from booking.models import BotConfig, Booking, Conversation, ConversationOutcome
from booking.slots import Slot, SlotsUnavailable

logger = logging.getLogger("medsync.booking.conversation")

IDLE = "idle"
ASK_DATE = "ask_date"
CHOOSE_SLOT = "choose_slot"
ASK_NAME = "ask_name"
CONFIRM = "confirm"
CHOOSE_BOOKING = "choose_booking"
CONFIRM_CANCEL = "confirm_cancel"
BOOKING_STEPS = frozenset({ASK_DATE, CHOOSE_SLOT, ASK_NAME, CONFIRM})

#: Most slots offered at once (platform API seed: "Return up to 6 slots ... numbered options").
MAX_OPTIONS = 6
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class EngineServices:
    """The side effects the engine needs, injected by :mod:`booking.services` (and by tests).

    Attributes:
        fetch_slots: ``(day) -> list[Slot]``; raises :class:`SlotsUnavailable`.
        taken_slots: ``(day, conversation) -> set[(time, provider)]`` held by others or booked.
        hold_slot: ``(conversation, slot) -> None``; raises :class:`booking.services.SlotTaken`.
        release_holds: ``(conversation) -> None``.
        upcoming_bookings: ``(phone, today) -> list[Booking]``.
        last_patient_name: ``(phone) -> str | None``.
        create_booking: ``(conversation, slot, name, language, summary, replaces) -> Booking``.
        cancel_booking: ``(booking, summary) -> Booking``.
        transcript: ``(conversation) -> [("patient"|"bot", text), ...]``.
        slot_taken_error: the exception ``hold_slot`` raises when the slot is taken.
    """

    fetch_slots: Callable[[date], list[Slot]]
    taken_slots: Callable[[date, Conversation], set[tuple[time, str]]]
    hold_slot: Callable[[Conversation, Slot], object]
    release_holds: Callable[[Conversation], object]
    upcoming_bookings: Callable[[str, date], list[Booking]]
    last_patient_name: Callable[[str], str | None]
    create_booking: Callable[..., Booking]
    cancel_booking: Callable[..., Booking]
    transcript: Callable[[Conversation], list[tuple[str, str]]]
    slot_taken_error: type[Exception]


class ConversationEngine:
    """Answers one patient message at a time.

    Args:
        config: the clinic's :class:`BotConfig` (time zone, default language, FAQ, ...).
        clinic_name: the name the bot introduces itself with.
        understander: an :class:`booking.conversation.nlu.Understander`.
        summary_writer: a :class:`booking.conversation.nlu.SummaryWriter` (with fallback).
        services: see :class:`EngineServices`.
        now: the current time (aware); the clinic's local time is derived from it.
    """

    def __init__(self, *, config: BotConfig, clinic_name: str, understander: nlu.Understander,
                 summarize: Callable[[SummaryFacts, list[tuple[str, str]], str], str], services: EngineServices,
                 now: datetime) -> None:
        from zoneinfo import ZoneInfo

        self.config = config
        self.clinic_name = config.clinic_name or clinic_name
        self.understander = understander
        self.summarize = summarize
        self.services = services
        self.now_local = now.astimezone(ZoneInfo(config.time_zone or "UTC"))
        self.today = self.now_local.date()
        self.language = config.default_language
        self._phone = ""

    # --- entry point -----------------------------------------------------------------------------

    def handle(self, conversation: Conversation, *, text: str, media_count: int = 0) -> list[str]:
        """Update ``conversation`` (state, language, outcome; not saved) and return the replies.

        Raises:
            Exception: only for unexpected errors (the service answers with an apology); a slots
                endpoint that is down or malformed is answered politely here.
        """
        state = dict(conversation.state or {})
        self._phone = conversation.phone
        detection = detect_language(text, prefer=conversation.language or self.config.default_language)
        conversation.language = conversation_language(conversation.language or None, detection) or ""
        self.language = conversation.language or self.config.default_language
        if not text.strip():
            logger.info("Conversation %s: %s", conversation.pk,
                        "media message without text" if media_count else "empty message")
            return [self._t("media_unsupported" if media_count else "help")]

        understanding = self.understander.understand(text, context=self._context(state))
        step = state.get("step", IDLE)
        if step != IDLE:
            interrupted = self._interruption(conversation, state, understanding)
            if interrupted is not None:
                conversation.state = state
                return interrupted
        handler = {
            IDLE: self._on_idle,
            ASK_DATE: self._on_ask_date,
            CHOOSE_SLOT: self._on_choose_slot,
            ASK_NAME: self._on_ask_name,
            CONFIRM: self._on_confirm,
            CHOOSE_BOOKING: self._on_choose_booking,
            CONFIRM_CANCEL: self._on_confirm_cancel,
        }.get(step, self._on_idle)
        replies = handler(conversation, state, understanding, text)
        conversation.state = state
        return replies

    # --- helpers ---------------------------------------------------------------------------------

    def _t(self, key: str, **values) -> str:
        return t(key, self.language, **values)

    def _slot_values(self, slot: Slot) -> dict[str, str]:
        return {"date": format_day(slot.date, self.language), "time": format_time(slot.time),
                "provider": slot.provider}

    def _booking_values(self, booking: Booking) -> dict[str, str]:
        return {"date": format_day(booking.date, self.language), "time": format_time(booking.time),
                "provider": booking.provider}

    def _faq_entries(self) -> tuple[FaqEntry, ...]:
        entries = []
        for item in self.config.faq or []:
            question = item.get("question", "")
            texts = tuple(question.values()) if isinstance(question, dict) else (str(question),)
            entries.append(FaqEntry(texts=texts, keywords=tuple(item.get("keywords") or ())))
        return tuple(entries)

    def _context(self, state: dict) -> NluContext:
        step = state.get("step", IDLE)
        options = [Slot.from_state(o) for o in state.get("options", [])] if step == CHOOSE_SLOT else []
        count = len(options) if step == CHOOSE_SLOT else len(state.get("booking_ids", [])) if step == CHOOSE_BOOKING else 0
        return NluContext(
            language=self.language, now_local=self.now_local, step=step,
            option_times=tuple(o.time for o in options), option_providers=tuple(o.provider for o in options),
            option_count=count, faq=self._faq_entries(), services=tuple(self.config.services or ()),
        )

    # --- answers that do not depend on the step -----------------------------------------------------

    def _localized(self, value) -> str:
        if isinstance(value, dict):
            return str(value.get(self.language) or value.get(self.config.default_language)
                       or next(iter(value.values()), ""))
        return str(value or "")

    def hours_text(self) -> str:
        hours = self.config.opening_hours or {}
        if not hours:
            return self._t("hours_unknown")
        names = weekday_names(self.language)
        lines = []
        for index, key in enumerate(WEEKDAY_KEYS):
            ranges = hours.get(key) or []
            lines.append(f"{names[index]}: {', '.join(ranges) if ranges else self._t('closed')}")
        return self._t("hours", hours="\n".join(lines))

    def services_text(self) -> str:
        services = self.config.services or []
        return self._t("services", services=", ".join(services)) if services else self._t("services_unknown")

    def _question_answers(self, understanding: Understanding) -> list[str]:
        answers = []
        if understanding.faq_index is not None:
            entry = (self.config.faq or [])[understanding.faq_index]
            answers.append(self._localized(entry.get("answer")))
        if understanding.has(nlu.HOURS):
            answers.append(self.hours_text())
        if understanding.has(nlu.SERVICES):
            answers.append(self.services_text())
        return [a for a in answers if a]

    def _side_answers(self, understanding: Understanding) -> list[str]:
        """Answers to questions and small talk (used at any step)."""
        answers = self._question_answers(understanding)
        if answers:
            return answers
        if understanding.has(nlu.WHO, nlu.GREETING):
            return [self._t("greeting", clinic=self.clinic_name)]
        if understanding.has(nlu.HOW_ARE_YOU):
            return [self._t("how_are_you")]
        if understanding.has(nlu.THANKS):
            return [self._t("thanks")]
        return []

    def _interruption(self, conversation: Conversation, state: dict, und: Understanding) -> list[str] | None:
        """Handle "stop", goodbyes and side questions in the middle of a flow (``None``: not one)."""
        step = state["step"]
        picks_or_answers = und.choice is not None or und.affirm is True
        if (und.has(nlu.STOP) or (step in BOOKING_STEPS and und.has(nlu.CANCEL))) and not picks_or_answers:
            self._reset(conversation, state)
            return [self._t("flow_stopped")]
        if und.has(nlu.BYE) and not picks_or_answers and not und.has(nlu.THANKS):
            self._reset(conversation, state)
            return [self._t("bye")]
        if self._relevant(step, und):
            return None
        side = self._side_answers(und)
        if side:
            return side + [self._reprompt(state)]
        return None

    def _relevant(self, step: str, und: Understanding) -> bool:
        when = und.when
        if step == ASK_DATE:
            return not when.empty or when.in_past
        if step == CHOOSE_SLOT:
            return und.choice is not None or not when.empty or when.in_past
        if step == ASK_NAME:
            gave_name = und.name is not None and not (und.intents - {nlu.GREETING})
            return gave_name or und.affirm is not None or when.date is not None
        if step in (CONFIRM, CONFIRM_CANCEL):
            return und.affirm is not None or when.date is not None
        if step == CHOOSE_BOOKING:
            return und.choice is not None
        return False

    def _reprompt(self, state: dict) -> str:
        step = state.get("step")
        if step == CHOOSE_SLOT:
            return self._options_text(state, intro=self._t("slots_intro", date=format_day(
                Slot.from_state(state["options"][0]).date, self.language)))
        if step in (ASK_NAME, CONFIRM) and state.get("chosen"):
            slot = Slot.from_state(state["chosen"])
            if step == CONFIRM:
                return self._t("confirm_booking", name=state["name"], **self._slot_values(slot))
            return self._t("ask_name", **self._slot_values(slot))
        if step == CHOOSE_BOOKING:
            return self._bookings_text(state)
        if step == CONFIRM_CANCEL:
            booking = self._state_booking(state.get("booking_id"))
            if booking:
                return self._t("confirm_cancel", **self._booking_values(booking))
        return self._t("ask_date")

    def _reset(self, conversation: Conversation, state: dict) -> None:
        self.services.release_holds(conversation)
        state.clear()
        state["step"] = IDLE

    # --- idle ----------------------------------------------------------------------------------------

    def _on_idle(self, conversation: Conversation, state: dict, und: Understanding, text: str) -> list[str]:
        if und.has(nlu.CANCEL):
            return self._start_cancel(conversation, state)
        if und.has(nlu.RESCHEDULE):
            return self._start_reschedule(conversation, state, und, text)
        if und.has(nlu.BOOK) or not und.when.empty or und.when.in_past:
            return self._start_booking(conversation, state, und, text)
        answers = self._question_answers(und)
        if answers:
            if conversation.outcome == ConversationOutcome.IN_PROGRESS:
                conversation.outcome = ConversationOutcome.INFORMATION
            return answers
        if und.has(nlu.BYE) and not und.has(nlu.THANKS):
            return [self._t("bye")]
        side = self._side_answers(und)
        if not side:
            logger.info("Conversation %s: message not understood (%s understanding)", conversation.pk, und.engine)
        return side or [self._t("help")]

    # --- booking -------------------------------------------------------------------------------------

    def _start_booking(self, conversation: Conversation, state: dict, und: Understanding, text: str, *,
                       reschedule_of: Booking | None = None) -> list[str]:
        self.services.release_holds(conversation)
        state.clear()
        state.update(step=ASK_DATE, purpose="reschedule" if reschedule_of else "book")
        if reschedule_of is not None:
            state["reschedule_of"] = str(reschedule_of.id)
        if und.service:
            state["service"] = und.service
        when = und.when
        self._remember_preferences(state, und)
        if when.in_past:
            return [self._t("date_in_past")]
        if when.date is not None or when.asap:
            return self._offer(conversation, state, when.date or self.today, hint=text)
        if reschedule_of is not None:
            return [self._t("reschedule_which_day", **self._booking_values(reschedule_of))]
        return [self._t("ask_date")]

    def _remember_preferences(self, state: dict, und: Understanding) -> None:
        when = und.when
        if when.daypart:
            state["daypart"] = when.daypart
        if when.time:
            state["time"] = format_time(when.time)
        if when.asap:
            state["asap"] = True
        if und.service and not state.get("service"):
            state["service"] = und.service

    def _on_ask_date(self, conversation: Conversation, state: dict, und: Understanding, text: str) -> list[str]:
        when = und.when
        if when.in_past:
            return [self._t("date_in_past")]
        self._remember_preferences(state, und)
        if when.date is not None or when.asap or when.daypart or when.time:
            return self._offer(conversation, state, when.date or self.today, hint=text)
        if und.has(nlu.BOOK, nlu.RESCHEDULE):
            return [self._t("ask_date")]
        logger.info("Conversation %s: no day understood", conversation.pk)
        return [self._t("date_not_understood")]

    def _offer(self, conversation: Conversation, state: dict, start: date, *, hint: str = "") -> list[str]:
        """Look for free slots from ``start`` (up to the look-ahead) and offer at most six."""
        state["step"] = ASK_DATE
        state.pop("options", None)
        state["requested"] = start.isoformat()
        try:
            day, slots = self._find_slots(conversation, state, start, hint=hint)
        except SlotsUnavailable as exc:
            # The reason (timeout, invalid_json, ...) is content-free; no patient data here.
            logger.warning("Slots endpoint unavailable for conversation %s: %s", conversation.pk, exc.reason)
            return [self._t("slots_unavailable")]
        if not slots:
            end = start + timedelta(days=max(1, settings.WHATSAPP_SLOTS_LOOKAHEAD_DAYS) - 1)
            return [self._t("no_slots", start=format_day(start, self.language), end=format_day(end, self.language))]
        state["step"] = CHOOSE_SLOT
        state["options"] = [slot.as_state() for slot in slots]
        if day == start:
            intro = self._t("slots_intro", date=format_day(day, self.language))
        else:
            intro = self._t("slots_next_day", requested=format_day(start, self.language),
                            date=format_day(day, self.language))
        return [self._options_text(state, intro=intro)]

    def _find_slots(self, conversation: Conversation, state: dict, start: date, *, hint: str) -> tuple[date, list[Slot]]:
        daypart = state.get("daypart")
        preferred = time.fromisoformat(state["time"]) if state.get("time") else None
        lookahead = max(1, settings.WHATSAPP_SLOTS_LOOKAHEAD_DAYS)
        for offset in range(lookahead):
            day = start + timedelta(days=offset)
            slots = self.services.fetch_slots(day)
            taken = self.services.taken_slots(day, conversation)
            free = [s for s in slots if (s.time, s.provider) not in taken and in_daypart(s.time, daypart)]
            if day == self.today:
                free = [s for s in free if s.time > self.now_local.time().replace(tzinfo=None)]
            if hint:
                named = [s for s in free if mentions_provider(hint, s.provider)]
                free = named or free
            if not free:
                continue
            if preferred is not None:
                minutes = preferred.hour * 60 + preferred.minute
                free = sorted(free, key=lambda s: (abs(s.time.hour * 60 + s.time.minute - minutes), s.time))
            chosen = sorted(free[:MAX_OPTIONS], key=lambda s: (s.time, s.provider))
            return day, chosen
        return start, []

    def _options_text(self, state: dict, *, intro: str) -> str:
        lines = [intro]
        for index, data in enumerate(state["options"], start=1):
            slot = Slot.from_state(data)
            lines.append(f"{index}. {format_time(slot.time)} – {slot.provider}")
        lines.append(self._t("slots_choose"))
        return "\n".join(lines)

    def _on_choose_slot(self, conversation: Conversation, state: dict, und: Understanding, text: str) -> list[str]:
        if und.choice is not None:
            return self._pick(conversation, state, und.choice)
        when = und.when
        if when.in_past:
            return [self._t("date_in_past")]
        if when.date is not None or when.asap:
            self._remember_preferences(state, und)
            return self._offer(conversation, state, when.date or self.today, hint=text)
        if when.daypart or when.time:
            self._remember_preferences(state, und)
            return self._offer(conversation, state, date.fromisoformat(state["requested"]), hint=text)
        logger.info("Conversation %s: no option understood", conversation.pk)
        return [self._t("choice_not_understood", n=len(state["options"]))]

    def _pick(self, conversation: Conversation, state: dict, choice: int) -> list[str]:
        options = state["options"]
        slot = Slot.from_state(options[choice - 1])
        try:
            self.services.hold_slot(conversation, slot)
        except self.services.slot_taken_error:
            remaining = [o for o in options if o != options[choice - 1]]
            if remaining:
                state["options"] = remaining
                return [self._t("slot_taken") + "\n\n" + self._options_text(
                    state, intro=self._t("slots_intro", date=format_day(slot.date, self.language)))]
            return [self._t("slot_taken")] + self._offer(conversation, state, slot.date)
        state["chosen"] = slot.as_state()
        state["step"] = ASK_NAME
        state.pop("name", None)
        suggestion = self.services.last_patient_name(conversation.phone)
        if suggestion:
            state["suggested_name"] = suggestion
            return [self._t("ask_name_suggest", name=suggestion, **self._slot_values(slot))]
        state.pop("suggested_name", None)
        return [self._t("ask_name", **self._slot_values(slot))]

    def _on_ask_name(self, conversation: Conversation, state: dict, und: Understanding, text: str) -> list[str]:
        slot = Slot.from_state(state["chosen"])
        if und.when.date is not None or und.when.asap:
            self._remember_preferences(state, und)
            self.services.release_holds(conversation)
            return self._offer(conversation, state, und.when.date or self.today, hint=text)
        name = None
        if und.affirm is True and state.get("suggested_name"):
            name = state["suggested_name"]
        elif und.name and not (und.intents - {nlu.GREETING}):
            name = und.name
        if not name:
            return [self._t("name_invalid")]
        state["name"] = name
        state["step"] = CONFIRM
        return [self._t("confirm_booking", name=name, **self._slot_values(slot))]

    def _on_confirm(self, conversation: Conversation, state: dict, und: Understanding, text: str) -> list[str]:
        if und.affirm is True:
            return self._finalize(conversation, state)
        if und.affirm is False:
            state["step"] = ASK_NAME
            state.pop("name", None)
            state.pop("suggested_name", None)
            return [self._t("ask_name", **self._slot_values(Slot.from_state(state["chosen"])))]
        if und.when.date is not None or und.when.asap:
            self._remember_preferences(state, und)
            self.services.release_holds(conversation)
            return self._offer(conversation, state, und.when.date or self.today, hint=text)
        return [self._t("yes_no")]

    def _finalize(self, conversation: Conversation, state: dict) -> list[str]:
        slot = Slot.from_state(state["chosen"])
        try:
            self.services.hold_slot(conversation, slot)  # still ours? (the hold may have expired)
        except self.services.slot_taken_error:
            return [self._t("slot_taken")] + self._offer(conversation, state, slot.date)
        replaces = self._state_booking(state.get("reschedule_of"))
        facts = SummaryFacts(
            date=slot.date.isoformat(), time=format_time(slot.time), provider=slot.provider,
            service=state.get("service"), daypart=state.get("daypart"), preferred_time=state.get("time"),
            asap=bool(state.get("asap")),
            old_date=replaces.date.isoformat() if replaces else None,
            old_time=format_time(replaces.time) if replaces else None,
            old_provider=replaces.provider if replaces else None,
        )
        summary = self.summarize(facts, self.services.transcript(conversation), self.config.default_language)
        self.services.create_booking(
            conversation=conversation, slot=slot, name=state["name"], language=self.language, summary=summary,
            replaces=replaces,
        )
        if replaces is not None:
            moved = t("summary_moved", self.config.default_language, date=slot.date.isoformat(),
                      time=format_time(slot.time), provider=slot.provider)
            self.services.cancel_booking(replaces, summary=moved)
            conversation.outcome = ConversationOutcome.RESCHEDULED
        else:
            conversation.outcome = ConversationOutcome.BOOKED
        state.clear()
        state["step"] = IDLE
        return [self._t("rescheduled" if replaces else "booked", **self._slot_values(slot))]

    # --- cancel / reschedule ------------------------------------------------------------------------

    def _state_booking(self, booking_id: str | None) -> Booking | None:
        if not booking_id:
            return None
        for booking in self.services.upcoming_bookings(self._phone, self.today):
            if str(booking.id) == str(booking_id):
                return booking
        return None

    def _bookings_text(self, state: dict) -> str:
        lines = [self._t("choose_booking")]
        bookings = {str(b.id): b for b in self.services.upcoming_bookings(self._phone, self.today)}
        for index, booking_id in enumerate(state.get("booking_ids", []), start=1):
            booking = bookings.get(booking_id)
            if booking:
                values = self._booking_values(booking)
                lines.append(f"{index}. {values['date']} {values['time']} – {values['provider']}")
        return "\n".join(lines)

    def _start_cancel(self, conversation: Conversation, state: dict) -> list[str]:
        self.services.release_holds(conversation)
        state.clear()
        bookings = self.services.upcoming_bookings(conversation.phone, self.today)
        if not bookings:
            state["step"] = IDLE
            return [self._t("no_bookings")]
        if len(bookings) == 1:
            state.update(step=CONFIRM_CANCEL, booking_id=str(bookings[0].id))
            return [self._t("confirm_cancel", **self._booking_values(bookings[0]))]
        state.update(step=CHOOSE_BOOKING, purpose="cancel", booking_ids=[str(b.id) for b in bookings[:9]])
        return [self._bookings_text(state)]

    def _start_reschedule(self, conversation: Conversation, state: dict, und: Understanding, text: str) -> list[str]:
        bookings = self.services.upcoming_bookings(conversation.phone, self.today)
        if not bookings:
            self.services.release_holds(conversation)
            state.clear()
            state["step"] = IDLE
            return [self._t("no_bookings")]
        if len(bookings) == 1:
            return self._start_booking(conversation, state, und, text, reschedule_of=bookings[0])
        self.services.release_holds(conversation)
        state.clear()
        state.update(step=CHOOSE_BOOKING, purpose="reschedule", booking_ids=[str(b.id) for b in bookings[:9]])
        return [self._bookings_text(state)]

    def _on_choose_booking(self, conversation: Conversation, state: dict, und: Understanding, text: str) -> list[str]:
        ids = state.get("booking_ids", [])
        booking = self._state_booking(ids[und.choice - 1]) if und.choice is not None else None
        if booking is None:
            return [self._t("choice_not_understood", n=len(ids))]
        if state.get("purpose") == "reschedule":
            return self._start_booking(conversation, state, Understanding(), "", reschedule_of=booking)
        state.clear()
        state.update(step=CONFIRM_CANCEL, booking_id=str(booking.id))
        return [self._t("confirm_cancel", **self._booking_values(booking))]

    def _on_confirm_cancel(self, conversation: Conversation, state: dict, und: Understanding, text: str) -> list[str]:
        booking = self._state_booking(state.get("booking_id"))
        if booking is None:
            state.clear()
            state["step"] = IDLE
            return [self._t("no_bookings")]
        if und.affirm is None:
            return [self._t("yes_no")]
        state.clear()
        state["step"] = IDLE
        if und.affirm is False:
            return [self._t("cancel_kept")]
        values = self._booking_values(booking)
        self.services.cancel_booking(booking, summary=t("summary_cancelled", self.config.default_language))
        conversation.outcome = ConversationOutcome.CANCELLED
        return [self._t("cancelled", **values)]
