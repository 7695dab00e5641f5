"""The encounter pipeline: store the recording, transcribe and diarize it, write the note, meter usage.

Order (ARCHITECTURE.md, "Data flow of the main job"): size/format checks -> Recording stored
(nothing is lost if a later step fails) -> speech-to-text with word timings -> diarization ->
speaker 0 = clinician -> Transcript saved -> note -> ClinicalNote saved -> usage recorded.
Provider choice and fallback order live here; adapters only talk to their vendor.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from clinics.models import Clinic, Service
from clinics.services import usage_record
from notes.engines.base import NoteEngineError, NoteResult, Turn, word_confidences
from notes.models import ClinicalNote
from notes.services import clinical_note_create, note_generate
from templates.builtin import TemplateSpec
from transcription.models import Recording, Transcript, TranscriptSegment
from transcription.providers.base import SpeechProviderError, SpeechToText, TranscriptionResult, word_as_dict
from transcription.speech.audio import AudioDecodeError, DecodedAudio, decode_audio
from transcription.vocabulary import vocabulary_terms

logger = logging.getLogger(__name__)


class EncounterProcessingError(Exception):
    """A stored recording could not be processed; ``recording.failure_reason`` says why.

    ``stage`` is ``"transcription"`` or ``"note"``; ``permanent`` tells whether a retry may help.
    """

    def __init__(self, message: str, *, recording: Recording, stage: str, permanent: bool):
        super().__init__(message)
        self.message = message
        self.recording = recording
        self.stage = stage
        self.permanent = permanent


@dataclass(frozen=True)
class EncounterResult:
    """Everything the pipeline produced for one recording."""

    recording: Recording
    transcript: Transcript
    note: ClinicalNote
    speech: TranscriptionResult
    note_result: NoteResult


def audio_decode(source: str | os.PathLike | IO[bytes]) -> DecodedAudio:
    """Decode an uploaded file to 16 kHz mono float32, enforcing the maximum duration.

    Raises:
        AudioDecodeError: not audio, corrupt, empty, unsupported container, or too long.
    """
    return decode_audio(source, max_duration_seconds=settings.MEDSYNC_MAX_AUDIO_SECONDS)


def recording_store(
    *, file: IO[bytes], original_filename: str, audio: DecodedAudio, language: str, template_key: str,
    num_speakers: int | None = None, source: str = Recording.Source.API,
) -> Recording:
    """Store the uploaded file in the clinic's media folder and create its :class:`Recording`.

    ``file`` is read from its start; the stored name never contains the client's file name.
    """
    return _recording_save(
        file=file, original_filename=original_filename, source_format=audio.source_format,
        duration_seconds=round(audio.duration_seconds, 3), language=language, template_key=template_key,
        num_speakers=num_speakers, source=source,
    )


def _recording_save(
    *, file: IO[bytes], original_filename: str, source_format: str, duration_seconds: float | None, language: str,
    template_key: str, num_speakers: int | None, source: str, recording_uuid: uuid.UUID | None = None,
) -> Recording:
    extension = "." + source_format if source_format else os.path.splitext(original_filename)[1][:10]
    recording = Recording(
        original_filename=os.path.basename(original_filename)[:255], extension=extension[:10],
        source_format=source_format, duration_seconds=duration_seconds,
        language=language, template_key=template_key, num_speakers=num_speakers, source=source,
        status=Recording.Status.UPLOADED,
    )
    if recording_uuid is not None:
        recording.uuid = recording_uuid
    recording.created_at = timezone.now()  # upload_to uses it before the first save
    file.seek(0, os.SEEK_END)
    recording.size_bytes = file.tell()
    file.seek(0)
    # Storage copies File chunks (64 KiB), so even a 500 MB upload is never held whole in memory.
    recording.audio.save(f"audio{extension}", File(file), save=False)
    recording.save()
    return recording


@dataclass(frozen=True)
class AudioProbe:
    """What :func:`audio_probe` learnt about an upload without decoding it all.

    ``source_format`` is a public container name (``transcription.speech.audio.SUPPORTED_FORMATS``);
    ``duration_seconds`` is the container's declared length, or ``None`` when it declares none.
    """

    source_format: str
    duration_seconds: float | None
    codec: str


# Packets decoded by audio_probe to prove the stream is decodable (a few seconds of audio at most).
_PROBE_PACKETS = 20


def audio_probe(path: str | os.PathLike) -> AudioProbe:
    """Check that the file at ``path`` is a supported, decodable recording, decoding only its start.

    Used where a large upload is processed later (a Celery task decodes it in full), so the request
    can refuse a bad file at once without decoding up to 2 hours of audio. Same format rules, error
    types and duration limit (``MEDSYNC_MAX_AUDIO_SECONDS``, when the container declares a length)
    as :func:`audio_decode`.

    Raises:
        AudioDecodeError: empty, not audio, no audio stream, undecodable, unsupported container
            (``UnsupportedAudioFormat``) or declared too long (``AudioTooLong``).
    """
    import av

    from transcription.speech.audio import (
        FORMAT_WHITELIST, RECOGNISED_UNSUPPORTED, SUPPORTED_FORMATS, AudioTooLong, UnsupportedAudioFormat,
    )

    supported = ", ".join(sorted(set(SUPPORTED_FORMATS.values())))
    if os.path.getsize(path) == 0:
        raise AudioDecodeError("the audio file is empty", reason="empty")
    try:
        container = av.open(str(path), mode="r", options={"format_whitelist": FORMAT_WHITELIST,
                                                          "protocol_whitelist": "file"}, metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise AudioDecodeError(f"the file is not a recognised audio recording (supported: {supported})",
                               reason="not_audio") from exc
    try:
        demuxer = container.format.name
        public = SUPPORTED_FORMATS.get(demuxer)
        if public is None:
            human = RECOGNISED_UNSUPPORTED.get(demuxer, demuxer)
            raise UnsupportedAudioFormat(f"unsupported audio format {human}; supported: {supported}", container=demuxer)
        streams = [s for s in container.streams if s.type == "audio"]
        if not streams:
            raise AudioDecodeError("the file contains no audio stream", reason="no_audio_stream")
        stream = streams[0]
        declared = container.duration / 1_000_000 if container.duration is not None else None
        limit = settings.MEDSYNC_MAX_AUDIO_SECONDS
        if declared is not None and declared > limit + 1.0:
            raise AudioTooLong(f"the recording is {declared:.0f} s long; the limit is {limit:.0f} s", limit)
        decoded = 0
        try:
            for i, packet in enumerate(container.demux(stream)):
                decoded += sum(frame.samples for frame in packet.decode())
                if decoded or i >= _PROBE_PACKETS:
                    break
        except av.error.FFmpegError as exc:
            raise AudioDecodeError("the audio data is corrupt and could not be decoded", reason="corrupt") from exc
        if not decoded:
            raise AudioDecodeError("the recording contains no decodable audio", reason="zero_duration")
        codec = stream.codec_context.name if stream.codec_context is not None else ""
        return AudioProbe(source_format=public, duration_seconds=declared, codec=codec)
    finally:
        container.close()


def recording_store_upload(
    *, file: IO[bytes], original_filename: str, probe: AudioProbe, language: str, template_key: str,
    source: str = Recording.Source.APPOINTMENT, recording_uuid: uuid.UUID | None = None,
) -> Recording:
    """Store a probed (not yet decoded) upload as a :class:`Recording` with status ``uploaded``.

    Its duration is the container's declared one until processing measures it. ``recording_uuid``: the
    recording's public id when the caller has one already (a live session's id), else a new random one.
    """
    duration = round(probe.duration_seconds, 3) if probe.duration_seconds is not None else None
    return _recording_save(
        file=file, original_filename=original_filename, source_format=probe.source_format, duration_seconds=duration,
        language=language, template_key=template_key, num_speakers=None, source=source, recording_uuid=recording_uuid,
    )


def recording_enqueue(*, clinic: Clinic, recording: Recording) -> None:
    """Process ``recording`` with a Celery task once the current transaction commits.

    ``robust``: without a broker the task runs in-process at commit time; a crash there is logged by
    the task and must not turn the upload that stored the recording into an error.
    """
    from transcription.tasks import process_uploaded_recording

    schema_name, recording_id = clinic.schema_name, recording.id
    transaction.on_commit(lambda: process_uploaded_recording.delay(schema_name, recording_id), robust=True)


def _local_engine() -> SpeechToText:
    from transcription.speech.pipeline import get_local_engine

    return get_local_engine()


def _deepgram_engine(api_key: str) -> SpeechToText:
    from transcription.providers.deepgram import DeepgramEngine

    return DeepgramEngine(
        api_key=api_key, model=settings.DEEPGRAM_MODEL, base_url=settings.DEEPGRAM_BASE_URL,
        timeout=settings.DEEPGRAM_TIMEOUT_SECONDS,
    )


def speech_engine_candidates(clinic: Clinic | None) -> list[tuple[str, Callable[[], SpeechToText]]]:
    """Speech engines to try for ``clinic``, in order: ``[(name, factory), ...]``.

    ``speech_provider="auto"`` uses Deepgram when the clinic or the platform has a key, else
    the local engine; ``"deepgram"`` insists on Deepgram; ``"local"`` never calls out. The local
    engine follows Deepgram as a fallback when the clinic allows it.
    """
    # Without a clinic (command-line tools) the platform's configuration applies.
    choice = getattr(clinic, "speech_provider", "auto")
    api_key = getattr(clinic, "deepgram_api_key", "") or settings.DEEPGRAM_API_KEY
    candidates: list[tuple[str, Callable[[], SpeechToText]]] = []
    if choice == "deepgram" or (choice == "auto" and api_key):
        candidates.append(("deepgram", lambda: _deepgram_engine(api_key)))
        if getattr(clinic, "allow_offline_fallback", True):
            candidates.append(("local", _local_engine))
    else:
        candidates.append(("local", _local_engine))
    return candidates


def _mark_failed(recording: Recording, reason: str) -> None:
    recording.status = Recording.Status.FAILED
    recording.failure_reason = reason[:2000]
    recording.processed_at = timezone.now()
    recording.save(update_fields=["status", "failure_reason", "processed_at"])


def recording_transcribe(*, clinic: Clinic | None, recording: Recording, audio: DecodedAudio) -> TranscriptionResult:
    """Run speech-to-text and diarization on ``audio`` with the clinic's engines, biased towards the
    clinic's custom vocabulary (:mod:`transcription.vocabulary`; read from the current tenant schema).

    Raises:
        EncounterProcessingError: every engine failed; the recording is marked failed with the reason.
    """
    recording.status = Recording.Status.PROCESSING
    recording.save(update_fields=["status"])
    last_error: SpeechProviderError | None = None
    vocabulary = vocabulary_terms()
    for name, factory in speech_engine_candidates(clinic):
        try:
            result = factory().transcribe(audio, language=recording.language, num_speakers=recording.num_speakers,
                                          vocabulary=vocabulary)
        except SpeechProviderError as exc:
            logger.warning("Speech engine %s failed on recording %s (permanent=%s): %s",
                           name, recording.uuid, exc.permanent, exc.message)
            last_error = exc
            continue
        recording.speech_engine = result.engine
        recording.save(update_fields=["speech_engine"])
        return result
    assert last_error is not None
    reason = f"Transcription failed: {last_error.message}"
    _mark_failed(recording, reason)
    raise EncounterProcessingError(reason, recording=recording, stage="transcription", permanent=last_error.permanent)


@transaction.atomic
def transcript_store(*, recording: Recording, result: TranscriptionResult) -> Transcript:
    """Save the diarized transcript of ``recording`` (one segment per utterance)."""
    Transcript.objects.filter(recording=recording).delete()  # reprocessing replaces the old one
    transcript = Transcript.objects.create(
        recording=recording, language=result.language, engine=result.engine,
        duration_seconds=result.duration_seconds,
        text="\n".join(u.text for u in result.utterances),
    )
    TranscriptSegment.objects.bulk_create(
        TranscriptSegment(transcript=transcript, index=i, speaker=u.speaker, text=u.text, start=u.start, end=u.end,
                          confidence=u.confidence, words=[word_as_dict(w) for w in u.words])
        for i, u in enumerate(result.utterances)
    )
    return transcript


def note_turns(utterances) -> list[Turn]:
    """Note-engine turns of a transcript's utterances.

    ``[inaudible]`` marks (speech the recogniser could not read, see
    :data:`transcription.providers.local_whisper.INAUDIBLE`) stay in the stored transcript for the
    clinician but are not text the note may quote, so they are left out here.
    """
    from transcription.providers.local_whisper import INAUDIBLE

    turns = []
    for u in utterances:
        text = " ".join(u.text.replace(INAUDIBLE, " ").split())
        if text:
            # Word confidences go with the text: the note never states an uncertain word as a fact.
            turns.append(Turn(speaker=u.speaker, text=text, start=u.start, end=u.end,
                              words=word_confidences(getattr(u, "words", ()))))
    return turns


def note_turn_segments(utterances) -> list[int]:
    """For each turn :func:`note_turns` returns, the index of the utterance (stored segment) it is."""
    from transcription.providers.local_whisper import INAUDIBLE

    return [i for i, u in enumerate(utterances) if u.text.replace(INAUDIBLE, " ").split()]


def encounter_process(
    *, clinic: Clinic, recording: Recording, audio: DecodedAudio, template: TemplateSpec, api_key=None,
) -> EncounterResult:
    """Transcribe, diarize and document a stored recording; record usage.

    Raises:
        EncounterProcessingError: transcription or note generation failed (recording kept, marked failed).
    """
    from ops.metrics import observe_real_time_factor

    started = time.monotonic()
    speech = recording_transcribe(clinic=clinic, recording=recording, audio=audio)
    transcript = transcript_store(recording=recording, result=speech)
    turns = note_turns(speech.utterances)
    try:
        note_result = note_generate(clinic=clinic, turns=turns, template=template, language=recording.language)
    except NoteEngineError as exc:
        reason = f"Clinical note generation failed: {exc.message}"
        _mark_failed(recording, reason)
        raise EncounterProcessingError(reason, recording=recording, stage="note", permanent=exc.permanent) from exc
    # One transaction: a worker killed before its end leaves no note and no usage, so the resumed run
    # (transcription.tasks) writes them exactly once.
    with transaction.atomic():
        note = clinical_note_create(
            result=note_result, template_key=template.key, language=recording.language, recording=recording,
            turn_segments=note_turn_segments(speech.utterances),
        )
        recording.status = Recording.Status.COMPLETED
        recording.failure_reason = ""
        recording.processed_at = timezone.now()
        recording.duration_seconds = speech.duration_seconds
        recording.save(update_fields=["status", "failure_reason", "processed_at", "duration_seconds"])
        usage_record(clinic=clinic, service=Service.TRANSCRIPTION, duration_seconds=speech.duration_seconds,
                     api_key=api_key)
    observe_real_time_factor(processing_seconds=time.monotonic() - started, audio_seconds=speech.duration_seconds)
    return EncounterResult(recording=recording, transcript=transcript, note=note, speech=speech, note_result=note_result)


def transcribe_response(*, clinic: Clinic, result: EncounterResult, template_key: str) -> dict:
    """The ``POST /v1/transcribe`` response body (platform seed): transcript, note, duration, ...

    Each transcript item carries, beyond the seed's ``text``/``start``/``end``/``speaker``, the extra
    fields ``confidence`` (mean word probability, None when unknown) and ``words`` (each word with its
    times and confidence), so a client can show which words the recogniser was unsure of.
    """
    return {
        "transcript": [
            {"text": u.text, "start": round(u.start, 2), "end": round(u.end, 2), "speaker": u.speaker,
             "confidence": u.confidence, "words": [word_as_dict(w) for w in u.words]}
            for u in result.speech.utterances
        ],
        "clinical_note": result.note.content,
        "duration_seconds": round(result.speech.duration_seconds, 2),
        "language": result.recording.language,
        "template": template_key,
        "client_id": clinic.client_id,
        # Extra fields (not in the seed): which transcript utterances each note sentence comes from,
        # and the sentences no utterance supports (to review before signing).
        "evidence": result.note.evidence,
        "unsupported_sentences": result.note.unsupported_sentences,
    }


__all__ = [
    "AudioDecodeError", "AudioProbe", "EncounterProcessingError", "EncounterResult", "audio_decode", "audio_probe",
    "encounter_process", "recording_enqueue", "recording_store", "recording_store_upload", "recording_transcribe", "speech_engine_candidates", "transcribe_response", "transcript_store",
]
