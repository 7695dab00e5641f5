"""Spanish (es) tables of the offline note engine.

Every name here is read by ``notes.engines.offline.languages.per_language``
(or ``per_key_language`` for tables keyed by topic/system/section); the
docstring of ``notes.engines.offline.languages`` says which step uses each
table, the package docstring of ``notes.engines.offline`` how to add a
language. A table a language does not need is simply left out.
"""

import re


# Words stripped from the start of a sentence (acknowledgements, connectives).
LEADING = ("vale", "bueno", "bien", "pues", "entonces", "y", "sí", "si", "claro", "de acuerdo", "ok", "perfecto", "muy bien", "pero", "ahora", "mire", "oiga")

# Leading words that also have a meaning of their own: stripped only when
# punctuation sets them off ("Right, so ..." but not "Right lower quadrant";
# Spanish/Catalan "si" = if, "bien"/"bé"/"gut"/"bene" = well).
LEADING_IF_PUNCT = frozenset({"si", "bien", "bueno", "claro", "ahora", "perfecto"})

# Verb-first yes/no questions of languages that mark them by intonation only
# (used when an answer "sí"/"no" follows and the "?" is missing).
UNMARKED_QUESTION = re.compile(r"^(?:y\s+)?(?:tiene|ha tenido|ha notado|toma|es|está|hay|le duele|siente|nota|fuma|bebe|algún|alguna|usted)\b", re.I)

# Words after which an ambiguous leading word is a discourse marker.
DISCOURSE_NEXT = r"pues|entonces|vale|bueno|ahora|y|pero|vamos|voy|le|usted|gracias"

# Negative / affirmative answers to a yes/no question.
NEG_ANSWER = r"^(?:no(?!,? (?:sé|lo sé|estoy segur|me acuerdo|recuerdo))|nunca|ninguno|ninguna|nada|para nada)\b"

POS_ANSWER = r"^(?:sí|si|un poco|a veces|claro)\b"

# Question starts per language (for unpunctuated ASR output).
QUESTION_START = r"^(?:¿|qué|cómo|cuándo|dónde|por qué|cuál|cuánto|cuánta|cuántos|cuántas)(?!\w)"

# Body-system lexicon for the review of systems (English labels, per-language
# symptom terms). System grouping follows the CMS 1995/1997 documentation
# guidelines' list of 14 systems.
ROS_SYSTEMS = {
    "Constitutional": ("fiebre", "escalofríos", "sudores", "pérdida de peso", "cansancio", "fatiga", "apetito"),
    "Eyes": ("visión borrosa", "visión doble"),
    "Ears, Nose, Mouth and Throat": ("dolor de garganta", "congestión", "mocos", "dolor de oído", "ronquera"),
    "Cardiovascular": ("dolor en el pecho", "dolor torácico", "palpitaciones", "hinchazón de piernas", "piernas hinchadas"),
    "Respiratory": ("falta de aire", "disnea", "tos", "pitos", "ahogo"),
    "Gastrointestinal": ("náuseas", "vómitos", "diarrea", "estreñimiento", "dolor abdominal", "dolor de barriga", "ardor"),
    "Genitourinary": ("escozor al orinar", "sangre en la orina"),
    "Musculoskeletal": ("dolor articular", "dolor de espalda", "dolor de rodilla", "dolor muscular", "rigidez"),
    "Skin": ("erupción", "picor", "sarpullido", "herida"),
    "Neurological": ("dolor de cabeza", "cefalea", "mareo", "mareos", "entumecimiento", "hormigueo", "debilidad", "desmayo"),
    "Psychiatric": ("depresión", "ansiedad", "insomnio", "ideas suicidas"),
}

