"""Writes of the call agent: request, dispatch, carrier status, session, outcome.

Life cycle of a call (statuses are the seed's):

1. :func:`agent_call_create` stores the call (``initiated``) and its usage row, then (after commit)
   a Celery task runs :func:`call_dispatch`.
2. :func:`call_dispatch` waits for the clinic's calling hours (its time zone) and for a free
   concurrent-call slot (``CALLS_CONCURRENT_PER_PLAN``), then dials through the telephony provider
   (Twilio, or the simulator for clinics without Twilio). Waiting calls keep ``initiated`` with a
   ``waiting_reason``; :func:`calls_dispatch_due` (Celery beat, every minute) and every call that
   ends start them.
3. The carrier reports statuses (:func:`call_status_apply`; Twilio status callbacks are signed and
   may arrive repeated or out of order: an attempt's status only moves forward). ``no-answer`` /
   ``busy`` are retried ``max_attempts`` times, ``retry_delay_minutes`` apart.
4. The answered call runs the agent loop (:mod:`calls.agent`), which stores the transcript and
   dialogue state turn by turn (:func:`call_session_save`) and ends with :func:`call_session_close`.
5. :func:`call_finalize` (exactly once) writes the outcome, the offline summary and the duration,
   updates the linked appointment, the usage row's seconds, and enqueues the signed callback
   through the booking outbox (:func:`booking.callbacks.webhook_enqueue`).
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from calls import clock, selectors
from calls.dialogue.facts import CallFacts, build_facts
from calls.dialogue.summary import outcome_of, summarise
from calls.models import (
    FINAL_STATUSES,
    STATUS_RANK,
    AgentCall,
    CallSettings,
    CallStatus,
    Outcome,
    Purpose,
    WaitingReason,
)
from calls.providers import telephony_provider_class
from calls.providers.base import DialRequest, TelephonyError

logger = logging.getLogger("medsync.calls")

#: Outcomes that change the linked appointment's status (FHIR R4 AppointmentStatus): a confirmed visit
#: is ``booked``, a cancelled one ``cancelled``; a reschedule request makes it ``pending`` (participants
#: have not finalised it) until the clinic books the new time.
APPOINTMENT_STATUS_FOR_OUTCOME = {
    Outcome.CONFIRMED: "booked",
    Outcome.CANCELLED: "cancelled",
    Outcome.RESCHEDULE_REQUESTED: "pending",
}

#: Twilio CallStatus values → the seed's statuses.
CARRIER_STATUS = {
    "queued": CallStatus.INITIATED, "initiated": CallStatus.INITIATED, "ringing": CallStatus.RINGING,
    "in-progress": CallStatus.IN_PROGRESS, "answered": CallStatus.IN_PROGRESS, "completed": CallStatus.COMPLETED,
    "busy": CallStatus.BUSY, "no-answer": CallStatus.NO_ANSWER, "failed": CallStatus.FAILED,
    "canceled": CallStatus.NO_ANSWER,  # a ringing call ended by a timeout of ours
}


class CallStateError(Exception):
    """The call is not in a state that allows the action (e.g. cancelling a call already dialled)."""


def new_call_sid() -> str:
    """``CA`` + 32 lower-case hex characters (Twilio's call sid format; 128 random bits)."""
    return "CA" + secrets.token_hex(16)


def concurrent_limit(plan: str) -> int:
    """Concurrent calls allowed on ``plan`` (``CALLS_CONCURRENT_PER_PLAN``; unknown plans: starter's)."""
    limits = settings.CALLS_CONCURRENT_PER_PLAN
    return int(limits.get(plan, limits["starter"]))


# --- request ---------------------------------------------------------------------------------------


@transaction.atomic
def agent_call_create(*, clinic, api_key=None, patient_phone: str, patient_name: str, purpose: str,
                      context: dict, callback_url: str = "", language: str = "en",
                      appointment_uuid=None) -> AgentCall:
    """Store a requested call (``initiated``) and its ``agent_call`` usage row; dispatch after commit.

    Args:
        clinic: the calling clinic (the connection is on its schema).
        api_key: the key that asked (usage attribution), or ``None``.
        patient_phone: E.164. patient_name, purpose, context, callback_url, language: as validated by
            the API serializer. appointment_uuid: the records appointment named by the context, if any.
    """
    from clinics.models import Service
    from clinics.services import usage_record

    now = clock.now()
    usage = usage_record(clinic=clinic, service=Service.AGENT_CALL, duration_seconds=0.0, api_key=api_key)
    call = AgentCall.objects.create(
        call_sid=new_call_sid(), patient_phone=patient_phone, patient_name=patient_name, purpose=purpose,
        context=context, language=language, callback_url=callback_url or "", appointment_uuid=appointment_uuid,
        status=CallStatus.INITIATED, next_attempt_at=now, usage_record_id=usage.pk,
        simulated=is_test_key(api_key),
    )
    _enqueue_dispatch(call.pk)
    return call


def is_test_key(api_key) -> bool:
    """A test API key (its name starts with ``test``, e.g. ``create_api_key <clinic> --name test``):
    its calls always go to the simulator, so integrations can be tried without phoning anyone."""
    return api_key is not None and (api_key.name or "").strip().lower().startswith("test")


def _enqueue_dispatch(call_id: int) -> None:
    schema_name = connection.schema_name

    def enqueue() -> None:
        from calls.tasks import dispatch_call

        dispatch_call.delay(schema_name, call_id)

    transaction.on_commit(enqueue)


@transaction.atomic
def call_cancel(*, call: AgentCall) -> AgentCall:
    """Cancel a call that has not been dialled yet (waiting in the queue): status ``canceled``.

    Raises:
        CallStateError: the call is being dialled, ringing, in progress or over.
    """
    updated = AgentCall.objects.filter(pk=call.pk, status=CallStatus.INITIATED, next_attempt_at__isnull=False).update(
        status=CallStatus.CANCELED, status_rank=STATUS_RANK[CallStatus.CANCELED], next_attempt_at=None,
        waiting_reason="", ended_at=clock.now(), outcome="", updated_at=clock.now())
    if not updated:
        call.refresh_from_db()
        raise CallStateError(f"Only a queued call can be cancelled; this call is {call.status}")
    call.refresh_from_db()
    return call


# --- calling hours and capacity ------------------------------------------------------------------


def next_calling_time(*, config: CallSettings, now: datetime) -> datetime | None:
    """``None`` when ``now`` is inside the clinic's calling hours, else the next opening (aware, UTC).

    Hours are ``calling_hours_start``–``calling_hours_end`` on ``calling_days`` (ISO weekdays) in the
    clinic's ``time_zone``; no calling day at all means "any day".
    """
    from datetime import time as time_cls

    tz = ZoneInfo(config.time_zone or "UTC")
    local = now.astimezone(tz)
    days = set(config.calling_days or range(1, 8))
    start = config.calling_hours_start if isinstance(config.calling_hours_start, time_cls) else \
        time_cls.fromisoformat(str(config.calling_hours_start))
    end = config.calling_hours_end if isinstance(config.calling_hours_end, time_cls) else \
        time_cls.fromisoformat(str(config.calling_hours_end))
    if local.isoweekday() in days and start <= local.time() < end:
        return None
    for offset in range(0, 8):
        day = (local + timedelta(days=offset)).date()
        if day.isoweekday() not in days:
            continue
        opening = datetime.combine(day, start, tzinfo=tz)
        if opening > local:
            return opening.astimezone(ZoneInfo("UTC"))
    return None


def _provider_name(config: CallSettings) -> str:
    choice = config.provider if config.provider != "auto" else settings.CALLS_PROVIDER
    if choice in ("twilio", "simulator"):
        return choice
    has_credentials = (config.twilio_account_sid and config.twilio_auth_token) or (
        settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN)
    has_number = config.from_number or settings.TWILIO_VOICE_FROM
    return "twilio" if has_credentials and has_number and settings.PUBLIC_BASE_URL else "simulator"


def telephony_provider(config: CallSettings):
    """The clinic's telephony adapter: Twilio when configured (see ``CALLS_PROVIDER``), else the simulator."""
    name = _provider_name(config)
    cls = telephony_provider_class(name)
    if name == "twilio":
        return cls(account_sid=config.twilio_account_sid or settings.TWILIO_ACCOUNT_SID,
                   auth_token=config.twilio_auth_token or settings.TWILIO_AUTH_TOKEN,
                   timeout=settings.TWILIO_TIMEOUT_SECONDS)
    return cls()


def twilio_auth_token(config: CallSettings) -> str:
    return config.twilio_auth_token or settings.TWILIO_AUTH_TOKEN


def _public_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def current_clinic():
    """The clinic whose schema the connection is on (``schema_context`` sets only the schema name)."""
    from clinics.models import Clinic

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Clinic):
        return tenant
    return Clinic.objects.get(schema_name=connection.schema_name)


