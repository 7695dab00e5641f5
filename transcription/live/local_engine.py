"""Offline live engine: streaming faster-whisper with voice-activity gating and LocalAgreement-2.

How one session is transcribed (:class:`OnlineTranscriber`, called every ``step_seconds`` of new
audio, in a worker thread):

1. **Rolling buffer.** New audio is appended to a buffer that keeps the committed speech before it as
   left context (a simulated stream of D2N006 gave 24% WER this way, 36% when the buffer was cut at
   every pause after a commit). It is cut after
   a pause of ``reset_silence_seconds`` in the conversation, and when it outgrows
   ``max_buffer_seconds`` (at the last pause before the last committed word).
2. **Voice-activity gating.** Silero VAD (faster-whisper's ``get_speech_timestamps``) runs on the
   buffer. Without speech after the last committed word, Whisper is not run at all: no text can be
   invented on silence, and silent stretches cost almost no CPU. Long silence yields a warning.
3. **Recognition.** :meth:`LocalWhisperEngine.recognise` transcribes the whole buffer (word timings; the
   step decodes encode only the buffer's audio, at least 10 s, instead of a padded 30 s window),
   with the clinic's vocabulary (read once at session start) as Whisper ``hotwords``: its first ~17 terms
   in the 0.5 s step decodes, batch's selection (~40 drug names) in the end-of-turn decodes (a longer
   prompt doubles the cost of a step; see ``LocalLiveConfig.step_hotword_tokens``).
4. **Stable-prefix commits.** :class:`~.agreement.HypothesisBuffer` finds the words two consecutive
   hypotheses agree on (LocalAgreement-2); the rest is the partial. With end-of-turn decoding (the
   default) the agreed words only say *when* to commit: at the end of a turn, and in chunks of a long
   turn, the buffer is decoded again with a wider beam (``LocalLiveConfig.final_whisper``) and those words become final.
5. **Speakers.** Each VAD speech turn is labelled when its first words become final, by
   :class:`~.speakers.OnlineSpeakerTracker` (voice embedding, nearest running centroid); then the words
   of each final get the batch speaker model's labels over all speech heard so far where it is sure
   (:meth:`~.speakers.OnlineSpeakerTracker.label_words`), so a turn that holds two voices without a pause
   between them is split; a final's speaker is never revised.

:class:`LocalLiveEngine` wraps it in the asynchronous :class:`~.base.LiveEngine` interface. Work runs
in a process-wide thread pool (``MEDSYNC_LIVE_WORKERS`` threads), so sessions queue fairly for the
CPU and the event loop never blocks. A session's end-of-turn decoding runs in that pool beside its next
steps (``LocalLiveConfig.final_off_step``; the shared Whisper model runs that many decodes at once), so
partials keep coming while a turn's finals are decoded: on D2N006 through Daphne (one session, 2-core
Intel machine, beam-2 finals) partial latency median / p95 0.46 / 2.05 s -> 0.36 / 1.18 s; two sessions
0.87 / 3.08 s -> 0.44 / 1.85 s. With the beam-5 finals this made affordable: 0.43 / 1.34 s and 0.73 / 2.37 s.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np

from transcription.live.agreement import HypothesisBuffer
from transcription.live.base import (
    END_OF_EVENTS,
    SAMPLE_RATE,
    LiveEngineError,
    LiveEvent,
    LiveNotice,
    LiveSegment,
    UnsupportedLanguage,
    iterate_events,
)
from transcription.live.speakers import OnlineSpeakerTracker, SpeakerConfig
from transcription.providers.base import SpeechProviderError, Word
from transcription.providers.local_whisper import WhisperSettings, too_fast_to_be_spoken

__all__ = ["FinalDecoding", "LocalLiveConfig", "LocalLiveEngine", "OnlineTranscriber", "WhisperRecogniser",
           "drop_prompt_echo", "live_executor", "online_transcriber", "stream_samples"]

logger = logging.getLogger(__name__)

#: Silero VAD works on windows of 512 samples at 16 kHz; the buffer is only ever cut at multiples of
#: it (counted from the start of the stream) so every window sees the same samples at every step.
VAD_WINDOW = 512


@dataclass(frozen=True)
class LocalLiveConfig:
    """Tunable numbers of the offline live engine (measured with ``bench/live.py``).

    Attributes:
        step_seconds: new audio needed before Whisper runs again (0.5 s: one run of tiny.en on a
            buffer of up to 15 s takes ~0.45-0.65 s on the 2-core target, so steps run back to back).
        max_buffer_seconds: the buffer is cut at the last committed word beyond this length.
        force_commit_after_seconds: when the buffer is full and nothing is agreed, pending words that
            ended this long before the newest audio are committed anyway (Whisper will not see them again).
        silence_keep_seconds: audio kept at the end of a silent buffer, so a word starting now is whole.
        vad_threshold, vad_min_silence_ms, vad_speech_pad_ms: Silero VAD options; 250 ms of silence
            ends a speech turn (the visit fixtures have 350 ms between turns).
        no_speech_warning_seconds: warn after this long without speech (repeated every as long).
        max_pause_seconds: a longer silence between two final words of one speaker starts a new segment.
        whisper: decoding settings; greedy (beam 1) for live, ~20% faster per step than beam 2; no
            temperature fallback (a step must stay within its 0.5 s budget: with Whisper's six fallback
            temperatures a poorly recognised buffer cost up to six decodes per step, and sampled
            hypotheses never agree with each other, so nothing got committed); no gap filling (each step
            re-reads the whole buffer, so a skipped word comes back next step); the encoder sees only the
            buffer plus 1 s, at least 10 s (``audio_context_seconds``), not Whisper's padded 30 s window:
            median partial latency 1.08 -> 0.51 s on D2N006 (one session, idle 2-core machine), finals'
            WER 21.6 -> 21.7 % on three visits, CPU per audio second 1.17 -> 1.03 (``bench/live.py``).
        whisper_threads: CTranslate2 threads per step (None: every CPU). On the 2-core target a step of
            tiny.en took 0.43 s with 1 thread (0.53 CPU-s) against 0.41 s with 2 (0.65 CPU-s): 1 thread
            leaves the other core to the rest of the work.
        whisper_workers: decodes the process's shared model runs at the same time (CTranslate2
            ``inter_threads``, :func:`~transcription.providers.local_whisper.get_whisper_model`): the
            end-of-turn decoding of a session runs beside its steps, and sessions beside each other.
            ``MEDSYNC_LIVE_WORKERS`` in a server.
        final_off_step: with ``final_redecode``, the end-of-turn decoding runs beside the steps
            (:meth:`OnlineTranscriber.take_final_decoding`) instead of inside the step that found the turn's
            end, so partials keep coming while it runs. Used by :class:`LocalLiveEngine`; the synchronous
            :func:`stream_samples` always decodes inside the step.
        speakers: see :class:`~.speakers.SpeakerConfig`.
        final_redecode: at the end of each turn (a pause closes a speech region) the buffer up to the
            pause is decoded once more with :attr:`final_whisper` and those words become the finals of the
            turn, instead of the greedy step hypotheses (issue 15: live finals as good as batch). Default
            on; ``MEDSYNC_LIVE_FINAL_REDECODE=0`` turns it off (for before/after measurements).
        final_hold_seconds: with ``final_redecode``, words two step hypotheses agree on become final only
            once they end this long before the newest audio, so the words of most turns wait for the
            end-of-turn decoding (partials are shown meanwhile). 2 s: with the finals of a long turn taken
            from :attr:`final_chunk_seconds` chunks, 2 s and 4 s gave the same WER on 13 visits (20.2 %
            both), and 2 s brings finals ~0.7 s sooner (D2N006 through Daphne: median 3.52 vs 4.19 s).
        final_chunk_seconds: with ``final_redecode``, the held words of a turn still being spoken (a long
            monologue) are committed once they span this long, from a decoding of the whole buffer with
            :attr:`final_whisper` (not the step words): at most one extra decoding per 2 s of such speech.
            Committing the agreed step words there instead (before 2026-11-30) gave 21.3 % WER on ten
            held-out synthetic visits (``bench/heldout_visits.py``), chunks 20.1 %, batch 18.6 %.
        final_prompt_words: with ``final_redecode``, the last this many final words said before the buffer
            are given to the end-of-turn pass as Whisper's previous text (``initial_prompt``); 0: none.
        step_hotword_tokens: the clinic vocabulary in the step decodes (partials) is cut to this many
            Whisper tokens (96: ~17 drug names); the end-of-turn decodes (finals) get batch's selection and
            budget (223 tokens). Measured with tiny.en on 10 s buffers of D2N006 (CPU-seconds per decode,
            1 thread, loaded machine): step without vocabulary 1.18, 96 tokens 1.01, 160 tokens 2.08,
            223 tokens 2.41; a step must stay within its 0.5 s of audio on 2 cores.
        vocabulary_final_temperatures: the end-of-turn pass's temperatures when the clinic has a vocabulary.
            With a full hotword prompt, Whisper's log-probability check fails on most buffers and the
            fallback decodes them up to three times: 6.2 CPU-s per 10 s buffer with (0.0, 0.2, 0.4),
            2.4 with (0.0,), 1.4 without vocabulary (same measurement).
        final_whisper: decoding settings of the end-of-turn pass: beam 5 with temperature fallback limited
            to 0.0/0.2/0.4 (at most three decodes of a <= 15 s buffer). Beam 5 since the decoding runs beside
            the steps (2026-12-01): finals' WER with the server's timing, beam 2 -> 5, on D2N041/D2N018/D2N006
            19.7 -> 18.3 % and on the ten held-out visits of ``bench/heldout_visits.py`` 20.0 -> 18.7 %
            (``bench/live.py --offline-wer``); CPU per audio second through Daphne 1.23 -> 1.39 (one session).
