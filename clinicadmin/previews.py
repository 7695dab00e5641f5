"""Preview of a note template in the admin: the offline note engine writes a note for a short sample visit.

The sample is a made-up four-turn visit (no patient data), in English and in Spanish; templates in
other languages are previewed with the English sample and headings in the template's language (the
offline engine writes notes in another language than the conversation's).
"""

from __future__ import annotations

from notes.engines import OfflineNoteEngine, Turn
from notes.engines.base import NoteResult
from templates.builtin import TemplateSpec

#: Made-up sample visits (speaker 0 = clinician, 1 = patient), per conversation language.
SAMPLE_VISITS: dict[str, tuple[Turn, ...]] = {
    "en": (
        Turn(0, "Hello, what brings you in today?", 0.0, 2.5),
        Turn(1, "My throat has been hurting for four days and I had a fever last night.", 2.5, 7.0),
        Turn(0, "On exam your throat is red and your tonsils are swollen. I think you have acute pharyngitis.",
             7.0, 12.0),
        Turn(0, "I'll prescribe ibuprofen 400 mg every 8 hours and we'll do a rapid strep test.", 12.0, 16.0),
    ),
    "es": (
        Turn(0, "Hola, ¿qué le trae hoy por aquí?", 0.0, 2.5),
        Turn(1, "Me duele la garganta desde hace cuatro días y anoche tuve fiebre.", 2.5, 7.0),
        Turn(0, "En la exploración tiene la garganta roja y las amígdalas inflamadas. Creo que es una faringitis aguda.",
             7.0, 12.0),
        Turn(0, "Le receto ibuprofeno 400 mg cada 8 horas y haremos un test rápido de estreptococo.", 12.0, 16.0),
    ),
}


def sample_visit(language: str) -> tuple[Turn, ...]:
    """The sample visit in ``language`` (the English one when there is none in that language)."""
    return SAMPLE_VISITS.get(language, SAMPLE_VISITS["en"])


def note_preview(*, template: TemplateSpec, language: str) -> NoteResult:
    """Write the sample visit's note with ``template`` in ``language`` (offline engine, deterministic).

    Returns:
        The engine's :class:`notes.engines.base.NoteResult` (``markdown``, ``sections``, ``evidence``).
    Raises:
        notes.engines.NoteEngineError: the engine could not write the note.
    """
    return OfflineNoteEngine().generate(turns=sample_visit(language), template=template, language=language)