# --- dispatch -------------------------------------------------------------------------------------


def call_dispatch(*, call_id: int) -> str:
    """Dial a due waiting call if calling hours and the clinic's capacity allow.

    Returns:
        What happened: ``"dialled"``, ``"waiting:<reason>"``, ``"failed"``, or ``"skipped"`` (not due,
        already claimed by another worker, or not waiting).
    """
    from django.urls import reverse

    clinic = current_clinic()
    config = selectors.call_settings_get()
    now = clock.now()
    with transaction.atomic():
        # one dispatcher per clinic at a time, so two workers cannot both take the last free slot
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"calls-dispatch:{connection.schema_name}"])
        call = AgentCall.objects.select_for_update().filter(pk=call_id).first()
        if call is None or call.status != CallStatus.INITIATED:
            return "skipped"
        if call.next_attempt_at is None and not selectors.dial_claim_is_stale(call, now=now):
            return "skipped"  # dialled, or being dialled by a live worker
        if call.next_attempt_at is not None and call.next_attempt_at > now:
            return "skipped"
        opening = next_calling_time(config=config, now=now)
        if opening is not None:
            AgentCall.objects.filter(pk=call.pk).update(waiting_reason=WaitingReason.CALLING_HOURS,
                                                        next_attempt_at=opening)
            return f"waiting:{WaitingReason.CALLING_HOURS}"
        if selectors.calls_active_count() >= concurrent_limit(clinic.plan):
            # started again when a call ends (call_finalize) or by the minute sweep
            AgentCall.objects.filter(pk=call.pk).update(waiting_reason=WaitingReason.CAPACITY,
                                                        next_attempt_at=now + timedelta(seconds=60))
            return f"waiting:{WaitingReason.CAPACITY}"
        attempt = call.attempts + 1
        # Claimed: no next attempt, no carrier id yet, stamped now. A worker killed before the carrier
        # answered leaves it so; after selectors.DIAL_CLAIM_LEASE the sweep dials it again.
        AgentCall.objects.filter(pk=call.pk).update(
            attempts=attempt, next_attempt_at=None, waiting_reason="", status_rank=0, answered_by="",
            provider_call_sid=None, updated_at=now)
    client_id = clinic.client_id
    try:
        provider = telephony_provider_class("simulator")() if call.simulated else telephony_provider(config)
        if provider.name == "twilio" and not settings.PUBLIC_BASE_URL:
            raise TelephonyError("PUBLIC_BASE_URL must be set for Twilio calls", permanent=True)
        request = DialRequest(
            to=call.patient_phone, from_number=config.from_number or settings.TWILIO_VOICE_FROM,
            answer_url=_public_url(reverse("agent-call-twilio-answer", kwargs={"client_id": client_id,
                                                                              "call_sid": call.call_sid})),
            status_callback_url=_public_url(reverse("agent-call-twilio-status",
                                                    kwargs={"client_id": client_id, "call_sid": call.call_sid})),
            ring_timeout_seconds=settings.CALLS_RING_TIMEOUT_SECONDS,
        )
        result = provider.dial(request)
    except TelephonyError as exc:
        logger.warning("Call %s dial attempt %d failed (permanent=%s): %s", call.call_sid, attempt, exc.permanent,
                       exc.message)
        _attempt_ended(call_id=call.pk, status=CallStatus.FAILED, error=exc.message, retry=not exc.permanent)
        return "failed"
    status = CARRIER_STATUS.get(result.status, CallStatus.INITIATED)
    AgentCall.objects.filter(pk=call.pk).update(
        provider=provider.name, provider_call_sid=result.provider_call_sid, status=status,
        status_rank=STATUS_RANK[status], updated_at=clock.now(),
        attempt_log=_log_entry(call.attempt_log, attempt, "dialled"))
    logger.info("Call %s dialled (attempt %d, %s)", call.call_sid, attempt, provider.name)
    return "dialled"


