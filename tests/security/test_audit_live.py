"""Audit of live sessions (``/ws/transcribe``): the stored recording, transcript and note are ``create``
events of the key that opened the socket, a watcher's join is a ``read`` of the transcript and its final
message a ``read`` of the note; one id (the session's) names them all; nothing lands in another clinic."""

from __future__ import annotations

import uuid

import pytest
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from medsync.api.jwt import token_issue
from tests.transcription.test_live import V041, LiveClient, _keep_test_connection, pcm_of, run  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_live_session_and_its_watchers_are_audited(api_key, other_api_key, doctor, clinic, other_clinic):
    from notes.models import ClinicalNote

    source = LiveClient(headers={"X-API-Key": api_key}, query="template=SOAP")
    watcher = LiveClient(headers={"Authorization": f"Bearer {token_issue(clinic_user=doctor)}"})

    async def scenario():
        session_id = (await source.connect())["accepted"]["session_id"]
        await source.stream(pcm_of(V041, seconds=6.0), speed=4.0)
        intruder = await LiveClient(headers={"X-API-Key": other_api_key}, query=f"session_id={session_id}").connect()
        watcher.comm.scope["query_string"] = f"session_id={session_id}".encode()
        joined = await watcher.connect()
        final = await source.stop()
        await watcher.until_closed(30)
        return session_id, intruder, joined, final

    session_id, intruder, joined, final = run(scenario)
    assert intruder["status"] == 404 and joined["accepted"]["mode"] == "watch"
    recording_id = final["recording_id"]
    assert recording_id == str(uuid.UUID(session_id))  # the session's id is its recording's id
    assert final["clinical_note"] and watcher.of_type("transcript")[0]["clinical_note"] == final["clinical_note"]
    with schema_context(clinic.schema_name):
        note_id = str(ClinicalNote.objects.get(recording__uuid=recording_id).uuid)
        events = list(AuditEvent.objects.order_by("id").values_list("actor_kind", "actor", "action", "object_type",
                                                                     "object_id", "path"))
    key = ("api_key", f"api_key:{api_key[:12]}")
    clinician = ("user", doctor.uid)
    assert events == [
        (*clinician, "read", "transcript", recording_id, "/ws/transcribe"),
        (*key, "create", "recording", recording_id, "/ws/transcribe"),
        (*key, "create", "transcript", recording_id, "/ws/transcribe"),
        (*key, "create", "note", note_id, "/ws/transcribe"),
        (*clinician, "read", "note", note_id, "/ws/transcribe"),
    ]
    with schema_context(other_clinic.schema_name):
        assert not AuditEvent.objects.exists()
