"""notes.review: sentences of a note matched to their evidence, version diffs."""

from __future__ import annotations

from notes.models import ClinicalNote
from notes.review import NoteSentence, note_sentences_with_evidence, note_version_diff


def _note(sections: dict, evidence: list[dict]) -> ClinicalNote:
    return ClinicalNote(template_key="SOAP", language="en", sections=sections, evidence=evidence, content="")


def test_sentences_are_cut_at_their_evidence_and_labels_stay_plain():
    note = _note(
        {"subjective": "**Chief complaint:** Sore throat for 4 days.\n\n**History:** Fever of 38. Hurts to swallow.",
         "assessment": "1. Acute pharyngitis\n\nThis is acute pharyngitis."},
        [{"section": "subjective", "sentence": "Sore throat for 4 days.", "utterances": [1], "supported": True},
         {"section": "subjective", "sentence": "Fever of 38.", "utterances": [1], "supported": True},
         {"section": "subjective", "sentence": "Hurts to swallow.", "utterances": [3], "supported": False,
          "reasons": ["not said"]},
         {"section": "assessment", "sentence": "Acute pharyngitis", "utterances": [4], "supported": True}])
    assert note_sentences_with_evidence(note=note, section="subjective") == [
        NoteSentence(text="Chief complaint:", strong=True),
        NoteSentence(text="Sore throat for 4 days.", utterances=(1,), traced=True),
        NoteSentence(text="History:", strong=True, new_line=True),
        NoteSentence(text="Fever of 38.", utterances=(1,), traced=True),
        NoteSentence(text="Hurts to swallow.", utterances=(3,), supported=False, reasons=("not said",), traced=True),
    ]
    assessment = note_sentences_with_evidence(note=note, section="assessment")
    assert [(s.text, s.traced, s.new_line) for s in assessment] == [
        ("1.", False, False), ("Acute pharyngitis", True, False), ("This is acute pharyngitis.", False, True)]


def test_an_edited_sentence_loses_its_stale_evidence():
    note = _note({"plan": "Ibuprofen 600 mg."},
                 [{"section": "plan", "sentence": "Ibuprofen 400 mg.", "utterances": [2], "supported": True}])
    assert note_sentences_with_evidence(note=note, section="plan") == [NoteSentence(text="Ibuprofen 600 mg.")]


def test_version_diff_lists_deleted_and_inserted_lines():
    old = ClinicalNote(content="## Plan\nRest.\n")
    new = ClinicalNote(content="## Plan\nRest and fluids.\n")
    assert note_version_diff(old=old, new=new) == [
        {"op": "equal", "text": "## Plan"}, {"op": "delete", "text": "Rest."},
        {"op": "insert", "text": "Rest and fluids."}]
