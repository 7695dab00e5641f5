"""French (fr) tables of the offline note engine.

Every name here is read by ``notes.engines.offline.languages.per_language``
(or ``per_key_language`` for tables keyed by topic/system/section); the
docstring of ``notes.engines.offline.languages`` says which step uses each
table, the package docstring of ``notes.engines.offline`` how to add a
language. A table a language does not need is simply left out.
"""

import re


# Words stripped from the start of a sentence (acknowledgements, connectives).
LEADING = ("d'accord", "ok", "bon", "bien", "alors", "et", "oui", "donc", "parfait", "très bien", "mais", "maintenant", "voilà", "écoutez")

# Leading words that also have a meaning of their own: stripped only when
# punctuation sets them off ("Right, so ..." but not "Right lower quadrant";
# Spanish/Catalan "si" = if, "bien"/"bé"/"gut"/"bene" = well).
LEADING_IF_PUNCT = frozenset({"bien", "bon", "parfait", "maintenant", "donc"})

# Verb-first yes/no questions of languages that mark them by intonation only
# (used when an answer "sí"/"no" follows and the "?" is missing).
UNMARKED_QUESTION = re.compile(r"^(?:et\s+)?(?:vous avez|vous prenez|vous fumez|vous buvez|vous êtes|avez-vous|prenez-vous|êtes-vous|des|de la|du)\b", re.I)

# Words after which an ambiguous leading word is a discourse marker.
DISCOURSE_NEXT = r"alors|donc|d'accord|et|mais|on|je|vous|merci"

# Negative / affirmative answers to a yes/no question.
NEG_ANSWER = r"^(?:non|jamais|aucun|aucune|pas du tout|pas vraiment)\b"

POS_ANSWER = r"^(?:oui|un peu|parfois|si)\b"

# Question starts per language (for unpunctuated ASR output).
QUESTION_START = r"^(?:est-ce|qu'est-ce|quand|comment|où|pourquoi|quel|quelle|combien|avez-vous|êtes-vous|prenez-vous|ressentez-vous)(?!\w)"

# Body-system lexicon for the review of systems (English labels, per-language
# symptom terms). System grouping follows the CMS 1995/1997 documentation
# guidelines' list of 14 systems.
ROS_SYSTEMS = {
    "Constitutional": ("fièvre", "frissons", "sueurs", "perte de poids", "fatigue", "appétit"),
    "Eyes": ("vision floue", "vision double"),
    "Ears, Nose, Mouth and Throat": ("mal de gorge", "mal à la gorge", "congestion", "nez qui coule", "mal à l'oreille", "enrouement"),
    "Cardiovascular": ("douleur thoracique", "douleur dans la poitrine", "palpitations", "jambes gonflées"),
    "Respiratory": ("essoufflement", "dyspnée", "toux", "sifflement"),
    "Gastrointestinal": ("nausée", "nausées", "vomissements", "diarrhée", "constipation", "douleur abdominale", "mal au ventre", "brûlures d'estomac"),
    "Genitourinary": ("brûlures urinaires", "sang dans les urines"),
    "Musculoskeletal": ("douleur articulaire", "mal de dos", "douleur au genou", "douleur musculaire", "raideur"),
    "Skin": ("éruption", "démangeaisons", "plaie"),
    "Neurological": ("mal de tête", "mal à la tête", "maux de tête", "céphalées", "vertiges", "engourdissement", "fourmillements", "faiblesse", "malaise"),
    "Psychiatric": ("dépression", "anxiété", "insomnie", "idées suicidaires"),
}

