"""Shared types for clinical note engines.

A note engine turns a diarized transcript (a sequence of ``Turn``) into a
``NoteResult`` following a ``TemplateSpec``. Engines must not log transcript
or note text: both are patient data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Protocol, Sequence, runtime_checkable

from templates.builtin import TemplateSpec

#: Speaker id of the clinician in ``Turn.speaker``.
CLINICIAN = 0
#: Speaker id of the patient in ``Turn.speaker``; ids >= 2 are other people
#: (relatives, interpreters, nurses).
PATIENT = 1

#: Placeholder written under a section with no content, per language.
NOT_DISCUSSED: dict[str, str] = {
    "en": "Not discussed.",
    "es": "No se comentó.",
    "ca": "No s'ha comentat.",
    "fr": "Non abordé.",
    "pt": "Não abordado.",
    "de": "Nicht besprochen.",
    "it": "Non discusso.",
}


#: Word confidence (0-1) below which a recognised word is uncertain and the
#: note engines never state it as a fact (see ``notes.engines.uncertain``).
#: Same value as ``transcription.providers.base.LOW_CONFIDENCE`` (measured on
#: the visit fixtures: correct words mostly > 0.6, substitutions mostly < 0.4).
LOW_CONFIDENCE = 0.4


@dataclass(frozen=True)
class Turn:
    """One speaker turn of a diarized conversation.

    Attributes:
        speaker: 0 = clinician, 1 = patient, 2+ = other people.
        text: What was said, as transcribed.
        start: Start time in seconds from the beginning of the recording, if known.
        end: End time in seconds, if known.
        words: The recognised words of ``text`` with their confidence,
            ``(("I", 0.98), ("was", 0.95), ("killed", 0.21))``; confidence in
            [0, 1] or ``None`` when the recogniser gave none. Empty for typed
            text. Words below ``LOW_CONFIDENCE`` are never stated as facts.
    """

    speaker: int
    text: str
    start: float | None = None
    end: float | None = None
    words: tuple[tuple[str, float | None], ...] = ()


def word_confidences(words: Iterable[Any]) -> tuple[tuple[str, float | None], ...]:
    """``Turn.words`` from a transcript's words.

    Accepts the stored/API form (``{"text", "confidence", ...}`` dicts, see
    ``transcription.providers.base.word_as_dict``) or provider ``Word``
    objects (``.text``, ``.probability``).
    """
    out: list[tuple[str, float | None]] = []
    for w in words or ():
        if isinstance(w, Mapping):
            text, conf = w.get("text", ""), w.get("confidence")
        else:
            text, conf = getattr(w, "text", ""), getattr(w, "probability", None)
        out.append((str(text), None if conf is None else float(conf)))
    return tuple(out)


@dataclass(frozen=True)
class NoteResult:
    """A generated clinical note.

    Attributes:
        markdown: The full note, ``## Heading`` per section in template order.
        sections: Section key -> section body (Markdown, without the heading;
            empty string when nothing was found for that section).
        engine: Name of the engine that produced the note (e.g. ``"offline"``).
        evidence: Provenance of every note sentence, in note order::

                [{"section": "review_of_systems",
                  "sentence": "Constitutional: Reports fever. Denies chills.",
                  "utterances": [4, 5],   # indices into the ``turns`` given to generate()
                  "supported": True,
                  "reasons": []}, ...]    # why a sentence is unsupported, for the reviewer

            Every engine fills it (the dashboard and the API show it beside
            the note; ``sentence`` is the sentence as it appears in
            ``sections[section]``, including any ``[unclear: word?]`` mark).
            The offline engine knows the utterances exactly (every sentence is
            built from them). The OpenAI engine asks the model for them and
            keeps only the links it can verify, tracing the others with
            ``notes.engines.evidence.trace_note`` (``openai_llm.validate_note``).
            ``supported`` is ``False`` for a sentence no utterance supports,
            one with a number or drug name never said, or one stating a word
            the recogniser was unsure of: a possible invention to review.
            Empty only for an engine that gives no provenance.

    ``unsupported_sentences`` (a property, not a field: derived from
    ``evidence``, so storing ``evidence`` stores it too) lists the entries
    with ``supported: False``, in the same shape, for the reviewer.
    """

    markdown: str
    sections: dict[str, str]
    engine: str
    evidence: list[dict] = field(default_factory=list)

    @property
    def unsupported_sentences(self) -> list[dict]:
        """Evidence entries with ``supported: False`` (same shape as ``evidence``)."""
        return [e for e in self.evidence if not e.get("supported", True)]


class NoteEngineError(Exception):
    """A note engine could not produce a note.

    Attributes:
        message: Human-readable reason; never contains patient data.
        permanent: ``True`` when retrying the same request cannot help
            (bad configuration, authentication, invalid request); ``False``
            for transient failures (timeouts, rate limits, 5xx, network).
    """

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@runtime_checkable
class NoteEngine(Protocol):
    """Interface of every note engine."""

    def generate(
        self, *, turns: Sequence[Turn], template: TemplateSpec, language: str
    ) -> NoteResult:
        """Write a note for ``turns`` following ``template`` in ``language``.

        Args:
            turns: The diarized conversation in chronological order.
            template: Sections to produce.
            language: ISO 639-1 code of the note language (one of
                ``templates.builtin.SUPPORTED_LANGUAGES``).

        Raises:
            NoteEngineError: if the note cannot be produced.
        """
        ...


def not_discussed(language: str) -> str:
    """Return the localized "Not discussed." placeholder (English fallback)."""
    return NOT_DISCUSSED.get(language, NOT_DISCUSSED["en"])


def render_markdown(template: TemplateSpec, language: str, sections: Mapping[str, str]) -> str:
    """Render section bodies as a Markdown note.

    Args:
        template: Gives the section order and headings.
        language: Language of the headings and of the placeholder.
        sections: Section key -> body. Missing or blank bodies are rendered
            as the localized "Not discussed." placeholder; keys that are not
            in the template are ignored.

    Returns:
        ``"## Heading\\n<body>\\n\\n## Heading\\n<body>\\n"`` for every
        section in template order (single trailing newline).
    """
    blocks: list[str] = []
    for spec in template.sections:
        body = (sections.get(spec.key) or "").strip()
        if not body:
            body = not_discussed(language)
        blocks.append(f"## {spec.heading(language)}\n{body}")
    return "\n\n".join(blocks) + "\n"
