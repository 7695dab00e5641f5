"""Portuguese (pt) tables of the offline note engine.

Every name here is read by ``notes.engines.offline.languages.per_language``
(or ``per_key_language`` for tables keyed by topic/system/section); the
docstring of ``notes.engines.offline.languages`` says which step uses each
table, the package docstring of ``notes.engines.offline`` how to add a
language. A table a language does not need is simply left out.
"""

import re


# Words stripped from the start of a sentence (acknowledgements, connectives).
LEADING = ("ok", "bem", "então", "e", "sim", "claro", "certo", "perfeito", "muito bem", "mas", "agora", "olhe", "pronto")

# Leading words that also have a meaning of their own: stripped only when
# punctuation sets them off ("Right, so ..." but not "Right lower quadrant";
# Spanish/Catalan "si" = if, "bien"/"bé"/"gut"/"bene" = well).
LEADING_IF_PUNCT = frozenset({"bem", "claro", "certo", "agora", "perfeito"})

# Verb-first yes/no questions of languages that mark them by intonation only
# (used when an answer "sí"/"no" follows and the "?" is missing).
UNMARKED_QUESTION = re.compile(r"^(?:e\s+)?(?:tem|teve|toma|é|está|há|sente|nota|fuma|bebe|algum|alguma)\b", re.I)

# Words after which an ambiguous leading word is a discourse marker.
DISCOURSE_NEXT = r"então|pois|ok|e|mas|vamos|vou|obrigad[oa]"

# Negative / affirmative answers to a yes/no question.
NEG_ANSWER = r"^(?:não(?!,? (?:sei|tenho a certeza|tenho certeza|me lembro))|nao|nunca|nenhum|nenhuma|nada)\b"

POS_ANSWER = r"^(?:sim|um pouco|às vezes|as vezes|tenho)\b"

# Question starts per language (for unpunctuated ASR output).
QUESTION_START = r"^(?:o que|qual|quais|quanto|quantos|quantas|onde)(?!\w)"

# Body-system lexicon for the review of systems (English labels, per-language
# symptom terms). System grouping follows the CMS 1995/1997 documentation
# guidelines' list of 14 systems.
ROS_SYSTEMS = {
    "Constitutional": ("febre", "calafrios", "suores", "perda de peso", "cansaço", "fadiga", "apetite"),
    "Eyes": ("visão turva", "visão dupla"),
    "Ears, Nose, Mouth and Throat": ("dor de garganta", "congestão", "nariz entupido", "dor de ouvido", "rouquidão"),
    "Cardiovascular": ("dor no peito", "dor torácica", "palpitações", "pernas inchadas"),
    "Respiratory": ("falta de ar", "dispneia", "tosse", "chiado"),
    "Gastrointestinal": ("náusea", "náuseas", "vómitos", "vômitos", "diarreia", "prisão de ventre", "dor abdominal", "dor de barriga"),
    "Genitourinary": ("ardor ao urinar", "sangue na urina"),
    "Musculoskeletal": ("dor articular", "dor nas costas", "dor no joelho", "dor muscular", "rigidez"),
    "Skin": ("erupção", "comichão", "coceira", "ferida"),
    "Neurological": ("dor de cabeça", "cefaleia", "tonturas", "tontura", "dormência", "formigueiro", "fraqueza", "desmaio"),
    "Psychiatric": ("depressão", "ansiedade", "insónia", "insônia"),
}

