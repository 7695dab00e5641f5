"""Words the recogniser was unsure of never become facts in an offline note (issue 15).

Each case has a control: the same conversation with confident words, whose
note does state the fact, so the test fails if the engine stops reading the
sentence at all rather than refusing to state the uncertain word.
"""

from __future__ import annotations

import re

from notes.engines.base import LOW_CONFIDENCE, Turn, word_confidences
from notes.engines.offline import OfflineNoteEngine
from notes.engines.uncertain import unmarked_uncertain_words
from templates.builtin import get_builtin_template

ENGINE = OfflineNoteEngine()
GENERAL = get_builtin_template("general_consultation")


def _turn(speaker: int, text: str, low: tuple[str, ...] = ()) -> Turn:
    """A recognised turn: every word 0.93 confident except ``low`` (0.21)."""
    words = tuple((w, 0.21 if w.strip(".,?!¿¡").lower() in low else 0.93) for w in text.split())
    return Turn(speaker, text, words=words)


def _note(turns: list[Turn], language: str = "en"):
    return ENGINE.generate(turns=turns, template=GENERAL, language=language)


def _plain(text: str) -> str:
    """``text`` without its ``[unclear: ...]`` marks."""
    return re.sub(r"\[unclear: [^\]]*\]", " ", text)


def test_killed_with_low_confidence_is_marked_not_reported() -> None:
    said = [_turn(0, "Any fever or chills?"), _turn(1, "Last night I was killed.", low=("killed",))]
    note = _note(said)
    assert "[unclear: killed?]" in note.markdown
    assert "killed" not in _plain(note.markdown).lower()
    assert not re.search(r"reports[^.]*\bkilled\b(?!\?\])", note.markdown, re.I)
    # Control: confidently recognised, the sentence is reported as said.
    control = _note([_turn(0, "Any fever or chills?"), _turn(1, "Last night I was killed.")])
    assert "killed" in _plain(control.markdown)


def test_misheard_allergen_is_not_a_stated_allergy() -> None:
    said = [_turn(0, "¿Es alérgica a algún medicamento?"), _turn(1, "Sí, soy alérgica a la felicidad.", low=("felicidad",))]
    note = _note(said, "es")
    allergies = note.sections["allergies"]
    assert "[unclear: felicidad?]" in allergies
    assert "felicidad" not in _plain(note.markdown).lower()
    control = _note([_turn(0, "¿Es alérgica a algún medicamento?"), _turn(1, "Sí, soy alérgica a la penicilina.")], "es")
    assert "penicilina" in control.sections["allergies"]


def test_uncertain_no_is_not_a_denial_and_uncertain_yes_not_a_finding() -> None:
    control = _note([_turn(0, "Any chest pain?"), _turn(1, "No.")])
    assert re.search(r"denies chest pain", control.markdown, re.I)
    note = _note([_turn(0, "Any chest pain?"), _turn(1, "No.", low=("no",))])
    assert not re.search(r"denies chest pain", note.markdown, re.I)
    note = _note([_turn(0, "Any chest pain?"), _turn(1, "Yes.", low=("yes",))])
    assert not re.search(r"reports chest pain", note.markdown, re.I)


def test_uncertain_symptom_is_not_in_the_review_of_systems() -> None:
    control = _note([_turn(0, "How have you been?"), _turn(1, "I have had a fever since Monday.")])
    assert "fever" in control.sections["review_of_systems"].lower()
    note = _note([_turn(0, "How have you been?"), _turn(1, "I have had a fever since Monday.", low=("fever",))])
    assert "fever" not in note.sections["review_of_systems"].lower()
    assert "[unclear: fever?]" in note.markdown


def test_uncertain_diagnosis_is_not_in_the_problem_list() -> None:
    visit = ["What brings you in?", "My throat hurts and I have a fever.",
             "Your rapid strep test is positive, so this is strep throat."]
    control = _note([_turn(0, visit[0]), _turn(1, visit[1]), _turn(0, visit[2])])
    assert re.search(r"^1\. .*strep", control.sections["assessment"], re.I | re.M)
    note = _note([_turn(0, visit[0]), _turn(1, visit[1]), _turn(0, visit[2], low=("strep",))])
    assert not re.search(r"^\d+\. .*(?:strep|unclear)", note.sections["assessment"], re.I | re.M)
    assert "strep" not in _plain(note.markdown).lower()


def test_evidence_sentences_carry_the_mark_and_no_sentence_states_an_uncertain_word() -> None:
    turns = [_turn(0, "Any fever or chills?"), _turn(1, "Last night I was killed.", low=("killed",)),
             _turn(0, "Take amoxicillin 500 mg three times a day.", low=("three",))]
    note = _note(turns)
    for entry in note.evidence:
        assert entry["sentence"] in note.sections[entry["section"]]
        assert unmarked_uncertain_words(entry["sentence"], turns, entry["utterances"]) == []
    assert any("[unclear: killed?]" in e["sentence"] for e in note.evidence)


def test_confident_words_change_nothing() -> None:
    plain = [Turn(0, "Any fever?"), Turn(1, "Yes, 38.5 last night, and I take metformin 500 mg.")]
    heard = [Turn(t.speaker, t.text, words=tuple((w, 0.9) for w in t.text.split())) for t in plain]
    assert _note(heard) == _note(plain)


def test_threshold_and_word_conversion() -> None:
    assert LOW_CONFIDENCE == 0.4
    at = _note([_turn(0, "Any chest pain?"), Turn(1, "No.", words=(("No.", 0.4),))])
    assert re.search(r"denies chest pain", at.markdown, re.I)  # 0.4 itself is not below the threshold
    assert word_confidences([{"text": "No.", "confidence": None}]) == (("No.", None),)


def test_service_turns_carry_word_confidences() -> None:
    from transcription.providers.base import Utterance, Word
    from transcription.services import note_turns

    words = (Word("I", 0.0, 0.1, 1, 0.9), Word("was", 0.1, 0.2, 1, 0.9), Word("killed.", 0.2, 0.5, 1, 0.12))
    (turn,) = note_turns([Utterance(speaker=1, text="I was killed.", start=0.0, end=0.5, words=words)])
    assert turn.words == (("I", 0.9), ("was", 0.9), ("killed.", 0.12))
