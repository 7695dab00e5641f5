"""German phrases, summaries and answer cues of the call agent (cues: see ``en``)."""

VOICE = "de"

PHRASES = {
    "identity": "Guten Tag, hier ist der virtuelle Assistent von {clinic}. Spreche ich mit {name}?",
    "appointment_reminder": "Ich rufe an, um Sie an Ihren Termin am {date} um {time} bei {provider} zu erinnern. "
                            "Können Sie den Termin wahrnehmen?",
    "appointment_confirmation": "Ich rufe an, um Ihren Termin am {date} um {time} bei {provider} zu bestätigen. "
                                "Können Sie bestätigen, dass Sie kommen?",
    "follow_up": "Ich rufe an, um zu fragen, wie es Ihnen nach Ihrer {procedure} am {date} bei {provider} geht. "
                 "Wie fühlen Sie sich?",
    "custom": "{message} Haben Sie Fragen an die Praxis?",
    "custom_generic": "Die Praxis hat mich gebeten, Sie zu kontaktieren. Bitte rufen Sie die Praxis zurück, "
                      "wann es Ihnen passt. Haben Sie Fragen an die Praxis?",
    "ask_attend": "Können Sie den Termin wahrnehmen?",
    "ask_feeling": "Wie fühlen Sie sich?",
    "ask_questions": "Haben Sie Fragen an die Praxis?",
    "ask_identity": "Spreche ich mit {name}?",
    "cancel_or_reschedule": "Möchten Sie den Termin absagen oder auf eine andere Zeit verschieben?",
    "confirmed": "Vielen Dank, Ihr Termin ist bestätigt. Bis dann, auf Wiederhören!",
    "cancelled": "Verstanden. Ich gebe der Praxis Bescheid, dass Sie absagen. Auf Wiederhören!",
    "reschedule": "Natürlich. Ich bitte die Praxis, Sie für einen neuen Termin anzurufen. Auf Wiederhören!",
    "question_noted": "Das kann ich in diesem Anruf nicht beantworten, aber ich habe Ihre Frage notiert und die "
                      "Praxis ruft Sie zurück.",
    "question_noted_end": "Ich habe Ihre Frage notiert und die Praxis ruft Sie zurück. Auf Wiederhören!",
    "unclear": "Entschuldigung, das habe ich nicht verstanden.",
    "wrong_person": "Entschuldigen Sie die Störung. Auf Wiederhören!",
    "follow_up_well": "Das freut mich. Wenn sich etwas ändert, rufen Sie bitte die Praxis an. Auf Wiederhören!",
    "follow_up_problem": "Das tut mir leid. Ich sage {provider} Bescheid, damit die Praxis Sie zurückruft. "
                         "Im Notfall rufen Sie bitte den Notruf an. Auf Wiederhören!",
    "custom_done": "Vielen Dank für Ihre Zeit. Auf Wiederhören!",
    "unresolved": "Ich bitte die Praxis, sich bei Ihnen zu melden. Auf Wiederhören!",
    "still_there": "Sind Sie noch da?",
    "silence_goodbye": "Ich kann Sie nicht hören, deshalb beende ich den Anruf. Auf Wiederhören!",
    "max_length": "Leider ist unsere Zeit um. Die Praxis meldet sich bei Bedarf. Auf Wiederhören!",
    "voicemail": "Guten Tag, dies ist eine Nachricht von {clinic} für {name}. Bitte rufen Sie uns zurück. "
                 "Vielen Dank, auf Wiederhören.",
    "the_clinic": "die Praxis",
    "your_doctor": "Ihr Arzt",
    "your_visit": "Ihr Besuch",
}

SUMMARIES = {
    "confirmed": "{name} hat den Termin am {date} um {time} bei {provider} bestätigt.",
    "cancelled": "{name} hat den Termin am {date} um {time} bei {provider} abgesagt.",
    "reschedule_requested": "{name} möchte den Termin am {date} um {time} bei {provider} verschieben.",
    "follow_up_well": "{name} fühlt sich nach der {procedure} gut.",
    "follow_up_problem": "{name} berichtet von Beschwerden nach der {procedure} und bittet um Rückruf.",
    "custom_done": "Die Nachricht wurde {name} übermittelt.",
    "question": "{name} hat eine Frage an die Praxis: „{question}“.",
    "voicemail": "Für {name} wurde eine Sprachnachricht hinterlassen.",
    "no_answer": "{name} hat nicht abgenommen ({attempts} Versuche).",
    "busy": "Bei {name} war besetzt ({attempts} Versuche).",
    "silence": "Der Anruf wurde angenommen, aber niemand hat gesprochen.",
    "wrong_number": "Die Person am Telefon war nicht {name}.",
    "unresolved": "Der Anruf mit {name} endete ohne klare Antwort.",
    "max_length": "Der Anruf mit {name} erreichte die Höchstdauer ohne klare Antwort.",
    "failed": "Der Anruf bei {name} konnte nicht durchgeführt werden.",
    "hung_up": "{name} hat aufgelegt, bevor geantwortet wurde.",
}

CUES = {
    "affirm": ["ja", "genau", "richtig", "naturlich", "klar", "am apparat", "bin ich", "das bin ich",
               "bestatig*", "ich komme", "komme", "sicher", "selbstverstandlich", "gerne", "jawohl", "passt"],
    "deny": ["nein", "nicht", "kann nicht", "leider nicht"],
    "cancel": ["absag*", "abzusagen", "storn*", "komme nicht"],
    "reschedule": ["verschieb*", "verleg*", "umbuch*", "anderen tag", "andere zeit", "anderen termin",
                   "anderes datum", "neuen termin", "spater"],
    "question": ["frage*", "was", "wie", "wann", "wo", "warum", "welche*", "wissen"],
    "wrong_person": ["falsch verbunden", "falsche nummer", "wohnt nicht", "kenne ich nicht", "kenne keinen",
                     "bin ich nicht", "nicht hier"],
    "problem": ["schmerz*", "tut weh", "blut*", "fieber", "geschwollen", "schwellung", "schlechter", "schlecht",
                "problem*", "entzund*", "beschwerden"],
    "well": ["gut", "besser", "prima", "sehr gut", "bestens", "alles gut"],
    "no_questions": ["nein", "nichts", "keine", "das ist alles", "alles gut", "keine fragen"],
    "thanks": ["danke*", "tschuss", "auf wiedersehen", "auf wiederhoren"],
    "voicemail": ["nach dem signalton", "nach dem ton", "hinterlassen sie", "mailbox", "anrufbeantworter",
                  "nicht erreichbar", "sprachnachricht"],
}