# Topic cues. Each topic maps language -> regex fragments matched at word
# starts (``\b`` prefix), case-insensitive. English is the most complete; for
# the other languages the lists cover the common clinical vocabulary.
TOPIC_CUES = {
    "hpi": (r"dolor", r"duele", r"molest", r"hinch", r"desde hace", r"hace \w+ (?:días|semanas|meses)", r"empez", r"peor", r"mejor", r"fiebre", r"tos", r"mareo", r"náusea", r"cansad", r"sangr", r"picor", r"síntoma", r"ca[íi]d", r"golpe"),
    "pmh": (r"antecedente", r"diagnostic", r"diabet", r"hipertensi", r"tensión alta", r"asma", r"infarto", r"cáncer", r"operad", r"cirugía", r"ingres", r"tiroides", r"colesterol", r"crónic"),
    "meds": (r"\d+ ?(?:mg|mcg|unidades|ml)\b", r"medicaci", r"medicamento", r"pastilla", r"comprimido", r"tomo", r"toma", r"tratamiento", r"insulina", r"inhalador", r"al día", r"cada \d+ horas"),
    "allergies": (r"alergi", r"alérgic"),
    "social": (r"fum", r"tabaco", r"alcohol", r"beb", r"cerveza", r"vino", r"trabaj", r"jubilad", r"casad", r"vivo", r"ejercicio", r"camin", r"dieta", r"com[oe]\b"),
    "exam": (r"explora", r"auscult", r"palpa", r"pulso", r"dolor a la palpación", r"pulmones", r"corazón", r"soplo", r"tensión arterial", r"presión arterial", r"temperatura", r"saturación", r"frecuencia cardiaca", r"movilidad", r"inflamad", r"enrojec", r"veo", r"noto", r"abdomen", r"blando", r"reflejos", r"fuerza"),
    "results": (r"inr\b", r"radiograf", r"resonancia", r"escáner", r"tac\b", r"ecograf", r"analític", r"análisis", r"resultado", r"electrocardiograma", r"hemoglobina", r"muestra", r"salió", r"niveles"),
    "assessment": (r"diagnóstic", r"impresión", r"compatible con", r"creo que (?:tiene|es|se trata)", r"parece (?:que|una|un)", r"probablemente", r"se trata de", r"síndrome", r"controlad", r"estable"),
    "plan": (r"vamos a", r"voy a", r"le (?:voy a|receto|pido|mando|recomiendo)", r"receta", r"pedir", r"solicit", r"deriv", r"control", r"revisión", r"volver", r"vuelva", r"continu", r"seguir", r"empezar", r"aumentar", r"bajar", r"dejar de", r"recomiendo", r"debe", r"tiene que", r"evite", r"cada \d+ horas", r"\d+ ?mg", r"cita", r"fisioterapia"),
    "dental_history": (r"última limpieza", r"empaste", r"corona", r"endodoncia", r"ortodoncia", r"cepill", r"hilo dental", r"rechin", r"aprieto", r"dentista", r"extracción", r"implante"),
    "extraoral": (r"extraoral", r"atm\b", r"articulación", r"ganglios", r"cara", r"labios", r"músculos", r"asimetr", r"chasquido", r"apertura"),
    "intraoral": (r"intraoral", r"diente", r"muela", r"molar", r"premolar", r"incisivo", r"canino", r"pieza \d+", r"fisura", r"grieta", r"caries", r"cúspide", r"mesial", r"distal", r"oclusal", r"encía", r"lengua", r"mucosa", r"paladar", r"mordida", r"percusión", r"frío", r"restauración"),
    "perio": (r"periodont", r"sondaje", r"bolsa", r"\d+ ?(?:mm|milímetros)", r"recesión", r"movilidad", r"furca", r"sarro", r"cálculo", r"pérdida ósea", r"gingivitis"),
    "plaque_bleeding": (r"placa", r"sangr", r"inflamad", r"inflamación"),
    "radiograph": (r"radiograf", r"aleta de mordida", r"periapical", r"panorámica", r"ortopantomograf", r"tac dental"),
    "dental_dx": (r"diagnóstic", r"diente fisurado", r"fractura", r"caries", r"pulpitis", r"absceso", r"gingivitis", r"periodontitis", r"necrosis", r"infección", r"creo que", r"parece"),
    "treatment_plan": (r"corona", r"incrustación", r"endodoncia", r"extra", r"sacar", r"implante", r"puente", r"empaste", r"restaur", r"recomiendo", r"opción", r"plan de tratamiento", r"deriv", r"endodoncista", r"periodoncista", r"cirujano", r"programar", r"raspado", r"férula", r"presupuesto"),
    "procedure": (r"hemos (?:hecho|realizado|quitado|colocado|limpiado|pulido|aplicado)", r"hoy (?:hemos|vamos)", r"tartrectomía", r"limpieza", r"raspado", r"pulido", r"flúor", r"barniz", r"sellador", r"preparación", r"aislamiento", r"dique", r"grabado", r"fotopolimeriz", r"extracción", r"sutura", r"impresión", r"provisional"),
    "anaesthesia": (r"lidocaína", r"articaína", r"mepivacaína", r"epinefrina", r"adrenalina", r"carpule", r"cartucho", r"anestesi", r"dormir la zona", r"bloqueo", r"infiltración", r"tópic", r"pinchazo"),
    "materials": (r"composite", r"resina", r"amalgama", r"ionómero", r"base", r"adhesivo", r"grabado", r"color", r"tono", r"circonio", r"zirconio", r"porcelana", r"cerámica", r"cemento", r"gutapercha", r"hidróxido de calcio", r"material"),
    "postop": (r"se (?:le )?pasará", r"no com[ae]", r"evite (?:comer|masticar|alimentos)", r"mastique por el otro lado", r"sensibilidad", r"ibuprofeno", r"paracetamol", r"hielo", r"enjuag", r"agua con sal", r"llám", r"si (?:tiene|nota)", r"gasa", r"escupir", r"pajita", r"horas"),
    "next_visit": (r"próxima (?:cita|visita|vez)", r"vuelva", r"volver", r"nos vemos", r"en \d+ (?:días|semanas|meses)", r"dentro de", r"seis meses", r"revisión", r"control", r"programar"),
    "ohi": (r"cepill", r"hilo dental", r"seda dental", r"interdental", r"irrigador", r"colutorio", r"enjuague", r"cepillo eléctrico", r"pasta de dientes", r"dentífrico", r"azúcar", r"refrescos"),
    "behavior": (r"me siento", r"sentí", r"ánimo", r"triste", r"deprim", r"ansi", r"preocup", r"pánico", r"enfad", r"irritab", r"estrés", r"agobi", r"dormir", r"duermo", r"llor", r"sol[oa]\b", r"motivaci", r"energía", r"esta semana", r"últimamente"),
    "intervention": (r"vamos a (?:practicar|probar|hablar|trabajar)", r"hemos (?:practicado|hablado|trabajado|revisado)", r"técnica", r"respiración", r"mindfulness", r"atención plena", r"cognitiv", r"reestructura", r"registro de pensamientos", r"afrontamiento", r"habilidad", r"ejercicio", r"tarea", r"psicoeducación", r"plan de seguridad"),
    "response": (r"eso (?:me )?ayuda", r"tiene sentido", r"lo intentaré", r"lo voy a intentar", r"me siento mejor", r"me ha ayudado", r"no me había dado cuenta", r"buena idea", r"me gusta"),
    "goals": (r"objetivo", r"meta", r"quiero", r"me gustaría", r"trabajar en", r"espero", r"intento", r"poder"),
}

