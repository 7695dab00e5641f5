"""Clinical lexicon and scope rules shared by the note engines.

Small, deterministic helpers that decide *what a clause says about the
patient*, used by the offline engine (negation scope, answer polarity,
small-talk filtering) and by the evidence check of LLM notes
(``notes.engines.evidence``):

* ``scope_of(text, start, lang)``: for a term found at ``start`` in
  ``text``, whether its clause negates it ("no fever", "I haven't had any
  chills", "sin fiebre"), hedges it ("maybe a fever", "I think"), makes it
  hypothetical ("if you get a fever") or is about someone else ("my wife has
  had a fever"). The scope of a cue is its clause: it ends at a comma,
  semicolon, sentence end or a contrast word ("but", "pero", "mais", "aber",
  ...), the usual NegEx-style window (Chapman et al., "A Simple Algorithm
  for Identifying Negated Findings and Diseases in Discharge Summaries",
  J Biomed Inform 2001) narrowed to the clause; coordinated findings share
  one negation ("no fever or chills" negates both).
* ``has_clinical_content(text, lang)``: whether a sentence mentions
  anything clinical (a symptom or body part, a drug, a number with a unit,
  a time span, a test, an instruction). Sentence filters drop a sentence as
  small talk only when this is false, instead of dropping on trigger words.
* ``drug_names(text)``: medication names (a list of common generics and
  brands plus the WHO INN stems, "Guidance on the use of International
  Nonproprietary Names for pharmaceutical substances", WHO 2017, e.g.
  ``-pril``, ``-sartan``, ``-olol``, ``-statin``).

Nothing here logs text: it is patient data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "DRUG_PATTERN",
    "Scope",
    "drug_names",
    "has_clinical_content",
    "has_measure_or_drug",
    "mentions_third_party",
    "numbers_in",
    "scope_of",
]

# Negation cues per language (whole words; "n't" contractions in English).
_NEGATION: dict[str, str] = {
    "en": r"no|not|never|none|neither|nor|without|denies|denied|deny|negative for|free of|n't|cannot",
    "es": r"no|nunca|sin|ningún|ninguna|ninguno|ni|niega|tampoco|nada de",
    "ca": r"no|mai|sense|cap|ni|nega|tampoc",
    "fr": r"pas|jamais|sans|aucun|aucune|ni|nie|non",
    "pt": r"não|nao|nunca|sem|nenhum|nenhuma|nem|nega",
    "de": r"nicht|kein|keine|keinen|keinem|keiner|keines|nie|niemals|ohne|weder|noch nie|verneint",
    "it": r"non|mai|senza|nessun|nessuna|nessuno|né|nega|niente|nulla",
}
# Words that end the scope of a cue that precedes them.
_CONTRAST: dict[str, str] = {
    "en": r"but|however|although|though|except|yet|apart from|other than|besides|and i|and my|and it|and there|which",
    "es": r"pero|aunque|sin embargo|excepto|salvo|y tengo|y me",
    "ca": r"però|encara que|tot i que|excepte|i tinc|i em",
    "fr": r"mais|cependant|sauf|bien que|et j'ai|et je",
    "pt": r"mas|porém|embora|exceto|e tenho|e sinto",
    "de": r"aber|jedoch|außer|obwohl|und ich|sondern",
    "it": r"ma|però|tranne|anche se|e ho|e mi",
}
# Hedges: the speaker is not sure.
_HEDGE: dict[str, str] = {
    "en": r"maybe|perhaps|possibly|might|may have|not sure|unsure|i think|i guess|i don't know|i'm not certain|could be|probably",
    "es": r"quizás|quizá|tal vez|a lo mejor|puede que|no sé|no estoy segur[oa]|creo que|igual",
    "ca": r"potser|pot ser que|no ho sé|no sé|no estic segur|crec que|a lo millor",
    "fr": r"peut-être|je ne sais pas|je crois|je pense|pas sûr|pas sûre|il se peut",
    "pt": r"talvez|se calhar|não sei|não tenho a certeza|acho que|pode ser que",
    "de": r"vielleicht|eventuell|möglicherweise|ich weiß nicht|ich glaube|nicht sicher|kann sein",
    "it": r"forse|magari|non so|non sono sicur[oa]|credo|penso che|può darsi",
}
# Conditionals and hypotheticals: nothing has happened yet. Includes a drug's possible side effects as a
# clinician explains them ("it can cause constipation and dark stools": no symptom of the patient; found
# when a results visit got the chief complaint "Constipation", 2026-11-30).
_CONDITIONAL: dict[str, str] = {
    "en": r"if|in case|unless|should you|whenever you|what if|watch for|look out for|call (?:us|me) if"
          r"|(?:can|could|may|might) (?:sometimes |also )?(?:cause|give you|lead to|result in|bring on|trigger)"
          r"|side effects?|risk of",
    "es": r"si|en caso de|por si|vigile|puede (?:causar|producir|provocar|dar)|efectos? secundarios?",
    "ca": r"si|en cas de|per si|pot (?:causar|produir|provocar)|efectes? secundaris?",
    "fr": r"si|en cas de|au cas où|peut (?:causer|provoquer|donner|entraîner)|effets? secondaires?|effets? indésirables?",
    "pt": r"se|em caso de|caso|pode (?:causar|provocar|dar)|efeitos? secundários?|efeitos? colaterais?",
    "de": r"wenn|falls|im falle|sollten sie|nebenwirkungen?",
    "it": r"se|in caso di|qualora|può (?:causare|provocare|dare)|effetti? collaterali?",
}
# Another person as the subject of the clause (the speaker's relative,
# friend, colleague): the finding is theirs, not the patient's.
_THIRD_PARTY: dict[str, str] = {
    "en": (
        r"(?:my|our|his|her|their|the)\s+(?:wife|husband|partner|spouse|boyfriend|girlfriend|son|daughter|kids?|children|child|"
        r"baby|mom|mother|mum|dad|father|parents?|brother|sister|siblings?|grand(?:mother|father|ma|pa|parents?)|"
        r"aunt|uncle|cousin|friend|roommate|coworkers?|colleague|family|neighbou?r|boss)"
        r"|family history|runs in (?:the|my) family|(?:he|she) (?:has|had|is|was|gets|got)"
    ),
    "es": r"(?:mi|mis|su|sus)\s+(?:mujer|esposa|marido|esposo|pareja|hij[oa]s?|madre|padre|padres|herman[oa]s?|abuel[oa]s?|ti[oa]|prim[oa]|amig[oa]|familia)|antecedentes familiares",
    "ca": r"(?:la meva|el meu|les meves|els meus|la seva|el seu)\s+(?:dona|esposa|marit|parella|fill|filla|fills|mare|pare|pares|germà|germana|avi|àvia|amic|amiga|família)|antecedents familiars",
    "fr": r"(?:ma|mon|mes|sa|son|ses)\s+(?:femme|épouse|mari|conjoint|compagnon|compagne|fils|fille|enfants?|mère|père|parents|frère|sœur|soeur|grand-mère|grand-père|oncle|tante|ami|amie|famille)|antécédents familiaux",
    "pt": r"(?:a minha|o meu|os meus|as minhas|minha|meu|sua|seu)\s+(?:mulher|esposa|marido|companheir[oa]|filh[oa]s?|mãe|pai|pais|irmã|irmão|avó|avô|ti[oa]|amig[oa]|família)|antecedentes familiares",
    "de": r"(?:meine|mein|meinem|meiner|seine|sein|ihre|ihr)\s+(?:frau|ehefrau|mann|ehemann|partner|partnerin|sohn|tochter|kinder|kind|mutter|vater|eltern|bruder|schwester|oma|opa|großmutter|großvater|onkel|tante|freund|freundin|familie)|familienanamnese|in der familie",
    "it": r"(?:mia|mio|miei|mie|sua|suo)\s+(?:moglie|marito|compagn[oa]|figli[oa]?|figlie|madre|mamma|padre|papà|genitori|fratello|sorella|nonn[oa]|zi[oa]|amic[oa]|famiglia)|familiarità|in famiglia",
}

_CLAUSE_END = r"[,;:.!?()\n]|\s[-–—]\s"
# A negation right after the term that closes it: "fiebre no, pero ...".
_POSTPOSED_NEG = re.compile(
    r"^\s*,?\s*(?:(?:no|not really|not at all|not much|never|none|não|nao|non|nicht|pas|nein|tampoco|tampoc|gar nicht|per niente|"
    r"para nada|pas du tout|de todo)\b\s*(?:[,.;!?]|$|(?:tengo|tinc|tenho|ho|hab\w*|j'en|ne|né|ni|nem|though|pero|però|mas|"
    r"mais|aber|ma|but)\b))",
    re.I,
)


@dataclass(frozen=True)
class Scope:
    """What the clause around a term says about it.

    Attributes:
        negated: A negation cue governs the term ("no fever", "denies chills").
        hedged: The speaker is unsure ("maybe", "I think").
        conditional: The term is hypothetical ("if you get a fever").
        third_party: The clause is about another person ("my wife has ...").
    """

    negated: bool = False
    hedged: bool = False
    conditional: bool = False
    third_party: bool = False

    @property
    def affirmed(self) -> bool:
        """True when the clause states the finding as present for the patient."""
        return not (self.negated or self.hedged or self.conditional or self.third_party)


@lru_cache(maxsize=None)
def _compiled(lang: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    def words(alt: str) -> re.Pattern[str]:
        return re.compile(r"(?<![\w'])(?:" + alt + r")(?![\w])", re.I)

    neg = _NEGATION.get(lang, _NEGATION["en"])
    # English "n't" attaches to the verb: "haven't", "don't".
    neg_re = re.compile(r"(?<![\w'])(?:" + neg + r")(?![\w])|n't\b", re.I) if lang == "en" else words(neg)
    contrast = re.compile(r"(?:" + _CLAUSE_END + r")|(?<![\w'])(?:" + _CONTRAST.get(lang, _CONTRAST["en"]) + r")(?![\w])", re.I)
    return (
        neg_re,
        contrast,
        words(_HEDGE.get(lang, _HEDGE["en"])),
        words(_CONDITIONAL.get(lang, _CONDITIONAL["en"])),
        words(_THIRD_PARTY.get(lang, _THIRD_PARTY["en"])),
    )


def _clause_before(text: str, start: int, lang: str) -> str:
    """The part of the clause that precedes ``start`` (back to the last boundary)."""
    _, contrast, _, _, _ = _compiled(lang)
    head = text[:start]
    last = 0
    for m in contrast.finditer(head):
        last = m.end()
    return head[last:]


def scope_of(text: str, start: int, lang: str, *, end: int | None = None) -> Scope:
    """Scope of the term found at ``text[start:end]``.

    Args:
        text: A sentence (any case).
        start: Index where the term starts.
        lang: ISO 639-1 code of ``text`` (unknown codes use English cues).
        end: Index where the term ends (for post-position cues such as
            German "Fieber habe ich nicht"); defaults to ``start``.

    Returns:
        A ``Scope``; every flag false means the clause affirms the term.
    """
    neg, contrast, hedge, cond, third = _compiled(lang)
    before = _clause_before(text, start, lang)
    negated = bool(neg.search(before))
    if not negated and end is not None:
        # Post-posed negation: "fiebre no, pero ...", "febre não", "Fieber
        # habe ich nicht", "de fièvre, je n'en ai pas".
        after = text[end:]
        negated = bool(_POSTPOSED_NEG.match(after))
        if not negated and lang in ("de", "fr"):
            clause = contrast.split(after, maxsplit=1)[0]
            negated = bool(re.search(r"(?<![\w])(?:nicht|pas)(?![\w])", clause, re.I))
    # Hedges, conditionals and another person as subject are read in the
    # same part of the clause as negation: "I think I had a fever", "if you
    # get a fever", "my wife has had a fever".
    return Scope(
        negated=negated,
        hedged=bool(hedge.search(before)),
        conditional=bool(cond.search(before)),
        third_party=bool(third.search(before)),
    )


def mentions_third_party(text: str, lang: str) -> bool:
    """True when ``text`` speaks about another person ("my wife", "mi hijo", "ma mère")."""
    return bool(_compiled(lang)[4].search(text))


# ---------------------------------------------------------------------------
# Medication names
# ---------------------------------------------------------------------------

_DRUG_NAMES = (
    "aspirin warfarin coumadin heparin insulin metformin glucophage lisinopril losartan amlodipine atenolol "
    "metoprolol carvedilol propranolol furosemide lasix hydrochlorothiazide hctz spironolactone digoxin "
    "atorvastatin lipitor simvastatin rosuvastatin crestor pravastatin clopidogrel plavix apixaban eliquis "
    "rivaroxaban xarelto dabigatran pradaxa nitroglycerin amiodarone diltiazem verapamil hydralazine "
    "ibuprofen advil motrin naproxen aleve acetaminophen tylenol paracetamol paracetamolo paracétamol "
    "metamizol nolotil diclofenac voltaren celecoxib celebrex meloxicam tramadol codeine oxycodone "
    "hydrocodone morphine fentanyl gabapentin neurontin pregabalin lyrica amoxicillin amoxicilina "
    "amoxicilline amoxicillina augmentin penicillin penicilina pénicilline penicillina penizillin "
    "azithromycin zithromax doxycycline ciprofloxacin levofloxacin cephalexin keflex clindamycin "
    "nitrofurantoin macrobid bactrim sulfa trimethoprim metronidazole flagyl fluconazole diflucan "
    "prednisone prednisolone methylprednisolone medrol dexamethasone hydrocortisone albuterol ventolin "
    "salbutamol fluticasone flonase budesonide symbicort advair montelukast singulair tiotropium spiriva "
    "omeprazole prilosec pantoprazole protonix esomeprazole nexium famotidine pepcid ranitidine ondansetron "
    "zofran levothyroxine synthroid eutirox euthyrox sertraline zoloft fluoxetine prozac escitalopram "
    "lexapro citalopram paroxetine venlafaxine duloxetine cymbalta bupropion wellbutrin trazodone "
    "mirtazapine alprazolam xanax lorazepam ativan clonazepam diazepam valium zolpidem ambien quetiapine "
    "seroquel aripiprazole risperidone olanzapine lithium lamotrigine levetiracetam keppra topiramate "
    "sumatriptan imitrex methotrexate humira adalimumab allopurinol colchicine tamsulosin flomax finasteride "
    "sildenafil viagra estradiol progesterone testosterone semaglutide ozempic wegovy liraglutide victoza "
    "dulaglutide trulicity empagliflozin jardiance dapagliflozin farxiga sitagliptin januvia glipizide "
    "glyburide glimepiride epipen epinephrine adrenaline benadryl diphenhydramine cetirizine zyrtec "
    "loratadine claritin lidocaine articaine vitamin iron folic potassium magnesium calcium enalapril "
    "enalaprilo ramipril bisoprolol sintrom acenocumarol adiro ibuprofeno ibuprofène ibuprofene "
    "omeprazol metformina metformine insulina insuline salbutamolo"
).split()
# WHO INN stems (suffixes) of common drug classes.
_DRUG_STEMS = (
    r"\w{2,}(?:pril|prilat|sartan|olol|alol|dipine|statin|formin|gliptin|gliflozin|glutide|cillin|cilina|cilline|mycin|micina|"
    r"floxacin|cycline|conazole|prazole|prazol|tidine|semide|thiazide|xaban|gatran|parin|oxetine|etine|triptan|profen|"
    r"fenac|coxib|mab|tinib|vir|azepam|zolam|barbital|caine|caína|caïne|codone|morphone|tropium|terol|sonide|lukast|"
    r"afil|tadine|ridone|apine|apina|oxacin|nazol)"
)


#: Regex alternation (no anchors) matching a medication name, for callers that embed it.
DRUG_PATTERN = "(?:" + "|".join(re.escape(n) for n in sorted(set(_DRUG_NAMES), key=len, reverse=True)) + "|" + _DRUG_STEMS + ")"


@lru_cache(maxsize=1)
def _drug_re() -> re.Pattern[str]:
    return re.compile(r"(?<![\w])" + DRUG_PATTERN + r"(?![\w])", re.I)


def drug_names(text: str) -> list[str]:
    """Medication names mentioned in ``text``, lower case, in order of appearance.

    Recognises a fixed list of common generics and brands (several
    languages) and words with a WHO INN stem ("-pril", "-sartan", "-olol",
    "-statin", "-cillin", ...). Not exhaustive: a drug missing from both is
    not returned.
    """
    return [m.group(0).lower() for m in _drug_re().finditer(text)]


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,/]\d+)*(?![\w])")


def numbers_in(text: str) -> list[str]:
    """Numbers in ``text`` as written ("5", "1/2", "38.5", "128/82"; "38,5" -> "38.5")."""
    return [m.group(0).replace(",", ".") if re.fullmatch(r"\d+,\d{1,2}", m.group(0)) else m.group(0)
            for m in _NUMBER.finditer(text)]


# ---------------------------------------------------------------------------
# Clinical content
# ---------------------------------------------------------------------------

_CLINICAL_WORDS: dict[str, str] = {
    "en": (
        r"pain\w*|ache\w*|aching|hurt\w*|sore\w*|swell\w*|swollen|fever\w*|chills?|cough\w*|nause\w*|vomit\w*|diarrh\w*|"
        r"constipat\w*|bleed\w*|blood|rash\w*|itch\w*|numb\w*|tingl\w*|dizz\w*|faint\w*|headaches?|migraines?|breath\w*|"
        r"wheez\w*|tired|fatigue|weak\w*|stiff\w*|cramp\w*|burn\w*|lump|mass|wound|injur\w*|fractur\w*|sprain\w*|"
        r"infect\w*|allerg\w*|medic\w*|pills?|tablets?|capsules?|doses?|dosage|prescri\w*|refill\w*|inhaler|injection|shot|"
        r"vaccin\w*|surgery|procedure|diagnos\w*|disease|diabet\w*|hypertension|pressure|cholesterol|asthma|copd|cancer|"
        r"tumou?r|heart|lungs?|chest|abdomen|belly|stomach|knees?|hips?|back|neck|shoulders?|ankles?|feet|foot|legs?|arms?|"
        r"hands?|wrists?|elbows?|head|throat|ears?|eyes?|skin|teeth|tooth|gums?|pulses?|exam\w*|x-?rays?|mri|ct|scan|labs?|"
        r"tests?|results?|a1c|ekg|ecg|ultrasound|biopsy|er|emergency|hospital\w*|clinic|follow[- ]?up|appointment|"
        r"come back|see you back|return|referr\w*|refer|specialist|therapy|physical therapy|hold|stop|continue|start|"
        r"increase|decrease|smok\w*|alcohol|drink\w*|pregnan\w*|period|weight|sleep\w*|anxi\w*|depress\w*|mood|"
        r"temperature|oxygen|sugar|glucose|urin\w*|stool|bowel|symptoms?|tender\w*|murmur|edema|reflex\w*|mg|ml|mcg|units?|"
        r"seizures?|convuls\w*|consciousness|passed out|blacked out|syncope|stroke|heart attack|warm|hot|weigh\w*|"
        r"kilos?|kilograms?|pounds|vaccines?|shots?|colonoscopy|endoscopy|mammogram|antibiotics?|snor\w*|apnea|"
        r"period|pregnan\w*|contracepti\w*|hives|reaction|cancer|tumou?r|cyst|stones?|ulcers?|asthma|reflux"
    ),
    "es": (
        r"dolor\w*|duel\w*|fiebre|tos|náuse\w*|vómit\w*|diarrea|sangr\w*|mare\w*|hinch\w*|picor|alergi\w*|alérgic\w*|"
        r"medic\w*|pastilla\w*|comprimid\w*|receta\w*|dosis|tensión|presión|azúcar|diabet\w*|pecho|garganta|cabeza|"
        r"barriga|espalda|rodilla\w*|pierna\w*|brazo\w*|control|vuelva|volver|urgencias|análisis|radiograf\w*|prueba\w*|"
        r"explora\w*|pulso|fum\w*|alcohol|peso|sueño|ansiedad|tratamiento|síntoma\w*|mg|cada"
    ),
    "ca": (
        r"dolor\w*|mal|febre|tos|nàuse\w*|vòmit\w*|diarrea|sang\w*|mare\w*|infla\w*|picor|al·lèrg\w*|alèrg\w*|medic\w*|"
        r"pastill\w*|recepta|dosi|tensió|pressió|sucre|diabet\w*|pit|coll|cap|panxa|esquena|genoll\w*|cam\w*|control|"
        r"torni|tornar|urgències|anàlisi|radiografi\w*|prov\w*|explora\w*|pols|fum\w*|alcohol|pes|son|ansietat|"
        r"tractament|símptom\w*|mg|cada"
    ),
    "fr": (
        r"douleur\w*|mal|fièvre|toux|nausée\w*|vomi\w*|diarrhée|sang\w*|vertige\w*|gonfl\w*|démangeaison\w*|allergi\w*|"
        r"médic\w*|comprimé\w*|ordonnance|dose\w*|tension|sucre|diabèt\w*|poitrine|gorge|tête|ventre|dos|genou\w*|"
        r"jambe\w*|bras|contrôle|revenez|revoir|urgences|analyse\w*|radio\w*|test\w*|examen|pouls|fum\w*|alcool|poids|"
        r"sommeil|anxiété|traitement|symptôme\w*|mg|toutes les"
    ),
    "pt": (
        r"dor\w*|dói|febre|tosse|náusea\w*|vómit\w*|vômit\w*|diarreia|sangu\w*|tontur\w*|incha\w*|comichão|alergi\w*|"
        r"alérgic\w*|medic\w*|comprimid\w*|receita|dose\w*|tensão|pressão|açúcar|diabet\w*|peito|garganta|cabeça|"
        r"barriga|costas|joelho\w*|perna\w*|braço\w*|controlo|controle|volte|voltar|urgência\w*|análise\w*|radiografi\w*|"
        r"exame\w*|pulso|fum\w*|álcool|peso|sono|ansiedade|tratamento|sintoma\w*|mg|de \d+ em"
    ),
    "de": (
        r"\w*schmerz\w*|fieber|husten|übelkeit|erbrechen|durchfall|blut\w*|schwindel|geschwollen|schwellung|juckreiz|"
        r"allergi\w*|medikament\w*|tablette\w*|rezept|dosis|blutdruck|zucker|diabet\w*|brust|hals|kopf|bauch|rücken|"
        r"knie|bein\w*|arm\w*|kontrolle|wiederkommen|notaufnahme|labor\w*|röntgen\w*|test\w*|untersuch\w*|puls|rauch\w*|"
        r"alkohol|gewicht|schlaf\w*|angst|behandlung|symptom\w*|mg|alle \d+"
    ),
    "it": (
        r"dolor\w*|male|febbre|tosse|nausea|vomit\w*|diarrea|sangu\w*|vertigin\w*|gonfi\w*|prurito|allergi\w*|"
        r"farmac\w*|medicin\w*|compress\w*|ricetta|dose|pressione|zucchero|diabet\w*|petto|gola|testa|pancia|schiena|"
        r"ginocchi\w*|gamba|gambe|braccio|controllo|torni|tornare|pronto soccorso|esami|analisi|radiografi\w*|test|"
        r"visita|polso|fum\w*|alcol|peso|sonno|ansia|terapia|sintom\w*|mg|ogni"
    ),
}
# A number with a unit or a time span ("5 mg", "38.5", "2 weeks", "128/82").
_MEASURE = re.compile(
    r"\d+(?:[.,/]\d+)?\s*(?:mg|mcg|g|ml|units?|%|mm|cm|kg|kilos?|kilograms?|lbs?|pounds|degrees?|bpm|hours?|days?|weeks?|months?|years?|"
    r"días?|semanas?|meses|años|dies|setmanes|anys|jours|semaines|mois|ans|dias|anos|tage|wochen|monate|jahre|giorni|"
    r"settimane|mesi|anni|grados|graus|grad|gradi|jahren|tagen|wochen|monaten|stunden)\b|\d+/\d+|\d+[.,]\d+",
    re.I,
)


@lru_cache(maxsize=None)
def _clinical_re(lang: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + _CLINICAL_WORDS.get(lang, _CLINICAL_WORDS["en"]) + r")(?![\w])", re.I)


# Disease-name suffixes ("bronchitis", "arthrosis", "anemia", "neuropathy");
# outside English also the Romance/German forms ("otite", "artrose").
_DISEASE_SUFFIX: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\b\w{3,}(?:itis|osis|emia|aemia|pathy|algia|oma)s?\b", re.I),
}
_DISEASE_SUFFIX_OTHER = re.compile(
    r"\b\w{3,}(?:itis|ite|ites|osis|ose|emia|émie|ämie|emie|patía|patia|pathie|algia|algie|oma)\b", re.I
)


def has_measure_or_drug(text: str) -> bool:
    """True when ``text`` names a medication or a number with a unit ("15 pounds", "5 mg", "38.5")."""
    return bool(_MEASURE.search(text) or drug_names(text))


def has_clinical_content(text: str, lang: str) -> bool:
    """True when ``text`` mentions anything a clinical note may need.

    A symptom, body part, medication (``drug_names``), dose or measurement,
    time span, test, instruction or follow-up counts. Greetings and dictation
    commands ("thank you", "finalize the note") have none and may be
    dropped; "my knees ache more in cold weather" or "I want to see you back
    in two weeks" are kept whatever other words they contain.
    """
    if _clinical_re(lang).search(text) or _MEASURE.search(text) or drug_names(text):
        return True
    if _DISEASE_SUFFIX.get(lang, _DISEASE_SUFFIX_OTHER).search(text):
        return True
    # Patient speech in another language than the note (code-switching).
    return lang != "en" and bool(_clinical_re("en").search(text)) and bool(re.search(r"\b(?:pain|fever|mg)\b", text, re.I))
