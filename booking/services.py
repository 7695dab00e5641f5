"""Writes and side effects of the WhatsApp booking bot (HackSoft-style services).

Everything here runs in the current clinic's schema (the API authentication, the webhook view or a
task's ``schema_context`` has selected it). Nothing here logs message text, names or phone
numbers: log lines carry ids, counts and content-free reasons only.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from booking import clock, selectors, signing
from booking.conversation import nlu
from booking.conversation.replies import format_day, format_time, t
from booking.conversation.rules import RuleBasedUnderstanding, TemplateSummaryWriter
from booking.models import (
    STATUS_RANK,
    BotConfig,
    Booking,
    BookingStatus,
    Conversation,
    ConversationOutcome,
    Message,
    MessageDirection,
    MessageStatus,
    NluChoice,
    ProviderChoice,
    SlotHold,
)
from booking.phones import to_e164
from booking.providers import messaging_provider_class
from booking.providers.base import MessagingError, MessagingProvider, OutboundMessage
from booking.slots import Slot, fetch_slots

logger = logging.getLogger("medsync.booking")

#: Longest inbound message kept, characters (WhatsApp allows 4096).
MAX_BODY_CHARS = 4096


class SlotTaken(Exception):
    """The slot is held by another conversation or already booked."""


class BookingStateError(Exception):
    """A booking cannot move to the requested status (e.g. confirming a rejected booking)."""


# --- configuration ------------------------------------------------------------------------------

@transaction.atomic
def bot_config_upsert(*, appointment_callback_url: str, slots_endpoint_url: str,
                      rotate_callback_secret: bool = False, **fields: Any) -> BotConfig:
    """Create or update the clinic's bot configuration.

    Args:
        appointment_callback_url, slots_endpoint_url: validated http(s) URLs.
        rotate_callback_secret: issue a new callback signing secret.
        **fields: any other :class:`BotConfig` field (``whatsapp_number``, ``clinic_name``,
            ``opening_hours``, ``services``, ``faq``, ``default_language``, ``time_zone``,
            ``provider_id``, ``template_content_sid``, ``provider``, ``nlu_engine``,
            ``twilio_account_sid``, ``twilio_auth_token``); omitted fields keep their value.

    Returns:
        The saved configuration (a signing secret is created on first configuration).
    """
    config = BotConfig.objects.select_for_update().first()
    if config is None:
        config = BotConfig(callback_secret=signing.new_secret(), time_zone=settings.TIME_ZONE or "UTC")
    config.appointment_callback_url = appointment_callback_url
    config.slots_endpoint_url = slots_endpoint_url
    allowed = {f.name for f in BotConfig._meta.get_fields()} - {"id", "singleton", "callback_secret", "created_at",
                                                                 "updated_at"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"Unknown configuration field {name!r}")
        setattr(config, name, value)
    if rotate_callback_secret:
        config.callback_secret = signing.new_secret()
    config.save()
    return config


# --- adapters (fallback order lives here, not in the adapters) ----------------------------------

def _twilio_credentials(config: BotConfig) -> tuple[str, str]:
    if config.twilio_account_sid and config.twilio_auth_token:
        return config.twilio_account_sid, config.twilio_auth_token
    return settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN


def twilio_auth_token_for(config: BotConfig) -> str:
    """The auth token Twilio signs this clinic's webhooks with (the clinic's own, else the platform's)."""
    return config.twilio_auth_token or settings.TWILIO_AUTH_TOKEN


def messaging_provider_name(config: BotConfig) -> str:
    """``twilio`` or ``simulator`` for this clinic (``auto``: Twilio when credentials are set)."""
    choice = config.provider if config.provider != ProviderChoice.AUTO else settings.WHATSAPP_PROVIDER
    if choice in (ProviderChoice.TWILIO, ProviderChoice.SIMULATOR):
        return choice
    account_sid, auth_token = _twilio_credentials(config)
    return "twilio" if account_sid and auth_token and (config.whatsapp_number or settings.TWILIO_WHATSAPP_FROM) \
        else "simulator"


def messaging_provider_for(config: BotConfig, *, name: str | None = None) -> MessagingProvider:
    """The messaging adapter for this clinic (see :func:`messaging_provider_name`)."""
    name = name or messaging_provider_name(config)
    cls = messaging_provider_class(name)
    if name == "twilio":
        account_sid, auth_token = _twilio_credentials(config)
        return cls(account_sid=account_sid, auth_token=auth_token, timeout=settings.TWILIO_TIMEOUT_SECONDS)
    return cls()