"""

    step_seconds: float = 0.5
    max_buffer_seconds: float = 15.0
    force_commit_after_seconds: float = 4.0
    silence_keep_seconds: float = 0.5
    reset_silence_seconds: float = 1.0
    pause_commit: bool = True
    vad_threshold: float = 0.5
    vad_min_silence_ms: int = 250
    vad_speech_pad_ms: int = 100
    no_speech_warning_seconds: float = 30.0
    max_pause_seconds: float = 1.5
    whisper: WhisperSettings = field(default_factory=lambda: WhisperSettings(
        beam_size=1, temperatures=(0.0,), gap_fill=False, audio_context_seconds=10.0))
    whisper_threads: int | None = None
    whisper_workers: int = 2
    final_off_step: bool = True
    speakers: SpeakerConfig = field(default_factory=SpeakerConfig)
    final_redecode: bool = field(default_factory=lambda: os.environ.get("MEDSYNC_LIVE_FINAL_REDECODE", "1") != "0")
    final_hold_seconds: float = 2.0
    final_chunk_seconds: float = 2.0
    final_prompt_words: int = 0
    step_hotword_tokens: int = 96
    vocabulary_final_temperatures: tuple[float, ...] = (0.0,)
    final_whisper: WhisperSettings = field(default_factory=lambda: WhisperSettings(
        beam_size=5, temperatures=(0.0, 0.2, 0.4), gap_fill=False))


Recogniser = Callable[[np.ndarray], list[Word]]
SpeechDetector = Callable[[np.ndarray], list[tuple[int, int]]]


def silero_speech_regions(config: LocalLiveConfig) -> SpeechDetector:
    """``samples -> [(start_sample, end_sample), ...]`` with faster-whisper's Silero VAD."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(threshold=config.vad_threshold, min_silence_duration_ms=config.vad_min_silence_ms,
                         speech_pad_ms=config.vad_speech_pad_ms)

    def detect(samples: np.ndarray) -> list[tuple[int, int]]:
        if samples.size < VAD_WINDOW:
            return []
        return [(int(c["start"]), int(c["end"])) for c in get_speech_timestamps(samples, options)]

    return detect


