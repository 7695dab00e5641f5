"""Clinic vocabulary: /v1/vocabulary API (auth, validation, limits, isolation), and how the terms reach
the recognisers (Whisper hotwords with the real tokenizer, Deepgram keyterm/keywords at the HTTP boundary)."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from django_tenants.utils import schema_context

from transcription.models import VOCABULARY_MAX_TERMS, VocabularyTerm
from transcription.providers.deepgram import DeepgramEngine
from transcription.speech.audio import DecodedAudio
from transcription.vocabulary import deepgram_options, vocabulary_terms, whisper_hotwords

pytestmark = pytest.mark.django_db

TERMS = [{"term": "amoxicillin", "kind": "drug"}, {"term": "Dr. Okonkwo", "kind": "staff"},
         {"term": "apicoectomy", "kind": "procedure"}]


def test_requires_api_key(anon_client):
    response = anon_client.get("/v1/vocabulary")
    assert response.status_code == 401
    assert set(response.json()) == {"error"}


def test_replace_list_add_delete(api_client):
    assert api_client.get("/v1/vocabulary").json() == {"terms": [], "count": 0, "max_terms": VOCABULARY_MAX_TERMS}
    response = api_client.put("/v1/vocabulary", {"terms": TERMS}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {(t["term"], t["kind"]) for t in body["terms"]} == {(t["term"], t["kind"]) for t in TERMS}

    # add: a case-variant of a stored term is not a new term; kind defaults to "other"
    response = api_client.post("/v1/vocabulary", {"terms": [{"term": "  Metformin "}, {"term": "AMOXICILLIN"}]},
                               format="json")
    assert response.status_code == 200
    terms = {t["term"]: t["kind"] for t in response.json()["terms"]}
    assert terms == {"amoxicillin": "other", "Dr. Okonkwo": "staff", "apicoectomy": "procedure", "Metformin": "other"}

    assert api_client.delete("/v1/vocabulary/dr.%20okonkwo").status_code == 204
    assert api_client.delete("/v1/vocabulary/dr.%20okonkwo").status_code == 404
    assert api_client.get("/v1/vocabulary").json()["count"] == 3

    # replace drops everything not in the new list
    response = api_client.put("/v1/vocabulary", {"terms": [{"term": "warfarin", "kind": "drug"}]}, format="json")
    assert [t["term"] for t in response.json()["terms"]] == ["warfarin"]


@pytest.mark.parametrize("payload, fragment", [
    ({"terms": [{"term": ""}]}, "term"),
    ({"terms": [{"term": "x" * 101}]}, "term"),
    ({"terms": [{"term": "ok", "kind": "pet"}]}, "kind"),
    ({"terms": [{"term": "tab\x07"}]}, "control"),
    ({"terms": "amoxicillin"}, "terms"),
    ({}, "terms"),
])
def test_bad_input_is_422_and_changes_nothing(api_client, payload, fragment):
    api_client.put("/v1/vocabulary", {"terms": TERMS}, format="json")
    for method in (api_client.put, api_client.post):
        response = method("/v1/vocabulary", payload, format="json")
        assert response.status_code == 422, response.content
        assert set(response.json()) == {"error"} and fragment in response.json()["error"]
    assert api_client.get("/v1/vocabulary").json()["count"] == 3


def test_at_most_500_terms(api_client):
    too_many = {"terms": [{"term": f"drug{i}"} for i in range(VOCABULARY_MAX_TERMS + 1)]}
    assert api_client.put("/v1/vocabulary", too_many, format="json").status_code == 422
    full = {"terms": [{"term": f"drug{i}"} for i in range(VOCABULARY_MAX_TERMS)]}
    assert api_client.put("/v1/vocabulary", full, format="json").json()["count"] == VOCABULARY_MAX_TERMS
    response = api_client.post("/v1/vocabulary", {"terms": [{"term": "one more"}]}, format="json")
    assert response.status_code == 422 and "500" in response.json()["error"]
    # re-adding stored terms is not over the limit
    assert api_client.post("/v1/vocabulary", {"terms": [{"term": "DRUG1"}]}, format="json").status_code == 200
    assert api_client.get("/v1/vocabulary").json()["count"] == VOCABULARY_MAX_TERMS


def test_clinics_never_see_or_change_each_other(api_client, other_api_client, clinic, other_clinic):
    api_client.put("/v1/vocabulary", {"terms": TERMS}, format="json")
    assert other_api_client.get("/v1/vocabulary").json() == {"terms": [], "count": 0,
                                                             "max_terms": VOCABULARY_MAX_TERMS}
    assert other_api_client.delete("/v1/vocabulary/amoxicillin").status_code == 404
    other_api_client.put("/v1/vocabulary", {"terms": [{"term": "ibuprofen"}]}, format="json")
    assert api_client.get("/v1/vocabulary").json()["count"] == 3
    with schema_context(clinic.schema_name):
        assert sorted(vocabulary_terms()) == sorted(t["term"] for t in TERMS)
    with schema_context(other_clinic.schema_name):
        assert vocabulary_terms() == ["ibuprofen"]
        assert VocabularyTerm.objects.count() == 1


def test_openapi_documents_the_endpoints(anon_client):
    schema = anon_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {"get", "put", "post"} <= set(schema["paths"]["/v1/vocabulary"])
    assert "delete" in schema["paths"]["/v1/vocabulary/{term}"]


# --- how the terms reach the recognisers -----------------------------------------------------------------


def test_whisper_hotwords_fit_the_prompt_budget():
    from faster_whisper.tokenizer import Tokenizer

    from transcription.providers.local_whisper import get_whisper_model

    _, model = get_whisper_model("en")
    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe")
    terms = [f"pharmadrug{i}ximab" for i in range(VOCABULARY_MAX_TERMS)]
    text = whisper_hotwords(terms, tokenizer=tokenizer)
    kept = text.split(", ")
    assert kept == terms[: len(kept)] and 5 < len(kept) < len(terms)  # whole terms, the first ones
    assert len(tokenizer.encode(" " + text)) <= 223  # faster-whisper's hotword budget: nothing truncated mid-term
    assert whisper_hotwords([]) is None


def _deepgram(handler) -> DeepgramEngine:
    return DeepgramEngine("dg-test", httpx_client=httpx.Client(transport=httpx.MockTransport(handler)), max_retries=0)


@pytest.mark.parametrize("language, param, expected", [
    ("en", "keyterm", ["amoxicillin", "Dr. Okonkwo"]),          # nova-3: keyterm, repeated
    ("af", "keywords", ["amoxicillin:2", "Dr. Okonkwo:2"]),      # nova-2: keywords with intensifier
])
def test_deepgram_request_carries_the_vocabulary(language, param, expected):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"metadata": {"duration": 0.5}, "results": {"channels": [
            {"alternatives": [{"transcript": "", "words": []}]}]}})

    audio = DecodedAudio(samples=np.zeros(8000, dtype=np.float32), duration_seconds=0.5)
    _deepgram(handler).transcribe(audio, language=language, vocabulary=["amoxicillin", "Dr. Okonkwo"])
    assert seen[0].url.params.get_list(param) == expected
    other = "keywords" if param == "keyterm" else "keyterm"
    assert other not in seen[0].url.params
    seen.clear()
    _deepgram(handler).transcribe(audio, language=language)
    assert "keyterm" not in seen[0].url.params and "keywords" not in seen[0].url.params


def test_deepgram_options_respect_limits():
    many = [f"term{i}" for i in range(VOCABULARY_MAX_TERMS)]
    assert len(deepgram_options(many, "nova-3")["keyterm"]) == 500
    assert len(deepgram_options(many, "nova-2")["keywords"]) == 100
    assert deepgram_options([], "nova-3") == {}
