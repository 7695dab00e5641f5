"""Red-flag rules for life-threatening conditions, each citing its clinical source.

A rule fires when, for every group in ``requires``, at least one cue of the group is affirmed
(not negated) in the text. Rules are checked in order; the detector keeps every rule that fires and
reports the most urgent (then the most confident). Cue ids are defined per language in
:mod:`chatmed.emergency.lexicon`. Confidence values are this rule set's own calibration on the
evaluation set (``data/evaluation_set.jsonl``): ~0.9 for a full textbook picture, lower for a
single cue that still warrants the same urgency.
"""

from __future__ import annotations

from dataclasses import dataclass

CRITICAL, HIGH, MODERATE, LOW = "critical", "high", "moderate", "low"
URGENCY_ORDER = (CRITICAL, HIGH, MODERATE, LOW)


@dataclass(frozen=True)
class Rule:
    """``condition`` (English name), ``urgency``, cue groups that must all be present, ``confidence``
    (0..1), first-aid ``actions`` (English) and the clinical ``source`` of the rule."""

    id: str
    condition: str
    urgency: str
    requires: tuple[frozenset[str], ...]
    confidence: float
    actions: tuple[str, ...]
    source: str


def _r(id: str, condition: str, urgency: str, requires: list[set[str]], confidence: float, actions: list[str], source: str) -> Rule:
    return Rule(id, condition, urgency, tuple(frozenset(g) for g in requires), confidence, tuple(actions), source)


ERC_BLS = "European Resuscitation Council Guidelines 2021: Basic Life Support (Olasveengen et al., Resuscitation 2021;161:98-114)"
NICE_CG95 = "NICE CG95 Recent-onset chest pain of suspected cardiac origin (2010, updated 2016), 1.1.1"
BEFAST = "NHS 'Stroke - symptoms' (FAST); Aroor et al., 'BE-FAST', Stroke 2017;48:479-481"
NICE_SAH = "NICE NG228 Subarachnoid haemorrhage caused by a ruptured aneurysm (2022), 1.1"
NICE_SEPSIS = "NICE NG51 Suspected sepsis: recognition, diagnosis and early management (2016, updated 2024), high-risk criteria"
NICE_MENINGITIS = "NICE NG240 Meningitis (bacterial) and meningococcal disease (2024), 1.1; NHS 'Meningitis' (glass test)"
RCUK_ANAPHYLAXIS = "Resuscitation Council UK, Emergency treatment of anaphylaxis (2021): airway/breathing problems after exposure"
BTS_ASTHMA = "BTS/SIGN 158 British guideline on the management of asthma (2019): life-threatening features; NHS 'Shortness of breath'"
NHS_BLEEDING = "NHS 'When to call 999' (severe bleeding that cannot be stopped, vomiting or coughing up blood); ERC First Aid 2021"
NICE_SELF_HARM = "NICE NG225 Self-harm: assessment, management and preventing recurrence (2022); WHO LIVE LIFE (2021)"
NICE_EPILEPSY = "NICE NG217 Epilepsies in children, young people and adults (2022), 11.1 (convulsive status epilepticus > 5 minutes)"
ADA_HYPO = "ADA Standards of Care in Diabetes 2024, section 6 (level 3 hypoglycaemia: altered mental or physical state)"
JBDS_DKA = "JBDS-IP The management of diabetic ketoacidosis in adults (2021 update): hyperglycaemia with ketones, vomiting, Kussmaul breathing"
NHS_POISONING = "NHS 'Poisoning' (call 999 if the person is unconscious, has swallowed a poison or taken an overdose)"

