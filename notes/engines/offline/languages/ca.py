"""Catalan (ca) tables of the offline note engine.

Every name here is read by ``notes.engines.offline.languages.per_language``
(or ``per_key_language`` for tables keyed by topic/system/section); the
docstring of ``notes.engines.offline.languages`` says which step uses each
table, the package docstring of ``notes.engines.offline`` how to add a
language. A table a language does not need is simply left out.
"""

import re


# Words stripped from the start of a sentence (acknowledgements, connectives).
LEADING = ("vale", "bé", "molt bé", "doncs", "llavors", "i", "sí", "clar", "d'acord", "ok", "perfecte", "però", "ara", "escolti")

# Leading words that also have a meaning of their own: stripped only when
# punctuation sets them off ("Right, so ..." but not "Right lower quadrant";
# Spanish/Catalan "si" = if, "bien"/"bé"/"gut"/"bene" = well).
LEADING_IF_PUNCT = frozenset({"bé", "clar", "ara", "perfecte"})

# Verb-first yes/no questions of languages that mark them by intonation only
# (used when an answer "sí"/"no" follows and the "?" is missing).
UNMARKED_QUESTION = re.compile(r"^(?:i\s+)?(?:té|ha tingut|ha notat|pren|és|està|hi ha|li fa mal|sent|nota|fuma|beu|algun|alguna|vostè)\b", re.I)

# Negative / affirmative answers to a yes/no question.
NEG_ANSWER = r"^(?:no(?!,? (?:ho sé|sé|estic segur|me'n recordo|ho recordo))|mai|cap|gens)\b"

POS_ANSWER = r"^(?:sí|una mica|a vegades|de vegades|clar)\b"

# Question starts per language (for unpunctuated ASR output).
QUESTION_START = r"^(?:¿|què|quan|per què|quin|quina|quant|quants|quantes)(?!\w)"

# Body-system lexicon for the review of systems (English labels, per-language
# symptom terms). System grouping follows the CMS 1995/1997 documentation
# guidelines' list of 14 systems.
ROS_SYSTEMS = {
    "Constitutional": ("febre", "calfreds", "suors", "pèrdua de pes", "cansament", "fatiga", "gana"),
    "Eyes": ("visió borrosa", "visió doble"),
    "Ears, Nose, Mouth and Throat": ("mal de coll", "congestió", "mocs", "mal d'orella", "ronquera"),
    "Cardiovascular": ("dolor al pit", "dolor toràcic", "palpitacions", "cames inflades"),
    "Respiratory": ("falta d'aire", "dispnea", "tos", "ofec"),
    "Gastrointestinal": ("nàusees", "vòmits", "diarrea", "restrenyiment", "dolor abdominal", "mal de panxa"),
    "Genitourinary": ("coïssor en orinar", "sang a l'orina"),
    "Musculoskeletal": ("dolor articular", "mal d'esquena", "dolor de genoll", "dolor muscular", "rigidesa"),
    "Skin": ("erupció", "picor", "ferida"),
    "Neurological": ("mal de cap", "cefalea", "mareig", "rampes", "formigueig", "debilitat", "desmai"),
    "Psychiatric": ("depressió", "ansietat", "insomni"),
}

