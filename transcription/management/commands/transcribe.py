"""``python manage.py transcribe FILE [--language en] [--template ...] [--clinic SLUG]``.

Runs the same pipeline as ``POST /v1/transcribe`` and prints the same JSON. With ``--clinic`` the
recording, transcript, note and usage are stored in that clinic; without it nothing is stored.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from clinics.models import Clinic
from templates.builtin import BUILTIN_TEMPLATES


class Command(BaseCommand):
    help = "Transcribe and diarize an audio file and write its clinical note; prints the API's JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--language", default="en",
                            help="BCP 47 tag (en, es-ES, pt-BR, nl, ...): any language the speech engines support.")
        parser.add_argument("--template", default="general_consultation")
        parser.add_argument("--clinic", default=None, help="Clinic id: store the results in this clinic.")
        parser.add_argument("--num-speakers", type=int, default=None)

    def handle(self, *args, file: Path, language: str, template: str, clinic: str | None, num_speakers, **options):
        from transcription.languages import UnsupportedLanguage, base_language, supported_languages

        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            language = base_language(language)
        except UnsupportedLanguage as exc:
            raise CommandError(str(exc)) from None
        supported = supported_languages(Clinic.objects.filter(client_id=clinic).first() if clinic else None)
        if language not in supported:
            raise CommandError(f"language {language!r} is not supported; supported: {', '.join(sorted(supported))}")
        if clinic:
            clinic_obj = Clinic.objects.filter(client_id=clinic).first()
            if clinic_obj is None:
                raise CommandError(f"No clinic with id {clinic!r}")
            with schema_context(clinic_obj.schema_name):
                body = self._stored(clinic_obj, file, language, template, num_speakers)
        else:
            body = self._unstored(file, language, template, num_speakers)
        self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))

    def _stored(self, clinic, file, language, template_key, num_speakers) -> dict:
        from templates.selectors import TemplateNotFound, template_get
        from transcription.models import Recording
        from transcription.services import (
            AudioDecodeError, EncounterProcessingError, audio_decode, encounter_process, recording_store,
            transcribe_response,
        )

        try:
            template = template_get(key=template_key)
            audio = audio_decode(file)
        except TemplateNotFound:
            raise CommandError(f"Unknown template {template_key!r}") from None
        except AudioDecodeError as exc:
            raise CommandError(str(exc)) from None
        with file.open("rb") as handle:
            recording = recording_store(
                file=handle, original_filename=file.name, audio=audio, language=language,
                template_key=template.key, num_speakers=num_speakers, source=Recording.Source.CLI,
            )
        try:
            result = encounter_process(clinic=clinic, recording=recording, audio=audio, template=template)
        except EncounterProcessingError as exc:
            raise CommandError(exc.message) from None
        return transcribe_response(clinic=clinic, result=result, template_key=template.key)

    def _unstored(self, file, language, template_key, num_speakers) -> dict:
        from notes.engines.base import NoteEngineError
        from notes.services import note_generate
        from transcription.providers.base import SpeechProviderError, word_as_dict
        from transcription.services import AudioDecodeError, audio_decode, note_turns, speech_engine_candidates

        template = BUILTIN_TEMPLATES.get(template_key)
        if template is None:
            raise CommandError(f"Unknown template {template_key!r} (custom templates need --clinic)")
        try:
            audio = audio_decode(file)
        except AudioDecodeError as exc:
            raise CommandError(str(exc)) from None
        (_, factory), *_ = speech_engine_candidates(None)
        try:
            speech = factory().transcribe(audio, language=language, num_speakers=num_speakers)
            note = note_generate(clinic=None, turns=note_turns(speech.utterances), template=template, language=language)
        except (SpeechProviderError, NoteEngineError) as exc:
            raise CommandError(exc.message) from None
        return {
            "transcript": [
                {"text": u.text, "start": round(u.start, 2), "end": round(u.end, 2), "speaker": u.speaker,
                 "confidence": u.confidence, "words": [word_as_dict(w) for w in u.words]}
                for u in speech.utterances
            ],
            "clinical_note": note.markdown,
            "duration_seconds": round(speech.duration_seconds, 2),
            "language": language,
            "template": template.key,
            "client_id": None,
        }
