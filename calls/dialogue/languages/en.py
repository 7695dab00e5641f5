"""English phrases, summaries and answer cues of the call agent.

Cues are matched on accent-free, lower-case text as whole words or phrases; a trailing ``*``
matches any word starting so (``bleed*`` → bleeding, bleeds).
"""

VOICE = "en-us"

PHRASES = {
    "identity": "Hello, this is the virtual assistant of {clinic}. Am I speaking with {name}?",
    "appointment_reminder": "I'm calling to remind you of your appointment on {date} at {time} with {provider}. "
                            "Will you be able to attend?",
    "appointment_confirmation": "I'm calling to confirm your appointment on {date} at {time} with {provider}. "
                                "Can you confirm that you will attend?",
    "follow_up": "I'm calling to follow up on your {procedure} on {date} with {provider}. How are you feeling?",
    "custom": "{message} Do you have any questions for the clinic?",
    "custom_generic": "The clinic asked me to contact you. Please call the clinic back when it suits you. "
                      "Do you have any questions for the clinic?",
    "ask_attend": "Will you be able to attend?",
    "ask_feeling": "How are you feeling?",
    "ask_questions": "Do you have any questions for the clinic?",
    "ask_identity": "Am I speaking with {name}?",
    "cancel_or_reschedule": "Would you like to cancel the appointment, or change it to another time?",
    "confirmed": "Thank you, your appointment is confirmed. See you then. Goodbye!",
    "cancelled": "Understood. I will let the clinic know that you are cancelling. Goodbye!",
    "reschedule": "Of course. I will ask the clinic to call you to find a new time. Goodbye!",
    "question_noted": "I can't answer that on this call, but I have noted your question and the clinic will call "
                      "you back.",
    "question_noted_end": "I have noted your question and the clinic will call you back. Goodbye!",
    "unclear": "Sorry, I didn't catch that.",
    "wrong_person": "I'm sorry for the trouble. Goodbye!",
    "follow_up_well": "I'm glad to hear that. If anything changes, please call the clinic. Goodbye!",
    "follow_up_problem": "I'm sorry to hear that. I will tell {provider} so that the clinic calls you back. "
                         "If it is an emergency, call the emergency number. Goodbye!",
    "custom_done": "Thank you for your time. Goodbye!",
    "unresolved": "I will ask the clinic to contact you. Goodbye!",
    "still_there": "Are you still there?",
    "silence_goodbye": "I can't hear you, so I will end the call now. Goodbye!",
    "max_length": "I'm afraid we are out of time. The clinic will contact you if needed. Goodbye!",
    "voicemail": "Hello, this is a message from {clinic} for {name}. Please call us back when you can. "
                 "Thank you, goodbye.",
    "the_clinic": "the clinic",
    "your_doctor": "your doctor",
    "your_visit": "your visit",
}

SUMMARIES = {
    "confirmed": "{name} confirmed the appointment on {date} at {time} with {provider}.",
    "cancelled": "{name} cancelled the appointment on {date} at {time} with {provider}.",
    "reschedule_requested": "{name} asked to reschedule the appointment on {date} at {time} with {provider}.",
    "follow_up_well": "{name} reported feeling well after the {procedure}.",
    "follow_up_problem": "{name} reported a problem after the {procedure} and asked for a call back.",
    "custom_done": "The message was delivered to {name}.",
    "question": "{name} asked a question for the clinic: \"{question}\".",
    "voicemail": "A voicemail was left for {name}.",
    "no_answer": "{name} did not answer ({attempts} attempts).",
    "busy": "{name}'s line was busy ({attempts} attempts).",
    "silence": "The call was answered but nobody spoke.",
    "wrong_number": "The person who answered was not {name}.",
    "unresolved": "The call with {name} ended without a clear answer.",
    "max_length": "The call with {name} reached the maximum length without a clear answer.",
    "failed": "The call to {name} could not be completed.",
    "hung_up": "{name} hung up before answering.",
}

CUES = {
    "affirm": ["yes", "yeah", "yep", "yup", "sure", "of course", "correct", "that's right", "right", "speaking",
               "it's me", "that's me", "this is me", "i will", "i'll be there", "i will be there", "confirm*", "ok",
               "okay", "absolutely", "definitely", "certainly", "sounds good"],
    "deny": ["no", "nope", "not", "can't", "cannot", "won't", "unable", "don't think so"],
    "cancel": ["cancel*", "call it off", "don't need it", "not coming"],
    "reschedule": ["reschedul*", "change", "another day", "another time", "another date", "different day",
                   "different time", "move it", "postpone*", "later date", "other day", "other time"],
    "question": ["question", "ask", "what", "how", "when", "where", "why", "which", "could you tell",
                 "can you tell", "wondering"],
    "wrong_person": ["wrong number", "wrong person", "not me", "nobody", "no one", "doesn't live", "does not live",
                     "don't know", "do not know", "who is that", "not here"],
    "problem": ["pain*", "hurt*", "bleed*", "blood", "swell*", "swollen", "fever", "worse", "bad", "not well",
                "not good", "problem*", "sick", "infect*", "ache*", "aching"],
    "well": ["well", "fine", "good", "great", "better", "okay", "ok", "alright", "all right", "recovered"],
    "no_questions": ["no", "nothing", "no questions", "that's all", "all good", "nope"],
    "thanks": ["thank*", "thanks", "bye", "goodbye", "cheers"],
    "voicemail": ["leave a message", "leave your message", "after the tone", "after the beep", "voicemail",
                  "not available", "unavailable", "record your message"],
}
