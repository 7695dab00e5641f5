"""Words the speech recogniser was unsure of, for the note engines.

A transcript carries a confidence per word (``Turn.words``, from
``transcription.providers.base.word_as_dict``). A note must never state a
word the recogniser was unsure of as a fact: "I was having chills"
recognised as "I was killed" with a low confidence on "killed" must not
become "The patient reports they were killed". The engines therefore

* write such a word as ``[unclear: killed?]`` (``mark``), so the clinician
  sees what to check against the recording, and
* never derive a structured fact (a review-of-systems line, a problem, an
  allergy) from it.

Threshold: a word is *uncertain* when its confidence is below
:data:`LOW_CONFIDENCE` = 0.4, the value the speech pipeline uses to flag
words (``transcription.providers.local_whisper.WhisperSettings.low_confidence``:
measured on the visit fixtures, correctly recognised words mostly have a
Whisper word probability above 0.6 and substitutions mostly below 0.4).
Words without a confidence (``None``; typed text, engines that give none)
are never uncertain.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from notes.engines.base import LOW_CONFIDENCE, Turn

__all__ = [
    "LOW_CONFIDENCE", "MARK", "mark", "mark_note_text", "mark_turn_text", "uncertain_spans", "unmarked_uncertain_words",
]

#: How an uncertain word is written in a note (``{word}`` = what was recognised).
MARK = "[unclear: {word}?]"
_MARKED = re.compile(r"\[unclear: [^\]]*\?\]")
# Punctuation a recogniser attaches to a word ("throat," "okay.").
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$", re.UNICODE)


def mark(word: str) -> str:
    """``"[unclear: killed?]"`` for ``"killed"``."""
    return MARK.format(word=word)


def uncertain_spans(turn: Turn, threshold: float = LOW_CONFIDENCE) -> list[tuple[int, int, str]]:
    """Character spans of the uncertain words of ``turn.text``.

    The words of ``turn.words`` are found in ``turn.text`` in order (case
    and the punctuation a recogniser attaches are ignored; a word that is
    not in the text, e.g. an ``[inaudible]`` mark removed from it, is
    skipped).

    Args:
        turn: A turn whose ``words`` are ``(text, confidence)`` pairs.
        threshold: Confidence below which a word is uncertain (0-1).

    Returns:
        ``[(start, end, word)]``, character offsets into ``turn.text``, in
        order, not overlapping.
    """
    spans: list[tuple[int, int, str]] = []
    cursor = 0
    lowered = turn.text.lower()
    for text, confidence in turn.words:
        core = _EDGE_PUNCT.sub("", text or "")
        if not core:
            continue
        found = re.search(r"(?<!\w)" + re.escape(core.lower()) + r"(?!\w)", lowered[cursor:])
        if not found:
            continue
        start, end = cursor + found.start(), cursor + found.end()
        cursor = end
        if confidence is not None and confidence < threshold:
            spans.append((start, end, turn.text[start:end]))
    return spans


def mark_turn_text(turn: Turn, threshold: float = LOW_CONFIDENCE) -> str:
    """``turn.text`` with every uncertain word written as ``[unclear: word?]``."""
    text = turn.text
    for start, end, word in reversed(uncertain_spans(turn, threshold)):
        text = text[:start] + mark(word) + text[end:]
    return text


def unmarked_uncertain_words(
    sentence: str, turns: Sequence[Turn], utterances: Iterable[int] | None = None, threshold: float = LOW_CONFIDENCE
) -> list[str]:
    """Uncertain words that ``sentence`` states without the ``[unclear: ...]`` mark.

    Args:
        sentence: A note sentence.
        turns: The transcript the note was written from.
        utterances: Indices of the turns the sentence is traced to; ``None``
            checks every turn.
        threshold: Confidence below which a word is uncertain.

    Returns:
        The uncertain words (lower case, in transcript order, without
        duplicates) that occur in ``sentence`` outside a mark, unless the
        same word was also said with confidence somewhere in those turns.
    """
    plain = _MARKED.sub(" ", sentence).lower()
    indices = range(len(turns)) if utterances is None else [i for i in utterances if 0 <= i < len(turns)]
    uncertain: list[str] = []
    confident: set[str] = set()
    for i in indices:
        turn = turns[i]
        low = {w.lower() for _, _, w in uncertain_spans(turn, threshold)}
        for text, confidence in turn.words:
            core = _EDGE_PUNCT.sub("", text or "").lower()
            if core and (confidence is None or confidence >= threshold):
                confident.add(core)
        uncertain.extend(w for w in sorted(low, key=turn.text.lower().find) if w not in uncertain)
    return [
        w for w in uncertain
        if w not in confident and re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", plain)
    ]


def mark_note_text(text: str, turns: Sequence[Turn], threshold: float = LOW_CONFIDENCE) -> str:
    """Mark, in a note written by someone else (an LLM), the uncertain words it states.

    A word counts when it was uncertain wherever it was said in ``turns``
    (a word also said with confidence is left alone: the note may rest on
    that mention). Occurrences already inside ``[unclear: ...]`` are kept.

    Returns:
        ``text`` with each such word (whole word, any case) written as
        ``[unclear: word?]``.
    """
    low: set[str] = set()
    confident: set[str] = set()
    for turn in turns:
        low |= {w.lower() for _, _, w in uncertain_spans(turn, threshold)}
        for word, confidence in turn.words:
            core = _EDGE_PUNCT.sub("", word or "").lower()
            if core and (confidence is None or confidence >= threshold):
                confident.add(core)
    words = sorted(low - confident, key=len, reverse=True)
    if not words:
        return text
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])", re.I)
    pieces: list[str] = []
    last = 0
    for m in _MARKED.finditer(text):
        pieces.append(pattern.sub(lambda x: mark(x.group(0)), text[last:m.start()]))
        pieces.append(m.group(0))
        last = m.end()
    pieces.append(pattern.sub(lambda x: mark(x.group(0)), text[last:]))
    return "".join(pieces)
