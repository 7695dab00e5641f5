"""Vocabulary of the rule-based (offline) understanding, in the bot's seven languages.

Phrases are written as people type them; they are matched on normalized text (lower case, accents
and punctuation removed, see :func:`booking.conversation.text.normalize`), as whole words. Dates
themselves are understood by ``dateparser``; this module only adds what it lacks for a booking
chat: intents, day parts ("por la tarde"), ordinals for picking an option, and a few relative
phrases dateparser resolves wrongly ("pasado mañana" → tomorrow, "dopodomani" → nothing).

Each phrase also counts as evidence of its language for language detection, so a phrase listed
under several languages ("hola", "consulta") is simply weaker evidence.
"""

from __future__ import annotations

Lexicon = dict[str, tuple[str, ...]]

GREETING: Lexicon = {
    "en": ("hi", "hello", "hey", "hiya", "good morning", "good afternoon", "good evening", "greetings"),
    "es": ("hola", "buenas", "buenos días", "buenos dias", "buenas tardes", "buenas noches", "saludos"),
    "ca": ("hola", "bon dia", "bona tarda", "bona nit", "bones", "bon vespre"),
    "fr": ("bonjour", "bonsoir", "salut", "coucou"),
    "pt": ("olá", "oi", "bom dia", "boa tarde", "boa noite"),
    "de": ("hallo", "guten morgen", "guten tag", "guten abend", "servus", "moin", "grüß gott", "grüezi"),
    "it": ("ciao", "buongiorno", "buonasera", "buon pomeriggio", "salve"),
}

BOOK: Lexicon = {
    "en": ("book", "booking", "appointment", "make an appointment", "schedule", "see the doctor",
           "see a doctor", "reserve", "a slot", "availability", "available times", "visit", "check up",
           "check-up"),
    "es": ("cita", "reservar", "reserva", "pedir hora", "pedir cita", "turno", "consulta", "agendar",
           "una hora", "hueco", "disponibilidad", "revisión"),
    "ca": ("cita", "reservar", "reserva", "demanar hora", "demanar cita", "visita", "consulta",
           "disponibilitat", "una hora", "revisió"),
    "fr": ("rendez-vous", "rendez vous", "rdv", "réserver", "prendre rendez-vous", "consultation",
           "créneau", "disponibilité", "une place"),
    "pt": ("marcar", "consulta", "agendar", "marcação", "reservar", "vaga", "horário disponível",
           "uma consulta"),
    "de": ("termin", "buchen", "vereinbaren", "reservieren", "sprechstunde", "termin machen",
           "untersuchung"),
    "it": ("appuntamento", "prenotare", "prenotazione", "visita", "fissare", "disponibilità", "prenota",
           "controllo"),
}

CANCEL: Lexicon = {
    "en": ("cancel", "cancellation", "call off", "can't come", "cannot come", "won't be able to come"),
    "es": ("cancelar", "anular", "cancelación", "no puedo ir", "no podré ir", "anulación"),
    "ca": ("cancel·lar", "cancel.lar", "cancellar", "anul·lar", "anul.lar", "cancel·lació", "no puc venir",
           "no podré venir", "anul·leu", "cancel·leu"),
    "fr": ("annuler", "annulation", "je ne peux pas venir", "annulez"),
    "pt": ("cancelar", "desmarcar", "cancelamento", "não posso ir", "não vou poder ir"),
    "de": ("absagen", "stornieren", "storno", "abbestellen", "stornierung", "kann nicht kommen", "absage"),
    "it": ("cancellare", "annullare", "disdire", "disdetta", "cancellazione", "non posso venire", "annulla"),
}

RESCHEDULE: Lexicon = {
    "en": ("reschedule", "change my appointment", "change the appointment", "move my appointment",
           "move the appointment", "postpone", "rebook"),
    "es": ("cambiar la cita", "cambiar mi cita", "cambiar la hora", "mover la cita", "mover mi cita",
           "reprogramar", "aplazar", "cambiar de día", "modificar la cita", "cambiar el día"),
    "ca": ("canviar la cita", "canviar-me la cita", "canviar la meva cita", "canviar l'hora", "moure la cita",
           "ajornar", "reprogramar", "canviar el dia", "canviar de dia"),
    "fr": ("déplacer", "changer mon rendez-vous", "changer le rendez-vous", "reporter", "modifier mon rendez-vous",
           "décaler", "changer la date"),
    "pt": ("remarcar", "mudar a consulta", "mudar a minha consulta", "alterar a consulta", "reagendar", "adiar",
           "mudar o dia"),
    "de": ("verschieben", "umbuchen", "termin ändern", "verlegen", "umlegen", "anderen termin"),
    "it": ("spostare", "cambiare l'appuntamento", "cambiare appuntamento", "modificare l'appuntamento",
           "rinviare", "rimandare", "cambiare il giorno"),
}

