"""Spanish phrases, summaries and answer cues of the call agent (cues: see ``en``)."""

VOICE = "es"

PHRASES = {
    "identity": "Hola, soy el asistente virtual de {clinic}. ¿Hablo con {name}?",
    "appointment_reminder": "Le llamo para recordarle su cita del {date} a las {time} con {provider}. "
                            "¿Podrá asistir?",
    "appointment_confirmation": "Le llamo para confirmar su cita del {date} a las {time} con {provider}. "
                                "¿Me confirma que asistirá?",
    "follow_up": "Le llamo para saber cómo está después de su {procedure} del {date} con {provider}. "
                 "¿Cómo se encuentra?",
    "custom": "{message} ¿Tiene alguna pregunta para la clínica?",
    "custom_generic": "La clínica me ha pedido que le contacte. Por favor, llame a la clínica cuando le vaya bien. "
                      "¿Tiene alguna pregunta para la clínica?",
    "ask_attend": "¿Podrá asistir?",
    "ask_feeling": "¿Cómo se encuentra?",
    "ask_questions": "¿Tiene alguna pregunta para la clínica?",
    "ask_identity": "¿Hablo con {name}?",
    "cancel_or_reschedule": "¿Quiere cancelar la cita o cambiarla a otro momento?",
    "confirmed": "Gracias, su cita queda confirmada. Hasta pronto.",
    "cancelled": "Entendido. Avisaré a la clínica de que cancela la cita. Adiós.",
    "reschedule": "Por supuesto. Pediré a la clínica que le llame para buscar otra hora. Adiós.",
    "question_noted": "No puedo responder a eso en esta llamada, pero he anotado su pregunta y la clínica le "
                      "llamará.",
    "question_noted_end": "He anotado su pregunta y la clínica le llamará. Adiós.",
    "unclear": "Perdone, no le he entendido.",
    "wrong_person": "Disculpe las molestias. Adiós.",
    "follow_up_well": "Me alegro mucho. Si algo cambia, llame a la clínica. Adiós.",
    "follow_up_problem": "Siento oír eso. Se lo diré a {provider} para que la clínica le llame. "
                         "Si es una urgencia, llame al número de emergencias. Adiós.",
    "custom_done": "Gracias por su tiempo. Adiós.",
    "unresolved": "Pediré a la clínica que se ponga en contacto con usted. Adiós.",
    "still_there": "¿Sigue ahí?",
    "silence_goodbye": "No le oigo, así que voy a colgar. Adiós.",
    "max_length": "Se nos ha acabado el tiempo. La clínica se pondrá en contacto con usted si hace falta. Adiós.",
    "voicemail": "Hola, este es un mensaje de {clinic} para {name}. Por favor, llámenos cuando pueda. "
                 "Gracias, adiós.",
    "the_clinic": "la clínica",
    "your_doctor": "su médico",
    "your_visit": "su visita",
}

SUMMARIES = {
    "confirmed": "{name} confirmó la cita del {date} a las {time} con {provider}.",
    "cancelled": "{name} canceló la cita del {date} a las {time} con {provider}.",
    "reschedule_requested": "{name} pidió cambiar la cita del {date} a las {time} con {provider}.",
    "follow_up_well": "{name} dice encontrarse bien después de su {procedure}.",
    "follow_up_problem": "{name} refiere un problema después de su {procedure} y pide que le llamen.",
    "custom_done": "Se entregó el mensaje a {name}.",
    "question": "{name} tiene una pregunta para la clínica: «{question}».",
    "voicemail": "Se dejó un mensaje de voz para {name}.",
    "no_answer": "{name} no contestó ({attempts} intentos).",
    "busy": "La línea de {name} estaba ocupada ({attempts} intentos).",
    "silence": "Se contestó la llamada pero nadie habló.",
    "wrong_number": "La persona que contestó no era {name}.",
    "unresolved": "La llamada con {name} terminó sin una respuesta clara.",
    "max_length": "La llamada con {name} alcanzó la duración máxima sin una respuesta clara.",
    "failed": "No se pudo completar la llamada a {name}.",
    "hung_up": "{name} colgó antes de responder.",
}

CUES = {
    "affirm": ["si", "claro", "vale", "de acuerdo", "correcto", "soy yo", "el mismo", "la misma", "confirm*",
               "alli estare", "ahi estare", "alli estaremos", "por supuesto", "perfecto", "exacto", "asistire",
               "ire", "podre"],
    "deny": ["no", "no puedo", "no podre"],
    "cancel": ["cancel*", "anul*", "no voy a ir", "no ire"],
    "reschedule": ["cambiar*", "cambie*", "otro dia", "otra hora", "otra fecha", "otro momento", "aplaz*",
                   "reprogram*", "mover*", "retras*"],
    "question": ["pregunta*", "duda*", "que", "como", "cuando", "donde", "por que", "cual", "queria saber"],
    "wrong_person": ["numero equivocado", "se ha equivocado", "se equivoca", "no vive aqui", "no conozco",
                     "no soy", "aqui no hay nadie", "no esta aqui"],
    "problem": ["dolor*", "duele", "sangr*", "fiebre", "hinch*", "peor", "mal", "problema*", "infecc*",
                "molestia*"],
    "well": ["bien", "mejor", "perfecto", "estupendo", "genial", "muy bien"],
    "no_questions": ["no", "nada", "ninguna", "eso es todo", "todo bien"],
    "thanks": ["gracias", "adios", "hasta luego", "muchas gracias"],
    "voicemail": ["deje su mensaje", "deje un mensaje", "despues de la senal", "buzon de voz", "no esta disponible",
                  "despues del tono"],
}
