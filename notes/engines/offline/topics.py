"""Topic scoring: how much a sentence is about history, medications, exam, plan, ...

Per-language cue fragments (``TOPIC_CUES``) counted at word starts, weighted
by who said it (``_TOPIC_SPEAKER_WEIGHT``); sentence-level rules then move
diagnoses to the assessment, results to the results, conditions and plans
to the plan (``_adjust_scores``).
"""

from __future__ import annotations

import re

from notes.engines import clinical_lexicon
from notes.engines.base import CLINICIAN, PATIENT
from notes.engines.offline.problems import _diagnosis_phrases
from notes.engines.offline.languages import per_key_language, per_language
from notes.engines.offline.lexicons import _NEVER


# Topic cues. Each topic maps language -> regex fragments matched at word
# starts (``\b`` prefix), case-insensitive. English is the most complete; for
# the other languages the lists cover the common clinical vocabulary.
_TOPIC_CUES: dict[str, dict[str, tuple[str, ...]]] = per_key_language("TOPIC_CUES")


# Who usually says what: weight by speaker for each topic (clinician, patient,
# other). A patient restating the plan or a clinician summarising history
# still counts, just less.
_TOPIC_SPEAKER_WEIGHT: dict[str, tuple[float, float, float]] = {
    "hpi": (0.4, 1.0, 0.8),
    "pmh": (0.8, 1.0, 0.8),
    "meds": (0.8, 1.0, 0.8),
    "allergies": (1.0, 1.0, 1.0),
    "social": (0.3, 1.0, 0.8),
    "exam": (1.0, 0.1, 0.2),
    "results": (1.0, 0.4, 0.4),
    "assessment": (1.0, 0.1, 0.2),
    "plan": (1.0, 0.2, 0.3),
    "dental_history": (0.6, 1.0, 0.8),
    "extraoral": (1.0, 0.2, 0.2),
    "intraoral": (1.0, 0.5, 0.3),
    "perio": (1.0, 0.2, 0.2),
    "plaque_bleeding": (1.0, 0.6, 0.3),
    "radiograph": (1.0, 0.2, 0.2),
    "dental_dx": (1.0, 0.1, 0.1),
    "treatment_plan": (1.0, 0.2, 0.2),
    "procedure": (1.0, 0.1, 0.1),
    "anaesthesia": (1.0, 0.2, 0.1),
    "materials": (1.0, 0.1, 0.1),
    "postop": (1.0, 0.1, 0.2),
    "next_visit": (1.0, 0.3, 0.3),
    "ohi": (1.0, 0.5, 0.3),
    "behavior": (0.3, 1.0, 0.8),
    "intervention": (1.0, 0.1, 0.1),
    "response": (0.2, 1.0, 0.6),
    "goals": (0.6, 1.0, 0.6),
}


# Broad topics are discounted so a sentence that also matches a specific
# topic goes there; allergy statements often name a drug, so they win over
# medications.
_TOPIC_SPECIFICITY: dict[str, float] = {"hpi": 0.75, "behavior": 0.75, "allergies": 1.5}


def _score(text: str, speaker: int, cues: dict[str, re.Pattern[str]]) -> dict[str, float]:
    """Topic scores of a sentence: cue hits (capped) x speaker weight."""
    scores: dict[str, float] = {}
    slot = 0 if speaker == CLINICIAN else 1 if speaker == PATIENT else 2
    for topic, pattern in cues.items():
        hits = len(pattern.findall(text))
        if hits:
            weight = _TOPIC_SPEAKER_WEIGHT.get(topic, (1.0, 1.0, 1.0))[slot]
            # hpi cues are broad (time words, "worse"); discount them so a
            # sentence that also matches a specific topic goes there.
            scores[topic] = min(hits, 4) * weight * _TOPIC_SPECIFICITY.get(topic, 1.0)
    return scores


# Test, laboratory and imaging results ("the rapid strep test is positive",
# "x-ray shows", "hemoglobin is 9"), per language.
_RESULT_STATEMENT: dict[str, re.Pattern[str]] = per_language("RESULT_STATEMENT")


# Bedside manoeuvres are examination findings even when "positive".
_EXAM_MANEUVER = re.compile(
    r"\b(?:lachman|mcmurray|drawer|phalen|tinel|spurling|straight leg|romberg|finkelstein|hawkins|neer|murphy|mcburney|"
    r"babinski|homan|thompson|apley|faber|patrick|trendelenburg|empty can|speed|yergason|apprehension|pivot shift|"
    r"valgus|varus|rovsing|psoas|obturator|kernig|brudzinski|grind|squeeze|slump|tilt)(?:'s)?\b",
    re.I,
)


# Statements about what will be done ("I'll order labs to see if ...") are plan.
_FUTURE = re.compile(
    r"\b(?:going to|gonna|will|'ll|want to|would like|'d like|let's|order|schedule|check|get (?:a|an|some)|see if|"
    r"vamos a|voy a|pedir|anem a|demanar|on va|je vais|vamos|vou|wir werden|ich werde|faremo|vado a)\b",
    re.I,
)


# The clinician restating the history ("so 4 days ago you started feeling badly").
_RESTATEMENT_EN = re.compile(
    r"\b(?:you|you've|you're)\s+(?:(?:also|just|still|really|recently|first|then|actually|never|kind of)\s+)*"
    r"(?:had|have had|started|noticed|developed|felt|hurt|fell|injured|twisted|began|went|were|got|tried|took|used to|"
    r"been|having|experiencing|dealing|have been|experienced|woke|came|hit|slipped|landed|mentioned|said|told me|"
    r"reported|described)\b",
    re.I,
)