def _llm_for(config: BotConfig):
    clinic = selectors.current_clinic()
    api_key = (getattr(clinic, "openai_api_key", "") or "") or settings.OPENAI_API_KEY
    choice = config.nlu_engine if config.nlu_engine != NluChoice.AUTO else settings.WHATSAPP_NLU
    if choice == NluChoice.OFFLINE or not api_key:
        return None
    from booking.providers.openai_llm import OpenAIBookingLLM

    return OpenAIBookingLLM(api_key=api_key, model=settings.OPENAI_MODEL, base_url=settings.OPENAI_BASE_URL,
                            timeout=settings.WHATSAPP_LLM_TIMEOUT_SECONDS)


class FallbackUnderstander:
    """Tries ``primary`` (the LLM) and falls back to the offline rules when it fails."""

    def __init__(self, primary: nlu.Understander | None, fallback: nlu.Understander) -> None:
        self.primary, self.fallback = primary, fallback
        self.name = primary.name if primary else fallback.name

    def understand(self, text: str, *, context: nlu.NluContext) -> nlu.Understanding:
        if self.primary is not None:
            try:
                return self.primary.understand(text, context=context)
            except nlu.NluError as exc:
                logger.warning("LLM understanding failed (%s); using the offline rules", exc.message)
        return self.fallback.understand(text, context=context)


def understander_for(config: BotConfig) -> FallbackUnderstander:
    """The clinic's understanding: the LLM when configured (with the rules as fallback), else the rules."""
    return FallbackUnderstander(_llm_for(config), RuleBasedUnderstanding())


def summary_writer_for(config: BotConfig):
    """``summarize(facts, transcript, language) -> str`` with the LLM when configured, else templates."""
    llm = _llm_for(config)
    offline = TemplateSummaryWriter()

    def summarize(facts: nlu.SummaryFacts, transcript: list[tuple[str, str]], language: str) -> str:
        if llm is not None:
            try:
                return llm.summarize(facts=facts, transcript=transcript, language=language)
            except nlu.NluError as exc:
                logger.warning("LLM summary failed (%s); using the offline summary", exc.message)
        return offline.summarize(facts=facts, transcript=transcript, language=language)

    return summarize


# --- inbound messages ---------------------------------------------------------------------------

@dataclass(frozen=True)
class InboundReceipt:
    """Result of :func:`inbound_message_receive`.

    Attributes:
        message_id: the stored inbound :class:`Message`, or ``None`` when not stored.
        duplicate: the provider delivered this message before (nothing was done).
        reply: text to answer at once in the webhook response (sender could not be handled).
    """

    message_id: int | None
    duplicate: bool = False
    reply: str | None = None