def _log_entry(log: list, attempt: int, event: str) -> list:
    return [*(log or []), {"attempt": attempt, "event": event, "at": clock.now().isoformat()}][-50:]


def calls_dispatch_due(*, inline: bool, schema_names: list[str] | None = None) -> int:
    """Dial (``inline``) or enqueue every due waiting call of every clinic, and turn simulated calls
    ringing for longer than ``CALLS_RING_TIMEOUT_SECONDS`` into no-answer. Returns calls handled."""
    from django_tenants.utils import schema_context

    from booking.selectors import clinic_schemas

    count = 0
    for schema_name in schema_names if schema_names is not None else clinic_schemas():
        with schema_context(schema_name):
            now = clock.now()
            stale = selectors.simulated_calls_ringing_since(
                before=now - timedelta(seconds=settings.CALLS_RING_TIMEOUT_SECONDS))
            for call_id in stale:
                call = AgentCall.objects.get(pk=call_id)
                call_status_apply(call=call, carrier_status="no-answer")
                count += 1
            for call_id in selectors.calls_due(now=now):
                if inline:
                    call_dispatch(call_id=call_id)
                else:
                    from calls.tasks import dispatch_call

                    dispatch_call.delay(schema_name, call_id)
                count += 1
    return count


# --- carrier status ------------------------------------------------------------------------------