# Stop-words used for transcript-language detection and content-word tests.
STOPWORDS = frozenset("el la de que y en los las un una es por con para no me lo se del al muy pero usted tengo está hace".split())

# Localized connective words.
SAYS = "Dice"

ASKED = "pregunta"

REPORTS = "Refiere"

DENIES = "Niega"

# Labels used when one section merges several topics (e.g. SOAP Subjective).
SUBHEADINGS = {
    "cc": "Motivo de consulta",
    "hpi": "Enfermedad actual",
    "pmh": "Antecedentes",
    "meds": "Medicación",
    "allergies": "Alergias",
    "social": "Hábitos",
    "ros": "Anamnesis por aparatos",
    "exam": "Exploración",
    "results": "Pruebas",
    "behavior": "Presentación",
    "dental_history": "Antecedentes odontológicos",
    "anaesthesia": "Anestesia",
    "procedure": "Procedimiento",
}

SPLIT_MARKERS = r"(?:vale|bueno|entonces|ahora|y luego|vamos a|voy a|le voy a|en cuanto a|respecto a|tiene|ha tenido)"

# Age statements that mark the clinician's summary sentence.
INTRO = re.compile(r"\bde \d+ años\b", re.I)

# Test, laboratory and imaging results ("the rapid strep test is positive",
# "x-ray shows", "hemoglobin is 9"), per language.
RESULT_STATEMENT = re.compile(r"\b(?:prueba|test|análisis|analítica|radiografía|ecografía|resonancia|cultivo|frotis|hemoglobina|resultado)s?\b.{0,40}?\b(?:es|fue|ha salido|salió|sale|da|dio|ha dado|muestra|mostró)\b", re.I)

