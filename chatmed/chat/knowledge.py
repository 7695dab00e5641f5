"""Curated knowledge base of the offline chat engine: common conditions and symptoms.

Every entry is a short summary written for MedSync in its own words from the public page it cites
(NHS or MedlinePlus); it stays at the level of general guidance those pages give and adds no
medical claim of its own. ``keywords`` are matched against normalized text (lower case, no accents)
in every supported language; ``red_flags`` become follow-up questions.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    keywords: tuple[str, ...]
    summary: str
    self_care: str
    seek_care: str
    red_flags: tuple[str, ...]
    urgency: str
    source: str


ENTRIES: tuple[Entry, ...] = (
    Entry("headache", "Headache and migraine",
          ("headache", "migraine", "head hurts", "dolor de cabeza", "cefalea", "migrana", "mal de cap", "mal de tete", "maux de tete",
           "dor de cabeca", "enxaqueca", "kopfschmerz", "kopfweh", "migrane", "mal di testa", "emicrania", "صداع", "شقيقه"),
          "Most headaches are tension-type headaches or migraines and are not a sign of anything serious. A migraine is "
          "usually a moderate or severe throbbing pain, often on one side, that can come with nausea and sensitivity to "
          "light or sound.",
          "Resting in a quiet, dark room, drinking enough fluids, regular meals and sleep, and simple painkillers such as "
          "paracetamol or ibuprofen (as the leaflet directs) usually help. Using painkillers on many days a month can itself "
          "cause headaches.",
          "See a GP if headaches keep coming back, get worse, or painkillers do not help.",
          ("Did the headache start suddenly and very severely, like a blow to the head?",
           "Do you have a fever, a stiff neck or a rash?", "Have you recently injured your head?",
           "Do you have weakness, numbness, confusion or trouble speaking?", "Do you feel sick or have you vomited?"),
          "moderate", "NHS, Headaches (https://www.nhs.uk/conditions/headaches/); NHS, Migraine (https://www.nhs.uk/conditions/migraine/)"),
    Entry("hypertension", "High blood pressure (hypertension)",
          ("hypertension", "high blood pressure", "blood pressure", "hipertension", "presion arterial", "tension alta", "hipertensio",
           "tension arterielle", "hypertension arterielle", "pressao alta", "hipertensao", "bluthochdruck", "blutdruck",
           "ipertensione", "pressione alta", "ضغط الدم", "ارتفاع الضغط"),
          "High blood pressure rarely causes symptoms; many people find out only when it is measured. Left untreated it "
          "raises the risk of heart attack, stroke and kidney disease. A reading of 140/90 mmHg or more in a clinic (135/85 "
          "at home) is generally considered high.",
          "Less salt, a healthy diet, regular exercise, a healthy weight, limiting alcohol, not smoking and enough sleep "
          "lower blood pressure; many people also need medicine.",
          "Have your blood pressure checked regularly (at least every 5 years over 40, more often if it was high).",
          ("Do you have a severe headache, chest pain, breathlessness or blurred vision?",
           "Have you measured your blood pressure recently, and what was it?",
           "Do you take any medicine for blood pressure?"),
          "low", "NHS, High blood pressure (https://www.nhs.uk/conditions/high-blood-pressure-hypertension/)"),
    Entry("common_cold", "Common cold",
          ("cold", "runny nose", "blocked nose", "stuffy nose", "sneezing", "resfriado", "catarro", "mocos", "refredat", "rhume",
           "nez qui coule", "constipe", "resfriado", "constipacao", "nariz entupido", "erkaltung", "schnupfen", "raffreddore",
           "naso chiuso", "زكام", "رشح"),
          "Colds are viral infections of the nose and throat. They cause a blocked or runny nose, sneezing, sore throat "
          "and cough, and usually get better on their own within 1 to 2 weeks. Antibiotics do not help.",
          "Rest, drink plenty of fluids, and use paracetamol or ibuprofen for aches or fever if needed; gargling salt water "
          "can ease a sore throat.",
          "See a GP if symptoms last more than 3 weeks, get suddenly worse, or you have a long-term condition.",
          ("Do you have a high temperature or feel hot and shivery?", "Are you short of breath or is breathing painful?",
           "Have your symptoms lasted more than 3 weeks?"),
          "low", "NHS, Common cold (https://www.nhs.uk/conditions/common-cold/)"),
    Entry("flu", "Flu (influenza)",
          ("flu", "influenza", "gripe", "grip", "grippe", "influenza", "الانفلونزا", "انفلونزا"),
          "Flu comes on quickly with a high temperature, aching body, tiredness, dry cough and sore throat. Most people "
          "recover in about a week.",
          "Rest, keep warm, drink plenty of water and take paracetamol or ibuprofen for fever and aches.",
          "Get medical advice if you are 65 or over, pregnant, have a long-term condition or weak immune system, or "
          "symptoms do not improve after 7 days.",
          ("Are you short of breath or do you have chest pain?", "Are you pregnant, over 65 or living with a long-term condition?",
           "Have your symptoms lasted more than a week?"),
          "low", "NHS, Flu (https://www.nhs.uk/conditions/flu/)"),
    Entry("fever", "Fever (high temperature)",
          ("fever", "temperature", "fiebre", "febre", "fievre", "fieber", "febbre", "حمى", "حراره"),
          "A high temperature is usually 38 C or above. It is most often caused by an infection and usually goes away "
          "within a few days.",
          "Rest, drink plenty of fluids to avoid dehydration, and use paracetamol or ibuprofen if you feel uncomfortable.",
          "Get medical advice if the temperature lasts more than 5 days, is very high, or comes with other worrying symptoms; "
          "babies under 3 months with a temperature of 38 C or more need urgent advice.",
          ("Do you have a stiff neck, a rash that does not fade, or confusion?", "Are you short of breath?",
           "How long have you had the temperature, and how high is it?"),
          "moderate", "NHS, High temperature (fever) in adults (https://www.nhs.uk/conditions/fever-in-adults/)"),
    Entry("sore_throat", "Sore throat",
          ("sore throat", "throat", "dolor de garganta", "mal de gola", "mal de gorge", "mal a la gorge", "dor de garganta",
           "halsschmerz", "mal di gola", "الم في الحلق", "التهاب الحلق"),
          "Sore throats are very common and usually caused by viruses; they typically get better within a week.",
          "Gargling warm salty water, drinking cool or warm fluids, resting, and paracetamol or ibuprofen can help.",
          "See a GP if it does not improve after a week, you often get sore throats, or you have a weakened immune system.",
          ("Are you having difficulty swallowing or breathing?", "Do you have a high temperature?",
           "Has it lasted more than a week?"),
          "low", "NHS, Sore throat (https://www.nhs.uk/conditions/sore-throat/)"),
    Entry("cough", "Cough",
          ("cough", "coughing", "tos", "tus", "toux", "tosse", "husten", "tosse", "سعال", "كحه"),
          "Most coughs are caused by a cold or flu and clear up within 3 to 4 weeks.",
          "Rest, drink plenty of fluids; a hot drink with honey and lemon can soothe (not for babies under 1 year).",
          "See a GP if a cough lasts more than 3 weeks, you cough up blood, lose weight for no reason, or feel very unwell.",
          ("Are you coughing up blood?", "Are you short of breath or is your chest painful?",
           "How long have you had the cough?"),
          "low", "NHS, Cough (https://www.nhs.uk/conditions/cough/)"),
    Entry("type2_diabetes", "Type 2 diabetes",
          ("diabetes", "diabetic", "blood sugar", "diabetes", "diabetis", "diabete", "diabetes", "zucker", "diabetes", "glucose",
           "السكري", "سكر"),
          "Type 2 diabetes makes the level of sugar (glucose) in the blood too high. Symptoms can include needing to pee "
          "more, thirst, tiredness, weight loss without trying and blurred vision, but many people have no symptoms.",
          "Healthy eating, regular exercise, losing weight if needed and taking prescribed medicine keep blood sugar in range; "
          "regular checks of eyes, feet and kidneys matter.",
          "See a GP if you have symptoms of diabetes or are worried about your risk.",
          ("Are you very thirsty, peeing a lot or losing weight without trying?",
           "Do you feel confused, very drowsy or are you vomiting?", "Do you check your blood sugar, and what is it?"),
          "low", "NHS, Type 2 diabetes (https://www.nhs.uk/conditions/type-2-diabetes/)"),
    Entry("back_pain", "Back pain",
          ("back pain", "backache", "lower back", "dolor de espalda", "lumbago", "mal d'esquena", "mal de dos", "dor nas costas",
           "dor de costas", "ruckenschmerz", "mal di schiena", "الم الظهر", "الم في الظهر"),
          "Back pain is very common and usually improves within a few weeks or months.",
          "Staying as active as possible, gentle exercise, heat packs and anti-inflammatory painkillers can help; bed rest "
          "for long periods is not advised.",
          "See a GP if the pain does not improve after a few weeks, stops you doing daily activities or is very severe.",
          ("Do you have numbness around your bottom or genitals, or problems controlling your bladder or bowels?",
           "Do you have a fever or feel generally unwell?", "Did the pain start after a fall or injury?"),
          "low", "NHS, Back pain (https://www.nhs.uk/conditions/back-pain/)"),
    Entry("diarrhoea", "Diarrhoea and vomiting",
          ("diarrhoea", "diarrhea", "stomach bug", "gastroenteritis", "diarrea", "diarrea", "diarrhee", "diarreia", "durchfall",
           "vomiting", "vomitos", "vomissements", "erbrechen", "vomito", "اسهال", "استفراغ"),
          "Diarrhoea and vomiting are common and usually stop within a few days (vomiting 1 to 2 days, diarrhoea 5 to 7 days).",
          "Stay at home, drink plenty of fluids (small sips if you feel sick), rest, and eat when you feel able; oral "
          "rehydration sachets can help.",
          "Get advice if you are worried about a baby, there are signs of dehydration, or it lasts longer than usual.",
          ("Are you passing little or no urine, or feeling very dizzy?", "Is there blood in your vomit or stools?",
           "Do you have severe stomach pain?"),
          "moderate", "NHS, Diarrhoea and vomiting (https://www.nhs.uk/conditions/diarrhoea-and-vomiting/)"),
    Entry("uti", "Urinary tract infection (UTI)",
          ("urinary", "uti", "cystitis", "burning when i pee", "pain when peeing", "infeccion de orina", "cistitis", "infeccio d'orina",
           "infection urinaire", "cystite", "infeccao urinaria", "harnwegsinfekt", "blasenentzundung", "infezione urinaria", "cistite",
           "التهاب المسالك", "حرقان في البول"),
          "UTIs affect the bladder, urethra or kidneys. Symptoms include pain or burning when peeing, needing to pee more "
          "often or urgently, and cloudy or smelly urine.",
          "Drink plenty of water and rest; paracetamol can ease pain. A pharmacist can advise, and antibiotics may be needed.",
          "See a GP or pharmacist if symptoms do not improve, keep coming back, or you are a man, pregnant, or have blood in your urine.",
          ("Do you have a high temperature, shivering or pain in your side or back?", "Is there blood in your urine?",
           "Are you pregnant?"),
          "moderate", "NHS, Urinary tract infections (https://www.nhs.uk/conditions/urinary-tract-infections-utis/)"),
    Entry("asthma", "Asthma",
          ("asthma", "inhaler", "wheezing", "asma", "asthme", "inhalateur", "inalador", "asthma", "inhalator", "asma", "inalatore",
           "الربو", "بخاخ"),
          "Asthma is a common lung condition that causes breathlessness, wheezing, a tight chest and coughing. It is usually "
          "controlled with inhalers.",
          "Take preventer inhalers as prescribed, carry your reliever inhaler, avoid known triggers and follow a written "
          "asthma action plan.",
          "See a GP or asthma nurse if you use your reliever more than 3 times a week or symptoms wake you at night.",
          ("Is your reliever inhaler not helping, or are you too breathless to speak?", "Are your lips or fingers turning blue?",
           "How often do you need your reliever inhaler?"),
          "moderate", "NHS, Asthma (https://www.nhs.uk/conditions/asthma/)"),
    Entry("heartburn", "Heartburn and acid reflux",
          ("heartburn", "acid reflux", "reflux", "indigestion", "ardor", "acidez", "reflujo", "cremor", "brulures d'estomac", "reflux",
           "azia", "refluxo", "sodbrennen", "bruciore di stomaco", "reflusso", "حرقه", "حموضه", "ارتجاع"),
          "Heartburn is a burning feeling in the chest caused by stomach acid travelling up towards the throat. It is common "
          "and often set off by certain foods, alcohol, smoking, stress or pregnancy.",
          "Eating smaller meals, avoiding trigger foods, not eating within 3 to 4 hours of bedtime, raising the head of the "
          "bed and stopping smoking help; a pharmacist can suggest antacids.",
          "See a GP if it persists for 3 weeks or more despite treatment, or you have difficulty swallowing or weight loss.",
          ("Is the pain spreading to your arm, jaw or back, or are you sweating or breathless?",
           "Do you have difficulty swallowing or are you losing weight?", "Are you vomiting blood or passing black stools?"),
          "low", "NHS, Heartburn and acid reflux (https://www.nhs.uk/conditions/heartburn-and-acid-reflux/)"),
    Entry("anxiety", "Anxiety",
          ("anxiety", "anxious", "panic", "worried all the time", "ansiedad", "angustia", "ansietat", "anxiete", "angoisse",
           "ansiedade", "angst", "panik", "ansia", "القلق", "قلق"),
          "Feeling anxious sometimes is normal; anxiety that is strong or lasts a long time and affects daily life may be "
          "an anxiety disorder such as generalised anxiety disorder or panic disorder, which are treatable.",
          "Talking therapies, regular exercise, breathing exercises, limiting caffeine and alcohol, and self-help resources can help.",
          "See a GP if anxiety affects your daily life or causes you distress.",
          ("Are you having thoughts of harming yourself?", "Do you have chest pain or breathlessness with these feelings?",
           "How long have you felt like this?"),
          "low", "NHS, Generalised anxiety disorder in adults (https://www.nhs.uk/mental-health/conditions/generalised-anxiety-disorder/overview/)"),
)

DISCLAIMERS = {
    "en": "This is AI-generated health information and does not constitute medical advice.",
    "es": "Esta es información de salud generada por IA y no constituye consejo médico.",
    "ca": "Aquesta és informació de salut generada per IA i no constitueix consell mèdic.",
    "fr": "Ces informations de santé sont générées par une IA et ne constituent pas un avis médical.",
    "pt": "Esta é uma informação de saúde gerada por IA e não constitui aconselhamento médico.",
    "de": "Dies sind KI-generierte Gesundheitsinformationen und keine ärztliche Beratung.",
    "it": "Queste sono informazioni sanitarie generate dall'IA e non costituiscono un consiglio medico.",
    "ar": "هذه معلومات صحية مولدة بالذكاء الاصطناعي ولا تشكل استشارة طبية.",
}
EMERGENCY_REPLY = {
    "en": "Your symptoms may indicate a medical emergency ({condition}). {call} Do not wait for an online answer.",
    "es": "Sus síntomas pueden indicar una emergencia médica ({condition}). {call} No espere una respuesta en línea.",
    "ca": "Els vostres símptomes poden indicar una emergència mèdica ({condition}). {call} No espereu una resposta en línia.",
    "fr": "Vos symptômes peuvent indiquer une urgence médicale ({condition}). {call} N'attendez pas une réponse en ligne.",
    "pt": "Os seus sintomas podem indicar uma emergência médica ({condition}). {call} Não espere por uma resposta online.",
    "de": "Ihre Beschwerden können auf einen medizinischen Notfall hindeuten ({condition}). {call} Warten Sie nicht auf eine Online-Antwort.",
    "it": "I suoi sintomi possono indicare un'emergenza medica ({condition}). {call} Non aspetti una risposta online.",
    "ar": "قد تشير أعراضك إلى حالة طبية طارئة ({condition}). {call} لا تنتظر إجابة عبر الإنترنت.",
}
NO_MATCH = {
    "en": "I could not match your question to a topic in my medical knowledge base. Please describe your main symptom "
          "(for example headache, fever, cough, back pain) or ask your clinician or pharmacist.",
    "es": "No he podido relacionar su pregunta con un tema de mi base de conocimientos. Describa su síntoma principal o consulte a su médico o farmacéutico.",
    "ca": "No he pogut relacionar la vostra pregunta amb cap tema de la meva base de coneixement. Descriviu el símptoma principal o consulteu el metge o farmacèutic.",
    "fr": "Je n'ai pas pu rattacher votre question à un sujet de ma base de connaissances. Décrivez votre symptôme principal ou consultez votre médecin ou pharmacien.",
    "pt": "Não consegui relacionar a sua pergunta com um tema da minha base de conhecimento. Descreva o sintoma principal ou consulte o seu médico ou farmacêutico.",
    "de": "Ich konnte Ihre Frage keinem Thema meiner Wissensbasis zuordnen. Beschreiben Sie Ihr Hauptsymptom oder fragen Sie Ihre Ärztin, Ihren Arzt oder die Apotheke.",
    "it": "Non sono riuscito a collegare la sua domanda a un argomento della mia base di conoscenza. Descriva il sintomo principale o consulti il medico o il farmacista.",
    "ar": "لم أتمكن من ربط سؤالك بموضوع في قاعدة معرفتي الطبية. صف العرض الرئيسي أو استشر طبيبك أو الصيدلي.",
}
ENGLISH_ONLY_NOTE = {
    "es": "(Información disponible en inglés.)", "ca": "(Informació disponible en anglès.)",
    "fr": "(Information disponible en anglais.)", "pt": "(Informação disponível em inglês.)",
    "de": "(Information auf Englisch verfügbar.)", "it": "(Informazione disponibile in inglese.)",
    "ar": "(المعلومات متاحة باللغة الإنجليزية.)",
}