@transaction.atomic
def call_status_apply(*, call: AgentCall, carrier_status: str, answered_by: str = "",
                      duration_seconds: int | None = None) -> AgentCall:
    """Apply a carrier status report (Twilio ``CallStatus``) to the call's current attempt.

    Repeated and out-of-order reports change nothing: a status of lower or equal rank than the
    attempt's current one is ignored (Twilio retries callbacks and does not order them). Final
    statuses end the attempt: ``no-answer`` / ``busy`` schedule a retry while attempts remain;
    otherwise the call is finalised.

    Args:
        carrier_status: Twilio's ``CallStatus`` (queued, initiated, ringing, in-progress, completed,
            busy, no-answer, failed, canceled).
        answered_by: Twilio's ``AnsweredBy`` (human, machine_start, machine_end_beep, ..., unknown).
        duration_seconds: Twilio's ``CallDuration`` on the final report.
    """
    status = CARRIER_STATUS.get(carrier_status)
    if status is None:
        return call
    rank = STATUS_RANK[status]
    fields: dict = {"status": status, "status_rank": rank, "updated_at": clock.now()}
    if answered_by:
        fields["answered_by"] = "machine" if answered_by.startswith("machine") or answered_by == "fax" else \
            ("human" if answered_by == "human" else "unknown")
    if status == CallStatus.IN_PROGRESS:
        fields["answered_at"] = clock.now()
    if status in FINAL_STATUSES:
        # the session may already have moved the call to completed: only the attempt's first final report counts
        fields.pop("status")
    moved = AgentCall.objects.filter(pk=call.pk, status_rank__lt=rank, provider_call_sid=call.provider_call_sid) \
        .exclude(status__in=FINAL_STATUSES).update(**fields)
    call.refresh_from_db()
    if not moved:
        if status == CallStatus.COMPLETED and duration_seconds is not None and call.outcome:
            AgentCall.objects.filter(pk=call.pk).update(duration_seconds=max(0, int(duration_seconds)))
            _usage_seconds(call, max(0, int(duration_seconds)))
        return call
    if status in FINAL_STATUSES:
        _attempt_ended(call_id=call.pk, status=status, duration_seconds=duration_seconds,
                       retry=status in (CallStatus.NO_ANSWER, CallStatus.BUSY))
        call.refresh_from_db()
    return call