CONDITIONAL_START = re.compile(r"^(?:si|en caso de|cuando)\b", re.I)

SIDE_EFFECT_COUNSEL = re.compile(r"\bpuede (?:causar|producir|provocar|dar)\b|\befectos? secundarios? (?:como|son|pueden|suelen)\b|\balgunas personas (?:tienen|notan|sienten)\b", re.I)

PLAN_INTENT = re.compile(r"^(?:(?:bueno|entonces|pues|y)\s+)?(?:vamos a|voy a|le voy a|le receto|le pido|le mando|hay que)\b", re.I)

# First-person -> third-person forms of frequent verbs and possessives in
# patient speech, per language. Applied on whole words; the subject pronoun
# is usually dropped in Romance languages, so changing the verb suffices.
THIRD_PERSON_FORMS = (
  ("me duele", "le duele"), ("me duelen", "le duelen"), ("me siento", "se siente"), ("me he", "se ha"),
  ("me pica", "le pica"), ("me cuesta", "le cuesta"), ("me mareo", "se marea"), ("yo", ""),
  ("tengo", "tiene"), ("estoy", "está"), ("soy", "es"), ("tomo", "toma"), ("he", "ha"), ("siento", "siente"),
  ("noto", "nota"), ("fumo", "fuma"), ("bebo", "bebe"), ("trabajo", "trabaja"), ("vivo", "vive"),
  ("puedo", "puede"), ("hago", "hace"), ("duermo", "duerme"), ("tuve", "tuvo"), ("estuve", "estuvo"),
  ("empecé", "empezó"), ("tomé", "tomó"), ("noté", "notó"), ("fui", "fue"), ("mi", "su"), ("mis", "sus"),
)

CC_PATTERNS = (r"(?:viene|acude|consulta) (?:hoy )?(?:por|para) (.{3,80})", r"motivo de (?:la )?consulta (?:es )?(.{3,80})")

OPENING_Q = re.compile(r"\b(?:qué le trae|qué le pasa|qué le ocurre|en qué (?:le )?puedo ayudar|cuénteme|qué tal está)", re.I)

COMPLAINT_LEAD = r"^(?:pues,? )?(?:tengo|me duele|he tenido|estoy con)\s+(?:una? |algo de )?"

YN_PREFIX = r"^(?:¿\s*)?(?:y |ha |usted )*(?:tiene|tenido|notado|nota|siente|sentido|toma|tomado|hay|presenta)(?: usted)?(?: algún| alguna| algo de| alguno)?\s+"

PROBLEM_PATTERNS = (r"(?:diagnóstico es|diagnóstico de|compatible con|se trata de|creo que (?:tiene|es))\s+(?:una? |el |la )?(.{3,70})",)

# Statements of an impression, only read in sentences that are not questions.
IMPRESSION_PATTERNS = (r"(?:^|[,;]\s*|\b(?:así que|entonces|pues)\s+)(?:esto|eso) es (?:una? |el |la )?(.{3,60})", r"\bparece (?:una? )(.{3,60})")