# Topic cues. Each topic maps language -> regex fragments matched at word
# starts (``\b`` prefix), case-insensitive. English is the most complete; for
# the other languages the lists cover the common clinical vocabulary.
TOPIC_CUES = {
    "hpi": (r"douleur", r"mal ", r"fait mal", r"gonfl", r"depuis", r"il y a \w+ (?:jours|semaines|mois)", r"commencé", r"pire", r"mieux", r"fièvre", r"tousse", r"toux", r"vertige", r"nausée", r"fatigu", r"saign", r"symptôme", r"chute", r"tombé"),
    "pmh": (r"antécédent", r"diagnostiqu", r"diabèt", r"hypertension", r"tension", r"asthme", r"infarctus", r"cancer", r"opéré", r"chirurgie", r"hospitalis", r"thyroïde", r"cholestérol", r"chronique"),
    "meds": (r"\d+ ?(?:mg|mcg|unités|ml)\b", r"médicament", r"traitement", r"comprimé", r"cachet", r"je prends", r"prenez", r"insuline", r"inhalateur", r"par jour", r"toutes les \d+ heures"),
    "allergies": (r"allergi",),
    "social": (r"fum", r"tabac", r"cigarette", r"alcool", r"bo[ia]", r"bière", r"vin\b", r"travail", r"retraité", r"marié", r"j'habite", r"vis ", r"sport", r"march", r"régime", r"mange"),
    "exam": (r"exam", r"auscult", r"palp", r"pouls", r"poumons", r"cœur", r"coeur", r"souffle", r"tension artérielle", r"température", r"saturation", r"fréquence cardiaque", r"mobilité", r"rougeur", r"je vois", r"je sens", r"abdomen", r"souple", r"réflexes", r"force"),
    "results": (r"inr\b", r"radio", r"irm", r"scanner", r"échographie", r"bilan sanguin", r"prise de sang", r"analyse", r"résultat", r"électrocardiogramme", r"ecg", r"hémoglobine", r"montre", r"taux"),
    "assessment": (r"diagnostic", r"impression", r"compatible avec", r"je pense que (?:vous avez|c'est|il s'agit)", r"il s'agit", r"ressemble à", r"probablement", r"syndrome", r"contrôlé", r"stable"),
    "plan": (r"on va", r"je vais", r"nous allons", r"je vous (?:prescris|prescrit|recommande|conseille|adresse)", r"ordonnance", r"prescri", r"demander", r"adresser", r"contrôle", r"revoir", r"reven", r"dans \d+ jours", r"continu", r"commencer", r"augmenter", r"diminuer", r"arrêter", r"recommande", r"il faut", r"devez", r"évitez", r"toutes les \d+ heures", r"\d+ ?mg", r"rendez-vous", r"kiné"),
    "dental_history": (r"dernier détartrage", r"plombage", r"obturation", r"couronne", r"dévitalis", r"appareil", r"bross", r"fil dentaire", r"grince", r"serre les dents", r"dentiste", r"extraction", r"implant"),
    "extraoral": (r"exobuccal", r"atm\b", r"articulation", r"ganglions", r"visage", r"lèvres", r"muscles", r"asymétr", r"claquement", r"ouverture"),
    "intraoral": (r"endobuccal", r"dent\b", r"dents\b", r"molaire", r"prémolaire", r"incisive", r"canine", r"fissure", r"fêlure", r"carie", r"cuspide", r"mésial", r"distal", r"occlusal", r"gencive", r"langue", r"muqueuse", r"palais", r"occlusion", r"percussion", r"froid", r"restauration"),
    "perio": (r"parodont", r"sondage", r"poche", r"\d+ ?(?:mm|millimètres)", r"récession", r"mobilité", r"furcation", r"tartre", r"perte osseuse", r"gingivite"),
    "plaque_bleeding": (r"plaque", r"saign", r"inflamm"),
    "radiograph": (r"radio", r"bite-?wing", r"rétro-?alvéolaire", r"panoramique", r"cone beam"),
    "dental_dx": (r"diagnostic", r"fêlure", r"fracture", r"carie", r"pulpite", r"abcès", r"gingivite", r"parodontite", r"nécrose", r"infection", r"je pense", r"semble"),
    "treatment_plan": (r"couronne", r"onlay", r"inlay", r"dévitalis", r"traitement de canal", r"extraction", r"extraire", r"implant", r"bridge", r"obturation", r"restaur", r"recommande", r"option", r"plan de traitement", r"adresser", r"endodontiste", r"parodontiste", r"chirurgien", r"programmer", r"surfaçage", r"gouttière", r"devis"),
    "procedure": (r"(?:nous avons|j'ai) (?:fait|réalisé|retiré|posé|nettoyé|poli|appliqué)", r"aujourd'hui", r"détartrage", r"surfaçage", r"polissage", r"fluor", r"vernis", r"scellement", r"préparation", r"digue", r"mordançage", r"photopolymér", r"extraction", r"suture", r"empreinte", r"provisoire"),
    "anaesthesia": (r"lidocaïne", r"articaïne", r"mépivacaïne", r"adrénaline", r"épinéphrine", r"carpule", r"cartouche", r"anesthési", r"endormir", r"bloc", r"tronculaire", r"infiltration", r"piqûre"),
    "materials": (r"composite", r"résine", r"amalgame", r"verre ionomère", r"fond de cavité", r"adhésif", r"mordançage", r"teinte", r"zircone", r"céramique", r"porcelaine", r"ciment", r"gutta", r"hydroxyde de calcium", r"matériau"),
    "postop": (r"l'anesthésie va", r"ne mangez pas", r"évitez (?:de manger|de mâcher|les aliments)", r"mâchez de l'autre côté", r"sensibilit", r"ibuprofène", r"paracétamol", r"glace", r"rinc", r"eau salée", r"appelez", r"si vous (?:avez|remarquez)", r"compresse", r"cracher", r"paille", r"heures"),
    "next_visit": (r"prochain (?:rendez-vous|rdv)", r"prochaine (?:séance|visite|fois)", r"revenir", r"revenez", r"on se revoit", r"dans \d+ (?:jours|semaines|mois)", r"six mois", r"contrôle", r"rappel"),
    "ohi": (r"bross", r"fil dentaire", r"brossettes", r"interdentaire", r"hydropulseur", r"bain de bouche", r"brosse à dents électrique", r"dentifrice", r"sucre", r"grignot", r"soda"),
    "behavior": (r"je me sens", r"humeur", r"triste", r"déprim", r"anxi", r"angoiss", r"inquiet", r"panique", r"colère", r"irritab", r"stress", r"débordé", r"dormir", r"dors", r"pleur", r"seul", r"motivation", r"énergie", r"cette semaine", r"ces derniers temps"),
    "intervention": (r"on va (?:pratiquer|essayer|parler|travailler)", r"nous avons (?:pratiqué|parlé|travaillé|revu)", r"technique", r"respiration", r"pleine conscience", r"cognitiv", r"restructuration", r"pensées", r"stratégies", r"compétence", r"exercice", r"devoir", r"psychoéducation", r"plan de sécurité"),
    "response": (r"ça (?:m')?aide", r"c'est logique", r"ça a du sens", r"je vais essayer", r"j'essaierai", r"je me sens mieux", r"ça m'a aidé", r"je n'avais pas réalisé", r"bonne idée", r"ça me plaît"),
    "goals": (r"objectif", r"but\b", r"je veux", r"je voudrais", r"j'aimerais", r"travailler sur", r"j'espère", r"j'essaie", r"pouvoir"),
}

