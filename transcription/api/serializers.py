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


class TranscriptSegmentSerializer(serializers.Serializer):
    text = serializers.CharField()
    start = serializers.FloatField(help_text="Seconds from the start of the recording.")
    end = serializers.FloatField(help_text="Seconds from the start of the recording.")
    speaker = serializers.IntegerField(help_text="0 = clinician (first speaker), 1 = patient.")


class TranscribeOutputSerializer(serializers.Serializer):
    transcript = TranscriptSegmentSerializer(many=True)
    clinical_note = serializers.CharField(help_text="Markdown, one `## Heading` per template section.")
    duration_seconds = serializers.FloatField()
    language = serializers.CharField()
    template = serializers.CharField()
    client_id = serializers.CharField()
