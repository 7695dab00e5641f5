from rest_framework import serializers

from notes.api.serializers import SentenceEvidenceSerializer

from transcription.languages import UnsupportedLanguage, spoken_language


class TranscribeInputSerializer(serializers.Serializer):
    """Form fields of ``POST /v1/transcribe`` (multipart)."""

    audio = serializers.FileField(
        allow_empty_file=True, help_text="Audio file: webm, mp4, wav, mp3, ogg or flac; at most 150 MB."
    )
    language = serializers.RegexField(
        r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$", default="en", max_length=35,
        error_messages={"invalid": "Not a language tag such as en, es-ES or pt-BR."},
        help_text="Spoken language as a BCP 47 tag (en, es-ES, pt-BR: the base language is transcribed). Any "
        "language of the clinic's speech engines: offline Whisper's languages, plus Deepgram's when configured; "
        "else 422 listing them. Notes in en, es, ca, fr, pt, de, it get localized headings, others English ones.")
    template = serializers.CharField(default="general_consultation", help_text="Note template key.")
    num_speakers = serializers.IntegerField(
        required=False, min_value=1, max_value=8, help_text="Number of speakers if known (default: estimated, usually 2)."
    )

    def validate_language(self, value: str) -> str:
        """The base language (``"pt-BR"`` -> ``"pt"``) when one of the clinic's engines supports it."""
        try:
            return spoken_language(value, clinic=self.context.get("clinic"))
        except UnsupportedLanguage as exc:
            raise serializers.ValidationError(str(exc)) from None


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
    evidence = SentenceEvidenceSerializer(
        many=True, help_text="Extra field: the transcript utterances (indices into `transcript`) each note sentence "
        "comes from.")
    unsupported_sentences = SentenceEvidenceSerializer(
        many=True, help_text="Extra field: note sentences no utterance supports (review before signing).")
