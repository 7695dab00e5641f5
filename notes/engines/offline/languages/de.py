"""German (de) tables of the offline note engine.

Every name here is read by ``notes.engines.offline.languages.per_language``
(or ``per_key_language`` for tables keyed by topic/system/section); the
docstring of ``notes.engines.offline.languages`` says which step uses each
table, the package docstring of ``notes.engines.offline`` how to add a
language. A table a language does not need is simply left out.
"""

import re


# Words stripped from the start of a sentence (acknowledgements, connectives).
LEADING = ("okay", "ok", "gut", "also", "und", "ja", "genau", "klar", "alles klar", "prima", "sehr gut", "aber", "jetzt", "na", "schön")

# Leading words that also have a meaning of their own: stripped only when
# punctuation sets them off ("Right, so ..." but not "Right lower quadrant";
# Spanish/Catalan "si" = if, "bien"/"bé"/"gut"/"bene" = well).
LEADING_IF_PUNCT = frozenset({"gut", "klar", "genau", "jetzt", "prima", "schön"})

# A negative answer word used as a determiner of what follows.
NEG_DETERMINER = re.compile(r"^(?:kein|keine|keinen|keinerlei)\s+\w", re.I)

# Words after which an ambiguous leading word is a discourse marker.
DISCOURSE_NEXT = r"also|dann|und|aber|wir|ich|sie|danke"

# Negative / affirmative answers to a yes/no question.
NEG_ANSWER = r"^(?:nein|nee|nö|nie|niemals|keine|keinen|kein|gar nicht|überhaupt nicht)\b"

POS_ANSWER = r"^(?:ja|doch|ein bisschen|manchmal|genau)\b"

# Question starts per language (for unpunctuated ASR output).
QUESTION_START = r"^(?:haben sie|hatten sie|sind sie|waren sie|nehmen sie|wie|was|wann|wo|warum|welche|welcher|wieviel|gibt es|können sie|möchten sie)(?!\w)"

# Body-system lexicon for the review of systems (English labels, per-language
# symptom terms). System grouping follows the CMS 1995/1997 documentation
# guidelines' list of 14 systems.
ROS_SYSTEMS = {
    "Constitutional": ("fieber", "schüttelfrost", "nachtschweiß", "gewichtsverlust", "müdigkeit", "abgeschlagenheit", "appetit"),
    "Eyes": ("verschwommen", "doppelbilder", "sehstörung"),
    "Ears, Nose, Mouth and Throat": ("halsschmerzen", "schnupfen", "verstopfte nase", "ohrenschmerzen", "heiserkeit"),
    "Cardiovascular": ("brustschmerzen", "herzrasen", "herzstolpern", "geschwollene beine", "beinödeme"),
    "Respiratory": ("atemnot", "kurzatmig", "husten", "pfeifen"),
    "Gastrointestinal": ("übelkeit", "erbrechen", "durchfall", "verstopfung", "bauchschmerzen", "sodbrennen"),
    "Genitourinary": ("brennen beim wasserlassen", "blut im urin"),
    "Musculoskeletal": ("gelenkschmerzen", "rückenschmerzen", "knieschmerzen", "muskelschmerzen", "steifheit"),
    "Skin": ("ausschlag", "juckreiz", "wunde"),
    "Neurological": ("kopfschmerzen", "schwindel", "taubheit", "kribbeln", "schwäche", "ohnmacht"),
    "Psychiatric": ("depression", "angst", "schlafstörungen", "suizidgedanken"),
}