# Stop-words used for transcript-language detection and content-word tests.
STOPWORDS = frozenset("le la les de des et en un une est pour avec pas je vous il ce que qui du au très mais ai avez".split())

# Localized connective words.
SAYS = "Dit"

ASKED = "question"

REPORTS = "Rapporte"

DENIES = "Nie"

# Labels used when one section merges several topics (e.g. SOAP Subjective).
SUBHEADINGS = {
    "cc": "Motif",
    "hpi": "Histoire de la maladie",
    "pmh": "Antécédents",
    "meds": "Traitement",
    "allergies": "Allergies",
    "social": "Mode de vie",
    "ros": "Revue des systèmes",
    "exam": "Examen",
    "results": "Examens complémentaires",
    "behavior": "Présentation",
    "dental_history": "Antécédents dentaires",
    "anaesthesia": "Anesthésie",
    "procedure": "Acte",
}

SPLIT_MARKERS = r"(?:d'accord|ok|bon|alors|donc|maintenant|et puis|on va|je vais|pour votre|concernant|avez-vous|est-ce que)"

# Age statements that mark the clinician's summary sentence.
INTRO = re.compile(r"\b\d+ ans\b", re.I)

# Test, laboratory and imaging results ("the rapid strep test is positive",
# "x-ray shows", "hemoglobin is 9"), per language.
RESULT_STATEMENT = re.compile(r"\b(?:test|analyse|bilan|radio(?:graphie)?|échographie|irm|scanner|prélèvement|hémoglobine|résultat)s?\b.{0,40}?\b(?:est|était|sont|revenu|revient|montre|a montré)\b", re.I)

