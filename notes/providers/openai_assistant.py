"""OpenAI-SDK adapters for the thread assistant (chat replies) and ICD-10-CM diagnosis suggestions.

Any OpenAI-compatible server works (``OPENAI_BASE_URL``). Requests have explicit timeouts; request
and response bodies (patient data) are never logged. Errors become :class:`AssistantError` /
:class:`notes.diagnosis.base.DiagnosisError` with ``permanent`` set as for the note engines.
"""

from __future__ import annotations

import json
import re
from typing import Sequence

import httpx
import openai

from notes.diagnosis import codes
from notes.diagnosis.base import DiagnosisError, DiagnosisSuggestion, Evidence, SourceText


class AssistantError(Exception):
    """The chat assistant failed; ``message`` holds no patient data, ``permanent`` as for engines."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


_PERMANENT_ERRORS = (openai.AuthenticationError, openai.PermissionDeniedError, openai.BadRequestError,
                     openai.NotFoundError, openai.UnprocessableEntityError)


def _client(*, api_key: str, base_url: str | None, timeout: float, http_client: httpx.Client | None) -> openai.OpenAI:
    if not api_key:
        raise AssistantError("OpenAI is not configured (no API key)", permanent=True)
    return openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=1, http_client=http_client)


def _classify(exc: Exception) -> tuple[str, bool]:
    """``(safe message, permanent)`` for an OpenAI SDK exception."""
    if isinstance(exc, _PERMANENT_ERRORS):
        return f"LLM request rejected ({type(exc).__name__})", True
    return f"LLM request failed ({type(exc).__name__})", False


class OpenAIChatAssistant:
    """Chat replies with the thread's history as context."""

    name = "openai"

    def __init__(self, *, api_key: str, model: str, base_url: str | None = None, timeout: float = 60.0,
                 http_client: httpx.Client | None = None) -> None:
        self.model = model
        self._client = _client(api_key=api_key, base_url=base_url, timeout=timeout, http_client=http_client)

    def reply(self, messages: Sequence[dict], *, system_prompt: str) -> str:
        """The assistant's answer to ``messages`` (``[{"role", "content"}]``, oldest first).

        Raises:
            AssistantError: the request failed or the answer was empty.
        """
        try:
            response = self._client.chat.completions.create(
                model=self.model, temperature=0.2,
                messages=[{"role": "system", "content": system_prompt}, *messages],
            )
        except openai.OpenAIError as exc:
            message, permanent = _classify(exc)
            raise AssistantError(message, permanent=permanent) from exc
        content = (response.choices[0].message.content or "").strip() if response.choices else ""
        if not content:
            raise AssistantError("LLM returned an empty answer", permanent=False)
        return content


_DIAGNOSIS_SCHEMA = {
    "type": "object",
    "properties": {
        "diagnoses": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "description": "ICD-10-CM code, e.g. J02.9"},
                    "confidence": {"type": "number", "description": "0 to 1"},
                    "evidence": {"type": "array", "items": {"type": "string"},
                                 "description": "Exact quotes from the note or transcript supporting the code."},
                },
                "required": ["code", "confidence", "evidence"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["diagnoses"],
    "additionalProperties": False,
}

_DIAGNOSIS_PROMPT = (
    "You are a clinical coding assistant. From the clinical note and visit transcript below, list the "
    "diagnoses and problems the patient has (not ones denied, ruled out or only mentioned for relatives), "
    "each with the most specific billable ICD-10-CM code the text supports, a confidence between 0 and 1, "
    "and one to three exact quotes from the text as evidence. Answer in JSON."
)


def _normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


class OpenAIDiagnosisSuggester:
    """ICD-10-CM suggestions by an LLM; codes not in the code set and unquotable evidence are dropped."""

    name = "openai"

    def __init__(self, *, api_key: str, model: str, base_url: str | None = None, timeout: float = 60.0,
                 http_client: httpx.Client | None = None) -> None:
        self.model = model
        try:
            self._client = _client(api_key=api_key, base_url=base_url, timeout=timeout, http_client=http_client)
        except AssistantError as exc:
            raise DiagnosisError(exc.message, permanent=True) from None

    def suggest(self, sources: Sequence[SourceText], *, language: str = "en") -> list[DiagnosisSuggestion]:
        """Suggestions, most confident first.

        Raises:
            DiagnosisError: request failed or the answer is not the requested JSON.
        """
        document = "\n".join(
            (f"[note: {s.section}] " if s.source == "note" else f"[transcript: SPEAKER_{s.speaker}] ") + s.text
            for s in sources
        )
        try:
            response = self._client.chat.completions.create(
                model=self.model, temperature=0,
                messages=[{"role": "system", "content": _DIAGNOSIS_PROMPT},
                          {"role": "user", "content": f"Language of the text: {language}\n\n{document}"}],
                response_format={"type": "json_schema", "json_schema": {
                    "name": "icd10_diagnoses", "strict": True, "schema": _DIAGNOSIS_SCHEMA}},
            )
        except openai.OpenAIError as exc:
            message, permanent = _classify(exc)
            raise DiagnosisError(message, permanent=permanent) from exc
        try:
            items = json.loads(response.choices[0].message.content or "")["diagnoses"]
            if not isinstance(items, list):
                raise TypeError
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise DiagnosisError("LLM answer is not the requested JSON", permanent=False) from exc
        return self._validated(items, sources)

    @staticmethod
    def _validated(items: list, sources: Sequence[SourceText]) -> list[DiagnosisSuggestion]:
        """Keep items whose code exists in ICD-10-CM and whose quotes occur in the sources."""
        normalised_sources = [(_normalise_space(s.text), s) for s in sources]
        suggestions: dict[str, DiagnosisSuggestion] = {}
        for item in items:
            if not isinstance(item, dict):
                continue
            code = codes.code_normalize(str(item.get("code", "")))
            if code is None or code in suggestions:
                continue
            evidence = []
            for quote in item.get("evidence") or []:
                needle = _normalise_space(str(quote))
                source = next((s for text, s in normalised_sources if needle and needle in text), None)
                if source is not None:
                    evidence.append(Evidence(source=source.source, text=str(quote).strip()[:300], section=source.section,
                                             speaker=source.speaker, start_time=source.start_time,
                                             end_time=source.end_time))
            if not evidence:
                continue
            try:
                confidence = min(1.0, max(0.0, float(item.get("confidence", 0.5))))
            except (TypeError, ValueError):
                confidence = 0.5
            suggestions[code] = DiagnosisSuggestion(
                code=code, description=codes.code_description(code), confidence=confidence,
                billable=codes.code_is_billable(code), evidence=tuple(evidence[:3]),
            )
        return sorted(suggestions.values(), key=lambda s: -s.confidence)