def _lock_phone(phone: str) -> None:
    """Serialize work on one patient's conversation (transaction-scoped advisory lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{connection.schema_name}:{phone}"])


def _conversation_for(phone: str, *, now, profile_name: str, channel: str) -> Conversation:
    conversation = selectors.conversation_current(phone=phone, now=now)
    if conversation is not None:
        return conversation
    stale = Conversation.objects.filter(phone=phone, outcome=ConversationOutcome.IN_PROGRESS)
    for old in stale:
        SlotHold.objects.filter(conversation=old, booking__isnull=True).delete()
    stale.update(outcome=ConversationOutcome.ABANDONED)
    return Conversation.objects.create(phone=phone, profile_name=profile_name[:200], channel=channel,
                                       last_activity_at=now)


def inbound_message_receive(*, sender: str, body: str, media_count: int = 0, provider_sid: str | None = None,
                            profile_name: str = "", channel: str = "whatsapp", dispatch: bool = True) -> InboundReceipt:
    """Store a patient's message and (with ``dispatch``) queue the bot's answer.

    Args:
        sender: ``whatsapp:+34612345678`` (or plain E.164).
        body: the message text ("" for media-only messages).
        media_count: number of attached media (images, audio, ...), which the bot does not read.
        provider_sid: Twilio's ``MessageSid``; a second delivery of the same id does nothing.
        profile_name: the sender's WhatsApp profile name (kept on the conversation).
        channel: ``whatsapp`` or ``simulator``.
        dispatch: enqueue :func:`booking.tasks.handle_inbound_message` after commit.

    Returns:
        :class:`InboundReceipt`. Senders that are not valid international numbers are not stored;
        the receipt then carries a polite reply for the webhook to answer directly.
    """
    config = selectors.bot_config_get()
    phone = to_e164(sender)
    if phone is None:
        logger.warning("Inbound WhatsApp message not handled: sender is not a valid E.164 number")
        from booking.conversation.language import detect_language

        language = detect_language(body or "", prefer=config.default_language).language or config.default_language
        return InboundReceipt(message_id=None, reply=t("sender_unsupported", language))

    now = clock.now()
    try:
        with transaction.atomic():
            if provider_sid and Message.objects.filter(provider_sid=provider_sid).exists():
                return InboundReceipt(message_id=None, duplicate=True)
            _lock_phone(phone)
            conversation = _conversation_for(phone, now=now, profile_name=profile_name, channel=channel)
            conversation.last_inbound_at = now
            conversation.last_activity_at = now
            if profile_name:
                conversation.profile_name = profile_name[:200]
            conversation.save(update_fields=["last_inbound_at", "last_activity_at", "profile_name"])
            message = Message.objects.create(
                conversation=conversation, direction=MessageDirection.INBOUND, body=(body or "")[:MAX_BODY_CHARS],
                media_count=max(0, media_count), provider_sid=provider_sid or None, status=MessageStatus.RECEIVED,
                status_rank=STATUS_RANK[MessageStatus.RECEIVED],
            )
            clinic = selectors.current_clinic()
            if clinic is not None:
                from clinics.models import Service
                from clinics.services import usage_record

                usage_record(clinic=clinic, service=Service.WHATSAPP)
            if dispatch:
                schema_name, message_id = connection.schema_name, message.pk

                def enqueue() -> None:
                    from booking.tasks import handle_inbound_message

                    handle_inbound_message.delay(schema_name, message_id)

                transaction.on_commit(enqueue)
    except IntegrityError:
        # The same MessageSid arrived twice at the same moment: the other request stored it.
        return InboundReceipt(message_id=None, duplicate=True)
    return InboundReceipt(message_id=message.pk)


def _engine_services(config: BotConfig):
    from booking.conversation.engine import EngineServices

    def fetch(day):
        return fetch_slots(
            url=config.slots_endpoint_url, day=day, provider_id=config.provider_id,
            timeout=settings.WHATSAPP_SLOTS_TIMEOUT_SECONDS, connect_timeout=settings.WHATSAPP_SLOTS_CONNECT_TIMEOUT_SECONDS,
            attempts=settings.WHATSAPP_SLOTS_ATTEMPTS,
        )

    def create(*, conversation, slot, name, language, summary, replaces):
        return booking_create(conversation=conversation, slot=slot, patient_name=name, language=language,
                              summary=summary, rescheduled_from=replaces)

    return EngineServices(
        fetch_slots=fetch,
        taken_slots=lambda day, conversation: selectors.slot_keys_taken(
            day=day, now=clock.now(), exclude_conversation_id=conversation.pk),
        hold_slot=lambda conversation, slot: slot_hold_acquire(conversation=conversation, slot=slot),
        release_holds=lambda conversation: slot_holds_release(conversation=conversation),
        upcoming_bookings=lambda phone, today: selectors.bookings_upcoming(phone=phone, today=today),
        last_patient_name=lambda phone: Booking.objects.filter(patient_phone=phone).order_by("-created_at")
        .values_list("patient_name", flat=True).first(),
        create_booking=create,
        cancel_booking=lambda booking, summary: booking_cancel_by_patient(booking=booking, summary=summary),
        transcript=lambda conversation: [
            ("patient" if m.direction == MessageDirection.INBOUND else "bot", m.body)
            for m in conversation.messages.order_by("created_at", "id")
        ],
        slot_taken_error=SlotTaken,
    )


def log_failure(what: str, exc: BaseException) -> None:
    """Log an unexpected error by type and place only (exception messages may quote data)."""
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f"{frame.filename}:{frame.lineno}" if frame else "?"
    logger.error("%s failed: %s at %s", what, type(exc).__name__, where)


def conversation_process_inbound(*, message_id: int) -> list[int]:
    """Answer one stored inbound message: run the engine, store and send the replies.

    Claims the message first (``processed_at``), so a task delivered twice answers once. The
    conversation row is locked while the engine runs, so a patient's messages are answered in
    order. Unexpected errors are answered with an apology in the patient's language.

    Returns:
        Ids of the outbound messages (already handed to the provider).
    """
    now = clock.now()
    claimed = Message.objects.filter(
        pk=message_id, direction=MessageDirection.INBOUND, processed_at__isnull=True
    ).update(processed_at=now)
    if not claimed:
        return []
    config = selectors.bot_config_get()
    if config is None:
        logger.warning("Inbound message %s not answered: the WhatsApp bot is not configured", message_id)
        return []
    clinic = selectors.current_clinic()
    outbound: list[int] = []
    conversation_id = Message.objects.filter(pk=message_id).values_list("conversation_id", flat=True).first()
    try:
        with transaction.atomic():
            conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
            message = Message.objects.get(pk=message_id)
            from booking.conversation.engine import ConversationEngine

            engine = ConversationEngine(
                config=config, clinic_name=getattr(clinic, "name", ""), understander=understander_for(config),
                summarize=summary_writer_for(config), services=_engine_services(config), now=now,
            )
            replies = engine.handle(conversation, text=message.body, media_count=message.media_count)
            conversation.last_activity_at = clock.now()
            conversation.save(update_fields=["state", "language", "outcome", "last_activity_at"])
            outbound = [message_queue(conversation=conversation, body=reply).pk for reply in replies if reply]
    except Exception as exc:  # never leave the patient without an answer
        log_failure(f"Handling inbound message {message_id}", exc)
        conversation = Conversation.objects.get(pk=conversation_id)
        from booking.conversation.language import detect_language

        body = Message.objects.filter(pk=message_id).values_list("body", flat=True).first() or ""
        language = (conversation.language or detect_language(body, prefer=config.default_language).language
                    or config.default_language)
        outbound = [message_queue(conversation=conversation, body=t("error", language)).pk]
    for outbound_id in outbound:
        message_deliver(message_id=outbound_id)
    return outbound


# --- outbound messages --------------------------------------------------------------------------

def message_queue(*, conversation: Conversation, body: str) -> Message:
    """Store an outbound message (``queued``); :func:`message_deliver` sends it."""
    return Message.objects.create(
        conversation=conversation, direction=MessageDirection.OUTBOUND, body=body, status=MessageStatus.QUEUED,
        status_rank=STATUS_RANK[MessageStatus.QUEUED],
    )


def status_callback_url() -> str | None:
    """Where Twilio should report delivery status for this clinic (needs ``PUBLIC_BASE_URL``)."""
    clinic = selectors.current_clinic()
    if not settings.PUBLIC_BASE_URL or clinic is None:
        return None
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/v1/whatsapp/status/{clinic.client_id}"


def _send_with_retries(provider: MessagingProvider, message: OutboundMessage):
    @retry(stop=stop_after_attempt(max(1, settings.WHATSAPP_SEND_ATTEMPTS)),
           wait=wait_exponential(multiplier=0.5, max=4), reraise=True,
           retry=retry_if_exception(lambda exc: isinstance(exc, MessagingError) and not exc.permanent))
    def send():
        return provider.send(message)

    return send()


def message_deliver(*, message_id: int) -> Message | None:
    """Send a queued outbound message through the clinic's provider.

    Inside WhatsApp's 24-hour window the text is sent as is; outside it the clinic's approved
    template (``template_content_sid``, variables ``{{1}}`` clinic name, ``{{2}}`` text) is used,
    and without one the message is marked failed (``outside_24h_window``): WhatsApp would refuse
    free text. Without a bot configuration the message is marked failed (``bot_not_configured``).
    Transient provider errors are retried (tenacity); a message is sent at most once
    (claimed through ``processed_at``).

    Returns:
        The message, or ``None`` when it was not queued (already handled).
    """
    now = clock.now()
    claimed = Message.objects.filter(
        pk=message_id, direction=MessageDirection.OUTBOUND, processed_at__isnull=True
    ).update(processed_at=now)
    if not claimed:
        return None
    message = Message.objects.select_related("conversation").get(pk=message_id)
    config = selectors.bot_config_get()
    if config is None:  # e.g. a booking confirmed in the admin of a clinic whose bot was never set up
        _message_failed(message, "bot_not_configured")
        logger.warning("Message %s not sent: the clinic has no WhatsApp bot configuration", message.pk)
        return message
    phone = message.conversation.phone
    outbound = OutboundMessage(
        to=phone, from_number=config.whatsapp_number or settings.TWILIO_WHATSAPP_FROM, body=message.body,
        status_callback=status_callback_url(),
    )
    if not selectors.window_open(phone=phone, now=now):
        if not config.template_content_sid:
            _message_failed(message, "outside_24h_window")
            logger.warning("Message %s not sent: outside the 24-hour window and no template configured", message.pk)
            return message
        clinic = selectors.current_clinic()
        outbound = OutboundMessage(
            to=phone, from_number=outbound.from_number, template_sid=config.template_content_sid,
            template_variables={"1": config.clinic_name or getattr(clinic, "name", ""), "2": message.body},
            status_callback=outbound.status_callback,
        )
        message.kind = "template"
    try:
        # Simulated conversations (whatsapp_chat) are answered through the simulator, never a carrier.
        provider = messaging_provider_for(
            config, name="simulator" if message.conversation.channel == "simulator" else None)
        result = _send_with_retries(provider, outbound)
    except MessagingError as exc:
        _message_failed(message, f"{exc.code or 'error'}"[:200])
        logger.warning("Message %s not sent: %s (code %s)", message.pk, exc.message, exc.code or "-")
        return message
    message.provider_sid = result.sid
    message.save(update_fields=["provider_sid", "kind", "updated_at"])
    message_status_update(provider_sid=result.sid, status=result.status)
    message.refresh_from_db()
    return message


def _message_failed(message: Message, reason: str) -> None:
    message.status = MessageStatus.FAILED
    message.status_rank = STATUS_RANK[MessageStatus.FAILED]
    message.error = reason
    message.save(update_fields=["status", "status_rank", "error", "kind", "updated_at"])


#: Twilio statuses mapped onto ours ("accepted"/"scheduled" are queued; "receiving"/"received" inbound).
_TWILIO_STATUSES = {
    "accepted": MessageStatus.QUEUED, "scheduled": MessageStatus.QUEUED, "queued": MessageStatus.QUEUED,
    "sending": MessageStatus.SENDING, "sent": MessageStatus.SENT, "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.READ, "undelivered": MessageStatus.UNDELIVERED, "failed": MessageStatus.FAILED,
}


def message_status_update(*, provider_sid: str, status: str, error_code: str = "") -> bool:
    """Apply a delivery status report (Twilio status callback); idempotent.

    A message's status only moves forward (queued → sending → sent → delivered → read; or to
    failed/undelivered), with one conditional UPDATE: repeated and out-of-order reports, which
    Twilio's at-least-once delivery produces, change nothing.

    Returns:
        ``True`` when the message's status changed.
    """
    mapped = _TWILIO_STATUSES.get((status or "").lower())
    if mapped is None or not provider_sid:
        return False
    rank = STATUS_RANK[mapped]
    changes: dict[str, Any] = {"status": mapped, "status_rank": rank, "updated_at": clock.now()}
    if mapped in (MessageStatus.FAILED, MessageStatus.UNDELIVERED) and error_code:
        changes["error"] = f"twilio:{error_code}"[:200]
    updated = Message.objects.filter(provider_sid=provider_sid, status_rank__lt=rank).update(**changes)
    if updated and mapped in (MessageStatus.FAILED, MessageStatus.UNDELIVERED):
        logger.warning("WhatsApp message delivery %s (error code %s)", mapped, error_code or "-")
    return bool(updated)


def notification_send(*, booking: Booking, body: str) -> Message:
    """Queue a message to the booking's patient and send it after commit (Celery)."""
    conversation = (
        Conversation.objects.filter(phone=booking.patient_phone).order_by("-last_activity_at").first()
        or booking.conversation
    )
    if conversation is None:
        conversation = Conversation.objects.create(phone=booking.patient_phone, language=booking.language,
                                                   last_activity_at=clock.now())
    message = message_queue(conversation=conversation, body=body)
    schema_name, message_id = connection.schema_name, message.pk

    def enqueue() -> None:
        from booking.tasks import send_message

        send_message.delay(schema_name, message_id)

    transaction.on_commit(enqueue)
    return message


