"""``POST /api/v1/speech/transcribe``: a spoken question → transcript → chat answer → spoken answer.

Order: decode the upload with the platform's decoder (:func:`transcription.services.audio_decode`,
PyAV; the same one ``/v1/transcribe`` uses) → store the question (nothing is lost if a later step
fails) → language: the caller's, else detected by the local Whisper model → speech-to-text with the
clinic's speech engines in their fallback order (:func:`transcription.services.speech_engine_candidates`;
sandbox keys: the local engine only) → :func:`chatmed.chat.services.chat_message` (triage + answer) →
optionally speech synthesis with espeak-ng (:mod:`calls.tts`) → the answer's WAV stored in the
clinic's media, served by a signed, expiring URL (:func:`audio_url_token`).
"""

from __future__ import annotations

import io
import logging
import os
import wave
from collections.abc import Callable
from typing import IO

import numpy as np
from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from chatmed.api.base import ServiceUnavailable, ValidationFailed
from chatmed.chat.services import chat_message
from chatmed.models import HealthProfile, VoiceExchange, new_public_id
from clinics.models import Clinic
from transcription.providers.base import SpeechProviderError, SpeechToText
from transcription.speech.audio import DecodedAudio

logger = logging.getLogger("chatmed.speech")

#: Containers the seed lists for the voice assistant ("WAV, MP3, WebM, OGG").
VOICE_FORMATS = frozenset({"wav", "mp3", "webm", "ogg"})
AUDIO_URL_SALT = "chatmed.speech.audio"
#: Whisper detects the language from the first 30 s window (its encoder's input length).
DETECTION_SECONDS = 30.0


class VoiceAudioError(ValueError):
    """The upload is not usable audio in one of :data:`VOICE_FORMATS` (message says why)."""


def voice_audio_decode(source: str | os.PathLike | IO[bytes]) -> DecodedAudio:
    """Decode an upload to 16 kHz mono with the platform's decoder and check its container.

    Raises:
        VoiceAudioError: not audio, corrupt, empty, a container other than WAV/MP3/WebM/OGG, or longer
            than ``CHATMED_VOICE_MAX_SECONDS``.
    """
    from transcription.speech.audio import AudioDecodeError, decode_audio

    try:
        audio = decode_audio(source, max_duration_seconds=settings.CHATMED_VOICE_MAX_SECONDS)
    except AudioDecodeError as exc:
        raise VoiceAudioError(f"audio: {exc}") from None
    if audio.source_format not in VOICE_FORMATS:
        raise VoiceAudioError(f"audio: unsupported format {audio.source_format}; supported: WAV, MP3, WebM, OGG")
    return audio


def detect_spoken_language(audio: DecodedAudio, *, allowed: frozenset[str]) -> tuple[str, float]:
    """The most probable of ``allowed`` languages in the first 30 s, by the local multilingual Whisper
    model's language identification (faster-whisper ``WhisperModel.detect_language``).

    Returns ``(ISO 639-1 code, probability in [0, 1])``.
    Raises:
        SpeechProviderError: the model cannot be loaded.
    """
    from transcription.providers.local_whisper import MULTILINGUAL_LANGUAGES, get_whisper_model

    _, model = get_whisper_model(sorted(MULTILINGUAL_LANGUAGES)[0])  # any non-English code loads "base"
    samples = np.asarray(audio.samples[: int(DETECTION_SECONDS * 16000)], dtype=np.float32)
    try:
        _, _, probabilities = model.detect_language(audio=samples)
    except Exception as exc:  # ctranslate2 errors are RuntimeError/ValueError
        raise SpeechProviderError(f"language detection failed ({type(exc).__name__})") from exc
    for code, probability in probabilities:  # sorted, most probable first
        if code in allowed:
            return code, float(probability)
    return "en", 0.0


def _engines(clinic: Clinic, is_sandbox: bool) -> list[tuple[str, Callable[[], SpeechToText]]]:
    from transcription.services import speech_engine_candidates
    from transcription.speech.pipeline import get_local_engine

    # Sandbox keys never reach a paid provider: the local engine only.
    return [("local", get_local_engine)] if is_sandbox else speech_engine_candidates(clinic)


def spoken_language_for(tag: str | None, *, clinic: Clinic, is_sandbox: bool, audio: DecodedAudio) -> tuple[str, bool]:
    """``(language, detected)``: the caller's tag checked against the engines, else detection.

    Raises:
        ValidationFailed: an unknown tag or a language no engine (of the sandbox: the local one) supports.
    """
    from transcription.languages import UnsupportedLanguage, base_language, offline_languages, spoken_language

    allowed = offline_languages() if is_sandbox else None
    if tag:
        try:
            language = base_language(tag) if is_sandbox else spoken_language(tag, clinic=clinic)
        except UnsupportedLanguage as exc:
            raise ValidationFailed(f"language: {exc}") from None
        if allowed is not None and language not in allowed:
            raise ValidationFailed(f"language: {tag!r} is not supported by the offline speech engine")
        return language, False
    from transcription.languages import supported_languages

    try:
        language, _ = detect_spoken_language(audio, allowed=allowed or supported_languages(clinic))
    except SpeechProviderError as exc:
        raise ServiceUnavailable(f"Language detection is unavailable ({exc.message}); send a language.") from None
    return language, True