# Topic cues. Each topic maps language -> regex fragments matched at word
# starts (``\b`` prefix), case-insensitive. English is the most complete; for
# the other languages the lists cover the common clinical vocabulary.
TOPIC_CUES = {
    "hpi": (r"dor", r"dói", r"doi", r"incha", r"desde", r"há \w+ (?:dias|semanas|meses)", r"começ", r"pior", r"melhor", r"febre", r"tosse", r"tontura", r"náusea", r"cansad", r"sangr", r"sintoma", r"caí", r"queda"),
    "pmh": (r"antecedente", r"diagnostic", r"diabet", r"hipertens", r"tensão alta", r"pressão alta", r"asma", r"enfarte", r"infarto", r"cancro", r"câncer", r"operad", r"cirurgia", r"internad", r"tiroide", r"tireoide", r"colesterol", r"crónic", r"crônic"),
    "meds": (r"\d+ ?(?:mg|mcg|unidades|ml)\b", r"medica", r"remédio", r"comprimido", r"tomo", r"toma", r"tratamento", r"insulina", r"inalador", r"por dia", r"de \d+ em \d+ horas"),
    "allergies": (r"alergi", r"alérgic"),
    "social": (r"fum", r"tabaco", r"álcool", r"beb", r"cerveja", r"vinho", r"trabalh", r"reformad", r"aposentad", r"casad", r"vivo", r"exercício", r"caminh", r"dieta", r"como\b"),
    "exam": (r"exame", r"auscult", r"palpa", r"pulso", r"tensão", r"glicemia", r"pulmões", r"coração", r"sopro", r"tensão arterial", r"pressão arterial", r"temperatura", r"saturação", r"frequência cardíaca", r"mobilidade", r"vermelh", r"vejo", r"noto", r"abdómen", r"abdômen", r"mole", r"reflexos", r"força"),
    "results": (r"inr\b", r"radiografi", r"raio-?x", r"ressonância", r"tac\b", r"tomografia", r"ecografia", r"ultrassom", r"análises", r"exames de sangue", r"resultado", r"eletrocardiograma", r"hemoglobina", r"mostra", r"níveis"),
    "assessment": (r"diagnóstic", r"impressão", r"compatível com", r"acho que (?:tem|é|se trata)", r"parece (?:que|uma|um)", r"provavelmente", r"trata-se", r"síndrome", r"controlad", r"estável"),
    "plan": (r"vamos", r"vou ", r"receit", r"prescrev", r"pedir", r"solicit", r"encaminh", r"referenci", r"controlo", r"controle", r"voltar", r"volte", r"continu", r"começar", r"aumentar", r"diminuir", r"parar de", r"recomendo", r"deve", r"tem de", r"tem que", r"evite", r"de \d+ em \d+ horas", r"\d+ ?mg", r"consulta", r"fisioterapia"),
    "dental_history": (r"última limpeza", r"obturação", r"restauração", r"coroa", r"desvitaliz", r"canal", r"aparelho", r"escov", r"fio dentário", r"fio dental", r"range", r"dentista", r"extração", r"implante"),
    "extraoral": (r"extraoral", r"atm\b", r"articulação", r"gânglios", r"face", r"lábios", r"músculos", r"assimetr", r"estalido", r"abertura"),
    "intraoral": (r"intraoral", r"dente", r"molar", r"pré-molar", r"incisivo", r"canino", r"fissura", r"trinca", r"fratura", r"cárie", r"cúspide", r"mesial", r"distal", r"oclusal", r"gengiva", r"língua", r"mucosa", r"palato", r"mordida", r"oclusão", r"percussão", r"frio", r"restauração"),
    "perio": (r"periodont", r"sondagem", r"bolsa", r"\d+ ?(?:mm|milímetros)", r"recessão", r"mobilidade", r"furca", r"tártaro", r"cálculo", r"perda óssea", r"gengivite"),
    "plaque_bleeding": (r"placa", r"sangr", r"inflamad", r"inflamação"),
    "radiograph": (r"radiografi", r"raio-?x", r"bite-?wing", r"interproximal", r"periapical", r"panorâmica", r"ortopantomografia"),
    "dental_dx": (r"diagnóstic", r"trinca", r"fratura", r"cárie", r"pulpite", r"abcesso", r"gengivite", r"periodontite", r"necrose", r"infeção", r"infecção", r"acho que", r"parece"),
    "treatment_plan": (r"coroa", r"onlay", r"inlay", r"desvitaliz", r"tratamento de canal", r"extra", r"tirar", r"implante", r"ponte", r"obtura", r"restaur", r"recomendo", r"opção", r"plano de tratamento", r"encaminh", r"endodontista", r"periodontista", r"cirurgião", r"agendar", r"raspagem", r"goteira", r"placa de bruxismo", r"orçamento"),
    "procedure": (r"(?:fizemos|realizámos|realizamos|removemos|colocámos|colocamos|limpámos|polimos|aplicámos|aplicamos)", r"hoje (?:fizemos|vamos)", r"destartarização", r"raspagem", r"limpeza", r"polimento", r"flúor", r"verniz", r"selante", r"preparo", r"preparação", r"isolamento", r"dique", r"condicionamento ácido", r"fotopolimeriz", r"extração", r"sutura", r"impressão", r"moldagem", r"provisóri"),
    "anaesthesia": (r"lidocaína", r"articaína", r"mepivacaína", r"epinefrina", r"adrenalina", r"carpule", r"tubete", r"anestesi", r"bloqueio", r"infiltração", r"tópic", r"picada"),
    "materials": (r"compósito", r"resina", r"amálgama", r"ionómero", r"ionômero", r"base", r"adesivo", r"condicionamento", r"cor\b", r"zircónia", r"zircônia", r"porcelana", r"cerâmica", r"cimento", r"guta", r"hidróxido de cálcio", r"material"),
    "postop": (r"vai passar", r"não coma", r"evite (?:comer|mastigar|alimentos)", r"mastigue do outro lado", r"sensibilidade", r"ibuprofeno", r"paracetamol", r"gelo", r"bochech", r"água com sal", r"ligue", r"se (?:tiver|notar)", r"gaze", r"cuspir", r"palhinha", r"canudo", r"horas"),
    "next_visit": (r"próxima (?:consulta|visita|vez)", r"volte", r"voltar", r"vemo-nos", r"daqui a", r"em \d+ (?:dias|semanas|meses)", r"seis meses", r"revisão", r"controlo", r"controle", r"marcar"),
    "ohi": (r"escov", r"fio dentário", r"fio dental", r"interdentário", r"irrigador", r"elixir", r"colutório", r"enxaguante", r"escova elétrica", r"pasta de dentes", r"creme dental", r"dentífrico", r"açúcar", r"refrigerante"),
    "behavior": (r"sinto-me", r"me sinto", r"humor", r"triste", r"deprimid", r"ansi", r"preocup", r"pânico", r"raiva", r"irritab", r"stress", r"estresse", r"dormir", r"durmo", r"chor", r"sozinh", r"motivação", r"energia", r"esta semana", r"ultimamente"),
    "intervention": (r"vamos (?:praticar|tentar|falar|trabalhar)", r"(?:praticámos|praticamos|falámos|falamos|trabalhámos|trabalhamos|revimos)", r"técnica", r"respiração", r"mindfulness", r"atenção plena", r"cognitiv", r"reestrutura", r"registo de pensamentos", r"registro de pensamentos", r"estratégias", r"habilidade", r"exercício", r"tarefa", r"psicoeducação", r"plano de segurança"),
    "response": (r"isso (?:me )?ajuda", r"faz sentido", r"vou tentar", r"sinto-me melhor", r"me sinto melhor", r"ajudou", r"não tinha percebido", r"boa ideia", r"gosto disso"),
    "goals": (r"objetivo", r"meta", r"quero", r"gostaria", r"trabalhar em", r"espero", r"tento", r"conseguir"),
}

