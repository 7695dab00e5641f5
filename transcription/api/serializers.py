from rest_framework import serializers

from templates.builtin import SUPPORTED_LANGUAGES


class TranscribeInputSerializer(serializers.Serializer):
    """Form fields of ``POST /v1/transcribe`` (multipart)."""

    audio = serializers.FileField(
        allow_empty_file=True, help_text="Audio file: webm, mp4, wav, mp3, ogg or flac; at most 150 MB."
    )
    language = serializers.CharField(default="en", help_text="One of: " + ", ".join(SUPPORTED_LANGUAGES))
    template = serializers.CharField(default="general_consultation", help_text="Note template key.")
    num_speakers = serializers.IntegerField(
        required=False, min_value=1, max_value=8, help_text="Number of speakers if known (default: estimated, usually 2)."
    )

    def validate_language(self, value: str) -> str:
        value = value.strip().lower()
        if value not in SUPPORTED_LANGUAGES:
            raise serializers.ValidationError(
                f"Unsupported language {value!r}; supported: {', '.join(SUPPORTED_LANGUAGES)}"
            )
        return value


class TranscriptWordSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The word; `[inaudible]` marks detected speech that could not be read.")
    start = serializers.FloatField(help_text="Seconds from the start of the recording.")
    end = serializers.FloatField(help_text="Seconds from the start of the recording.")
    confidence = serializers.FloatField(allow_null=True, min_value=0, max_value=1,
                                        help_text="Recogniser probability of the word (below 0.4: uncertain).")


class TranscriptSegmentSerializer(serializers.Serializer):
    text = serializers.CharField()
    start = serializers.FloatField(help_text="Seconds from the start of the recording.")
    end = serializers.FloatField(help_text="Seconds from the start of the recording.")
    speaker = serializers.IntegerField(help_text="0 = clinician (first speaker), 1 = patient.")
    confidence = serializers.FloatField(allow_null=True, min_value=0, max_value=1,
                                        help_text="Extra field: mean word probability of the utterance.")
    words = TranscriptWordSerializer(many=True, help_text="Extra field: the utterance's words with confidences.")


class TranscribeOutputSerializer(serializers.Serializer):
    transcript = TranscriptSegmentSerializer(many=True)
    clinical_note = serializers.CharField(help_text="Markdown, one `## Heading` per template section.")
    duration_seconds = serializers.FloatField()
    language = serializers.CharField()
    template = serializers.CharField()
    client_id = serializers.CharField()