# A time or duration: what makes a restatement part of the history.
_WHEN_EN = re.compile(
    r"\b(?:ago|yesterday|last (?:night|week|month|year)|this morning|for (?:about |the past |a few |a couple )?\d+|"
    r"days?|weeks?|months?)\b",
    re.I,
)


_SYMPTOM_WORDS_EN = re.compile(r"\b(?:pain|hurt|hurts|hurting|ache|aches|aching|swell\w*|swollen|sore|numb\w*|tingl\w*|stiff\w*|cramp\w*)\b", re.I)


# Social-history words that are never about a symptom.
_SOCIAL_CORE_EN = re.compile(r"\b(?:smok\w*|cigarettes?|tobacco|vap\w*|alcohol|drinks?|drinking|beer|wine|drugs|marijuana|married|job|retired)\b", re.I)


_ALLERGY_STATEMENT = re.compile(r"\b(?:allerg\w*|anaphyla\w*|al·lèrg\w*|alèrg\w*|alérg\w*|alergi\w*)", re.I)


# A sentence that states a condition ("if ...") rather than a fact.
_CONDITIONAL_START: dict[str, re.Pattern[str]] = per_language("CONDITIONAL_START")
_CONDITIONAL_START_EN = _CONDITIONAL_START["en"]


# A clinician announcing or instructing a treatment step: plan, not history.
_PLAN_INTENT: dict[str, re.Pattern[str]] = per_language("PLAN_INTENT")
_PLAN_INTENT_EN = _PLAN_INTENT["en"]


# A clinician explaining a treatment's possible side effects: counselling, part of the plan.
_SIDE_EFFECT_COUNSEL: dict[str, re.Pattern[str]] = per_language("SIDE_EFFECT_COUNSEL")
# A clinician's instruction about taking a treatment (English only so far).
_INSTRUCTION: dict[str, re.Pattern[str]] = per_language("INSTRUCTION")


def _adjust_scores(sent: "_Sentence", lang: str) -> None:
    """Sentence-level routing rules on top of the cue counts.

    A clinician naming a diagnosis goes to the assessment; a test, lab or
    imaging result (not a bedside manoeuvre, not an order) to the results; a
    clinician restating the history to the history of present illness.
    """
    if sent.is_question or not sent.text:
        return
    text = sent.text
    scores = sent.scores
    clinician = sent.speaker == CLINICIAN
    result = _RESULT_STATEMENT.get(lang)
    if result is not None and result.search(text) and not _EXAM_MANEUVER.search(text) and not _FUTURE.search(text):
        scores["results"] = scores.get("results", 0.0) + (1.5 if clinician else 0.5)
    if lang == "en" and "social" in scores and "hpi" in scores and _SYMPTOM_WORDS_EN.search(text) and not _SOCIAL_CORE_EN.search(text):
        # "it swells up after I walk": a symptom, not an exercise habit.
        scores["social"] *= 0.6
    if clinician and _CONDITIONAL_START.get(lang, _CONDITIONAL_START_EN).match(text):
        # "If the MRI shows a tear, we'll refer ...": an instruction or a
        # contingency plan, never a result or a diagnosis.
        for topic in ("results", "assessment", "exam"):
            scores.pop(topic, None)
        scores["plan"] = scores.get("plan", 0.0) + 2.0
    elif clinician and _PLAN_INTENT.get(lang, _PLAN_INTENT_EN).search(text):
        # "We're going to hold your lisinopril ...": a decision is plan even
        # when it names a test or a result.
        scores["plan"] = scores.get("plan", 0.0) + 1.5
    if clinician and _SIDE_EFFECT_COUNSEL.get(lang, _NEVER).search(text):
        # "It can cause constipation and dark stools, which is expected": what the clinician tells the
        # patient to expect is counselling (plan), never a symptom, result or diagnosis of the patient.
        for topic in ("hpi", "ros", "results", "assessment", "exam", "behavior"):
            scores.pop(topic, None)
        scores["plan"] = scores.get("plan", 0.0) + 1.5
    if clinician and "postop" in scores and _INSTRUCTION.get(lang, _NEVER).search(text):
        # "Take it with food then": an instruction; the plan takes it where no section collects
        # post-operative instructions (a dental template's own section still wins the tie).
        scores["plan"] = max(scores.get("plan", 0.0), scores["postop"] - 0.01)
    if "allergies" in scores and "meds" in scores and _ALLERGY_STATEMENT.search(text):
        # "Allergic to penicillin": the drug name makes it look like a
        # medication, but it is an allergy.
        scores["allergies"] = max(scores["allergies"], scores["meds"] + 0.5)
    if not clinician and max(scores.values(), default=0.0) < 0.7 and clinical_lexicon.drug_names(text):
        # A patient naming a drug and nothing else ("Yes, Eliquis.") talks
        # about medications.
        scores["meds"] = 1.0
    if clinician and _diagnosis_phrases(text, lang):
        scores["assessment"] = scores.get("assessment", 0.0) + 2.0
    if (
        clinician and lang == "en" and "hpi" in scores and _RESTATEMENT_EN.search(text)
        and _WHEN_EN.search(text) and not _FUTURE.search(text)
    ):
        scores["hpi"] *= 2.5
