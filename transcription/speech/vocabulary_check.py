"""Keep a clinic-vocabulary word only where the audio, heard without the vocabulary, sounds like it.

Whisper's ``hotwords`` (the clinic vocabulary, :mod:`transcription.vocabulary`) bias every decoding towards
the listed terms.  On voices Whisper understands poorly the bias turns unrelated speech into a listed drug:
``bench/vocabulary.py --voices 2 --show-insertions`` (2026-11-30, Whisper tiny.en, a 64-drug formulary) found
14 drug names in the transcript that were not said, 12 of them on one voice pair whose speech Whisper barely
understands (WER 74 % without a vocabulary): "a bomb accident" became "olanzapine" where "atorvastatin" was
said, "run to the bathroom" gave "run tamsulosin" (confidence 0.63, so a note would have stated it).
Word confidence alone does not tell them apart: correctly biased drug names had confidences as low as 0.00.

What does: the same audio is decoded once more without the vocabulary, and a recognised word that is a
vocabulary word is kept only if the plain decoding has, around the same time, one to four words that
*sound* like it -- the Metaphone codes (Lawrence Philips, 1990, via ``jellyfish``) of the term and of the
words joined agree in at least :data:`MIN_SOUND_SIMILARITY` of their letters (1 - Levenshtein distance /
longer code).  Measured on that benchmark's 3 voice pairs: every correctly biased drug name but one scored
>= 0.50 ("apixaban" / "a big seven" APKSBN / ABKSFN 0.67, "montelukast" / "month elu cast" 0.86), every
inserted one <= 0.40 ("olanzapine" / "a bomb accident" 0.25).

A word that fails is replaced by the plain decoding's words whose middle falls inside it, each marked
uncertain (confidence at most :data:`UNSUPPORTED_CONFIDENCE`, below
:data:`transcription.providers.base.LOW_CONFIDENCE`): the two decodings disagree there.  When the plain
decoding heard nothing inside it the word stays, marked uncertain the same way, so nothing the recogniser
heard is removed and no note states it as a fact (``notes.engines.uncertain``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Iterable, Sequence

import jellyfish

from transcription.providers.base import LOW_CONFIDENCE, Word

__all__ = ["MIN_SOUND_SIMILARITY", "UNSUPPORTED_CONFIDENCE", "sound_similarity", "verify_vocabulary_words",
           "vocabulary_word_keys", "word_key"]

#: Metaphone agreement (0-1) a plain-decoding reading needs for a vocabulary word to be kept (measured, see
#: the module docstring: correct drug names >= 0.50 but one, inserted ones <= 0.40)
MIN_SOUND_SIMILARITY = 0.5
#: confidence given to the words of a place where the two decodings disagree (< LOW_CONFIDENCE: uncertain)
UNSUPPORTED_CONFIDENCE = round(LOW_CONFIDENCE / 2, 2)
#: seconds around a vocabulary word searched for its plain reading (the two decodings time words differently)
_NEAR_S = 0.2
#: longest run of plain words compared with one vocabulary word ("month elu cast" for "montelukast")
_MAX_RUN = 4
_NON_LETTERS = re.compile(r"[^a-z]+")


def word_key(text: str) -> str:
    """``text`` as lower-case ASCII letters only, accents folded, the form vocabulary words are matched in
    ("Apixaban," -> "apixaban", "Penicilina." -> "penicilina", "Ibuprofén" -> "ibuprofen")."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return _NON_LETTERS.sub("", "".join(c for c in folded if not unicodedata.combining(c)))


def vocabulary_word_keys(vocabulary: Iterable[str]) -> set[str]:
    """The words of ``vocabulary`` (terms may hold several words) as lower-case letters only, 3+ letters.

    Example: ``["Insulin glargine", "ACE-inhibitor"]`` -> ``{"insulin", "glargine", "ace", "inhibitor"}``.
    """
    keys = set()
    for term in vocabulary:
        for part in re.split(r"[\s\-/]+", term):
            key = word_key(part)
            if len(key) >= 3:
                keys.add(key)
    return keys


def sound_similarity(a: str, b: str) -> float:
    """How alike ``a`` and ``b`` sound: ``1 - levenshtein(metaphone(a), metaphone(b)) / longer code``, in [0, 1].

    Letters only are compared (spaces and punctuation removed first); 0.0 when either has no letters.
    """
    ma, mb = jellyfish.metaphone(word_key(a)), jellyfish.metaphone(word_key(b))
    if not ma or not mb:
        return 0.0
    return 1.0 - jellyfish.levenshtein_distance(ma, mb) / max(len(ma), len(mb))


def _best_reading(key: str, near: Sequence[Word]) -> float:
    best = 0.0
    for i in range(len(near)):
        for j in range(i + 1, min(len(near), i + _MAX_RUN) + 1):
            best = max(best, sound_similarity(key, "".join(w.text for w in near[i:j])))
    return best


def _uncertain(word: Word) -> Word:
    p = UNSUPPORTED_CONFIDENCE if word.probability is None else min(word.probability, UNSUPPORTED_CONFIDENCE)
    return replace(word, probability=p)


def verify_vocabulary_words(words: Sequence[Word], plain_words: Sequence[Word],
                            vocabulary: Iterable[str]) -> tuple[list[Word], int]:
    """Check each vocabulary word of a biased decoding against a decoding of the same audio without the bias.

    Args:
        words: words of the decoding with the vocabulary (Whisper ``hotwords``), in time order; seconds.
        plain_words: words of the same audio decoded without the vocabulary, same time base.
        vocabulary: the clinic terms that were given to the recogniser.
    Returns:
        ``(words, replaced)``: the words with every vocabulary word that no plain reading supports replaced
        (see the module docstring), in time order; ``replaced`` counts those words.
    """
    keys = vocabulary_word_keys(vocabulary)
    if not keys or not words:
        return list(words), 0
    plain = sorted(plain_words, key=lambda w: w.start)
    out: list[Word] = []
    used: set[int] = set()
    replaced = 0
    for word in words:
        key = word_key(word.text)
        if key not in keys:
            out.append(word)
            continue
        near = [w for w in plain if w.end > word.start - _NEAR_S and w.start < word.end + _NEAR_S]
        if _best_reading(key, near) >= MIN_SOUND_SIMILARITY:
            out.append(word)
            continue
        replaced += 1
        inside = [i for i, w in enumerate(plain)
                  if word.start <= (w.start + w.end) / 2 <= word.end and i not in used]
        if not inside:
            out.append(_uncertain(word))
            continue
        used.update(inside)
        out.extend(_uncertain(plain[i]) for i in inside)
    return out, replaced