# --- slot holds ---------------------------------------------------------------------------------

def slot_hold_acquire(*, conversation: Conversation, slot: Slot, minutes: int | None = None) -> SlotHold:
    """Hold ``slot`` for ``conversation`` for ``minutes`` (default ``WHATSAPP_SLOT_HOLD_MINUTES``).

    The unique constraint on (date, time, provider) decides races: of two conversations taking
    the same slot at once, the second insert waits for the first transaction and then fails, and
    that conversation gets :class:`SlotTaken`. Re-acquiring one's own hold extends it; an expired
    hold of someone else is replaced. A conversation holds one slot at a time.

    Raises:
        SlotTaken: the slot is held (unexpired) by another conversation or booked.
    """
    now = clock.now()
    expires_at = now + timedelta(minutes=minutes or settings.WHATSAPP_SLOT_HOLD_MINUTES)
    key = {"date": slot.date, "time": slot.time, "provider": slot.provider}
    with transaction.atomic():
        SlotHold.objects.filter(conversation=conversation, booking__isnull=True).exclude(**key).delete()
        existing = SlotHold.objects.select_for_update().filter(**key).first()
        if existing is not None:
            if existing.booking_id is None and existing.conversation_id == conversation.pk:
                existing.expires_at = expires_at
                existing.save(update_fields=["expires_at"])
                return existing
            if existing.booking_id is None and existing.expires_at is not None and existing.expires_at <= now:
                existing.delete()
            else:
                raise SlotTaken()
        try:
            with transaction.atomic():
                return SlotHold.objects.create(conversation=conversation, expires_at=expires_at, **key)
        except IntegrityError:
            raise SlotTaken() from None