# Topic cues. Each topic maps language -> regex fragments matched at word
# starts (``\b`` prefix), case-insensitive. English is the most complete; for
# the other languages the lists cover the common clinical vocabulary.
TOPIC_CUES = {
    "hpi": (r"dolor", r"fa mal", r"mal de", r"molèst", r"infla", r"des de fa", r"fa \w+ (?:dies|setmanes|mesos)", r"va començar", r"pitjor", r"millor", r"febre", r"tos", r"mareig", r"nàusees", r"cansat", r"sang", r"símptoma", r"caiguda"),
    "pmh": (r"antecedent", r"diagnostic", r"diabet", r"hipertensi", r"tensió alta", r"asma", r"infart", r"càncer", r"operat", r"cirurgia", r"ingrés", r"tiroide", r"colesterol", r"crònic"),
    "meds": (r"\d+ ?(?:mg|mcg|unitats|ml)\b", r"medicaci", r"medicament", r"pastilla", r"comprimit", r"prenc", r"pren", r"tractament", r"insulina", r"inhalador", r"al dia", r"cada \d+ hores"),
    "allergies": (r"al·lèrg", r"alèrg", r"al·lergi"),
    "social": (r"fum", r"tabac", r"alcohol", r"beu", r"begu", r"cervesa", r"vi\b", r"treball", r"jubilat", r"casat", r"visc", r"exercici", r"camin", r"dieta", r"menj"),
    "exam": (r"explora", r"auscult", r"palpa", r"pols\b", r"pulmons", r"cor\b", r"buf", r"tensió arterial", r"pressió arterial", r"temperatura", r"saturació", r"freqüència cardíaca", r"mobilitat", r"inflamat", r"vermell", r"veig", r"noto", r"abdomen", r"tou", r"reflexos", r"força"),
    "results": (r"inr\b", r"radiografi", r"ressonància", r"tac\b", r"ecografi", r"analítica", r"anàlisi", r"resultat", r"electrocardiograma", r"hemoglobina", r"mostra", r"nivells"),
    "assessment": (r"diagnòstic", r"impressió", r"compatible amb", r"crec que (?:té|és|es tracta)", r"sembla (?:que|una|un)", r"probablement", r"es tracta d", r"síndrome", r"controlat", r"estable"),
    "plan": (r"farem", r"anem a", r"vaig a", r"li (?:receptaré|demano|recomano)", r"recepta", r"demanar", r"sol·licit", r"deriv", r"control", r"revisió", r"tornar", r"torni", r"continu", r"seguir", r"començar", r"augmentar", r"baixar", r"deixar de", r"recomano", r"ha de", r"eviti", r"cada \d+ hores", r"\d+ ?mg", r"cita", r"fisioteràpia"),
    "dental_history": (r"última neteja", r"empast", r"corona", r"endodòncia", r"ortodòncia", r"raspall", r"fil dental", r"rechin", r"dentista", r"extracció", r"implant"),
    "extraoral": (r"extraoral", r"atm\b", r"articulació", r"ganglis", r"cara", r"llavis", r"músculs", r"asimetr", r"clic", r"obertura"),
    "intraoral": (r"intraoral", r"dent\b", r"queixal", r"molar", r"premolar", r"incisiu", r"ullal", r"peça \d+", r"fissura", r"esquerda", r"càries", r"cúspide", r"mesial", r"distal", r"oclusal", r"geniva", r"llengua", r"mucosa", r"paladar", r"mossegada", r"percussió", r"fred", r"restauració"),
    "perio": (r"periodont", r"sondatge", r"bossa", r"\d+ ?(?:mm|mil·límetres)", r"recessió", r"mobilitat", r"furca", r"tosca", r"càlcul", r"pèrdua òssia", r"gingivitis"),
    "plaque_bleeding": (r"placa", r"sagn", r"inflamat", r"inflamació"),
    "radiograph": (r"radiografi", r"aleta de mossegada", r"periapical", r"panoràmica", r"ortopantomograf"),
    "dental_dx": (r"diagnòstic", r"fissura", r"fractura", r"càries", r"pulpitis", r"abscés", r"gingivitis", r"periodontitis", r"necrosi", r"infecció", r"crec que", r"sembla"),
    "treatment_plan": (r"corona", r"incrustació", r"endodòncia", r"extrac", r"treure", r"implant", r"pont", r"empast", r"restaur", r"recomano", r"opció", r"pla de tractament", r"deriv", r"endodoncista", r"periodoncista", r"cirurgià", r"programar", r"raspat", r"fèrula", r"pressupost"),
    "procedure": (r"hem (?:fet|realitzat|tret|col·locat|netejat|polit|aplicat)", r"avui (?:hem|farem)", r"tartrectomia", r"neteja", r"raspat", r"polit", r"fluor", r"vernís", r"segellador", r"preparació", r"aïllament", r"dic de goma", r"gravat", r"fotopolimeritz", r"extracció", r"sutura", r"impressió", r"provisional"),
    "anaesthesia": (r"lidocaïna", r"articaïna", r"mepivacaïna", r"epinefrina", r"adrenalina", r"carpule", r"cartutx", r"anestèsi", r"anestesi", r"bloqueig", r"infiltració", r"tòpic", r"punxada"),
    "materials": (r"composite", r"resina", r"amalgama", r"ionòmer", r"base", r"adhesiu", r"gravat", r"color", r"to\b", r"zirconi", r"porcellana", r"ceràmica", r"ciment", r"gutaperxa", r"hidròxid de calci", r"material"),
    "postop": (r"passarà", r"no mengi", r"eviti (?:menjar|mastegar)", r"mastegui per l'altre costat", r"sensibilitat", r"ibuprofè", r"paracetamol", r"gel\b", r"esbandi", r"aigua amb sal", r"truqui", r"si (?:té|nota)", r"gasa", r"escopir", r"palleta", r"hores"),
    "next_visit": (r"propera (?:cita|visita|vegada)", r"torni", r"tornar", r"ens veiem", r"d'aquí a", r"en \d+ (?:dies|setmanes|mesos)", r"sis mesos", r"revisió", r"control", r"programar"),
    "ohi": (r"raspall", r"fil dental", r"interdental", r"irrigador", r"col·lutori", r"esbandida", r"raspall elèctric", r"pasta de dents", r"dentífric", r"sucre", r"refrescos"),
    "behavior": (r"em sento", r"ànim", r"trist", r"deprim", r"ansi", r"preocup", r"pànic", r"enfad", r"irritab", r"estrès", r"dormir", r"dormo", r"plor", r"sol[a]?\b", r"motivaci", r"energia", r"aquesta setmana", r"últimament"),
    "intervention": (r"practicarem", r"provarem", r"hem (?:practicat|parlat|treballat|revisat)", r"tècnica", r"respiració", r"mindfulness", r"cognitiv", r"reestructura", r"registre de pensaments", r"afrontament", r"habilitat", r"exercici", r"tasca", r"psicoeducació", r"pla de seguretat"),
    "response": (r"això (?:m')?ajuda", r"té sentit", r"ho intentaré", r"ho provaré", r"em sento millor", r"m'ha ajudat", r"no me n'havia adonat", r"bona idea", r"m'agrada"),
    "goals": (r"objectiu", r"meta", r"vull", r"m'agradaria", r"treballar en", r"espero", r"intento", r"poder"),
}