HOURS: Lexicon = {
    "en": ("opening hours", "hours", "open", "opening times", "closing time", "when are you open",
           "what time do you open", "what time do you close"),
    "es": ("horario", "horarios", "abierto", "abren", "abrís", "cierran", "cerráis", "hora de apertura",
           "a qué hora abren"),
    "ca": ("horari", "horaris", "obert", "obriu", "tanqueu", "obren", "tanquen", "a quina hora obriu"),
    "fr": ("horaires", "horaire", "ouvert", "ouvrez", "fermez", "ouverture", "fermeture"),
    "pt": ("horário de funcionamento", "horários", "aberto", "abrem", "fecham", "funcionamento",
           "a que horas abrem"),
    "de": ("öffnungszeiten", "geöffnet", "offen", "sprechzeiten", "wann haben sie offen", "wann öffnen sie"),
    "it": ("orari", "orario di apertura", "aperto", "aprite", "chiudete", "apertura", "orario"),
}

SERVICES: Lexicon = {
    "en": ("services", "treatments", "do you offer", "do you do", "what do you do", "specialties"),
    "es": ("servicios", "tratamientos", "ofrecéis", "ofrecen", "especialidades", "qué hacéis"),
    "ca": ("serveis", "tractaments", "oferiu", "especialitats", "què feu"),
    "fr": ("services", "soins", "traitements", "proposez", "spécialités"),
    "pt": ("serviços", "tratamentos", "oferecem", "especialidades"),
    "de": ("leistungen", "behandlungen", "angebot", "bieten sie", "fachbereiche"),
    "it": ("servizi", "trattamenti", "offrite", "specialità"),
}

THANKS: Lexicon = {
    "en": ("thanks", "thank you", "thx", "cheers", "many thanks"),
    "es": ("gracias", "muchas gracias", "mil gracias"),
    "ca": ("gràcies", "moltes gràcies", "merci"),
    "fr": ("merci", "merci beaucoup"),
    "pt": ("obrigado", "obrigada", "muito obrigado", "muito obrigada", "valeu"),
    "de": ("danke", "vielen dank", "danke schön", "dankeschön"),
    "it": ("grazie", "grazie mille", "ti ringrazio"),
}

HOW_ARE_YOU: Lexicon = {
    "en": ("how are you", "how's it going", "how are you doing"),
    "es": ("qué tal", "cómo estás", "cómo está", "cómo va"),
    "ca": ("com estàs", "com està", "què tal", "com va"),
    "fr": ("ça va", "comment ça va", "comment allez-vous", "comment vas-tu"),
    "pt": ("como está", "como estás", "tudo bem", "tudo bom", "como vai"),
    "de": ("wie geht's", "wie geht es", "wie gehts", "wie geht es ihnen"),
    "it": ("come stai", "come sta", "tutto bene", "come va"),
}

BYE: Lexicon = {
    "en": ("bye", "goodbye", "see you", "bye bye"),
    "es": ("adiós", "hasta luego", "chao", "nos vemos", "hasta pronto"),
    "ca": ("adéu", "fins aviat", "fins després", "a reveure"),
    "fr": ("au revoir", "à bientôt", "bonne journée"),
    "pt": ("tchau", "adeus", "até logo", "até já", "até breve"),
    "de": ("tschüss", "auf wiedersehen", "bis bald", "tschüs"),
    "it": ("arrivederci", "a presto", "ci vediamo", "buona giornata"),
}

WHO: Lexicon = {
    "en": ("who are you", "are you a bot", "are you a robot", "are you human", "what can you do"),
    "es": ("quién eres", "eres un bot", "eres un robot", "eres humano", "qué puedes hacer"),
    "ca": ("qui ets", "ets un bot", "ets un robot", "què pots fer"),
    "fr": ("qui êtes-vous", "qui es-tu", "tu es un robot", "êtes-vous un robot", "que pouvez-vous faire"),
    "pt": ("quem é você", "quem és", "você é um robô", "és um robô", "o que você pode fazer"),
    "de": ("wer bist du", "wer sind sie", "bist du ein bot", "sind sie ein roboter", "bist du ein roboter",
           "was kannst du"),
    "it": ("chi sei", "sei un bot", "sei un robot", "cosa puoi fare"),
}

