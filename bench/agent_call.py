"""Agent-call benchmark: turn latency of the offline loop and simultaneous calls per machine.

Runs real simulated calls in this process (one event loop, like one Daphne process serving Media
Streams): each call is requested through the service layer, dialled on the simulator, answered by an
in-process patient (:class:`calls.local_client.LocalPatient`) that streams espeak-ng speech in real
time (100 ms chunks, then line silence), and served by the real agent loop — offline streaming STT
(Whisper tiny.en for ``en``, base otherwise, Silero VAD), the scripted policy, espeak-ng TTS.

**Turn latency** = arrival of the first agent audio chunk of the reply − the moment the patient's last
speech sample was sent (end of patient speech). It includes the 0.6 s end-of-turn silence
(``calls.agent.ENDPOINT_SILENCE_SECONDS``), recognition, policy and synthesis of the first sentence.
Each call has two patient turns (identity check, then the appointment answer); each level is run
``--rounds`` times (default 3).

Levels of 1, 2, 3, ... simultaneous calls are run until the median turn latency exceeds the target
(1.2 s); the largest level at or under it is what the machine carries. The machine's load average is
printed with every level: on a shared machine other work inflates the figures.

Needs the database of ``DATABASE_URL`` (migrated); the clinic ``bench-agent-call`` (enterprise plan,
calling hours all day) is created once and kept.

    .venv/bin/python bench/agent_call.py                   # 1, 2, 3 ... calls
    .venv/bin/python bench/agent_call.py --calls 1 2 4 --language es
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")

TARGET_MEDIAN_SECONDS = 1.2
CLIENT_ID = "bench-agent-call"
ANSWERS = {
    "en": ["Yes, speaking.", "Yes, I will be there."],
    "es": ["Sí, soy yo.", "Sí, allí estaré."],
    "de": ["Ja, am Apparat.", "Ja, ich komme."],
}


def _setup_clinic():
    from datetime import time as time_cls

    from django_tenants.utils import schema_context

    from calls.services import call_settings_update
    from clinics.models import Clinic, Plan
    from clinics.services import clinic_create

    clinic = Clinic.objects.filter(client_id=CLIENT_ID).first() or clinic_create(
        client_id=CLIENT_ID, name="Bench Clinic", plan=Plan.ENTERPRISE)
    with schema_context(clinic.schema_name):
        call_settings_update(provider="simulator", policy="scripted", calling_days=[1, 2, 3, 4, 5, 6, 7],
                             calling_hours_start=time_cls(0, 0), calling_hours_end=time_cls(23, 59),
                             silence_timeout_seconds=30, max_call_seconds=600)
    return clinic


def _place_call(clinic, language: str) -> str:
    from django_tenants.utils import schema_context

    from calls.models import AgentCall
    from calls.services import agent_call_create, call_dispatch

    with schema_context(clinic.schema_name):
        call = agent_call_create(clinic=clinic, patient_phone="+34612345678", patient_name="Maria Lopez",
                                 purpose="appointment_reminder", language=language,
                                 context={"appointment_date": "2026-05-20", "appointment_time": "09:30",
                                          "provider_name": "Dr. Garcia", "clinic_name": "Dental Plus"})
        call_dispatch(call_id=call.pk)
        return AgentCall.objects.get(pk=call.pk).call_sid


async def _one_call(clinic, call_sid: str, speech: list, start_delay: float, recognised: list) -> list[float]:
    from calls.local_client import LocalPatient

    await asyncio.sleep(start_delay)
    patient = LocalPatient(call_sid=call_sid, schema_name=clinic.schema_name, mode="audio", want_agent_audio=True)
    await patient.answer("human")
    await patient.next_line(timeout=120)
    latencies = []
    for samples in speech:
        await asyncio.sleep(0.3)  # the patient listens, then answers
        seen = len(patient.first_audio_at)
        speech_end = await patient.speak(samples)
        line = await patient.next_line(timeout=120)
        deadline = time.monotonic() + 30
        while line and len(patient.first_audio_at) <= seen and time.monotonic() < deadline:
            await asyncio.sleep(0.005)  # the line's text comes first, its audio right after
        if not line or len(patient.first_audio_at) <= seen:
            break
        latencies.append(patient.first_audio_at[seen] - speech_end)
        recognised.append(patient.user_text_at[-1] - speech_end)
    if not patient.hung_up.is_set():
        await patient.hang_up()
    await patient.session.wait(timeout=60)
    return latencies


async def _level(clinic, calls: int, language: str, speech: list) -> tuple[list[float], list[float]]:
    from asgiref.sync import sync_to_async

    sids = [await sync_to_async(_place_call)(clinic, language) for _ in range(calls)]
    # calls start 0.5 s apart, as requests would arrive, so their turns do not all line up
    recognised: list[float] = []
    results = await asyncio.gather(*(_one_call(clinic, sid, speech, 0.5 * i, recognised)
                                     for i, sid in enumerate(sids)))
    return [latency for result in results for latency in result], recognised


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, nargs="*", help="levels of simultaneous calls (default 1, 2, 3 ...)")
    parser.add_argument("--language", default="en", choices=sorted(ANSWERS))
    parser.add_argument("--max-calls", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="times each level is run (more turns measured)")
    args = parser.parse_args()

    import django

    django.setup()
    from calls.dialogue.languages import language_pack
    from calls.tts import synthesise_sync
    from transcription.live.local_engine import LocalLiveEngine

    clinic = _setup_clinic()
    speech = [synthesise_sync(text, voice=language_pack(args.language).voice) for text in ANSWERS[args.language]]

    async def warm_up():  # load the models once, as a serving process has them loaded
        engine = LocalLiveEngine(language=args.language, num_speakers=1)
        await engine.start()
        await engine.aclose()

    levels = args.calls or list(range(1, args.max_calls + 1))
    print(f"language={args.language} cpus={os.cpu_count()} target median <= {TARGET_MEDIAN_SECONDS} s")
    asyncio.run(_run_levels(clinic, levels, args, speech, warm_up, stop_over_target=not args.calls))


async def _run_levels(clinic, levels: list[int], args, speech: list, warm_up, *, stop_over_target: bool) -> None:
    await warm_up()
    carried = 0
    for calls in levels:
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        latencies, recognised = [], []
        for _ in range(args.rounds):
            more, more_recognised = await _level(clinic, calls, args.language, speech)
            latencies += more
            recognised += more_recognised
        wall = time.monotonic() - started
        if not latencies:
            print(f"{calls} calls: no turn completed")
            break
        median, p95 = statistics.median(latencies), _percentile(latencies, 0.95)
        expected = 2 * calls * args.rounds
        ok = median <= TARGET_MEDIAN_SECONDS and len(latencies) == expected
        print(f"{calls:2d} calls: turns={len(latencies):3d}/{expected} median={median:.2f} s p95={p95:.2f} s "
              f"max={max(latencies):.2f} s (end of turn detected: median {statistics.median(recognised):.2f} s) "
              f"wall={wall:.0f} s load(1 min) before={load_before:.1f} after={os.getloadavg()[0]:.1f} "
              f"{'ok' if ok else 'over target'}", flush=True)
        if ok:
            carried = max(carried, calls)
        elif stop_over_target:
            break
    print(f"simultaneous calls at median turn latency <= {TARGET_MEDIAN_SECONDS} s: {carried}")


if __name__ == "__main__":
    main()