# Topic cues. Each topic maps language -> regex fragments matched at word
# starts (``\b`` prefix), case-insensitive. English is the most complete; for
# the other languages the lists cover the common clinical vocabulary.
TOPIC_CUES = {
    "hpi": (r"schmerz", r"tut weh", r"weh", r"geschwollen", r"schwellung", r"seit", r"vor \w+ (?:tagen|wochen|monaten)", r"angefangen", r"begonnen", r"schlimmer", r"besser", r"fieber", r"husten", r"schwindel", r"übelkeit", r"müde", r"blut", r"symptom", r"gestürzt", r"sturz"),
    "pmh": (r"vorerkrank", r"diagnos", r"diabet", r"zucker", r"bluthochdruck", r"hypertonie", r"asthma", r"herzinfarkt", r"krebs", r"operiert", r"operation", r"krankenhaus", r"schilddrüse", r"cholesterin", r"chronisch"),
    "meds": (r"\d+ ?(?:mg|mcg|einheiten|ml)\b", r"medikament", r"tablette", r"nehme", r"nehmen", r"insulin", r"spray", r"täglich", r"am tag", r"alle \d+ stunden"),
    "allergies": (r"allergi", r"unverträglich"),
    "social": (r"rauch", r"zigarette", r"alkohol", r"trinke", r"bier", r"wein", r"arbeite", r"beruf", r"rente", r"verheiratet", r"wohne", r"sport", r"spazier", r"ernährung", r"esse"),
    "exam": (r"untersuch", r"abhör", r"abtast", r"lunge", r"herz", r"geräusch", r"blutdruck", r"temperatur", r"sättigung", r"puls", r"beweglich", r"rötung", r"ich sehe", r"ich fühle", r"bauch", r"weich", r"reflexe", r"kraft", r"druckschmerz"),
    "results": (r"inr\b", r"röntgen", r"mrt", r"ct\b", r"ultraschall", r"sonographie", r"labor", r"blutwerte", r"blutbild", r"ergebnis", r"befund", r"ekg", r"hba1c", r"zeigt", r"werte"),
    "assessment": (r"diagnose", r"verdacht", r"vereinbar mit", r"ich denke,? (?:sie haben|es ist|das ist|es handelt)", r"es handelt sich", r"sieht (?:nach|aus)", r"wahrscheinlich", r"syndrom", r"eingestellt", r"stabil"),
    "plan": (r"wir werden", r"ich werde", r"ich verschreibe", r"notaufnahme", r"verschreib", r"rezept", r"überweis", r"kontroll", r"wiedervorstell", r"wiederkommen", r"kommen sie (?:\w+ )?wieder", r"in \d+ tagen", r"weiter", r"beginnen", r"erhöhen", r"reduzieren", r"absetzen", r"empfehle", r"sollten", r"müssen", r"vermeiden", r"alle \d+ stunden", r"\d+ ?mg", r"termin", r"physiotherapie"),
    "dental_history": (r"letzte (?:reinigung|prophylaxe)", r"füllung", r"krone", r"wurzelbehandlung", r"zahnspange", r"putze", r"zahnseide", r"knirsch", r"zahnarzt", r"gezogen", r"implantat"),
    "extraoral": (r"extraoral", r"kiefergelenk", r"lymphknoten", r"gesicht", r"lippen", r"muskel", r"asymmetr", r"knacken", r"mundöffnung"),
    "intraoral": (r"intraoral", r"zahn", r"zähne", r"molar", r"backenzahn", r"prämolar", r"schneidezahn", r"eckzahn", r"riss", r"sprung", r"karies", r"höcker", r"mesial", r"distal", r"okklusal", r"zahnfleisch", r"zunge", r"schleimhaut", r"gaumen", r"biss", r"okklusion", r"perkussion", r"kälte", r"restauration"),
    "perio": (r"parodont", r"sondier", r"tasche", r"\d+ ?(?:mm|millimeter)", r"rezession", r"lockerung", r"beweglichkeit", r"furkation", r"zahnstein", r"knochenabbau", r"gingivitis"),
    "plaque_bleeding": (r"plaque", r"belag", r"blut", r"entzünd"),
    "radiograph": (r"röntgen", r"bissflügel", r"zahnfilm", r"opg", r"panorama", r"dvt"),
    "dental_dx": (r"diagnose", r"riss", r"fraktur", r"karies", r"pulpitis", r"abszess", r"gingivitis", r"parodontitis", r"nekro", r"entzündung", r"ich denke", r"sieht aus"),
    "treatment_plan": (r"krone", r"onlay", r"inlay", r"wurzelbehandlung", r"extrah", r"ziehen", r"implantat", r"brücke", r"füllung", r"versorg", r"empfehle", r"option", r"behandlungsplan", r"überweis", r"endodontolog", r"parodontolog", r"chirurg", r"termin", r"kürettage", r"aufbissschiene", r"kostenvoranschlag", r"heil- und kostenplan"),
    "procedure": (r"(?:wir haben|ich habe) (?:\w+ )*(?:gemacht|durchgeführt|entfernt|gelegt|gereinigt|poliert|aufgetragen|präpariert|gezogen)", r"heute", r"zahnsteinentfernung", r"professionelle zahnreinigung", r"kürettage", r"politur", r"fluorid", r"lack", r"versiegelung", r"präparation", r"kofferdam", r"ätz", r"lichthärt", r"extraktion", r"naht", r"abdruck", r"provisori"),
    "anaesthesia": (r"lidocain", r"articain", r"ultracain", r"mepivacain", r"adrenalin", r"epinephrin", r"karpule", r"zylinderampulle", r"anästhe", r"betäub", r"leitungsanästhesie", r"infiltration", r"spritze"),
    "materials": (r"komposit", r"kunststoff", r"amalgam", r"glasionomer", r"unterfüllung", r"adhäsiv", r"bonding", r"farbe", r"zirkon", r"keramik", r"porzellan", r"zement", r"guttapercha", r"calciumhydroxid", r"material"),
    "postop": (r"betäubung (?:lässt|wird)", r"nicht essen", r"vermeiden sie (?:essen|kauen|heiße|harte)", r"auf der anderen seite kauen", r"empfindlich", r"ibuprofen", r"paracetamol", r"kühlen", r"spülen", r"salzwasser", r"rufen sie", r"falls", r"wenn sie", r"tupfer", r"strohhalm", r"stunden"),
    "next_visit": (r"nächste(?:n|r)? (?:termin|sitzung|mal|woche)", r"wiederkommen", r"wiedersehen", r"in \d+ (?:tagen|wochen|monaten)", r"sechs monaten", r"recall", r"kontrolle", r"termin"),
    "ohi": (r"putz", r"zahnbürste", r"zahnseide", r"interdental", r"munddusche", r"mundspül", r"elektrische zahnbürste", r"zahnpasta", r"zucker", r"zwischenmahlzeit", r"limonade"),
    "behavior": (r"ich fühle", r"fühle mich", r"stimmung", r"traurig", r"depressiv", r"angst", r"sorgen", r"panik", r"wut", r"gereizt", r"stress", r"überfordert", r"schlafe", r"schlaf", r"weine", r"einsam", r"motivation", r"energie", r"diese woche", r"in letzter zeit"),
    "intervention": (r"lassen sie uns (?:üben|versuchen|sprechen)", r"wir haben (?:geübt|gesprochen|gearbeitet|besprochen)", r"technik", r"atem", r"achtsamkeit", r"kognitiv", r"umdeut", r"gedankenprotokoll", r"bewältigung", r"fertigkeit", r"übung", r"hausaufgabe", r"psychoedukation", r"notfallplan", r"sicherheitsplan"),
    "response": (r"das hilft", r"das ergibt sinn", r"macht sinn", r"ich (?:werde|will) (?:es )?versuchen", r"probiere", r"ich fühle mich besser", r"hat geholfen", r"war mir nicht bewusst", r"gute idee", r"gefällt mir"),
    "goals": (r"ziel", r"ich möchte", r"ich will", r"arbeiten an", r"ich hoffe", r"ich versuche", r"können"),
}