AFFIRM: Lexicon = {
    "en": ("yes", "yeah", "yep", "yup", "sure", "correct", "ok", "okay", "right", "that's right", "confirm",
           "of course", "perfect", "great", "sounds good"),
    "es": ("sí", "si", "vale", "correcto", "claro", "de acuerdo", "confirmo", "exacto", "eso es", "perfecto",
           "ok", "por supuesto", "venga"),
    "ca": ("sí", "si", "d'acord", "correcte", "confirmo", "exacte", "és clar", "perfecte", "ok", "val",
           "endavant"),
    "fr": ("oui", "ouais", "d'accord", "correct", "exact", "je confirme", "c'est ça", "c'est bon", "parfait",
           "ok", "bien sûr"),
    "pt": ("sim", "certo", "correto", "claro", "confirmo", "exato", "isso", "perfeito", "ok", "pode ser",
           "com certeza"),
    "de": ("ja", "genau", "richtig", "korrekt", "stimmt", "einverstanden", "bestätige", "passt", "perfekt",
           "ok", "jawohl", "gerne"),
    "it": ("sì", "si", "certo", "corretto", "esatto", "va bene", "confermo", "perfetto", "ok", "d'accordo",
           "giusto"),
}

DENY: Lexicon = {
    "en": ("no", "nope", "not", "wrong", "incorrect", "nah"),
    "es": ("no", "incorrecto", "para nada", "negativo"),
    "ca": ("no", "incorrecte", "gens"),
    "fr": ("non", "pas du tout", "incorrect", "faux"),
    "pt": ("não", "errado", "incorreto", "nada disso"),
    "de": ("nein", "falsch", "nicht", "nee"),
    "it": ("no", "sbagliato", "non"),
}

#: Abandon the current booking step.
STOP: Lexicon = {
    "en": ("stop", "never mind", "nevermind", "forget it", "quit"),
    "es": ("déjalo", "olvídalo", "no importa", "olvida"),
    "ca": ("deixa-ho", "oblida-ho", "no importa", "deixa-ho estar"),
    "fr": ("laisse tomber", "oublie", "stop", "arrête", "oubliez"),
    "pt": ("esquece", "deixa para lá", "deixa pra lá", "parar"),
    "de": ("vergiss es", "stopp", "abbrechen", "lass es"),
    "it": ("lascia stare", "lascia perdere", "basta", "stop", "lascia"),
}

#: "As soon as possible": search from today.
ASAP: Lexicon = {
    "en": ("asap", "as soon as possible", "earliest", "first available", "any day", "whenever", "soonest"),
    "es": ("lo antes posible", "cuanto antes", "cualquier día", "lo más pronto posible", "el primer hueco",
           "cuando sea"),
    "ca": ("com més aviat millor", "qualsevol dia", "el més aviat possible", "el primer forat", "quan sigui"),
    "fr": ("au plus vite", "dès que possible", "le plus tôt possible", "n'importe quel jour",
           "le premier créneau"),
    "pt": ("o mais rápido possível", "o quanto antes", "qualquer dia", "o mais cedo possível",
           "a primeira vaga"),
    "de": ("so bald wie möglich", "so schnell wie möglich", "möglichst bald", "egal wann", "nächstmöglich",
           "baldmöglichst"),
    "it": ("il prima possibile", "prima possibile", "qualsiasi giorno", "appena possibile",
           "il primo disponibile"),
}

