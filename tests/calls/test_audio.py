"""Spoken calls: the patient's answers are synthesised with espeak-ng and recognised by the real
offline streaming engine (Whisper tiny.en / base + Silero VAD), one call per purpose in four
languages; plus barge-in. These are the expensive tests: keep them few."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.db import connection

from calls.dialogue.languages import language_pack
from calls.tts import synthesise_sync
from tests.calls.conftest import get_call

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("espeak")]


def voice(text: str, language: str):
    return synthesise_sync(text, voice=language_pack(language).voice)


@pytest.mark.parametrize("language, purpose, context, answers, outcome", [
    ("en", "appointment_reminder", None, ["Yes, speaking.", "Yes, I will be there."], "confirmed"),
    ("es", "appointment_confirmation", None, ["Sí, soy yo.", "No puedo ir. Quiero cambiar la cita a otro día."],
     "reschedule_requested"),
    # Known defect (open): the German call sometimes waited more than 120 s for the agent's next line when it
    # ran after other tests of the calls suite (1 of 2 suite runs on 2026-11-30 after the endpoint fix; not
    # seen in 6 suite runs since). A TimeoutError now carries the session's turn state
    # (``AgentSession.diagnostics``) so the next occurrence says why. Not strict, so a fix shows up as XPASS;
    # any other failure (e.g. a late final taken for a second answer, fixed in ``calls.agent.unconsumed_text``)
    # fails the test.
    pytest.param("de", "follow_up",
                 {"visit_date": "2026-05-15", "procedure": "Zahnextraktion", "provider_name": "Dr. Garcia"},
                 ["Ja, am Apparat.", "Ich habe starke Schmerzen und Fieber."], "question",
                 marks=pytest.mark.xfail(raises=TimeoutError, strict=False,
                                         reason="German call sometimes stalls in a suite run (open defect)")),
    ("fr", "custom", {"message": "Vos résultats d'analyses sont prêts."}, ["Oui, c'est moi.", "Non, merci beaucoup. Au revoir."],
     "confirmed"),
])
def test_spoken_call_through_the_real_speech_engine(api_client, clinic, place_call, take_call, language, purpose,
                                                   context, answers, outcome):
    # the patient streams in real time; a loaded 2-core machine must not turn slow recognition into silence
    api_client.patch("/v1/agent-call/settings", {"silence_timeout_seconds": 30}, format="json")
    connection.set_schema_to_public()
    overrides = {"language": language, "purpose": purpose}
    if context is not None:
        overrides["context"] = context
    call_sid = place_call(**overrides)
    patient = take_call(call_sid, clinic, [voice(a, language) for a in answers], mode="audio",
                        want_agent_audio=True)
    assert len(patient.user_lines) == len(answers), patient.user_lines
    assert len(patient.first_audio_at) == len(patient.agent_lines) == 3  # every agent line was spoken
    data = get_call(api_client, call_sid)
    assert data["status"] == "completed" and data["outcome"]["result"] == outcome, patient.user_lines
    assert [t["message"] for t in data["transcript"] if t["role"] == "user"] == patient.user_lines


def test_barge_in_stops_the_agent_and_the_answer_is_understood(api_client, clinic, place_call):
    from calls.local_client import LocalPatient

    call_sid = place_call()
    patient = LocalPatient(call_sid=call_sid, schema_name=clinic.schema_name, mode="audio", want_agent_audio=True,
                           pace_output=True)

    async def play():
        await patient.answer("human")
        await patient.next_line()  # the identity question plays for ~4 s: answer over it
        await patient.speak(voice("Yes, speaking.", "en"))
        await patient.next_line()
        await patient.hang_up()
        await patient.session.wait(timeout=30)

    async_to_sync(play)()
    connection.set_schema_to_public()
    assert patient.cleared == 1
    data = get_call(api_client, call_sid)
    # "Yes, speaking." (read "Yes, speak." once on a loaded 2-core machine, where the barge-in cut differs)
    assert data["transcript"][1]["role"] == "user" and "yes, speak" in data["transcript"][1]["message"].lower()
    assert data["transcript"][2]["message"].startswith("I'm calling to remind you")
    connection.set_tenant(clinic)
    from calls.models import AgentCall

    assert AgentCall.objects.get(call_sid=call_sid).transcript[0]["interrupted"] is True


def test_a_cancelled_synthesis_leaves_no_espeak_process():
    """A turn cancelled while espeak-ng speaks (barge-in, the call ending) must not leave the process blocked
    on its full stdout pipe: a suite run once hung in an event loop's shutdown with such a process alive."""
    import asyncio

    import psutil

    from calls import tts

    async def scenario():
        task = asyncio.create_task(tts.synthesise("Please take one tablet twice a day with food. " * 300,
                                                  voice="en-us"))
        await asyncio.sleep(0.05)  # espeak-ng runs (its whole output takes seconds to write)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    children = [p for p in psutil.Process().children() if p.is_running() and p.status() != psutil.STATUS_ZOMBIE
                and "espeak" in p.name()]
    assert children == []
