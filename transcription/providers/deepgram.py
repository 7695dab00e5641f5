"""Deepgram pre-recorded transcription (``POST /v1/listen``) behind the SpeechToText protocol.

Uses deepgram-sdk 7.x: ``DeepgramClient(api_key=..., httpx_client=...).listen.v1.media
.transcribe_file(request=<bytes>, model=..., language=..., diarize=True, smart_format=True,
punctuate=True, utterances=True)``.  SDK types never leave this module: the response is turned
into a plain dict and parsed into :mod:`transcription.providers.base` dataclasses.

What is sent: the decoded 16 kHz mono samples, re-encoded as 16-bit FLAC (lossless for what
the local engine sees, about half the size of WAV, a format Deepgram auto-detects).  Sending
the decoded audio rather than the original upload keeps one input path for every engine
(the upload has already been validated, length-limited and decoded once), avoids holding the
original upload a second time, and never sends containers Deepgram might parse differently
(e.g. WebM from browsers without a duration header).  The cost is a larger upload than a
low-bitrate Opus original (~20-30 KB/s of speech vs ~4 KB/s); set ``audio_format="wav"`` to
send plain PCM WAV instead.

Nothing from requests or responses is logged (no audio, no transcript text, no response
bodies, no API key): only status codes and timings.
"""

from __future__ import annotations

import io
import logging
import time
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import httpx
import numpy as np

from transcription.providers.base import (
    SpeechProviderError,
    TranscriptionResult,
    Utterance,
    Word,
    build_utterances,
    renumber_speakers,
)

if TYPE_CHECKING:  # pragma: no cover
    from transcription.speech.audio import DecodedAudio

__all__ = ["NOVA3_LANGUAGES", "DeepgramEngine", "parse_deepgram_response"]

logger = logging.getLogger(__name__)

#: Languages with a Nova-3 monolingual model (Deepgram changelog: de 2025-08-15; es, fr, pt
#: 2025-09-02; it 2025-09-16; ca 2025-11-24; English from the start).  Others go to Nova-2.
NOVA3_LANGUAGES = frozenset({
    "en", "es", "fr", "pt", "de", "it", "ca", "nl", "sv", "da", "no", "tr", "id", "bg", "cs", "fi",
    "hi", "hu", "ja", "ko", "pl", "ru", "uk", "vi", "et", "el", "lv", "lt", "ms", "ro", "sk", "zh",
})

_PERMANENT_STATUS = {400, 401, 402, 403, 404, 405, 413, 415, 422}


def _base_lang(language: str) -> str:
    return (language or "").strip().lower().replace("_", "-").split("-", 1)[0]


