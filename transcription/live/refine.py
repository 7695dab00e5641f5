"""Session end: the stored transcript of an offline live session from the batch pipeline.

Live finals are committed before the whole sentence has been heard, from at most 15 s of audio, and stay
~3 points of word error rate behind the batch pipeline on the same audio (13 visits, ``bench/live.py
--offline-wer``, 2026-12-01: live 19.6 %, batch 16.7 %; the README's issue-15 section lists what was tried
to close that gap inside the stream). When a session ends, what is *stored* (and the note written from it)
can come from the batch pipeline run over the whole session audio instead: 30 s windows with the speech
before and after each turn, the batch diarization, the clinic vocabulary with its sound check. Finals
already sent are never revised; the closing ``transcript`` message carries the refined transcript.

On by default for sessions up to ``MEDSYNC_LIVE_REFINE_MAX_SECONDS`` (1800 s; 0 turns it off); the consumer
bounds the wait by ``MEDSYNC_LIVE_REFINE_TIMEOUT_SECONDS`` and keeps the live finals otherwise.

So that the wait at the end does not grow with the visit, the speech recognition half of that pass trails
the session (:class:`TrailingRecognition`): whenever more than :data:`PIECE_SECONDS` of audio has not been
recognised, the oldest piece, cut at its quietest half-second as the batch engine cuts long recordings
(:func:`~transcription.providers.local_whisper.split_at_quiet_points`), is recognised in the background by
one process-wide worker thread (:func:`refine_executor`), and only while the live engine keeps up with real
time. At the end only the rest is recognised; the words keep the speakers the live finals gave the same
moments (:func:`speakers_from_finals`) unless those disagree with the batch diarization of the whole session
(:data:`LIVE_SPEAKERS_MIN_AGREEMENT`: the online tracker can lose real voices), a clinic vocabulary term that only the live finals heard is kept,
marked uncertain (:func:`keep_heard_vocabulary`), and batch words the live finals read differently are marked
uncertain (:func:`mark_disagreements`).
"""

from __future__ import annotations

import logging
import threading
from bisect import bisect_right
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from difflib import SequenceMatcher

import numpy as np

from transcription.live.agreement import normalise_token
from transcription.live.base import SAMPLE_RATE, LiveSegment

__all__ = ["LIVE_SPEAKERS_MIN_AGREEMENT", "PIECE_SECONDS", "TrailingRecognition", "keep_heard_vocabulary",
           "mark_disagreements", "refine_executor", "refine_finals", "speaker_agreement", "speakers_from_finals"]

logger = logging.getLogger(__name__)

#: Length (s) of the pieces the trailing pass recognises. The batch engine cuts recordings into pieces of at
#: most 300 s; shorter pieces shorten the wait at a session's end (only the last piece is left) and cost
#: accuracy only through the cuts: on three 3.4-5.3 minute sessions (10 held-out visits joined, 2,661 words,
#: 2026-12-01) the word error rate of the batch recognition was 18.4 % with 300 s pieces, 17.6 % with 120 s
#: and 18.4 % with 60 s; on the 13 visits of ``bench/live.py`` (28-82 s each) 16.9 % / 18.1 % (60 s).
PIECE_SECONDS = 120.0

#: Share of word time on which the live finals' speakers must agree with the batch diarization of the whole
#: session (best one-to-one mapping) for the stored words to keep the live speakers. On the espeak-ng visits the
#: live speakers were the better ones (97.3 % of word time right, the batch diarization 91.4 %, 2026-12-01) and
#: the two agree on most words; on a real two-person recording (tests/fixtures/audio/real) the online tracker
#: put nearly every word on one speaker (53 % right, the batch diarization 86 %), so where they disagree this
#: much the batch diarization, which has heard the whole session, is kept -- if it heard two or more voices
#: (it hears one on many clips under ~15 s, where the live speakers were right: a 9 s two-voice clip 100 %
#: live, 52 % batch).
LIVE_SPEAKERS_MIN_AGREEMENT = 0.8

_EXECUTOR: ThreadPoolExecutor | None = None
_EXECUTOR_LOCK = threading.Lock()