def slot_holds_release(*, conversation: Conversation) -> int:
    """Release the conversation's holds that did not become bookings; returns how many."""
    deleted, _ = SlotHold.objects.filter(conversation=conversation, booking__isnull=True).delete()
    return deleted


# --- bookings -----------------------------------------------------------------------------------

@transaction.atomic
def booking_create(*, conversation: Conversation, slot: Slot, patient_name: str, language: str, summary: str,
                   rescheduled_from: Booking | None = None) -> Booking:
    """Create a ``pending_review`` booking from the conversation's held slot and queue its callback.

    Raises:
        SlotTaken: the conversation does not hold the slot (any more).
    """
    hold = SlotHold.objects.select_for_update().filter(
        conversation=conversation, booking__isnull=True, date=slot.date, time=slot.time, provider=slot.provider
    ).first()
    if hold is None:
        raise SlotTaken()
    booking = Booking.objects.create(
        conversation=conversation, patient_name=patient_name, patient_phone=conversation.phone, date=slot.date,
        time=slot.time, provider=slot.provider, provider_id=slot.provider_id, language=language,
        conversation_summary=summary, rescheduled_from=rescheduled_from,
    )
    hold.booking = booking
    hold.expires_at = None
    hold.save(update_fields=["booking", "expires_at"])
    from booking.callbacks import callback_enqueue

    callback_enqueue(booking=booking, event_type="appointment.created")
    logger.info("Booking %s created from conversation %s", booking.pk, conversation.pk)
    return booking


