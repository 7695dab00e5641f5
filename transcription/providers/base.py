"""Provider-neutral transcription types shared by every speech-to-text engine.

Times are in seconds from the start of the recording.  Speaker ids are small integers in
order of first appearance: 0 is the first voice heard (by convention the clinician), 1 the
next (the patient), and so on.  Vendor SDK types never appear here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Protocol, Sequence, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover
    from transcription.speech.audio import DecodedAudio

__all__ = [
    "SpeechProviderError",
    "SpeechToText",
    "TranscriptionResult",
    "Utterance",
    "LOW_CONFIDENCE",
    "Word",
    "build_utterances",
    "mean_confidence",
    "renumber_speakers",
    "word_as_dict",
]


@dataclass(frozen=True)
class Word:
    """One recognised word.

    Attributes:
        text: the word as displayed (may carry punctuation, e.g. ``"throat,"``).
        start, end: seconds from the start of the recording, ``0 <= start <= end``.
        speaker: speaker id (0 = first speaker heard) or None when not diarized.
        probability: recogniser confidence in [0, 1], or None when the engine gives none.
    """

    text: str
    start: float
    end: float
    speaker: int | None = None
    probability: float | None = None


#: Word probability below which a word counts as uncertain (see ``WhisperSettings.low_confidence``).
LOW_CONFIDENCE = 0.4


def word_as_dict(word: Word) -> dict:
    """``{"text", "start", "end", "confidence"}`` of a word (seconds rounded to ms; confidence to 0.01
    or None when the engine gives none). The stored and returned form of a transcript's words."""
    return {"text": word.text, "start": round(word.start, 3), "end": round(word.end, 3),
            "confidence": None if word.probability is None else round(word.probability, 2)}


def mean_confidence(words: Iterable[Word]) -> float | None:
    """Mean word probability in [0, 1] (rounded to 0.01), or None when no word has one."""
    probs = [w.probability for w in words if w.probability is not None]
    return round(sum(probs) / len(probs), 2) if probs else None


@dataclass(frozen=True)
class Utterance:
    """A run of consecutive words by one speaker (the API's transcript item).

    Attributes:
        speaker: speaker id, 0 = first speaker heard (clinician), 1 = next (patient), ...
        text: the words joined with spaces.
        start, end: seconds.
        words: the words it is made of, with their confidences (empty when the engine gave none).
    """

    speaker: int
    text: str
    start: float
    end: float
    words: tuple[Word, ...] = ()

    @property
    def confidence(self) -> float | None:
        """Mean word probability in [0, 1], or None when the words carry none."""
        return mean_confidence(self.words)

    def as_dict(self) -> dict:
        """``{"text", "start", "end", "speaker", "confidence", "words"}`` as the APIs return it.

        Times in seconds rounded to ms; ``confidence`` is the mean word probability (None when unknown)
        and ``words`` lists :func:`word_as_dict` items, so a client can mark uncertain words.
        """
        return {"text": self.text, "start": round(self.start, 3), "end": round(self.end, 3),
                "speaker": self.speaker, "confidence": self.confidence,
                "words": [word_as_dict(w) for w in self.words]}


@dataclass(frozen=True)
class TranscriptionResult:
    """What an engine returns for one recording.

    Attributes:
        utterances: in time order, speaker ids renumbered by first appearance.
        words: every word in time order, with its speaker.
        duration_seconds: length of the audio that was transcribed.
        language: the language code the audio was transcribed as (e.g. ``"en"``).
        engine: engine/model identifier, e.g. ``"local:whisper-tiny.en"`` or ``"deepgram:nova-3"``.
        num_speakers: distinct speakers in ``words`` (0 when nothing was recognised).
    """

    utterances: list[Utterance]
    words: list[Word]
    duration_seconds: float
    language: str
    engine: str
    num_speakers: int = field(default=0)

    @property
    def text(self) -> str:
        """All utterance texts joined by spaces."""
        return " ".join(u.text for u in self.utterances)


class SpeechProviderError(Exception):
    """A speech engine failed.

    Attributes:
        message: safe, content-free description (never contains audio or transcript text).
        permanent: True when retrying the same request cannot help (bad credentials, unsupported
            language, rejected audio); False for transient failures (timeouts, rate limits,
            5xx) that a retry or a fallback engine may fix.
    """

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent

    def __repr__(self) -> str:  # pragma: no cover - trivial
        return f"SpeechProviderError({self.message!r}, permanent={self.permanent})"


@runtime_checkable
class SpeechToText(Protocol):
    """A speech-to-text engine with speaker diarization."""

    def transcribe(self, audio: "DecodedAudio", *, language: str, num_speakers: int | None = None,
                   vocabulary: Sequence[str] = ()) -> TranscriptionResult:
        """Transcribe decoded 16 kHz mono audio.

        Args:
            audio: see :class:`transcription.speech.audio.DecodedAudio`.
            language: ISO 639-1 code given by the caller (no auto-detection).
            num_speakers: expected number of speakers, or None to estimate it.
            vocabulary: the clinic's custom terms (drug names, procedures, staff names), most
                important first, to bias recognition towards (see :mod:`transcription.vocabulary`).
        Raises:
            SpeechProviderError: on any engine failure (see ``permanent``).
        """
        ...


def renumber_speakers(labels: Iterable[int | None]) -> dict[int, int]:
    """Map raw speaker labels to ids in order of first appearance (first heard -> 0).

    Args:
        labels: raw labels in time order (None entries are skipped).
    Returns:
        ``{raw_label: new_id}``.
    """
    mapping: dict[int, int] = {}
    for label in labels:
        if label is not None and label not in mapping:
            mapping[label] = len(mapping)
    return mapping


def build_utterances(words: list[Word], *, max_pause: float = 1.5) -> list[Utterance]:
    """Group consecutive same-speaker words into utterances.

    A new utterance starts when the speaker changes or the silence between two words exceeds
    ``max_pause`` seconds.  Words without a speaker are attached to speaker 0.

    Args:
        words: in time order.
        max_pause: seconds.
    Returns:
        utterances in time order.
    """
    out: list[Utterance] = []
    cur: list[Word] = []
    cur_spk = 0

    def flush() -> None:
        if cur:
            text = " ".join(w.text.strip() for w in cur if w.text.strip())
            if text:
                out.append(Utterance(speaker=cur_spk, text=text, start=cur[0].start, end=cur[-1].end,
                                     words=tuple(cur)))

    for w in words:
        spk = 0 if w.speaker is None else w.speaker
        if cur and (spk != cur_spk or w.start - cur[-1].end > max_pause):
            flush()
            cur = []
        if not cur:
            cur_spk = spk
        cur.append(w)
    flush()
    return out