def refine_executor() -> ThreadPoolExecutor:
    """The one worker thread that recognises the trailing pieces of every live session of this process.

    One at a time, so the background pass of many sessions never takes more than one decoding's worth of CPU
    from the live steps (which run in :func:`~transcription.live.local_engine.live_executor`).
    """
    global _EXECUTOR
    if _EXECUTOR is None:
        with _EXECUTOR_LOCK:
            if _EXECUTOR is None:
                _EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-refine")
    return _EXECUTOR


class TrailingRecognition:
    """The batch engine's speech recognition of a live session, run piece by piece behind the stream.

    Fed the session audio as it arrives (:meth:`write`, on the event loop); :meth:`recognise_ready` (in a
    worker thread, one call at a time) recognises every complete piece; :meth:`recognise_rest` (at the end)
    the rest of the stored session audio, and returns the words of the whole session. Holds the audio not yet
    recognised (16 kHz float32: 7.7 MB per 120 s; the consumer gives up beyond three pieces) besides the words.

    Args:
        language: the session's ISO 639-1 code.
        vocabulary: the clinic terms the session read at its start (batch's hotwords and sound check).
        piece_seconds: the longest piece, seconds (:data:`PIECE_SECONDS`).
    """

    def __init__(self, *, language: str, vocabulary: Sequence[str] = (), piece_seconds: float = PIECE_SECONDS) -> None:
        from transcription.providers.local_whisper import LocalWhisperEngine, WhisperSettings, normalise_language

        self.language = normalise_language(language)
        self.vocabulary = tuple(vocabulary)
        self.piece_seconds = piece_seconds
        self.engine = LocalWhisperEngine(settings=replace(WhisperSettings(), max_chunk_s=piece_seconds))
        self.model_name: str | None = None
        self.words: list = []
        self.failed = False
        self._pending: list[np.ndarray] = []
        self._pending_samples = 0
        self._start = 0  # session sample where the pending audio starts
        self._lock = threading.Lock()  # the pending audio
        self._running = threading.RLock()  # one recognition at a time, in order

    @property
    def pending_seconds(self) -> float:
        """Audio received and not yet recognised, seconds."""
        return self._pending_samples / SAMPLE_RATE

    @property
    def recognised_seconds(self) -> float:
        """Session audio recognised so far by the pieces, seconds."""
        return self._start / SAMPLE_RATE

    @property
    def piece_ready(self) -> bool:
        """True when a complete piece waits (more than ``piece_seconds`` not yet recognised)."""
        return not self.failed and self._pending_samples > (self.piece_seconds + 1.0) * SAMPLE_RATE

    def write(self, samples: np.ndarray) -> None:
        """Add session audio (16 kHz mono float32), in order."""
        if samples.size and not self.failed:
            with self._lock:
                self._pending.append(np.asarray(samples, dtype=np.float32))
                self._pending_samples += samples.size

    def _take(self) -> tuple[int, np.ndarray] | None:
        """Remove the next complete piece from the pending audio: ``(start_sample, samples)``, or None."""
        from transcription.providers.local_whisper import split_at_quiet_points

        with self._lock:
            if not self._pending_samples:
                return None
            buffer = np.concatenate(self._pending)
            pieces = split_at_quiet_points(buffer, self.piece_seconds)
            if len(pieces) < 2:
                return None
            piece = pieces[0][1].copy()
            rest = buffer[piece.size:]
            self._pending, self._pending_samples = ([rest] if rest.size else []), rest.size
            start, self._start = self._start, self._start + piece.size
            return start, piece

    def _recognise(self, start: int, piece: np.ndarray) -> None:
        from transcription.speech.audio import DecodedAudio

        audio = DecodedAudio(samples=piece, sample_rate=SAMPLE_RATE, duration_seconds=piece.size / SAMPLE_RATE,
                             source_format="wav", source_codec="pcm_f32le")
        name, words = self.engine.recognise(audio, language=self.language, vocabulary=self.vocabulary)
        offset = start / SAMPLE_RATE
        self.model_name = name
        self.words += [replace(w, start=w.start + offset, end=w.end + offset) for w in words]

    def recognise_ready(self) -> None:
        """Recognise every complete piece (worker thread; one call at a time). A failure marks the pass
        failed (:attr:`failed`): the session's end then recognises the whole audio instead."""
        with self._running:
            while not self.failed:
                taken = self._take()
                if taken is None:
                    return
                try:
                    self._recognise(*taken)
                except Exception:
                    logger.warning("trailing recognition of a live session failed; the end recognises it all",
                                   exc_info=True)
                    self.stop()

    def stop(self) -> None:
        """Give up: no further piece is recognised (a piece being recognised finishes) and the audio waiting
        is dropped. For a session that ends without a refinement (server shutdown, too long)."""
        self.failed = True
        with self._lock:
            self._pending, self._pending_samples = [], 0

    def recognise_rest(self, samples: np.ndarray) -> list:
        """Recognise the audio left and return the words of the whole session (session time, seconds).

        Args:
            samples: the whole session audio as stored (16 kHz float32); the part after the pieces already
                recognised is recognised from it, not from the audio :meth:`write` gave.
        Raises:
            RuntimeError: the pass failed earlier (:attr:`failed`).
            SpeechProviderError: recognising the rest failed.
        """
        with self._running:  # waits for a piece still being recognised
            self.recognise_ready()
            if self.failed:
                raise RuntimeError("the trailing recognition failed")
            start = self._start
            self.stop()
            if start < samples.size:
                self._recognise(start, np.asarray(samples[start:], dtype=np.float32))
            return list(self.words)


