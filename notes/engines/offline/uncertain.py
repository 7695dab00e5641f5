"""Low-confidence words through the offline engine: marked, never stated as facts.

Before the pipeline runs, every uncertain word of a turn
(``notes.engines.uncertain``: confidence below ``LOW_CONFIDENCE``) is
replaced by an opaque placeholder word (``zqxaqz``, ``zqxbqz``, ...). No
lexicon knows it, so no rule can read a symptom, an answer polarity, a dose
or an allergen from it: "I was killed" (unsure of "killed") cannot become a
finding, and an uncertain "no" is not a denial. The placeholder still counts
as content, so the sentence is kept for the clinician to check. After
rendering, each placeholder is written as ``[unclear: killed?]``; problem
list items and a chief complaint that would contain one are left out
(structured sections state facts only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from notes.engines.base import Turn
from notes.engines.uncertain import mark, uncertain_spans

# zqx + index in base 26 (letters only: number and unit rules ignore it) + qz.
# An English verb suffix the person rewriting may add ("zqxaqzs") is absorbed.
_PLACEHOLDER = re.compile(r"zqx([a-z]+)qz(?:es|s|ed|ing)?", re.I)


def _code(index: int) -> str:
    letters = ""
    while True:
        index, rest = divmod(index, 26)
        letters = chr(ord("a") + rest) + letters
        if index == 0:
            return letters


def _index(code: str) -> int:
    value = 0
    for ch in code.lower():
        value = value * 26 + ord(ch) - ord("a")
    return value


def has_placeholder(text: str) -> bool:
    """True when ``text`` contains an uncertain word's placeholder."""
    return bool(_PLACEHOLDER.search(text))


@dataclass
class UncertainWords:
    """The uncertain words of one note, by placeholder index."""

    words: list[str]

    @classmethod
    def protect(cls, turns: Sequence[Turn]) -> tuple["UncertainWords", list[Turn]]:
        """Replace uncertain words by placeholders.

        Returns:
            ``(UncertainWords, turns)``: the new turns have the same indices,
            speakers and times; only ``text`` differs.
        """
        words: list[str] = []
        out: list[Turn] = []
        for turn in turns:
            spans = uncertain_spans(turn)
            text = turn.text
            for start, end, word in reversed(spans):
                words.append(word)
                text = text[:start] + f"zqx{_code(len(words) - 1)}qz" + text[end:]
            out.append(replace(turn, text=text) if spans else turn)
        return cls(words), out

    def restore(self, text: str) -> str:
        """Write every placeholder of ``text`` as ``[unclear: word?]``."""
        if not self.words:
            return text

        def _sub(m: re.Match[str]) -> str:
            i = _index(m.group(1))
            return mark(self.words[i]) if 0 <= i < len(self.words) else m.group(0)

        return _PLACEHOLDER.sub(_sub, text)

    def plain(self, text: str) -> str:
        """``text`` with the recognised words back in place of the placeholders (for routing only)."""

        def _sub(m: re.Match[str]) -> str:
            i = _index(m.group(1))
            return self.words[i] if 0 <= i < len(self.words) else m.group(0)

        return _PLACEHOLDER.sub(_sub, text)
