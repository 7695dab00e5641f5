"""Italian (it) tables of the offline note engine.

Every name here is read by ``notes.engines.offline.languages.per_language``
(or ``per_key_language`` for tables keyed by topic/system/section); the
docstring of ``notes.engines.offline.languages`` says which step uses each
table, the package docstring of ``notes.engines.offline`` how to add a
language. A table a language does not need is simply left out.
"""

import re


# Words stripped from the start of a sentence (acknowledgements, connectives).
LEADING = ("ok", "va bene", "bene", "allora", "e", "sì", "certo", "perfetto", "benissimo", "ma", "adesso", "ora", "ecco", "dunque")

# Leading words that also have a meaning of their own: stripped only when
# punctuation sets them off ("Right, so ..." but not "Right lower quadrant";
# Spanish/Catalan "si" = if, "bien"/"bé"/"gut"/"bene" = well).
LEADING_IF_PUNCT = frozenset({"bene", "certo", "ora", "adesso", "perfetto"})

# Verb-first yes/no questions of languages that mark them by intonation only
# (used when an answer "sí"/"no" follows and the "?" is missing).
UNMARKED_QUESTION = re.compile(r"^(?:e\s+)?(?:ha|ha avuto|prende|è|c'è|sente|nota|fuma|beve|qualche)\b", re.I)

# Words after which an ambiguous leading word is a discourse marker.
DISCOURSE_NEXT = r"allora|quindi|e|ma|adesso|facciamo|vado|grazie"

# Negative / affirmative answers to a yes/no question.
NEG_ANSWER = r"^(?:no|mai|nessun|nessuna|per niente|affatto)\b"

POS_ANSWER = r"^(?:sì|si|un po'|a volte|certo)\b"

# Question starts per language (for unpunctuated ASR output).
QUESTION_START = r"^(?:cosa|quale|quali|quanto|quanti|quante|dove|come mai)(?!\w)"

# Body-system lexicon for the review of systems (English labels, per-language
# symptom terms). System grouping follows the CMS 1995/1997 documentation
# guidelines' list of 14 systems.
ROS_SYSTEMS = {
    "Constitutional": ("febbre", "brividi", "sudorazione", "perdita di peso", "stanchezza", "astenia", "appetito"),
    "Eyes": ("vista offuscata", "visione doppia"),
    "Ears, Nose, Mouth and Throat": ("mal di gola", "congestione", "naso chiuso", "mal d'orecchio", "raucedine"),
    "Cardiovascular": ("dolore al petto", "dolore toracico", "palpitazioni", "gambe gonfie"),
    "Respiratory": ("fiato corto", "dispnea", "tosse", "respiro sibilante", "affanno"),
    "Gastrointestinal": ("nausea", "vomito", "diarrea", "stitichezza", "dolore addominale", "mal di pancia", "bruciore di stomaco"),
    "Genitourinary": ("bruciore urinario", "sangue nelle urine"),
    "Musculoskeletal": ("dolori articolari", "mal di schiena", "dolore al ginocchio", "dolori muscolari", "rigidità"),
    "Skin": ("eruzione", "prurito", "ferita"),
    "Neurological": ("mal di testa", "cefalea", "vertigini", "capogiri", "intorpidimento", "formicolio", "debolezza", "svenimento"),
    "Psychiatric": ("depressione", "ansia", "insonnia"),
}

