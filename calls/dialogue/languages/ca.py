"""Catalan phrases, summaries and answer cues of the call agent (cues: see ``en``)."""

VOICE = "ca"

PHRASES = {
    "identity": "Hola, sóc l'assistent virtual de {clinic}. Parlo amb {name}?",
    "appointment_reminder": "Li truco per recordar-li la seva cita del {date} a les {time} amb {provider}. "
                            "Hi podrà venir?",
    "appointment_confirmation": "Li truco per confirmar la seva cita del {date} a les {time} amb {provider}. "
                                "Em confirma que hi vindrà?",
    "follow_up": "Li truco per saber com es troba després de la seva {procedure} del {date} amb {provider}. "
                 "Com es troba?",
    "custom": "{message} Té alguna pregunta per a la clínica?",
    "custom_generic": "La clínica m'ha demanat que el contacti. Si us plau, truqui a la clínica quan li vagi bé. "
                      "Té alguna pregunta per a la clínica?",
    "ask_attend": "Hi podrà venir?",
    "ask_feeling": "Com es troba?",
    "ask_questions": "Té alguna pregunta per a la clínica?",
    "ask_identity": "Parlo amb {name}?",
    "cancel_or_reschedule": "Vol anul·lar la cita o canviar-la a un altre moment?",
    "confirmed": "Gràcies, la seva cita queda confirmada. Fins aviat.",
    "cancelled": "Entesos. Avisaré la clínica que anul·la la cita. Adéu.",
    "reschedule": "I tant. Demanaré a la clínica que el truqui per trobar una altra hora. Adéu.",
    "question_noted": "No puc respondre això en aquesta trucada, però he anotat la seva pregunta i la clínica el "
                      "trucarà.",
    "question_noted_end": "He anotat la seva pregunta i la clínica el trucarà. Adéu.",
    "unclear": "Perdoni, no l'he entès.",
    "wrong_person": "Disculpi les molèsties. Adéu.",
    "follow_up_well": "Me n'alegro molt. Si res canvia, truqui a la clínica. Adéu.",
    "follow_up_problem": "Ho sento. Ho diré a {provider} perquè la clínica el truqui. "
                         "Si és una urgència, truqui al número d'emergències. Adéu.",
    "custom_done": "Gràcies pel seu temps. Adéu.",
    "unresolved": "Demanaré a la clínica que es posi en contacte amb vostè. Adéu.",
    "still_there": "Encara hi és?",
    "silence_goodbye": "No el sento, així que penjaré. Adéu.",
    "max_length": "Se'ns ha acabat el temps. La clínica es posarà en contacte amb vostè si cal. Adéu.",
    "voicemail": "Hola, aquest és un missatge de {clinic} per a {name}. Si us plau, truqui'ns quan pugui. "
                 "Gràcies, adéu.",
    "the_clinic": "la clínica",
    "your_doctor": "el seu metge",
    "your_visit": "la seva visita",
}

SUMMARIES = {
    "confirmed": "{name} va confirmar la cita del {date} a les {time} amb {provider}.",
    "cancelled": "{name} va anul·lar la cita del {date} a les {time} amb {provider}.",
    "reschedule_requested": "{name} va demanar canviar la cita del {date} a les {time} amb {provider}.",
    "follow_up_well": "{name} diu que es troba bé després de la seva {procedure}.",
    "follow_up_problem": "{name} explica un problema després de la seva {procedure} i demana que el truquin.",
    "custom_done": "Es va donar el missatge a {name}.",
    "question": "{name} té una pregunta per a la clínica: «{question}».",
    "voicemail": "Es va deixar un missatge de veu per a {name}.",
    "no_answer": "{name} no va respondre ({attempts} intents).",
    "busy": "La línia de {name} comunicava ({attempts} intents).",
    "silence": "Es va respondre la trucada però ningú no va parlar.",
    "wrong_number": "La persona que va respondre no era {name}.",
    "unresolved": "La trucada amb {name} va acabar sense una resposta clara.",
    "max_length": "La trucada amb {name} va arribar a la durada màxima sense una resposta clara.",
    "failed": "No es va poder completar la trucada a {name}.",
    "hung_up": "{name} va penjar abans de respondre.",
}

CUES = {
    "affirm": ["si", "d'acord", "dacord", "correcte", "soc jo", "confirm*", "hi sere", "i tant", "es clar",
               "perfecte", "exacte", "vindre", "podre", "evidentment"],
    "deny": ["no", "no puc", "no podre"],
    "cancel": ["anullar", "anulla*", "cancellar", "cancella*", "no vindre"],
    "reschedule": ["canviar*", "canvii*", "un altre dia", "una altra hora", "una altra data", "un altre moment",
                   "ajorn*", "moure*", "endarrer*"],
    "question": ["pregunta*", "dubte*", "que", "com", "quan", "on", "per que", "quin", "quina", "voldria saber"],
    "wrong_person": ["numero equivocat", "s'ha equivocat", "no viu aqui", "no conec", "no soc", "aqui no hi ha"],
    "problem": ["dolor*", "fa mal", "sang*", "febre", "inflat*", "inflam*", "pitjor", "malament", "problema*",
                "infecc*", "molesti*"],
    "well": ["be", "millor", "perfecte", "molt be", "fantastic"],
    "no_questions": ["no", "res", "cap", "aixo es tot", "tot be"],
    "thanks": ["gracies", "adeu", "merci", "moltes gracies", "fins aviat"],
    "voicemail": ["deixi el seu missatge", "deixi un missatge", "despres del senyal", "bustia de veu",
                  "no esta disponible", "despres del to"],
}