class DeepgramEngine:
    """:class:`~transcription.providers.base.SpeechToText` backed by Deepgram's REST API."""

    def __init__(self, api_key: str, *, model: str = "nova-3", fallback_model: str = "nova-2",
                 timeout: float = 300.0, max_retries: int = 1, audio_format: str = "flac",
                 mip_opt_out: bool = True, httpx_client: httpx.Client | None = None,
                 base_url: str | None = None) -> None:
        """
        Args:
            api_key: Deepgram API key (sent as ``Authorization: Token <key>``).
            model: model for languages in :data:`NOVA3_LANGUAGES` (e.g. ``"nova-3"`` or
                ``"nova-3-medical"`` for English).
            fallback_model: model for other languages.
            timeout: seconds for the whole HTTP exchange (upload + transcription).
            max_retries: SDK retries on 408/409/429/5xx and connection errors (with backoff).
            audio_format: ``"flac"`` (default) or ``"wav"``, see the module docstring.
            mip_opt_out: opt out of Deepgram's Model Improvement Program (clinical audio).
            httpx_client: custom HTTP client (tests pass one with ``httpx.MockTransport``).
            base_url: API base URL override (e.g. a self-hosted Deepgram), default production.
        Raises:
            ValueError: empty api_key or unknown audio_format.
        """
        if not api_key:
            raise ValueError("a Deepgram API key is required")
        if audio_format not in ("flac", "wav"):
            raise ValueError("audio_format must be 'flac' or 'wav'")
        from deepgram import DeepgramClient

        kwargs: dict[str, Any] = {"api_key": api_key, "timeout": timeout, "max_retries": max_retries}
        if httpx_client is not None:
            kwargs["httpx_client"] = httpx_client
        if base_url:
            from deepgram.environment import DeepgramClientEnvironment

            kwargs["environment"] = DeepgramClientEnvironment(
                base=base_url, production=base_url.replace("http", "ws", 1), agent=base_url, agent_rest=base_url)
        self._client = DeepgramClient(**kwargs)
        self.model = model
        self.fallback_model = fallback_model
        self.timeout = timeout
        self.audio_format = audio_format
        self.mip_opt_out = mip_opt_out

    def model_for(self, language: str) -> str:
        """Deepgram model name used for ``language``."""
        return self.model if _base_lang(language) in NOVA3_LANGUAGES else self.fallback_model

    def _encode(self, samples: np.ndarray, sample_rate: int) -> tuple[bytes, str]:
        import soundfile as sf

        buf = io.BytesIO()
        fmt = "FLAC" if self.audio_format == "flac" else "WAV"
        sf.write(buf, np.asarray(samples, dtype=np.float32), sample_rate, format=fmt, subtype="PCM_16")
        return buf.getvalue(), f"audio/{self.audio_format}"

    def transcribe(self, audio: "DecodedAudio", *, language: str, num_speakers: int | None = None,
                   vocabulary: Sequence[str] = ()) -> TranscriptionResult:
        """Send the audio to Deepgram and parse the diarized result.

        Args:
            audio: decoded 16 kHz mono recording.
            language: BCP-47 / ISO 639-1 code, passed to Deepgram as ``language``.
            num_speakers: ignored (Deepgram's pre-recorded diarization estimates the count).
            vocabulary: clinic terms, sent as ``keyterm`` (Nova-3) or ``keywords`` (older models),
                see :func:`transcription.vocabulary.deepgram_options`.
        Returns:
            :class:`TranscriptionResult` with speakers renumbered by first appearance.
        Raises:
            SpeechProviderError: ``permanent=True`` for 400/401/402/403/404/413/422-type
                rejections, ``False`` for timeouts, connection errors, 408/429/5xx and
                unexpected responses.
        """
        from deepgram.core.api_error import ApiError

        from transcription.vocabulary import deepgram_options

        model = self.model_for(language)
        body, content_type = self._encode(audio.samples, audio.sample_rate)
        started = time.monotonic()
        status: int | None = None
        try:
            response = self._client.listen.v1.media.transcribe_file(
                request=body,
                model=model,
                language=language,
                diarize=True,
                smart_format=True,
                punctuate=True,
                utterances=True,
                mip_opt_out=self.mip_opt_out or None,
                **deepgram_options(list(vocabulary), model),
                request_options={"timeout": self.timeout,
                                 "additional_headers": {"content-type": content_type}},
            )
            payload = _to_dict(response)
        except ApiError as exc:
            status = exc.status_code
            permanent = status in _PERMANENT_STATUS
            # ``from None``: the SDK error's str() contains the response body.
            raise SpeechProviderError(f"Deepgram rejected the request (HTTP {status})",
                                      permanent=permanent) from None
        except httpx.TimeoutException:
            raise SpeechProviderError("Deepgram request timed out", permanent=False) from None
        except httpx.HTTPError as exc:
            raise SpeechProviderError(f"Deepgram connection failed ({type(exc).__name__})",
                                      permanent=False) from None
        finally:
            logger.info("deepgram transcription request",
                        extra={"model": model, "status": status,
                               "seconds": round(time.monotonic() - started, 3),
                               "audio_seconds": round(float(audio.duration_seconds), 1)})
        return parse_deepgram_response(payload, language=language, model=model,
                                       duration_seconds=float(audio.duration_seconds))


