"""Offline, deterministic clinical note engine.

``OfflineNoteEngine`` writes a note from a diarized clinician-patient
conversation without any model or network access. It is an extractive,
rule-based summariser:

1. Each turn is normalised (ASR tokenisation artefacts such as ``do n't``,
   spoken numbers -> digits, ``milligrams`` -> ``mg``) and cleaned of
   disfluencies (``notes.engines.speech_cleanup``: fillers per language,
   repeated words and phrases such as "four, four days" or "I heard that I
   heard that"), then split into sentences: at punctuation, at
   acknowledgements and questions inside a sentence ("..., okay, now do you
   ..."), at commas that open a new main clause in long run-on sentences,
   and at discourse markers for unpunctuated ASR output. Conjunctions left
   dangling at the end of a sentence ("..., and.") are dropped.
2. Every sentence is scored against clinical *topics* (symptoms/history,
   medications, social history, examination, results, assessment, plan,
   dental and behavioural-health topics) using per-language cue lists,
   weighted by who said it. Sentence-level rules then send a clinician's
   diagnosis ("so this is strep throat", "consistent with ...") to the
   assessment, test/lab/imaging results ("the rapid test is positive",
   "x-ray shows", "labs show ...") to the results (bedside manoeuvres such
   as "McMurray test is positive" stay in the examination), and a
   clinician restating the history with a time ("so 4 days ago you started
   feeling badly") to the history of present illness.
3. Template sections are mapped to topics: built-in section keys have a
   fixed mapping; custom sections are matched through the words of their
   key, headings and guidance. Each sentence goes to the single best section.
4. Yes/no exchanges ("any chest pain?" - "no") become "Denies chest pain." /
   "Reports chest pain." lines for the review of systems. Polarity is read
   per symptom: a symptom the answer names takes the polarity of its own
   clause (``clinical_lexicon.scope_of``: "yes, but no chills", "I have had
   no fever", "fiebre no, pero ..."), the others the yes/no; what a short
   answer names is kept ("Allergies?" - "Yes, penicillin." -> "reports
   allergies: penicillin"; "No, but my ankles swell" keeps both), and an
   answer too short to stand alone keeps its question ('Metformin (asked:
   "What do you take?")'). Hedged, hypothetical and third-party mentions
   ("maybe", "if you get a fever", "my wife has a fever") never become the
   patient's findings, and questions, negated or excluded findings never
   enter the problem list.
5. English sentences are rewritten in note style: first person -> third
   person ("I have had ..." -> "She has had ..."), second person addressed to
   the patient -> third person, "I'm going to order ..." -> "We will order
   ...". When the patient's gender is unknown, the first mention in a
   sentence is "the patient" and later ones "they"/"them"/"their" ("The
   patient thinks they had a fever"), never "the patient thinks the
   patient". A family member's sentence that speaks in the first person
   ("I heard him wheezing", "my son has a fever") is quoted as said:
   their "I" is not the patient. Other languages keep the speaker's
   wording, prefixed with a localized "Reports:" for patient statements.
6. The chief complaint is a noun phrase: the reason for the visit the
   clinician states, else the problem the clinician names when opening the
   visit or the patient names in answer to the opening question ("my
   throat has been hurting" -> "Throat pain", "I twisted my ankle" ->
   "Ankle injury"), with the duration the patient gives ("for 4 days").
   A clause that is not a complaint is never used, nor a symptom the
   clinician asked about (also without "?": "have you had any ...").

Nothing is invented: every phrase of a section comes from the conversation
(plus fixed connective words such as "Reports", "Denies"), and
``NoteResult.evidence`` gives, per note sentence, the turn indices it was
built from. Numbers and doses are never changed by the clean-up ("1 1/2
tablets", "2, 2 mg tablets"), and a sentence is dropped as small talk only
when it has no clinical content (``clinical_lexicon.has_clinical_content``),
not because of a trigger word. Safety is measured on the set in
``notes/safety`` (``bench/note_safety.py``). The output depends only on the
input, so the engine is deterministic. An ACI-Bench visit (about
1,300 words) takes about 40 ms on one core; a 15-minute visit well under 1 s.

Package layout (one job per module, in pipeline order)::

    languages/<code>.py  per-language tables (one module per language)
    normalise.py         ASR artefacts, spoken numbers -> digits
    sentences.py         sentence splitting, fillers, leading words
    filters.py           what belongs in a note (clinical content check)
    topics.py            topic scoring and sentence-level routing rules
    answers.py           yes/no and short answers with their questions
    routing.py           template sections -> topics (built-in and custom)
    person.py            note style: first/second person -> third person
    complaint.py         chief complaint
    ros.py               review of systems
    problems.py          problem list / assessment
    uncertain.py         low-confidence words: marked, never stated as fact
    engine.py            ``OfflineNoteEngine``, evidence
    lexicons.py, model.py  shared per-language lists, working data types

How to add a language (e.g. Dutch, ``nl``):

1. Copy ``languages/en.py`` (the most complete) or the closest language to
   ``languages/nl.py`` and translate every table. The tables are
   discovered by file name; ``languages/__init__.py`` lists which step uses each.
   A table you leave out makes that step fall back to English or skip the
   rule (e.g. ``UNMARKED_QUESTION``, ``YN_PREFIX``). Keys of the tables
   keyed by topic (``TOPIC_CUES``), body system (``ROS_SYSTEMS``) or section
   (``SUBHEADINGS``) must be the English module's keys.
2. Add ``"nl"`` to ``templates.builtin.SUPPORTED_LANGUAGES``, the template
   headings, and ``notes.engines.base.NOT_DISCUSSED``; fillers go in
   ``notes.engines.speech_cleanup``.
3. Add cases in that language to the safety set (``notes/safety/cases``)
   and run ``bench/note_safety.py``.

How to add a section type: add its topics to ``routing._SECTION_TOPICS``
(built-in key) or words to ``routing._TOPIC_DESCRIPTORS`` (matched against
custom sections); a new *topic* also needs cue fragments in
``TOPIC_CUES`` of each language module and a speaker weight in
``topics._TOPIC_SPEAKER_WEIGHT``.
"""

from notes.engines.offline.engine import OfflineNoteEngine

# Helpers other modules use (``notes.engines.evidence``, ``openai_llm``).
from notes.engines.offline.filters import _CONTENT_STOP
from notes.engines.offline.lexicons import _STOPWORDS, _detect_language
from notes.engines.offline.normalise import _normalise
from notes.engines.offline.ros import _ROS_DISPLAY_EN

__all__ = ["OfflineNoteEngine"]
