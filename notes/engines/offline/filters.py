"""Which sentences belong in a note at all.

A sentence is dropped as small talk or meta-talk only when it has no
clinical content (``clinical_lexicon.has_clinical_content``), never because
of a trigger word alone.
"""

from __future__ import annotations

import re

from notes.engines import clinical_lexicon
from notes.engines.base import CLINICIAN
from notes.engines.offline.lexicons import _STOPWORDS
from notes.engines.offline.languages import per_language
from notes.engines.offline.uncertain import has_placeholder


# Small-talk / closing sentences that never belong in a note.
_SMALLTALK = re.compile(
    r"\b(?:how are you|nice to (?:meet|see) you|good (?:morning|afternoon|evening)|thank you|thanks|"
    r"bye|goodbye|take care|see you|have a (?:good|great|nice)|any (?:other )?questions|"
    r"gracias|adiós|hasta luego|buenos días|buenas tardes|qué tal|gràcies|adéu|bon dia|"
    r"merci|au revoir|bonjour|bonsoir|obrigad[oa]|tchau|bom dia|boa tarde|"
    r"danke|auf wiedersehen|guten (?:tag|morgen)|tschüss|grazie|arrivederci|buongiorno|buonasera)\b",
    re.I,
)


# Age statements that mark the clinician's summary sentence.
_INTRO: dict[str, re.Pattern[str]] = per_language("INTRO")


# Clinician meta-talk: announcing an action rather than stating a finding.
_META = re.compile(
    r"\b(?:going to|let me|let's|i'll|i will|we'll|we will|want to|i'd like to|need to)\s+(?:\w+\s+){0,3}?"
    r"(?:look|take a look|check (?:out|on)|listen|examine|do (?:a|an|your) (?:quick )?(?:physical )?exam|press|feel|go over|review|talk about|pull up|"
    r"hold|touch|tap|turn (?:your|the)|squeeze|move|bend|lift|push|pull on)\b"
    r"|\b(?:i'd like you to|i want you to|can you|could you) (?:\w+ ){0,2}?(?:squeeze|push|pull|lift|bend|turn|follow my|look (?:up|down|at)|take a deep breath|breathe)\b"
    r"|\bshow me\b"
    r"|\b(?:vamos a|voy a|déjeme) (?:ver|mirar|explorar|revisar)\b|\b(?:anem a|deixi'm) (?:veure|mirar|explorar)\b"
    r"|\b(?:je vais|on va) (?:regarder|examiner|écouter)\b|\b(?:vou|vamos) (?:ver|examinar|auscultar)\b"
    r"|\b(?:ich werde|lassen sie mich|ich schaue) (?:\w+ )?(?:untersuchen|anschauen|abhören|nach)\b|\b(?:vediamo|adesso guardo|la visito)\b",
    re.I,
)


_CONTENT_STOP = frozenset(
    "the a an and or but so to of in on at for with is are was were be been it it's this that these those "
    "i i'm you you're we he she they him her his their them my your me us our what which who how when where "
    "do does did don't have has had not no yes yeah okay just really very um uh like know think get got go "
    "going there here then now well oh all any some can could would should will one thing things alright "
    "let's ahead sure right good great fine maybe bit little lot stuff something anything".split()
)


def _content_words(text: str, lang: str) -> int:
    """Number of content words (not stop-words, 3+ letters)."""
    stop = _STOPWORDS.get(lang, frozenset()) | _CONTENT_STOP
    words = re.findall(r"[\w'·-]+", text.lower())
    # Numbers are content ("temperature is 38.5", "BP 128/82").
    return sum(1 for w in words if (len(w) > 2 or any(c.isdigit() for c in w)) and w not in stop)


def _shared_content(a: str, b: str, lang: str) -> bool:
    """True if ``a`` and ``b`` share a content word (3+ letters, not a stop-word; the first five letters
    compared, so "smoke"/"smoking" and "fuma"/"fumar" match)."""
    stop = _STOPWORDS.get(lang, frozenset()) | _CONTENT_STOP

    def stems(text: str) -> set[str]:
        return {w[:5] for w in re.findall(r"[\w'·-]+", text.lower()) if len(w) > 2 and w not in stop}

    return bool(stems(a) & stems(b))


# What an announced action can act on that makes it a plan or a finding,
# not meta-talk: a drug, a dose or time span, a follow-up ("let me hold your
# lisinopril", "I want to see you back in two weeks").
_CLINICAL_OBJECT = re.compile(
    r"\d|\b(?:back in|follow[- ]?up|come back|appointment|refer\w*|order\w*|prescri\w*|labs?|x-?rays?|mri|scan|"
    r"medication\w*|medicine|dose|pills?|tablets?|colonoscopy|endoscopy|mammogram|biopsy|surgery|procedure|ct|"
    r"ultrasound|echo\w*|ekg|ecg|injection|vaccin\w*|therapy|antibiotics?|insulin|inhaler)\b",
    re.I,
)


def _has_clinical_object(text: str, lang: str) -> bool:
    """True when an announced action ("going to hold ...") acts on something clinical."""
    return bool(_CLINICAL_OBJECT.search(text) or clinical_lexicon.drug_names(text))


def _is_note_worthy(sent: "_Sentence", lang: str) -> bool:
    """False for questions, small talk, meta-talk and content-free fragments."""
    if not sent.render:
        return False
    if sent.derived:
        return True
    if not sent.text or sent.is_question or _is_smalltalk(sent.text, lang):
        return False
    if sent.speaker == CLINICIAN and _META.search(sent.text) and not _has_clinical_object(sent.text, lang):
        return False
    if sent.text.endswith(("...", "-", "…")) and len(sent.text.split()) < 8:
        return False
    if has_placeholder(sent.text):
        # Something was said there that the recogniser was unsure of: kept,
        # marked "[unclear: ...]", for the clinician to check.
        return True
    words = _content_words(sent.text, lang)
    # One content word is enough when it is clinical and the sentence is a
    # clause ("I have had no fever"), not a fragment.
    return words >= 2 or (words == 1 and len(sent.text.split()) >= 3 and clinical_lexicon.has_clinical_content(sent.text, lang))


def _is_smalltalk(text: str, lang: str) -> bool:
    """True for greetings and closings that say nothing clinical.

    A greeting word alone never drops a sentence: "see you back in two
    weeks, and we'll hold your lisinopril" is kept because it has clinical
    content (``clinical_lexicon.has_clinical_content``).
    """
    return bool(_SMALLTALK.search(text)) and not clinical_lexicon.has_clinical_content(text, lang)
