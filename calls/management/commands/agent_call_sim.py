"""``manage.py agent_call_sim CALL_SID``: play the patient of a simulated call from the terminal.

Type the patient's answers (one line per turn; an empty line or Ctrl-D hangs up), or script them with
``--say "Yes" --say "I'll be there"``, or pass one WAV file per turn with ``--wav`` (any rate; it is
resampled to 16 kHz and recognised by the real speech engine). ``--answer busy|no-answer|machine``
plays a carrier outcome instead. ``--url`` prints the browser simulator link instead.
"""

from __future__ import annotations

import asyncio
import json
import sys

from asgiref.sync import async_to_sync
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context


def _find_call(call_sid: str, client_id: str | None) -> str:
    from booking.selectors import clinic_by_client_id, clinic_schemas
    from calls.selectors import call_get

    if client_id:
        clinic = clinic_by_client_id(client_id)
        if clinic is None:
            raise CommandError(f"No active clinic {client_id!r}")
        schemas = [clinic.schema_name]
    else:
        schemas = clinic_schemas()
    for schema in schemas:
        with schema_context(schema):
            if call_get(call_sid=call_sid) is not None:
                return schema
    raise CommandError(f"No call {call_sid}")


def _read_wav(path: str):
    import soundfile

    from calls.audio import resample, to_int16

    data, rate = soundfile.read(path, dtype="float32", always_2d=True)
    return resample(to_int16(data.mean(axis=1)), rate, 16000)


class Command(BaseCommand):
    help = "Take a simulated agent call and play the patient (typed text, --say lines or --wav files)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("call_sid")
        parser.add_argument("--clinic", help="client_id of the call's clinic (default: search all clinics)")
        parser.add_argument("--answer", default="human", choices=["human", "machine", "busy", "no-answer"])
        parser.add_argument("--say", action="append", default=[], help="a patient turn (repeatable)")
        parser.add_argument("--wav", action="append", default=[], help="a WAV file per patient turn (repeatable)")
        parser.add_argument("--url", action="store_true", help="print the browser simulator link and exit")
        parser.add_argument("--base-url", default="http://localhost:8080")

    def handle(self, *args, call_sid: str, clinic: str | None, answer: str, say: list[str], wav: list[str],
               url: bool, base_url: str, **options) -> None:
        from calls import tokens

        schema = _find_call(call_sid, clinic)
        if url:
            with schema_context(schema):
                token = tokens.simulator_token(call_sid=call_sid)
            self.stdout.write(f"{base_url.rstrip('/')}/calls/simulator/{call_sid}/?token={token}")
            return
        turns = [_read_wav(p) for p in wav] if wav else say
        # async_to_sync (not asyncio.run): the loop's database calls run on this thread and its connection
        async_to_sync(self._run)(schema, call_sid, answer, turns, audio=bool(wav), interactive=not (say or wav))

    async def _run(self, schema: str, call_sid: str, answer: str, turns: list, *, audio: bool,
                   interactive: bool) -> None:
        from calls.local_client import LocalPatient
        from calls.selectors import call_get
        from channels.db import database_sync_to_async

        patient = LocalPatient(call_sid=call_sid, schema_name=schema, mode="audio" if audio else "text")
        try:
            status = await patient.answer(answer)
        except Exception as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"[call {status}]")
        if status == "in-progress":
            line = await patient.next_line()
            self.stdout.write(f"agent: {line}")
            pending = list(turns)
            while line and not patient.hung_up.is_set():
                if interactive:
                    text = await asyncio.to_thread(sys.stdin.readline)
                    if not text.strip():
                        await patient.hang_up()
                        break
                    await patient.say(text.strip())
                elif pending:
                    turn = pending.pop(0)
                    if audio:
                        await patient.speak(turn)
                    else:
                        self.stdout.write(f"patient: {turn}")
                        await patient.say(turn)
                else:
                    await patient.hang_up()
                    break
                line = await patient.next_line()
                if audio and patient.user_lines:
                    self.stdout.write(f"patient (heard): {patient.user_lines[-1]}")
                if line:
                    self.stdout.write(f"agent: {line}")
            await patient.session.wait(timeout=30)

        def final() -> dict:
            with schema_context(schema):
                call = call_get(call_sid=call_sid)
                return {"status": call.status, "outcome": call.outcome, "summary": call.summary,
                        "duration_seconds": call.duration_seconds}

        self.stdout.write(json.dumps(await database_sync_to_async(final)(), ensure_ascii=False, indent=2))