def _decide(booking: Booking, *, to: str, note: str) -> tuple[Booking, bool]:
    now = clock.now()
    changed = Booking.objects.filter(pk=booking.pk, status=BookingStatus.PENDING_REVIEW).update(
        status=to, decided_at=now, clinic_note=note, updated_at=now
    )
    booking.refresh_from_db()
    if not changed and booking.status != to:
        raise BookingStateError(f"Booking is {booking.status}")
    return booking, bool(changed)


def _decision_text(booking: Booking, key: str) -> str:
    values = {"date": format_day(booking.date, booking.language), "time": format_time(booking.time),
              "provider": booking.provider}
    text = t(key, booking.language, **values)
    if booking.clinic_note:
        text += "\n\n" + t("clinic_note", booking.language, note=booking.clinic_note)
    return text


@transaction.atomic
def booking_confirm(*, booking: Booking, note: str = "") -> Booking:
    """The clinic confirms a ``pending_review`` booking; the patient is told in their language.

    Idempotent: confirming a confirmed booking changes nothing and sends nothing.

    Raises:
        BookingStateError: the booking was rejected or cancelled.
    """
    booking, changed = _decide(booking, to=BookingStatus.CONFIRMED, note=note)
    if changed:
        notification_send(booking=booking, body=_decision_text(booking, "booking_confirmed"))
        logger.info("Booking %s confirmed", booking.pk)
    return booking