CALL_AND_STAY = "Stay with the person and do not let them eat or drink."
RULES: tuple[Rule, ...] = (
    _r("cardiac_arrest", "Cardiac arrest / unresponsive person", CRITICAL, [{"unconscious", "not_breathing"}], 0.95,
       ["Start CPR if the person is not breathing normally: 30 chest compressions then 2 breaths",
        "Ask someone to bring an automated external defibrillator (AED)"], ERC_BLS),
    _r("acs", "Acute Myocardial Infarction", CRITICAL, [{"chest_pain"}, {"pain_radiation", "sweating", "nausea", "breathless", "cant_breathe", "faint"}], 0.91,
       ["Chew aspirin 300 mg if not allergic and not contraindicated", "Keep the patient still, seated and calm",
        "Loosen tight clothing"], NICE_CG95),
    _r("stroke_multi", "Stroke", CRITICAL, [{"face_droop", "arm_weakness", "speech"}, {"face_droop", "arm_weakness", "speech", "sudden_vision", "balance_loss"}], 0.95,
       ["Note the time the symptoms started", "Do not give food, drink or medication", "Lay the person on their side if drowsy"], BEFAST),
    _r("stroke", "Stroke", CRITICAL, [{"face_droop", "arm_weakness", "speech", "sudden_vision", "balance_loss"}], 0.85,
       ["Note the time the symptoms started", "Do not give food, drink or medication"], BEFAST),
    _r("anaphylaxis", "Anaphylaxis", CRITICAL, [{"throat_swelling"}], 0.9,
       ["Use the person's adrenaline auto-injector (outer thigh) if they have one", "Lie them down with legs raised; sit up if breathing is hard",
        "Give a second adrenaline dose after 5 minutes if no improvement"], RCUK_ANAPHYLAXIS),
    _r("anaphylaxis_exposure", "Anaphylaxis", CRITICAL, [{"allergen_exposure", "hives"}, {"breathless", "cant_breathe", "faint", "blue_lips"}], 0.88,
       ["Use the person's adrenaline auto-injector (outer thigh) if they have one", "Lie them down with legs raised; sit up if breathing is hard"], RCUK_ANAPHYLAXIS),
    _r("respiratory_failure", "Severe respiratory distress", CRITICAL, [{"cant_breathe", "blue_lips"}], 0.88,
       ["Help the person sit upright", "Use their reliever inhaler if they have asthma", "Loosen tight clothing"], BTS_ASTHMA),
    _r("suicidal", "Suicidal intent", CRITICAL, [{"suicidal"}], 0.9,
       ["Do not leave the person alone", "Remove access to means of self-harm (medicines, weapons)",
        "Contact a crisis line or the emergency services now"], NICE_SELF_HARM),
    _r("overdose", "Poisoning / overdose", CRITICAL, [{"overdose"}], 0.88,
       ["Do not make the person vomit", "Keep the packaging or substance to show the emergency team",
        "Put the person in the recovery position if drowsy"], NHS_POISONING),
    _r("hemorrhage", "Severe haemorrhage", CRITICAL, [{"heavy_bleeding", "vomit_blood"}], 0.88,
       ["Apply firm, direct pressure on the wound with a clean cloth", "Keep the person lying down and warm"], NHS_BLEEDING),
    _r("meningitis", "Meningitis / meningococcal sepsis", CRITICAL, [{"fever", "headache", "confusion", "vomiting"}, {"stiff_neck", "rash_nonblanching"}], 0.9,
       ["Do not wait for a rash to appear", "Keep the person in a cool, dim room while waiting for help"], NICE_MENINGITIS),
    _r("meningococcal_rash", "Meningitis / meningococcal sepsis", CRITICAL, [{"rash_nonblanching"}], 0.8,
       ["Do not wait for other symptoms"], NICE_MENINGITIS),
    _r("sah", "Subarachnoid haemorrhage", CRITICAL, [{"thunderclap_headache"}], 0.85,
       ["Keep the person lying still", "Do not give painkillers that thin the blood (aspirin, ibuprofen)"], NICE_SAH),
    _r("sepsis", "Sepsis", CRITICAL, [{"fever"}, {"confusion", "mottled_skin", "rapid_breathing", "no_urine", "low_bp", "blue_lips"}], 0.85,
       ["Tell the emergency team you are worried about sepsis", "Keep the person warm"], NICE_SEPSIS),
    _r("status_epilepticus", "Status epilepticus", CRITICAL, [{"seizure"}, {"seizure_long", "unconscious"}], 0.88,
       ["Do not restrain the person or put anything in their mouth", "Cushion the head and time the seizure",
        "Put them in the recovery position when the shaking stops"], NICE_EPILEPSY),
    _r("severe_hypoglycaemia", "Severe hypoglycaemia", CRITICAL, [{"low_sugar"}, {"confusion", "unconscious", "seizure", "faint"}], 0.88,
       ["If awake and able to swallow, give 15-20 g of fast-acting sugar (juice, glucose tablets)",
        "Do not give food or drink if the person is drowsy or unconscious; use glucagon if available"], ADA_HYPO),
    _r("dka", "Diabetic ketoacidosis", CRITICAL, [{"high_sugar", "diabetic"}, {"fruity_breath", "rapid_breathing", "confusion"}], 0.85,
       ["Check blood glucose and ketones if a meter is available", "Do not stop insulin"], JBDS_DKA),
    # high urgency: same-day emergency assessment
    _r("chest_pain", "Possible acute coronary syndrome", HIGH, [{"chest_pain"}], 0.7,
       ["Stop any activity and rest", "Seek emergency assessment now if the pain lasts more than 15 minutes"], NICE_CG95),
    _r("breathlessness", "Shortness of breath", HIGH, [{"breathless"}], 0.6,
       ["Sit upright and rest", "Seek urgent medical assessment, sooner if it gets worse"], BTS_ASTHMA),
    _r("seizure", "Seizure", HIGH, [{"seizure"}], 0.7,
       ["Do not restrain the person", "Call the emergency number if it lasts more than 5 minutes"], NICE_EPILEPSY),
    _r("hypoglycaemia", "Hypoglycaemia", HIGH, [{"low_sugar"}], 0.7,
       ["Take 15-20 g of fast-acting sugar and re-check after 15 minutes"], ADA_HYPO),
    _r("hyperglycaemia", "Hyperglycaemia", HIGH, [{"high_sugar"}, {"vomiting", "nausea", "abdominal_pain"}], 0.7,
       ["Check ketones; seek urgent care if they are raised"], JBDS_DKA),
    _r("fever_stiff", "Possible meningitis", HIGH, [{"photophobia"}, {"fever"}], 0.65,
       ["Seek urgent medical assessment today"], NICE_MENINGITIS),
    _r("allergic_reaction", "Allergic reaction", HIGH, [{"hives", "allergen_exposure"}], 0.6,
       ["Take an antihistamine if you have one", "Call the emergency number at once if breathing or swallowing becomes difficult"], RCUK_ANAPHYLAXIS),
    _r("faint", "Loss of consciousness", HIGH, [{"faint"}], 0.6, ["Lie down with legs raised", "Seek medical assessment today"], ERC_BLS),
)

# Cues that make a message "moderate" when no rule fires (symptoms worth a clinician's review).
MODERATE_CUES = frozenset({"fever", "headache", "vomiting", "nausea", "abdominal_pain", "dizziness", "palpitations",
                           "photophobia", "hives", "sweating"})