def _attempt_ended(*, call_id: int, status: str, retry: bool, duration_seconds: int | None = None,
                   error: str = "") -> None:
    call = AgentCall.objects.get(pk=call_id)
    config = selectors.call_settings_get()
    log = _log_entry(call.attempt_log, call.attempts, status)
    if retry and status != CallStatus.COMPLETED and call.attempts < config.max_attempts:
        AgentCall.objects.filter(pk=call_id).update(
            status=CallStatus.INITIATED, status_rank=0, waiting_reason=WaitingReason.RETRY,
            next_attempt_at=clock.now() + timedelta(minutes=config.retry_delay_minutes), attempt_log=log,
            error=error[:200])
        _enqueue_dispatch_waiting()
        return
    AgentCall.objects.filter(pk=call_id).update(attempt_log=log, error=error[:200])
    state = dict(call.dialogue_state or {})
    if status == CallStatus.NO_ANSWER:
        state["result"] = "no_answer"
    elif status == CallStatus.BUSY:
        state["result"] = "busy"
    elif status == CallStatus.FAILED:
        state.setdefault("result", "failed")
    elif status == CallStatus.COMPLETED and call.answered_by == "machine":
        state.setdefault("result", "voicemail")
    call_finalize(call_id=call_id, status=status, state=state, duration_seconds=duration_seconds)


# --- the answered call ---------------------------------------------------------------------------


def call_facts(call: AgentCall) -> CallFacts:
    """What the agent may say on ``call`` (:class:`CallFacts`)."""
    config = selectors.call_settings_get()
    clinic_name = config.clinic_name or current_clinic().name
    return build_facts(purpose=call.purpose, language=call.language, patient_name=call.patient_name,
                       context=call.context or {}, clinic_name=clinic_name)


@transaction.atomic
def call_simulator_answer(*, call: AgentCall, answer: str = "human") -> AgentCall:
    """Play the carrier's part for a simulated call that rings: ``human`` / ``machine`` answer it
    (``in-progress``), ``busy`` / ``no-answer`` end the attempt as Twilio would.

    Raises:
        CallStateError: not a ringing simulated call.
    """
    if call.provider != "simulator" or call.status != CallStatus.RINGING:
        raise CallStateError(f"Only a ringing simulated call can be answered; this call is {call.status}")
    if answer in ("busy", "no-answer"):
        return call_status_apply(call=call, carrier_status=answer)
    return call_status_apply(call=call, carrier_status="in-progress",
                             answered_by="human" if answer == "human" else "machine_end_beep")


def call_session_open(*, call_sid: str) -> AgentCall:
    """The call the agent loop is about to serve (answered: ``in-progress``).

    Raises:
        CallStateError: unknown call, or not ringing / in progress.
    """
    call = selectors.call_get(call_sid=call_sid)
    if call is None:
        raise CallStateError("Unknown call")
    if call.status == CallStatus.RINGING:
        call = call_status_apply(call=call, carrier_status="in-progress")
    if call.status != CallStatus.IN_PROGRESS:
        raise CallStateError(f"The call is {call.status}, not in progress")
    return call


