"""What a thread run does: clinical extraction (transcript -> note with a template) or a chat reply.

A run is a *clinical extraction* when its input carries a conversation (``[doctor] ...`` /
``Doctor: ...`` lines, or ``config.configurable.transcription_id`` naming a stored transcription)
and asks for a note or names a template; its output is the note, structured by the template's
sections. Anything else is *chat*: with an LLM configured for the clinic the thread's history goes
to it; offline, the answer is worked out from the transcript in the thread (the note section the
question is about, a summary, or ICD-10-CM codes), so it is useful and never a canned string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from notes.dialogue import parse_dialogue
from notes.engines.base import CLINICIAN, Turn
from templates.builtin import BUILTIN_TEMPLATES, SUPPORTED_LANGUAGES, TemplateSpec

EXTRACTION_WORDS = re.compile(
    r"\b(?:note|notes|extract\w*|document\w*|soap|birp|dap|girp|template|chart\w*|write[- ]?up)\b", re.I
)
_TAGGED_LINE = re.compile(r"^\s*\[\s*[A-Za-z][A-Za-z0-9 _\-]*\s*\]")
_LABELLED_LINE = re.compile(
    r"^\s*(doctor|dr\.?|physician|clinician|provider|dentist|patient|pt|nurse|speaker[ _]?(\d+))\s*:\s*(.*)$", re.I
)

SYSTEM_PROMPT = (
    "You are MedSync's clinical documentation assistant for clinicians. Answer from the conversation "
    "and transcripts in this thread only; say so when the information is not there. Be concise."
)


@dataclass(frozen=True)
class ChatMessage:
    role: str
    content: str


@dataclass(frozen=True)
class AssistantReply:
    """What a run produced: ``kind`` (clinical_extraction | chat), the assistant message text and,
    for extractions, structured ``data`` (template, language, engine, sections)."""

    kind: str
    content: str
    data: dict | None = field(default=None)
    engine: str = ""


@dataclass(frozen=True)
class AssistantSpec:
    """An assistant a run can name (LangGraph ``assistant_id``; listed at ``POST /v1/lang-graph/assistants/search``)."""

    assistant_id: str
    name: str
    description: str
    mode: str  # "auto" | "extraction" | "chat"


#: The assistants of the documentation workflow. ``x-is-chat: true`` routes a run to ``chat``,
#: ``false`` to ``extraction`` (clinical documentation workflow seed, "x-is-chat" header).
ASSISTANTS: dict[str, AssistantSpec] = {
    spec.assistant_id: spec for spec in (
        AssistantSpec("scribe", "Clinical scribe", "Writes a note when the input holds a conversation and asks "
                      "for one (or names a template); answers questions about the visit otherwise.", "auto"),
        AssistantSpec("extraction", "Clinical extraction", "Always writes a structured clinical note "
                      "(config.configurable.template, a template named in the message, or general consultation) "
                      "from the transcript in the input, the thread or config.configurable.transcription_id.",
                      "extraction"),
        AssistantSpec("chat", "Clinical chat", "Always answers the last user message from the thread's "
                      "transcripts and notes (LLM when configured, offline otherwise).", "chat"),
    )
}
DEFAULT_ASSISTANT = "scribe"


def assistant_mode(assistant_id: str | None) -> str:
    """``"auto"``, ``"extraction"`` or ``"chat"`` for a run's ``assistant_id``.

    Ids other than :data:`ASSISTANTS` (``""``, or a name earlier clients sent such as
    ``clinical_assistant``) behave as ``scribe`` (auto).
    """
    spec = ASSISTANTS.get((assistant_id or "").strip().lower())
    return spec.mode if spec else "auto"


def turns_from_text(text: str, *, dictation_fallback: bool = False) -> list[Turn]:
    """Conversation turns in ``text``, or ``[]`` when it holds none.

    Understands ACI-Bench style ``[doctor] ...`` lines (:func:`notes.dialogue.parse_dialogue`) and
    ``Doctor: ...`` / ``Patient: ...`` / ``SPEAKER_0: ...`` lines; text before the first tagged
    line (an instruction such as "Write a SOAP note:") is ignored. With ``dictation_fallback``,
    untagged text counts as the clinician's dictation (one turn per non-empty line).
    """
    lines = text.splitlines()
    converted: list[str] = []
    for line in lines:
        labelled = _LABELLED_LINE.match(line)
        if labelled:
            label, number, rest = labelled.groups()
            if number is not None:
                tag = {"0": "doctor", "1": "patient"}.get(number, f"speaker_{number}")
            else:
                tag = label.lower().rstrip(".")
            converted.append(f"[{tag}] {rest}")
        else:
            converted.append(line)
    first = next((i for i, line in enumerate(converted) if _TAGGED_LINE.match(line)), None)
    if first is not None:
        try:
            return parse_dialogue("\n".join(converted[first:]))
        except ValueError:
            return []
    if dictation_fallback:
        return [Turn(speaker=CLINICIAN, text=line.strip()) for line in lines if line.strip()]
    return []


def template_named_in(text: str, *, templates: dict[str, TemplateSpec]) -> TemplateSpec | None:
    """The template a request names: a key ("SOAP", "dental_exam") or a clinic template's key or name."""
    low = text.lower()
    for key, template in templates.items():
        words = {key.lower(), key.lower().replace("_", " "), template.name.lower()}
        if any(re.search(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", low) for w in words if len(w) >= 3):
            return template
    return None


def language_of(value: str | None, default: str = "en") -> str:
    """A supported note language from a code like ``"en"``, ``"de-DE"``; ``default`` otherwise."""
    code = (value or "").strip().lower()[:2]
    return code if code in SUPPORTED_LANGUAGES else default


def turns_as_text(turns: Sequence[Turn]) -> str:
    names = {0: "Doctor", 1: "Patient"}
    return "\n".join(f"{names.get(t.speaker, f'Speaker {t.speaker}')}: {t.text}" for t in turns)


# --- offline chat -------------------------------------------------------------------------------

_SUMMARY_WORDS = re.compile(r"\b(?:summar\w*|overview|recap|brief|tl;?dr)\b", re.I)
CODE_WORDS = re.compile(r"\b(?:icd|icd-?10\w*|codes?|coding|billing)\b", re.I)
_QUESTION_STOPWORDS = frozenset(
    "what which who when where why how is are was were the a an of in on for to and or did does do you me "
    "tell give show list please patient patients their his her about any there this that with from".split()
)


def offline_chat_answer(question: str, *, turns: Sequence[Turn], note_sections: dict[str, str],
                        template: TemplateSpec, diagnoses: list[dict] | None) -> str:
    """Answer ``question`` from the thread's transcript, offline and deterministically.

    Args:
        question: the last user message.
        turns: the transcript found in the thread (may be empty).
        note_sections: the offline engine's note of ``turns`` with ``template`` (section key -> body).
        diagnoses: ICD-10-CM suggestions (``DiagnosisSuggestion.as_dict()``) when the question asks for codes.
    """
    if not turns:
        return (
            "There is no visit transcript in this thread yet, so there is nothing to answer from. Send the "
            "conversation as lines such as '[doctor] ...' and '[patient] ...' (or 'Doctor: ...' / 'Patient: ...'), "
            "or pass config.configurable.transcription_id, and ask for a SOAP, BIRP, DAP or GIRP note or a "
            "question about the visit."
        )
    if diagnoses is not None:
        if not diagnoses:
            return "No diagnosis in the transcript could be matched to an ICD-10-CM code."
        lines = ["Suggested ICD-10-CM codes (verify before use):"]
        for d in diagnoses:
            quote = d["evidence"][0]["text"] if d["evidence"] else ""
            lines.append(f"- {d['code']} {d['description']} (confidence {d['confidence']:.2f}): \"{quote}\"")
        return "\n".join(lines)
    filled = {key: body for key, body in note_sections.items() if body.strip()}
    if not filled:
        return "The transcript in this thread contains no clinical content I can extract."
    if _SUMMARY_WORDS.search(question):
        wanted = [k for k in ("chief_complaint", "history_of_present_illness", "assessment", "plan") if k in filled]
        return _render(template, filled, wanted or list(filled))
    words = {w for w in re.findall(r"[a-z]+", question.lower()) if w not in _QUESTION_STOPWORDS and len(w) > 2}
    scored = []
    for spec in template.sections:
        if spec.key not in filled:
            continue
        vocabulary = set(re.findall(r"[a-z]+", f"{spec.key} {spec.heading('en')} {spec.guidance}".lower()))
        overlap = sum(1 for w in words if w in vocabulary or w.rstrip("s") in vocabulary)
        if overlap:
            scored.append((overlap, spec.key))
    if scored:
        best = max(score for score, _ in scored)
        return _render(template, filled, [key for score, key in scored if score == best])
    return "I could not tell which part of the visit the question is about; here is the full note.\n\n" + _render(
        template, filled, list(filled))


def _render(template: TemplateSpec, sections: dict[str, str], keys: list[str]) -> str:
    return "\n\n".join(f"## {template.section(k).heading('en')}\n{sections[k]}" for k in keys)


GENERAL_TEMPLATE = BUILTIN_TEMPLATES["general_consultation"]
