"""A clinic-vocabulary word is kept only where the audio decoded without the vocabulary sounds like it (issue 15).

The word traces are from ``bench/vocabulary.py --voices 2 --show-insertions`` (Whisper tiny.en, espeak-ng voices,
2026-11-30): what the biased decoding wrote and what the plain decoding heard at the same time.
"""

from __future__ import annotations

import pytest

from transcription.providers.base import LOW_CONFIDENCE, Word
from transcription.speech.vocabulary_check import (
    MIN_SOUND_SIMILARITY,
    sound_similarity,
    verify_vocabulary_words,
    vocabulary_word_keys,
)

FORMULARY = ["atorvastatin", "olanzapine", "apixaban", "montelukast", "tamsulosin", "Insulin glargine"]


def seq(*items) -> list[Word]:
    """Words from ``(text, start, end, probability)``."""
    return [Word(text, start, end, probability=p) for text, start, end, p in items]


@pytest.mark.parametrize("term, heard, alike", [
    ("apixaban", "a big seven", True),          # correctly biased (confidence 0.02)
    ("montelukast", "month elu cast", True),    # correctly biased (0.11)
    ("amlodipine", "amla dip in", True),
    ("olanzapine", "a bomb accident", False),   # inserted where "atorvastatin" was said
    ("tamsulosin", "run to the", False),        # inserted with confidence 0.63
    ("esomeprazole", "meals", False),
])
def test_sound_similarity_tells_biased_readings_from_insertions(term, heard, alike):
    assert (sound_similarity(term, heard) >= MIN_SOUND_SIMILARITY) is alike


def test_vocabulary_word_keys_split_terms_and_drop_short_parts():
    assert vocabulary_word_keys(["Insulin glargine", "ACE-inhibitor", "Dr. Okonkwo", "IV"]) == {
        "insulin", "glargine", "ace", "inhibitor", "okonkwo"}
    # accents are folded, not dropped ("Ibuprofén" is matched as "ibuprofen", not "ibuprofn")
    assert vocabulary_word_keys(["Ibuprofén", "Amoxicilina"]) == {"ibuprofen", "amoxicilina"}


def test_an_unsupported_drug_name_is_replaced_by_what_was_heard_and_marked_uncertain():
    biased = seq(("are", 0.0, 0.2, 0.9), ("you", 0.2, 0.4, 0.9), ("still", 0.4, 0.7, 0.9), ("taking", 0.7, 1.0, 0.9),
                 ("olanzapine", 1.0, 1.9, 0.63), ("every", 1.9, 2.2, 0.8), ("evening?", 2.2, 2.7, 0.8))
    plain = seq(("are", 0.0, 0.2, 0.9), ("you", 0.2, 0.4, 0.9), ("still", 0.4, 0.7, 0.9), ("taking", 0.7, 1.0, 0.9),
                ("a", 1.0, 1.1, 0.5), ("bomb", 1.1, 1.4, 0.5), ("accident", 1.4, 1.9, 0.6),
                ("every", 1.9, 2.2, 0.8), ("evening?", 2.2, 2.7, 0.8))
    checked, replaced = verify_vocabulary_words(biased, plain, FORMULARY)
    assert replaced == 1
    assert [w.text for w in checked] == ["are", "you", "still", "taking", "a", "bomb", "accident", "every", "evening?"]
    assert all(w.probability < LOW_CONFIDENCE for w in checked[4:7])  # the decodings disagree there
    assert checked[:4] == biased[:4] and checked[7:] == biased[5:]  # nothing else touched


def test_a_supported_drug_name_is_kept_even_with_low_confidence():
    biased = seq(("right,", 0.0, 0.3, 0.9), ("apixaban.", 0.3, 1.2, 0.02))
    plain = seq(("right,", 0.0, 0.3, 0.9), ("a", 0.3, 0.4, 0.8), ("big", 0.4, 0.7, 0.8), ("seven.", 0.7, 1.2, 0.7))
    checked, replaced = verify_vocabulary_words(biased, plain, FORMULARY)
    assert replaced == 0 and checked == biased


def test_an_unsupported_word_with_nothing_heard_inside_it_stays_but_uncertain():
    """Nothing the recogniser wrote is removed: a hotword echo the plain decoding has no word for is kept, marked."""
    biased = seq(("bathroom", 0.0, 0.5, 0.9), ("too.", 0.5, 0.8, 0.9), ("olanzapine,", 0.8, 0.9, 0.9))
    plain = seq(("bathroom", 0.0, 0.5, 0.9), ("too.", 0.5, 0.8, 0.9))
    checked, replaced = verify_vocabulary_words(biased, plain, FORMULARY)
    assert replaced == 1 and [w.text for w in checked] == ["bathroom", "too.", "olanzapine,"]
    assert checked[2].probability < LOW_CONFIDENCE and checked[:2] == biased[:2]


def test_without_vocabulary_words_nothing_changes():
    biased = seq(("sore", 0.0, 0.3, 0.9), ("throat", 0.3, 0.7, 0.2))
    assert verify_vocabulary_words(biased, [], FORMULARY) == (biased, 0)
    assert verify_vocabulary_words(biased, biased, []) == (biased, 0)