@dataclass(frozen=True, eq=False)
class FinalDecoding:
    """An end-of-turn decoding a step prepared (:meth:`OnlineTranscriber.take_final_decoding`): the audio to
    decode and which words it must account for. It holds copies only, so it can run in another thread.

    Attributes:
        audio: 16 kHz float32 samples, the session buffer up to the end of the turn (or the whole buffer).
        audio_start: session seconds of ``audio[0]``.
        turn_start: sample of ``audio`` where the speech turn of the first words to commit starts (0: at
            the start or unknown); the retry decodes from there.
        cutoff: session seconds; the decoding's words whose middle lies before it are committed.
        since: session seconds; words starting before it were committed already.
        expected_words: the step hypothesis's words ending by ``cutoff`` (what the decoding replaces).
        prompt: the text said before the buffer (Whisper ``initial_prompt``), or None.
        regions: the step's speech regions, stream samples (for the speakers of the committed words).
    """

    audio: np.ndarray
    audio_start: float
    turn_start: int
    cutoff: float
    since: float
    expected_words: int
    prompt: str | None
    regions: tuple[tuple[int, int], ...]

    def enough(self, words: Sequence[Word]) -> bool:
        """True when ``words`` hold at least half as many words in (``since``, ``cutoff``] as expected."""
        candidates = [w for w in words if w.start > self.since and (w.start + w.end) / 2 <= self.cutoff]
        return len(candidates) >= 0.5 * self.expected_words