#: Ordinal words (safe anywhere in a message) → 1-based option number; 0 means "the last one".
ORDINALS: dict[str, dict[str, int]] = {
    "en": {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
           "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "last": 0},
    "es": {"primero": 1, "primera": 1, "primer": 1, "segundo": 2, "segunda": 2, "tercero": 3, "tercera": 3,
           "tercer": 3, "cuarto": 4, "cuarta": 4, "quinto": 5, "quinta": 5, "sexto": 6, "sexta": 6,
           "último": 0, "última": 0},
    "ca": {"primer": 1, "primera": 1, "segon": 2, "segona": 2, "tercer": 3, "tercera": 3, "quart": 4,
           "quarta": 4, "cinquè": 5, "cinquena": 5, "sisè": 6, "sisena": 6, "últim": 0, "última": 0},
    "fr": {"premier": 1, "première": 1, "deuxième": 2, "second": 2, "seconde": 2, "troisième": 3,
           "quatrième": 4, "cinquième": 5, "sixième": 6, "dernier": 0, "dernière": 0},
    "pt": {"primeiro": 1, "primeira": 1, "segundo": 2, "segunda": 2, "terceiro": 3, "terceira": 3,
           "quarto": 4, "quarta": 4, "quinto": 5, "quinta": 5, "sexto": 6, "sexta": 6, "último": 0,
           "última": 0},
    "de": {"erste": 1, "erster": 1, "ersten": 1, "erstes": 1, "zweite": 2, "zweiter": 2, "zweiten": 2,
           "dritte": 3, "dritter": 3, "dritten": 3, "vierte": 4, "vierter": 4, "vierten": 4, "fünfte": 5,
           "fünfter": 5, "fünften": 5, "sechste": 6, "sechster": 6, "sechsten": 6, "letzte": 0, "letzter": 0,
           "letzten": 0},
    "it": {"primo": 1, "prima": 1, "secondo": 2, "seconda": 2, "terzo": 3, "terza": 3, "quarto": 4,
           "quarta": 4, "quinto": 5, "quinta": 5, "sesto": 6, "sesta": 6, "ultimo": 0, "ultima": 0},
}

#: Number words, used for picking an option only in short answers ("dos", "the two"), because
#: several are also articles ("una cita", "um horário").
CARDINALS: dict[str, dict[str, int]] = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6},
    "es": {"uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6},
    "ca": {"u": 1, "un": 1, "una": 1, "dos": 2, "tres": 3, "quatre": 4, "cinc": 5, "sis": 6},
    "fr": {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6},
    "pt": {"um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "quatro": 4, "cinco": 5, "seis": 6},
    "de": {"eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6},
    "it": {"uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6},
}

#: Parts of the day. Hours: morning before 12:00, afternoon 12:00-20:00, evening from 17:00
#: (they overlap on purpose: "tarde" in Spain runs into the evening).
DAYPARTS: dict[str, dict[str, tuple[str, ...]]] = {
    "morning": {
        "en": ("in the morning", "morning"),
        "es": ("por la mañana", "de la mañana", "en la mañana", "a primera hora"),
        "ca": ("al matí", "pel matí", "del matí", "de matí", "matí"),
        "fr": ("le matin", "du matin", "matin", "matinée", "en matinée"),
        "pt": ("de manhã", "pela manhã", "manhã", "na parte da manhã"),
        "de": ("vormittags", "vormittag", "morgens", "früh", "am morgen"),
        "it": ("di mattina", "la mattina", "in mattinata", "mattina", "mattinata"),
    },
    "afternoon": {
        "en": ("in the afternoon", "afternoon"),
        "es": ("por la tarde", "de la tarde", "en la tarde", "tarde"),
        "ca": ("a la tarda", "per la tarda", "de la tarda", "tarda"),
        "fr": ("l'après-midi", "de l'après-midi", "après-midi", "aprem"),
        "pt": ("à tarde", "de tarde", "pela tarde", "tarde", "na parte da tarde"),
        "de": ("nachmittags", "nachmittag", "am nachmittag"),
        "it": ("di pomeriggio", "nel pomeriggio", "il pomeriggio", "pomeriggio"),
    },
    "evening": {
        "en": ("in the evening", "evening", "night"),
        "es": ("por la noche", "de la noche", "noche"),
        "ca": ("al vespre", "pel vespre", "del vespre", "vespre", "a la nit", "nit"),
        "fr": ("le soir", "du soir", "soir", "soirée", "en soirée"),
        "pt": ("à noite", "de noite", "pela noite", "noite"),
        "de": ("abends", "abend", "am abend"),
        "it": ("di sera", "la sera", "in serata", "sera", "serata"),
    },
}

#: Relative phrases dateparser gets wrong or misses: phrase → (days from today, day part or None).
RELATIVE_DAYS: dict[str, tuple[tuple[str, int, str | None], ...]] = {
    "en": (("the day after tomorrow", 2, None), ("day after tomorrow", 2, None), ("this morning", 0, "morning"),
           ("this afternoon", 0, "afternoon"), ("this evening", 0, "evening"), ("tonight", 0, "evening")),
    "es": (("pasado mañana", 2, None), ("esta mañana", 0, "morning"), ("esta tarde", 0, "afternoon"),
           ("esta noche", 0, "evening")),
    "ca": (("demà passat", 2, None), ("aquest matí", 0, "morning"), ("aquesta tarda", 0, "afternoon"),
           ("aquest vespre", 0, "evening"), ("aquesta nit", 0, "evening")),
    "fr": (("après-demain", 2, None), ("ce matin", 0, "morning"), ("cet après-midi", 0, "afternoon"),
           ("ce soir", 0, "evening")),
    "pt": (("depois de amanhã", 2, None), ("esta manhã", 0, "morning"), ("esta tarde", 0, "afternoon"),
           ("esta noite", 0, "evening"), ("hoje à noite", 0, "evening")),
    "de": (("übermorgen", 2, None), ("heute morgen", 0, "morning"), ("heute früh", 0, "morning"),
           ("heute nachmittag", 0, "afternoon"), ("heute abend", 0, "evening"), ("morgen früh", 1, "morning")),
    "it": (("dopodomani", 2, None), ("domattina", 1, "morning"), ("stamattina", 0, "morning"),
           ("stamani", 0, "morning"), ("oggi pomeriggio", 0, "afternoon"), ("stasera", 0, "evening")),
}

#: "Next week": dates move into the next calendar week (Monday if no day is named).
NEXT_WEEK: Lexicon = {
    "en": ("next week",),
    "es": ("la semana que viene", "semana que viene", "la próxima semana", "próxima semana"),
    "ca": ("la setmana que ve", "setmana que ve", "la setmana vinent", "setmana vinent", "la propera setmana"),
    "fr": ("la semaine prochaine", "semaine prochaine"),
    "pt": ("semana que vem", "a próxima semana", "próxima semana"),
    "de": ("nächste woche", "nächster woche", "kommende woche", "kommenden woche"),
    "it": ("la prossima settimana", "prossima settimana", "la settimana prossima", "settimana prossima"),
}

#: Words before a name ("me llamo ...") removed when the patient gives the patient's name.
NAME_PREFIXES: Lexicon = {
    "en": ("my name is", "the name is", "name is", "i am", "i'm", "it's", "it is", "this is", "it's for",
           "for"),
    "es": ("me llamo", "mi nombre es", "soy", "es para", "a nombre de", "se llama", "el nombre es"),
    "ca": ("em dic", "el meu nom és", "sóc", "soc", "és per a", "a nom de", "es diu"),
    "fr": ("je m'appelle", "je suis", "mon nom est", "c'est pour", "au nom de", "c'est", "il s'appelle",
           "elle s'appelle"),
    "pt": ("chamo-me", "me chamo", "o meu nome é", "meu nome é", "sou", "é para", "em nome de"),
    "de": ("ich heiße", "ich heisse", "mein name ist", "ich bin", "für", "auf den namen", "der name ist"),
    "it": ("mi chiamo", "il mio nome è", "sono", "è per", "a nome di", "si chiama"),
}

#: Only used as language evidence (weekdays, days, common function words of a request).
LANGUAGE_HINTS: Lexicon = {
    "en": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow",
           "i'd like", "i would like", "i want", "please", "my", "the", "need", "can i", "could", "would",
           "with", "what", "when", "where", "do you"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo", "hoy", "mañana", "quiero",
           "quisiera", "necesito", "por favor", "mi", "puedo", "tengo", "tenéis", "tienen", "usted", "con",
           "qué", "cuándo", "dónde", "las", "los"),
    "ca": ("dilluns", "dimarts", "dimecres", "dijous", "divendres", "dissabte", "diumenge", "avui", "demà",
           "vull", "voldria", "necessito", "si us plau", "el meu", "la meva", "puc", "tinc", "teniu", "amb",
           "per a", "què", "quan", "les", "els", "a les"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "aujourd'hui", "demain",
           "je", "voudrais", "veux", "besoin", "s'il vous plaît", "mon", "ma", "pour", "avez-vous", "est-ce",
           "avec", "quand", "où", "les", "vous"),
    "pt": ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "terça", "sábado",
           "domingo", "hoje", "amanhã", "quero", "queria", "gostaria", "preciso", "por favor", "o meu",
           "a minha", "posso", "tenho", "vocês", "você", "com", "quando", "onde", "na", "às"),
    "de": ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "heute", "morgen",
           "ich", "möchte", "will", "brauche", "bitte", "mein", "meine", "können", "haben sie", "einen", "mit",
           "wann", "wo", "um", "uhr"),
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica", "oggi", "domani",
           "vorrei", "voglio", "ho bisogno", "per favore", "mio", "mia", "posso", "avete", "un", "con",
           "quando", "dove", "alle", "il"),
}

#: Every lexicon that signals a language (used by language detection).
LANGUAGE_EVIDENCE: tuple[Lexicon, ...] = (
    GREETING, BOOK, CANCEL, RESCHEDULE, HOURS, SERVICES, THANKS, HOW_ARE_YOU, BYE, WHO, AFFIRM, DENY, STOP,
    ASAP, NEXT_WEEK, LANGUAGE_HINTS,
    {lang: tuple(words) for lang, words in ORDINALS.items()},
    {lang: tuple(p for part in DAYPARTS.values() for p in part[lang]) for lang in GREETING},
    {lang: tuple(p for p, _, _ in phrases) for lang, phrases in RELATIVE_DAYS.items()},
)
