"""Whole simulated calls (text turns) through the real agent loop: outcomes per purpose in several
languages, the linked appointment, signed callbacks through the booking outbox (delivery and retry),
voicemail, busy / no-answer retries, calling hours, per-clinic concurrency, silence and isolation."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from django.db import connection

from booking.models import CallbackDelivery, DeliveryStatus
from booking.signing import verify
from calls.models import AgentCall
from tests.calls.conftest import REMINDER, get_call

pytestmark = pytest.mark.django_db


def _appointment(clinic):
    from records.services import appointment_create, patient_create

    connection.set_tenant(clinic)
    patient = patient_create(data={"first_name": "Maria", "last_name": "Lopez"}, created_by="test")
    appointment = appointment_create(patient=patient, data={"name": "Cleaning", "date": date(2026, 5, 20),
                                                            "time": time(9, 30)}, created_by="test")
    connection.set_schema_to_public()
    return appointment


@pytest.mark.parametrize("language, purpose, context, turns, outcome, appointment_status", [
    ("en", "appointment_confirmation", REMINDER["context"], ["Yes, that's me.", "Yes, confirmed."], "confirmed",
     "booked"),
    ("es", "appointment_reminder", REMINDER["context"], ["Sí, soy yo.", "No.", "Mejor la cancelo."], "cancelled",
     "cancelled"),
    ("de", "appointment_reminder", REMINDER["context"], ["Ja, am Apparat.", "Können wir den Termin verschieben?"],
     "reschedule_requested", "pending"),
    ("fr", "follow_up", {"visit_date": "2026-05-15", "procedure": "extraction dentaire"},
     ["Oui, c'est moi.", "J'ai encore mal et ça saigne."], "question", "planned"),
    ("it", "custom", {"message": "I risultati delle analisi sono pronti."}, ["Sì, sono io.", "No, niente."],
     "confirmed", "planned"),
    ("pt", "appointment_confirmation", REMINDER["context"], ["Não, é engano."], "wrong_number", "planned"),
])
def test_full_call_outcome_transcript_summary_and_appointment(api_client, clinic, place_call, take_call, language,
                                                              purpose, context, turns, outcome, appointment_status):
    appointment = _appointment(clinic)
    call_sid = place_call(language=language, purpose=purpose,
                          context={**context, "appointment_id": str(appointment.uuid)})
    patient = take_call(call_sid, clinic, turns)
    data = get_call(api_client, call_sid)
    assert data["status"] == "completed" and data["outcome"]["result"] == outcome
    assert data["outcome"]["appointment_id"] == str(appointment.uuid)
    assert [t["role"] for t in data["transcript"]] == ["agent", "user"] * len(turns) + ["agent"]
    assert [t["message"] for t in data["transcript"] if t["role"] == "user"] == turns
    assert data["transcript"][-1]["message"] == patient.agent_lines[-1]
    assert data["summary"] and "Maria Lopez" in data["summary"]
    connection.set_tenant(clinic)
    appointment.refresh_from_db()
    assert appointment.status == appointment_status


def test_callback_is_signed_retried_and_carries_transcript_and_outcome(api_client, clinic, place_call, take_call,
                                                                       clinic_server, clock):
    from booking.callbacks import callbacks_deliver_due

    secret = api_client.get("/v1/agent-call/settings").json()["callback_signing_secret"]
    connection.set_schema_to_public()
    clinic_server.fail_callbacks = 1
    call_sid = place_call(callback_url=clinic_server.callback_url)
    take_call(call_sid, clinic, ["Yes, speaking", "Yes, I'll be there"], seconds_per_turn=20)
    first, = clinic_server.received()
    assert first["failed"]
    connection.set_tenant(clinic)
    delivery = CallbackDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.event_type == "call.completed"
    assert delivery.booking is None
    clock.advance(seconds=31)
    assert callbacks_deliver_due(inline=True, schema_names=[clinic.schema_name]) == 1
    delivered = clinic_server.received()[-1]
    assert not delivered["failed"]
    headers = delivered["headers"]
    assert headers["X-MedSync-Event"] == "call.completed"
    assert headers["X-MedSync-Event-Id"] == first["headers"]["X-MedSync-Event-Id"]
    assert verify(secret=secret, body=delivered["body"], timestamp=headers["X-MedSync-Timestamp"],
                  signature=headers["X-MedSync-Signature"], now=clock.current.timestamp())
    body = json.loads(delivered["body"])
    assert {k: body[k] for k in ("call_sid", "status", "duration_seconds", "purpose", "patient_phone",
                                 "patient_name")} == {
        "call_sid": call_sid, "status": "completed", "duration_seconds": 40, "purpose": "appointment_reminder",
        "patient_phone": "+34612345678", "patient_name": "Maria Lopez"}
    assert body["summary"] == "Maria Lopez confirmed the appointment on May 20 at 9:30 AM with Dr. Garcia."
    assert body["outcome"]["result"] == "confirmed" and len(body["transcript"]) == 5
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2


def test_voicemail_leaves_a_message_without_appointment_details(api_client, clinic, place_call, take_call,
                                                                clinic_server):
    call_sid = place_call(callback_url=clinic_server.callback_url, language="es")
    patient = take_call(call_sid, clinic, answer="machine")
    assert patient.agent_lines == ["Hola, este es un mensaje de Dental Plus para Maria. Por favor, llámenos "
                                   "cuando pueda. Gracias, adiós."]
    data = get_call(api_client, call_sid)
    assert data["status"] == "completed" and data["outcome"]["result"] == "voicemail"
    assert data["summary"] == "Se dejó un mensaje de voz para Maria Lopez."
    assert json.loads(clinic_server.received()[0]["body"])["outcome"]["result"] == "voicemail"


def test_busy_and_no_answer_are_retried_per_clinic_settings_then_reported(api_client, clinic, place_call, take_call,
                                                                          clinic_server, clock,
                                                                          django_capture_on_commit_callbacks):
    from calls.services import calls_dispatch_due

    api_client.patch("/v1/agent-call/settings", {"max_attempts": 2, "retry_delay_minutes": 10}, format="json")
    connection.set_schema_to_public()
    call_sid = place_call(callback_url=clinic_server.callback_url)
    take_call(call_sid, clinic, answer="busy")
    data = get_call(api_client, call_sid)
    assert data["status"] == "initiated" and data["waiting_reason"] == "retry" and data["attempts"] == 1
    assert clinic_server.received() == []
    clock.advance(minutes=5)
    calls_dispatch_due(inline=True, schema_names=[clinic.schema_name])
    assert get_call(api_client, call_sid)["status"] == "initiated"  # not due yet
    clock.advance(minutes=6)
    calls_dispatch_due(inline=True, schema_names=[clinic.schema_name])
    assert get_call(api_client, call_sid)["status"] == "ringing"
    # nobody picks up: the sweep turns a simulated call ringing past the ring timeout into no-answer
    clock.advance(seconds=31)
    connection.set_tenant(clinic)
    AgentCall.objects.filter(call_sid=call_sid).update(updated_at=clock.current.replace(year=2020))
    with django_capture_on_commit_callbacks(execute=True):
        calls_dispatch_due(inline=True, schema_names=[clinic.schema_name])
    data = get_call(api_client, call_sid)
    assert data["status"] == "no-answer" and data["attempts"] == 2
    assert data["outcome"]["result"] == "no_answer" and data["summary"] == "Maria Lopez did not answer (2 attempts)."
    body = json.loads(clinic_server.received()[0]["body"])
    assert body["status"] == "no-answer" and body["transcript"] == []


def test_calls_outside_calling_hours_wait_for_the_clinics_opening(api_client, clinic, place_call, clock):
    from calls.services import calls_dispatch_due

    clock.advance(hours=11, minutes=30)  # 21:30 in Madrid
    call_sid = place_call()
    data = get_call(api_client, call_sid)
    assert (data["status"], data["waiting_reason"]) == ("initiated", "calling_hours")
    connection.set_tenant(clinic)
    assert AgentCall.objects.get(call_sid=call_sid).next_attempt_at.isoformat() == "2026-05-19T07:00:00+00:00"
    clock.advance(hours=11, minutes=29)  # 08:59 next morning
    calls_dispatch_due(inline=True, schema_names=[clinic.schema_name])
    assert get_call(api_client, call_sid)["status"] == "initiated"
    clock.advance(minutes=1)
    calls_dispatch_due(inline=True, schema_names=[clinic.schema_name])
    assert get_call(api_client, call_sid)["status"] == "ringing"


def test_concurrency_is_limited_per_clinic_and_queued_calls_start_when_one_ends(api_client, other_api_client,
                                                                               other_clinic, place_call, take_call):
    # clinic B is on the starter plan: one call at a time
    first = place_call(client=other_api_client)
    second = place_call(client=other_api_client, patient_phone="+34699111222")
    assert get_call(other_api_client, first)["status"] == "ringing"
    data = get_call(other_api_client, second)
    assert (data["status"], data["waiting_reason"]) == ("initiated", "capacity")
    # clinic A's capacity is its own
    assert get_call(api_client, place_call())["status"] == "ringing"
    take_call(first, other_clinic, ["yes it's me", "yes"])
    assert get_call(other_api_client, second)["status"] == "ringing"


def test_silence_prompts_then_hangs_up(api_client, clinic, place_call, settings):
    from asgiref.sync import async_to_sync

    from calls.local_client import LocalPatient

    api_client.patch("/v1/agent-call/settings", {"silence_timeout_seconds": 2}, format="json")
    connection.set_schema_to_public()
    call_sid = place_call()
    patient = LocalPatient(call_sid=call_sid, schema_name=clinic.schema_name)

    async def play():
        await patient.answer("human")
        await patient.next_line()
        assert (await patient.next_line(timeout=10)).startswith("Are you still there?")
        assert (await patient.next_line(timeout=10)).startswith("I can't hear you")
        await patient.session.wait(timeout=10)

    async_to_sync(play)()
    connection.set_schema_to_public()
    data = get_call(api_client, call_sid)
    assert data["outcome"]["result"] == "no_answer" and data["summary"] == "The call was answered but nobody spoke."


def test_a_call_that_stops_moving_reports_its_turn_state(api_client, clinic, place_call):
    """A test client waiting in vain for the agent gets a TimeoutError that says where the turn-taking
    stands (counts and times only: no words of the patient)."""
    from asgiref.sync import async_to_sync

    from calls.local_client import LocalPatient

    call_sid = place_call()
    patient = LocalPatient(call_sid=call_sid, schema_name=clinic.schema_name)

    async def play():
        await patient.answer("human")
        await patient.next_line()
        await patient.say("yes")
        await patient.next_line()
        with pytest.raises(TimeoutError) as waited:
            await patient.next_line(timeout=0.2)
        await patient.hang_up()
        return str(waited.value)

    message = async_to_sync(play)()
    connection.set_schema_to_public()
    assert "no agent line for 0 s" in message
    for key in ("audio_seconds", "voice_end", "final_words", "partial_chars", "turn_lock_held", "tasks_done"):
        assert f"'{key}'" in message
    assert "yes" not in message.replace("'", " ").split()


def test_patient_hanging_up_mid_call_keeps_the_transcript(api_client, clinic, place_call, take_call):
    call_sid = place_call()
    take_call(call_sid, clinic, ["Yes, speaking"])  # hangs up after the agent's second line
    data = get_call(api_client, call_sid)
    assert data["status"] == "completed" and len(data["transcript"]) == 3
    assert data["outcome"] == {"result": "failed", "detail": {"result": "unresolved", "identity_confirmed": True},
                               "appointment_id": None}


def test_only_a_ringing_simulated_call_can_be_answered(clinic, place_call, take_call):
    from calls.services import CallStateError

    call_sid = place_call()
    take_call(call_sid, clinic, ["No, wrong number"])
    with pytest.raises(CallStateError):
        take_call(call_sid, clinic, ["hello"])


def test_no_patient_data_reaches_the_logs(api_client, clinic, place_call, take_call, clinic_server, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    call_sid = place_call(callback_url=clinic_server.callback_url, patient_name="Zelda Quixote",
                          patient_phone="+34699887766")
    take_call(call_sid, clinic, ["Yes, speaking", "My knee hurts a lot", "I want to cancel"])
    assert get_call(api_client, call_sid)["outcome"]["result"] == "cancelled"
    logged = caplog.text
    assert call_sid in logged  # the calls are traceable by id ...
    for secret in ("Zelda", "Quixote", "699887766", "knee", "Dr. Garcia"):  # ... and by nothing personal
        assert secret not in logged


def test_a_late_final_of_speech_a_turn_already_used_is_not_a_new_turn():
    """The turn ended on the partial; the final of the same audio arrives later with other words (seen with
    the German model), some timed in the silence after the voice. Only words that start after the used turn's
    end of voice and reach the next voice the VAD heard are new."""
    from calls.agent import unconsumed_text
    from transcription.live.base import LiveSegment
    from transcription.providers.base import Word

    def final(*items):
        ws = tuple(Word(t, a, b) for t, a, b in items)
        return LiveSegment(text=" ".join(w.text for w in ws), speaker=0, start=ws[0].start, end=ws[-1].end,
                           is_final=True, words=ws)

    late = final(("Ja,", 3.7, 4.22), ("hama", 4.58, 4.78), ("hamaaat!", 4.92, 5.3))
    assert unconsumed_text(late, 5.15, "Ja, hama, hama, hama!", None) is None
    # words timed in the silence after the used voice (5.15 s), before the next voice (9.3 s): not new
    in_silence = final(("Ja,", 3.7, 4.0), ("hamama,", 5.2, 5.6), ("hama,", 5.6, 5.9), ("ha", 5.9, 6.1))
    assert unconsumed_text(in_silence, 5.15, "", None) is None
    assert unconsumed_text(in_silence, 5.15, "", 9.3) is None
    both = final(("Ja,", 3.7, 4.22), ("hamaaat!", 4.92, 5.3), ("Ich", 9.36, 9.78), ("habe", 9.78, 9.96))
    assert unconsumed_text(both, 5.15, "", 9.3) == "Ich habe"
    assert unconsumed_text(final(("Ich", 9.36, 9.78)), -1.0, "", None) == "Ich"  # before any turn: all new
    # partials carry no word times: one ending by then is dropped, the used partial text is cut off
    partial = LiveSegment(text="Yes speaking and", speaker=0, start=1.0, end=6.0, is_final=False)
    assert unconsumed_text(partial, 5.15, "Yes speaking", 5.5) == "and"
    assert unconsumed_text(partial, 5.15, "Yes speaking", 6.5) is None
    assert unconsumed_text(LiveSegment(text="Yes", speaker=0, start=1.0, end=2.0, is_final=False), 5.15, "", 5.5) is None
    assert unconsumed_text(LiveSegment(text="", speaker=0, start=6.0, end=6.0, is_final=False), 5.15, "", None) == ""