def call_session_save(*, call_id: int, transcript: list[dict], state: dict) -> None:
    """Store the transcript so far and the dialogue state (after every turn: nothing is lost if the
    process dies mid-call)."""
    AgentCall.objects.filter(pk=call_id).update(transcript=transcript, dialogue_state=state, updated_at=clock.now())


def call_session_close(*, call_id: int, transcript: list[dict], state: dict) -> AgentCall:
    """The agent loop ended (hang-up by either side, or the maximum length): finalise as ``completed``."""
    call_session_save(call_id=call_id, transcript=transcript, state=state)
    call_finalize(call_id=call_id, status=CallStatus.COMPLETED, state=state)
    return AgentCall.objects.get(pk=call_id)


# --- outcome -------------------------------------------------------------------------------------


def call_finalize(*, call_id: int, status: str, state: dict | None = None,
                  duration_seconds: int | None = None) -> bool:
    """End a call exactly once: status, outcome, summary, duration, appointment, usage, callback.

    The summary is the deterministic one of :func:`calls.dialogue.summary.summarise`, or, for a call the
    LLM policy conducted (its state has ``llm_history``), one written by the same model
    (:func:`calls.dialogue.llm.llm_call_summary`, asked before the row is locked; any failure or refused
    answer keeps the deterministic summary).

    Returns:
        ``False`` when the call was already finalised (a repeated report or a race with the session).
    """
    llm_summary = _llm_summary(call_id=call_id, state=state)
    return _call_finalize_locked(call_id=call_id, status=status, state=state, duration_seconds=duration_seconds,
                                 llm_summary=llm_summary)


def _llm_summary(*, call_id: int, state: dict | None) -> str | None:
    call = AgentCall.objects.filter(pk=call_id).first()
    if call is None or call.outcome:
        return None
    state = state if state is not None else call.dialogue_state or {}
    if not state.get("llm_history") or not call.transcript:
        return None
    api_key = current_clinic().openai_api_key or settings.OPENAI_API_KEY
    if not api_key:
        return None
    from calls.dialogue.llm import llm_call_summary

    outcome, _ = outcome_of(dict(state))
    return llm_call_summary(facts=call_facts(call), transcript=call.transcript, outcome=outcome, api_key=api_key,
                            model=settings.OPENAI_MODEL, base_url=settings.OPENAI_BASE_URL)


@transaction.atomic
def _call_finalize_locked(*, call_id: int, status: str, state: dict | None, duration_seconds: int | None,
                          llm_summary: str | None) -> bool:
    call = AgentCall.objects.select_for_update().get(pk=call_id)
    if call.outcome:
        return False
    now = clock.now()
    state = dict(state if state is not None else call.dialogue_state or {})
    if status == CallStatus.COMPLETED and call.answered_by == "machine":
        state.setdefault("result", "voicemail")
    outcome, detail = outcome_of(state)
    facts = call_facts(call)
    summary = llm_summary or summarise(facts=facts, state=state, attempts=max(1, call.attempts))
    if duration_seconds is None:
        duration_seconds = int(round((now - call.answered_at).total_seconds())) if call.answered_at else 0
    call.status = status
    call.status_rank = STATUS_RANK[status]
    call.dialogue_state = state
    call.outcome = outcome
    call.outcome_detail = detail
    call.summary = summary
    call.duration_seconds = max(0, int(duration_seconds))
    call.ended_at = now
    call.next_attempt_at = None
    call.waiting_reason = ""
    call.save()
    _usage_seconds(call, call.duration_seconds)
    _appointment_apply(call)
    if call.callback_url:
        from booking.callbacks import webhook_enqueue

        webhook_enqueue(url=call.callback_url, event_type="call.completed", payload=callback_payload(call))
    logger.info("Call %s finalised: %s / %s", call.call_sid, status, outcome)
    _enqueue_dispatch_waiting()
    return True


