"""Clinical note engine backed by the OpenAI Chat Completions API.

Uses the official ``openai`` SDK with Structured Outputs
(``response_format={"type": "json_schema", ...}``, see OpenAI's "Structured
Outputs" guide) so the model returns exactly one string per template
section and, with the note, its provenance: for every sentence it wrote,
the ids of the transcript utterances it took it from (``response_schema``).
The transcript is sent with one ``[id]`` per utterance (its index in the
``turns`` given to ``generate``) and words the recogniser was unsure of
written as ``[unclear: word?]``.

An uncertain word the model states anyway is written ``[unclear: word?]``
in the note (``mark_note_text``). The model's provenance is checked, never trusted (``validate_note``): a
link is dropped when its sentence is not in the note, its ids do not exist,
or (same language) the cited utterance shares no content word with the
sentence; every note sentence is then checked against the transcript
(``notes.engines.evidence.trace_note``: numbers, drug names, words said),
and a sentence is unsupported when that check fails, when no utterance
supports it, or when it states an uncertain word without its mark.
Request and response bodies contain patient data and are never logged; only
error classes and HTTP status codes are.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Sequence

import httpx
import openai

from notes.engines.base import CLINICIAN, PATIENT, NoteEngineError, NoteResult, Turn, render_markdown
from notes.engines.uncertain import mark_note_text, mark_turn_text, unmarked_uncertain_words
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
            template: Sections to fill; ``response_schema(template)`` (its
                ``json_schema()`` plus the provenance list) is sent as the
                strict response schema.
            language: ISO 639-1 code of the note language.

        Returns:
            ``NoteResult`` with ``engine="openai"``; sections the model left
            blank render as the localized "Not discussed." placeholder, and
            uncertain words the model stated are marked ``[unclear: word?]``.
            ``evidence`` gives each note sentence's transcript utterances
            (the model's provenance where it checks out, else traced;
            ``validate_note``); ``unsupported_sentences`` lists the ones
            without support.

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
                        "schema": response_schema(template),
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
        sections, provenance = parse_response(message.content or "", template)
        # The note never states an uncertain word as a fact, whatever the model wrote.
        sections = {key: mark_note_text(text, turns) for key, text in sections.items()}
        markdown = render_markdown(template, language, sections)
        return NoteResult(
            markdown=markdown, sections=sections, engine=self.name,
            evidence=validate_note(sections=sections, turns=turns, language=language, provenance=provenance),
        )


def response_schema(template: TemplateSpec) -> dict[str, Any]:
    """Strict JSON schema of the model's answer: the note and its provenance.

    Shape::

        {"sections": {<section key>: "text", ...},          # template.json_schema()
         "provenance": [{"section": <section key>,
                         "sentence": "a sentence of that section, verbatim",
                         "utterances": [3, 4]}, ...]}          # transcript [id]s

    Every property required and ``additionalProperties`` false, as strict
    Structured Outputs demand (OpenAI "Structured Outputs" guide, "Supported
    schemas").
    """
    keys = [s.key for s in template.sections]
    link = {
        "type": "object",
        "properties": {
            "section": {"type": "string", "enum": keys},
            "sentence": {"type": "string", "description": "One sentence of that section, copied verbatim."},
            "utterances": {
                "type": "array",
                "items": {"type": "integer"},
                "description": "Ids of the transcript utterances the sentence was taken from.",
            },
        },
        "required": ["section", "sentence", "utterances"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "sections": template.json_schema(),
            "provenance": {"type": "array", "items": link},
        },
        "required": ["sections", "provenance"],
        "additionalProperties": False,
    }


def validate_note(
    *, sections: dict[str, str], turns: Sequence[Turn], language: str, provenance: Sequence[Any] = ()
) -> list[dict]:
    """Evidence of every sentence of the model's note, with its provenance checked.

    Args:
        sections: The note, section key -> text.
        turns: The transcript sent to the model (provenance ids index it).
        language: ISO 639-1 code of the note.
        provenance: The model's links, ``[{"section", "sentence",
            "utterances": [ids]}]``, as returned (any shape: invalid items
            are ignored).

    Returns:
        One entry per note sentence (``notes.engines.evidence.note_sentences``
        order) in the offline engine's shape: ``{"section", "sentence",
        "utterances": [turn indices], "supported": bool, "reasons": [str]}``.
        ``utterances`` are the model's valid ids for that sentence, else
        the ones ``trace_note`` finds. A model link is dropped when its
        sentence is not in the note (after whitespace/case/Markdown
        normalisation), an id is not an integer index of a non-empty turn,
        or (note and transcript in the same language) the cited turn shares
        no content word with the sentence. ``supported`` is ``False`` when
        ``trace_note`` finds a number, drug or most words unsaid, when no
        utterance supports the sentence, or when it states an uncertain word
        (``Turn.words`` below ``LOW_CONFIDENCE``) without its
        ``[unclear: ...]`` mark; ``reasons`` say which.
    """
    from notes.engines.evidence import content_stems, note_sentences, trace_note
    from notes.engines.offline.lexicons import _detect_language

    src = _detect_language(turns, default=language)
    traced = trace_note(sections, turns, note_language=language, transcript_language=src)
    order = note_sentences(sections)
    index = {(key, _sentence_key(sentence)): i for i, (key, sentence) in enumerate(order)}
    linked: dict[int, set[int]] = {}
    for item in provenance or ():
        if not isinstance(item, dict):
            continue
        # The note's uncertain words are marked (``mark_note_text``); the model's copy is not.
        sentence = mark_note_text(str(item.get("sentence") or ""), turns)
        pos = index.get((item.get("section"), _sentence_key(sentence)))
        ids = item.get("utterances")
        if pos is None or not isinstance(ids, list):
            continue
        words = content_stems(order[pos][1], language) if src == language else set()
        for i in ids:
            if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(turns) or not turns[i].text.strip():
                continue
            if words and not words & content_stems(turns[i].text, src):
                continue  # the cited utterance says nothing of the sentence
            linked.setdefault(pos, set()).add(i)
    entries: list[dict] = []
    for pos, entry in enumerate(traced):
        utterances = sorted(linked[pos]) if pos in linked else entry["utterances"]
        reasons = list(entry["reasons"])
        if not utterances and not reasons:
            reasons.append("no transcript utterance supports it")
        for word in unmarked_uncertain_words(entry["sentence"], turns, utterances or None):
            reasons.append(f"uncertain word {word!r} stated as fact")
        entries.append({**entry, "utterances": utterances, "supported": not reasons, "reasons": reasons})
    return entries


def _sentence_key(sentence: str) -> str:
    """A note sentence compared loosely: Markdown, case, spacing and end punctuation ignored."""
    text = re.sub(r"^\s*(?:[-*•]\s+|\d+[.)]\s+)", "", sentence)
    text = re.sub(r"\*\*([^*]+)\*\*:?", r"\1:", text)
    return " ".join(text.lower().split()).rstrip(".!?;: ")


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
        "section text. Words the speech recogniser was unsure of are written "
        "\"[unclear: word?]\": never state such a word as a fact; copy the mark "
        "as it is, or leave the statement out. In \"provenance\", list every "
        "sentence you wrote (copied verbatim, with its section key) and the [id]s "
        "of the transcript utterances it comes from."
    )
    user = "Transcript:\n" + "\n".join(
        f"[{i}] {_speaker_label(t.speaker)}: {mark_turn_text(t).strip()}" for i, t in enumerate(turns) if t.text.strip()
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def parse_response(content: str, template: TemplateSpec) -> tuple[dict[str, str], list[Any]]:
    """Parse the model's answer into ``({section_key: text}, provenance items)``.

    The answer is ``{"sections": {...}, "provenance": [...]}``
    (``response_schema``); a bare ``{section_key: text}`` object (a gateway
    or model without structured outputs) is accepted with no provenance.
    Provenance items are returned as given; ``validate_note`` checks them.

    Raises:
        NoteEngineError: (``permanent=False``) if ``content`` is not a JSON object.
    """
    data = _load_object(content)
    if isinstance(data.get("sections"), dict):
        provenance = data.get("provenance")
        return parse_sections(data["sections"], template), provenance if isinstance(provenance, list) else []
    return parse_sections(data, template), []


def _load_object(content: str) -> dict[str, Any]:
    try:
        data: Any = json.loads(content)
    except (TypeError, ValueError):
        raise NoteEngineError("OpenAI returned invalid JSON", permanent=False) from None
    if not isinstance(data, dict):
        raise NoteEngineError("OpenAI returned JSON that is not an object", permanent=False)
    return data


def parse_sections(content: str | dict[str, Any], template: TemplateSpec) -> dict[str, str]:
    """Parse the model's sections (JSON text or object) into ``{section_key: text}``.

    Keys not in the template are dropped, missing ones become ``""`` and
    non-string values are converted with ``str``.

    Raises:
        NoteEngineError: (``permanent=False``) if ``content`` is not a JSON object.
    """
    data = content if isinstance(content, dict) else _load_object(content)
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
