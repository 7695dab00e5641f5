"""Serializers of the clinical documentation workflow API (``/v1/transcriptions``, threads, clinical notes)."""

from __future__ import annotations

from rest_framework import serializers

from notes.models import ClinicalNote, ClinicalNoteVersion, Message, Run, Thread
from transcription.models import TranscriptionRecord


# --- transcriptions ---------------------------------------------------------------------------


class TranscriptionCreateSerializer(serializers.Serializer):
    duration_seconds = serializers.FloatField(min_value=0, help_text="Duration of the recording in seconds (min 0).")
    original_transcript = serializers.CharField(help_text="The transcribed text of the conversation.")
    language_used = serializers.CharField(required=False, allow_blank=True, max_length=16,
                                          help_text="Language code, e.g. en, es, fr.")


class TranscriptionSerializer(serializers.Serializer):
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


# --- threads and runs -----------------------------------------------------------------------------


class MessageSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Message.Role.choices)
    content = serializers.CharField(trim_whitespace=False)


class HistoryMessageSerializer(serializers.ModelSerializer):
    run_id = serializers.UUIDField(source="run.uuid", allow_null=True, default=None)

    class Meta:
        model = Message
        fields = ["role", "content", "run_id", "created_at"]


class ThreadSerializer(serializers.ModelSerializer):
    thread_id = serializers.UUIDField(source="uuid")
    values = serializers.SerializerMethodField(help_text="The thread's state: its message history, oldest first.")

    class Meta:
        model = Thread
        fields = ["thread_id", "created_at", "updated_at", "metadata", "status", "values"]

    def get_values(self, thread: Thread) -> dict:
        messages = thread.messages.select_related("run").order_by("index")
        return {"messages": HistoryMessageSerializer(messages, many=True).data}


class ThreadCreateSerializer(serializers.Serializer):
    metadata = serializers.DictField(required=False, help_text="Free-form labels kept on the thread.")


class RunInputSerializer(serializers.Serializer):
    messages = MessageSerializer(many=True, allow_empty=False)


class ConfigurableSerializer(serializers.Serializer):
    thread_id = serializers.CharField(help_text="Must be the thread of the URL.")
    template = serializers.CharField(required=False, help_text="Note template for clinical extraction (e.g. SOAP).")
    language = serializers.CharField(required=False, help_text="Note language (en, es, ca, fr, pt, de, it).")
    transcription_id = serializers.UUIDField(required=False,
                                             help_text="A stored transcription (POST /v1/transcriptions) to work on.")


class RunConfigSerializer(serializers.Serializer):
    configurable = ConfigurableSerializer()


class RunCreateSerializer(serializers.Serializer):
    input = RunInputSerializer()
    config = RunConfigSerializer()
    assistant_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    metadata = serializers.DictField(required=False)


class RunSerializer(serializers.ModelSerializer):
    run_id = serializers.UUIDField(source="uuid")
    thread_id = serializers.UUIDField(source="thread.uuid")
    kind = serializers.CharField(allow_null=True)
    error = serializers.CharField(allow_null=True)
    retryable = serializers.SerializerMethodField(help_text="For failed runs: whether running it again may help.")

    class Meta:
        model = Run
        fields = ["run_id", "thread_id", "assistant_id", "status", "kind", "input", "config", "metadata", "output",
                  "error", "retryable", "created_at", "updated_at", "started_at", "finished_at"]

    def get_retryable(self, run: Run) -> bool | None:
        return None if run.status != Run.Status.ERROR else not run.error_permanent

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["kind"] = data["kind"] or None
        data["error"] = data["error"] or None
        return data


# --- clinical notes ---------------------------------------------------------------------------------


class ClinicalNoteUpdateSerializer(serializers.Serializer):
    template = serializers.CharField(required=False, max_length=100,
                                     help_text="SOAP, BIRP, DAP, GIRP, custom, or a clinic template key.")
    ai_generated_content = serializers.JSONField(
        required=False, help_text="Structured note: for a template, one string per section key (its JSON Schema); "
        "any JSON object for custom.")
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


class ClinicalNoteSerializer(serializers.ModelSerializer):
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
                  "updated_by", "created_at", "updated_at"]

    def get_signed_off(self, note) -> dict | None:
        return _signed_off(note)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["template"] = data["template"] or None
        data["report_thread_id"] = data["report_thread_id"] or None
        return data


class ClinicalNoteVersionSerializer(serializers.ModelSerializer):
    template = serializers.CharField(source="template_key", allow_null=True)
    report_run_id = serializers.ListField(source="report_run_ids", child=serializers.CharField())
    signed_off = serializers.SerializerMethodField()

    class Meta:
        model = ClinicalNoteVersion
        fields = ["version", "template", "language", "ai_generated_content", "content", "feedback",
                  "report_thread_id", "report_run_id", "engine", "changed_by", "signed_off", "created_at"]

    def get_signed_off(self, version) -> dict | None:
        return _signed_off(version)


class ClinicalNoteVersionsSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    current_version = serializers.IntegerField()
    versions = ClinicalNoteVersionSerializer(many=True)
