"""Portuguese phrases, summaries and answer cues of the call agent (cues: see ``en``)."""

VOICE = "pt"

PHRASES = {
    "identity": "Olá, sou o assistente virtual de {clinic}. Estou a falar com {name}?",
    "appointment_reminder": "Estou a ligar para lembrar a sua consulta de {date} às {time} com {provider}. "
                            "Vai poder comparecer?",
    "appointment_confirmation": "Estou a ligar para confirmar a sua consulta de {date} às {time} com {provider}. "
                                "Pode confirmar que vai comparecer?",
    "follow_up": "Estou a ligar para saber como está depois da sua {procedure} de {date} com {provider}. "
                 "Como se sente?",
    "custom": "{message} Tem alguma pergunta para a clínica?",
    "custom_generic": "A clínica pediu-me para o contactar. Por favor, ligue para a clínica quando lhe for "
                      "conveniente. Tem alguma pergunta para a clínica?",
    "ask_attend": "Vai poder comparecer?",
    "ask_feeling": "Como se sente?",
    "ask_questions": "Tem alguma pergunta para a clínica?",
    "ask_identity": "Estou a falar com {name}?",
    "cancel_or_reschedule": "Quer cancelar a consulta ou mudá-la para outra altura?",
    "confirmed": "Obrigado, a sua consulta está confirmada. Até breve!",
    "cancelled": "Entendido. Vou avisar a clínica de que cancela a consulta. Adeus!",
    "reschedule": "Claro. Vou pedir à clínica que lhe ligue para marcar outra hora. Adeus!",
    "question_noted": "Não posso responder a isso nesta chamada, mas anotei a sua pergunta e a clínica vai "
                      "ligar-lhe.",
    "question_noted_end": "Anotei a sua pergunta e a clínica vai ligar-lhe. Adeus!",
    "unclear": "Desculpe, não percebi.",
    "wrong_person": "Peço desculpa pelo incómodo. Adeus!",
    "follow_up_well": "Fico contente. Se alguma coisa mudar, ligue para a clínica. Adeus!",
    "follow_up_problem": "Lamento. Vou avisar {provider} para que a clínica lhe ligue. "
                         "Se for uma emergência, ligue para o número de emergência. Adeus!",
    "custom_done": "Obrigado pelo seu tempo. Adeus!",
    "unresolved": "Vou pedir à clínica que entre em contacto consigo. Adeus!",
    "still_there": "Ainda está aí?",
    "silence_goodbye": "Não o consigo ouvir, por isso vou desligar. Adeus!",
    "max_length": "Infelizmente o tempo acabou. A clínica entrará em contacto se for preciso. Adeus!",
    "voicemail": "Olá, esta é uma mensagem de {clinic} para {name}. Por favor, ligue-nos quando puder. "
                 "Obrigado, adeus.",
    "the_clinic": "a clínica",
    "your_doctor": "o seu médico",
    "your_visit": "a sua consulta",
}

SUMMARIES = {
    "confirmed": "{name} confirmou a consulta de {date} às {time} com {provider}.",
    "cancelled": "{name} cancelou a consulta de {date} às {time} com {provider}.",
    "reschedule_requested": "{name} pediu para remarcar a consulta de {date} às {time} com {provider}.",
    "follow_up_well": "{name} diz sentir-se bem depois da sua {procedure}.",
    "follow_up_problem": "{name} refere um problema depois da sua {procedure} e pede que lhe liguem.",
    "custom_done": "A mensagem foi entregue a {name}.",
    "question": "{name} tem uma pergunta para a clínica: «{question}».",
    "voicemail": "Foi deixada uma mensagem de voz para {name}.",
    "no_answer": "{name} não atendeu ({attempts} tentativas).",
    "busy": "A linha de {name} estava ocupada ({attempts} tentativas).",
    "silence": "A chamada foi atendida mas ninguém falou.",
    "wrong_number": "A pessoa que atendeu não era {name}.",
    "unresolved": "A chamada com {name} terminou sem uma resposta clara.",
    "max_length": "A chamada com {name} atingiu a duração máxima sem uma resposta clara.",
    "failed": "Não foi possível completar a chamada para {name}.",
    "hung_up": "{name} desligou antes de responder.",
}

CUES = {
    "affirm": ["sim", "claro", "certo", "esta bem", "sou eu", "confirm*", "la estarei", "com certeza",
               "perfeito", "exato", "exacto", "vou", "posso"],
    "deny": ["nao", "nao posso", "nao vou"],
    "cancel": ["cancel*", "desmarc*", "anul*"],
    "reschedule": ["remarc*", "mudar*", "mude*", "outro dia", "outra hora", "outra data", "outra altura", "adiar*",
                   "reagend*", "alterar*"],
    "question": ["pergunta*", "duvida*", "que", "como", "quando", "onde", "porque", "qual", "queria saber"],
    "wrong_person": ["numero errado", "engano", "nao mora", "nao conheco", "nao sou", "nao vive"],
    "problem": ["dor*", "doi", "sangr*", "febre", "inchad*", "inchaco", "pior", "mal", "problema*", "infec*"],
    "well": ["bem", "melhor", "otimo", "optimo", "muito bem", "perfeito"],
    "no_questions": ["nao", "nada", "nenhuma", "e tudo", "tudo bem"],
    "thanks": ["obrigad*", "adeus", "tchau", "ate logo"],
    "voicemail": ["deixe a sua mensagem", "deixe uma mensagem", "apos o sinal", "depois do sinal",
                  "caixa de correio", "nao esta disponivel"],
}