def _transcribe(*, clinic: Clinic, is_sandbox: bool, audio: DecodedAudio, language: str) -> tuple[str, str]:
    """``(transcript text, engine name)`` from the first speech engine that succeeds.

    Raises:
        ServiceUnavailable: every engine failed.
    """
    from transcription.providers.local_whisper import INAUDIBLE

    last: SpeechProviderError | None = None
    for name, factory in _engines(clinic, is_sandbox):
        try:
            result = factory().transcribe(audio, language=language, num_speakers=1)
        except SpeechProviderError as exc:
            logger.warning("voice: speech engine %s failed (permanent=%s): %s", name, exc.permanent, exc.message)
            last = exc
            continue
        # "[inaudible]" marks speech the recogniser could not read: kept out of the question text.
        text = " ".join(u.text for u in result.utterances).replace(INAUDIBLE, " ")
        return " ".join(text.split()), result.engine
    raise ServiceUnavailable(f"Speech recognition failed ({last.message if last else 'no engine'}).")


def _wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    return out.getvalue()


def synthesise_answer(text: str, *, language: str) -> bytes:
    """The answer spoken by espeak-ng in ``language`` (English voice when espeak-ng has none): WAV bytes,
    16 kHz mono PCM16.

    Raises:
        calls.tts.TtsError: espeak-ng missing or failed.
    """
    from calls import tts

    try:
        samples = tts.synthesise_sync(text, voice=language)
    except tts.TtsError:
        if language == "en":
            raise
        samples = tts.synthesise_sync(text, voice="en")
    return _wav_bytes(samples, tts.SAMPLE_RATE)


def audio_url_token(exchange: VoiceExchange) -> str:
    """Signed token (``django.core.signing``, timestamped) naming the clinic's schema and the exchange."""
    return signing.dumps({"s": connection.schema_name, "v": exchange.public_id}, salt=AUDIO_URL_SALT, compress=True)


def audio_url_read(token: str) -> tuple[str, str]:
    """``(schema_name, exchange public id)`` of a token younger than ``CHATMED_AUDIO_URL_MAX_AGE_SECONDS``.

    Raises:
        signing.SignatureExpired: too old. signing.BadSignature: forged or damaged.
    """
    data = signing.loads(token, salt=AUDIO_URL_SALT, max_age=settings.CHATMED_AUDIO_URL_MAX_AGE_SECONDS)
    if not isinstance(data, dict) or not data.get("s") or not data.get("v"):
        raise signing.BadSignature("malformed audio token")
    return str(data["s"]), str(data["v"])


def voice_question(*, clinic: Clinic, is_sandbox: bool, upload: IO[bytes], audio: DecodedAudio,
                   language: str | None, return_audio: bool, session_id: str | None = None,
                   profile: HealthProfile | None = None) -> tuple[VoiceExchange, dict]:
    """Answer a spoken question (see the module docstring for the order).

    Returns ``(exchange, {"transcript", "language", "language_detected", "response_text", "urgency_level",
    "disclaimer", "follow_up_questions", "session_id", "timestamp", "speech_engine", "audio_error"?})``;
    the caller builds ``audio_url`` from ``exchange.reply_audio``.
    Raises:
        ValidationFailed: unsupported language, or no speech was recognised.
        ServiceUnavailable: language detection or every speech engine failed (the question stays stored).
    """
    exchange = VoiceExchange(public_id=new_public_id("voice"), is_sandbox=is_sandbox, source_format=audio.source_format,
                             duration_seconds=round(audio.duration_seconds, 3))
    exchange.created_at = timezone.now()  # upload_to uses it before the first save
    upload.seek(0)
    exchange.question_audio.save(f"question.{audio.source_format}", File(upload), save=False)
    exchange.save()

    spoken, detected = spoken_language_for(language, clinic=clinic, is_sandbox=is_sandbox, audio=audio)
    exchange.language, exchange.language_detected = spoken, detected
    transcript, engine = _transcribe(clinic=clinic, is_sandbox=is_sandbox, audio=audio, language=spoken)
    exchange.transcript, exchange.speech_engine = transcript, engine
    exchange.save(update_fields=["language", "language_detected", "transcript", "speech_engine"])
    if not transcript:
        raise ValidationFailed("audio: no speech was recognised in the recording.")

    answer = chat_message(clinic=clinic, is_sandbox=is_sandbox, message=transcript, session_id=session_id,
                          language=spoken, profile=profile)
    from chatmed.models import ChatSession

    exchange.session = ChatSession.objects.filter(public_id=answer["session_id"], is_sandbox=is_sandbox).first()
    exchange.response_text, exchange.urgency_level = answer["response"], answer["urgency_level"]
    exchange.save(update_fields=["session", "response_text", "urgency_level"])
    body = {
        "transcript": transcript, "language": spoken, "language_detected": detected,
        "response_text": answer["response"], "urgency_level": answer["urgency_level"],
        "disclaimer": answer["disclaimer"], "follow_up_questions": answer["follow_up_questions"],
        "session_id": answer["session_id"], "timestamp": answer["timestamp"], "speech_engine": engine,
    }
    if return_audio:
        from calls.tts import TtsError

        try:
            wav = synthesise_answer(answer["response"], language=spoken)
        except TtsError as exc:
            # The text answer is still given; the client is told why there is no audio.
            logger.warning("voice: speech synthesis failed (permanent=%s): %s", exc.permanent, exc.message)
            body["audio_error"] = f"Speech synthesis failed: {exc.message}"
        else:
            exchange.reply_audio.save("answer.wav", ContentFile(wav), save=False)
            exchange.save(update_fields=["reply_audio"])
    return exchange, body