# Topic cues. Each topic maps language -> regex fragments matched at word
# starts (``\b`` prefix), case-insensitive. English is the most complete; for
# the other languages the lists cover the common clinical vocabulary.
TOPIC_CUES = {
    "hpi": (r"dolor", r"fa male", r"male ", r"gonfi", r"da \w+ (?:giorni|settimane|mesi)", r"iniziat", r"cominciat", r"peggio", r"meglio", r"febbre", r"tosse", r"vertigin", r"nausea", r"stanc", r"sangu", r"sintom", r"caduto", r"caduta"),
    "pmh": (r"anamnesi", r"diagnostic", r"diabet", r"ipertensi", r"pressione alta", r"asma", r"infarto", r"cancro", r"tumore", r"operat", r"intervento", r"ricover", r"tiroide", r"colesterolo", r"cronic"),
    "meds": (r"\d+ ?(?:mg|mcg|unità|ml)\b", r"farmac", r"medicin", r"compress", r"pastiglia", r"prendo", r"prende", r"terapia", r"insulina", r"inalatore", r"al giorno", r"ogni \d+ ore"),
    "allergies": (r"allergi",),
    "social": (r"fum", r"sigarett", r"alcol", r"bev", r"birra", r"vino", r"lavor", r"pensione", r"sposat", r"vivo", r"sport", r"cammin", r"dieta", r"mangio"),
    "exam": (r"esame", r"ausculta", r"palpa", r"polso", r"polmoni", r"cuore", r"soffio", r"pressione arteriosa", r"temperatura", r"saturazione", r"frequenza cardiaca", r"mobilità", r"arross", r"vedo", r"sento", r"addome", r"trattabile", r"riflessi", r"forza"),
    "results": (r"inr\b", r"radiografi", r"risonanza", r"tac\b", r"ecografi", r"esami del sangue", r"analisi", r"risultat", r"elettrocardiogramma", r"emoglobina", r"mostra", r"valori", r"livelli"),
    "assessment": (r"diagnosi", r"impressione", r"compatibile con", r"penso che (?:lei abbia|sia|si tratti)", r"si tratta", r"sembra (?:che|una|un)", r"probabilmente", r"sindrome", r"controllat", r"stabile"),
    "plan": (r"faremo", r"vado a", r"le (?:prescrivo|prescriverò|consiglio|richiedo)", r"prescri", r"ricetta", r"richied", r"invi", r"controllo", r"tornare", r"torni", r"continu", r"iniziare", r"aumentare", r"ridurre", r"sospendere", r"consiglio", r"deve", r"evit", r"ogni \d+ ore", r"\d+ ?mg", r"appuntamento", r"fisioterapia"),
    "dental_history": (r"ultima pulizia", r"otturazion", r"corona", r"devitalizz", r"apparecchio", r"spazzol", r"filo interdentale", r"digrign", r"dentista", r"estrazione", r"impianto"),
    "extraoral": (r"extraoral", r"atm\b", r"articolazione", r"linfonodi", r"viso", r"labbra", r"muscoli", r"asimmetr", r"click", r"apertura"),
    "intraoral": (r"intraorale", r"dente", r"denti", r"molare", r"premolare", r"incisivo", r"canino", r"crepa", r"incrinatura", r"frattura", r"carie", r"cuspide", r"mesiale", r"distale", r"occlusale", r"gengiv", r"lingua", r"mucosa", r"palato", r"morso", r"occlusione", r"percussione", r"freddo", r"restauro"),
    "perio": (r"parodont", r"sondaggio", r"tasca", r"\d+ ?(?:mm|millimetri)", r"recessione", r"mobilità", r"forcazione", r"tartaro", r"perdita ossea", r"gengivite"),
    "plaque_bleeding": (r"placca", r"sanguin", r"infiamm"),
    "radiograph": (r"radiografi", r"bitewing", r"endorale", r"periapicale", r"panoramica", r"ortopanoramica", r"opt\b", r"cone beam"),
    "dental_dx": (r"diagnosi", r"incrinat", r"frattura", r"carie", r"pulpite", r"ascesso", r"gengivite", r"parodontite", r"necros", r"infezione", r"penso che", r"sembra"),
    "treatment_plan": (r"corona", r"intarsio", r"onlay", r"devitalizz", r"estra", r"togliere", r"impianto", r"ponte", r"otturazion", r"restaur", r"consiglio", r"opzion", r"piano di trattamento", r"invi", r"endodontista", r"parodontologo", r"chirurgo", r"programm", r"levigatura", r"bite\b", r"preventivo"),
    "procedure": (r"(?:abbiamo|ho) (?:fatto|eseguito|rimosso|posizionato|pulito|lucidato|applicato|preparato|estratto)", r"oggi (?:abbiamo|facciamo)", r"ablazione del tartaro", r"detartrasi", r"levigatura", r"lucidatura", r"fluoro", r"vernice", r"sigillatura", r"preparazione", r"diga", r"mordenzatura", r"fotopolimerizz", r"estrazione", r"sutura", r"impronta", r"provvisori"),
    "anaesthesia": (r"lidocaina", r"articaina", r"mepivacaina", r"adrenalina", r"epinefrina", r"tubofiala", r"carpule", r"anestesi", r"addormentare", r"tronculare", r"plessica", r"infiltrazione", r"puntura"),
    "materials": (r"composito", r"resina", r"amalgama", r"vetroionomero", r"sottofondo", r"adesivo", r"mordenzante", r"colore", r"zirconi", r"ceramica", r"porcellana", r"cemento", r"guttaperca", r"idrossido di calcio", r"materiale"),
    "postop": (r"passerà", r"non mangi", r"eviti (?:di mangiare|di masticare|cibi)", r"mastichi dall'altro lato", r"sensibilit", r"ibuprofene", r"paracetamolo", r"ghiaccio", r"sciacqu", r"acqua e sale", r"chiami", r"se (?:ha|nota)", r"garza", r"sputare", r"cannuccia", r"ore\b"),
    "next_visit": (r"prossim[oa] (?:appuntamento|visita|seduta|volta)", r"torni", r"tornare", r"ci vediamo", r"tra \d+ (?:giorni|settimane|mesi)", r"sei mesi", r"richiamo", r"controllo"),
    "ohi": (r"spazzol", r"filo interdentale", r"scovolino", r"idropulsore", r"collutorio", r"spazzolino elettrico", r"dentifricio", r"zucchero", r"spuntini", r"bibite"),
    "behavior": (r"mi sento", r"umore", r"triste", r"depress", r"ansi", r"preoccup", r"panico", r"rabbia", r"irritab", r"stress", r"sopraffatt", r"dormire", r"dormo", r"piang", r"sol[oa]\b", r"motivazione", r"energia", r"questa settimana", r"ultimamente"),
    "intervention": (r"proviamo", r"pratichiamo", r"abbiamo (?:praticato|parlato|lavorato|rivisto)", r"tecnica", r"respirazione", r"mindfulness", r"consapevolezza", r"cognitiv", r"ristruttura", r"diario dei pensieri", r"strategie", r"abilità", r"esercizio", r"compito", r"psicoeducazione", r"piano di sicurezza"),
    "response": (r"mi aiuta", r"ha senso", r"ci proverò", r"proverò", r"mi sento meglio", r"mi ha aiutato", r"non me ne ero reso conto", r"buona idea", r"mi piace"),
    "goals": (r"obiettiv", r"scopo", r"voglio", r"vorrei", r"lavorare su", r"spero", r"cerco di", r"riuscire"),
}