# Stop-words used for transcript-language detection and content-word tests.
STOPWORDS = frozenset("der die das und ich sie ist nicht ein eine zu mit es den dem auch auf haben wir was seit habe".split())

# Localized connective words.
SAYS = "Sagt"

ASKED = "Frage"

REPORTS = "Berichtet"

DENIES = "Verneint"

# Labels used when one section merges several topics (e.g. SOAP Subjective).
SUBHEADINGS = {
    "cc": "Vorstellungsgrund",
    "hpi": "Anamnese",
    "pmh": "Vorerkrankungen",
    "meds": "Medikation",
    "allergies": "Allergien",
    "social": "Sozialanamnese",
    "ros": "Systemanamnese",
    "exam": "Untersuchung",
    "results": "Befunde",
    "behavior": "Präsentation",
    "dental_history": "Zahnärztliche Anamnese",
    "anaesthesia": "Anästhesie",
    "procedure": "Behandlung",
}

SPLIT_MARKERS = r"(?:okay|gut|also|jetzt|und dann|wir werden|ich werde|was ihre|bezüglich|haben sie|hatten sie)"

# Age statements that mark the clinician's summary sentence.
INTRO = re.compile(r"\b\d+[- ]?jährig", re.I)

# Test, laboratory and imaging results ("the rapid strep test is positive",
# "x-ray shows", "hemoglobin is 9"), per language.
RESULT_STATEMENT = re.compile(r"\b\w*(?:test|abstrich|labor|blutwerte|röntgen|ultraschall|mrt|ct|hämoglobin|ergebnis|befund)\w*\b.{0,40}?\b(?:ist|war|sind|zeigt|zeigte|positiv|negativ)\b", re.I)