class OnlineTranscriber:
    """The streaming algorithm of one session (see the module docstring). Not thread-safe: calls to
    :meth:`process` must not overlap (the async engine runs them one after another)."""

    #: seconds a speech region must reach past the last committed word (beyond the VAD padding) to
    #: hold words still to be committed: Whisper's word ends can be ~0.2 s early.
    COMMIT_MARGIN = 0.3
    #: seconds a word may run past the end of its (already padded) speech region and still count as
    #: inside it
    PAUSE_SLACK = 0.1
    #: a step given more than this many steps of new audio is behind real time: no end-of-turn decoding
    KEEPING_UP_STEPS = 3

    def __init__(self, *, recognise: Recogniser, detect_speech: SpeechDetector,
                 speakers: OnlineSpeakerTracker, config: LocalLiveConfig | None = None,
                 time_offset: float = 0.0, recognise_final: Recogniser | None = None,
                 defer_final_decoding: bool = False) -> None:
        """
        Args:
            recognise: 16 kHz float32 samples -> words with times relative to the samples.
            recognise_final: the same with the end-of-turn settings (``config.final_redecode``); None
                turns the end-of-turn decoding off.
            detect_speech: 16 kHz float32 samples -> speech regions as sample ranges.
            speakers: the session's speaker tracker.
            config: :class:`LocalLiveConfig`.
            time_offset: seconds added to every time (audio before this engine started).
            defer_final_decoding: the end-of-turn decodings are not run inside :meth:`process` but handed out
                by :meth:`take_final_decoding` (the caller runs :meth:`decode_final` beside the next steps and
                gives its words to :meth:`apply_final_decoding`).
        """
        self.config = config or LocalLiveConfig()
        self._recognise = recognise
        self._recognise_final = recognise_final if self.config.final_redecode else None
        self._detect_speech = detect_speech
        self._speakers = speakers
        self._offset = time_offset
        self._buffer = np.zeros(0, dtype=np.float32)
        self._buffer_start = 0  # stream sample index of self._buffer[0]
        self._hypothesis = HypothesisBuffer()
        self._last_speech_end = 0  # stream sample index
        self._silence_warned = 0  # stream sample index of the last no-speech warning
        self._turn_speakers: dict[int, int] = {}  # speech turn start (stream sample) -> speaker
        self._partial_speakers: dict[int, int | None] = {}
        self._last_final: Word | None = None
        self._recent_finals: deque[Word] = deque(maxlen=max(self.config.final_prompt_words, 1))
        self._last_speaker: int | None = None
        self._partial_shown = False
        self._defer_final = defer_final_decoding
        self._ready: FinalDecoding | None = None  # prepared by a step, not yet taken
        self._running: FinalDecoding | None = None  # taken, its words not yet applied

    @property
    def recogniser(self) -> Recogniser:
        """The step recogniser (partials and agreed finals)."""
        return self._recognise

    @property
    def final_recogniser(self) -> Recogniser | None:
        """The end-of-turn recogniser, or None when end-of-turn decoding is off."""
        return self._recognise_final

    # -- time helpers -----------------------------------------------------------------------------
    @property
    def received_samples(self) -> int:
        return self._buffer_start + self._buffer.size

    def _t(self, sample: int) -> float:
        return sample / SAMPLE_RATE

    def _sample(self, seconds: float) -> int:
        return round(seconds * SAMPLE_RATE)

    def _cut(self, sample: int) -> None:
        """Drop buffered audio before stream sample ``sample`` (rounded down to a VAD window)."""
        sample = (sample // VAD_WINDOW) * VAD_WINDOW
        drop = sample - self._buffer_start
        if drop <= 0:
            return
        self._buffer = self._buffer[drop:].copy()
        self._buffer_start = sample
        self._turn_speakers = {k: v for k, v in self._turn_speakers.items() if k >= sample - 30 * SAMPLE_RATE}
        self._partial_speakers.clear()

    # -- the step -----------------------------------------------------------------------------------
    def process(self, samples: np.ndarray, *, final: bool = False) -> list[LiveEvent]:
        """Add ``samples`` (16 kHz float32) and return the events they produce.

        With ``final`` the stream ends: every word heard is committed (an end-of-turn decoding prepared and
        not taken runs first; one taken must have been applied). Raises
        :class:`~transcription.providers.base.SpeechProviderError` when recognition fails.
        """
        events: list[LiveEvent] = []
        if final and self._ready is not None:
            events += self.apply_final_decoding(self.decode_final(self.take_final_decoding()))
        if final and self._running is not None:
            raise RuntimeError("the running end-of-turn decoding must be applied before the stream ends")
        if samples.size:
            self._buffer = np.concatenate([self._buffer, np.asarray(samples, dtype=np.float32)])
        end = self.received_samples
        regions = [(s + self._buffer_start, e + self._buffer_start) for s, e in self._detect_speech(self._buffer)]
        if regions:
            self._last_speech_end = max(self._last_speech_end, regions[-1][1])
        notice = self._silence_notice(end)
        if notice:
            events.append(notice)

        if not self._speech_after_commit(regions):
            # Nothing new to recognise: Whisper does not run. Words still unconfirmed lie before this
            # silence, so they are complete: commit them.
            flush = (final or self._hypothesis.pending) and not self.final_decoding_outstanding
            committed = self._hypothesis.flush() if flush else []
            events += self._finals(committed, regions)
            events += self._partial()
            self._cut(self._cut_point(regions, end))
            return events

        # The end-of-turn decoding only while the session keeps up with real time: a step that receives
        # much more than one step of audio means the engine is behind (CPU shared by many sessions, or a
        # client sending faster than real time), and the extra decoding would only make it later.
        redecode = (self._recognise_final is not None
                    and samples.size <= self.KEEPING_UP_STEPS * self._sample(self.config.step_seconds))
        if final and redecode:
            words = self._decode_final(self._buffer)
        else:
            words = self._shift(self._recognise(self._buffer))
        if final:
            committed = self._hypothesis.flush(words)
        elif self.final_decoding_outstanding:
            # The end-of-turn decoding's words are committed when it returns; until then these are partials.
            self._hypothesis.replace_pending(words)
            committed = []
        elif redecode:
            committed = self._commit_redecoding(words, regions, end)
        else:
            committed = self._hypothesis.insert(words, commit_until=self._young_turn_start(regions, end))
            # A turn followed by a pause is complete: more audio cannot change its words, so they are
            # final now rather than one step later.
            closed = [e for s, e in regions if e < end - VAD_WINDOW]
            if closed and self.config.pause_commit:
                committed += self._hypothesis.commit_before(self._t(closed[-1]) + self._offset + self.PAUSE_SLACK)
            if self._buffer.size > self._sample(self.config.max_buffer_seconds):
                horizon = self._t(end) + self._offset - self.config.force_commit_after_seconds
                committed += self._hypothesis.commit_before(horizon)
        events += self._finals(committed, regions)
        events += self._partial(regions)
        self._cut(self._cut_point(regions, end))
        return events

    def _young_turn_start(self, regions: list[tuple[int, int]], end: int) -> float | None:
        """Start (session seconds) of a speech turn still being spoken that is too short to tell its
        speaker (under ``min_new_speaker_seconds`` and not yet labelled), else None: its words stay
        partial until it is long enough, because a final's speaker can never be revised."""
        if not regions:
            return None
        start, stop = regions[-1]
        if stop < end - VAD_WINDOW or start in self._turn_speakers or self._continues_previous((start, stop)):
            return None
        if stop - start >= self._sample(self._speakers.config.min_new_speaker_seconds):
            return None
        return self._t(start) + self._offset

    def _commit_redecoding(self, words: list[Word], regions: list[tuple[int, int]], end: int) -> list[Word]:
        """The commits of a step with end-of-turn decoding on: every final comes from a decoding with
        ``final_whisper``, the step hypotheses ``words`` only decide when (at most one such decoding per step).

        * A turn followed by a pause is complete: the buffer up to the pause is decoded again and its words
          become the turn's finals (more audio cannot change them).
        * In a turn still being spoken, words the step hypotheses agree on and that ended
          ``final_hold_seconds`` ago are committed in chunks of at least ``final_chunk_seconds`` from a
          decoding of the whole buffer (the words after them are its right context).
        * When the buffer is full, everything ending ``force_commit_after_seconds`` ago is committed so.

        If the second decoding returns clearly fewer words than the step hypotheses hold for the same
        time (it skipped speech), the step words are committed instead: nothing heard is lost.
        """
        closed = [e for s, e in regions if e < end - VAD_WINDOW]
        hold = self._t(end) + self._offset - self.config.final_hold_seconds
        young = self._young_turn_start(regions, end)
        if young is not None:
            hold = min(hold, young)
        agreed = self._hypothesis.agreed(words, commit_until=hold)
        self._hypothesis.replace_pending(words)
        if closed and self.config.pause_commit:
            turn_end = closed[-1]
            cutoff = self._t(turn_end) + self._offset + self.PAUSE_SLACK
            stop = min(self._buffer.size, turn_end - self._buffer_start + self._sample(self.PAUSE_SLACK))
            if any(w.end <= cutoff for w in self._hypothesis.pending):
                return self._commit_redecoded(stop, cutoff, regions)
        cutoff = None
        if agreed and agreed[-1].end - agreed[0].start >= self.config.final_chunk_seconds:
            cutoff = agreed[-1].end
        if self._buffer.size > self._sample(self.config.max_buffer_seconds):
            horizon = self._t(end) + self._offset - self.config.force_commit_after_seconds
            cutoff = horizon if cutoff is None else max(cutoff, horizon)
        if cutoff is None or not any(w.end <= cutoff for w in self._hypothesis.pending):
            return []
        return self._commit_redecoded(self._buffer.size, cutoff, regions)

    def _commit_redecoded(self, stop: int, cutoff: float, regions: list[tuple[int, int]]) -> list[Word]:
        """Decode the buffer up to sample ``stop`` (of the buffer) with the end-of-turn settings and commit
        its words whose middle lies before ``cutoff`` (session seconds) instead of the pending ones ending by
        then (:meth:`decode_final`). With ``defer_final_decoding`` the decoding is only prepared here
        (:meth:`take_final_decoding`) and nothing is committed until :meth:`apply_final_decoding`."""
        ending = [w for w in self._hypothesis.pending if w.end <= cutoff]
        turn = self._turn_of(ending[0], regions) if ending else None
        turn_start = (turn[0] - self._buffer_start) // VAD_WINDOW * VAD_WINDOW if turn else 0
        job = FinalDecoding(audio=self._buffer[:stop].copy(), audio_start=self._t(self._buffer_start) + self._offset,
                            turn_start=max(turn_start, 0), cutoff=cutoff,
                            since=self._hypothesis.committed_until - HypothesisBuffer.OLD_WORD_SLACK,
                            expected_words=len(ending), prompt=self._previous_text(), regions=tuple(regions))
        if self._defer_final:
            self._ready = job
            return []
        return self._commit_final(job, self.decode_final(job))

    def take_final_decoding(self) -> FinalDecoding | None:
        """The end-of-turn decoding the last :meth:`process` prepared, to run with :meth:`decode_final` in
        another thread (``defer_final_decoding``), or None. Until its words are given to
        :meth:`apply_final_decoding`, steps commit nothing (their words stay partial) and prepare no other."""
        job, self._ready = self._ready, None
        if job is not None:
            self._running = job
        return job

    @property
    def final_decoding_outstanding(self) -> bool:
        """True while an end-of-turn decoding is prepared or running and not yet applied."""
        return self._ready is not None or self._running is not None

    def decode_final(self, job: FinalDecoding) -> list[Word] | None:
        """Run the end-of-turn decoding ``job``: its words in session time, or None when it skipped speech.

        Thread-safe: reads only ``job`` and the recogniser, so it may run while :meth:`process` handles the
        next steps. A decoding with fewer than half as many words as the pending ones skipped speech. Whisper
        does that to the second of two turns in one buffer (a synthetic visit's answer "Well, like last night
        I iced it..." was decoded as nothing after the question before it), so the audio from the start of
        the pending words' speech turn is decoded alone once more; if that too falls short, None: the
        pending words are committed as they are (nothing heard is lost).

        Raises:
            SpeechProviderError: recognition failed.
        """
        words = self._decode_audio(job.audio, job.audio_start, job.prompt)
        if not job.enough(words) and job.expected_words and 0 < job.turn_start < job.audio.size:
            words = self._decode_audio(job.audio[job.turn_start:], job.audio_start + self._t(job.turn_start),
                                       job.prompt)
        return words if job.enough(words) else None

    def apply_final_decoding(self, words: list[Word] | None) -> list[LiveEvent]:
        """Commit the words of the running end-of-turn decoding (:meth:`decode_final`'s result) and return
        the events they make. Must not overlap :meth:`process`."""
        job, self._running = self._running, None
        if job is None:
            return []
        regions = list(job.regions)
        return self._finals(self._commit_final(job, words), regions) + self._partial(regions)

    def _commit_final(self, job: FinalDecoding, words: list[Word] | None) -> list[Word]:
        if words is None:
            return self._hypothesis.commit_before(job.cutoff)
        return self._hypothesis.commit_redecoded(words, job.cutoff)

    def _decode_final(self, audio: np.ndarray) -> list[Word]:
        """The end-of-turn decoding of ``audio`` (the buffer from its start), in session time."""
        return self._decode_audio(audio, self._t(self._buffer_start) + self._offset, self._previous_text())

    def _decode_audio(self, audio: np.ndarray, start: float, prompt: str | None) -> list[Word]:
        """Words of ``audio`` (beginning at session second ``start``) from the end-of-turn recogniser."""
        assert self._recognise_final is not None
        words = self._recognise_final(audio, prompt=prompt) if prompt else self._recognise_final(audio)
        return _shifted(words, start)

    def _previous_text(self) -> str | None:
        """The final words said before the buffer (``final_prompt_words`` of them), or None."""
        if self.config.final_prompt_words <= 0:
            return None
        start = self._t(self._buffer_start) + self._offset
        text = " ".join(w.text.strip() for w in self._recent_finals if w.end <= start and w.text.strip())
        return text or None

    def _shift(self, words: Sequence[Word]) -> list[Word]:
        """Words timed from the buffer start -> session time."""
        return _shifted(words, self._t(self._buffer_start) + self._offset)

    def _pending_start(self, end: int) -> int:
        pending = self._hypothesis.pending
        return self._sample(pending[0].start - self._offset) - VAD_WINDOW if pending else end

    def _speech_after_commit(self, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Speech regions reaching past the last committed word. Regions are padded and Whisper's word
        ends are approximate, so a region must extend ``COMMIT_MARGIN`` seconds beyond it to count."""
        committed = self._sample(self._hypothesis.committed_until - self._offset)
        margin = self._sample(self.config.vad_speech_pad_ms / 1000 + self.COMMIT_MARGIN)
        return [(s, e) for s, e in regions if e > committed + margin]

    def _cut_point(self, regions: list[tuple[int, int]], end: int) -> int:
        """Where the buffer may start next; never after an unconfirmed word.

        * After ``reset_silence_seconds`` without speech past the last commit: everything but the last
          ``silence_keep_seconds`` (a pause in the conversation; the next turn starts afresh).
        * When the buffer is longer than ``max_buffer_seconds``: at the last pause before the last
          committed word, or at that word when it has no pause before it.
        * Otherwise nothing: committed speech stays as left context, which Whisper needs for accuracy.
        """
        committed = self._sample(self._hypothesis.committed_until - self._offset)
        if not self._speech_after_commit(regions):
            last_speech = max([e for _, e in regions], default=self._buffer_start)
            if end - last_speech >= self._sample(self.config.reset_silence_seconds) or not regions:
                return min(end - self._sample(self.config.silence_keep_seconds), self._pending_start(end))
            return self._buffer_start
        if self._buffer.size <= self._sample(self.config.max_buffer_seconds):
            return self._buffer_start
        pauses = [s for s, _ in regions[1:] if s <= committed]
        cut = pauses[-1] - VAD_WINDOW if pauses and pauses[-1] - VAD_WINDOW > self._buffer_start else committed
        # Hard cap: audio that produced no words for that long (e.g. noise taken for speech) goes.
        cut = max(cut, end - self._sample(self.config.max_buffer_seconds))
        return min(cut, self._pending_start(end))

    def _silence_notice(self, end: int) -> LiveNotice | None:
        limit = self._sample(self.config.no_speech_warning_seconds)
        since = max(self._last_speech_end, self._silence_warned)
        if limit <= 0 or end - since < limit:
            return None
        self._silence_warned = end
        seconds = round(self._t(end - self._last_speech_end))
        return LiveNotice("no_speech", f"No speech detected for {seconds} s; check that the microphone is on.")

    # -- speakers -----------------------------------------------------------------------------------
    def _turn_of(self, word: Word, regions: list[tuple[int, int]]) -> tuple[int, int] | None:
        mid = self._sample((word.start + word.end) / 2 - self._offset)
        best = None
        for s, e in regions:
            if s <= mid < e:
                return (s, e)
            distance = min(abs(mid - s), abs(mid - e))
            if best is None or distance < best[0]:
                best = (distance, (s, e))
        return best[1] if best and best[0] < self._sample(0.3) else None

    def _continues_previous(self, turn: tuple[int, int]) -> bool:
        """True when the previous final word belongs to ``turn`` (no pause between them)."""
        if self._last_final is None:
            return False
        prev_mid = self._sample((self._last_final.start + self._last_final.end) / 2 - self._offset)
        prev_end = self._sample(self._last_final.end - self._offset)
        if turn[0] <= prev_mid < turn[1]:
            return True
        # A turn cut by a full buffer starts at the buffer start in the new VAD output.
        return turn[0] == self._buffer_start and prev_end >= self._buffer_start - self._sample(0.3)

    def _turn_audio(self, turn: tuple[int, int]) -> np.ndarray:
        s = max(turn[0] - self._buffer_start, 0)
        e = max(min(turn[1] - self._buffer_start, self._buffer.size), s)
        return self._buffer[s:e]

    def _turn_start_seconds(self, turn: tuple[int, int]) -> float:
        """Session time (seconds) of the first sample :meth:`_turn_audio` returns for ``turn``."""
        return self._t(max(turn[0], self._buffer_start)) + self._offset

    def _speaker_for_final(self, word: Word, regions: list[tuple[int, int]]) -> int:
        """The speaker of a final word: its speech turn's label, decided at the turn's first final (turns
        too short to tell a voice are held back until they are not, :meth:`_young_turn_start`)."""
        turn = self._turn_of(word, regions)
        if turn is None:
            return self._last_speaker if self._last_speaker is not None else 0
        if turn[0] in self._turn_speakers:
            return self._turn_speakers[turn[0]]
        if self._continues_previous(turn) and self._last_speaker is not None:
            speaker = self._last_speaker
        else:
            speaker = self._speakers.assign(self._turn_audio(turn), start=self._turn_start_seconds(turn))
            if speaker is None:
                speaker = self._last_speaker if self._last_speaker is not None else 0
        self._turn_speakers[turn[0]] = speaker
        return speaker

    def _speaker_for_partial(self, word: Word, regions: list[tuple[int, int]]) -> int | None:
        turn = self._turn_of(word, regions)
        if turn is None:
            return self._last_speaker
        if turn[0] in self._turn_speakers:
            return self._turn_speakers[turn[0]]
        if self._continues_previous(turn):
            return self._last_speaker
        if turn[0] not in self._partial_speakers:
            self._partial_speakers[turn[0]] = self._speakers.classify(self._turn_audio(turn))
        return self._partial_speakers[turn[0]]

    # -- events -------------------------------------------------------------------------------------
    def _finals(self, words: list[Word], regions: list[tuple[int, int]]) -> list[LiveEvent]:
        """Final segments of newly committed ``words``, monotonic and non-overlapping by construction.

        Whisper's word times differ slightly between runs and CPUs (a word re-read with more context can
        start 50 ms before the previous final ended), and a final is never revised, so each word is
        clamped to start no earlier than the previous final word's end.
        """
        segments: list[LiveEvent] = []
        run: list[Word] = []
        run_speaker: int | None = None
        clamped: list[Word] = []
        per_turn: list[int] = []
        for word in words:
            floor = self._last_final.end if self._last_final is not None else self._offset
            if word.start < floor or word.end < max(word.start, floor):
                start = max(word.start, floor)
                word = replace(word, start=start, end=max(word.end, start))
            per_turn.append(self._speaker_for_final(word, regions))
            clamped.append(word)
            self._last_final, self._last_speaker = word, per_turn[-1]
        if not clamped:
            return segments
        speech = [(self._t(s) + self._offset, self._t(e) + self._offset) for s, e in regions]
        speakers = self._speakers.label_words(clamped, per_turn, speech, self._buffer,
                                              self._t(self._buffer_start) + self._offset)
        for word, speaker in zip(clamped, speakers, strict=True):
            if run and (speaker != run_speaker or word.start - run[-1].end > self.config.max_pause_seconds):
                segments.append(_segment(run, run_speaker, is_final=True))
                run = []
            run.append(word)
            run_speaker = speaker
            self._last_speaker = speaker
            self._recent_finals.append(word)
        if run:
            segments.append(_segment(run, run_speaker, is_final=True))
        if segments:
            self._partial_shown = False
        return segments

    def _partial(self, regions: list[tuple[int, int]] | None = None) -> list[LiveEvent]:
        pending = self._hypothesis.pending
        if pending:
            speaker = self._speaker_for_partial(pending[0], regions or [])
            self._partial_shown = True
            return [_segment(pending, speaker, is_final=False)]
        if self._partial_shown:
            # The guess vanished (e.g. a noise Whisper first took for a word): clear it on the client.
            self._partial_shown = False
            now = self._t(self.received_samples) + self._offset
            return [LiveSegment(text="", speaker=self._last_speaker, start=now, end=now, is_final=False)]
        return []


def _shifted(words: Sequence[Word], seconds: float) -> list[Word]:
    """``words`` moved ``seconds`` later, speaker cleared."""
    return [Word(w.text, w.start + seconds, w.end + seconds, None, w.probability) for w in words]


def _segment(words: list[Word], speaker: int | None, *, is_final: bool) -> LiveSegment:
    text = " ".join(w.text.strip() for w in words if w.text.strip())
    return LiveSegment(text=text, speaker=speaker, start=words[0].start, end=words[-1].end, is_final=is_final,
                       words=tuple(words) if is_final else ())


class WhisperRecogniser:
    """A :data:`Recogniser` over :class:`~transcription.providers.local_whisper.LocalWhisperEngine`: one
    language, one set of decoding settings, and clinic vocabulary terms as Whisper ``hotwords`` (put in
    the decoder prompt of every decode, cut to faster-whisper's budget as in batch transcription,
    :func:`transcription.vocabulary.whisper_hotwords`; :func:`online_transcriber` gives the step
    recogniser a shorter list, ``LocalLiveConfig.step_hotword_tokens``)."""

    def __init__(self, engine, *, language: str, vocabulary: Sequence[str] = (),
                 verify_vocabulary: bool = True) -> None:
        """
        Args:
            engine: a ``LocalWhisperEngine``.
            language: ISO 639-1 code.
            vocabulary: the clinic's terms, most important first (read once at session start). With a
                vocabulary, words echoed from the hotword list after the speech are dropped from every
                decode (:func:`drop_prompt_echo`).
            verify_vocabulary: check vocabulary words against a decoding without the vocabulary
                (``LocalWhisperEngine.recognise``); off for the step decodes, whose words are partials.
        """
        self.engine = engine
        self.language = language
        self.vocabulary = tuple(vocabulary)
        self.verify_vocabulary = verify_vocabulary

    @property
    def decode_options(self) -> dict:
        """The ``WhisperModel.transcribe`` options of every decode (``hotwords`` included)."""
        return self.engine.decode_options(self.language, self.vocabulary)

    def __call__(self, samples: np.ndarray, prompt: str | None = None) -> list[Word]:
        """Words of ``samples`` (times relative to them); ``prompt``: the text said just before."""
        from transcription.speech.audio import DecodedAudio

        audio = DecodedAudio(samples=samples, duration_seconds=samples.size / SAMPLE_RATE)
        words = self.engine.recognise(audio, language=self.language, vocabulary=self.vocabulary, prompt=prompt,
                                      verify_vocabulary=self.verify_vocabulary)[1]
        return drop_prompt_echo(words) if self.vocabulary else words


def drop_prompt_echo(words: list[Word]) -> list[Word]:
    """``words`` without a trailing run that is Whisper continuing its hotword list.

    With the clinic vocabulary in the prompt (``"term, term, ..."``) and audio that ends after speech,
    Whisper tends to go on with the list: on a synthesised medication review (``bench/vocabulary.py
    --live``) the turn "Right, apixaban." came out as "right, apixaban clapine, lansapine," and "I stopped
    the warfarin in January." as "...in january clozapine, lansapine, lansap": drug names nobody said.
    The trailing run of words that are comma-ended or too short to have been spoken
    (:func:`~transcription.providers.local_whisper.too_fast_to_be_spoken`; the echo is squeezed into the last fraction of a second) is dropped
    when it holds at least one comma-ended word: a finished turn ends with sentence punctuation or none,
    not with a comma. A real last word that Whisper timed too short ("how I do" with ``do`` at 0 s) is
    kept, since no comma-ended word comes with it. Used with a vocabulary only.
    """
    end = len(words)
    comma = False
    while end:
        word = words[end - 1]
        text = word.text.strip()
        if text.endswith(","):
            comma = True
        elif not too_fast_to_be_spoken(word):
            break
        end -= 1
    return words[:end] if comma else words


def online_transcriber(*, language: str, config: LocalLiveConfig, time_offset: float = 0.0,
                       vocabulary: Sequence[str] = (),
                       defer_final_decoding: bool = False) -> tuple[OnlineTranscriber, str]:
    """A ready :class:`OnlineTranscriber` with the packaged Whisper model, Silero VAD and voice encoder.

    Loads the models (seconds the first time in a process). ``vocabulary``: the clinic's terms, given
    to Whisper as ``hotwords`` in the step decodes and in the end-of-turn decodes.
    ``defer_final_decoding``: see :class:`OnlineTranscriber`.
    Returns ``(transcriber, model_name)``.

    Raises:
        SpeechProviderError: a model cannot be loaded (permanent) or the language is unsupported.
    """
    from faster_whisper.vad import get_vad_model

    from transcription.providers.local_whisper import LocalWhisperEngine, get_whisper_model
    from transcription.speech.voice_encoder import CheckpointError, get_voice_encoder

    whisper = LocalWhisperEngine(cpu_threads=config.whisper_threads, settings=config.whisper,
                                 num_workers=config.whisper_workers)
    model_name, model = get_whisper_model(language, whisper.cpu_threads, whisper.num_workers)
    try:
        encoder = get_voice_encoder()
    except CheckpointError as exc:
        raise SpeechProviderError("the speaker encoder could not be loaded", permanent=True) from exc
    get_vad_model()

    final_settings = config.final_whisper
    if vocabulary:
        final_settings = replace(final_settings, temperatures=config.vocabulary_final_temperatures)
    final_whisper = LocalWhisperEngine(cpu_threads=config.whisper_threads, settings=final_settings,
                                       num_workers=config.whisper_workers)
    step_terms = LocalWhisperEngine.hotword_terms(model, language, vocabulary, config.step_hotword_tokens)
    recognise = WhisperRecogniser(whisper, language=language, vocabulary=step_terms, verify_vocabulary=False)
    recognise_final = WhisperRecogniser(final_whisper, language=language, vocabulary=vocabulary)
    transcriber = OnlineTranscriber(recognise=recognise, detect_speech=silero_speech_regions(config),
                                    speakers=OnlineSpeakerTracker(config.speakers, encoder), config=config,
                                    time_offset=time_offset,
                                    recognise_final=recognise_final if config.final_redecode else None,
                                    defer_final_decoding=defer_final_decoding)
    return transcriber, model_name


def stream_samples(samples: np.ndarray, *, language: str, config: LocalLiveConfig | None = None,
                   chunk_seconds: float | None = None, vocabulary: Sequence[str] = (),
                   final_lag_steps: int | None = None) -> list[LiveEvent]:
    """Run the streaming algorithm over a whole recording synchronously (tests and ``bench/``).

    The audio is fed in ``chunk_seconds`` pieces (default: the config's step) as a live client would,
    as fast as it is processed, then the stream is finished. Returns every event in order.

    ``final_lag_steps``: replay the server's timing of end-of-turn decodings run beside the steps
    (``LocalLiveConfig.final_off_step``): each is decoded when a step prepares it and its words are applied
    after this many further steps (2: a decoding taking ~1 s at 0.5 s steps). None: decoded inside the step.
    """
    config = config or LocalLiveConfig()
    transcriber, _ = online_transcriber(language=language, config=config, vocabulary=vocabulary,
                                        defer_final_decoding=final_lag_steps is not None)
    step = max(1, int((chunk_seconds or config.step_seconds) * SAMPLE_RATE))
    events: list[LiveEvent] = []
    running: list = []  # [steps left, words] of the end-of-turn decoding beside the steps
    for i in range(0, samples.size, step):
        events += transcriber.process(samples[i:i + step])
        if running:
            running[0] -= 1
            if running[0] <= 0:
                events += transcriber.apply_final_decoding(running[1])
                running = []
        job = transcriber.take_final_decoding()
        if job is not None:
            running = [final_lag_steps, transcriber.decode_final(job)]
    if running:
        events += transcriber.apply_final_decoding(running[1])
    events += transcriber.process(np.zeros(0, dtype=np.float32), final=True)
    return events


# --- asynchronous engine ---------------------------------------------------------------------------

_EXECUTOR: ThreadPoolExecutor | None = None
_EXECUTOR_LOCK = threading.Lock()


def live_executor() -> ThreadPoolExecutor:
    """Process-wide worker threads for live speech work (``MEDSYNC_LIVE_WORKERS``, default: CPUs).

    One pool for every session: a step waits its turn instead of many steps fighting for 2 cores.
    """
    global _EXECUTOR
    if _EXECUTOR is None:
        with _EXECUTOR_LOCK:
            if _EXECUTOR is None:
                from django.conf import settings

                _EXECUTOR = ThreadPoolExecutor(max_workers=settings.MEDSYNC_LIVE_WORKERS,
                                               thread_name_prefix="live-speech")
    return _EXECUTOR


_END = END_OF_EVENTS


class LocalLiveEngine:
    """:class:`~.base.LiveEngine` running fully offline (see the module docstring)."""

    def __init__(self, *, language: str, num_speakers: int | None = None, config: LocalLiveConfig | None = None,
                 time_offset: float = 0.0, vocabulary: Sequence[str] = ()) -> None:
        """
        Args:
            language: ISO 639-1 code (en -> Whisper tiny.en; es, ca, fr, pt, de, it -> base).
            num_speakers: speakers expected (1-4); default 2 (clinician and patient).
            config: :class:`LocalLiveConfig`.
            time_offset: seconds of session audio before this engine (when it takes over from another).
            vocabulary: the clinic's custom terms (:func:`transcription.vocabulary.vocabulary_terms`),
                given to Whisper as ``hotwords`` for partials and finals.
        Raises:
            UnsupportedLanguage: not one of the languages above.
        """
        from transcription.providers.local_whisper import (
            ENGLISH_LANGUAGES,
            MULTILINGUAL_LANGUAGES,
            normalise_language,
        )

        self.language = normalise_language(language)
        if self.language not in ENGLISH_LANGUAGES | MULTILINGUAL_LANGUAGES:
            supported = ", ".join(sorted(ENGLISH_LANGUAGES | MULTILINGUAL_LANGUAGES))
            raise UnsupportedLanguage(f"language {language!r} is not supported offline (supported: {supported})")
        self.config = config or LocalLiveConfig()
        if num_speakers:
            self.config = replace(self.config, speakers=replace(self.config.speakers, max_speakers=num_speakers))
        self.time_offset = time_offset
        self.vocabulary = tuple(vocabulary)
        self.name = "local:whisper"
        self._transcriber: OnlineTranscriber | None = None
        self._queue: asyncio.Queue = asyncio.Queue()
        self._pending: list[np.ndarray] = []
        self._pending_samples = 0
        self._wake = asyncio.Event()
        self._finishing = False
        self._task: asyncio.Task | None = None

    @property
    def transcriber(self) -> OnlineTranscriber | None:
        """The session's streaming algorithm (None until :meth:`start` has loaded it)."""
        return self._transcriber

    @property
    def backlog_seconds(self) -> float:
        """Audio received but not yet transcribed, seconds."""
        return self._pending_samples / SAMPLE_RATE

    def _load(self) -> OnlineTranscriber:
        transcriber, model_name = online_transcriber(language=self.language, config=self.config,
                                                     time_offset=self.time_offset, vocabulary=self.vocabulary,
                                                     defer_final_decoding=self.config.final_off_step)
        self.name = f"local:whisper-{model_name}"
        return transcriber

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            self._transcriber = await loop.run_in_executor(live_executor(), self._load)
        except SpeechProviderError as exc:
            raise LiveEngineError(exc.message, permanent=exc.permanent) from None
        self._task = asyncio.create_task(self._run(), name="live-local-engine")

    async def push(self, samples: np.ndarray) -> None:
        if self._finishing or self._task is None:
            raise LiveEngineError("the engine is not accepting audio", permanent=True)
        if samples.size:
            self._pending.append(samples)
            self._pending_samples += samples.size
            if self._pending_samples >= self.config.step_seconds * SAMPLE_RATE:
                self._wake.set()

    async def finish(self) -> None:
        self._finishing = True
        self._wake.set()

    async def aclose(self) -> None:
        self._finishing = True
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._queue.put_nowait(_END)

    def _decoding_done(self, future: asyncio.Future) -> None:
        """Wake the run loop; its error is read there (and here, so a session closed meanwhile logs none)."""
        if not future.cancelled():
            future.exception()
        self._wake.set()

    def _emit(self, events: list[LiveEvent]) -> None:
        for event in events:
            self._queue.put_nowait(event)

    def events(self) -> AsyncIterator[LiveEvent]:
        return iterate_events(self._queue)

    async def _run(self) -> None:
        """Steps one after another in the worker pool; an end-of-turn decoding a step prepares runs in the
        pool beside the following steps, and its finals are applied between two steps."""
        loop = asyncio.get_running_loop()
        transcriber = self._transcriber
        assert transcriber is not None
        decoding: asyncio.Future | None = None
        try:
            while True:
                if decoding is not None and decoding.done():
                    words, decoding = decoding.result(), None
                    self._emit(await loop.run_in_executor(
                        live_executor(), functools.partial(transcriber.apply_final_decoding, words)))
                    continue
                step_ready = self._pending_samples >= self.config.step_seconds * SAMPLE_RATE
                if not (step_ready or (self._finishing and decoding is None)):
                    # wait for audio, for "finish", or for the end-of-turn decoding (the stream ends after it)
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                final = self._finishing and decoding is None
                chunk = np.concatenate(self._pending) if self._pending else np.zeros(0, dtype=np.float32)
                self._pending, self._pending_samples = [], 0
                self._emit(await loop.run_in_executor(
                    live_executor(), functools.partial(transcriber.process, chunk, final=final)))
                if final:
                    break
                job = transcriber.take_final_decoding()
                if job is not None:
                    decoding = loop.run_in_executor(live_executor(), transcriber.decode_final, job)
                    decoding.add_done_callback(self._decoding_done)
        except SpeechProviderError as exc:
            logger.warning("live offline engine failed (permanent=%s): %s", exc.permanent, exc.message)
            self._queue.put_nowait(LiveEngineError(exc.message, permanent=exc.permanent))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug must end the session cleanly, not hang it
            logger.exception("live offline engine crashed")
            self._queue.put_nowait(LiveEngineError(f"the offline engine failed ({type(exc).__name__})",
                                                   permanent=False))
        self._queue.put_nowait(_END)