@transaction.atomic
def booking_reject(*, booking: Booking, note: str = "") -> Booking:
    """The clinic rejects a ``pending_review`` booking: the slot is freed and the patient told.

    Idempotent like :func:`booking_confirm`.

    Raises:
        BookingStateError: the booking was confirmed or cancelled.
    """
    booking, changed = _decide(booking, to=BookingStatus.REJECTED, note=note)
    if changed:
        SlotHold.objects.filter(booking=booking).delete()
        notification_send(booking=booking, body=_decision_text(booking, "booking_rejected"))
        logger.info("Booking %s rejected", booking.pk)
    return booking


@transaction.atomic
def booking_cancel_by_patient(*, booking: Booking, summary: str) -> Booking:
    """The patient cancels (or moves) a pending or confirmed booking: slot freed, clinic called back.

    The callback (to the clinic's ``cancellation_callback_url`` only, when configured) has the seed's
    payload with ``status: "cancelled"``, ``booking_id`` and ``summary`` as its
    ``conversation_summary``: event ``appointment.cancelled``, or ``appointment.rescheduled`` with
    ``rescheduled_to_booking_id`` when a new booking replaces this one (the new booking itself is
    an ``appointment.created`` to ``appointment_callback_url``).

    Raises:
        BookingStateError: the booking is no longer active.
    """
    now = clock.now()
    changed = Booking.objects.filter(pk=booking.pk, status__in=selectors.ACTIVE_BOOKING_STATUSES).update(
        status=BookingStatus.CANCELLED, decided_at=now, updated_at=now
    )
    booking.refresh_from_db()
    if not changed:
        raise BookingStateError(f"Booking is {booking.status}")
    SlotHold.objects.filter(booking=booking).delete()
    from booking.callbacks import callback_enqueue

    replacement = booking.rescheduled_to.order_by("-created_at").first()
    callback_enqueue(booking=booking, summary=summary, rescheduled_to=replacement,
                     event_type="appointment.rescheduled" if replacement else "appointment.cancelled")
    logger.info("Booking %s cancelled by the patient", booking.pk)
    return booking


# --- Twilio webhooks ----------------------------------------------------------------------------

def twilio_request_valid(*, config: BotConfig, url: str, params: dict[str, Any], signature: str) -> bool:
    """Whether a webhook request really comes from Twilio for this clinic.

    Checks ``X-Twilio-Signature`` with the clinic's auth token (or the platform's); when the clinic
    has its own Twilio account, the request's ``AccountSid`` must be that account.
    """
    from booking.providers.twilio import validate_signature

    if not validate_signature(auth_token=twilio_auth_token_for(config), url=url, params=params, signature=signature):
        return False
    account_sid = params.get("AccountSid")
    if config.twilio_account_sid and account_sid and account_sid != config.twilio_account_sid:
        return False
    return True


def twilio_inbound_receive(*, config: BotConfig, params: dict[str, Any]) -> InboundReceipt:
    """Store an inbound Twilio WhatsApp message (form fields of Twilio's messaging webhook).

    Uses ``MessageSid``, ``From``, ``To``, ``Body``, ``NumMedia`` and ``ProfileName``. A message
    addressed to another number than the clinic's configured one is ignored (misrouted webhook).
    """
    recipient = to_e164(str(params.get("To") or ""))
    if config.whatsapp_number and recipient and recipient != config.whatsapp_number:
        logger.warning("Inbound WhatsApp message ignored: addressed to another number than the clinic's")
        return InboundReceipt(message_id=None)
    try:
        media_count = int(params.get("NumMedia") or 0)
    except (TypeError, ValueError):
        media_count = 0
    return inbound_message_receive(
        sender=str(params.get("From") or ""), body=str(params.get("Body") or ""), media_count=media_count,
        provider_sid=str(params.get("MessageSid") or params.get("SmsMessageSid") or "") or None,
        profile_name=str(params.get("ProfileName") or ""),
    )