CONDITIONAL_START = re.compile(r"^(?:si|s'il|s'ils|en cas de|au cas où)\b", re.I)

SIDE_EFFECT_COUNSEL = re.compile(r"\bpeut (?:causer|provoquer|donner|entraîner)\b|\beffets? (?:secondaires?|indésirables?) (?:comme|sont|peuvent)\b|\bcertaines personnes (?:ont|ressentent)\b", re.I)

PLAN_INTENT = re.compile(r"^(?:(?:bon|alors|donc|et)\s+)?(?:on va|je vais|nous allons|je vous prescris|il faut)\b", re.I)

# First-person -> third-person forms of frequent verbs and possessives in
# patient speech, per language. Applied on whole words; the subject pronoun
# is usually dropped in Romance languages, so changing the verb suffices.
THIRD_PERSON_FORMS = (
  ("j'ai", "le patient a"), ("je suis", "le patient est"), ("je me sens", "le patient se sent"),
  ("je prends", "le patient prend"), ("je fume", "le patient fume"), ("je bois", "le patient boit"),
  ("je travaille", "le patient travaille"), ("j'habite", "le patient habite"), ("je peux", "le patient peut"),
  ("je fais", "le patient fait"), ("je dors", "le patient dort"), ("je tousse", "le patient tousse"),
  ("je n'ai", "le patient n'a"), ("je ne", "le patient ne"), ("je", "le patient"), ("mon", "son"),
  ("ma", "sa"), ("mes", "ses"), ("me", "se"),
)

CC_PATTERNS = (r"(?:vient|consulte|venez) (?:aujourd'hui )?(?:pour|à cause de) (.{3,80})", r"motif de (?:la )?consultation (?:est )?(.{3,80})")

OPENING_Q = re.compile(r"\b(?:qu'est-ce qui vous amène|qu'est-ce qui ne va pas|que puis-je faire|racontez-moi|qu'est-ce qui se passe)", re.I)

COMPLAINT_LEAD = r"^(?:j'ai|je suis|depuis)\s+(?:une? |des |mal )?"

YN_PREFIX = r"^(?:et )?(?:est-ce que vous avez|avez-vous|vous avez|ressentez-vous|prenez-vous|vous prenez)(?: eu)?(?: des| de la| du| un| une| d')?\s*"

PROBLEM_PATTERNS = (r"(?:diagnostic est|diagnostic de|compatible avec|il s'agit d[e']|je pense que (?:vous avez|c'est))\s*(?:une? |la |le |d'une? )?(.{3,70})",)

# Statements of an impression, only read in sentences that are not questions.
IMPRESSION_PATTERNS = (r"(?:^|[,;]\s*|\b(?:donc|alors)\s+)c'est (?:une? |la |le )?(.{3,60})", r"\bressemble à (?:une? )(.{3,60})")