def _usage_seconds(call: AgentCall, seconds: int) -> None:
    if call.usage_record_id:
        from clinics.services import usage_record_set_duration

        usage_record_set_duration(record_id=call.usage_record_id, duration_seconds=float(seconds))


def _appointment_apply(call: AgentCall) -> None:
    """Update the linked appointment (records app) for reminder/confirmation outcomes."""
    target = APPOINTMENT_STATUS_FOR_OUTCOME.get(call.outcome)
    if not (target and call.appointment_uuid and call.purpose in (Purpose.APPOINTMENT_REMINDER,
                                                                   Purpose.APPOINTMENT_CONFIRMATION)):
        return
    from records.selectors import appointment_get
    from records.services import appointment_update

    appointment = appointment_get(appointment_id=str(call.appointment_uuid))
    if appointment is not None and appointment.status != target:
        appointment_update(appointment=appointment, data={"status": target})


def _enqueue_dispatch_waiting() -> None:
    """After commit, try the calls waiting for a free slot (capacity) of this clinic."""
    schema_name = connection.schema_name

    def enqueue() -> None:
        from calls.tasks import dispatch_waiting_calls

        dispatch_waiting_calls.delay(schema_name)

    transaction.on_commit(enqueue)


def calls_dispatch_waiting() -> int:
    """Dial calls of the current clinic waiting for capacity (oldest first) while slots are free."""
    ids = list(AgentCall.objects.filter(status=CallStatus.INITIATED, waiting_reason=WaitingReason.CAPACITY)
               .order_by("created_at", "id").values_list("id", flat=True)[:50])
    AgentCall.objects.filter(pk__in=ids).update(next_attempt_at=clock.now())
    dialled = 0
    for call_id in ids:
        result = call_dispatch(call_id=call_id)
        if result == f"waiting:{WaitingReason.CAPACITY}":
            break
        dialled += result == "dialled"
    return dialled


def callback_payload(call: AgentCall) -> dict:
    """The seed's callback body (platform API seed, "Callback Payload"), key for key, plus the extra
    ``transcript`` (``[{"role", "message"}]``), ``outcome``
    (``{"result": <Outcome>, "detail": {...}, "appointment_id"}``), ``language`` and ``attempts``."""
    return {
        "call_sid": call.call_sid,
        "status": call.status,
        "duration_seconds": call.duration_seconds,
        "purpose": call.purpose,
        "summary": call.summary,
        "patient_phone": call.patient_phone,
        "patient_name": call.patient_name,
        "transcript": [{"role": t["role"], "message": t["message"]} for t in call.transcript or []],
        "outcome": {"result": call.outcome, "detail": call.outcome_detail or {},
                    "appointment_id": str(call.appointment_uuid) if call.appointment_uuid else None},
        "language": call.language,
        "attempts": call.attempts,
    }


def call_settings_update(**fields) -> CallSettings:
    """Change the clinic's :class:`CallSettings` (only the given fields)."""
    config = selectors.call_settings_get()
    for name, value in fields.items():
        setattr(config, name, value)
    config.full_clean(exclude=["callback_secret"])
    config.save()
    return config


# --- voicemail ---------------------------------------------------------------


def call_voicemail_left(*, call: AgentCall) -> str:
    """An answering machine took the call: store the voicemail line (said by the carrier) and return it.
    The message names only the clinic and the patient's first name: no appointment details on a
    machine anyone may hear."""
    from calls.dialogue.policy import ScriptedPolicy

    state = dict(call.dialogue_state or {})
    turn = ScriptedPolicy(call_facts(call)).voicemail(state)
    transcript = [*(call.transcript or []), {"role": "agent", "message": turn.text}]
    call_session_save(call_id=call.pk, transcript=transcript, state=state)
    return turn.text
