"""Stable-prefix commits for streaming Whisper: LocalAgreement-2.

Macháček, Dabre and Bojar (2023), "Turning Whisper into Real-Time Transcription System"
(arXiv:2307.14743, reference implementation ``ufal/whisper_streaming``): the growing audio buffer is
re-transcribed at every step, and the words on which two consecutive hypotheses agree (their longest
common prefix) are committed. Committed words are final; the rest of the newest hypothesis is the
partial. The paper's rules are kept: hypothesis words starting before the last committed word's end
(minus 0.1 s) are old, and a 1-5 word n-gram repeating the committed tail at the seam is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from transcription.providers.base import Word

__all__ = ["HypothesisBuffer", "normalise_token"]

_NON_WORD = re.compile(r"[^\w']+")


def normalise_token(text: str) -> str:
    """Compare words without case or punctuation (``"Okay,"`` == ``"okay"``)."""
    return _NON_WORD.sub("", text.lower())


class HypothesisBuffer:
    """The commit state of one stream (not thread-safe; one per session).

    Attributes:
        committed_until: end (seconds) of the last committed word, 0 before any.
        pending: the uncommitted tail of the last hypothesis (the current partial).
    """

    #: seconds of slack when deciding whether a hypothesis word is older than the last commit
    #: (whisper_streaming ``HypothesisBuffer.insert``)
    OLD_WORD_SLACK = 0.1
    #: longest committed tail checked for a repeat at the seam, words (whisper_streaming: 5)
    MAX_SEAM_NGRAM = 5
    #: the seam check applies when the new hypothesis starts within this many seconds of the commit
    SEAM_WINDOW = 1.0

    def __init__(self) -> None:
        self.committed_until = 0.0
        self.pending: list[Word] = []
        self._tail: list[Word] = []

    def _fresh(self, words: Sequence[Word]) -> list[Word]:
        new = [w for w in words if w.start > self.committed_until - self.OLD_WORD_SLACK]
        if new and self._tail and abs(new[0].start - self.committed_until) < self.SEAM_WINDOW:
            for n in range(min(len(self._tail), len(new), self.MAX_SEAM_NGRAM), 0, -1):
                tail = [normalise_token(w.text) for w in self._tail[-n:]]
                head = [normalise_token(w.text) for w in new[:n]]
                if tail == head:
                    new = new[n:]
                    break
        return new

    def _commit(self, words: list[Word]) -> list[Word]:
        if words:
            self.committed_until = max(self.committed_until, words[-1].end)
            self._tail = (self._tail + words)[-self.MAX_SEAM_NGRAM:]
        return words

    def insert(self, hypothesis: Sequence[Word], *, commit_until: float | None = None) -> list[Word]:
        """Take a new hypothesis (absolute times, in order) and return the words it commits.

        The committed words are the longest prefix on which the previous and the new hypothesis agree
        (compared with :func:`normalise_token`); their text and times come from the new hypothesis.
        With ``commit_until`` (seconds) agreed words ending after it stay pending (the live engine holds
        them for a better final decoding at the end of the turn).
        """
        new = self._fresh(hypothesis)
        agreed = len(self._agreed(new, commit_until))
        self.pending = new[agreed:]
        return self._commit(new[:agreed])

    def _agreed(self, new: list[Word], commit_until: float | None) -> list[Word]:
        agreed = 0
        for old, fresh in zip(self.pending, new):
            if normalise_token(old.text) != normalise_token(fresh.text):
                break
            if commit_until is not None and fresh.end > commit_until:
                break
            agreed += 1
        return new[:agreed]

    def agreed(self, hypothesis: Sequence[Word], *, commit_until: float | None = None) -> list[Word]:
        """The words :meth:`insert` would commit for ``hypothesis``, without changing anything."""
        return self._agreed(self._fresh(hypothesis), commit_until)

    def replace_pending(self, hypothesis: Sequence[Word]) -> None:
        """Make the new words of ``hypothesis`` the pending ones, committing nothing (the next hypothesis
        is compared with them)."""
        self.pending = self._fresh(hypothesis)

    def commit_redecoded(self, words: Sequence[Word], time: float) -> list[Word]:
        """Commit, instead of the pending words ending at or before ``time``, the words of a second
        (better) decoding of the same audio that lie after the last commit and end by ``time``.

        Pending words after ``time`` stay pending, unless the committed words already cover them (their
        middle lies before the new ``committed_until``: the second decoding timed the same word later).
        Returns the committed words.
        """
        fresh = self._commit([w for w in self._fresh(words) if (w.start + w.end) / 2 <= time])
        self.pending = [w for w in self.pending if w.end > time and (w.start + w.end) / 2 > self.committed_until]
        return fresh

    def commit_before(self, time: float) -> list[Word]:
        """Commit pending words that end at or before ``time`` (seconds) without waiting for agreement.

        Used when the audio buffer must be cut: Whisper never sees those words again.
        """
        cut = 0
        while cut < len(self.pending) and self.pending[cut].end <= time:
            cut += 1
        words, self.pending = self.pending[:cut], self.pending[cut:]
        return self._commit(words)

    def flush(self, hypothesis: Sequence[Word] | None = None) -> list[Word]:
        """End of stream: commit ``hypothesis`` (the last one, if given) or else the pending words."""
        words = self._fresh(hypothesis) if hypothesis is not None else self.pending
        self.pending = []
        return self._commit(list(words))
