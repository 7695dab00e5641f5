"""Serializers of the clinical documentation workflow API (``/v1/transcriptions``, threads, clinical notes)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notes.assistant import ASSISTANTS
from notes.models import ClinicalNote, ClinicalNoteVersion, Message, Run, Thread
from transcription.models import TranscriptionRecord


class _PartiesMixin(serializers.Serializer):
    """``doctor_id`` / ``patient_id``: the ``x-doctor`` / ``x-patient`` headers stored with the object."""

    doctor_id = serializers.CharField(source="doctor_ref", allow_null=True,
                                      help_text="x-doctor of the request that created it (null when none).")
    patient_id = serializers.CharField(source="patient_ref", allow_null=True,
                                       help_text="x-patient of the request that created it (null when none).")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["doctor_id"] = data.get("doctor_id") or None
        data["patient_id"] = data.get("patient_id") or None
        return data


# --- transcriptions ---------------------------------------------------------------------------


class TranscriptionCreateSerializer(serializers.Serializer):
    duration_seconds = serializers.FloatField(min_value=0, help_text="Duration of the recording in seconds (min 0).")
    original_transcript = serializers.CharField(help_text="The transcribed text of the conversation.")
    language_used = serializers.CharField(required=False, allow_blank=True, max_length=16,
                                          help_text="Language code, e.g. en, es, fr.")


class TranscriptionSerializer(_PartiesMixin, serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    duration_seconds = serializers.FloatField()
    original_transcript = serializers.CharField()
    language_used = serializers.CharField(allow_null=True)
    clinical_note_id = serializers.SerializerMethodField(help_text="The draft clinical note created with it.")
    created_at = serializers.DateTimeField()

    def get_clinical_note_id(self, record: TranscriptionRecord) -> str | None:
        note = record.clinical_notes.order_by("created_at").first()
        return str(note.uuid) if note else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["language_used"] = data["language_used"] or None
        return data


class OriginalTranscriptionSerializer(TranscriptionSerializer):
    """A transcription as the original workflow answers it (``user_id`` = x-doctor, ``group_id`` = clinic)."""

    user_id = serializers.CharField(source="doctor_ref", help_text="The doctor (x-doctor) it was created for.")
    group_id = serializers.SerializerMethodField(help_text="The clinic's client_id.")

    def get_group_id(self, record) -> str:
        return self.context["clinic"].client_id


class OriginalTranscriptionCreatedSerializer(serializers.Serializer):
    """``201`` of ``POST /v1/transcriptions/create``: ``{"message", "transcription": {...}}``."""

    message = serializers.CharField()
    transcription = OriginalTranscriptionSerializer()


# --- threads and runs -----------------------------------------------------------------------------


class MessageSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Message.Role.choices)
    content = serializers.CharField(trim_whitespace=False)


#: LangChain message ``type`` of each role (the LangGraph SDK reads ``values.messages[].type``).
MESSAGE_TYPES = {"user": "human", "assistant": "ai", "system": "system"}


class HistoryMessageSerializer(serializers.ModelSerializer):
    run_id = serializers.UUIDField(source="run.uuid", allow_null=True, default=None)
    type = serializers.SerializerMethodField(help_text="LangChain message type: human, ai or system.")

    class Meta:
        model = Message
        fields = ["role", "type", "content", "run_id", "created_at"]

    def get_type(self, message: Message) -> str:
        return MESSAGE_TYPES[message.role]


def thread_values(thread: Thread) -> dict:
    """A thread's state values: ``{"messages": [...]}`` oldest first, plus ``clinical_note`` (the
    structured note of its latest clinical extraction) once a run has written one."""
    messages = list(thread.messages.select_related("run").order_by("index"))
    values: dict = {"messages": HistoryMessageSerializer(messages, many=True).data}
    note = next((m.data for m in reversed(messages) if m.data), None)
    if note is not None:
        values["clinical_note"] = note
    return values


class ThreadSerializer(_PartiesMixin, serializers.ModelSerializer):
    thread_id = serializers.UUIDField(source="uuid")
    values = serializers.SerializerMethodField(
        help_text="The thread's state: its message history, oldest first, and the latest clinical_note.")
    interrupts = serializers.SerializerMethodField(help_text="Always {} (runs never pause for input).")

    class Meta:
        model = Thread
        fields = ["thread_id", "created_at", "updated_at", "metadata", "status", "values", "interrupts",
                  "doctor_id", "patient_id"]

    def get_values(self, thread: Thread) -> dict:
        return thread_values(thread)

    def get_interrupts(self, thread: Thread) -> dict:
        return {}


class ThreadCreateSerializer(serializers.Serializer):
    metadata = serializers.DictField(required=False, allow_null=True, help_text="Free-form labels kept on the thread.")
    thread_id = serializers.UUIDField(required=False, allow_null=True,
                                      help_text="Choose the thread's id (a UUID); default: a new random one.")
    if_exists = serializers.ChoiceField(
        choices=["raise", "do_nothing"], required=False, allow_null=True,
        help_text="When thread_id exists: raise (409, default) or do_nothing (answer that thread).")


class RunInputSerializer(serializers.Serializer):
    messages = MessageSerializer(many=True, allow_empty=False)


class ConfigurableSerializer(serializers.Serializer):
    thread_id = serializers.CharField(required=False, help_text="Must be the thread of the URL when given.")
    template = serializers.CharField(required=False, help_text="Note template for clinical extraction (e.g. SOAP).")
    language = serializers.CharField(required=False, help_text="Note language (en, es, ca, fr, pt, de, it).")
    transcription_id = serializers.UUIDField(required=False,
                                             help_text="A stored transcription (POST /v1/transcriptions) to work on.")


class RunConfigSerializer(serializers.Serializer):
    configurable = ConfigurableSerializer(required=False)


class RunCreateSerializer(serializers.Serializer):
    input = RunInputSerializer()
    config = RunConfigSerializer(required=False, allow_null=True)
    assistant_id = serializers.CharField(
        required=False, allow_blank=True, max_length=100,
        help_text="scribe (default: note or answer, from the input), extraction (always a note) or chat "
        "(always an answer). Other ids behave as scribe.")
    metadata = serializers.DictField(required=False, allow_null=True)


class RunSerializer(_PartiesMixin, serializers.ModelSerializer):
    run_id = serializers.UUIDField(source="uuid")
    thread_id = serializers.UUIDField(source="thread.uuid")
    kind = serializers.CharField(allow_null=True)
    error = serializers.CharField(allow_null=True)
    retryable = serializers.SerializerMethodField(help_text="For failed runs: whether running it again may help.")
    multitask_strategy = serializers.SerializerMethodField(
        help_text="Always reject: a second run on a busy thread answers 409.")

    class Meta:
        model = Run
        fields = ["run_id", "thread_id", "assistant_id", "status", "kind", "input", "config", "metadata", "output",
                  "error", "retryable", "multitask_strategy", "doctor_id", "patient_id", "created_at", "updated_at",
                  "started_at", "finished_at"]

    def get_multitask_strategy(self, run: Run) -> str:
        return "reject"

    def get_retryable(self, run: Run) -> bool | None:
        return None if run.status != Run.Status.ERROR else not run.error_permanent

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["kind"] = data["kind"] or None
        data["error"] = data["error"] or None
        return data


# --- clinical notes ---------------------------------------------------------------------------------


SECTION_VALUE_SCHEMA = {"oneOf": [
    {"type": "string", "nullable": True},
    {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}},
    {"type": "object"},
]}


@extend_schema_field({
    "type": "object", "additionalProperties": SECTION_VALUE_SCHEMA,
    "description": "Section key -> a string, a list of strings, a JSON object (structured section such as "
    "codes or medications) or null (empties the section). Only the named sections change; for a template, "
    "keys must be its section keys (else 400 naming them); any keys for custom.",
})
class AiGeneratedContentField(serializers.JSONField):
    pass


class ClinicalNoteUpdateSerializer(serializers.Serializer):
    template = serializers.CharField(required=False, max_length=100,
                                     help_text="SOAP, BIRP, DAP, GIRP, custom, or a clinic template key.")
    ai_generated_content = AiGeneratedContentField(required=False)
    feedback = serializers.CharField(required=False, allow_blank=True)
    report_thread_id = serializers.CharField(required=False, allow_blank=True, max_length=64)
    report_run_id = serializers.ListField(child=serializers.CharField(max_length=64), required=False)

    def validate_ai_generated_content(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("must be a JSON object")
        return value


class SignedOffSerializer(serializers.Serializer):
    uid = serializers.CharField()
    name = serializers.CharField()


def _signed_off(obj) -> dict | None:
    if obj.signed_off_at is None:
        return None
    return {"uid": obj.signed_off_by_uid, "name": obj.signed_off_by_name, "at": obj.signed_off_at.isoformat()}


class SentenceEvidenceSerializer(serializers.Serializer):
    """Provenance of one sentence of a generated note (extra field of the note responses)."""

    section = serializers.CharField(allow_blank=True, help_text="Note section key.")
    sentence = serializers.CharField(allow_blank=True)
    utterances = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        help_text="Indices of the transcript utterances (segments, in order from 0) the sentence comes from.")
    supported = serializers.BooleanField(help_text="False when no utterance supports the sentence: review it.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why a sentence is unsupported.")
    from_clinician_notes = serializers.BooleanField(
        required=False, help_text="True when the sentence (also) comes from the clinician's typed notes.")


class NoteEvidenceFieldsMixin(serializers.Serializer):
    """Extra fields of a note: ``evidence`` (every sentence's source utterances) and
    ``unsupported_sentences`` (the entries with ``supported: false``)."""

    evidence = SentenceEvidenceSerializer(many=True, read_only=True)
    unsupported_sentences = SentenceEvidenceSerializer(many=True, read_only=True)


class ClinicalNoteSerializer(_PartiesMixin, NoteEvidenceFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    template = serializers.CharField(source="template_key", allow_null=True)
    content = serializers.CharField(help_text="The note as Markdown, one `## Heading` per section.")
    report_run_id = serializers.ListField(source="report_run_ids", child=serializers.CharField())
    report_thread_id = serializers.CharField(allow_null=True)
    transcription_id = serializers.UUIDField(source="transcription_record.uuid", allow_null=True, default=None)
    recording_id = serializers.UUIDField(source="recording.uuid", allow_null=True, default=None)
    signed_off = serializers.SerializerMethodField(
        help_text='`{"uid", "name", "at"}` of the clinician who signed off this version, or null.')

    class Meta:
        model = ClinicalNote
        fields = ["id", "template", "language", "ai_generated_content", "content", "feedback", "report_thread_id",
                  "report_run_id", "version", "engine", "transcription_id", "recording_id", "signed_off",
                  "updated_by", "doctor_id", "patient_id", "created_at", "updated_at", "evidence",
                  "unsupported_sentences"]

    def get_signed_off(self, note) -> dict | None:
        return _signed_off(note)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["template"] = data["template"] or None
        data["report_thread_id"] = data["report_thread_id"] or None
        return data


class ClinicalNoteVersionSerializer(_PartiesMixin, serializers.ModelSerializer):
    template = serializers.CharField(source="template_key", allow_null=True)
    report_run_id = serializers.ListField(source="report_run_ids", child=serializers.CharField())
    signed_off = serializers.SerializerMethodField()

    class Meta:
        model = ClinicalNoteVersion
        fields = ["version", "template", "language", "ai_generated_content", "content", "feedback",
                  "report_thread_id", "report_run_id", "engine", "changed_by", "doctor_id", "patient_id", "signed_off",
                  "created_at"]

    def get_signed_off(self, version) -> dict | None:
        return _signed_off(version)


class ClinicalNoteVersionsSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    current_version = serializers.IntegerField()
    versions = ClinicalNoteVersionSerializer(many=True)


# --- LangGraph Agent Server protocol (/v1/lang-graph) -------------------------------------------------


class CheckpointSerializer(serializers.Serializer):
    thread_id = serializers.UUIDField()
    checkpoint_ns = serializers.CharField(allow_blank=True)
    checkpoint_id = serializers.CharField(allow_null=True)


class ThreadStateSerializer(serializers.Serializer):
    """LangGraph ``ThreadState``: the thread's values at its latest checkpoint (one per finished run)."""

    values = serializers.DictField(help_text="{messages: [...], clinical_note?: {...}}")
    next = serializers.ListField(child=serializers.CharField(), help_text="Always [] (no pending nodes).")
    tasks = serializers.ListField(child=serializers.DictField(), help_text="Always [].")
    checkpoint = CheckpointSerializer()
    parent_checkpoint = CheckpointSerializer(allow_null=True)
    metadata = serializers.DictField()
    created_at = serializers.DateTimeField(allow_null=True)
    interrupts = serializers.ListField(child=serializers.DictField(), help_text="Always [].")


class RunListQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=100)
    offset = serializers.IntegerField(required=False, default=0, min_value=0)
    status = serializers.ChoiceField(choices=Run.Status.choices, required=False)


class AssistantSerializer(serializers.Serializer):
    """LangGraph ``Assistant``; ``graph_id`` is the assistant id."""

    assistant_id = serializers.ChoiceField(choices=sorted(ASSISTANTS))
    graph_id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    config = serializers.DictField()
    context = serializers.DictField()
    metadata = serializers.DictField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class AssistantSearchSerializer(serializers.Serializer):
    graph_id = serializers.CharField(required=False, allow_null=True, allow_blank=True,
                                     help_text="Only the assistant with this graph id.")
    name = serializers.CharField(required=False, allow_null=True, allow_blank=True,
                                 help_text="Only assistants whose name contains this (case-insensitive).")
    metadata = serializers.DictField(required=False, allow_null=True,
                                     help_text="Only assistants with these metadata (none have any).")
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=100)
    offset = serializers.IntegerField(required=False, default=0, min_value=0)