# Stop-words used for transcript-language detection and content-word tests.
STOPWORDS = frozenset("o a os as de que e em um uma é por com para não me se do da ao muito mas você tenho está no na nos nas às dos das".split())

# Localized connective words.
SAYS = "Diz"

ASKED = "pergunta"

REPORTS = "Refere"

DENIES = "Nega"

# Labels used when one section merges several topics (e.g. SOAP Subjective).
SUBHEADINGS = {
    "cc": "Queixa principal",
    "hpi": "História",
    "pmh": "Antecedentes",
    "meds": "Medicação",
    "allergies": "Alergias",
    "social": "Hábitos",
    "ros": "Revisão de sistemas",
    "exam": "Exame",
    "results": "Exames",
    "behavior": "Apresentação",
    "dental_history": "Antecedentes dentários",
    "anaesthesia": "Anestesia",
    "procedure": "Procedimento",
}

SPLIT_MARKERS = r"(?:ok|bem|então|agora|e depois|vamos|vou|quanto a|em relação a|tem|teve)"

# Age statements that mark the clinician's summary sentence.
INTRO = re.compile(r"\b(?:de|com) \d+ anos\b", re.I)

# Test, laboratory and imaging results ("the rapid strep test is positive",
# "x-ray shows", "hemoglobin is 9"), per language.
RESULT_STATEMENT = re.compile(r"\b(?:teste|análise|exame|radiografia|raio-?x|ecografia|ressonância|cultura|zaragatoa|hemoglobina|resultado)s?\b.{0,40}?\b(?:é|foi|deu|veio|mostra|mostrou)\b", re.I)

