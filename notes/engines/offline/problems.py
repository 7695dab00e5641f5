"""Problem list / assessment: diagnoses the clinician states.

Only statements, never questions, negated or excluded findings ("not
consistent with a fracture") or another person's conditions; patterns per
language in ``PROBLEM_PATTERNS`` / ``IMPRESSION_PATTERNS``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from notes.engines import clinical_lexicon
from notes.engines.base import CLINICIAN
from notes.engines.offline.model import _Context, _Sentence
from notes.engines.offline.person import _swap_person
from notes.engines.offline.languages import per_language


_PROBLEM_PATTERNS: dict[str, tuple[str, ...]] = per_language("PROBLEM_PATTERNS")


# Statements of an impression, only read in sentences that are not questions.
_IMPRESSION_PATTERNS: dict[str, tuple[str, ...]] = per_language("IMPRESSION_PATTERNS")


_CONDITION_HINT = re.compile(
    r"(?:itis|osis|emia|pathy|algia|oma|syndrome|disease|disorder|pain|fracture|strain|sprain|infection|ulcer|"
    r"cancer|tumou?r|failure|hypertension|pressure|diabetes|asthma|copd|depression|anxiety|reflux|gout|"
    r"injury|tear|lesion|cyst|apnea|insomnia|obesity|cholesterol|hyperlipidemia|hypothyroidism|"
    r"hyperthyroidism|migraine|headache|nodule|murmur|anemia|caries|decay|cavity|crack|cracked|abscess|"
    r"dolor|diabetes|hipertensi|fractura|infecci|douleur|diabète|hypertension|fracture|schmerz|"
    r"bluthochdruck|fraktur|dolore|ipertensione|frattura|infezione|cárie|carie|karies|pulpit|gingivit|periodontit|"
    r"parodontit|gengivit|angine|angina|entzündung|strep|viral|virus|bacterial|influenza|flu|covid|pneumonia|uti|concussion|"
    r"contusion|laceration|sciatica|vertigo|gerd|eczema|acne|hernia|stones?|shingles|sepsis|dehydration|\w+iasis|"
    r"cyst|kyste|quiste|quist|cisto|cisti|zyste|otite|otitis|infart\w*|avc|ictus|\w*krebs|cáncer|càncer|cancro|"
    # Disease-name suffixes in the supported languages (-itis/-ite, -osis/-ose, ...).
    r"\w+(?:itis|ite|ites|osis|ose|oma|emia|émie|ämie|emie|patia|pathie|algia|algie))\b",
    re.I,
)


# English needs no French/Portuguese suffixes ("-ite", "-ose"): in English
# they match words such as "white" or "dose".
_CONDITION_HINT_EN = re.compile(
    _CONDITION_HINT.pattern.replace("itis|ite|ites|osis|ose|", "itis|osis|"), re.I
)


_PROBLEM_STOP = re.compile(
    r"\s(?:and (?:i|we|you|she|he|it|so|that|then)|so|but|which|that|okay|how|is|are|was|i|we|you|to|it|it's|"
    r"because|who|since|usually|now|right|let's|continue|things|looks|seems|has|have|just|if|"
    r"(?:from|by|at) (?:your|my|his|her|their|the) (?:pcp|doctor|primary|provider|physician|cardiologist|emergency|er)|what)\b|[,.?!;]",
    re.I,
)


# Things a clinician calls "this" that are not a diagnosis.
_NOT_A_PROBLEM = re.compile(
    r"\b(?:medications?|medicines?|pills?|mg|dose|prescription|tests?|results?|x-?rays?|scans?|appointment|referral|"
    r"plan|option|exam|examination|visit|insurance|shot|injection|cream|ointment|inhaler|surgery|procedure)\b",
    re.I,
)


# Cues that a condition is being excluded, not diagnosed.
_RULED_OUT = re.compile(
    r"\b(?:rule out|ruled out|r/o|exclude|excluded|no evidence of|negative for|without|free of|descartar|descartado|"
    r"exclure|exclu|excluir|ausschließen|ausgeschlossen|escludere|escluso)\b[^,;.]*$",
    re.I,
)


@lru_cache(maxsize=None)
def _problem_patterns(lang: str, statement: bool) -> tuple[re.Pattern[str], ...]:
    pats = _PROBLEM_PATTERNS.get(lang, _PROBLEM_PATTERNS["en"])
    if statement:
        pats = pats + _IMPRESSION_PATTERNS.get(lang, ())
    return tuple(re.compile(p, re.I) for p in pats)


def _diagnosis_phrases(text: str, lang: str, question: bool = False) -> list[str]:
    """Conditions a clinician names as a diagnosis or impression in ``text``.

    "so this is strep throat" -> ["strep throat"]; "I think you have a
    sprain" -> ["sprain"]. Only phrases that look like a condition (disease
    suffixes, condition words) count; "this is the result" does not. Never
    from a question, nor from a negated, excluded, hypothetical or
    third-party clause ("not consistent with a fracture", "rule out
    pneumonia", "if this is an infection", "your father's colon cancer").
    """
    phrases: list[str] = []
    if question:
        # A question is never a diagnosis ("any family history of colon cancer?").
        return phrases
    for p in _problem_patterns(lang, True):
        for m in p.finditer(text):
            scope = clinical_lexicon.scope_of(text, m.start(1), lang)
            if scope.negated or scope.conditional or scope.third_party or _RULED_OUT.search(text[: m.start(1)]):
                # "not consistent with a fracture", "if this is an infection",
                # "your mother's breast cancer": not the patient's diagnosis.
                continue
            phrase = _PROBLEM_STOP.split(m.group(1))[0].strip(" ,.")
            phrase = re.sub(
                r"^(?:(?:beginning to have|likely|probably|possibly|some|a|an|the|mild|a little|your|an acute|going to be|that|this|these|those)\s+)+",
                "", phrase, flags=re.I,
            )
            phrase = re.sub(r"\b(?:and|or|with|of|the|a|an|your|some)$", "", phrase).strip()
            if not phrase or not _CONDITION_HINT.search(phrase) or len(phrase.split()) > 8:
                continue
            if lang == "en" and (_NOT_A_PROBLEM.search(phrase) or not _CONDITION_HINT_EN.search(phrase)):
                continue
            phrases.append(phrase)
    return phrases


def _problems(sents: list[_Sentence], ctx: _Context, evidence: list[list[int]] | None = None) -> list[str]:
    """Problem list from explicit diagnostic statements of the clinician.

    ``evidence`` (when given) receives, per problem, the turn indices it was
    named in.
    """
    problems: list[str] = []
    for s in sents:
        if s.speaker != CLINICIAN:
            continue
        for phrase in _diagnosis_phrases(s.text, ctx.src_lang, s.is_question):
            if ctx.src_lang == "en":
                phrase = _swap_person(phrase, first=False, ctx=ctx)
            phrase = phrase[0].upper() + phrase[1:]
            if not any(phrase.lower() in q.lower() or q.lower() in phrase.lower() for q in problems):
                problems.append(phrase)
                if evidence is not None:
                    evidence.append([s.turn])
    return problems
