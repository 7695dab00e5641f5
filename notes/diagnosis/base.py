"""Provider-neutral types of diagnosis suggestion."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable


@dataclass(frozen=True)
class SourceText:
    """A piece of text a diagnosis may rest on.

    Attributes:
        source: ``"note"`` or ``"transcript"``.
        text: the text itself (a note section body or one transcript utterance).
        section: note section key (``source="note"``), else ``""``.
        speaker: transcript speaker id (0 = clinician, 1 = patient), else ``None``.
        start_time, end_time: seconds in the recording (transcript only), else ``None``.
    """

    source: str
    text: str
    section: str = ""
    speaker: int | None = None
    start_time: float | None = None
    end_time: float | None = None


@dataclass(frozen=True)
class Evidence:
    """A quoted snippet supporting a suggestion, and where it comes from (see :class:`SourceText`)."""

    source: str
    text: str
    section: str = ""
    speaker: int | None = None
    start_time: float | None = None
    end_time: float | None = None

    def as_dict(self) -> dict:
        body: dict = {"source": self.source, "text": self.text}
        if self.source == "note":
            body["section"] = self.section
        else:
            body["speaker"] = f"SPEAKER_{self.speaker}" if self.speaker is not None else None
            body["start_time"] = self.start_time
            body["end_time"] = self.end_time
        return body


@dataclass(frozen=True)
class DiagnosisSuggestion:
    """One suggested diagnosis.

    Attributes:
        code: ICD-10-CM code with its dot (e.g. ``"J02.9"``), always valid in the code set.
        description: the code set's description of ``code``.
        confidence: in [0, 1]; how strongly the text supports the code (not a clinical probability).
        billable: True when ``code`` is a leaf (valid for claims).
        evidence: snippets of the note or transcript the suggestion rests on (at least one).
    """

    code: str
    description: str
    confidence: float
    billable: bool
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {
            "code": self.code, "description": self.description, "confidence": round(self.confidence, 2),
            "billable": self.billable, "evidence": [e.as_dict() for e in self.evidence],
        }


class DiagnosisError(Exception):
    """A diagnosis suggester failed. ``message`` holds no patient data; ``permanent`` tells whether
    a retry can help (False for timeouts, rate limits, 5xx)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@runtime_checkable
class DiagnosisSuggester(Protocol):
    name: str

    def suggest(self, sources: Sequence[SourceText], *, language: str = "en") -> list[DiagnosisSuggestion]:
        """Suggested diagnoses, best first.

        Raises:
            DiagnosisError: when no suggestion can be produced.
        """
        ...