def _to_dict(response: Any) -> dict:
    if isinstance(response, dict):
        return response
    for attr in ("model_dump", "dict"):
        fn = getattr(response, attr, None)
        if callable(fn):
            try:
                return fn(by_alias=True, exclude_none=False)
            except TypeError:
                return fn()
    raise SpeechProviderError("unexpected Deepgram response", permanent=False)


def _words_from(items: Iterable[dict]) -> list[Word]:
    out = []
    for w in items or ():
        if not isinstance(w, dict):
            continue
        text = (w.get("punctuated_word") or w.get("word") or "").strip()
        start, end = w.get("start"), w.get("end")
        if not text or start is None or end is None:
            continue
        spk = w.get("speaker")
        conf = w.get("confidence")
        out.append(Word(text=text, start=float(start), end=float(max(end, start)),
                        speaker=None if spk is None else int(spk),
                        probability=None if conf is None else float(conf)))
    out.sort(key=lambda x: (x.start, x.end))
    return out


def parse_deepgram_response(payload: dict, *, language: str, model: str,
                            duration_seconds: float | None = None) -> TranscriptionResult:
    """Parse a ``/v1/listen`` pre-recorded JSON response.

    Reads ``results.channels[0].alternatives[0].words`` (``word``, ``punctuated_word``,
    ``start``, ``end``, ``confidence``, ``speaker``) and ``results.utterances`` (``start``,
    ``end``, ``transcript``, ``speaker``) per Deepgram's documented response shape.  Speaker
    ids are renumbered in order of first appearance (first voice -> 0).  Without
    ``results.utterances``, utterances are built from the words (speaker change or > 1.5 s pause).

    Args:
        payload: decoded JSON.
        language, model: recorded in the result.
        duration_seconds: audio length; default ``metadata.duration``.
    Returns:
        :class:`TranscriptionResult` with ``engine="deepgram:<model>"``.
    Raises:
        SpeechProviderError(permanent=False): no ``results`` (e.g. a callback acknowledgement).
    """
    results = payload.get("results") if isinstance(payload, dict) else None
    if not isinstance(results, dict):
        raise SpeechProviderError("unexpected Deepgram response (no results)", permanent=False)
    words: list[Word] = []
    channels = results.get("channels") or []
    if channels and isinstance(channels[0], dict):
        alts = channels[0].get("alternatives") or []
        if alts and isinstance(alts[0], dict):
            words = _words_from(alts[0].get("words") or [])
    raw_utts = [u for u in (results.get("utterances") or []) if isinstance(u, dict)]
    raw_utts.sort(key=lambda u: (float(u.get("start") or 0.0), float(u.get("end") or 0.0)))
    if not words and raw_utts:
        words = _words_from(w for u in raw_utts for w in (u.get("words") or []))

    order = [w.speaker for w in words] or [u.get("speaker") for u in raw_utts]
    mapping = renumber_speakers(int(s) for s in order if s is not None)

    def remap(s: Any) -> int:
        if s is None:
            return 0
        s = int(s)
        if s not in mapping:
            mapping[s] = len(mapping)
        return mapping[s]

    words = [Word(w.text, w.start, w.end, remap(w.speaker), w.probability) for w in words]
    utterances: list[Utterance] = []
    for u in raw_utts:
        text = (u.get("transcript") or "").strip()
        if not text or u.get("start") is None or u.get("end") is None:
            continue
        u_start, u_end = float(u["start"]), float(u["end"])
        utterances.append(Utterance(speaker=remap(u.get("speaker")), text=text, start=u_start, end=u_end,
                                    words=tuple(w for w in words if u_start <= (w.start + w.end) / 2 <= u_end)))
    if not utterances and words:
        utterances = build_utterances(words)
    if duration_seconds is None:
        meta = payload.get("metadata") or {}
        duration_seconds = float(meta.get("duration") or (words[-1].end if words else 0.0))
    return TranscriptionResult(
        utterances=utterances,
        words=words,
        duration_seconds=float(duration_seconds),
        language=language,
        engine=f"deepgram:{model}",
        num_speakers=len(mapping),
    )