CONDITIONAL_START = re.compile(r"^(?:se|em caso de|caso)\b", re.I)

SIDE_EFFECT_COUNSEL = re.compile(r"\bpode (?:causar|provocar|dar)\b|\befeitos? (?:secundários?|colaterais?) (?:como|são|podem)\b|\balgumas pessoas (?:têm|sentem)\b", re.I)

PLAN_INTENT = re.compile(r"^(?:(?:bem|então|e)\s+)?(?:vamos|vou|vou-lhe|vou receitar)\b", re.I)

# First-person -> third-person forms of frequent verbs and possessives in
# patient speech, per language. Applied on whole words; the subject pronoun
# is usually dropped in Romance languages, so changing the verb suffices.
THIRD_PERSON_FORMS = (
  ("dói-me", "dói-lhe"), ("me dói", "lhe dói"), ("sinto-me", "sente-se"), ("eu", ""), ("tenho", "tem"),
  ("estou", "está"), ("sou", "é"), ("tomo", "toma"), ("tive", "teve"), ("sinto", "sente"), ("noto", "nota"),
  ("fumo", "fuma"), ("bebo", "bebe"), ("trabalho", "trabalha"), ("vivo", "vive"), ("posso", "pode"),
  ("faço", "faz"), ("durmo", "dorme"), ("comecei", "começou"), ("tomei", "tomou"), ("fui", "foi"),
  ("meu", "seu"), ("minha", "sua"), ("meus", "seus"), ("minhas", "suas"),
)

CC_PATTERNS = (r"(?:vem|veio|recorre|consulta) (?:hoje )?(?:por|para|devido a) (.{3,80})", r"motivo da consulta (?:é )?(.{3,80})")

OPENING_Q = re.compile(r"\b(?:o que o traz|o que a traz|o que se passa|em que posso ajudar|conte-me|o que aconteceu)", re.I)

COMPLAINT_LEAD = r"^(?:tenho|tive|estou com|dói-me)\s+(?:uma? |umas? )?"

YN_PREFIX = r"^(?:e )?(?:tem|teve|sente|sentiu|notou|toma|tomou|há)(?: algum| alguma| alguns| algumas)?\s+"

PROBLEM_PATTERNS = (r"(?:diagnóstico é|diagnóstico de|compatível com|trata-se de|acho que (?:tem|é))\s+(?:uma? |o |a )?(.{3,70})",)

# Statements of an impression, only read in sentences that are not questions.
IMPRESSION_PATTERNS = (r"(?:^|[,;]\s*|\b(?:então|portanto)\s+)(?:isto|isso) é (?:uma? |o |a )?(.{3,60})", r"\bparece (?:uma? )(.{3,60})")
