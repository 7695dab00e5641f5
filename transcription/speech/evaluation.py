"""Accuracy measures for transcripts against reference turns (used by ``bench/`` and the tests).

* word error rate (WER): word-level Levenshtein distance / reference words, computed by ``jiwer``
  on lower-cased text without punctuation;
* turns lost: reference turns (``{"start", "end", ...}`` in seconds) with no recognised word whose
  midpoint lies inside the turn (widened by ``tolerance`` seconds on each side). A scribe must keep
  this at 0: a lost turn is clinical content the clinician never sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from transcription.providers.base import Word

__all__ = ["normalise_text", "turns_lost", "word_error_rate"]


def normalise_text(text: str) -> str:
    """Lower-case, punctuation removed (apostrophes kept), hyphens as spaces, single spaces."""
    text = text.lower().replace(" n't", "n't").replace("-", " ")
    text = re.sub(r"[^\w' ]+", " ", text)
    return " ".join(text.split())


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER in [0, inf) of ``hypothesis`` against ``reference`` after :func:`normalise_text`.

    Needs the ``jiwer`` package (a test/benchmark requirement).
    """
    import jiwer

    ref = normalise_text(reference)
    if not ref:
        return 0.0 if not normalise_text(hypothesis) else 1.0
    return float(jiwer.wer(ref, normalise_text(hypothesis)))


def turns_lost(words: Iterable[Word], turns: Sequence[dict], *, tolerance: float = 0.15) -> list[int]:
    """Indices of reference turns that no recognised word falls in.

    Args:
        words: recognised words (seconds).
        turns: reference turns with ``start`` and ``end`` (seconds), in time order.
        tolerance: seconds added on both sides of each turn (word timestamps are ~0.1 s coarse).
    Returns:
        the indices into ``turns`` of the turns with no word midpoint inside them.
    """
    mids = sorted((w.start + w.end) / 2 for w in words if (w.text or "").strip())
    lost = []
    for i, t in enumerate(turns):
        lo, hi = t["start"] - tolerance, t["end"] + tolerance
        if not any(lo <= m <= hi for m in mids):
            lost.append(i)
    return lost
