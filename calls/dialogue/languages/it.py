"""Italian phrases, summaries and answer cues of the call agent (cues: see ``en``)."""

VOICE = "it"

PHRASES = {
    "identity": "Buongiorno, sono l'assistente virtuale di {clinic}. Parlo con {name}?",
    "appointment_reminder": "La chiamo per ricordarle il suo appuntamento del {date} alle {time} con {provider}. "
                            "Potrà venire?",
    "appointment_confirmation": "La chiamo per confermare il suo appuntamento del {date} alle {time} con "
                                "{provider}. Mi conferma che verrà?",
    "follow_up": "La chiamo per sapere come sta dopo la sua {procedure} del {date} con {provider}. Come si sente?",
    "custom": "{message} Ha qualche domanda per la clinica?",
    "custom_generic": "La clinica mi ha chiesto di contattarla. Per favore, richiami la clinica quando le è "
                      "comodo. Ha qualche domanda per la clinica?",
    "ask_attend": "Potrà venire?",
    "ask_feeling": "Come si sente?",
    "ask_questions": "Ha qualche domanda per la clinica?",
    "ask_identity": "Parlo con {name}?",
    "cancel_or_reschedule": "Vuole annullare l'appuntamento o spostarlo a un altro momento?",
    "confirmed": "Grazie, il suo appuntamento è confermato. A presto, arrivederci!",
    "cancelled": "Capito. Avviso la clinica che annulla l'appuntamento. Arrivederci!",
    "reschedule": "Certo. Chiederò alla clinica di richiamarla per trovare un altro orario. Arrivederci!",
    "question_noted": "Non posso rispondere a questo durante la chiamata, ma ho annotato la sua domanda e la "
                      "clinica la richiamerà.",
    "question_noted_end": "Ho annotato la sua domanda e la clinica la richiamerà. Arrivederci!",
    "unclear": "Mi scusi, non ho capito.",
    "wrong_person": "Mi scusi per il disturbo. Arrivederci!",
    "follow_up_well": "Mi fa piacere. Se qualcosa cambia, chiami la clinica. Arrivederci!",
    "follow_up_problem": "Mi dispiace. Lo dirò a {provider} perché la clinica la richiami. "
                         "In caso di emergenza, chiami il numero di emergenza. Arrivederci!",
    "custom_done": "Grazie per il suo tempo. Arrivederci!",
    "unresolved": "Chiederò alla clinica di contattarla. Arrivederci!",
    "still_there": "È ancora in linea?",
    "silence_goodbye": "Non la sento, quindi chiudo la chiamata. Arrivederci!",
    "max_length": "Purtroppo il tempo è finito. La clinica la contatterà se necessario. Arrivederci!",
    "voicemail": "Buongiorno, questo è un messaggio di {clinic} per {name}. La preghiamo di richiamarci appena "
                 "possibile. Grazie, arrivederci.",
    "the_clinic": "la clinica",
    "your_doctor": "il suo medico",
    "your_visit": "la sua visita",
}

SUMMARIES = {
    "confirmed": "{name} ha confermato l'appuntamento del {date} alle {time} con {provider}.",
    "cancelled": "{name} ha annullato l'appuntamento del {date} alle {time} con {provider}.",
    "reschedule_requested": "{name} ha chiesto di spostare l'appuntamento del {date} alle {time} con {provider}.",
    "follow_up_well": "{name} dice di stare bene dopo la {procedure}.",
    "follow_up_problem": "{name} riferisce un problema dopo la {procedure} e chiede di essere richiamato.",
    "custom_done": "Il messaggio è stato comunicato a {name}.",
    "question": "{name} ha una domanda per la clinica: «{question}».",
    "voicemail": "È stato lasciato un messaggio vocale per {name}.",
    "no_answer": "{name} non ha risposto ({attempts} tentativi).",
    "busy": "La linea di {name} era occupata ({attempts} tentativi).",
    "silence": "La chiamata ha ricevuto risposta ma nessuno ha parlato.",
    "wrong_number": "La persona che ha risposto non era {name}.",
    "unresolved": "La chiamata con {name} si è conclusa senza una risposta chiara.",
    "max_length": "La chiamata con {name} ha raggiunto la durata massima senza una risposta chiara.",
    "failed": "Non è stato possibile completare la chiamata a {name}.",
    "hung_up": "{name} ha riattaccato prima di rispondere.",
}

CUES = {
    "affirm": ["si", "certo", "va bene", "esatto", "sono io", "confermo", "conferm*", "ci saro", "d'accordo",
               "certamente", "perfetto", "verro", "sicuro", "senz'altro", "volentieri"],
    "deny": ["no", "non posso", "non potro"],
    "cancel": ["annull*", "disdi*", "cancell*", "non verro"],
    "reschedule": ["spost*", "cambi*", "un altro giorno", "un'altra ora", "un altro orario", "un'altra data",
                   "un altro momento", "riman*", "rinvi*"],
    "question": ["domand*", "dubbi*", "cosa", "come", "quando", "dove", "perche", "quale", "vorrei sapere"],
    "wrong_person": ["numero sbagliato", "ha sbagliato", "non abita", "non conosco", "non sono io", "non e qui"],
    "problem": ["dolor*", "fa male", "sangu*", "febbre", "gonfi*", "peggio", "male", "problem*", "infezion*"],
    "well": ["bene", "meglio", "benissimo", "perfetto", "tutto bene"],
    "no_questions": ["no", "niente", "nessuna", "e tutto", "tutto a posto"],
    "thanks": ["grazie", "arrivederci", "ciao"],
    "voicemail": ["lasciate un messaggio", "lasci un messaggio", "dopo il segnale", "segreteria",
                  "non e raggiungibile", "non e disponibile"],
}
