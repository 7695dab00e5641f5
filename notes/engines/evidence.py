"""Trace the sentences of a generated note back to the transcript.

An LLM can write a fluent sentence nobody said. ``trace_note`` checks every
sentence of a note against the diarized transcript it was written from and
returns, per sentence, the utterances (turn indices) that support it, in the
same shape as the offline engine's exact provenance
(``NoteResult.evidence``)::

    [{"section": "plan", "sentence": "Start amoxicillin 500 mg twice daily.",
      "utterances": [12], "supported": True, "reasons": []}, ...]

A sentence is *supported* when

1. every number in it (doses, vitals, durations: "500", "1/2", "38.5",
   "128/82") occurs in the transcript, after the transcript's spoken numbers
   are normalised the way the offline engine does ("five hundred milligrams"
   -> "500 mg", "one twenty over eighty" -> "120/80");
2. every medication name in it (``clinical_lexicon.drug_names``) occurs in
   the transcript; and
3. when note and transcript are in the same language, at least half of its
   content words (a symptom's usual note wording, "fatigue" for "tired",
   counts as said) (stop-words and note boilerplate such as "patient",
   "reports", "denies" removed; words compared by their first 5 letters, a
   light stemming) occur in at most three utterances. The 0.5 threshold is
   our choice: extractive sentences of the offline engine score 0.8-1.0,
   while a sentence with an invented finding or plan shares at most its
   subject with the transcript.

Numbers and drug names are the two things a clinician must never find
invented, so they are checked in any language; the lexical check is skipped
when the note is written in another language than the transcript (the
words cannot match). Unsupported sentences carry the ``reasons`` (e.g.
``"number 10 not in transcript"``) so a reviewer sees what to check.
Nothing here logs text: it is patient data.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from notes.engines import clinical_lexicon
from notes.engines.base import Turn

__all__ = ["MIN_COVERAGE", "content_stems", "note_sentences", "trace_note"]

#: Share of a sentence's content words that the supporting utterances must contain.
MIN_COVERAGE = 0.5
#: Most utterances one note sentence is traced to.
MAX_UTTERANCES = 3

# Words a note adds around what was said: never evidence of anything.
_BOILERPLATE = frozenset(
    """
    patient patients reports reported reporting denies denied states stated notes noted presents presented
    complains complaint history present currently today also additionally including per which there this
    that these those with without will would should plan assessment discussed discuss advised advise
    recommended recommend continue follow review reviewed examination exam findings finding note visit
    constitutional eyes ears nose mouth throat cardiovascular respiratory gastrointestinal genitourinary
    musculoskeletal skin neurological psychiatric endocrine hematologic allergic immunologic
    refiere niega paciente refereix nega pacient rapporte nie patient patiente refere berichtet verneint
    riferisce paziente asked pregunta question pergunta frage domanda the and for not has have had was were
    from into onto about over under after before when while then than been being does did each every both
    some such very they them their she her his him family member unclear
    """.split()
)
_WORD = re.compile(r"[^\W\d_][\w'’·-]*", re.UNICODE)


def _stem(word: str) -> str:
    """First 5 letters of a lower-case word (light stemming: "swelling" ~ "swell")."""
    return word[:5]


def _content_stems(text: str, lang: str) -> set[str]:
    from notes.engines.offline.filters import _CONTENT_STOP
    from notes.engines.offline.lexicons import _STOPWORDS

    stop = _STOPWORDS.get(lang, frozenset()) | _CONTENT_STOP | _BOILERPLATE
    out = set()
    for w in _WORD.findall(text.lower()):
        w = re.sub(r"['’]s$", "", w.strip("'’-"))
        if len(w) < 3 or w in stop:
            continue
        out.add(_stem(w))
    return out


def _display_stems(text: str, lang: str) -> set[str]:
    """Stems of the note wording of symptoms said in ``text`` ("tired" -> "fatigue").

    The offline engine writes some symptoms in note wording
    (``offline.ros._ROS_DISPLAY_EN``); a note using that wording is supported by
    the spoken form.
    """
    if lang != "en":
        return set()
    from notes.engines.offline.ros import _ROS_DISPLAY_EN

    out: set[str] = set()
    for spoken, display in _ROS_DISPLAY_EN.items():
        if re.search(r"(?<!\w)" + re.escape(spoken) + r"(?!\w)", text):
            out |= _content_stems(display, lang)
    return out


def _normalised_turn(text: str, lang: str) -> str:
    from notes.engines.offline.normalise import _normalise

    return _normalise(text, lang).lower()


def content_stems(text: str, lang: str) -> set[str]:
    """Stems of the content words of ``text`` as ``trace_note`` compares them.

    Spoken numbers normalised, stop-words and note boilerplate removed,
    words cut to their first 5 letters; an utterance's symptoms also count
    in their note wording ("tired" -> "fatigue").
    """
    norm = _normalised_turn(text, lang)
    return _content_stems(norm, lang) | _display_stems(norm, lang)


def note_sentences(sections: Mapping[str, str]) -> list[tuple[str, str]]:
    """Split note sections into ``(section_key, sentence)`` pairs.

    Markdown bullets, numbering and bold labels are removed; a section's
    lines are split at sentence ends. Placeholders such as "Not discussed."
    are skipped.
    """
    from notes.engines.base import NOT_DISCUSSED

    placeholders = {p.lower() for p in NOT_DISCUSSED.values()}
    out: list[tuple[str, str]] = []
    for key, body in sections.items():
        for line in (body or "").splitlines():
            line = re.sub(r"^\s*(?:[-*•]\s+|\d+[.)]\s+)", "", line)
            line = re.sub(r"\*\*([^*]+)\*\*:?", r"\1:", line).strip()
            if not line:
                continue
            for sentence in re.split(r"(?<=[.!?])\s+(?=[^\W\d_])", line):
                sentence = sentence.strip()
                if sentence and sentence.lower() not in placeholders:
                    out.append((key, sentence))
    return out


def trace_note(
    sections: Mapping[str, str], turns: Sequence[Turn], *, note_language: str, transcript_language: str | None = None
) -> list[dict]:
    """Evidence entries for every sentence of a note.

    Args:
        sections: Section key -> body, as in ``NoteResult.sections``.
        turns: The transcript the note was written from.
        note_language: ISO 639-1 code of the note.
        transcript_language: Code of the transcript; defaults to
            ``note_language``. When they differ only numbers and drug names
            are checked.

    Returns:
        ``[{"section", "sentence", "utterances": [turn indices], "supported":
        bool, "reasons": [str]}]`` in note order (see the module docstring
        for the rules).
    """
    src = transcript_language or note_language
    same_language = src == note_language
    texts = [_normalised_turn(t.text, src) for t in turns]
    stems = [_content_stems(t, src) | _display_stems(t, src) for t in texts]
    all_text = "\n".join(texts)
    transcript_numbers = set(clinical_lexicon.numbers_in(all_text))
    transcript_drugs = set(clinical_lexicon.drug_names(all_text))

    entries: list[dict] = []
    for key, sentence in note_sentences(sections):
        norm = _normalised_turn(sentence, note_language)
        reasons: list[str] = []
        chosen: list[int] = []
        for number in clinical_lexicon.numbers_in(norm):
            holders = [i for i, t in enumerate(texts) if number in clinical_lexicon.numbers_in(t)]
            if number not in transcript_numbers:
                reasons.append(f"number {number} not in transcript")
            chosen.extend(holders[:1])
        for drug in clinical_lexicon.drug_names(norm):
            if drug not in transcript_drugs:
                reasons.append(f"medication {drug} not in transcript")
            else:
                chosen.extend([i for i, t in enumerate(texts) if drug in t][:1])
        if same_language:
            words = _content_stems(norm, note_language)
            if words:
                ranked = sorted(
                    ((len(words & s), i) for i, s in enumerate(stems) if words & s), key=lambda x: (-x[0], x[1])
                )
                covered: set[str] = set()
                for _, i in ranked:
                    gain = (words & stems[i]) - covered
                    if not gain:
                        continue
                    covered |= gain
                    chosen.append(i)
                    if len(set(chosen)) >= MAX_UTTERANCES:
                        break
                coverage = len(covered) / len(words)
                if coverage < MIN_COVERAGE:
                    missing = sorted(words - covered)[:6]
                    reasons.append(f"only {coverage:.0%} of its words were said (not found: {', '.join(missing)})")
        entries.append({
            "section": key,
            "sentence": sentence,
            "utterances": sorted(set(chosen)),
            "supported": not reasons,
            "reasons": reasons,
        })
    return entries