def mark_disagreements(words: Sequence, heard: Sequence) -> list:
    """``words`` (the batch decoding) with every word that the live finals ``heard`` read differently marked
    uncertain: probability capped at :data:`~transcription.speech.vocabulary_check.UNSUPPORTED_CONFIDENCE`.

    Two recognisers that disagree on a word are evidence that it is uncertain even when one of them is
    confident: the batch pipeline read D2N041's "I was having chills" as "I was killed" with probability
    0.92, the live finals as "I was chill", and the note stated "last night they were killed" (issue 15).
    The two word sequences are aligned (difflib, on lower-case words without punctuation); words of a
    *replaced* stretch are marked, words only one of them heard are left as they are (the live finals drop
    words at chunk seams). A number said as a word and written in digits ("four" / "4") is one reading.
    Nothing is removed: the note engine shows a marked word as ``[unclear: word?]`` and never states it as a
    fact.

    Args:
        words: :class:`~transcription.providers.base.Word` of the batch decoding, in order.
        heard: the live finals' words, in order.
    Returns:
        the words, the disagreeing ones with a lower probability.
    """
    from transcription.speech.vocabulary_check import UNSUPPORTED_CONFIDENCE

    from notes.engines.offline.normalise import _NUMBER_WORDS

    def key(text: str) -> str:  # "four" and "4" (and "-4") are one reading, not a disagreement
        token = normalise_token(text)
        return str(_NUMBER_WORDS[token]) if token in _NUMBER_WORDS else token

    out = list(words)
    if not out or not heard:
        return out
    matcher = SequenceMatcher(None, [key(w.text) for w in out], [key(w.text) for w in heard], autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "replace":
            continue
        for i in range(i1, i2):
            p = out[i].probability
            out[i] = replace(out[i], probability=UNSUPPORTED_CONFIDENCE if p is None else min(p, UNSUPPORTED_CONFIDENCE))
    return out


def keep_heard_vocabulary(words: Sequence, heard: Sequence, vocabulary: Sequence[str]) -> list:
    """``words`` (the batch decoding) with the live finals' reading of every stretch where only the live finals
    hold a clinic vocabulary term, that reading marked uncertain.

    On a drug-heavy visit the live finals recognised more drug names than the batch decoding of the same audio
    (``bench/vocabulary.py``: 50 against 41 of 117), and the stored transcript is the batch one. Where the two
    word sequences differ (difflib, as :func:`mark_disagreements` aligns them) and the live side of the
    difference holds a vocabulary term (whole words, case and punctuation ignored; multi-word terms too) that
    the batch side does not, the live words replace the batch words of that stretch. A live final's
    vocabulary word has passed the sound check (:mod:`transcription.speech.vocabulary_check`), but the batch
    decoding, biased by the same vocabulary, heard something else there, so the kept words are capped at
    :data:`~transcription.speech.vocabulary_check.UNSUPPORTED_CONFIDENCE`: the transcript shows the term
    highlighted and a note writes ``[unclear: apixaban?]``, never a fact.

    Args:
        words: :class:`~transcription.providers.base.Word` of the batch decoding, in time order.
        heard: the live finals' words (same time base, seconds into the session), in order.
        vocabulary: the clinic terms the session read at its start.
    Returns:
        the words, with those stretches replaced (speaker None; times from the live words).
    """
    from transcription.speech.vocabulary_check import UNSUPPORTED_CONFIDENCE

    out = list(words)
    terms = {tuple(t) for t in (tuple(normalise_token(x) for x in term.split()) for term in vocabulary) if t and all(t)}
    if not out or not heard or not terms:
        return out
    longest = max(len(t) for t in terms)

    def occurrences(tokens: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        return [(i, i + n, tuple(tokens[i:i + n])) for n in range(1, longest + 1)
                for i in range(len(tokens) - n + 1) if tuple(tokens[i:i + n]) in terms]

    def held(found: list[tuple[int, int, tuple[str, ...]]], a: int, b: int) -> set[tuple[str, ...]]:
        # a term touching the stretch: "insulin glargine" where only "glargine" differs
        return {term for s, e, term in found if s < b and e > a}

    batch_keys = [normalise_token(w.text) for w in out]
    heard_keys = [normalise_token(w.text) for w in heard]
    in_batch, in_heard = occurrences(batch_keys), occurrences(heard_keys)
    matcher = SequenceMatcher(None, batch_keys, heard_keys, autojunk=False)
    merged: list = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and held(in_heard, j1, j2) - held(in_batch, i1, i2):
            for w in heard[j1:j2]:
                p = w.probability
                merged.append(replace(w, speaker=None, probability=UNSUPPORTED_CONFIDENCE if p is None
                                      else min(p, UNSUPPORTED_CONFIDENCE)))
        else:
            merged.extend(out[i1:i2])
    return merged


def speaker_agreement(a: Sequence, b: Sequence) -> float:
    """Share of word time (seconds; words of at least 0.02 s) on which two speaker labellings of the same words
    agree under the best one-to-one mapping of their speakers (Hungarian, scipy).

    Args:
        a, b: the same words in the same order (``start``, ``end``, ``speaker``; None counts as a speaker).
    Returns:
        agreement in [0, 1]; 1.0 for no words.
    Raises:
        ValueError: ``a`` and ``b`` differ in length.
    """
    from scipy.optimize import linear_sum_assignment

    if len(a) != len(b):
        raise ValueError("the labellings must be of the same words")
    if not a:
        return 1.0
    la, lb = sorted({w.speaker for w in a}, key=str), sorted({w.speaker for w in b}, key=str)
    m = np.zeros((len(la), len(lb)))
    for wa, wb in zip(a, b, strict=True):
        m[la.index(wa.speaker), lb.index(wb.speaker)] += max(wa.end - wa.start, 0.02)
    rows, cols = linear_sum_assignment(-m)
    return float(m[rows, cols].sum() / m.sum())


def speakers_from_finals(words: Sequence, finals: Sequence[LiveSegment]) -> list:
    """``words`` (another decoding of the session) with the speakers the live finals gave the same moments.

    Each word takes the speaker of the live final word whose time span holds its midpoint, else of the live
    final word nearest to it; speakers are renumbered by first appearance (the first voice is 0).

    Args:
        words: :class:`~transcription.providers.base.Word`, in time order (seconds into the session).
        finals: the live finals, with their words and speakers.
    Returns:
        the words with ``speaker`` set; unchanged when the finals hold no words.
    """
    spans = sorted((w.start, w.end, f.speaker or 0) for f in finals for w in f.words)
    if not spans:
        return list(words)
    starts = [a for a, _, _ in spans]
    out, numbers = [], {}
    for w in words:
        mid = (w.start + w.end) / 2
        i = bisect_right(starts, mid)  # spans[:i] start at or before the midpoint
        near = [j for j in (i - 1, i) if 0 <= j < len(spans)]
        holding = [j for j in near if spans[j][0] <= mid <= spans[j][1]]
        j = holding[0] if holding else min(near, key=lambda j: abs((spans[j][0] + spans[j][1]) / 2 - mid))
        out.append(replace(w, speaker=numbers.setdefault(spans[j][2], len(numbers))))
    return out


def refine_finals(samples: np.ndarray, *, language: str, num_speakers: int | None = None,
                  vocabulary: Sequence[str] = (), heard: Sequence[LiveSegment] = (),
                  trailing: TrailingRecognition | None = None, live_speakers: bool = False,
                  keep_vocabulary: bool = True) -> list[LiveSegment]:
    """Transcribe a finished session's audio with the batch offline engine.

    Args:
        samples: the session's audio, 16 kHz mono float32.
        language: the session's ISO 639-1 code.
        num_speakers: the session's expected speakers, or None to estimate (1-4).
        vocabulary: the clinic terms the session read at its start.
        heard: the finals sent during the session: batch words they read differently are marked uncertain
            (:func:`mark_disagreements`), and where only they hold a vocabulary term their words are kept,
            marked uncertain (:func:`keep_heard_vocabulary`).
        trailing: the session's :class:`TrailingRecognition`, fed all of ``samples``: only the audio it has
            not recognised yet is recognised here (the whole audio when it is None).
        live_speakers: the words take the live finals' speakers (:func:`speakers_from_finals`) instead of the
            batch diarization's where the two agree on at least :data:`LIVE_SPEAKERS_MIN_AGREEMENT` of the word
            time (:func:`speaker_agreement`); the batch diarization is run either way.
        keep_vocabulary: apply :func:`keep_heard_vocabulary` (False: the batch words only, for comparison).
    Returns:
        one final per batch utterance (speaker, times in seconds into the session, words with their
        probabilities); empty when the batch pipeline heard no speech.
    Raises:
        transcription.providers.base.SpeechProviderError: the batch engine failed.
        RuntimeError: ``trailing`` failed or was stopped.
    """
    from transcription.providers.local_whisper import LocalWhisperEngine
    from transcription.speech.audio import DecodedAudio

    samples = np.asarray(samples, dtype=np.float32)
    audio = DecodedAudio(samples=samples, sample_rate=SAMPLE_RATE, duration_seconds=samples.size / SAMPLE_RATE,
                         source_format="wav", source_codec="pcm_f32le")
    from transcription.providers.base import build_utterances

    engine = LocalWhisperEngine()
    if trailing is not None:
        words, name = trailing.recognise_rest(samples), trailing.model_name or ""
    else:
        name, words = engine.recognise(audio, language=language, vocabulary=vocabulary)
    heard_words = [w for f in heard for w in f.words]
    if keep_vocabulary:
        words = keep_heard_vocabulary(words, heard_words, vocabulary)
    batch = engine.result_from_words(audio, words, language=language, model_name=name, num_speakers=num_speakers)
    found = batch.utterances
    if live_speakers and any(f.words for f in heard):
        live = speakers_from_finals(words, heard)
        agreement = speaker_agreement(live, batch.words)
        if agreement >= LIVE_SPEAKERS_MIN_AGREEMENT or batch.num_speakers < 2:
            # the batch diarization hearing one voice where the live tracker heard two is its own known
            # weakness (clips under ~15 s), not the tracker's
            found = build_utterances(live, max_pause=engine.max_pause)
        else:
            logger.info("live speakers replaced by the batch diarization", extra={"agreement": round(agreement, 3)})
    utterances = [u for u in found if u.text.strip()]
    marked = iter(mark_disagreements([w for u in utterances for w in u.words], heard_words))
    return [LiveSegment(text=u.text, speaker=u.speaker, start=u.start, end=u.end, is_final=True,
                        words=tuple(next(marked) for _ in u.words)) for u in utterances]
