"""The official ``langgraph-sdk`` client against ``/v1/lang-graph`` on a real HTTP server.

An integrator's LangGraph code works unchanged: ``get_client(url=<host>/v1/lang-graph,
api_key=<clinic API key>)`` (sent as ``x-api-key``) with ``x-doctor`` / ``x-patient`` headers.
Any client-side error of the SDK (an HTTP error it raises, a body it cannot decode) fails the test.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from django_tenants.utils import schema_context
from langgraph_sdk import get_client, get_sync_client

from notes.models import Run, Thread
from tests.notes.live import live_server_url
from tests.notes.test_workflow_api import TRANSCRIPT

pytestmark = pytest.mark.django_db

PARTIES = {"x-doctor": "dr-4711", "x-patient": "pt-0042"}


@pytest.fixture
def server():
    with live_server_url() as url:
        yield url


@pytest.fixture
def sdk(server, api_key):
    return get_sync_client(url=server + "/v1/lang-graph", api_key=api_key, headers=PARTIES)


def test_scribe_workflow_with_the_sync_client(sdk, clinic):
    assistants = sdk.assistants.search()
    assert [a["assistant_id"] for a in assistants] == ["scribe", "extraction", "chat"]
    assert sdk.assistants.get("extraction")["graph_id"] == "extraction"

    thread = sdk.threads.create(metadata={"encounter": "E-1"})
    assert thread["status"] == "idle" and thread["metadata"] == {"encounter": "E-1"}
    assert sdk.threads.get(thread["thread_id"])["thread_id"] == thread["thread_id"]

    created = []
    run = sdk.runs.create(thread["thread_id"], "scribe",
                          input={"messages": [{"role": "user", "content": "Write a SOAP note:\n" + TRANSCRIPT}]},
                          config={"configurable": {"template": "SOAP"}}, on_run_created=created.append)
    assert run["thread_id"] == thread["thread_id"] and run["assistant_id"] == "scribe"
    assert [(m["thread_id"], m["run_id"]) for m in created] == [(thread["thread_id"], run["run_id"])]
    assert run["status"] in ("pending", "running", "success")

    values = sdk.runs.join(thread["thread_id"], run["run_id"])
    assert [m["type"] for m in values["messages"]] == ["human", "ai"]
    note = values["clinical_note"]
    assert note["template"] == "SOAP" and set(note["ai_generated_content"]) == {"subjective", "objective",
                                                                                  "assessment", "plan"}
    assert "pharyngitis" in note["ai_generated_content"]["assessment"].lower()

    finished = sdk.runs.get(thread["thread_id"], run["run_id"])
    assert finished["status"] == "success" and finished["kind"] == "clinical_extraction"
    assert finished["doctor_id"] == "dr-4711" and finished["patient_id"] == "pt-0042"

    answer = sdk.runs.wait(thread["thread_id"], "chat",
                           input={"messages": [{"role": "user", "content": "What medications does she take?"}]})
    assert answer["messages"][-1]["type"] == "ai" and "lisinopril" in answer["messages"][-1]["content"].lower()

    runs = sdk.runs.list(thread["thread_id"])
    assert [r["assistant_id"] for r in runs] == ["chat", "scribe"]
    assert [r["run_id"] for r in sdk.runs.list(thread["thread_id"], limit=1, offset=1)] == [run["run_id"]]

    state = sdk.threads.get_state(thread["thread_id"])
    assert state["values"]["messages"] == answer["messages"] and state["next"] == []
    assert state["checkpoint"]["checkpoint_id"] == runs[0]["run_id"]
    assert state["parent_checkpoint"]["checkpoint_id"] == run["run_id"]

    with schema_context(clinic.schema_name):
        stored = Thread.objects.get(uuid=thread["thread_id"])
    assert (stored.doctor_ref, stored.patient_ref) == ("dr-4711", "pt-0042")


def test_async_client_and_is_chat_routing(server, api_key):
    async def workflow():
        client = get_client(url=server + "/v1/lang-graph", api_key=api_key,
                            headers={"x-doctor": "dr-4711", "x-is-chat": "false"})
        thread = await client.threads.create()
        # A question, which "scribe" alone would answer as chat: x-is-chat false routes it to extraction.
        values = await client.runs.wait(thread["thread_id"], "scribe", input={"messages": [
            {"role": "user", "content": TRANSCRIPT + "\n[doctor] any questions?"}]})
        runs = await client.runs.list(thread["thread_id"])
        return values, runs

    values, runs = asyncio.run(workflow())
    assert "clinical_note" in values and runs[0]["assistant_id"] == "extraction"
    assert runs[0]["kind"] == "clinical_extraction"


def test_failed_run_raises_in_the_sdk(sdk, clinic):
    thread = sdk.threads.create()
    with pytest.raises(Exception, match="No conversation to write a note from"):
        sdk.runs.wait(thread["thread_id"], "extraction", input={"messages": [{"role": "user", "content": "hello"}]})
    with schema_context(clinic.schema_name):
        assert Run.objects.get().status == Run.Status.ERROR


def test_sdk_errors_are_http_errors(server, api_key, other_api_key, clinic, other_clinic):
    sdk = get_sync_client(url=server + "/v1/lang-graph", api_key=api_key, headers=PARTIES)
    thread = sdk.threads.create()

    other = get_sync_client(url=server + "/v1/lang-graph", api_key=other_api_key, headers=PARTIES)
    for call in (lambda: other.threads.get(thread["thread_id"]), lambda: other.threads.get_state(thread["thread_id"]),
                 lambda: other.runs.list(thread["thread_id"])):
        with pytest.raises(httpx.HTTPStatusError) as caught:
            call()
        assert caught.value.response.status_code == 404

    no_doctor = get_sync_client(url=server + "/v1/lang-graph", api_key=api_key)
    with pytest.raises(httpx.HTTPStatusError) as caught:
        no_doctor.threads.create()
    assert caught.value.response.status_code == 400
    assert caught.value.response.json() == {
        "error": "x-doctor: header is required: the doctor's identifier (for tracking and auditing)"}

    with pytest.raises(httpx.HTTPStatusError) as caught:
        get_sync_client(url=server + "/v1/lang-graph", api_key="msk_wrong", headers=PARTIES).threads.create()
    assert caught.value.response.status_code == 401
    with schema_context(clinic.schema_name):
        assert Thread.objects.count() == 1
    with schema_context(other_clinic.schema_name):
        assert Thread.objects.count() == 0