# Stop-words used for transcript-language detection and content-word tests.
STOPWORDS = frozenset("il la lo le di che e in un una è per con non mi si del della al molto ma lei ho sono ha".split())

# Localized connective words.
SAYS = "Dice"

ASKED = "domanda"

REPORTS = "Riferisce"

DENIES = "Nega"

# Labels used when one section merges several topics (e.g. SOAP Subjective).
SUBHEADINGS = {
    "cc": "Motivo della visita",
    "hpi": "Anamnesi",
    "pmh": "Anamnesi remota",
    "meds": "Terapia",
    "allergies": "Allergie",
    "social": "Anamnesi sociale",
    "ros": "Anamnesi per apparati",
    "exam": "Esame obiettivo",
    "results": "Esami",
    "behavior": "Presentazione",
    "dental_history": "Anamnesi odontoiatrica",
    "anaesthesia": "Anestesia",
    "procedure": "Procedura",
}

SPLIT_MARKERS = r"(?:ok|va bene|allora|adesso|ora|e poi|facciamo|vado a|per quanto riguarda|riguardo|ha avuto|ha)"

# Age statements that mark the clinician's summary sentence.
INTRO = re.compile(r"\bdi \d+ anni\b", re.I)

# Test, laboratory and imaging results ("the rapid strep test is positive",
# "x-ray shows", "hemoglobin is 9"), per language.
RESULT_STATEMENT = re.compile(r"\b(?:test|tampone|esami?|analisi|radiografia|ecografia|risonanza|emoglobina|risultat[oi])\b.{0,40}?\b(?:è|era|sono|risulta|risultato|mostra|ha mostrato)\b", re.I)

CONDITIONAL_START = re.compile(r"^(?:se|in caso di|qualora)\b", re.I)

SIDE_EFFECT_COUNSEL = re.compile(r"\bpuò (?:causare|provocare|dare)\b|\beffetti? collaterali? (?:come|sono|possono)\b|\balcune persone (?:hanno|sentono)\b", re.I)

PLAN_INTENT = re.compile(r"^(?:(?:bene|allora|quindi|e)\s+)?(?:faremo|vado a|le prescrivo|sospendiamo|iniziamo)\b", re.I)

# First-person -> third-person forms of frequent verbs and possessives in
# patient speech, per language. Applied on whole words; the subject pronoun
# is usually dropped in Romance languages, so changing the verb suffices.
THIRD_PERSON_FORMS = (
  ("mi fa male", "le fa male"), ("mi fanno male", "le fanno male"), ("mi sento", "si sente"), ("io", ""),
  ("ho", "ha"), ("sto", "sta"), ("prendo", "prende"), ("sento", "sente"), ("noto", "nota"), ("fumo", "fuma"),
  ("bevo", "beve"), ("lavoro", "lavora"), ("vivo", "vive"), ("posso", "può"), ("faccio", "fa"),
  ("dormo", "dorme"), ("sono", "è"), ("il mio", "il suo"), ("la mia", "la sua"), ("i miei", "i suoi"),
  ("le mie", "le sue"),
)

CC_PATTERNS = (r"(?:viene|è venut[oa]|si presenta) (?:oggi )?(?:per|a causa di) (.{3,80})", r"motivo della visita (?:è )?(.{3,80})")

OPENING_Q = re.compile(r"\b(?:cosa la porta|che cosa la porta|cosa succede|come posso aiutarla|mi racconti|qual è il problema)", re.I)

COMPLAINT_LEAD = r"^(?:ho|ho avuto|mi fa male)\s+(?:una? |un po' di )?"

YN_PREFIX = r"^(?:e )?(?:ha|ha avuto|ha notato|sente|prende|c'è)(?: qualche| dei| delle)?\s+"

PROBLEM_PATTERNS = (r"(?:diagnosi è|diagnosi di|compatibile con|si tratt[ai] di|penso che (?:lei abbia|sia))\s+(?:una? |il |la |lo )?(.{3,70})",)

# Statements of an impression, only read in sentences that are not questions.
IMPRESSION_PATTERNS = (r"(?:^|[,;]\s*|\b(?:quindi|allora)\s+)(?:questa|questo) è (?:una? |il |la |lo )?(.{3,60})", r"\bsembra (?:una? )(.{3,60})")
