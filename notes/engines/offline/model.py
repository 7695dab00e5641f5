"""The engine's working data: a sentence with its routing features, and per-note context."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _Sentence:
    """A cleaned sentence of the conversation with its routing features."""

    idx: int
    turn: int
    speaker: int
    text: str  # cleaned, original language
    is_question: bool
    answer_polarity: int = 0  # +1 yes / -1 no / 0 unknown, for patient answers
    question: "_Sentence | None" = None  # question this sentence answers
    scores: dict[str, float] = field(default_factory=dict)
    # Note-style text built from a yes/no exchange ("Denies chest pain."),
    # used instead of ``text`` when set.
    derived: str = ""
    # ``derived`` is a complete line (answer with its question), used as is.
    derived_raw: bool = False
    # False when another sentence writes this one's content in the note.
    render: bool = True
    # The answer's no is a determiner ("no nausea", "kein Fieber"): it covers
    # only the symptoms the answer names, not the others asked about.
    polarity_named_only: bool = False
    # The clinician question the turn of this sentence answers (any sentence
    # of the answer turn; ``question`` is set on its first sentence only).
    asked: "_Sentence | None" = None
    # A second turn whose words the sentence also rests on (the question a
    # short answer completes), for the note's evidence.
    extra_turns: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Context:
    """Per-note settings: transcript language, note language, patient pronouns."""

    src_lang: str
    note_lang: str
    gender: str  # "female", "male" or "unknown"
    # Names the speakers greet each other with (lower case), never note content.
    names: frozenset[str] = frozenset()

    @property
    def subject(self) -> str:
        """Subject pronoun for the patient ("she"/"he"/"the patient" family)."""
        return {"female": "she", "male": "he"}.get(self.gender, "the patient")

    @property
    def possessive(self) -> str:
        """Possessive for the patient ("she"/"he"/"the patient" family)."""
        return {"female": "her", "male": "his"}.get(self.gender, "their")

    @property
    def obj(self) -> str:
        """Object pronoun for the patient ("she"/"he"/"the patient" family)."""
        return {"female": "her", "male": "him"}.get(self.gender, "them")

    @property
    def reflexive(self) -> str:
        """Reflexive pronoun for the patient ("she"/"he"/"the patient" family)."""
        return {"female": "herself", "male": "himself"}.get(self.gender, "themselves")