CONDITIONAL_START = re.compile(r"^(?:wenn|falls|sollten?)\b", re.I)

SIDE_EFFECT_COUNSEL = re.compile(r"\bkann (?:\w+ )?(?:verursachen|auslösen|führen)\b|\bnebenwirkungen? (?:wie|sind|können)\b|\bmanche (?:menschen|patienten) (?:haben|bekommen)\b", re.I)

PLAN_INTENT = re.compile(r"^(?:(?:gut|also|und)\s+)?(?:wir werden|ich werde|ich verschreibe|wir setzen|setzen sie)\b", re.I)

# First-person -> third-person forms of frequent verbs and possessives in
# patient speech, per language. Applied on whole words; the subject pronoun
# is usually dropped in Romance languages, so changing the verb suffices.
THIRD_PERSON_FORMS = (
  ("habe ich", "hat der Patient"), ("bin ich", "ist der Patient"), ("nehme ich", "nimmt der Patient"),
  ("ich habe", "der Patient hat"), ("ich bin", "der Patient ist"), ("ich nehme", "der Patient nimmt"),
  ("ich rauche", "der Patient raucht"), ("ich trinke", "der Patient trinkt"), ("ich arbeite", "der Patient arbeitet"),
  ("ich wohne", "der Patient wohnt"), ("ich kann", "der Patient kann"), ("ich schlafe", "der Patient schläft"),
  ("ich fühle mich", "der Patient fühlt sich"), ("ich hatte", "der Patient hatte"), ("ich", "der Patient"),
  ("mein", "sein"), ("meine", "seine"), ("meinen", "seinen"), ("meinem", "seinem"), ("meiner", "seiner"),
  ("mir", "ihm"), ("mich", "sich"),
)

CC_PATTERNS = (r"(?:kommen|kommt|stellt sich) (?:heute )?(?:wegen|mit) (.{3,80})", r"grund (?:ihres|des) besuch\w* (?:ist )?(.{3,80})")

OPENING_Q = re.compile(r"\b(?:was führt sie|was fehlt ihnen|wie kann ich ihnen helfen|was kann ich für sie tun|erzählen sie)", re.I)

COMPLAINT_LEAD = r"^(?:ich habe|ich hab|seit)\s+(?:eine?n? )?"

YN_PREFIX = r"^(?:und )?(?:haben sie|hatten sie|nehmen sie|spüren sie|gibt es)(?: irgendwelche| auch| noch)?\s+"

PROBLEM_PATTERNS = (r"(?:diagnose ist|diagnose lautet|vereinbar mit|es handelt sich um|ich denke,? (?:sie haben|es ist|das ist))\s+(?:eine?[nrm]? |die |der |das )?(.{3,70})",)

# Statements of an impression, only read in sentences that are not questions.
IMPRESSION_PATTERNS = (r"(?:^|[,;]\s*|\b(?:also)\s+)das ist (?:eine?[nrm]? |die |der |das )?(.{3,60})", r"\bsieht nach (?:einer? |einem )(.{3,60}) aus")
