"""``python manage.py generate_note FILE [--template ...] [--language en] [--evidence]``.

FILE holds a dialogue as ``[doctor] ...`` / ``[patient] ...`` lines (the ACI-Bench format); the
command prints the note the clinic-independent engine (offline unless OpenAI is configured for the
platform) writes for it. With ``--evidence`` it then prints, per note sentence, the dialogue turns
(0-based) it comes from, and marks sentences without evidence (``NoteResult.evidence``).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from templates.builtin import BUILTIN_TEMPLATES, SUPPORTED_LANGUAGES


class Command(BaseCommand):
    help = "Write a clinical note for a [doctor]/[patient] dialogue file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--template", default="general_consultation", choices=sorted(BUILTIN_TEMPLATES))
        parser.add_argument("--language", default="en", choices=SUPPORTED_LANGUAGES)
        parser.add_argument("--evidence", action="store_true", help="also print the source turns of each sentence")

    def handle(self, *args, file: Path, template: str, language: str, evidence: bool = False, **options):
        from notes.dialogue import parse_dialogue
        from notes.engines.base import NoteEngineError
        from notes.services import note_generate

        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            turns = parse_dialogue(file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read the dialogue: {exc}") from None
        try:
            result = note_generate(clinic=None, turns=turns, template=BUILTIN_TEMPLATES[template], language=language)
        except NoteEngineError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(result.markdown)
        if evidence:
            self.stdout.write("Evidence (section | turns | sentence):")
            for entry in result.evidence:
                flag = "" if entry.get("supported", True) else "  UNSUPPORTED: " + "; ".join(entry.get("reasons", []))
                turns_said = ",".join(str(i) for i in entry["utterances"]) or "-"
                self.stdout.write(f"  {entry['section']} | {turns_said} | {entry['sentence']}{flag}")