# Stop-words used for transcript-language detection and content-word tests.
STOPWORDS = frozenset("el la de que i en els les un una és per amb no em ho es del al molt però vostè tinc està fa".split())

# Localized connective words.
SAYS = "Diu"

ASKED = "pregunta"

REPORTS = "Refereix"

DENIES = "Nega"

# Labels used when one section merges several topics (e.g. SOAP Subjective).
SUBHEADINGS = {
    "cc": "Motiu de consulta",
    "hpi": "Malaltia actual",
    "pmh": "Antecedents",
    "meds": "Medicació",
    "allergies": "Al·lèrgies",
    "social": "Hàbits",
    "ros": "Anamnesi per aparells",
    "exam": "Exploració",
    "results": "Proves",
    "behavior": "Presentació",
    "dental_history": "Antecedents odontològics",
    "anaesthesia": "Anestèsia",
    "procedure": "Procediment",
}

SPLIT_MARKERS = r"(?:vale|bé|doncs|llavors|ara|i després|anem a|farem|pel que fa a|té|ha tingut)"

# Age statements that mark the clinician's summary sentence.
INTRO = re.compile(r"\bde \d+ anys\b", re.I)

# Test, laboratory and imaging results ("the rapid strep test is positive",
# "x-ray shows", "hemoglobin is 9"), per language.
RESULT_STATEMENT = re.compile(r"\b(?:prova|test|anàlisi|analítica|radiografia|ecografia|ressonància|cultiu|frotis|hemoglobina|resultat)s?\b.{0,40}?\b(?:és|va ser|ha sortit|surt|dona|ha donat|mostra)\b", re.I)

CONDITIONAL_START = re.compile(r"^(?:si|en cas de|quan)\b", re.I)

SIDE_EFFECT_COUNSEL = re.compile(r"\bpot (?:causar|produir|provocar|donar)\b|\befectes? secundaris? (?:com|són|poden|solen)\b|\balgunes persones (?:tenen|noten)\b", re.I)

PLAN_INTENT = re.compile(r"^(?:(?:bé|doncs|llavors|i)\s+)?(?:anem a|farem|vaig a|li receptaré|li demano|cal)\b", re.I)

# First-person -> third-person forms of frequent verbs and possessives in
# patient speech, per language. Applied on whole words; the subject pronoun
# is usually dropped in Romance languages, so changing the verb suffices.
THIRD_PERSON_FORMS = (
  ("em fa mal", "li fa mal"), ("em fan mal", "li fan mal"), ("em sento", "se sent"), ("em costa", "li costa"),
  ("jo", ""), ("tinc", "té"), ("estic", "està"), ("sóc", "és"), ("prenc", "pren"), ("he", "ha"),
  ("noto", "nota"), ("fumo", "fuma"), ("bec", "beu"), ("treballo", "treballa"), ("visc", "viu"),
  ("puc", "pot"), ("faig", "fa"), ("dormo", "dorm"), ("vaig", "va"), ("el meu", "el seu"),
  ("la meva", "la seva"), ("els meus", "els seus"), ("les meves", "les seves"),
)

CC_PATTERNS = (r"(?:ve|acudeix|consulta) (?:avui )?(?:per|perquè) (.{3,80})", r"motiu de (?:la )?consulta (?:és )?(.{3,80})")

OPENING_Q = re.compile(r"\b(?:què l'porta|què li passa|en què (?:l'|el )?puc ajudar|expliqui'm|què el porta|què la porta)", re.I)

COMPLAINT_LEAD = r"^(?:doncs,? )?(?:tinc|em fa mal|he tingut)\s+(?:una? |una mica de )?"

YN_PREFIX = r"^(?:¿\s*)?(?:i |ha |vostè )*(?:té|tingut|notat|nota|sent|sentit|pren|pres|hi ha|presenta)(?: vostè)?(?: algun| alguna| cap)?\s+"

PROBLEM_PATTERNS = (r"(?:diagnòstic és|diagnòstic de|compatible amb|es tracta d[e']|crec que (?:té|és))\s*(?:una? |el |la )?(.{3,70})",)

# Statements of an impression, only read in sentences that are not questions.
IMPRESSION_PATTERNS = (r"(?:^|[,;]\s*|\b(?:així que|doncs)\s+)(?:això|aixó) és (?:una? |el |la )?(.{3,60})", r"\bsembla (?:una? )(.{3,60})")
