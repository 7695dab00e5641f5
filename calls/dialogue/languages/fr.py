"""French phrases, summaries and answer cues of the call agent (cues: see ``en``)."""

VOICE = "fr"

PHRASES = {
    "identity": "Bonjour, je suis l'assistant virtuel de {clinic}. Suis-je bien en ligne avec {name} ?",
    "appointment_reminder": "Je vous appelle pour vous rappeler votre rendez-vous du {date} à {time} avec "
                            "{provider}. Pourrez-vous venir ?",
    "appointment_confirmation": "Je vous appelle pour confirmer votre rendez-vous du {date} à {time} avec "
                                "{provider}. Pouvez-vous confirmer votre présence ?",
    "follow_up": "Je vous appelle pour prendre de vos nouvelles après votre {procedure} du {date} avec "
                 "{provider}. Comment vous sentez-vous ?",
    "custom": "{message} Avez-vous des questions pour la clinique ?",
    "custom_generic": "La clinique m'a demandé de vous contacter. Merci de rappeler la clinique quand cela vous "
                      "convient. Avez-vous des questions pour la clinique ?",
    "ask_attend": "Pourrez-vous venir ?",
    "ask_feeling": "Comment vous sentez-vous ?",
    "ask_questions": "Avez-vous des questions pour la clinique ?",
    "ask_identity": "Suis-je bien en ligne avec {name} ?",
    "cancel_or_reschedule": "Souhaitez-vous annuler le rendez-vous, ou le déplacer à un autre moment ?",
    "confirmed": "Merci, votre rendez-vous est confirmé. À bientôt, au revoir !",
    "cancelled": "Entendu. Je préviens la clinique que vous annulez. Au revoir !",
    "reschedule": "Bien sûr. Je demande à la clinique de vous rappeler pour trouver un autre horaire. Au revoir !",
    "question_noted": "Je ne peux pas répondre à cela pendant cet appel, mais j'ai noté votre question et la "
                      "clinique vous rappellera.",
    "question_noted_end": "J'ai noté votre question et la clinique vous rappellera. Au revoir !",
    "unclear": "Pardon, je n'ai pas compris.",
    "wrong_person": "Excusez-moi pour le dérangement. Au revoir !",
    "follow_up_well": "J'en suis ravi. Si quelque chose change, appelez la clinique. Au revoir !",
    "follow_up_problem": "Je suis désolé. Je préviens {provider} pour que la clinique vous rappelle. "
                         "En cas d'urgence, appelez le numéro d'urgence. Au revoir !",
    "custom_done": "Merci pour votre temps. Au revoir !",
    "unresolved": "Je demande à la clinique de vous contacter. Au revoir !",
    "still_there": "Êtes-vous toujours là ?",
    "silence_goodbye": "Je ne vous entends pas, je vais raccrocher. Au revoir !",
    "max_length": "Nous n'avons plus de temps. La clinique vous contactera si nécessaire. Au revoir !",
    "voicemail": "Bonjour, ceci est un message de {clinic} pour {name}. Merci de nous rappeler dès que possible. "
                 "Au revoir.",
    "the_clinic": "la clinique",
    "your_doctor": "votre médecin",
    "your_visit": "votre visite",
}

SUMMARIES = {
    "confirmed": "{name} a confirmé le rendez-vous du {date} à {time} avec {provider}.",
    "cancelled": "{name} a annulé le rendez-vous du {date} à {time} avec {provider}.",
    "reschedule_requested": "{name} a demandé à déplacer le rendez-vous du {date} à {time} avec {provider}.",
    "follow_up_well": "{name} dit se sentir bien après son {procedure}.",
    "follow_up_problem": "{name} signale un problème après son {procedure} et demande à être rappelé.",
    "custom_done": "Le message a été transmis à {name}.",
    "question": "{name} a une question pour la clinique : « {question} ».",
    "voicemail": "Un message vocal a été laissé à {name}.",
    "no_answer": "{name} n'a pas répondu ({attempts} tentatives).",
    "busy": "La ligne de {name} était occupée ({attempts} tentatives).",
    "silence": "L'appel a été décroché mais personne n'a parlé.",
    "wrong_number": "La personne qui a répondu n'était pas {name}.",
    "unresolved": "L'appel avec {name} s'est terminé sans réponse claire.",
    "max_length": "L'appel avec {name} a atteint la durée maximale sans réponse claire.",
    "failed": "L'appel à {name} n'a pas pu aboutir.",
    "hung_up": "{name} a raccroché avant de répondre.",
}

CUES = {
    "affirm": ["oui", "ouais", "d'accord", "bien sur", "exactement", "c'est moi", "c'est bien moi", "confirm*",
               "j'y serai", "je serai la", "je viendrai", "absolument", "tout a fait", "parfait", "certainement"],
    "deny": ["non", "pas", "je ne peux pas"],
    "cancel": ["annul*", "je ne viendrai pas"],
    "reschedule": ["change*", "report*", "deplac*", "autre jour", "autre heure", "autre date", "autre moment",
                   "decal*"],
    "question": ["question*", "quoi", "comment", "quand", "ou", "pourquoi", "quel", "quelle", "je voudrais savoir"],
    "wrong_person": ["faux numero", "mauvais numero", "erreur de numero", "n'habite pas", "ne connais pas",
                     "ce n'est pas moi", "vous vous trompez"],
    "problem": ["douleur*", "mal", "saign*", "sang", "fievre", "gonfl*", "pire", "probleme*", "infect*"],
    "well": ["bien", "mieux", "parfait", "tres bien", "ca va"],
    "no_questions": ["non", "rien", "aucune", "c'est tout", "tout va bien"],
    "thanks": ["merci", "au revoir", "bonne journee"],
    "voicemail": ["laissez un message", "laissez votre message", "apres le bip", "apres le signal", "messagerie",
                  "repondeur", "n'est pas disponible"],
}
