"""Clinical note engine backed by the OpenAI Chat Completions API.

Uses the official ``openai`` SDK with Structured Outputs
(``response_format={"type": "json_schema", ...}``, see OpenAI's "Structured
Outputs" guide) so the model returns exactly one string per template
section. Request and response bodies contain patient data and are never
logged; only error classes and HTTP status codes are.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Sequence

import httpx
import openai

from notes.engines.base import CLINICIAN, PATIENT, NoteEngineError, NoteResult, Turn, render_markdown
from templates.builtin import TemplateSpec

logger = logging.getLogger(__name__)

_LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "ca": "Catalan",
    "fr": "French",
    "pt": "Portuguese",
    "de": "German",
    "it": "Italian",
}

# HTTP statuses for which a later retry can succeed (timeouts, conflicts,
# rate limits); every other 4xx is a problem with the request or account.
_TRANSIENT_4XX = frozenset({408, 409, 429})


class OpenAINoteEngine:
    """Note engine that asks an OpenAI chat model for the note.

    Args:
        api_key: OpenAI API key. Empty -> every ``generate`` call raises
            ``NoteEngineError("OpenAI is not configured", permanent=True)``.
        model: Chat model name; must support Structured Outputs.
        base_url: API root (e.g. ``"https://api.openai.com/v1"`` or an
            OpenAI-compatible gateway); ``None`` uses the SDK default.
        timeout: Per-request timeout in seconds.
        http_client: Optional ``httpx.Client`` the SDK should use (proxies,
            tests with ``httpx.MockTransport``).
        max_retries: SDK-level retries for transient errors (the SDK backs
            off exponentially); 0 disables them.
    """

    name = "openai"

    def __init__(
        self,
        api_key: str,
        model: str = "gpt-4o-mini",
        base_url: str | None = None,
        timeout: float = 60.0,
        http_client: httpx.Client | None = None,
        max_retries: int = 2,
    ) -> None:
        self.model = model
        self._api_key = api_key or ""
        self._client: openai.OpenAI | None = None
        if self._api_key:
            self._client = openai.OpenAI(
                api_key=self._api_key,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                http_client=http_client,
            )

    def __repr__(self) -> str:
        # Never show the key.
        return f"OpenAINoteEngine(model={self.model!r}, configured={self._client is not None})"

    def generate(
        self, *, turns: Sequence[Turn], template: TemplateSpec, language: str
    ) -> NoteResult:
        """Ask the model for a note and render it as Markdown.

        Args:
            turns: Diarized conversation (0 = clinician, 1 = patient, 2+ = others).
            template: Sections to fill; its ``json_schema()`` is sent as the
                strict response schema.
            language: ISO 639-1 code of the note language.

        Returns:
            ``NoteResult`` with ``engine="openai"``; sections the model left
            blank render as the localized "Not discussed." placeholder.
            ``evidence`` traces each note sentence to transcript utterances
            (``validate_note``); ``unsupported_sentences`` lists the ones
            without evidence.

        Raises:
            NoteEngineError: ``permanent=True`` for missing configuration,
                authentication/permission errors, invalid requests (400, 404,
                422), refusals and truncated output; ``permanent=False`` for
                timeouts, connection errors, rate limits (429), 5xx and
                unparseable model output.
        """
        if self._client is None:
            raise NoteEngineError("OpenAI is not configured", permanent=True)
        messages = build_messages(turns=turns, template=template, language=language)
        try:
            completion = self._client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=0,
                response_format={
                    "type": "json_schema",
                    "json_schema": {
                        "name": _schema_name(template.key),
                        "schema": template.json_schema(),
                        "strict": True,
                    },
                },
            )
        except openai.APIError as exc:
            raise _map_error(exc) from None

        if not completion.choices:
            raise NoteEngineError("OpenAI returned no choices", permanent=False)
        choice = completion.choices[0]
        message = choice.message
        if getattr(message, "refusal", None):
            raise NoteEngineError("OpenAI refused to write the note", permanent=True)
        if choice.finish_reason == "length":
            raise NoteEngineError("OpenAI output was truncated (token limit)", permanent=True)
        sections = parse_sections(message.content or "", template)
        markdown = render_markdown(template, language, sections)
        return NoteResult(
            markdown=markdown, sections=sections, engine=self.name,
            evidence=validate_note(sections=sections, turns=turns, language=language),
        )


def validate_note(*, sections: dict[str, str], turns: Sequence[Turn], language: str) -> list[dict]:
    """Trace every sentence of the model's note to the transcript.

    Returns ``notes.engines.evidence.trace_note`` entries (``{"section",
    "sentence", "utterances", "supported", "reasons"}``); a sentence whose
    numbers or drug names were never said, or whose words are mostly absent
    from the transcript, has ``supported: False`` and is listed by
    ``NoteResult.unsupported_sentences``. The transcript language is
    detected like the offline engine does, so a note written in another
    language than the conversation is checked on numbers and drug names
    only.
    """
    from notes.engines.evidence import trace_note
    from notes.engines.offline import _detect_language

    src = _detect_language(turns, default=language)
    return trace_note(sections, turns, note_language=language, transcript_language=src)


def build_messages(
    *, turns: Sequence[Turn], template: TemplateSpec, language: str
) -> list[dict[str, str]]:
    """Build the chat messages: a system prompt and the transcript.

    Returns:
        ``[{"role": "system", ...}, {"role": "user", ...}]``. The user
        message has one ``Clinician: ...`` / ``Patient: ...`` /
        ``Other speaker N: ...`` line per turn.
    """
    lang_name = _LANGUAGE_NAMES.get(language, language)
    section_lines = "\n".join(
        f'- "{s.key}" ({s.heading(language)}): {s.guidance}' for s in template.sections
    )
    system = (
        "You are a clinical documentation assistant. Write a clinical note in "
        f"{lang_name} from the transcript of a clinician-patient conversation, using "
        f"the template \"{template.name}\" with exactly these sections:\n"
        f"{section_lines}\n"
        "Rules: use only facts stated in the transcript; never invent findings, "
        "doses, diagnoses or plans. A question is not a fact: record only what "
        "the answer says, and keep what a short answer names (\"Allergies?\" - "
        "\"Yes, penicillin.\" means an allergy to penicillin). Read negation per "
        "symptom (\"yes, but no chills\" = reports the asked symptom, denies "
        "chills). Attribute findings to the person they belong to: a relative's "
        "illness is family or social history, never the patient's problem. Keep "
        "hedges (\"maybe\", \"not sure\") and conditions (\"if ...\") as said; "
        "a negated or excluded finding (\"not consistent with a fracture\") is "
        "never a diagnosis. Do not guess the patient's gender; write \"the "
        "patient\" unless the visit states it. Write in concise clinical style in the third "
        "person. Keep medication names with dose, frequency and every number as said. Use "
        "Markdown bullet points for plan items. If a section was not discussed, "
        "return an empty string for it. Do not include section headings in the "
        "section text."
    )
    user = "Transcript:\n" + "\n".join(
        f"{_speaker_label(t.speaker)}: {t.text.strip()}" for t in turns if t.text.strip()
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def parse_sections(content: str, template: TemplateSpec) -> dict[str, str]:
    """Parse the model's JSON object into ``{section_key: text}``.

    Keys not in the template are dropped, missing ones become ``""`` and
    non-string values are converted with ``str``.

    Raises:
        NoteEngineError: (``permanent=False``) if ``content`` is not a JSON object.
    """
    try:
        data: Any = json.loads(content)
    except (TypeError, ValueError):
        raise NoteEngineError("OpenAI returned invalid JSON", permanent=False) from None
    if not isinstance(data, dict):
        raise NoteEngineError("OpenAI returned JSON that is not an object", permanent=False)
    sections: dict[str, str] = {}
    for spec in template.sections:
        value = data.get(spec.key, "")
        if value is None:
            value = ""
        sections[spec.key] = (value if isinstance(value, str) else str(value)).strip()
    return sections


def _speaker_label(speaker: int) -> str:
    """Transcript label for a speaker id."""
    if speaker == CLINICIAN:
        return "Clinician"
    if speaker == PATIENT:
        return "Patient"
    return f"Other speaker {speaker}"


def _schema_name(template_key: str) -> str:
    """A schema name OpenAI accepts (``[a-zA-Z0-9_-]{1,64}``)."""
    cleaned = re.sub(r"[^a-zA-Z0-9_-]", "_", template_key) or "note"
    return f"clinical_note_{cleaned}"[:64]


def _map_error(exc: openai.APIError) -> NoteEngineError:
    """Translate an SDK error into ``NoteEngineError`` without patient data.

    Only the error class and HTTP status are logged, never bodies.
    """
    if isinstance(exc, openai.APITimeoutError):
        logger.warning("OpenAI note request timed out")
        return NoteEngineError("OpenAI request timed out", permanent=False)
    if isinstance(exc, openai.APIConnectionError):
        logger.warning("OpenAI note request could not connect")
        return NoteEngineError("Could not connect to OpenAI", permanent=False)
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        logger.warning("OpenAI note request failed: %s (HTTP %s)", type(exc).__name__, status)
        if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
            return NoteEngineError(f"OpenAI rejected the credentials (HTTP {status})", permanent=True)
        if status >= 500 or status in _TRANSIENT_4XX:
            return NoteEngineError(f"OpenAI is temporarily unavailable (HTTP {status})", permanent=False)
        return NoteEngineError(f"OpenAI rejected the request (HTTP {status})", permanent=True)
    logger.warning("OpenAI note request failed: %s", type(exc).__name__)
    return NoteEngineError(f"OpenAI request failed ({type(exc).__name__})", permanent=False)
