"""Offline, deterministic clinical note engine.

``OfflineNoteEngine`` writes a note from a diarized clinician-patient
conversation without any model or network access. It is an extractive,
rule-based summariser:

1. Each turn is normalised (ASR tokenisation artefacts such as ``do n't``,
   spoken numbers -> digits, ``milligrams`` -> ``mg``) and cleaned of
   disfluencies (``notes.engines.speech_cleanup``: fillers per language,
   repeated words and phrases such as "four, four days" or "I heard that I
   heard that"), then split into sentences: at punctuation, at
   acknowledgements and questions inside a sentence ("..., okay, now do you
   ..."), at commas that open a new main clause in long run-on sentences,
   and at discourse markers for unpunctuated ASR output. Conjunctions left
   dangling at the end of a sentence ("..., and.") are dropped.
2. Every sentence is scored against clinical *topics* (symptoms/history,
   medications, social history, examination, results, assessment, plan,
   dental and behavioural-health topics) using per-language cue lists,
   weighted by who said it. Sentence-level rules then send a clinician's
   diagnosis ("so this is strep throat", "consistent with ...") to the
   assessment, test/lab/imaging results ("the rapid test is positive",
   "x-ray shows", "labs show ...") to the results (bedside manoeuvres such
   as "McMurray test is positive" stay in the examination), and a
   clinician restating the history with a time ("so 4 days ago you started
   feeling badly") to the history of present illness.
3. Template sections are mapped to topics: built-in section keys have a
   fixed mapping; custom sections are matched through the words of their
   key, headings and guidance. Each sentence goes to the single best section.
4. Yes/no exchanges ("any chest pain?" - "no") become "Denies chest pain." /
   "Reports chest pain." lines for the review of systems. Polarity is read
   per symptom: a symptom the answer names takes the polarity of its own
   clause (``clinical_lexicon.scope_of``: "yes, but no chills", "I have had
   no fever", "fiebre no, pero ..."), the others the yes/no; what a short
   answer names is kept ("Allergies?" - "Yes, penicillin." -> "reports
   allergies: penicillin"; "No, but my ankles swell" keeps both), and an
   answer too short to stand alone keeps its question ('Metformin (asked:
   "What do you take?")'). Hedged, hypothetical and third-party mentions
   ("maybe", "if you get a fever", "my wife has a fever") never become the
   patient's findings, and questions, negated or excluded findings never
   enter the problem list.
5. English sentences are rewritten in note style: first person -> third
   person ("I have had ..." -> "She has had ..."), second person addressed to
   the patient -> third person, "I'm going to order ..." -> "We will order
   ...". When the patient's gender is unknown, the first mention in a
   sentence is "the patient" and later ones "they"/"them"/"their" ("The
   patient thinks they had a fever"), never "the patient thinks the
   patient". Other languages keep the speaker's wording, prefixed with a
   localized "Reports:" for patient statements.
6. The chief complaint is a noun phrase: the reason for the visit the
   clinician states, else the problem the clinician names when opening the
   visit or the patient names in answer to the opening question ("my
   throat has been hurting" -> "Throat pain", "I twisted my ankle" ->
   "Ankle injury"), with the duration the patient gives ("for 4 days").
   A clause that is not a complaint is never used.

Nothing is invented: every phrase of a section comes from the conversation
(plus fixed connective words such as "Reports", "Denies"), and
``NoteResult.evidence`` gives, per note sentence, the turn indices it was
built from. Numbers and doses are never changed by the clean-up ("1 1/2
tablets", "2, 2 mg tablets"), and a sentence is dropped as small talk only
when it has no clinical content (``clinical_lexicon.has_clinical_content``),
not because of a trigger word. Safety is measured on the set in
``notes/safety`` (``bench/note_safety.py``). The output depends only on the
input, so the engine is deterministic. An ACI-Bench visit (about
1,300 words) takes about 40 ms on one core; a 15-minute visit well under 1 s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

from notes.engines import clinical_lexicon, speech_cleanup
from notes.engines.base import CLINICIAN, PATIENT, NoteResult, Turn, render_markdown
from templates.builtin import SUPPORTED_LANGUAGES, SectionSpec, TemplateSpec

# ---------------------------------------------------------------------------
# Lexicons
# ---------------------------------------------------------------------------

# Fillers, repetitions and clause splitting: see ``notes.engines.speech_cleanup``.

# Words stripped from the start of a sentence (acknowledgements, connectives).
_LEADING: dict[str, tuple[str, ...]] = {
    "en": (
        "okay", "ok", "alright", "all right", "right", "so", "and", "well", "yeah", "yes",
        "yep", "sure", "great", "good", "now", "but", "then", "also", "perfect", "nice",
        "wow", "cool", "got it", "i see", "mm", "understood", "hey", "hi", "hello",
        "thank you", "thanks", "fine", "sounds good", "excellent", "awesome", "no problem",
        "or", "because", "just", "yet", "anyway", "anyways",
    ),
    "es": ("vale", "bueno", "bien", "pues", "entonces", "y", "sí", "si", "claro", "de acuerdo", "ok", "perfecto", "muy bien", "pero", "ahora", "mire", "oiga"),
    "ca": ("vale", "bé", "molt bé", "doncs", "llavors", "i", "sí", "clar", "d'acord", "ok", "perfecte", "però", "ara", "escolti"),
    "fr": ("d'accord", "ok", "bon", "bien", "alors", "et", "oui", "donc", "parfait", "très bien", "mais", "maintenant", "voilà", "écoutez"),
    "pt": ("ok", "bem", "então", "e", "sim", "claro", "certo", "perfeito", "muito bem", "mas", "agora", "olhe", "pronto"),
    "de": ("okay", "ok", "gut", "also", "und", "ja", "genau", "klar", "alles klar", "prima", "sehr gut", "aber", "jetzt", "na", "schön"),
    "it": ("ok", "va bene", "bene", "allora", "e", "sì", "certo", "perfetto", "benissimo", "ma", "adesso", "ora", "ecco", "dunque"),
}

# Leading words that also have a meaning of their own: stripped only when
# punctuation sets them off ("Right, so ..." but not "Right lower quadrant";
# Spanish/Catalan "si" = if, "bien"/"bé"/"gut"/"bene" = well).
_LEADING_IF_PUNCT: dict[str, frozenset[str]] = {
    "en": frozenset({"right", "good", "great", "fine", "nice", "well", "or", "because", "yet"}),
    "es": frozenset({"si", "bien", "bueno", "claro", "ahora", "perfecto"}),
    "ca": frozenset({"bé", "clar", "ara", "perfecte"}),
    "fr": frozenset({"bien", "bon", "parfait", "maintenant", "donc"}),
    "pt": frozenset({"bem", "claro", "certo", "agora", "perfeito"}),
    "de": frozenset({"gut", "klar", "genau", "jetzt", "prima", "schön"}),
    "it": frozenset({"bene", "certo", "ora", "adesso", "perfetto"}),
}

_NEVER = re.compile(r"(?!)")
# Verb-first yes/no questions of languages that mark them by intonation only
# (used when an answer "sí"/"no" follows and the "?" is missing).
_UNMARKED_QUESTION: dict[str, re.Pattern[str]] = {
    "es": re.compile(r"^(?:y\s+)?(?:tiene|ha tenido|ha notado|toma|es|está|hay|le duele|siente|nota|fuma|bebe|algún|alguna|usted)\b", re.I),
    "ca": re.compile(r"^(?:i\s+)?(?:té|ha tingut|ha notat|pren|és|està|hi ha|li fa mal|sent|nota|fuma|beu|algun|alguna|vostè)\b", re.I),
    "pt": re.compile(r"^(?:e\s+)?(?:tem|teve|toma|é|está|há|sente|nota|fuma|bebe|algum|alguma)\b", re.I),
    "it": re.compile(r"^(?:e\s+)?(?:ha|ha avuto|prende|è|c'è|sente|nota|fuma|beve|qualche)\b", re.I),
    "fr": re.compile(r"^(?:et\s+)?(?:vous avez|vous prenez|vous fumez|vous buvez|vous êtes|avez-vous|prenez-vous|êtes-vous|des|de la|du)\b", re.I),
}
# A negative answer word used as a determiner of what follows.
_NEG_DETERMINER: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"^no\s+(?!(?:i|i'm|i've|i'd|it|it's|that|that's|they|we|he|she|not|never|nothing|none|sir|ma'am|doctor|doc|"
        r"thanks|thank|really|way|problem|idea|one|but|just|and|so|yes|no|nope|none)\b)[a-z]",
        re.I,
    ),
    "de": re.compile(r"^(?:kein|keine|keinen|keinerlei)\s+\w", re.I),
}

# Words after which an ambiguous leading word is a discourse marker.
_DISCOURSE_NEXT: dict[str, str] = {
    "en": r"i|i'm|i'll|i've|i'd|we|we're|we'll|we've|you|you're|you've|you'll|so|and|but|let's|let|now|it's|that's|"
          r"okay|ok|then|um|uh|yes|yeah|no|thank|thanks|alright|hi|hello|good|great|well|right|just|also|there's|there",
    "es": r"pues|entonces|vale|bueno|ahora|y|pero|vamos|voy|le|usted|gracias",
    "fr": r"alors|donc|d'accord|et|mais|on|je|vous|merci",
    "pt": r"então|pois|ok|e|mas|vamos|vou|obrigad[oa]",
    "de": r"also|dann|und|aber|wir|ich|sie|danke",
    "it": r"allora|quindi|e|ma|adesso|facciamo|vado|grazie",
}

# Negative / affirmative answers to a yes/no question.
_NEG_ANSWER: dict[str, str] = {
    # "No sé" / "não sei" / "no idea" are not a no: the speaker is unsure.
    "en": r"^(?:no(?! idea)|nope|nah|not really|not that i|none|nobody|no one|never|negative|not at all|(?:i don't|i haven't|i have not|i do not|i didn't)(?=[\s,.!]*$))\b",
    "es": r"^(?:no(?!,? (?:sé|lo sé|estoy segur|me acuerdo|recuerdo))|nunca|ninguno|ninguna|nada|para nada)\b",
    "ca": r"^(?:no(?!,? (?:ho sé|sé|estic segur|me'n recordo|ho recordo))|mai|cap|gens)\b",
    "fr": r"^(?:non|jamais|aucun|aucune|pas du tout|pas vraiment)\b",
    "pt": r"^(?:não(?!,? (?:sei|tenho a certeza|tenho certeza|me lembro))|nao|nunca|nenhum|nenhuma|nada)\b",
    "de": r"^(?:nein|nee|nö|nie|niemals|keine|keinen|kein|gar nicht|überhaupt nicht)\b",
    "it": r"^(?:no|mai|nessun|nessuna|per niente|affatto)\b",
}
_POS_ANSWER: dict[str, str] = {
    # "I have" / "I do" are a yes only as the whole answer: "I have had no
    # fever" is a statement whose own negation decides.
    "en": r"^(?:yes|yeah|yep|yup|(?:i do|i have|i did|i am|i'm)(?=[\s,.!]*$)|a little|sometimes|occasionally|definitely|correct|uh-huh|mm-hmm)\b",
    "es": r"^(?:sí|si|un poco|a veces|claro)\b",
    "ca": r"^(?:sí|una mica|a vegades|de vegades|clar)\b",
    "fr": r"^(?:oui|un peu|parfois|si)\b",
    "pt": r"^(?:sim|um pouco|às vezes|as vezes|tenho)\b",
    "de": r"^(?:ja|doch|ein bisschen|manchmal|genau)\b",
    "it": r"^(?:sì|si|un po'|a volte|certo)\b",
}

# Question starts per language (for unpunctuated ASR output).
_QUESTION_START: dict[str, str] = {
    "en": (
        # An auxiliary opens a question only before its subject: "have a good
        # weekend" or "do the exercises twice a day" are not questions.
        r"^(?:(?:do|does|did|are|is|was|were|have|has|had|can|could|would|will|should)\s+(?:you|i|we|they|he|she|it|there|"
        r"that|this|your|my|the (?:pain|symptoms?|swelling|rash|cough|medication|medicine))\b|"
        r"(?:any|how|what|when|where|why|which|who|anything|ever)\b)"
    ),
    # Romance languages mark questions by intonation only, so a verb-first
    # sentence may be a statement; only interrogative words count here and
    # "?" (kept by most ASR systems) does the rest.
    "es": r"^(?:¿|qué|cómo|cuándo|dónde|por qué|cuál|cuánto|cuánta|cuántos|cuántas)(?!\w)",
    "ca": r"^(?:¿|què|quan|per què|quin|quina|quant|quants|quantes)(?!\w)",
    "fr": r"^(?:est-ce|qu'est-ce|quand|comment|où|pourquoi|quel|quelle|combien|avez-vous|êtes-vous|prenez-vous|ressentez-vous)(?!\w)",
    "pt": r"^(?:o que|qual|quais|quanto|quantos|quantas|onde)(?!\w)",
    "de": r"^(?:haben sie|hatten sie|sind sie|waren sie|nehmen sie|wie|was|wann|wo|warum|welche|welcher|wieviel|gibt es|können sie|möchten sie)(?!\w)",
    "it": r"^(?:cosa|quale|quali|quanto|quanti|quante|dove|come mai)(?!\w)",
}

# Small-talk / closing sentences that never belong in a note.
_SMALLTALK = re.compile(
    r"\b(?:how are you|nice to (?:meet|see) you|good (?:morning|afternoon|evening)|thank you|thanks|"
    r"bye|goodbye|take care|see you|have a (?:good|great|nice)|any (?:other )?questions|"
    r"gracias|adiós|hasta luego|buenos días|buenas tardes|qué tal|gràcies|adéu|bon dia|"
    r"merci|au revoir|bonjour|bonsoir|obrigad[oa]|tchau|bom dia|boa tarde|"
    r"danke|auf wiedersehen|guten (?:tag|morgen)|tschüss|grazie|arrivederci|buongiorno|buonasera)\b",
    re.I,
)

# Body-system lexicon for the review of systems (English labels, per-language
# symptom terms). System grouping follows the CMS 1995/1997 documentation
# guidelines' list of 14 systems.
_ROS_SYSTEMS: dict[str, dict[str, tuple[str, ...]]] = {
    "Constitutional": {
        "en": ("fever", "fevers", "chills", "night sweats", "sweats", "sweating", "sweaty", "weight loss", "weight gain", "fatigue", "tired", "tiredness", "appetite"),
        "es": ("fiebre", "escalofríos", "sudores", "pérdida de peso", "cansancio", "fatiga", "apetito"),
        "ca": ("febre", "calfreds", "suors", "pèrdua de pes", "cansament", "fatiga", "gana"),
        "fr": ("fièvre", "frissons", "sueurs", "perte de poids", "fatigue", "appétit"),
        "pt": ("febre", "calafrios", "suores", "perda de peso", "cansaço", "fadiga", "apetite"),
        "de": ("fieber", "schüttelfrost", "nachtschweiß", "gewichtsverlust", "müdigkeit", "abgeschlagenheit", "appetit"),
        "it": ("febbre", "brividi", "sudorazione", "perdita di peso", "stanchezza", "astenia", "appetito"),
    },
    "Eyes": {
        "en": ("blurry vision", "blurred vision", "vision changes", "double vision", "eye pain"),
        "es": ("visión borrosa", "visión doble"), "ca": ("visió borrosa", "visió doble"),
        "fr": ("vision floue", "vision double"), "pt": ("visão turva", "visão dupla"),
        "de": ("verschwommen", "doppelbilder", "sehstörung"), "it": ("vista offuscata", "visione doppia"),
    },
    "Ears, Nose, Mouth and Throat": {
        "en": ("sore throat", "congestion", "runny nose", "ear pain", "nasal", "sinus", "hoarse", "difficulty swallowing", "trouble swallowing",
               "hard to swallow", "painful to swallow", "hurts to swallow", "pain with swallowing", "pain when i swallow"),
        "es": ("dolor de garganta", "congestión", "mocos", "dolor de oído", "ronquera"),
        "ca": ("mal de coll", "congestió", "mocs", "mal d'orella", "ronquera"),
        "fr": ("mal de gorge", "mal à la gorge", "congestion", "nez qui coule", "mal à l'oreille", "enrouement"),
        "pt": ("dor de garganta", "congestão", "nariz entupido", "dor de ouvido", "rouquidão"),
        "de": ("halsschmerzen", "schnupfen", "verstopfte nase", "ohrenschmerzen", "heiserkeit"),
        "it": ("mal di gola", "congestione", "naso chiuso", "mal d'orecchio", "raucedine"),
    },
    "Cardiovascular": {
        "en": ("chest pain", "chest pains", "palpitations", "swelling in your legs", "swelling in my legs", "leg swelling", "swelling in your ankles", "racing heart"),
        "es": ("dolor en el pecho", "dolor torácico", "palpitaciones", "hinchazón de piernas", "piernas hinchadas"),
        "ca": ("dolor al pit", "dolor toràcic", "palpitacions", "cames inflades"),
        "fr": ("douleur thoracique", "douleur dans la poitrine", "palpitations", "jambes gonflées"),
        "pt": ("dor no peito", "dor torácica", "palpitações", "pernas inchadas"),
        "de": ("brustschmerzen", "herzrasen", "herzstolpern", "geschwollene beine", "beinödeme"),
        "it": ("dolore al petto", "dolore toracico", "palpitazioni", "gambe gonfie"),
    },
    "Respiratory": {
        "en": ("shortness of breath", "short of breath", "cough", "coughing", "wheezing", "trouble breathing", "difficulty breathing"),
        "es": ("falta de aire", "disnea", "tos", "pitos", "ahogo"),
        "ca": ("falta d'aire", "dispnea", "tos", "ofec"),
        "fr": ("essoufflement", "dyspnée", "toux", "sifflement"),
        "pt": ("falta de ar", "dispneia", "tosse", "chiado"),
        "de": ("atemnot", "kurzatmig", "husten", "pfeifen"),
        "it": ("fiato corto", "dispnea", "tosse", "respiro sibilante", "affanno"),
    },
    "Gastrointestinal": {
        "en": ("nausea", "vomiting", "diarrhea", "constipation", "abdominal pain", "belly pain", "stomach pain", "heartburn", "reflux", "blood in your stool", "blood in the stool"),
        "es": ("náuseas", "vómitos", "diarrea", "estreñimiento", "dolor abdominal", "dolor de barriga", "ardor"),
        "ca": ("nàusees", "vòmits", "diarrea", "restrenyiment", "dolor abdominal", "mal de panxa"),
        "fr": ("nausée", "nausées", "vomissements", "diarrhée", "constipation", "douleur abdominale", "mal au ventre", "brûlures d'estomac"),
        "pt": ("náusea", "náuseas", "vómitos", "vômitos", "diarreia", "prisão de ventre", "dor abdominal", "dor de barriga"),
        "de": ("übelkeit", "erbrechen", "durchfall", "verstopfung", "bauchschmerzen", "sodbrennen"),
        "it": ("nausea", "vomito", "diarrea", "stitichezza", "dolore addominale", "mal di pancia", "bruciore di stomaco"),
    },
    "Genitourinary": {
        "en": ("burning with urination", "painful urination", "blood in your urine", "urinary frequency", "urinary"),
        "es": ("escozor al orinar", "sangre en la orina"), "ca": ("coïssor en orinar", "sang a l'orina"),
        "fr": ("brûlures urinaires", "sang dans les urines"), "pt": ("ardor ao urinar", "sangue na urina"),
        "de": ("brennen beim wasserlassen", "blut im urin"), "it": ("bruciore urinario", "sangue nelle urine"),
    },
    "Musculoskeletal": {
        "en": ("joint pain", "back pain", "knee pain", "muscle pain", "muscle aches", "stiffness", "shoulder pain", "hip pain", "neck pain"),
        "es": ("dolor articular", "dolor de espalda", "dolor de rodilla", "dolor muscular", "rigidez"),
        "ca": ("dolor articular", "mal d'esquena", "dolor de genoll", "dolor muscular", "rigidesa"),
        "fr": ("douleur articulaire", "mal de dos", "douleur au genou", "douleur musculaire", "raideur"),
        "pt": ("dor articular", "dor nas costas", "dor no joelho", "dor muscular", "rigidez"),
        "de": ("gelenkschmerzen", "rückenschmerzen", "knieschmerzen", "muskelschmerzen", "steifheit"),
        "it": ("dolori articolari", "mal di schiena", "dolore al ginocchio", "dolori muscolari", "rigidità"),
    },
    "Skin": {
        "en": ("rash", "itching", "itchy", "lesion", "ulcer", "bruising"),
        "es": ("erupción", "picor", "sarpullido", "herida"), "ca": ("erupció", "picor", "ferida"),
        "fr": ("éruption", "démangeaisons", "plaie"), "pt": ("erupção", "comichão", "coceira", "ferida"),
        "de": ("ausschlag", "juckreiz", "wunde"), "it": ("eruzione", "prurito", "ferita"),
    },
    "Neurological": {
        "en": ("headache", "headaches", "dizziness", "dizzy", "lightheaded", "numbness", "tingling", "weakness", "syncope", "passing out", "fainting",
               "seizure", "seizures", "loss of consciousness"),
        "es": ("dolor de cabeza", "cefalea", "mareo", "mareos", "entumecimiento", "hormigueo", "debilidad", "desmayo"),
        "ca": ("mal de cap", "cefalea", "mareig", "rampes", "formigueig", "debilitat", "desmai"),
        "fr": ("mal de tête", "mal à la tête", "maux de tête", "céphalées", "vertiges", "engourdissement", "fourmillements", "faiblesse", "malaise"),
        "pt": ("dor de cabeça", "cefaleia", "tonturas", "tontura", "dormência", "formigueiro", "fraqueza", "desmaio"),
        "de": ("kopfschmerzen", "schwindel", "taubheit", "kribbeln", "schwäche", "ohnmacht"),
        "it": ("mal di testa", "cefalea", "vertigini", "capogiri", "intorpidimento", "formicolio", "debolezza", "svenimento"),
    },
    "Psychiatric": {
        "en": ("depression", "depressed", "anxiety", "anxious", "suicidal", "harm yourself", "hurt yourself", "trouble sleeping", "insomnia"),
        "es": ("depresión", "ansiedad", "insomnio", "ideas suicidas"), "ca": ("depressió", "ansietat", "insomni"),
        "fr": ("dépression", "anxiété", "insomnie", "idées suicidaires"), "pt": ("depressão", "ansiedade", "insónia", "insônia"),
        "de": ("depression", "angst", "schlafstörungen", "suizidgedanken"), "it": ("depressione", "ansia", "insonnia"),
    },
}


def _rx(words: Iterable[str]) -> str:
    """Join cue fragments into one alternation; fragments are regex snippets."""
    return "|".join(words)


# Topic cues. Each topic maps language -> regex fragments matched at word
# starts (``\b`` prefix), case-insensitive. English is the most complete; for
# the other languages the lists cover the common clinical vocabulary.
_TOPIC_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "hpi": {
        "en": (
            r"pain", r"hurts?", r"hurting", r"ache", r"aching", r"sore", r"swell", r"swollen", r"numb",
            r"tingl", r"burning", r"sharp", r"dull", r"throbbing", r"started", r"began", r"since",
            r"weeks? ago", r"days? ago", r"months? ago", r"years? ago", r"for (?:about |the past |a few |a couple )?\d+ (?:days?|weeks?|months?|years?)",
            r"worse", r"better", r"worsen", r"improv", r"on a scale", r"out of 10", r"nause", r"vomit",
            r"dizz", r"cough", r"fever", r"tired", r"fatigue", r"bleed", r"rash", r"itch", r"headache",
            r"symptom", r"injur", r"fell\b", r"(?:a|had|the|after|from) fall\b", r"twist", r"radiat", r"stiff", r"weak", r"trouble",
            r"difficult", r"noticed", r"episode", r"flare", r"shortness of breath", r"short of breath",
            r"blood (?:sugar|pressure)s? (?:has|have|are|is|was|were|running|go)", r"sleep", r"stress",
            r"ice", r"ibuprofen", r"tylenol", r"advil", r"motrin", r"relie", r"help(?:s|ed)?\b",
            r"at night", r"wak(?:e|es|ing) up", r"woke up", r"hard time", r"can't", r"unable", r"drop(?:s|ped|ping)? things",
            r"asleep", r"tight", r"pressure in", r"lump", r"bump", r"sweat", r"chills", r"swallow",
            r"feeling (?:badly|bad|sick|unwell|ill|terrible|awful|lousy|worse)", r"not feeling well", r"temperature",
        ),
        "es": (r"dolor", r"duele", r"molest", r"hinch", r"desde hace", r"hace \w+ (?:días|semanas|meses)", r"empez", r"peor", r"mejor", r"fiebre", r"tos", r"mareo", r"náusea", r"cansad", r"sangr", r"picor", r"síntoma", r"ca[íi]d", r"golpe"),
        "ca": (r"dolor", r"fa mal", r"mal de", r"molèst", r"infla", r"des de fa", r"fa \w+ (?:dies|setmanes|mesos)", r"va començar", r"pitjor", r"millor", r"febre", r"tos", r"mareig", r"nàusees", r"cansat", r"sang", r"símptoma", r"caiguda"),
        "fr": (r"douleur", r"mal ", r"fait mal", r"gonfl", r"depuis", r"il y a \w+ (?:jours|semaines|mois)", r"commencé", r"pire", r"mieux", r"fièvre", r"tousse", r"toux", r"vertige", r"nausée", r"fatigu", r"saign", r"symptôme", r"chute", r"tombé"),
        "pt": (r"dor", r"dói", r"doi", r"incha", r"desde", r"há \w+ (?:dias|semanas|meses)", r"começ", r"pior", r"melhor", r"febre", r"tosse", r"tontura", r"náusea", r"cansad", r"sangr", r"sintoma", r"caí", r"queda"),
        "de": (r"schmerz", r"tut weh", r"weh", r"geschwollen", r"schwellung", r"seit", r"vor \w+ (?:tagen|wochen|monaten)", r"angefangen", r"begonnen", r"schlimmer", r"besser", r"fieber", r"husten", r"schwindel", r"übelkeit", r"müde", r"blut", r"symptom", r"gestürzt", r"sturz"),
        "it": (r"dolor", r"fa male", r"male ", r"gonfi", r"da \w+ (?:giorni|settimane|mesi)", r"iniziat", r"cominciat", r"peggio", r"meglio", r"febbre", r"tosse", r"vertigin", r"nausea", r"stanc", r"sangu", r"sintom", r"caduto", r"caduta"),
    },
    "pmh": {
        "en": (
            r"history of", r"diagnosed", r"diabet", r"hypertension", r"high blood pressure", r"asthma",
            r"copd", r"heart (?:disease|attack|failure)", r"stroke", r"cancer", r"surgery", r"surgeries",
            r"operation", r"hospitali[sz]", r"thyroid", r"arthritis", r"kidney", r"cholesterol",
            r"depression", r"anxiety", r"in the past", r"years ago", r"transplant", r"chronic", r"stent",
            r"my (?:mom|mother|dad|father|sister|brother)", r"family history", r"runs in",
            r"told me (?:that )?i (?:have|had)", r"afib", r"atrial fibrillation",
        ),
        "es": (r"antecedente", r"diagnostic", r"diabet", r"hipertensi", r"tensión alta", r"asma", r"infarto", r"cáncer", r"operad", r"cirugía", r"ingres", r"tiroides", r"colesterol", r"crónic"),
        "ca": (r"antecedent", r"diagnostic", r"diabet", r"hipertensi", r"tensió alta", r"asma", r"infart", r"càncer", r"operat", r"cirurgia", r"ingrés", r"tiroide", r"colesterol", r"crònic"),
        "fr": (r"antécédent", r"diagnostiqu", r"diabèt", r"hypertension", r"tension", r"asthme", r"infarctus", r"cancer", r"opéré", r"chirurgie", r"hospitalis", r"thyroïde", r"cholestérol", r"chronique"),
        "pt": (r"antecedente", r"diagnostic", r"diabet", r"hipertens", r"tensão alta", r"pressão alta", r"asma", r"enfarte", r"infarto", r"cancro", r"câncer", r"operad", r"cirurgia", r"internad", r"tiroide", r"tireoide", r"colesterol", r"crónic", r"crônic"),
        "de": (r"vorerkrank", r"diagnos", r"diabet", r"zucker", r"bluthochdruck", r"hypertonie", r"asthma", r"herzinfarkt", r"krebs", r"operiert", r"operation", r"krankenhaus", r"schilddrüse", r"cholesterin", r"chronisch"),
        "it": (r"anamnesi", r"diagnostic", r"diabet", r"ipertensi", r"pressione alta", r"asma", r"infarto", r"cancro", r"tumore", r"operat", r"intervento", r"ricover", r"tiroide", r"colesterolo", r"cronic"),
    },
    "meds": {
        "en": (
            r"\d+ ?(?:mg|mcg|units?|ml)\b", r"medication", r"medicine", r"meds\b", r"taking", r"prescri",
            r"pills?", r"tablets?", r"inhaler", r"insulin", r"aspirin", r"metformin", r"lisinopril",
            r"\w+(?:pril|sartan|olol|statin|formin|prazole|azole|cillin|mycin|oxetine|pine|dipine|zepam|done|tidine|lukast|afil|gliptin|gliflozin)\b",
            r"vitamin", r"supplement", r"twice a day", r"once a day", r"daily",
        ),
        "es": (r"\d+ ?(?:mg|mcg|unidades|ml)\b", r"medicaci", r"medicamento", r"pastilla", r"comprimido", r"tomo", r"toma", r"tratamiento", r"insulina", r"inhalador", r"al día", r"cada \d+ horas"),
        "ca": (r"\d+ ?(?:mg|mcg|unitats|ml)\b", r"medicaci", r"medicament", r"pastilla", r"comprimit", r"prenc", r"pren", r"tractament", r"insulina", r"inhalador", r"al dia", r"cada \d+ hores"),
        "fr": (r"\d+ ?(?:mg|mcg|unités|ml)\b", r"médicament", r"traitement", r"comprimé", r"cachet", r"je prends", r"prenez", r"insuline", r"inhalateur", r"par jour", r"toutes les \d+ heures"),
        "pt": (r"\d+ ?(?:mg|mcg|unidades|ml)\b", r"medica", r"remédio", r"comprimido", r"tomo", r"toma", r"tratamento", r"insulina", r"inalador", r"por dia", r"de \d+ em \d+ horas"),
        "de": (r"\d+ ?(?:mg|mcg|einheiten|ml)\b", r"medikament", r"tablette", r"nehme", r"nehmen", r"insulin", r"spray", r"täglich", r"am tag", r"alle \d+ stunden"),
        "it": (r"\d+ ?(?:mg|mcg|unità|ml)\b", r"farmac", r"medicin", r"compress", r"pastiglia", r"prendo", r"prende", r"terapia", r"insulina", r"inalatore", r"al giorno", r"ogni \d+ ore"),
    },
    "allergies": {
        "en": (r"allerg", r"anaphyla", r"reaction to"),
        "es": (r"alergi", r"alérgic"), "ca": (r"al·lèrg", r"alèrg", r"al·lergi"), "fr": (r"allergi",),
        "pt": (r"alergi", r"alérgic"), "de": (r"allergi", r"unverträglich"), "it": (r"allergi",),
    },
    "social": {
        "en": (
            r"smok", r"cigarette", r"tobacco", r"vape", r"alcohol", r"drink", r"beer", r"wine",
            r"liquor", r"drugs", r"marijuana", r"work (?:as|at|in)", r"i work", r"my job", r"job",
            r"retired", r"married", r"my (?:wife|husband|kids|children|son|daughter|partner)",
            r"live (?:with|alone)", r"exercise", r"walk", r"gym", r"hik", r"run(?:s|ning)?\b", r"diet", r"eat",
        ),
        "es": (r"fum", r"tabaco", r"alcohol", r"beb", r"cerveza", r"vino", r"trabaj", r"jubilad", r"casad", r"vivo", r"ejercicio", r"camin", r"dieta", r"com[oe]\b"),
        "ca": (r"fum", r"tabac", r"alcohol", r"beu", r"begu", r"cervesa", r"vi\b", r"treball", r"jubilat", r"casat", r"visc", r"exercici", r"camin", r"dieta", r"menj"),
        "fr": (r"fum", r"tabac", r"cigarette", r"alcool", r"bo[ia]", r"bière", r"vin\b", r"travail", r"retraité", r"marié", r"j'habite", r"vis ", r"sport", r"march", r"régime", r"mange"),
        "pt": (r"fum", r"tabaco", r"álcool", r"beb", r"cerveja", r"vinho", r"trabalh", r"reformad", r"aposentad", r"casad", r"vivo", r"exercício", r"caminh", r"dieta", r"como\b"),
        "de": (r"rauch", r"zigarette", r"alkohol", r"trinke", r"bier", r"wein", r"arbeite", r"beruf", r"rente", r"verheiratet", r"wohne", r"sport", r"spazier", r"ernährung", r"esse"),
        "it": (r"fum", r"sigarett", r"alcol", r"bev", r"birra", r"vino", r"lavor", r"pensione", r"sposat", r"vivo", r"sport", r"cammin", r"dieta", r"mangio"),
    },
    "exam": {
        "en": (
            r"exam", r"examination", r"on palpation", r"palpat", r"tender", r"tenderness", r"lungs?",
            r"heart (?:sounds?|rate|is|exam)", r"murmur", r"auscultation", r"clear", r"range of motion",
            r"reflexes", r"strength", r"edema", r"swelling", r"effusion", r"erythema", r"bruit",
            r"pulses?", r"rhythm", r"sign\b", r"test is (?:positive|negative)", r"positive", r"negative",
            r"blood pressure (?:is|was|today|here)", r"vital signs", r"vitals", r"temperature",
            r"bp\b", r"heart rate", r"eardrums?", r"tympanic", r"bulging",
            r"oxygen", r"saturation", r"bmi", r"weigh",
            r"looks? (?:good|normal|fine|clear|swollen|red|inflamed|healthy|great|okay)", r"i (?:see|hear|feel|notice|appreciate)\b",
            r"there (?:is|are|'s) (?:no|some|a|an|mild|slight)", r"when i press", r"abdomen", r"belly",
            r"soft", r"nontender", r"non-tender", r"bilateral", r"lesion", r"wound", r"mass",
        ),
        "es": (r"explora", r"auscult", r"palpa", r"pulso", r"dolor a la palpación", r"pulmones", r"corazón", r"soplo", r"tensión arterial", r"presión arterial", r"temperatura", r"saturación", r"frecuencia cardiaca", r"movilidad", r"inflamad", r"enrojec", r"veo", r"noto", r"abdomen", r"blando", r"reflejos", r"fuerza"),
        "ca": (r"explora", r"auscult", r"palpa", r"pols\b", r"pulmons", r"cor\b", r"buf", r"tensió arterial", r"pressió arterial", r"temperatura", r"saturació", r"freqüència cardíaca", r"mobilitat", r"inflamat", r"vermell", r"veig", r"noto", r"abdomen", r"tou", r"reflexos", r"força"),
        "fr": (r"exam", r"auscult", r"palp", r"pouls", r"poumons", r"cœur", r"coeur", r"souffle", r"tension artérielle", r"température", r"saturation", r"fréquence cardiaque", r"mobilité", r"rougeur", r"je vois", r"je sens", r"abdomen", r"souple", r"réflexes", r"force"),
        "pt": (r"exame", r"auscult", r"palpa", r"pulso", r"tensão", r"glicemia", r"pulmões", r"coração", r"sopro", r"tensão arterial", r"pressão arterial", r"temperatura", r"saturação", r"frequência cardíaca", r"mobilidade", r"vermelh", r"vejo", r"noto", r"abdómen", r"abdômen", r"mole", r"reflexos", r"força"),
        "de": (r"untersuch", r"abhör", r"abtast", r"lunge", r"herz", r"geräusch", r"blutdruck", r"temperatur", r"sättigung", r"puls", r"beweglich", r"rötung", r"ich sehe", r"ich fühle", r"bauch", r"weich", r"reflexe", r"kraft", r"druckschmerz"),
        "it": (r"esame", r"ausculta", r"palpa", r"polso", r"polmoni", r"cuore", r"soffio", r"pressione arteriosa", r"temperatura", r"saturazione", r"frequenza cardiaca", r"mobilità", r"arross", r"vedo", r"sento", r"addome", r"trattabile", r"riflessi", r"forza"),
    },
    "results": {
        "en": (
            r"x-?rays?", r"xrays?", r"mri", r"ct\b", r"cat scan", r"ultrasound", r"echo", r"echocardiogram",
            r"ekg", r"ecg", r"labs?\b", r"lab work", r"blood ?work", r"a1c", r"hemoglobin", r"results?",
            r"came back", r"showed", r"shows", r"revealed", r"demonstrat", r"panel", r"culture",
            r"biopsy", r"scan", r"levels?\b", r"cholesterol", r"lipid", r"white (?:blood )?count", r"kidney function", r"creatinine", r"urinalysis", r"count", r"test (?:was|came)", r"imaging", r"ejection fraction",
            r"inr\b", r"tsh\b", r"psa\b", r"bnp\b", r"troponin", r"potassium", r"sodium", r"glucose", r"ferritin", r"platelets",
        ),
        "es": (r"inr\b", r"radiograf", r"resonancia", r"escáner", r"tac\b", r"ecograf", r"analític", r"análisis", r"resultado", r"electrocardiograma", r"hemoglobina", r"muestra", r"salió", r"niveles"),
        "ca": (r"inr\b", r"radiografi", r"ressonància", r"tac\b", r"ecografi", r"analítica", r"anàlisi", r"resultat", r"electrocardiograma", r"hemoglobina", r"mostra", r"nivells"),
        "fr": (r"inr\b", r"radio", r"irm", r"scanner", r"échographie", r"bilan sanguin", r"prise de sang", r"analyse", r"résultat", r"électrocardiogramme", r"ecg", r"hémoglobine", r"montre", r"taux"),
        "pt": (r"inr\b", r"radiografi", r"raio-?x", r"ressonância", r"tac\b", r"tomografia", r"ecografia", r"ultrassom", r"análises", r"exames de sangue", r"resultado", r"eletrocardiograma", r"hemoglobina", r"mostra", r"níveis"),
        "de": (r"inr\b", r"röntgen", r"mrt", r"ct\b", r"ultraschall", r"sonographie", r"labor", r"blutwerte", r"blutbild", r"ergebnis", r"befund", r"ekg", r"hba1c", r"zeigt", r"werte"),
        "it": (r"inr\b", r"radiografi", r"risonanza", r"tac\b", r"ecografi", r"esami del sangue", r"analisi", r"risultat", r"elettrocardiogramma", r"emoglobina", r"mostra", r"valori", r"livelli"),
    },
    "assessment": {
        "en": (
            r"diagnos[ie]s", r"assessment", r"impression", r"consistent with", r"suggestive of",
            r"i think (?:you have|you've got|this is|that this is|it's|it is|that's|that you have|we're dealing)",
            r"(?:looks|sounds|seems) like (?:you have|it's|this is|a|an)", r"you have (?:a |an )?\w+(?:itis|osis|emia|pathy)\b",
            r"syndrome", r"likely", r"unlikely", r"probably (?:a|an|have|has)", r"rule out", r"ruled out", r"differential",
            r"(?:first|second|third|next|last|other) (?:problem|issue)", r"controlled", r"stable", r"strain",
            r"sprain", r"fracture", r"infection",
        ),
        "es": (r"diagnóstic", r"impresión", r"compatible con", r"creo que (?:tiene|es|se trata)", r"parece (?:que|una|un)", r"probablemente", r"se trata de", r"síndrome", r"controlad", r"estable"),
        "ca": (r"diagnòstic", r"impressió", r"compatible amb", r"crec que (?:té|és|es tracta)", r"sembla (?:que|una|un)", r"probablement", r"es tracta d", r"síndrome", r"controlat", r"estable"),
        "fr": (r"diagnostic", r"impression", r"compatible avec", r"je pense que (?:vous avez|c'est|il s'agit)", r"il s'agit", r"ressemble à", r"probablement", r"syndrome", r"contrôlé", r"stable"),
        "pt": (r"diagnóstic", r"impressão", r"compatível com", r"acho que (?:tem|é|se trata)", r"parece (?:que|uma|um)", r"provavelmente", r"trata-se", r"síndrome", r"controlad", r"estável"),
        "de": (r"diagnose", r"verdacht", r"vereinbar mit", r"ich denke,? (?:sie haben|es ist|das ist|es handelt)", r"es handelt sich", r"sieht (?:nach|aus)", r"wahrscheinlich", r"syndrom", r"eingestellt", r"stabil"),
        "it": (r"diagnosi", r"impressione", r"compatibile con", r"penso che (?:lei abbia|sia|si tratti)", r"si tratta", r"sembra (?:che|una|un)", r"probabilmente", r"sindrome", r"controllat", r"stabile"),
    },
    "plan": {
        "en": (
            r"(?:i'm|i am|we're|we are) (?:also |just )?going to", r"i (?:also )?will\b", r"we (?:also )?will\b", r"we'll",
            r"i'll", r"i'd (?:also )?like to", r"i (?:also |really |just )?want (?:you )?to", r"i would (?:also )?like",
            r"keep (?:a |track)", r"let's", r"let us", r"plan", r"prescri", r"order",
            r"refer", r"referral", r"schedule", r"follow[- ]?up", r"come back", r"see you (?:back|in)",
            r"continue", r"start (?:you|on|taking)", r"increase", r"decrease", r"stop (?:taking|the)",
            r"recommend", r"physical therapy", r"you should", r"you need", r"make sure", r"avoid",
            r"in \d+ (?:days?|weeks?|months?)", r"\d+ ?mg", r"twice a day", r"once a day", r"daily",
            r"every \d+ hours", r"refill", r"send (?:you|in)", r"get (?:a|an|some) \w+",
            r"check (?:a |an |some |your |the )?(?:labs?|blood|a1c|levels?|cholesterol|urine|thyroid)",
            r"monitor", r"try (?:taking|using|to)", r"consult", r"appointment", r"counsel", r"encourag", r"advise",
            r"go to the (?:er|emergency)", r"emergency room", r"call (?:us|me|the office|911)", r"let (?:me|us) know if",
            r"hold off", r"remember to",
        ),
        "es": (r"vamos a", r"voy a", r"le (?:voy a|receto|pido|mando|recomiendo)", r"receta", r"pedir", r"solicit", r"deriv", r"control", r"revisión", r"volver", r"vuelva", r"continu", r"seguir", r"empezar", r"aumentar", r"bajar", r"dejar de", r"recomiendo", r"debe", r"tiene que", r"evite", r"cada \d+ horas", r"\d+ ?mg", r"cita", r"fisioterapia"),
        "ca": (r"farem", r"anem a", r"vaig a", r"li (?:receptaré|demano|recomano)", r"recepta", r"demanar", r"sol·licit", r"deriv", r"control", r"revisió", r"tornar", r"torni", r"continu", r"seguir", r"començar", r"augmentar", r"baixar", r"deixar de", r"recomano", r"ha de", r"eviti", r"cada \d+ hores", r"\d+ ?mg", r"cita", r"fisioteràpia"),
        "fr": (r"on va", r"je vais", r"nous allons", r"je vous (?:prescris|prescrit|recommande|conseille|adresse)", r"ordonnance", r"prescri", r"demander", r"adresser", r"contrôle", r"revoir", r"reven", r"dans \d+ jours", r"continu", r"commencer", r"augmenter", r"diminuer", r"arrêter", r"recommande", r"il faut", r"devez", r"évitez", r"toutes les \d+ heures", r"\d+ ?mg", r"rendez-vous", r"kiné"),
        "pt": (r"vamos", r"vou ", r"receit", r"prescrev", r"pedir", r"solicit", r"encaminh", r"referenci", r"controlo", r"controle", r"voltar", r"volte", r"continu", r"começar", r"aumentar", r"diminuir", r"parar de", r"recomendo", r"deve", r"tem de", r"tem que", r"evite", r"de \d+ em \d+ horas", r"\d+ ?mg", r"consulta", r"fisioterapia"),
        "de": (r"wir werden", r"ich werde", r"ich verschreibe", r"notaufnahme", r"verschreib", r"rezept", r"überweis", r"kontroll", r"wiedervorstell", r"wiederkommen", r"kommen sie (?:\w+ )?wieder", r"in \d+ tagen", r"weiter", r"beginnen", r"erhöhen", r"reduzieren", r"absetzen", r"empfehle", r"sollten", r"müssen", r"vermeiden", r"alle \d+ stunden", r"\d+ ?mg", r"termin", r"physiotherapie"),
        "it": (r"faremo", r"vado a", r"le (?:prescrivo|prescriverò|consiglio|richiedo)", r"prescri", r"ricetta", r"richied", r"invi", r"controllo", r"tornare", r"torni", r"continu", r"iniziare", r"aumentare", r"ridurre", r"sospendere", r"consiglio", r"deve", r"evit", r"ogni \d+ ore", r"\d+ ?mg", r"appuntamento", r"fisioterapia"),
    },
    # Dental topics.
    "dental_history": {
        "en": (r"last (?:cleaning|visit|dentist)", r"filling", r"crown", r"root canal", r"braces", r"brush", r"floss", r"grind", r"clench", r"dentist", r"extraction", r"implant"),
        "es": (r"última limpieza", r"empaste", r"corona", r"endodoncia", r"ortodoncia", r"cepill", r"hilo dental", r"rechin", r"aprieto", r"dentista", r"extracción", r"implante"),
        "ca": (r"última neteja", r"empast", r"corona", r"endodòncia", r"ortodòncia", r"raspall", r"fil dental", r"rechin", r"dentista", r"extracció", r"implant"),
        "fr": (r"dernier détartrage", r"plombage", r"obturation", r"couronne", r"dévitalis", r"appareil", r"bross", r"fil dentaire", r"grince", r"serre les dents", r"dentiste", r"extraction", r"implant"),
        "pt": (r"última limpeza", r"obturação", r"restauração", r"coroa", r"desvitaliz", r"canal", r"aparelho", r"escov", r"fio dentário", r"fio dental", r"range", r"dentista", r"extração", r"implante"),
        "de": (r"letzte (?:reinigung|prophylaxe)", r"füllung", r"krone", r"wurzelbehandlung", r"zahnspange", r"putze", r"zahnseide", r"knirsch", r"zahnarzt", r"gezogen", r"implantat"),
        "it": (r"ultima pulizia", r"otturazion", r"corona", r"devitalizz", r"apparecchio", r"spazzol", r"filo interdentale", r"digrign", r"dentista", r"estrazione", r"impianto"),
    },
    "extraoral": {
        "en": (r"extraoral", r"extra-oral", r"tmj", r"temporomandibular", r"jaw joint", r"lymph nodes?", r"face", r"facial", r"lips?\b", r"masseter", r"muscles", r"asymmetr", r"clicking", r"opening"),
        "es": (r"extraoral", r"atm\b", r"articulación", r"ganglios", r"cara", r"labios", r"músculos", r"asimetr", r"chasquido", r"apertura"),
        "ca": (r"extraoral", r"atm\b", r"articulació", r"ganglis", r"cara", r"llavis", r"músculs", r"asimetr", r"clic", r"obertura"),
        "fr": (r"exobuccal", r"atm\b", r"articulation", r"ganglions", r"visage", r"lèvres", r"muscles", r"asymétr", r"claquement", r"ouverture"),
        "pt": (r"extraoral", r"atm\b", r"articulação", r"gânglios", r"face", r"lábios", r"músculos", r"assimetr", r"estalido", r"abertura"),
        "de": (r"extraoral", r"kiefergelenk", r"lymphknoten", r"gesicht", r"lippen", r"muskel", r"asymmetr", r"knacken", r"mundöffnung"),
        "it": (r"extraoral", r"atm\b", r"articolazione", r"linfonodi", r"viso", r"labbra", r"muscoli", r"asimmetr", r"click", r"apertura"),
    },
    "intraoral": {
        "en": (r"intraoral", r"tooth", r"teeth", r"molar", r"premolar", r"bicuspid", r"incisor", r"canine", r"number \d+", r"#\d+", r"crack", r"fracture line", r"cavity", r"cavities", r"caries", r"decay", r"cusp", r"mesial", r"distal", r"occlusal", r"buccal", r"lingual", r"gums?\b", r"gingiva", r"tongue", r"mucosa", r"palate", r"bite", r"occlusion", r"percussion", r"cold test", r"restoration", r"upper (?:left|right)", r"lower (?:left|right)"),
        "es": (r"intraoral", r"diente", r"muela", r"molar", r"premolar", r"incisivo", r"canino", r"pieza \d+", r"fisura", r"grieta", r"caries", r"cúspide", r"mesial", r"distal", r"oclusal", r"encía", r"lengua", r"mucosa", r"paladar", r"mordida", r"percusión", r"frío", r"restauración"),
        "ca": (r"intraoral", r"dent\b", r"queixal", r"molar", r"premolar", r"incisiu", r"ullal", r"peça \d+", r"fissura", r"esquerda", r"càries", r"cúspide", r"mesial", r"distal", r"oclusal", r"geniva", r"llengua", r"mucosa", r"paladar", r"mossegada", r"percussió", r"fred", r"restauració"),
        "fr": (r"endobuccal", r"dent\b", r"dents\b", r"molaire", r"prémolaire", r"incisive", r"canine", r"fissure", r"fêlure", r"carie", r"cuspide", r"mésial", r"distal", r"occlusal", r"gencive", r"langue", r"muqueuse", r"palais", r"occlusion", r"percussion", r"froid", r"restauration"),
        "pt": (r"intraoral", r"dente", r"molar", r"pré-molar", r"incisivo", r"canino", r"fissura", r"trinca", r"fratura", r"cárie", r"cúspide", r"mesial", r"distal", r"oclusal", r"gengiva", r"língua", r"mucosa", r"palato", r"mordida", r"oclusão", r"percussão", r"frio", r"restauração"),
        "de": (r"intraoral", r"zahn", r"zähne", r"molar", r"backenzahn", r"prämolar", r"schneidezahn", r"eckzahn", r"riss", r"sprung", r"karies", r"höcker", r"mesial", r"distal", r"okklusal", r"zahnfleisch", r"zunge", r"schleimhaut", r"gaumen", r"biss", r"okklusion", r"perkussion", r"kälte", r"restauration"),
        "it": (r"intraorale", r"dente", r"denti", r"molare", r"premolare", r"incisivo", r"canino", r"crepa", r"incrinatura", r"frattura", r"carie", r"cuspide", r"mesiale", r"distale", r"occlusale", r"gengiv", r"lingua", r"mucosa", r"palato", r"morso", r"occlusione", r"percussione", r"freddo", r"restauro"),
    },
    "perio": {
        "en": (r"periodont", r"probing", r"pocket", r"\d+ ?(?:mm|millimeters?)\b", r"recession", r"mobility", r"furcation", r"calculus", r"tartar", r"bone loss", r"attachment", r"gingivitis", r"chart"),
        "es": (r"periodont", r"sondaje", r"bolsa", r"\d+ ?(?:mm|milímetros)", r"recesión", r"movilidad", r"furca", r"sarro", r"cálculo", r"pérdida ósea", r"gingivitis"),
        "ca": (r"periodont", r"sondatge", r"bossa", r"\d+ ?(?:mm|mil·límetres)", r"recessió", r"mobilitat", r"furca", r"tosca", r"càlcul", r"pèrdua òssia", r"gingivitis"),
        "fr": (r"parodont", r"sondage", r"poche", r"\d+ ?(?:mm|millimètres)", r"récession", r"mobilité", r"furcation", r"tartre", r"perte osseuse", r"gingivite"),
        "pt": (r"periodont", r"sondagem", r"bolsa", r"\d+ ?(?:mm|milímetros)", r"recessão", r"mobilidade", r"furca", r"tártaro", r"cálculo", r"perda óssea", r"gengivite"),
        "de": (r"parodont", r"sondier", r"tasche", r"\d+ ?(?:mm|millimeter)", r"rezession", r"lockerung", r"beweglichkeit", r"furkation", r"zahnstein", r"knochenabbau", r"gingivitis"),
        "it": (r"parodont", r"sondaggio", r"tasca", r"\d+ ?(?:mm|millimetri)", r"recessione", r"mobilità", r"forcazione", r"tartaro", r"perdita ossea", r"gengivite"),
    },
    "plaque_bleeding": {
        "en": (r"plaque", r"bleed", r"bleeding on probing", r"bop\b", r"inflamed", r"inflammation", r"puffy", r"red gums"),
        "es": (r"placa", r"sangr", r"inflamad", r"inflamación"), "ca": (r"placa", r"sagn", r"inflamat", r"inflamació"),
        "fr": (r"plaque", r"saign", r"inflamm"), "pt": (r"placa", r"sangr", r"inflamad", r"inflamação"),
        "de": (r"plaque", r"belag", r"blut", r"entzünd"), "it": (r"placca", r"sanguin", r"infiamm"),
    },
    "radiograph": {
        "en": (r"x-?rays?", r"radiograph", r"bitewing", r"periapical", r"\bpa\b", r"panoramic", r"pano\b", r"cbct", r"cone beam", r"film"),
        "es": (r"radiograf", r"aleta de mordida", r"periapical", r"panorámica", r"ortopantomograf", r"tac dental"),
        "ca": (r"radiografi", r"aleta de mossegada", r"periapical", r"panoràmica", r"ortopantomograf"),
        "fr": (r"radio", r"bite-?wing", r"rétro-?alvéolaire", r"panoramique", r"cone beam"),
        "pt": (r"radiografi", r"raio-?x", r"bite-?wing", r"interproximal", r"periapical", r"panorâmica", r"ortopantomografia"),
        "de": (r"röntgen", r"bissflügel", r"zahnfilm", r"opg", r"panorama", r"dvt"),
        "it": (r"radiografi", r"bitewing", r"endorale", r"periapicale", r"panoramica", r"ortopanoramica", r"opt\b", r"cone beam"),
    },
    "dental_dx": {
        "en": (r"diagnos", r"cracked tooth", r"fractured", r"caries", r"decay", r"cavity", r"pulpitis", r"abscess", r"gingivitis", r"periodontitis", r"necrotic", r"infection", r"i think (?:it's|this is|you have|that)", r"looks like", r"consistent with", r"irreversible", r"reversible"),
        "es": (r"diagnóstic", r"diente fisurado", r"fractura", r"caries", r"pulpitis", r"absceso", r"gingivitis", r"periodontitis", r"necrosis", r"infección", r"creo que", r"parece"),
        "ca": (r"diagnòstic", r"fissura", r"fractura", r"càries", r"pulpitis", r"abscés", r"gingivitis", r"periodontitis", r"necrosi", r"infecció", r"crec que", r"sembla"),
        "fr": (r"diagnostic", r"fêlure", r"fracture", r"carie", r"pulpite", r"abcès", r"gingivite", r"parodontite", r"nécrose", r"infection", r"je pense", r"semble"),
        "pt": (r"diagnóstic", r"trinca", r"fratura", r"cárie", r"pulpite", r"abcesso", r"gengivite", r"periodontite", r"necrose", r"infeção", r"infecção", r"acho que", r"parece"),
        "de": (r"diagnose", r"riss", r"fraktur", r"karies", r"pulpitis", r"abszess", r"gingivitis", r"parodontitis", r"nekro", r"entzündung", r"ich denke", r"sieht aus"),
        "it": (r"diagnosi", r"incrinat", r"frattura", r"carie", r"pulpite", r"ascesso", r"gengivite", r"parodontite", r"necros", r"infezione", r"penso che", r"sembra"),
    },
    "treatment_plan": {
        "en": (r"crown", r"onlay", r"inlay", r"root canal", r"extract", r"pull (?:the|that|it)", r"implant", r"bridge", r"filling", r"restore", r"recommend", r"option", r"treatment plan", r"refer", r"endodontist", r"periodontist", r"oral surgeon", r"schedule", r"deep cleaning", r"scaling and root planing", r"night ?guard", r"cost", r"insurance"),
        "es": (r"corona", r"incrustación", r"endodoncia", r"extra", r"sacar", r"implante", r"puente", r"empaste", r"restaur", r"recomiendo", r"opción", r"plan de tratamiento", r"deriv", r"endodoncista", r"periodoncista", r"cirujano", r"programar", r"raspado", r"férula", r"presupuesto"),
        "ca": (r"corona", r"incrustació", r"endodòncia", r"extrac", r"treure", r"implant", r"pont", r"empast", r"restaur", r"recomano", r"opció", r"pla de tractament", r"deriv", r"endodoncista", r"periodoncista", r"cirurgià", r"programar", r"raspat", r"fèrula", r"pressupost"),
        "fr": (r"couronne", r"onlay", r"inlay", r"dévitalis", r"traitement de canal", r"extraction", r"extraire", r"implant", r"bridge", r"obturation", r"restaur", r"recommande", r"option", r"plan de traitement", r"adresser", r"endodontiste", r"parodontiste", r"chirurgien", r"programmer", r"surfaçage", r"gouttière", r"devis"),
        "pt": (r"coroa", r"onlay", r"inlay", r"desvitaliz", r"tratamento de canal", r"extra", r"tirar", r"implante", r"ponte", r"obtura", r"restaur", r"recomendo", r"opção", r"plano de tratamento", r"encaminh", r"endodontista", r"periodontista", r"cirurgião", r"agendar", r"raspagem", r"goteira", r"placa de bruxismo", r"orçamento"),
        "de": (r"krone", r"onlay", r"inlay", r"wurzelbehandlung", r"extrah", r"ziehen", r"implantat", r"brücke", r"füllung", r"versorg", r"empfehle", r"option", r"behandlungsplan", r"überweis", r"endodontolog", r"parodontolog", r"chirurg", r"termin", r"kürettage", r"aufbissschiene", r"kostenvoranschlag", r"heil- und kostenplan"),
        "it": (r"corona", r"intarsio", r"onlay", r"devitalizz", r"estra", r"togliere", r"impianto", r"ponte", r"otturazion", r"restaur", r"consiglio", r"opzion", r"piano di trattamento", r"invi", r"endodontista", r"parodontologo", r"chirurgo", r"programm", r"levigatura", r"bite\b", r"preventivo"),
    },
    "procedure": {
        "en": (r"(?:we|i) (?:did|performed|removed|placed|cleaned|prepared|scaled|polished|applied|filled|took out|extracted)", r"today (?:we|i)", r"scaling", r"root planing", r"polish", r"prophy", r"fluoride", r"varnish", r"sealant", r"cleaning", r"prep", r"remov(?:e|ed|ing) (?:the )?decay", r"isolat", r"rubber dam", r"etch", r"cur(?:e|ed|ing) light", r"extract", r"suture", r"impression", r"scan(?:ned)?", r"temporary crown"),
        "es": (r"hemos (?:hecho|realizado|quitado|colocado|limpiado|pulido|aplicado)", r"hoy (?:hemos|vamos)", r"tartrectomía", r"limpieza", r"raspado", r"pulido", r"flúor", r"barniz", r"sellador", r"preparación", r"aislamiento", r"dique", r"grabado", r"fotopolimeriz", r"extracción", r"sutura", r"impresión", r"provisional"),
        "ca": (r"hem (?:fet|realitzat|tret|col·locat|netejat|polit|aplicat)", r"avui (?:hem|farem)", r"tartrectomia", r"neteja", r"raspat", r"polit", r"fluor", r"vernís", r"segellador", r"preparació", r"aïllament", r"dic de goma", r"gravat", r"fotopolimeritz", r"extracció", r"sutura", r"impressió", r"provisional"),
        "fr": (r"(?:nous avons|j'ai) (?:fait|réalisé|retiré|posé|nettoyé|poli|appliqué)", r"aujourd'hui", r"détartrage", r"surfaçage", r"polissage", r"fluor", r"vernis", r"scellement", r"préparation", r"digue", r"mordançage", r"photopolymér", r"extraction", r"suture", r"empreinte", r"provisoire"),
        "pt": (r"(?:fizemos|realizámos|realizamos|removemos|colocámos|colocamos|limpámos|polimos|aplicámos|aplicamos)", r"hoje (?:fizemos|vamos)", r"destartarização", r"raspagem", r"limpeza", r"polimento", r"flúor", r"verniz", r"selante", r"preparo", r"preparação", r"isolamento", r"dique", r"condicionamento ácido", r"fotopolimeriz", r"extração", r"sutura", r"impressão", r"moldagem", r"provisóri"),
        "de": (r"(?:wir haben|ich habe) (?:\w+ )*(?:gemacht|durchgeführt|entfernt|gelegt|gereinigt|poliert|aufgetragen|präpariert|gezogen)", r"heute", r"zahnsteinentfernung", r"professionelle zahnreinigung", r"kürettage", r"politur", r"fluorid", r"lack", r"versiegelung", r"präparation", r"kofferdam", r"ätz", r"lichthärt", r"extraktion", r"naht", r"abdruck", r"provisori"),
        "it": (r"(?:abbiamo|ho) (?:fatto|eseguito|rimosso|posizionato|pulito|lucidato|applicato|preparato|estratto)", r"oggi (?:abbiamo|facciamo)", r"ablazione del tartaro", r"detartrasi", r"levigatura", r"lucidatura", r"fluoro", r"vernice", r"sigillatura", r"preparazione", r"diga", r"mordenzatura", r"fotopolimerizz", r"estrazione", r"sutura", r"impronta", r"provvisori"),
    },
    "anaesthesia": {
        "en": (r"lidocaine", r"articaine", r"septocaine", r"mepivacaine", r"carbocaine", r"bupivacaine", r"prilocaine", r"epinephrine", r"epi\b", r"carpules?", r"cartridges?", r"anesthe", r"anaesthe", r"numb(?:ing)?\b", r"block", r"infiltration", r"topical", r"injection", r"shot"),
        "es": (r"lidocaína", r"articaína", r"mepivacaína", r"epinefrina", r"adrenalina", r"carpule", r"cartucho", r"anestesi", r"dormir la zona", r"bloqueo", r"infiltración", r"tópic", r"pinchazo"),
        "ca": (r"lidocaïna", r"articaïna", r"mepivacaïna", r"epinefrina", r"adrenalina", r"carpule", r"cartutx", r"anestèsi", r"anestesi", r"bloqueig", r"infiltració", r"tòpic", r"punxada"),
        "fr": (r"lidocaïne", r"articaïne", r"mépivacaïne", r"adrénaline", r"épinéphrine", r"carpule", r"cartouche", r"anesthési", r"endormir", r"bloc", r"tronculaire", r"infiltration", r"piqûre"),
        "pt": (r"lidocaína", r"articaína", r"mepivacaína", r"epinefrina", r"adrenalina", r"carpule", r"tubete", r"anestesi", r"bloqueio", r"infiltração", r"tópic", r"picada"),
        "de": (r"lidocain", r"articain", r"ultracain", r"mepivacain", r"adrenalin", r"epinephrin", r"karpule", r"zylinderampulle", r"anästhe", r"betäub", r"leitungsanästhesie", r"infiltration", r"spritze"),
        "it": (r"lidocaina", r"articaina", r"mepivacaina", r"adrenalina", r"epinefrina", r"tubofiala", r"carpule", r"anestesi", r"addormentare", r"tronculare", r"plessica", r"infiltrazione", r"puntura"),
    },
    "materials": {
        "en": (r"composite", r"amalgam", r"resin", r"glass ionomer", r"liner", r"base\b", r"bond", r"bonding", r"etch", r"shade", r"a\d\b", r"zirconia", r"porcelain", r"e\.?max", r"ceramic", r"cement", r"gutta percha", r"calcium hydroxide", r"mta\b", r"temporary (?:material|filling)", r"material"),
        "es": (r"composite", r"resina", r"amalgama", r"ionómero", r"base", r"adhesivo", r"grabado", r"color", r"tono", r"circonio", r"zirconio", r"porcelana", r"cerámica", r"cemento", r"gutapercha", r"hidróxido de calcio", r"material"),
        "ca": (r"composite", r"resina", r"amalgama", r"ionòmer", r"base", r"adhesiu", r"gravat", r"color", r"to\b", r"zirconi", r"porcellana", r"ceràmica", r"ciment", r"gutaperxa", r"hidròxid de calci", r"material"),
        "fr": (r"composite", r"résine", r"amalgame", r"verre ionomère", r"fond de cavité", r"adhésif", r"mordançage", r"teinte", r"zircone", r"céramique", r"porcelaine", r"ciment", r"gutta", r"hydroxyde de calcium", r"matériau"),
        "pt": (r"compósito", r"resina", r"amálgama", r"ionómero", r"ionômero", r"base", r"adesivo", r"condicionamento", r"cor\b", r"zircónia", r"zircônia", r"porcelana", r"cerâmica", r"cimento", r"guta", r"hidróxido de cálcio", r"material"),
        "de": (r"komposit", r"kunststoff", r"amalgam", r"glasionomer", r"unterfüllung", r"adhäsiv", r"bonding", r"farbe", r"zirkon", r"keramik", r"porzellan", r"zement", r"guttapercha", r"calciumhydroxid", r"material"),
        "it": (r"composito", r"resina", r"amalgama", r"vetroionomero", r"sottofondo", r"adesivo", r"mordenzante", r"colore", r"zirconi", r"ceramica", r"porcellana", r"cemento", r"guttaperca", r"idrossido di calcio", r"materiale"),
    },
    "postop": {
        "en": (r"numbness (?:will|should)", r"wear off", r"don't eat", r"do not eat", r"avoid (?:eating|chewing|hot|hard|sticky)", r"chew on the other side", r"sensitiv", r"sore for", r"take (?:ibuprofen|advil|tylenol|motrin)", r"ibuprofen", r"acetaminophen", r"ice", r"rinse", r"salt water", r"call (?:us|me|the office)", r"if (?:you have|there is|it)", r"bleeding", r"gauze", r"spit", r"straw", r"hours?"),
        "es": (r"se (?:le )?pasará", r"no com[ae]", r"evite (?:comer|masticar|alimentos)", r"mastique por el otro lado", r"sensibilidad", r"ibuprofeno", r"paracetamol", r"hielo", r"enjuag", r"agua con sal", r"llám", r"si (?:tiene|nota)", r"gasa", r"escupir", r"pajita", r"horas"),
        "ca": (r"passarà", r"no mengi", r"eviti (?:menjar|mastegar)", r"mastegui per l'altre costat", r"sensibilitat", r"ibuprofè", r"paracetamol", r"gel\b", r"esbandi", r"aigua amb sal", r"truqui", r"si (?:té|nota)", r"gasa", r"escopir", r"palleta", r"hores"),
        "fr": (r"l'anesthésie va", r"ne mangez pas", r"évitez (?:de manger|de mâcher|les aliments)", r"mâchez de l'autre côté", r"sensibilit", r"ibuprofène", r"paracétamol", r"glace", r"rinc", r"eau salée", r"appelez", r"si vous (?:avez|remarquez)", r"compresse", r"cracher", r"paille", r"heures"),
        "pt": (r"vai passar", r"não coma", r"evite (?:comer|mastigar|alimentos)", r"mastigue do outro lado", r"sensibilidade", r"ibuprofeno", r"paracetamol", r"gelo", r"bochech", r"água com sal", r"ligue", r"se (?:tiver|notar)", r"gaze", r"cuspir", r"palhinha", r"canudo", r"horas"),
        "de": (r"betäubung (?:lässt|wird)", r"nicht essen", r"vermeiden sie (?:essen|kauen|heiße|harte)", r"auf der anderen seite kauen", r"empfindlich", r"ibuprofen", r"paracetamol", r"kühlen", r"spülen", r"salzwasser", r"rufen sie", r"falls", r"wenn sie", r"tupfer", r"strohhalm", r"stunden"),
        "it": (r"passerà", r"non mangi", r"eviti (?:di mangiare|di masticare|cibi)", r"mastichi dall'altro lato", r"sensibilit", r"ibuprofene", r"paracetamolo", r"ghiaccio", r"sciacqu", r"acqua e sale", r"chiami", r"se (?:ha|nota)", r"garza", r"sputare", r"cannuccia", r"ore\b"),
    },
    "next_visit": {
        "en": (r"next (?:visit|appointment|time|week)", r"come back", r"see you (?:back|in|next)", r"in \d+ (?:days?|weeks?|months?)", r"recall", r"six months", r"follow[- ]?up", r"schedule", r"return"),
        "es": (r"próxima (?:cita|visita|vez)", r"vuelva", r"volver", r"nos vemos", r"en \d+ (?:días|semanas|meses)", r"dentro de", r"seis meses", r"revisión", r"control", r"programar"),
        "ca": (r"propera (?:cita|visita|vegada)", r"torni", r"tornar", r"ens veiem", r"d'aquí a", r"en \d+ (?:dies|setmanes|mesos)", r"sis mesos", r"revisió", r"control", r"programar"),
        "fr": (r"prochain (?:rendez-vous|rdv)", r"prochaine (?:séance|visite|fois)", r"revenir", r"revenez", r"on se revoit", r"dans \d+ (?:jours|semaines|mois)", r"six mois", r"contrôle", r"rappel"),
        "pt": (r"próxima (?:consulta|visita|vez)", r"volte", r"voltar", r"vemo-nos", r"daqui a", r"em \d+ (?:dias|semanas|meses)", r"seis meses", r"revisão", r"controlo", r"controle", r"marcar"),
        "de": (r"nächste(?:n|r)? (?:termin|sitzung|mal|woche)", r"wiederkommen", r"wiedersehen", r"in \d+ (?:tagen|wochen|monaten)", r"sechs monaten", r"recall", r"kontrolle", r"termin"),
        "it": (r"prossim[oa] (?:appuntamento|visita|seduta|volta)", r"torni", r"tornare", r"ci vediamo", r"tra \d+ (?:giorni|settimane|mesi)", r"sei mesi", r"richiamo", r"controllo"),
    },
    "ohi": {
        "en": (r"brush", r"floss", r"interdental", r"water ?pik", r"water flosser", r"mouthwash", r"mouth rinse", r"electric toothbrush", r"toothpaste", r"sensodyne", r"twice a day", r"sugar", r"snack", r"soda"),
        "es": (r"cepill", r"hilo dental", r"seda dental", r"interdental", r"irrigador", r"colutorio", r"enjuague", r"cepillo eléctrico", r"pasta de dientes", r"dentífrico", r"azúcar", r"refrescos"),
        "ca": (r"raspall", r"fil dental", r"interdental", r"irrigador", r"col·lutori", r"esbandida", r"raspall elèctric", r"pasta de dents", r"dentífric", r"sucre", r"refrescos"),
        "fr": (r"bross", r"fil dentaire", r"brossettes", r"interdentaire", r"hydropulseur", r"bain de bouche", r"brosse à dents électrique", r"dentifrice", r"sucre", r"grignot", r"soda"),
        "pt": (r"escov", r"fio dentário", r"fio dental", r"interdentário", r"irrigador", r"elixir", r"colutório", r"enxaguante", r"escova elétrica", r"pasta de dentes", r"creme dental", r"dentífrico", r"açúcar", r"refrigerante"),
        "de": (r"putz", r"zahnbürste", r"zahnseide", r"interdental", r"munddusche", r"mundspül", r"elektrische zahnbürste", r"zahnpasta", r"zucker", r"zwischenmahlzeit", r"limonade"),
        "it": (r"spazzol", r"filo interdentale", r"scovolino", r"idropulsore", r"collutorio", r"spazzolino elettrico", r"dentifricio", r"zucchero", r"spuntini", r"bibite"),
    },
    # Behavioural-health topics.
    "behavior": {
        "en": (r"feel", r"felt", r"feeling", r"mood", r"sad", r"down", r"depress", r"anxi", r"worr", r"panic", r"angry", r"anger", r"irritab", r"stress", r"overwhelm", r"sleep", r"cry", r"lonely", r"hopeless", r"motivat", r"drink", r"using", r"argu", r"fight", r"isolat", r"appetite", r"energy", r"this week", r"lately"),
        "es": (r"me siento", r"sentí", r"ánimo", r"triste", r"deprim", r"ansi", r"preocup", r"pánico", r"enfad", r"irritab", r"estrés", r"agobi", r"dormir", r"duermo", r"llor", r"sol[oa]\b", r"motivaci", r"energía", r"esta semana", r"últimamente"),
        "ca": (r"em sento", r"ànim", r"trist", r"deprim", r"ansi", r"preocup", r"pànic", r"enfad", r"irritab", r"estrès", r"dormir", r"dormo", r"plor", r"sol[a]?\b", r"motivaci", r"energia", r"aquesta setmana", r"últimament"),
        "fr": (r"je me sens", r"humeur", r"triste", r"déprim", r"anxi", r"angoiss", r"inquiet", r"panique", r"colère", r"irritab", r"stress", r"débordé", r"dormir", r"dors", r"pleur", r"seul", r"motivation", r"énergie", r"cette semaine", r"ces derniers temps"),
        "pt": (r"sinto-me", r"me sinto", r"humor", r"triste", r"deprimid", r"ansi", r"preocup", r"pânico", r"raiva", r"irritab", r"stress", r"estresse", r"dormir", r"durmo", r"chor", r"sozinh", r"motivação", r"energia", r"esta semana", r"ultimamente"),
        "de": (r"ich fühle", r"fühle mich", r"stimmung", r"traurig", r"depressiv", r"angst", r"sorgen", r"panik", r"wut", r"gereizt", r"stress", r"überfordert", r"schlafe", r"schlaf", r"weine", r"einsam", r"motivation", r"energie", r"diese woche", r"in letzter zeit"),
        "it": (r"mi sento", r"umore", r"triste", r"depress", r"ansi", r"preoccup", r"panico", r"rabbia", r"irritab", r"stress", r"sopraffatt", r"dormire", r"dormo", r"piang", r"sol[oa]\b", r"motivazione", r"energia", r"questa settimana", r"ultimamente"),
    },
    "intervention": {
        "en": (r"let's (?:practice|try|talk|work|explore|look)", r"we (?:practiced|talked|discussed|explored|worked|reviewed|went over)", r"technique", r"breathing", r"grounding", r"mindfulness", r"cbt", r"cognitive", r"reframe", r"thought record", r"coping", r"skill", r"exercise", r"homework", r"validate", r"psychoeducation", r"role[- ]play", r"i (?:want|'d like) (?:you )?to (?:try|practice|notice)", r"what if you", r"when you notice", r"safety plan"),
        "es": (r"vamos a (?:practicar|probar|hablar|trabajar)", r"hemos (?:practicado|hablado|trabajado|revisado)", r"técnica", r"respiración", r"mindfulness", r"atención plena", r"cognitiv", r"reestructura", r"registro de pensamientos", r"afrontamiento", r"habilidad", r"ejercicio", r"tarea", r"psicoeducación", r"plan de seguridad"),
        "ca": (r"practicarem", r"provarem", r"hem (?:practicat|parlat|treballat|revisat)", r"tècnica", r"respiració", r"mindfulness", r"cognitiv", r"reestructura", r"registre de pensaments", r"afrontament", r"habilitat", r"exercici", r"tasca", r"psicoeducació", r"pla de seguretat"),
        "fr": (r"on va (?:pratiquer|essayer|parler|travailler)", r"nous avons (?:pratiqué|parlé|travaillé|revu)", r"technique", r"respiration", r"pleine conscience", r"cognitiv", r"restructuration", r"pensées", r"stratégies", r"compétence", r"exercice", r"devoir", r"psychoéducation", r"plan de sécurité"),
        "pt": (r"vamos (?:praticar|tentar|falar|trabalhar)", r"(?:praticámos|praticamos|falámos|falamos|trabalhámos|trabalhamos|revimos)", r"técnica", r"respiração", r"mindfulness", r"atenção plena", r"cognitiv", r"reestrutura", r"registo de pensamentos", r"registro de pensamentos", r"estratégias", r"habilidade", r"exercício", r"tarefa", r"psicoeducação", r"plano de segurança"),
        "de": (r"lassen sie uns (?:üben|versuchen|sprechen)", r"wir haben (?:geübt|gesprochen|gearbeitet|besprochen)", r"technik", r"atem", r"achtsamkeit", r"kognitiv", r"umdeut", r"gedankenprotokoll", r"bewältigung", r"fertigkeit", r"übung", r"hausaufgabe", r"psychoedukation", r"notfallplan", r"sicherheitsplan"),
        "it": (r"proviamo", r"pratichiamo", r"abbiamo (?:praticato|parlato|lavorato|rivisto)", r"tecnica", r"respirazione", r"mindfulness", r"consapevolezza", r"cognitiv", r"ristruttura", r"diario dei pensieri", r"strategie", r"abilità", r"esercizio", r"compito", r"psicoeducazione", r"piano di sicurezza"),
    },
    "response": {
        "en": (r"that (?:helps|helped|makes sense|sounds)", r"i (?:can|will|'ll) try", r"i(?:'ll| will) (?:try|do|practice|work)", r"i think i can", r"i feel (?:better|calmer|more)", r"it (?:helps|helped|worked)", r"i didn't (?:realize|think)", r"i never thought", r"good idea", r"i like that", r"i'm willing", r"worth a try"),
        "es": (r"eso (?:me )?ayuda", r"tiene sentido", r"lo intentaré", r"lo voy a intentar", r"me siento mejor", r"me ha ayudado", r"no me había dado cuenta", r"buena idea", r"me gusta"),
        "ca": (r"això (?:m')?ajuda", r"té sentit", r"ho intentaré", r"ho provaré", r"em sento millor", r"m'ha ajudat", r"no me n'havia adonat", r"bona idea", r"m'agrada"),
        "fr": (r"ça (?:m')?aide", r"c'est logique", r"ça a du sens", r"je vais essayer", r"j'essaierai", r"je me sens mieux", r"ça m'a aidé", r"je n'avais pas réalisé", r"bonne idée", r"ça me plaît"),
        "pt": (r"isso (?:me )?ajuda", r"faz sentido", r"vou tentar", r"sinto-me melhor", r"me sinto melhor", r"ajudou", r"não tinha percebido", r"boa ideia", r"gosto disso"),
        "de": (r"das hilft", r"das ergibt sinn", r"macht sinn", r"ich (?:werde|will) (?:es )?versuchen", r"probiere", r"ich fühle mich besser", r"hat geholfen", r"war mir nicht bewusst", r"gute idee", r"gefällt mir"),
        "it": (r"mi aiuta", r"ha senso", r"ci proverò", r"proverò", r"mi sento meglio", r"mi ha aiutato", r"non me ne ero reso conto", r"buona idea", r"mi piace"),
    },
    "goals": {
        "en": (r"goal", r"i want to", r"i'd like to", r"i would like to", r"work(?:ing)? on", r"hope to", r"trying to", r"my aim", r"be able to", r"objective"),
        "es": (r"objetivo", r"meta", r"quiero", r"me gustaría", r"trabajar en", r"espero", r"intento", r"poder"),
        "ca": (r"objectiu", r"meta", r"vull", r"m'agradaria", r"treballar en", r"espero", r"intento", r"poder"),
        "fr": (r"objectif", r"but\b", r"je veux", r"je voudrais", r"j'aimerais", r"travailler sur", r"j'espère", r"j'essaie", r"pouvoir"),
        "pt": (r"objetivo", r"meta", r"quero", r"gostaria", r"trabalhar em", r"espero", r"tento", r"conseguir"),
        "de": (r"ziel", r"ich möchte", r"ich will", r"arbeiten an", r"ich hoffe", r"ich versuche", r"können"),
        "it": (r"obiettiv", r"scopo", r"voglio", r"vorrei", r"lavorare su", r"spero", r"cerco di", r"riuscire"),
    },
}

# Who usually says what: weight by speaker for each topic (clinician, patient,
# other). A patient restating the plan or a clinician summarising history
# still counts, just less.
_TOPIC_SPEAKER_WEIGHT: dict[str, tuple[float, float, float]] = {
    "hpi": (0.4, 1.0, 0.8),
    "pmh": (0.8, 1.0, 0.8),
    "meds": (0.8, 1.0, 0.8),
    "allergies": (1.0, 1.0, 1.0),
    "social": (0.3, 1.0, 0.8),
    "exam": (1.0, 0.1, 0.2),
    "results": (1.0, 0.4, 0.4),
    "assessment": (1.0, 0.1, 0.2),
    "plan": (1.0, 0.2, 0.3),
    "dental_history": (0.6, 1.0, 0.8),
    "extraoral": (1.0, 0.2, 0.2),
    "intraoral": (1.0, 0.5, 0.3),
    "perio": (1.0, 0.2, 0.2),
    "plaque_bleeding": (1.0, 0.6, 0.3),
    "radiograph": (1.0, 0.2, 0.2),
    "dental_dx": (1.0, 0.1, 0.1),
    "treatment_plan": (1.0, 0.2, 0.2),
    "procedure": (1.0, 0.1, 0.1),
    "anaesthesia": (1.0, 0.2, 0.1),
    "materials": (1.0, 0.1, 0.1),
    "postop": (1.0, 0.1, 0.2),
    "next_visit": (1.0, 0.3, 0.3),
    "ohi": (1.0, 0.5, 0.3),
    "behavior": (0.3, 1.0, 0.8),
    "intervention": (1.0, 0.1, 0.1),
    "response": (0.2, 1.0, 0.6),
    "goals": (0.6, 1.0, 0.6),
}

# Built-in section key -> topics it collects, most specific first.
# "cc" and "ros" are derived (not sentence topics).
_SECTION_TOPICS: dict[str, tuple[str, ...]] = {
    "chief_complaint": ("cc",),
    "history_of_present_illness": ("hpi",),
    "past_medical_history": ("pmh",),
    "medications": ("meds",),
    "allergies": ("allergies",),
    "social_history": ("social",),
    "review_of_systems": ("ros",),
    "physical_examination": ("exam",),
    "results": ("results",),
    "assessment": ("assessment",),
    "plan": ("plan",),
    "subjective": ("cc", "hpi", "pmh", "meds", "allergies", "social", "ros"),
    "objective": ("exam", "results"),
    "behavior": ("behavior", "hpi"),
    "intervention": ("intervention",),
    "response": ("response",),
    "data": ("behavior", "hpi", "exam"),
    "goals": ("goals",),
    "medical_dental_history": ("pmh", "meds", "allergies", "dental_history"),
    "extraoral_exam": ("extraoral",),
    "intraoral_exam": ("intraoral",),
    "periodontal_charting": ("perio",),
    "radiographs": ("radiograph",),
    "diagnosis": ("dental_dx",),
    "treatment_plan": ("treatment_plan",),
    "medical_history_update": ("pmh", "meds", "allergies", "hpi"),
    "periodontal_assessment": ("perio",),
    "plaque_bleeding": ("plaque_bleeding",),
    "procedure_performed": ("procedure", "anaesthesia"),
    "oral_hygiene_instructions": ("ohi",),
    "recall": ("next_visit",),
    "procedure": ("procedure",),
    "anaesthesia": ("anaesthesia",),
    "materials": ("materials",),
    "post_op_instructions": ("postop",),
    "next_visit": ("next_visit",),
}

# Words describing each topic, used to route *custom* template sections
# (matched against the section key, all headings and the guidance).
_TOPIC_DESCRIPTORS: dict[str, tuple[str, ...]] = {
    "cc": ("chief", "complaint", "reason", "motivo", "motiu", "motif", "queixa", "vorstellungsgrund", "beschwerde", "hauptbeschwerde", "cc"),
    "hpi": ("present", "illness", "hpi", "symptom", "symptoms", "history", "subjective", "complaint", "enfermedad", "malaltia", "maladie", "doença", "anamnese", "anamnesi", "anamnesis", "síntomas", "símptomes", "symptômes", "sintomas", "beschwerden", "sintomi"),
    "pmh": ("past", "medical", "history", "pmh", "antecedentes", "antecedents", "antécédents", "vorerkrankungen", "remota", "comorbidities", "conditions", "surgical", "surgeries", "family"),
    "meds": ("medication", "medications", "meds", "drugs", "prescriptions", "medicación", "medicació", "médicaments", "traitement", "medicação", "medikation", "medikamente", "farmaci", "terapia"),
    "allergies": ("allergy", "allergies", "alergias", "al·lèrgies", "allergien", "allergie"),
    "social": ("social", "lifestyle", "habits", "occupation", "tobacco", "alcohol", "hábitos", "hàbits", "mode", "vie", "sozialanamnese"),
    "ros": ("review", "systems", "ros", "sistemas", "aparatos", "aparells", "systèmes", "sistemas", "systemanamnese", "apparati"),
    "exam": ("physical", "exam", "examination", "objective", "findings", "vitals", "vital", "exploración", "exploració", "examen", "exame", "untersuchung", "befund", "esame", "obiettivo"),
    "results": ("results", "labs", "laboratory", "imaging", "tests", "investigations", "resultados", "pruebas", "proves", "examens", "complementarias", "exames", "befunde", "esami", "diagnostici"),
    "assessment": ("assessment", "impression", "diagnosis", "diagnoses", "problems", "evaluación", "juicio", "judici", "avaluació", "diagnostic", "évaluation", "avaliação", "beurteilung", "diagnose", "valutazione", "diagnosi"),
    "plan": ("plan", "treatment", "management", "recommendations", "orders", "follow", "disposition", "next", "steps", "pla", "plano", "piano", "procedere", "prozedere", "conduite", "tratamiento", "tratamento", "behandlung", "instructions"),
    "dental_history": ("dental", "odontológicos", "odontològics", "dentaires", "dentários", "zahnärztliche", "odontoiatrica"),
    "extraoral": ("extraoral", "exobuccal", "extraorale", "extraoraler", "tmj"),
    "intraoral": ("intraoral", "endobuccal", "intraorale", "intraoraler", "teeth", "tooth", "odontogram", "odontograma"),
    "perio": ("periodontal", "perio", "probing", "charting", "periodontograma", "parodontal", "parodontale", "parodontaler", "parodontalstatus", "sondaggio"),
    "plaque_bleeding": ("plaque", "bleeding", "placa", "sangrado", "sagnat", "saignement", "sangramento", "blutung", "placca", "sanguinamento"),
    "radiograph": ("radiograph", "radiographs", "xray", "xrays", "x-ray", "radiografías", "radiografies", "radiographies", "radiografias", "röntgenbefund", "röntgen", "radiografie"),
    "dental_dx": ("diagnosis", "diagnóstico", "diagnòstic", "diagnostic", "diagnose", "diagnosi"),
    "treatment_plan": ("treatment", "plan", "tratamiento", "tractament", "traitement", "tratamento", "behandlungsplan", "trattamento"),
    "procedure": ("procedure", "performed", "procedimiento", "procediment", "soins", "acte", "procedimento", "behandlung", "procedura"),
    "anaesthesia": ("anaesthesia", "anesthesia", "anesthetic", "anestesia", "anestèsia", "anesthésie", "anästhesie"),
    "materials": ("materials", "material", "materiales", "matériaux", "materiais", "materialien", "materiali"),
    "postop": ("post-operative", "postoperative", "post-op", "postop", "aftercare", "postoperatorias", "postoperatòries", "postopératoires", "pós-operatórias", "postoperative", "post-operatorie"),
    "next_visit": ("next", "visit", "appointment", "recall", "return", "cita", "visita", "rendez-vous", "consulta", "termin", "appuntamento", "richiamo"),
    "ohi": ("hygiene", "oral", "instructions", "higiene", "hygiène", "mundhygiene", "igiene"),
    "behavior": ("behavior", "behaviour", "presentation", "mood", "comportamiento", "comportament", "comportement", "comportamento", "verhalten"),
    "intervention": ("intervention", "interventions", "intervención", "intervenció", "intervenção", "intervento", "techniques"),
    "response": ("response", "respuesta", "resposta", "réponse", "reaktion", "risposta", "progress"),
    "goals": ("goals", "goal", "objectives", "objetivos", "objectius", "objectifs", "ziele", "obiettivi"),
}

# Stop-words used for transcript-language detection and content-word tests.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and you i to a of it is that in have my for was with your on this what do are be not but so we just me it's i'm okay yeah any or been i've don't has had".split()),
    "es": frozenset("el la de que y en los las un una es por con para no me lo se del al muy pero usted tengo está hace".split()),
    "ca": frozenset("el la de que i en els les un una és per amb no em ho es del al molt però vostè tinc està fa".split()),
    "fr": frozenset("le la les de des et en un une est pour avec pas je vous il ce que qui du au très mais ai avez".split()),
    "pt": frozenset("o a os as de que e em um uma é por com para não me se do da ao muito mas você tenho está no na nos nas às dos das".split()),
    "de": frozenset("der die das und ich sie ist nicht ein eine zu mit es den dem auch auf haben wir was seit habe".split()),
    "it": frozenset("il la lo le di che e in un una è per con non mi si del della al molto ma lei ho sono ha".split()),
}

# Localized connective words.
_SAYS: dict[str, str] = {"en": "Says", "es": "Dice", "ca": "Diu", "fr": "Dit", "pt": "Diz", "de": "Sagt", "it": "Dice"}
_POSTPOSED_NEG_ANY = re.compile(
    r"[^\W\d_]\s+(?:no|não|non|nicht|pas)\s*(?:[,.;]|$|(?:pero|però|mas|mais|aber|ma|but)\b)", re.I
)
_ASKED: dict[str, str] = {"en": "asked", "es": "pregunta", "ca": "pregunta", "fr": "question", "pt": "pergunta", "de": "Frage", "it": "domanda"}
_REPORTS: dict[str, str] = {"en": "Reports", "es": "Refiere", "ca": "Refereix", "fr": "Rapporte", "pt": "Refere", "de": "Berichtet", "it": "Riferisce"}
_DENIES: dict[str, str] = {"en": "Denies", "es": "Niega", "ca": "Nega", "fr": "Nie", "pt": "Nega", "de": "Verneint", "it": "Nega"}

_NUMBER_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_UNIT_AFTER_ONE = re.compile(
    r"^(?:mg|mcg|ml|units?|days?|weeks?|months?|years?|hours?|minutes?|times?|tablets?|pills?|"
    r"packs?|drinks?|beers?|glasses?|cups?|pounds?|kilos?|percent|cm|mm|inch(?:es)?|out|to|or|and|"
    r"puffs?|carpules?|cartridges?|night|week|month|day|year)\b"
)

# English verbs whose third person singular is irregular or that must not
# be changed when the subject changes from I/you to he/she.
_THIRD_PERSON: dict[str, str] = {
    "am": "is", "are": "is", "'m": "is", "'re": "is", "was": "was", "were": "was",
    "have": "has", "'ve": "has", "do": "does", "don't": "does not", "go": "goes",
    "haven't": "has not", "aren't": "is not", "weren't": "was not", "wasn't": "was not",
    "'ll": "will", "'d": "would",
}
_KEEP_VERB = frozenset(
    "can could will would should might must may did didn't can't couldn't won't wouldn't shouldn't "
    "had hadn't used went got took felt saw fell thought came made said told woke ate drank ran broke "
    "found gave kept left lost put slept knew began became bought brought heard meant paid sat stood "
    "spent sent wore wrote hurt quit cut hit let set read began forgot understood bit shut spit split spread "
    "cost beat bled led fed met stuck struck threw lay laid rode drove flew grew hung held lit shook spoke "
    "stole swore taught tore won did".split()
)
_NOT_VERBS = frozenset(
    "and or but all guys both too as in on at for with so the a an to not never no "
    "two three here there".split()
)
_SUBJECT_VERBS = frozenset(
    "can can't could couldn't will won't would wouldn't should shouldn't may might must "
    "have haven't had hadn't has are aren't were weren't was do don't did didn't need "
    "take feel get go want know see said told mentioned noticed also still just really "
    "seem look sound guys".split()
)
_ADVERBS = frozenset(
    "just also really still usually always never often sometimes actually definitely only even "
    "already probably mostly generally normally typically rarely hardly barely mainly certainly "
    "finally recently occasionally constantly".split()
)


@dataclass
class _Sentence:
    """A cleaned sentence of the conversation with its routing features."""

    idx: int
    turn: int
    speaker: int
    text: str  # cleaned, original language
    is_question: bool
    answer_polarity: int = 0  # +1 yes / -1 no / 0 unknown, for patient answers
    question: "_Sentence | None" = None  # question this sentence answers
    scores: dict[str, float] = field(default_factory=dict)
    # Note-style text built from a yes/no exchange ("Denies chest pain."),
    # used instead of ``text`` when set.
    derived: str = ""
    # ``derived`` is a complete line (answer with its question), used as is.
    derived_raw: bool = False
    # False when another sentence writes this one's content in the note.
    render: bool = True
    # The answer's no is a determiner ("no nausea", "kein Fieber"): it covers
    # only the symptoms the answer names, not the others asked about.
    polarity_named_only: bool = False
    # The clinician question the turn of this sentence answers (any sentence
    # of the answer turn; ``question`` is set on its first sentence only).
    asked: "_Sentence | None" = None
    # A second turn whose words the sentence also rests on (the question a
    # short answer completes), for the note's evidence.
    extra_turns: tuple[int, ...] = ()


# ---------------------------------------------------------------------------
# Engine
# ---------------------------------------------------------------------------


class OfflineNoteEngine:
    """Rule-based note engine that runs without network or models.

    Deterministic: the same turns, template and language always give the
    same ``NoteResult``. ``generate`` never raises for well-formed input; an
    empty conversation yields a note whose sections are all "Not discussed.".
    """

    name = "offline"

    def __init__(self, *, max_section_sentences: int = 40) -> None:
        """Create the engine.

        Args:
            max_section_sentences: Upper bound of sentences kept per section,
                so a long visit cannot make one section unreadable.
        """
        self.max_section_sentences = max_section_sentences
        self._compiled: dict[str, dict[str, re.Pattern[str]]] = {}

    # -- public API -------------------------------------------------------

    def generate(
        self, *, turns: Sequence[Turn], template: TemplateSpec, language: str
    ) -> NoteResult:
        """Write a note for ``turns`` following ``template``.

        Args:
            turns: Diarized conversation (speaker 0 = clinician, 1 = patient).
            template: Built-in or custom template.
            language: Note language (``SUPPORTED_LANGUAGES``); unknown codes
                fall back to English headings and cues.

        Returns:
            ``NoteResult`` with one entry per template section (empty string
            when nothing relevant was said) and ``engine="offline"``.
        """
        note_lang = language if language in SUPPORTED_LANGUAGES else "en"
        src_lang = _detect_language(turns, default=note_lang)
        names = _greeted_names(turns)
        ctx = _Context(src_lang, note_lang, _detect_gender(turns, src_lang, names), names)
        sentences = self._prepare(turns, src_lang)

        section_topics = {s.key: self._topics_for_section(s) for s in template.sections}
        if not any("hpi" in t for t in section_topics.values()):
            # Dental templates have no history section: the complaint's
            # history goes with the chief complaint.
            for key, topics in section_topics.items():
                if "cc" in topics:
                    section_topics[key] = topics + ("hpi",)
                    break
        assigned = self._assign(sentences, template, section_topics, ctx)

        bodies: dict[str, str] = {}
        evidence: list[dict] = []
        used_ros = False
        used_cc = False
        for spec in template.sections:
            topics = section_topics[spec.key]
            parts: list[str] = []
            rendered: list[tuple[str, str]] = []
            section_ev: list[tuple[str, list[int]]] = []
            for topic in topics:
                text = ""
                if topic == "cc":
                    if not used_cc:
                        cc_turns: list[int] = []
                        text = _chief_complaint(sentences, ctx, cc_turns)
                        if text:
                            section_ev.append((text, sorted(set(cc_turns))))
                        used_cc = True
                elif topic == "ros":
                    if not used_ros:
                        text = _review_of_systems(sentences, ctx, section_ev)
                        used_ros = True
                else:
                    topic_ev: list[tuple[str, list[int]]] = []
                    text = self._render_topic(topic, assigned.get((spec.key, topic), []), ctx, topic_ev)
                    if topic in ("assessment", "dental_dx"):
                        problem_turns: list[list[int]] = []
                        problems = _problems(sentences, ctx, problem_turns)
                        if problems:
                            listing = "\n".join(f"{i}. {p}" for i, p in enumerate(problems, 1))
                            text = f"{listing}\n\n{text}" if text else listing
                            section_ev.extend(zip(problems, problem_turns))
                    section_ev.extend(topic_ev)
                if text:
                    rendered.append((topic, text))
            multi = len(rendered) > 1
            for topic, text in rendered:
                if multi and topic in _SUBHEADINGS:
                    label = _SUBHEADINGS[topic].get(ctx.note_lang, _SUBHEADINGS[topic]["en"])
                    inline = "\n" not in text and not text.startswith(("- ", "1. "))
                    parts.append(f"**{label}:** {text}" if inline else f"**{label}:**\n{text}")
                else:
                    parts.append(text)
            fallback = assigned.get((spec.key, "__lexical__"), [])
            if fallback:
                parts.append(self._render_topic("__lexical__", fallback, ctx, section_ev))
            bodies[spec.key] = "\n\n".join(p for p in parts if p).strip()
            evidence.extend(
                {"section": spec.key, "sentence": line, "utterances": turns, "supported": bool(turns),
                 "reasons": [] if turns else ["no source utterance"]}
                for line, turns in section_ev
            )

        markdown = render_markdown(template, note_lang, bodies)
        return NoteResult(markdown=markdown, sections=bodies, engine=self.name, evidence=evidence)

    # -- preparation --------------------------------------------------------

    def _cues(self, lang: str) -> dict[str, re.Pattern[str]]:
        """Compiled topic regexes for ``lang`` (cached)."""
        if lang not in self._compiled:
            compiled: dict[str, re.Pattern[str]] = {}
            for topic, by_lang in _TOPIC_CUES.items():
                frags = by_lang.get(lang, ()) or by_lang["en"]
                compiled[topic] = re.compile(r"(?<![\w])(?:" + _rx(frags) + r")", re.I)
            self._compiled[lang] = compiled
        return self._compiled[lang]

    def _prepare(self, turns: Sequence[Turn], lang: str) -> list[_Sentence]:
        """Normalise, split and score every sentence of the conversation."""
        cues = self._cues(lang)
        neg = re.compile(_NEG_ANSWER.get(lang, _NEG_ANSWER["en"]), re.I)
        pos = re.compile(_POS_ANSWER.get(lang, _POS_ANSWER["en"]), re.I)
        qstart = re.compile(_QUESTION_START.get(lang, _QUESTION_START["en"]), re.I)
        out: list[_Sentence] = []
        last_question: _Sentence | None = None
        last_question_turn = -10
        patient_question: _Sentence | None = None  # a question ending the previous non-clinician turn
        for t_idx, turn in enumerate(turns):
            text = speech_cleanup.preclean(_normalise(turn.text, lang), lang)
            if not text:
                continue
            raw_sentences = _split_sentences(text, lang)
            for s_pos, raw in enumerate(raw_sentences):
                stripped_raw = raw.strip()
                polarity = 0
                probe = _strip_leading(_remove_fillers(stripped_raw.lower(), lang), lang, keep_answers=True)
                named_only = False
                if turn.speaker != CLINICIAN and s_pos == 0:
                    if neg.match(probe):
                        polarity = -1
                        # "Kein Fieber, aber ...", "No nausea, ...": the no
                        # negates the thing it names, not the whole question.
                        named_only = bool(_NEG_DETERMINER.get(lang, _NEVER).match(probe))
                    elif pos.match(probe):
                        polarity = 1
                cleaned = _clean(stripped_raw, lang)
                is_q = stripped_raw.endswith("?") or bool(qstart.match(cleaned.lower())) or stripped_raw.startswith("¿")
                sent = _Sentence(
                    idx=len(out), turn=t_idx, speaker=turn.speaker, text=cleaned, is_question=is_q,
                    answer_polarity=polarity, polarity_named_only=named_only,
                )
                if (
                    turn.speaker != CLINICIAN and s_pos == 0 and last_question is None
                    and (polarity != 0 or _HEDGE_ANSWER.match(probe))
                    and out and out[-1].speaker == CLINICIAN and out[-1].turn == t_idx - 1
                    and _UNMARKED_QUESTION.get(lang, _NEVER).match(out[-1].text)
                ):
                    # Speech-to-text output without "?": a verb-first
                    # clinician sentence ("Tiene fiebre") answered by "sí"/"no"
                    # was a question, never a statement of fact.
                    out[-1].is_question = True
                    out[-1].scores = {}
                    last_question, last_question_turn = out[-1], t_idx - 1
                if turn.speaker != CLINICIAN and last_question is not None and last_question_turn == t_idx - 1:
                    # Every sentence of the answer turn is read with its question.
                    sent.asked = last_question
                    if s_pos == 0:
                        sent.question = last_question
                if cleaned:
                    sent.scores = _score(cleaned, turn.speaker, cues)
                    _adjust_scores(sent, lang)
                    if sent.question is not None and max(sent.scores.values(), default=0.0) < 0.7:
                        # An answer that names no topic of its own ("Yes, my
                        # appendix was taken out in 2015" to "Any surgeries?")
                        # is routed by its question.
                        sent.scores = _score(sent.question.text + " " + cleaned, turn.speaker, cues)
                        _adjust_scores(sent, lang)
                if sent.question is not None and polarity == 0 and lang == "en":
                    wh = _wh_answer_statement(sent.question.text, cleaned)
                    if wh:
                        sent.derived = wh
                        sent.scores = _score(sent.question.text + " " + cleaned, turn.speaker, cues)
                if (
                    turn.speaker == CLINICIAN and s_pos == 0 and patient_question is not None and cleaned
                    and patient_question.turn == t_idx - 1 and _ANSWER_ONLY_WITH_QUESTION.search(cleaned)
                    and _content_words(cleaned, lang) < 6
                ):
                    # The clinician answering the patient's question ("Should
                    # I stop the aspirin before surgery?" - "Yes, stop it 7
                    # days before."): the answer only means something with it.
                    sent.derived = f'{cleaned.rstrip(".")} ({_ASKED.get(lang, "asked")}: "{patient_question.text.strip()}")'
                    sent.derived_raw = True
                    sent.extra_turns = (patient_question.turn,)
                    sent.scores = _score(patient_question.text + " " + cleaned, turn.speaker, cues)
                    _adjust_scores(sent, lang)
                if (
                    sent.question is not None and polarity == 0 and not sent.derived and cleaned
                    and clinical_lexicon.drug_names(sent.question.text) and not clinical_lexicon.drug_names(cleaned)
                    and clinical_lexicon.has_measure_or_drug(cleaned)
                ):
                    # "How are you taking the warfarin?" - "5 mg on Mondays
                    # ...": the dose only means something with the drug.
                    sent.derived = f'{cleaned.rstrip(".")} ({_ASKED.get(lang, "asked")}: "{sent.question.text.strip()}")'
                    sent.derived_raw = True
                    sent.scores = _score(sent.question.text + " " + cleaned, turn.speaker, cues)
                if (
                    sent.question is not None and polarity == 0 and not sent.derived and cleaned
                    and len(cleaned.split()) <= 8
                    and (
                        _content_words(cleaned, lang) < 2 and clinical_lexicon.has_clinical_content(cleaned, lang)
                        or _HEDGE_ANSWER.match(cleaned)
                    )
                ):
                    # "What do you take?" - "Metformin.": too short to stand
                    # alone, so the note keeps the answer with its question
                    # rather than dropping it.
                    sent.derived = f'{cleaned.rstrip(".")} ({_ASKED.get(lang, "asked")}: "{sent.question.text.strip()}")'
                    sent.derived_raw = True
                    sent.scores = _score(sent.question.text + " " + cleaned, turn.speaker, cues)
                extra: _Sentence | None = None
                if sent.question is not None and polarity != 0:
                    # The answer without its yes/no word, keeping "but" and
                    # "no" of what follows ("yes, but no chills").
                    answer = _strip_leading(_remove_fillers(stripped_raw, lang), lang, keep_answers=True)
                    answer_re = _NEG_ANSWER.get(lang, _NEG_ANSWER["en"]) if polarity < 0 else _POS_ANSWER.get(lang, _POS_ANSWER["en"])
                    rest = re.sub(answer_re + r"[\s,.!]*", "", answer, count=1, flags=re.I).strip(" ,.;!")
                    if _content_words(rest, lang) < 3:
                        # A short answer only makes sense with the question:
                        # turn the pair into one statement, keeping what the
                        # answer adds ("Allergies?" - "Yes, penicillin." ->
                        # "reports allergies: penicillin"). The yes/no covers
                        # only the symptoms the answer does not qualify.
                        derived, rest_apart = _answer_statement(
                            sent.question.text, rest, polarity, lang, answer=answer, turn_text=text,
                            named_only=named_only,
                        )
                        sent.derived = derived
                        sent.scores = _score(sent.question.text + " " + rest, turn.speaker, cues)
                        if "allergies" in sent.scores and _ALLERGY_STATEMENT.search(sent.question.text):
                            # "Allergies?" - "Yes, penicillin.": an allergy, not a medication.
                            sent.scores["allergies"] = max(sent.scores["allergies"], sent.scores.get("meds", 0.0) + 0.5)
                        if rest_apart:
                            # "No, but my ankles swell": the contrast is a
                            # statement of its own.
                            extra = _Sentence(
                                idx=len(out) + 1, turn=t_idx, speaker=turn.speaker, text=_clean(rest_apart, lang),
                                is_question=False,
                            )
                            extra.scores = _score(extra.text, turn.speaker, cues)
                            _adjust_scores(extra, lang)
                        if not sent.derived:
                            sent.text = "" if not rest_apart else sent.text
                            if rest_apart:
                                # Kept for the review of systems (the yes/no
                                # to the question), written by ``extra``.
                                sent.scores = {}
                                sent.render = False
                out.append(sent)
                if extra is not None and extra.text:
                    out.append(extra)
                if turn.speaker == CLINICIAN and is_q:
                    last_question = sent
                    last_question_turn = t_idx
            if turn.speaker == CLINICIAN and not (out and out[-1].turn == t_idx and out[-1].is_question):
                # Only a question that *ends* the clinician's turn is answered
                # by the next patient turn.
                last_question = None
            ended_with_question = bool(out and out[-1].turn == t_idx and out[-1].is_question)
            patient_question = out[-1] if turn.speaker != CLINICIAN and ended_with_question else None
        return out

    # -- routing ------------------------------------------------------------

    def _topics_for_section(self, spec: SectionSpec) -> tuple[str, ...]:
        """Topics a section collects: fixed for built-in keys, else by its words."""
        if spec.key in _SECTION_TOPICS:
            return _SECTION_TOPICS[spec.key]
        words = _section_words(spec)
        best: list[tuple[int, int, str]] = []
        for order, (topic, descriptors) in enumerate(_TOPIC_DESCRIPTORS.items()):
            hits = sum(1 for d in descriptors if d in words)
            if hits:
                best.append((hits, -order, topic))
        if not best:
            return ()
        best.sort(reverse=True)
        top = best[0][0]
        chosen = tuple(t for h, _, t in best if h == top)
        return chosen

    def _assign(
        self,
        sentences: list[_Sentence],
        template: TemplateSpec,
        section_topics: dict[str, tuple[str, ...]],
        ctx: "_Context",
    ) -> dict[tuple[str, str], list[_Sentence]]:
        """Give each content sentence to at most one (section, topic) pair."""
        owners: dict[str, str] = {}  # topic -> first section that collects it
        for spec in template.sections:
            for topic in section_topics[spec.key]:
                owners.setdefault(topic, spec.key)
        lexical_sections = [s for s in template.sections if not section_topics[s.key]]
        lexical_words = {s.key: _section_content_words(s) for s in lexical_sections}

        assigned: dict[tuple[str, str], list[_Sentence]] = {}
        intro = _INTRO.get(ctx.src_lang, _INTRO["en"])
        for sent in sentences:
            if not _is_note_worthy(sent, ctx.src_lang):
                continue
            if sent.speaker == CLINICIAN and intro.search(sent.text):
                # The clinician's one-line summary ("a 50-year-old female with
                # a history of ... who presents for ...") opens the history.
                for topic in ("hpi", "behavior", "pmh"):
                    if topic in owners:
                        assigned.setdefault((owners[topic], topic), []).insert(0, sent)
                        break
                else:
                    pass
                if any(t in owners for t in ("hpi", "behavior", "pmh")):
                    continue
            best_topic = None
            best_score = 0.0
            for topic, score in sent.scores.items():
                if topic in owners and score > best_score:
                    best_topic, best_score = topic, score
            if best_topic is not None and best_score >= 0.7:
                assigned.setdefault((owners[best_topic], best_topic), []).append(sent)
                continue
            if (
                sent.speaker != CLINICIAN and "hpi" in owners
                and (
                    sent.derived_raw  # an answer kept with its question
                    # A short answer (read with its question), or a statement
                    # with a symptom, a drug or a measurement. (Long answers
                    # without any of these are mostly narrative.)
                    or (sent.derived or sent.asked is not None and len(sent.text.split()) <= 15)
                    and clinical_lexicon.has_clinical_content(
                        " ".join(x for x in (sent.asked.text if sent.asked else "", sent.derived or sent.text) if x),
                        ctx.src_lang,
                    )
                    or _symptoms_in(sent.text, ctx.src_lang)
                    or clinical_lexicon.has_measure_or_drug(sent.text)
                    or len(sent.text.split()) <= 10 and clinical_lexicon.has_clinical_content(sent.text, ctx.src_lang)
                    or _CONDITION_HINT.search(sent.text) and ctx.src_lang != "en"
                )
            ):
                # What the patient says with clinical content is never lost
                # for want of a topic cue ("it burns when I pee", "yes, the
                # flu shot last month"): it goes to the history.
                assigned.setdefault((owners["hpi"], "hpi"), []).append(sent)
                continue
            if sent.speaker == CLINICIAN and ctx.src_lang != "en" and not sent.is_question:
                # Cue lists are shorter outside English: a clinician's
                # measurement or named condition is never dropped for want
                # of a cue ("L'INR és de 2,8", "C'est un kyste bénin").
                fallback = None
                if clinical_lexicon.drug_names(sent.text):
                    fallback = "plan"
                elif re.search(r"\d", sent.text):
                    fallback = "exam"
                elif _CONDITION_HINT.search(sent.text):
                    fallback = "assessment"
                if fallback in owners:
                    assigned.setdefault((owners[fallback], fallback), []).append(sent)
                    continue
            # Custom sections with no known topic: route by their own words.
            low = sent.text.lower()
            for spec in lexical_sections:
                if any(re.search(r"\b" + re.escape(w), low) for w in lexical_words[spec.key]):
                    assigned.setdefault((spec.key, "__lexical__"), []).append(sent)
                    break
        return assigned

    # -- rendering ----------------------------------------------------------

    def _render_topic(
        self, topic: str, sents: list[_Sentence], ctx: "_Context", evidence: list[tuple[str, list[int]]] | None = None
    ) -> str:
        """Render the sentences of one topic in note style.

        ``evidence`` (when given) receives ``(note_sentence, turn_indices)``
        per rendered line.
        """
        if not sents:
            return ""
        sents = _dedupe(sents)[: self.max_section_sentences]
        rendered = [(_note_style(s, ctx, topic), s) for s in sents]
        rendered = [(line, s) for line, s in rendered if line]
        lines = [line for line, _ in rendered]
        if evidence is not None:
            for line, s in rendered:
                evidence.append((line, _sentence_turns(s)))
        if not lines:
            return ""
        if topic in _BULLET_TOPICS:
            return "\n".join(f"- {line}" for line in lines)
        return " ".join(lines)


def _sentence_turns(s: _Sentence) -> list[int]:
    """Transcript turn indices a rendered sentence rests on (its own, and the
    question a short answer completes)."""
    turns = {s.turn, *s.extra_turns}
    if s.question is not None and (s.derived or s.answer_polarity):
        turns.add(s.question.turn)
    return sorted(turns)


_BULLET_TOPICS = frozenset(
    {"plan", "treatment_plan", "postop", "ohi", "next_visit", "procedure", "intervention", "meds", "exam", "results",
     "intraoral", "extraoral", "perio", "radiograph", "materials", "anaesthesia", "plaque_bleeding", "goals", "__lexical__"}
)

# Labels used when one section merges several topics (e.g. SOAP Subjective).
_SUBHEADINGS: dict[str, dict[str, str]] = {
    "cc": {"en": "Chief complaint", "es": "Motivo de consulta", "ca": "Motiu de consulta", "fr": "Motif", "pt": "Queixa principal", "de": "Vorstellungsgrund", "it": "Motivo della visita"},
    "hpi": {"en": "History", "es": "Enfermedad actual", "ca": "Malaltia actual", "fr": "Histoire de la maladie", "pt": "História", "de": "Anamnese", "it": "Anamnesi"},
    "pmh": {"en": "Past medical history", "es": "Antecedentes", "ca": "Antecedents", "fr": "Antécédents", "pt": "Antecedentes", "de": "Vorerkrankungen", "it": "Anamnesi remota"},
    "meds": {"en": "Medications", "es": "Medicación", "ca": "Medicació", "fr": "Traitement", "pt": "Medicação", "de": "Medikation", "it": "Terapia"},
    "allergies": {"en": "Allergies", "es": "Alergias", "ca": "Al·lèrgies", "fr": "Allergies", "pt": "Alergias", "de": "Allergien", "it": "Allergie"},
    "social": {"en": "Social history", "es": "Hábitos", "ca": "Hàbits", "fr": "Mode de vie", "pt": "Hábitos", "de": "Sozialanamnese", "it": "Anamnesi sociale"},
    "ros": {"en": "Review of systems", "es": "Anamnesis por aparatos", "ca": "Anamnesi per aparells", "fr": "Revue des systèmes", "pt": "Revisão de sistemas", "de": "Systemanamnese", "it": "Anamnesi per apparati"},
    "exam": {"en": "Examination", "es": "Exploración", "ca": "Exploració", "fr": "Examen", "pt": "Exame", "de": "Untersuchung", "it": "Esame obiettivo"},
    "results": {"en": "Results", "es": "Pruebas", "ca": "Proves", "fr": "Examens complémentaires", "pt": "Exames", "de": "Befunde", "it": "Esami"},
    "behavior": {"en": "Presentation", "es": "Presentación", "ca": "Presentació", "fr": "Présentation", "pt": "Apresentação", "de": "Präsentation", "it": "Presentazione"},
    "dental_history": {"en": "Dental history", "es": "Antecedentes odontológicos", "ca": "Antecedents odontològics", "fr": "Antécédents dentaires", "pt": "Antecedentes dentários", "de": "Zahnärztliche Anamnese", "it": "Anamnesi odontoiatrica"},
    "anaesthesia": {"en": "Anaesthesia", "es": "Anestesia", "ca": "Anestèsia", "fr": "Anesthésie", "pt": "Anestesia", "de": "Anästhesie", "it": "Anestesia"},
    "procedure": {"en": "Procedure", "es": "Procedimiento", "ca": "Procediment", "fr": "Acte", "pt": "Procedimento", "de": "Behandlung", "it": "Procedura"},
}


@dataclass(frozen=True)
class _Context:
    """Per-note settings: transcript language, note language, patient pronouns."""

    src_lang: str
    note_lang: str
    gender: str  # "female", "male" or "unknown"
    # Names the speakers greet each other with (lower case), never note content.
    names: frozenset[str] = frozenset()

    @property
    def subject(self) -> str:
        """Subject pronoun for the patient ("she"/"he"/"the patient" family)."""
        return {"female": "she", "male": "he"}.get(self.gender, "the patient")

    @property
    def possessive(self) -> str:
        """Possessive for the patient ("she"/"he"/"the patient" family)."""
        return {"female": "her", "male": "his"}.get(self.gender, "their")

    @property
    def obj(self) -> str:
        """Object pronoun for the patient ("she"/"he"/"the patient" family)."""
        return {"female": "her", "male": "him"}.get(self.gender, "them")

    @property
    def reflexive(self) -> str:
        """Reflexive pronoun for the patient ("she"/"he"/"the patient" family)."""
        return {"female": "herself", "male": "himself"}.get(self.gender, "themselves")


# ---------------------------------------------------------------------------
# Text normalisation
# ---------------------------------------------------------------------------

_ASR_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    # ACI-Bench (and many ASR outputs) tokenise contractions and punctuation.
    (re.compile(r"\b(\w+) n't\b", re.I), r"\1n't"),
    (re.compile(r"\b(\w+) '(s|re|ve|ll|d|m)\b", re.I), r"\1'\2"),
    (re.compile(r"\bgon na\b", re.I), "going to"),
    (re.compile(r"\bgonna\b", re.I), "going to"),
    (re.compile(r"\bwan na\b", re.I), "want to"),
    (re.compile(r"\bwanna\b", re.I), "want to"),
    (re.compile(r"\bgot ta\b", re.I), "got to"),
    (re.compile(r"\bgotta\b", re.I), "got to"),
    (re.compile(r"\s+([,.;:?!])"), r"\1"),
    (re.compile(r"\b(\w+)-(?=\s)"), r"\1"),  # cut-off words "l- let"
)


def _normalise(text: str, lang: str) -> str:
    """Fix ASR tokenisation and, for English, spoken numbers and units."""
    out = text.strip()
    for pattern, repl in _ASR_FIXES:
        out = pattern.sub(repl, out)
    if lang == "en":
        # "one oh two" (a temperature) = 102, "ninety nine point five" = 99.5.
        out = re.sub(
            r"\b(one|two|three|four|five|six|seven|eight|nine) (?:oh|o|zero) (one|two|three|four|five|six|seven|eight|nine)\b",
            lambda m: f"{_NUMBER_WORDS[m.group(1).lower()]}0{_NUMBER_WORDS[m.group(2).lower()]}", out, flags=re.I,
        )
        out = _words_to_numbers(out)
        out = re.sub(r"\b(\d+) point (\d+)\b", r"\1.\2", out)
        out = re.sub(r"\b(\d+(?:\.\d+)?) ?milligrams?\b", r"\1 mg", out, flags=re.I)
        out = re.sub(r"\b(\d+(?:\.\d+)?) ?micrograms?\b", r"\1 mcg", out, flags=re.I)
        out = re.sub(r"\b(\d+(?:\.\d+)?) ?millimeters?\b", r"\1 mm", out, flags=re.I)
        out = re.sub(r"\b(\d+(?:\.\d+)?) ?centimeters?\b", r"\1 cm", out, flags=re.I)
        out = re.sub(r"\b(\d+) over (\d+)\b", r"\1/\2", out)
    out = re.sub(r"\s+", " ", out)
    return out.strip()


def _words_to_numbers(text: str) -> str:
    """Turn spoken English numbers into digits ("six hundred" -> "600").

    "one" alone is only converted before a unit or time word, because it is
    usually a pronoun ("that one"). Handles "one twenty seven over eighty"
    style blood pressures by converting each number group separately.
    """
    tokens = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        word = tokens[i]
        low = word.lower().strip(",.?!")
        if low in _NUMBER_WORDS:
            j = i
            total = 0
            current = 0
            consumed: list[str] = []
            while j < len(tokens):
                w = tokens[j].lower().strip(",.?!")
                if w in _NUMBER_WORDS:
                    val = _NUMBER_WORDS[w]
                    if len(consumed) == 1 and consumed[0] in ("nineteen", "twenty") and val >= 10:
                        # Years: "twenty eighteen" -> 2018, "nineteen ninety" -> 1990.
                        current = current * 100 + val
                    elif consumed and consumed[-1] in _NUMBER_WORDS and _NUMBER_WORDS[consumed[-1]] < 10 and val >= 10 and val < 100 and w not in ("ten",):
                        # "one twenty seven": "one" hundreds digit.
                        current = current * 100 + val
                    elif current % 10 == 0 and current % 100 != 0 and val < 10 and consumed and consumed[-1] not in ("hundred", "thousand"):
                        current += val
                    elif consumed and consumed[-1] in ("hundred", "thousand"):
                        current += val
                    elif consumed:
                        break
                    else:
                        current = val
                    consumed.append(w)
                    j += 1
                    if tokens[j - 1][-1:] in ",.?!":
                        break
                elif w == "hundred" and consumed:
                    current *= 100
                    consumed.append(w)
                    j += 1
                elif w == "thousand" and consumed:
                    total += current * 1000
                    current = 0
                    consumed.append(w)
                    j += 1
                else:
                    break
            number = total + current
            nxt = tokens[j].lower() if j < len(tokens) else ""
            if consumed == ["one"] and not _UNIT_AFTER_ONE.match(nxt):
                out.append(word)
                i += 1
                continue
            trail = tokens[j - 1][-1] if tokens[j - 1][-1:] in ",.?!" else ""
            out.append(f"{number}{trail}")
            i = j
            continue
        out.append(word)
        i += 1
    return " ".join(out)


_SPLIT_MARKERS: dict[str, str] = {
    "en": (
        r"(?:okay|ok|alright|all right|so|now|um|uh|yeah|and then|let's|let me|on (?:your|the|his|her) \w+ exam|"
        r"for your|regarding|in terms of|(?:and )?i'm (?:also )?going to|i want|i'd like|we're going to|we need|"
        r"looking at|do you|does that|does it|is that|is there|is it|have you|are you|did you|can you|"
        r"there is|there's|i think|but)"
    ),
    "es": r"(?:vale|bueno|entonces|ahora|y luego|vamos a|voy a|le voy a|en cuanto a|respecto a|tiene|ha tenido)",
    "ca": r"(?:vale|bé|doncs|llavors|ara|i després|anem a|farem|pel que fa a|té|ha tingut)",
    "fr": r"(?:d'accord|ok|bon|alors|donc|maintenant|et puis|on va|je vais|pour votre|concernant|avez-vous|est-ce que)",
    "pt": r"(?:ok|bem|então|agora|e depois|vamos|vou|quanto a|em relação a|tem|teve)",
    "de": r"(?:okay|gut|also|jetzt|und dann|wir werden|ich werde|was ihre|bezüglich|haben sie|hatten sie)",
    "it": r"(?:ok|va bene|allora|adesso|ora|e poi|facciamo|vado a|per quanto riguarda|riguardo|ha avuto|ha)",
}


def _split_sentences(text: str, lang: str) -> list[str]:
    """Split a turn into sentences.

    Splits at ``.?!`` followed by a space; long unpunctuated stretches (ASR
    output without punctuation) are further cut before discourse markers so
    no unit exceeds about 40 words.
    """
    parts = [
        clause
        for p in re.split(r"(?<=[.?!])\s+", text)
        if p.strip()
        for clause in speech_cleanup.split_clauses(p.strip(), lang)
    ]
    marker = re.compile(r"\s(?=" + _SPLIT_MARKERS.get(lang, _SPLIT_MARKERS["en"]) + r"\b)", re.I)
    out: list[str] = []
    for part in parts:
        if len(part.split()) <= 20:
            out.append(part)
            continue
        pieces = marker.split(part)
        buf = ""
        for piece in pieces:
            # Very short pieces ("so", "okay and") are glued to the next one.
            if buf and len(buf.split()) >= 5:
                out.append(buf)
                buf = piece
            else:
                buf = f"{buf} {piece}".strip() if buf else piece
        if buf:
            if out and len(buf.split()) < 3:
                out[-1] = f"{out[-1]} {buf}"
            else:
                out.append(buf)
    return out


def _remove_fillers(text: str, lang: str) -> str:
    """Remove filler words/phrases (whole words only)."""
    return speech_cleanup.remove_fillers(text, lang)


@lru_cache(maxsize=None)
def _leading_re(lang: str, keep_answers: bool) -> re.Pattern[str]:
    leading = _LEADING.get(lang, _LEADING["en"])
    if keep_answers:
        leading = tuple(w for w in leading if w not in ("yes", "yeah", "yep", "sí", "si", "sì", "oui", "sim", "ja"))
    ambiguous = _LEADING_IF_PUNCT.get(lang, frozenset())
    free = [w for w in leading if w not in ambiguous]
    punct = [w for w in leading if w in ambiguous]
    alt = "|".join(re.escape(w) for w in sorted(free, key=len, reverse=True))
    alt_p = "|".join(re.escape(w) for w in sorted(punct, key=len, reverse=True)) or "(?!)"
    # Words that also carry meaning ("right lower quadrant", "si el dolor
    # empeora" = *if* the pain worsens, "well controlled") go only when
    # punctuation sets them off as a discourse marker ("Right, ...").
    # They also go before a word that cannot follow a modifier ("right, so",
    # "good I'm glad", "well we will"), never before a noun or participle.
    after = _DISCOURSE_NEXT.get(lang, r"(?!)")
    return re.compile(
        r"^(?:(?:" + alt + r")(?![\w'])[\s,.;:!-]*|(?:" + alt_p + r")(?![\w'])\s*[,.;:!]+\s*|(?:" + alt_p + r")\s*$|"
        r"(?:" + alt_p + r")\s+(?=(?:" + after + r")(?![\w'])))",
        re.I,
    )


def _strip_leading(text: str, lang: str, keep_answers: bool = False) -> str:
    """Strip acknowledgements/connectives from the start of a sentence."""
    pattern = _leading_re(lang, keep_answers)
    while text:
        m = pattern.match(text)
        if not m:
            break
        text = text[m.end():]
    return text.strip()


_ACK_RE = re.compile(r"(?<![\w'])(?:okay|ok|alright|all right|yeah|mm-hmm|uh-huh)(?![\w'])[,.]?", re.I)
_ACK_KEEP_AFTER = frozenset(
    "is are was were be been being doing feel feels felt look looks seem seems running going it's that's "
    "sounds sound fine pretty is_".split()
)


def _drop_acknowledgements(text: str) -> str:
    """Remove "okay"/"yeah" used as acknowledgements inside a sentence.

    Kept when it is a predicate ("sugars have been running okay", "it's okay").
    """

    def repl(m: re.Match[str]) -> str:
        before = text[: m.start()].split()
        if before and before[-1].lower().strip(",") in _ACK_KEEP_AFTER:
            return m.group(0)
        return " "

    return re.sub(r"\s+", " ", _ACK_RE.sub(repl, text)).strip()


def _clean(sentence: str, lang: str) -> str:
    """Remove fillers, repeated words, leading acknowledgements and dangling conjunctions."""
    text = _remove_fillers(sentence, lang)
    if lang == "en":
        text = re.sub(r"^(?:hi|hey|hello)\b,?\s*(?:\w+\s*,?\s*)?(?=how are you)", "", text, flags=re.I)
        # Only the greeting, not "how are you taking the warfarin?".
        text = re.sub(
            r"\bhow are you(?: doing| feeling)?(?: today| this morning| this afternoon)?\b(?=\s*(?:[?,.!]|$))[?,.!]?",
            " ", text, flags=re.I,
        )
        text = re.sub(r"^(?:hi|hey|hello)\b[,.!]?\s*(?:\w+[,.!]\s*)?", "", text, flags=re.I)
        text = _drop_acknowledgements(text)
    # Stutters and repeated phrases: "i i i think", "your your", "I heard that I heard that".
    text = speech_cleanup.remove_repetitions(text)
    text = re.sub(r"\s*,\s*(?:,\s*)+", ", ", text)
    text = _strip_leading(text, lang)
    if lang != "en":
        # Also drop the English acknowledgements common in code-switching.
        text = _strip_leading(text, "en")
    text = re.sub(r"^(?:no|non|nein|não)[,.]?\s+(?=no\b|non\b)", "", text, flags=re.I)
    text = speech_cleanup.strip_dangling(text, lang)
    text = text.strip(" ,;-")
    return text


# Age statements that mark the clinician's summary sentence.
_INTRO: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\b\d+[- ]years?[- ]old\b", re.I),
    "es": re.compile(r"\bde \d+ años\b", re.I),
    "ca": re.compile(r"\bde \d+ anys\b", re.I),
    "fr": re.compile(r"\b\d+ ans\b", re.I),
    "pt": re.compile(r"\b(?:de|com) \d+ anos\b", re.I),
    "de": re.compile(r"\b\d+[- ]?jährig", re.I),
    "it": re.compile(r"\bdi \d+ anni\b", re.I),
}

# Clinician meta-talk: announcing an action rather than stating a finding.
_META = re.compile(
    r"\b(?:going to|let me|let's|i'll|i will|we'll|we will|want to|i'd like to|need to)\s+(?:\w+\s+){0,3}?"
    r"(?:look|take a look|check (?:out|on)|listen|examine|do (?:a|an|your) (?:quick )?(?:physical )?exam|press|feel|go over|review|talk about|pull up|"
    r"hold|touch|tap|turn (?:your|the)|squeeze|move|bend|lift|push|pull on)\b"
    r"|\b(?:i'd like you to|i want you to|can you|could you) (?:\w+ ){0,2}?(?:squeeze|push|pull|lift|bend|turn|follow my|look (?:up|down|at)|take a deep breath|breathe)\b"
    r"|\bshow me\b"
    r"|\b(?:vamos a|voy a|déjeme) (?:ver|mirar|explorar|revisar)\b|\b(?:anem a|deixi'm) (?:veure|mirar|explorar)\b"
    r"|\b(?:je vais|on va) (?:regarder|examiner|écouter)\b|\b(?:vou|vamos) (?:ver|examinar|auscultar)\b"
    r"|\b(?:ich werde|lassen sie mich|ich schaue) (?:\w+ )?(?:untersuchen|anschauen|abhören|nach)\b|\b(?:vediamo|adesso guardo|la visito)\b",
    re.I,
)

_CONTENT_STOP = frozenset(
    "the a an and or but so to of in on at for with is are was were be been it it's this that these those "
    "i i'm you you're we he she they him her his their them my your me us our what which who how when where "
    "do does did don't have has had not no yes yeah okay just really very um uh like know think get got go "
    "going there here then now well oh all any some can could would should will one thing things alright "
    "let's ahead sure right good great fine maybe bit little lot stuff something anything".split()
)


def _content_words(text: str, lang: str) -> int:
    """Number of content words (not stop-words, 3+ letters)."""
    stop = _STOPWORDS.get(lang, frozenset()) | _CONTENT_STOP
    words = re.findall(r"[\w'·-]+", text.lower())
    # Numbers are content ("temperature is 38.5", "BP 128/82").
    return sum(1 for w in words if (len(w) > 2 or any(c.isdigit() for c in w)) and w not in stop)


# What an announced action can act on that makes it a plan or a finding,
# not meta-talk: a drug, a dose or time span, a follow-up ("let me hold your
# lisinopril", "I want to see you back in two weeks").
_CLINICAL_OBJECT = re.compile(
    r"\d|\b(?:back in|follow[- ]?up|come back|appointment|refer\w*|order\w*|prescri\w*|labs?|x-?rays?|mri|scan|"
    r"medication\w*|medicine|dose|pills?|tablets?|colonoscopy|endoscopy|mammogram|biopsy|surgery|procedure|ct|"
    r"ultrasound|echo\w*|ekg|ecg|injection|vaccin\w*|therapy|antibiotics?|insulin|inhaler)\b",
    re.I,
)


def _has_clinical_object(text: str, lang: str) -> bool:
    """True when an announced action ("going to hold ...") acts on something clinical."""
    return bool(_CLINICAL_OBJECT.search(text) or clinical_lexicon.drug_names(text))


def _is_note_worthy(sent: "_Sentence", lang: str) -> bool:
    """False for questions, small talk, meta-talk and content-free fragments."""
    if not sent.render:
        return False
    if sent.derived:
        return True
    if not sent.text or sent.is_question or _is_smalltalk(sent.text, lang):
        return False
    if sent.speaker == CLINICIAN and _META.search(sent.text) and not _has_clinical_object(sent.text, lang):
        return False
    if sent.text.endswith(("...", "-", "…")) and len(sent.text.split()) < 8:
        return False
    words = _content_words(sent.text, lang)
    # One content word is enough when it is clinical and the sentence is a
    # clause ("I have had no fever"), not a fragment.
    return words >= 2 or (words == 1 and len(sent.text.split()) >= 3 and clinical_lexicon.has_clinical_content(sent.text, lang))


def _is_smalltalk(text: str, lang: str) -> bool:
    """True for greetings and closings that say nothing clinical.

    A greeting word alone never drops a sentence: "see you back in two
    weeks, and we'll hold your lisinopril" is kept because it has clinical
    content (``clinical_lexicon.has_clinical_content``).
    """
    return bool(_SMALLTALK.search(text)) and not clinical_lexicon.has_clinical_content(text, lang)


# Broad topics are discounted so a sentence that also matches a specific
# topic goes there; allergy statements often name a drug, so they win over
# medications.
_TOPIC_SPECIFICITY: dict[str, float] = {"hpi": 0.75, "behavior": 0.75, "allergies": 1.5}


def _score(text: str, speaker: int, cues: dict[str, re.Pattern[str]]) -> dict[str, float]:
    """Topic scores of a sentence: cue hits (capped) x speaker weight."""
    scores: dict[str, float] = {}
    slot = 0 if speaker == CLINICIAN else 1 if speaker == PATIENT else 2
    for topic, pattern in cues.items():
        hits = len(pattern.findall(text))
        if hits:
            weight = _TOPIC_SPEAKER_WEIGHT.get(topic, (1.0, 1.0, 1.0))[slot]
            # hpi cues are broad (time words, "worse"); discount them so a
            # sentence that also matches a specific topic goes there.
            scores[topic] = min(hits, 4) * weight * _TOPIC_SPECIFICITY.get(topic, 1.0)
    return scores


# Test, laboratory and imaging results ("the rapid strep test is positive",
# "x-ray shows", "hemoglobin is 9"), per language.
_RESULT_STATEMENT: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:test|swab|screen|culture|panel|labs?|lab work|blood ?work|x-?rays?|mri|ct(?: scan)?|cat scan|ultrasound|"
        r"ekg|ecg|echo(?:cardiogram)?|urinalysis|urine|a1c|hemoglobin|hematocrit|platelets?|white (?:blood )?(?:cell )?count|"
        r"creatinine|potassium|sodium|glucose|tsh|ldl|hdl|triglycerides|biopsy|pathology|mammogram|scan|results?|levels?|"
        r"count|imaging|film)s?\b(?:[\w\s,'/.-]{0,40}?)\b(?:is|was|were|are|came back|come back|comes back|shows?|showed|"
        r"revealed?|demonstrated?|indicates?|indicated|looks?|looked)\b"
        r"|\b(?:positive|negative) for\b|\b(?:tested|came back|comes back) (?:positive|negative|normal|abnormal)\b",
        re.I,
    ),
    "es": re.compile(r"\b(?:prueba|test|análisis|analítica|radiografía|ecografía|resonancia|cultivo|frotis|hemoglobina|resultado)s?\b.{0,40}?\b(?:es|fue|ha salido|salió|sale|da|dio|ha dado|muestra|mostró)\b", re.I),
    "ca": re.compile(r"\b(?:prova|test|anàlisi|analítica|radiografia|ecografia|ressonància|cultiu|frotis|hemoglobina|resultat)s?\b.{0,40}?\b(?:és|va ser|ha sortit|surt|dona|ha donat|mostra)\b", re.I),
    "fr": re.compile(r"\b(?:test|analyse|bilan|radio(?:graphie)?|échographie|irm|scanner|prélèvement|hémoglobine|résultat)s?\b.{0,40}?\b(?:est|était|sont|revenu|revient|montre|a montré)\b", re.I),
    "pt": re.compile(r"\b(?:teste|análise|exame|radiografia|raio-?x|ecografia|ressonância|cultura|zaragatoa|hemoglobina|resultado)s?\b.{0,40}?\b(?:é|foi|deu|veio|mostra|mostrou)\b", re.I),
    # German compounds: "Schnelltest", "Röntgenbild", "Laborwerte".
    "de": re.compile(r"\b\w*(?:test|abstrich|labor|blutwerte|röntgen|ultraschall|mrt|ct|hämoglobin|ergebnis|befund)\w*\b.{0,40}?\b(?:ist|war|sind|zeigt|zeigte|positiv|negativ)\b", re.I),
    "it": re.compile(r"\b(?:test|tampone|esami?|analisi|radiografia|ecografia|risonanza|emoglobina|risultat[oi])\b.{0,40}?\b(?:è|era|sono|risulta|risultato|mostra|ha mostrato)\b", re.I),
}
# Bedside manoeuvres are examination findings even when "positive".
_EXAM_MANEUVER = re.compile(
    r"\b(?:lachman|mcmurray|drawer|phalen|tinel|spurling|straight leg|romberg|finkelstein|hawkins|neer|murphy|mcburney|"
    r"babinski|homan|thompson|apley|faber|patrick|trendelenburg|empty can|speed|yergason|apprehension|pivot shift|"
    r"valgus|varus|rovsing|psoas|obturator|kernig|brudzinski|grind|squeeze|slump|tilt)(?:'s)?\b",
    re.I,
)
# Statements about what will be done ("I'll order labs to see if ...") are plan.
_FUTURE = re.compile(
    r"\b(?:going to|gonna|will|'ll|want to|would like|'d like|let's|order|schedule|check|get (?:a|an|some)|see if|"
    r"vamos a|voy a|pedir|anem a|demanar|on va|je vais|vamos|vou|wir werden|ich werde|faremo|vado a)\b",
    re.I,
)
# The clinician restating the history ("so 4 days ago you started feeling badly").
_RESTATEMENT_EN = re.compile(
    r"\b(?:you|you've|you're)\s+(?:(?:also|just|still|really|recently|first|then|actually|never|kind of)\s+)*"
    r"(?:had|have had|started|noticed|developed|felt|hurt|fell|injured|twisted|began|went|were|got|tried|took|used to|"
    r"been|having|experiencing|dealing|have been|experienced|woke|came|hit|slipped|landed|mentioned|said|told me|"
    r"reported|described)\b",
    re.I,
)

# A time or duration: what makes a restatement part of the history.
_WHEN_EN = re.compile(
    r"\b(?:ago|yesterday|last (?:night|week|month|year)|this morning|for (?:about |the past |a few |a couple )?\d+|"
    r"days?|weeks?|months?)\b",
    re.I,
)

_SYMPTOM_WORDS_EN = re.compile(r"\b(?:pain|hurt|hurts|hurting|ache|aches|aching|swell\w*|swollen|sore|numb\w*|tingl\w*|stiff\w*|cramp\w*)\b", re.I)
# Social-history words that are never about a symptom.
_SOCIAL_CORE_EN = re.compile(r"\b(?:smok\w*|cigarettes?|tobacco|vap\w*|alcohol|drinks?|drinking|beer|wine|drugs|marijuana|married|job|retired)\b", re.I)


_CONDITIONAL_START_EN = re.compile(r"^(?:if|in case|should (?:you|it|the|there|your))\b", re.I)
_ALLERGY_STATEMENT = re.compile(r"\b(?:allerg\w*|anaphyla\w*|al·lèrg\w*|alèrg\w*|alérg\w*|alergi\w*)", re.I)
_CONDITIONAL_START: dict[str, re.Pattern[str]] = {
    "en": _CONDITIONAL_START_EN,
    "es": re.compile(r"^(?:si|en caso de|cuando)\b", re.I),
    "ca": re.compile(r"^(?:si|en cas de|quan)\b", re.I),
    "fr": re.compile(r"^(?:si|s'il|s'ils|en cas de|au cas où)\b", re.I),
    "pt": re.compile(r"^(?:se|em caso de|caso)\b", re.I),
    "de": re.compile(r"^(?:wenn|falls|sollten?)\b", re.I),
    "it": re.compile(r"^(?:se|in caso di|qualora)\b", re.I),
}
_PLAN_INTENT_EN = re.compile(
    r"^(?:(?:so|and|okay|now)\s+)?(?:(?:i'm|i am|we're|we are) (?:also )?going to|we'll|i'll|we will|i will|let's|"
    r"i want to|i'd like to)\s+(?:go ahead and\s+)?(?:hold|stop|start|restart|continue|increase|decrease|reduce|"
    r"prescribe|refer|schedule|switch|change|add|discontinue|taper|repeat|recheck)\b"
    # A clinician's instruction: "Give amoxicillin 400 mg ...", "Stop the Bactrim".
    r"|^(?:please\s+)?(?:give|take|use|apply|start|stop|continue|hold|avoid|skip|increase|decrease)\s+(?:the\s+|her\s+|his\s+|your\s+)?"
    r"(?:\w+\s+){0,2}?(?:\d|" + clinical_lexicon.DRUG_PATTERN + r")",
    re.I,
)


_PLAN_INTENT: dict[str, re.Pattern[str]] = {
    "en": _PLAN_INTENT_EN,
    "es": re.compile(r"^(?:(?:bueno|entonces|pues|y)\s+)?(?:vamos a|voy a|le voy a|le receto|le pido|le mando|hay que)\b", re.I),
    "ca": re.compile(r"^(?:(?:bé|doncs|llavors|i)\s+)?(?:anem a|farem|vaig a|li receptaré|li demano|cal)\b", re.I),
    "fr": re.compile(r"^(?:(?:bon|alors|donc|et)\s+)?(?:on va|je vais|nous allons|je vous prescris|il faut)\b", re.I),
    "pt": re.compile(r"^(?:(?:bem|então|e)\s+)?(?:vamos|vou|vou-lhe|vou receitar)\b", re.I),
    "de": re.compile(r"^(?:(?:gut|also|und)\s+)?(?:wir werden|ich werde|ich verschreibe|wir setzen|setzen sie)\b", re.I),
    "it": re.compile(r"^(?:(?:bene|allora|quindi|e)\s+)?(?:faremo|vado a|le prescrivo|sospendiamo|iniziamo)\b", re.I),
}


def _adjust_scores(sent: "_Sentence", lang: str) -> None:
    """Sentence-level routing rules on top of the cue counts.

    A clinician naming a diagnosis goes to the assessment; a test, lab or
    imaging result (not a bedside manoeuvre, not an order) to the results; a
    clinician restating the history to the history of present illness.
    """
    if sent.is_question or not sent.text:
        return
    text = sent.text
    scores = sent.scores
    clinician = sent.speaker == CLINICIAN
    result = _RESULT_STATEMENT.get(lang)
    if result is not None and result.search(text) and not _EXAM_MANEUVER.search(text) and not _FUTURE.search(text):
        scores["results"] = scores.get("results", 0.0) + (1.5 if clinician else 0.5)
    if lang == "en" and "social" in scores and "hpi" in scores and _SYMPTOM_WORDS_EN.search(text) and not _SOCIAL_CORE_EN.search(text):
        # "it swells up after I walk": a symptom, not an exercise habit.
        scores["social"] *= 0.6
    if clinician and _CONDITIONAL_START.get(lang, _CONDITIONAL_START_EN).match(text):
        # "If the MRI shows a tear, we'll refer ...": an instruction or a
        # contingency plan, never a result or a diagnosis.
        for topic in ("results", "assessment", "exam"):
            scores.pop(topic, None)
        scores["plan"] = scores.get("plan", 0.0) + 2.0
    elif clinician and _PLAN_INTENT.get(lang, _PLAN_INTENT_EN).search(text):
        # "We're going to hold your lisinopril ...": a decision is plan even
        # when it names a test or a result.
        scores["plan"] = scores.get("plan", 0.0) + 1.5
    if "allergies" in scores and "meds" in scores and _ALLERGY_STATEMENT.search(text):
        # "Allergic to penicillin": the drug name makes it look like a
        # medication, but it is an allergy.
        scores["allergies"] = max(scores["allergies"], scores["meds"] + 0.5)
    if not clinician and max(scores.values(), default=0.0) < 0.7 and clinical_lexicon.drug_names(text):
        # A patient naming a drug and nothing else ("Yes, Eliquis.") talks
        # about medications.
        scores["meds"] = 1.0
    if clinician and _diagnosis_phrases(text, lang):
        scores["assessment"] = scores.get("assessment", 0.0) + 2.0
    if (
        clinician and lang == "en" and "hpi" in scores and _RESTATEMENT_EN.search(text)
        and _WHEN_EN.search(text) and not _FUTURE.search(text)
    ):
        scores["hpi"] *= 2.5


def _detect_language(turns: Sequence[Turn], default: str) -> str:
    """Guess the transcript language from stop-word counts (fallback ``default``)."""
    words = re.findall(r"[\w'·]+", " ".join(t.text for t in turns[:60]).lower())
    if len(words) < 8:
        return default
    counts = {lang: sum(1 for w in words if w in sw) for lang, sw in _STOPWORDS.items()}
    best = max(counts.values())
    if best < 3:
        # Too little evidence (a short exchange shares "no" with es/ca/it):
        # keep the requested language.
        return default
    # Prefer the requested language on near-ties (es/ca/pt share many words).
    if counts.get(default, 0) >= 0.85 * best or best - counts.get(default, 0) <= 1:
        return default
    return max(sorted(counts), key=lambda k: counts[k])


def _detect_gender(turns: Sequence[Turn], lang: str, names: frozenset[str] = frozenset()) -> str:
    """Infer the patient's grammatical gender for English pronouns.

    Uses explicit descriptions said by the clinician ("a 50-year-old female",
    "Mrs. ...", "Mr. ...", "sir", "ma'am", "Ms./Miss <greeted name>") only,
    never ambiguous tokens alone ("miss" is also a verb, "MS" a disease);
    returns ``"unknown"``
    otherwise, in which case notes say "the patient".
    """
    if lang != "en":
        return "unknown"
    text = " ".join(t.text.lower() for t in turns if t.speaker == CLINICIAN)
    # Not "miss" ("did you miss any doses") nor "ms" (multiple sclerosis):
    # only unambiguous titles and descriptions count.
    female = len(re.findall(r"\byear[- ]old (?:[\w-]+ ){0,3}?(?:female|woman|lady|girl)\b|\bmrs\b\.?|\bma'am\b", text))
    # "Ms." / "Miss" count only as the title of a name the speakers greeted
    # each other with ("hi ms. lopez ... ms. lopez"), never alone.
    female += sum(1 for m in re.finditer(r"\b(?:ms|miss)\.?\s+([^\W\d_]+)", text) if m.group(1) in names)
    male = len(re.findall(r"\byear[- ]old (?:[\w-]+ ){0,3}?(?:male|man|gentleman|boy)\b|\bmr\b\.?|\bsir\b", text))
    if female > male:
        return "female"
    if male > female:
        return "male"
    return "unknown"


def _section_words(spec: SectionSpec) -> set[str]:
    """Lower-case words of a section's key, headings and guidance."""
    text = " ".join([spec.key.replace("_", " "), *spec.headings.values(), spec.guidance]).lower()
    return set(re.findall(r"[\w'·-]+", text))


def _section_content_words(spec: SectionSpec) -> list[str]:
    """Distinctive words (>= 5 letters, not stop-words) for lexical routing."""
    words = sorted(w for w in _section_words(spec) if len(w) >= 5 and not any(w in sw for sw in _STOPWORDS.values()))
    # Use stems so "medications" also matches "medication".
    return sorted({w[:-1] if w.endswith("s") else w for w in words})


def _dedupe(sents: list[_Sentence]) -> list[_Sentence]:
    """Drop sentences whose text repeats an earlier one."""
    seen: set[str] = set()
    out: list[_Sentence] = []
    for s in sents:
        key = re.sub(r"\W+", " ", (s.derived or s.text).lower()).strip()
        if key in seen:
            continue
        seen.add(key)
        out.append(s)
    return out


# ---------------------------------------------------------------------------
# Note-style rewriting
# ---------------------------------------------------------------------------


def _note_style(sent: _Sentence, ctx: _Context, topic: str = "") -> str:
    """Rewrite one sentence for the note (English: third person)."""
    if sent.derived_raw:
        return _finish(sent.derived[0].upper() + sent.derived[1:], ctx.src_lang)
    if sent.derived:
        text = sent.derived
        if ctx.src_lang == "en":
            text = _swap_person(text, first=False, ctx=ctx)
            text = _pronouns_for_repeats(f"{ctx.subject} {text}", ctx)
        return _finish(text, ctx.src_lang)
    text = sent.text
    if len(text.split()) < 2:
        return ""
    if ctx.src_lang == "en":
        if sent.speaker == CLINICIAN:
            text = _clinician_to_note(text, ctx, findings=topic in _FINDING_TOPICS)
        else:
            text = _patient_to_note(text, ctx, other=sent.speaker not in (CLINICIAN, PATIENT))
        text = _pronouns_for_repeats(text, ctx)
    elif sent.speaker != CLINICIAN:
        text, changed = _person_to_third(text, ctx.src_lang)
        if not changed and ctx.note_lang == ctx.src_lang:
            # "Fiebre no, pero ...": "Refiere: fiebre no" would read as a
            # report of fever, so a sentence with a post-posed negation is
            # quoted as said.
            label = _SAYS if _POSTPOSED_NEG_ANY.search(text) else _REPORTS
            text = f"{label.get(ctx.note_lang, 'Reports')}: {text}"
    return _finish(text, ctx.src_lang)


# Words after which "the patient" starts a clause (is a subject) rather than
# being an object: clause starts, conjunctions and verbs taking a clause.
_CLAUSE_BEFORE = re.compile(
    r"(?:^|[,;:(]|\b(?:and|but|or|because|so|that|if|when|whenever|while|since|as|although|though|until|unless|"
    r"once|where|then|before|after|thinks?|thought|says?|said|reports?|reported|feels?|felt|believes?|knows?|knew|"
    r"notices?|noticed|mentions?|mentioned|states?|stated|guess(?:es)?|hopes?|worried|worries|realized|remembers?|"
    r"tells?|told|sure|how|why|what|whether))\s*$",
    re.I,
)
# A preposition or a verb before "the patient" makes it an object.
_OBJECT_BEFORE = re.compile(
    r"\b(?:to|for|with|at|on|in|by|from|about|of|than|like|into|onto|toward|towards|gave|give|gives|told|tell|tells|"
    r"asked|ask|asks|sent|send|let|lets|make|makes|made|help|helps|helped|call|called|see|saw|seen|bothering|hurting|"
    r"keeping|keeps|kept|getting|waking|wakes|woke)\s*$",
    re.I,
)
# Finite verb forms that show "the patient" is the subject.
_FINITE_AFTER = re.compile(
    r"^(?:is|was|has|had|does|did|will|would|can|could|should|may|might|must|isn't|wasn't|hasn't|hadn't|doesn't|didn't|"
    r"won't|wouldn't|can't|couldn't|shouldn't|\w+ed|\w+[^s\W]s)$",
    re.I,
)
_PLURAL_VERB: dict[str, str] = {
    "is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't", "wasn't": "weren't",
    "hasn't": "haven't", "doesn't": "don't",
}
_REPEAT_SUBJECT = re.compile(r"\bthe patient('s)?\b", re.I)


def _plural_verb(word: str) -> str:
    """Verb form after "they" for a form that agreed with "the patient"."""
    trail = re.search(r"[.,;:!?]+$", word)
    if trail:
        return _plural_verb(word[: trail.start()]) + trail.group(0)
    low = word.lower()
    if low in _PLURAL_VERB:
        return _PLURAL_VERB[low]
    if low in _KEEP_VERB or low in _ADVERBS or not low.isalpha() or len(low) < 4 or not low.endswith("s"):
        return word
    if low.endswith(("ss", "us", "is")):
        return word
    if re.search(r"[^aeiou]ies$", low):
        return word[:-3] + "y"
    if re.search(r"(?:sh|ch|x|z|ss|o)es$", low):
        return word[:-2]
    return word[:-1]


def _pronouns_for_repeats(text: str, ctx: _Context) -> str:
    """Avoid "the patient thinks the patient had ...": later mentions become "they"/"them"/"their".

    Only used when the patient's gender is unknown (else the pronouns are
    already "she"/"he"). The first mention in a sentence stays "the
    patient"; a later subject becomes "they" with the verb made plural
    ("was" -> "were", "thinks" -> "think"), a later object "them" and a
    later possessive "their".
    """
    if ctx.gender != "unknown":
        return text
    matches = list(_REPEAT_SUBJECT.finditer(text))
    if len(matches) < 2:
        return text
    out: list[str] = [text[: matches[1].start()]]
    for i, m in enumerate(matches[1:], start=1):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        rest = text[m.end() : end]
        if m.group(1):
            out.append("their" + rest)
            continue
        words = rest.split(" ")
        # words[0] is "" (the space after the match); skip adverbs.
        j = 1
        while j < len(words) and words[j].lower() in _ADVERBS:
            j += 1
        following = words[j].lower().strip(",.;") if j < len(words) else ""
        before = text[: m.start()]
        if _OBJECT_BEFORE.search(before):
            subject = False
        elif _FINITE_AFTER.match(following) and following not in _NOT_VERBS:
            subject = True
        else:
            subject = bool(_CLAUSE_BEFORE.search(before))
        if subject:
            if j < len(words):
                words[j] = _plural_verb(words[j])
            out.append("they" + " ".join(words))
        else:
            out.append("them" + rest)
    return "".join(out)


# First-person -> third-person forms of frequent verbs and possessives in
# patient speech, per language. Applied on whole words; the subject pronoun
# is usually dropped in Romance languages, so changing the verb suffices.
_THIRD_PERSON_FORMS: dict[str, tuple[tuple[str, str], ...]] = {
    "es": (
        ("me duele", "le duele"), ("me duelen", "le duelen"), ("me siento", "se siente"), ("me he", "se ha"),
        ("me pica", "le pica"), ("me cuesta", "le cuesta"), ("me mareo", "se marea"), ("yo", ""),
        ("tengo", "tiene"), ("estoy", "está"), ("soy", "es"), ("tomo", "toma"), ("he", "ha"), ("siento", "siente"),
        ("noto", "nota"), ("fumo", "fuma"), ("bebo", "bebe"), ("trabajo", "trabaja"), ("vivo", "vive"),
        ("puedo", "puede"), ("hago", "hace"), ("duermo", "duerme"), ("tuve", "tuvo"), ("estuve", "estuvo"),
        ("empecé", "empezó"), ("tomé", "tomó"), ("noté", "notó"), ("fui", "fue"), ("mi", "su"), ("mis", "sus"),
    ),
    "ca": (
        ("em fa mal", "li fa mal"), ("em fan mal", "li fan mal"), ("em sento", "se sent"), ("em costa", "li costa"),
        ("jo", ""), ("tinc", "té"), ("estic", "està"), ("sóc", "és"), ("prenc", "pren"), ("he", "ha"),
        ("noto", "nota"), ("fumo", "fuma"), ("bec", "beu"), ("treballo", "treballa"), ("visc", "viu"),
        ("puc", "pot"), ("faig", "fa"), ("dormo", "dorm"), ("vaig", "va"), ("el meu", "el seu"),
        ("la meva", "la seva"), ("els meus", "els seus"), ("les meves", "les seves"),
    ),
    "pt": (
        ("dói-me", "dói-lhe"), ("me dói", "lhe dói"), ("sinto-me", "sente-se"), ("eu", ""), ("tenho", "tem"),
        ("estou", "está"), ("sou", "é"), ("tomo", "toma"), ("tive", "teve"), ("sinto", "sente"), ("noto", "nota"),
        ("fumo", "fuma"), ("bebo", "bebe"), ("trabalho", "trabalha"), ("vivo", "vive"), ("posso", "pode"),
        ("faço", "faz"), ("durmo", "dorme"), ("comecei", "começou"), ("tomei", "tomou"), ("fui", "foi"),
        ("meu", "seu"), ("minha", "sua"), ("meus", "seus"), ("minhas", "suas"),
    ),
    "it": (
        ("mi fa male", "le fa male"), ("mi fanno male", "le fanno male"), ("mi sento", "si sente"), ("io", ""),
        ("ho", "ha"), ("sto", "sta"), ("prendo", "prende"), ("sento", "sente"), ("noto", "nota"), ("fumo", "fuma"),
        ("bevo", "beve"), ("lavoro", "lavora"), ("vivo", "vive"), ("posso", "può"), ("faccio", "fa"),
        ("dormo", "dorme"), ("sono", "è"), ("il mio", "il suo"), ("la mia", "la sua"), ("i miei", "i suoi"),
        ("le mie", "le sue"),
    ),
    "fr": (
        ("j'ai", "le patient a"), ("je suis", "le patient est"), ("je me sens", "le patient se sent"),
        ("je prends", "le patient prend"), ("je fume", "le patient fume"), ("je bois", "le patient boit"),
        ("je travaille", "le patient travaille"), ("j'habite", "le patient habite"), ("je peux", "le patient peut"),
        ("je fais", "le patient fait"), ("je dors", "le patient dort"), ("je tousse", "le patient tousse"),
        ("je n'ai", "le patient n'a"), ("je ne", "le patient ne"), ("je", "le patient"), ("mon", "son"),
        ("ma", "sa"), ("mes", "ses"), ("me", "se"),
    ),
    "de": (
        ("habe ich", "hat der Patient"), ("bin ich", "ist der Patient"), ("nehme ich", "nimmt der Patient"),
        ("ich habe", "der Patient hat"), ("ich bin", "der Patient ist"), ("ich nehme", "der Patient nimmt"),
        ("ich rauche", "der Patient raucht"), ("ich trinke", "der Patient trinkt"), ("ich arbeite", "der Patient arbeitet"),
        ("ich wohne", "der Patient wohnt"), ("ich kann", "der Patient kann"), ("ich schlafe", "der Patient schläft"),
        ("ich fühle mich", "der Patient fühlt sich"), ("ich hatte", "der Patient hatte"), ("ich", "der Patient"),
        ("mein", "sein"), ("meine", "seine"), ("meinen", "seinen"), ("meinem", "seinem"), ("meiner", "seiner"),
        ("mir", "ihm"), ("mich", "sich"),
    ),
}


def _person_to_third(text: str, lang: str) -> tuple[str, bool]:
    """Rewrite a patient's first-person sentence in the third person.

    Returns the text and whether anything changed. Only listed forms are
    changed; anything else keeps the patient's wording.
    """
    forms = _THIRD_PERSON_FORMS.get(lang)
    if not forms:
        return text, False
    changed = False
    for src, dst in sorted(forms, key=lambda f: len(f[0]), reverse=True):
        pattern = re.compile(r"(?<![\w'-])" + re.escape(src) + r"(?![\w'-])", re.I)
        if pattern.search(text):
            text = pattern.sub(lambda m, d=dst: _match_case(m.group(0), d), text)
            changed = True
    return re.sub(r"\s+", " ", text).strip(), changed


def _match_case(original: str, replacement: str) -> str:
    """Capitalise ``replacement`` like ``original``'s first letter."""
    if replacement and original[:1].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def _finish(text: str, lang: str = "en") -> str:
    """Capitalise, tidy punctuation and end with a full stop."""
    text = re.sub(r"\s+", " ", text).strip(" ,;-")
    # Only English: a lone "i" is a word in Catalan ("and") and Italian ("the").
    if lang == "en":
        text = re.sub(r"\bi\b", "I", text)
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?":
        text += "."
    if text.endswith("?"):
        text = text[:-1] + "."
    return text


def _conjugate_after_subject(rest: str) -> str:
    """Make the verb at the start of ``rest`` agree with a 3rd-person subject."""
    words = rest.split(" ")
    i = 0
    while i < len(words) and words[i].lower() in _ADVERBS:
        i += 1
    if i >= len(words):
        return rest
    verb = words[i]
    low = verb.lower()
    if low in _NOT_VERBS or low.endswith("ly"):
        return rest
    if low in _THIRD_PERSON:
        words[i] = _THIRD_PERSON[low]
    elif low in _KEEP_VERB or low.endswith("ed") or low.endswith("n't") or not low.isalpha():
        pass
    elif re.match(r"^(?:[a-z]+)$", low) and low not in ("not", "never", "a", "the", "to"):
        if re.search(r"[^aeiou]y$", low):
            words[i] = verb[:-1] + "ies"
        elif re.search(r"(?:s|sh|ch|x|z|o)$", low):
            words[i] = verb + "es"
        else:
            words[i] = verb + "s"
    return " ".join(words)


# Optional adverbs followed by the verb, e.g. "really just think".
_VERB_GROUP = r"(?:(?:" + "|".join(sorted(_ADVERBS)) + r") )*\w+(?:'\w+)?"


def _swap_person(text: str, first: bool, ctx: _Context) -> str:
    """Replace first-person (``first=True``) or second-person forms by 3rd person."""
    subj = ctx.subject
    poss = ctx.possessive
    obj = ctx.obj
    refl = ctx.reflexive
    if first:
        contractions = (("i'm", "is"), ("i've", "has"), ("i'll", "will"), ("i'd", "would"))
        for c, v in contractions:
            text = re.sub(r"(?<![\w'])" + re.escape(c) + r"(?![\w'])", f"{subj} {v}", text, flags=re.I)

        def repl_i(m: re.Match[str]) -> str:
            return f"{subj} " + _conjugate_after_subject(m.group(1))

        text = re.sub(r"(?<![\w'])i (" + _VERB_GROUP + ")", repl_i, text, flags=re.I)
        text = re.sub(r"(?<![\w'])(?:my)(?![\w'])", poss, text, flags=re.I)
        text = re.sub(r"(?<![\w'])(?:myself)(?![\w'])", refl, text, flags=re.I)
        text = re.sub(r"(?<![\w'])(?:me)(?![\w'])", obj, text, flags=re.I)
        text = re.sub(r"(?<![\w'])(?:mine)(?![\w'])", f"{poss}s" if poss != "their" else "theirs", text, flags=re.I)
    else:
        contractions = (("you're", "is"), ("you've", "has"), ("you'll", "will"), ("you'd", "would"))
        for c, v in contractions:
            text = re.sub(r"(?<![\w'])" + re.escape(c) + r"(?![\w'])", f"{subj} {v}", text, flags=re.I)

        def repl_you(m: re.Match[str]) -> str:
            before = text[: m.start()].rstrip().lower()
            following = m.group(1)
            first_word = following.split(" ")[0].lower()
            at_clause_start = (
                not before
                or before.endswith((",", ";", ":"))
                or re.search(r"\b(?:and|but|that|if|so|because|when|since|as|or|then|where|until|unless|once)$", before)
                is not None
            )
            if at_clause_start or first_word in _SUBJECT_VERBS:
                return f"{subj} " + _conjugate_after_subject(following)
            return f"{obj if subj != 'the patient' else 'the patient'} {following}"

        text = re.sub(r"(?<![\w'])you (" + _VERB_GROUP + ")", repl_you, text, flags=re.I)
        text = re.sub(r"(?<![\w'])yourself(?![\w'])", refl, text, flags=re.I)
        text = re.sub(r"(?<![\w'])your(?![\w'])", poss, text, flags=re.I)
        text = re.sub(r"(?<![\w'])you(?![\w'])", obj if subj != "the patient" else "the patient", text, flags=re.I)
    return text


_LEADING_TIME = re.compile(
    r"^((?:about |around |almost |maybe )?(?:\d+|a few|a couple of|several) (?:hours?|days?|weeks?|months?|years?) ago|"
    r"last (?:night|week|month|year|\w+day)|yesterday|this (?:morning|afternoon|week)),?\s+"
    r"(the patient|she|he)\s+(?=\w)",
    re.I,
)


def _time_to_end(text: str) -> str:
    """"4 days ago she started feeling badly." -> "She started feeling badly 4 days ago."."""
    m = _LEADING_TIME.match(text)
    if not m or re.search(r"[,;]", text[m.end():]):
        return text
    rest = text[m.end():].rstrip(" .")
    return f"{m.group(2)} {rest} {m.group(1)}"


def _patient_to_note(text: str, ctx: _Context, other: bool = False) -> str:
    """"I have had pain for 3 weeks" -> "She has had pain for 3 weeks".

    Sentences without a first-person subject are introduced with "<subject>
    reports"; ones that start with a past-tense verb (the subject was
    swallowed by the ASR or the speaker: "went hiking last week") get the
    subject prepended.
    """
    low = text.lower()
    # A leading answer word goes ("Yes, I take it daily"), but "no" only when
    # it stands alone ("No, ..."): "no locking" is content.
    if len(text.split()) > 4:
        text = re.sub(
            r"^(?:(?:yes|yeah|yep)[,.]?|(?:no|nope)[,.]|(?:no|nope)(?=\s+(?:i|i'm|i've|we|it|it's|that|they|he|she|not)\b))\s+(?=\w)",
            "", text, flags=re.I,
        )
    # "my throat has been hurting me" says no more than "my throat has been hurting".
    text = re.sub(r"\b(hurting|hurts|hurt|bothering|bothers)\s+me\b", r"\1", text, flags=re.I)
    low = text.lower()
    starts_with_i = bool(re.match(r"^(?:i|i'm|i've|i'd|i'll)\b", low))
    rewritten = _swap_person(text, first=True, ctx=ctx)
    if other:
        first_word = rewritten.split(" ", 1)[0]
        if rewritten[:1].isupper() and first_word != "I" and not (len(first_word) > 1 and first_word.isupper()):
            rewritten = rewritten[0].lower() + rewritten[1:]
        return f"A family member reports that {rewritten}"
    if starts_with_i:
        return _time_to_end(rewritten)
    if ctx.gender == "unknown" and low.startswith("my "):
        # "my throat has been hurting" -> "the patient's throat has been
        # hurting" rather than "the patient reports their throat ...".
        return "the patient's " + rewritten.split(" ", 1)[1]
    first = low.split(" ", 1)[0]
    if first in _KEEP_VERB - {"can", "could", "will", "would", "should", "might", "must", "may", "had", "used"} or (
        first.endswith("ed") and first not in ("need", "bed", "red", "seed", "feed")
    ):
        return f"{ctx.subject} {rewritten}"
    if rewritten[:1].isupper() and not rewritten[:2].isupper() and rewritten.split(" ", 1)[0] not in ("I",):
        rewritten = rewritten[0].lower() + rewritten[1:]
    if _POSTPOSED_NO.search(rewritten):
        # "Joint pain, not really." is a denial: "reports joint pain, not
        # really" would read as the opposite, so the words are quoted as said.
        return f'{ctx.subject} says: "{rewritten.rstrip(".")}"'
    return f"{ctx.subject} reports {rewritten}"


# A trailing "..., not really" / "..., no" that negates what precedes it.
_POSTPOSED_NO = re.compile(r"[,\s](?:not really|no|nope|not at all|not much|none|never)[.!]?\s*$", re.I)


_CLIN_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:i'm|i am|we're|we are) (?:going to|gonna) (?:go ahead and )?", re.I), "we will "),
    (re.compile(r"^(?:i will|i'll|we'll) (?:go ahead and )?", re.I), "we will "),
    (re.compile(r"^(?:i want to|i'd like to|i would like to|let's|let us) (?:go ahead and )?", re.I), "we will "),
    (re.compile(r"\bwe will (?:we'll|we will|i'll|i will) ", re.I), "we will "),
    (re.compile(r"^(?:i (?:also |really |just )?want you to|i'd (?:also )?like you to|i would (?:also )?like you to|you (?:also )?need to|you should|i (?:also )?need you to)\b", re.I), "the patient should"),
    (re.compile(r"^i (?:don't|do not) (?:appreciate|see|hear|feel|note) (?:any )?", re.I), "no "),
    (re.compile(r"^i (?:appreciate|see|hear|feel|note|notice) ", re.I), "there is "),
    (re.compile(r"^(?:it )?(?:looks like|sounds like) ", re.I), ""),
    (re.compile(r"\bgo ahead and\b", re.I), ""),
)


_FINDING_TOPICS = frozenset({"exam", "results", "extraoral", "intraoral", "perio", "radiograph", "plaque_bleeding"})


def _clinician_to_note(text: str, ctx: _Context, findings: bool = False) -> str:
    """Rewrite a clinician statement for the note (English).

    ``findings`` enables examination phrasing ("I don't hear any murmurs" ->
    "No murmurs").
    """
    text = re.sub(r"^(?:i know|i see|i understand|i remember|i think|i guess)(?: that)?,?\s+(?=\w+ \w+)", "", text, flags=re.I)
    for pattern, repl in _CLIN_REWRITES:
        if not findings and repl in ("no ", "there is "):
            continue
        text = pattern.sub(repl, text)
    if findings and ctx.gender == "unknown":
        # "their lungs are clear" reads worse than "the lungs are clear".
        text = re.sub(r"(?<![\w'])your(?![\w'])", "the", text, flags=re.I)
    # "your" in examination and plan statements refers to the patient.
    text = _swap_person(text, first=False, ctx=ctx)
    return _time_to_end(text)


# ---------------------------------------------------------------------------
# Derived sections
# ---------------------------------------------------------------------------

_CC_PATTERNS: dict[str, tuple[str, ...]] = {
    "en": (
        # "here with" is usually a companion ("here with my daughter"), so
        # "with" only counts after "presents".
        r"\b(?:presents?|presenting)(?: today)?(?: to (?:the )?clinic(?: today)?)? (?:for|with|because of)(?: an?| her| his| the| some| a follow-up of| follow-up of| evaluation of| a evaluation of)? (.{3,80})",
        r"\b(?:here|coming in|came in|comes in|in today|referred)(?: today)?(?: to (?:the )?clinic(?: today)?)? (?:for|because of)(?: an?| her| his| the| some| a follow-up of| follow-up of| evaluation of| a evaluation of)? (.{3,80})",
        r"(?:what brings you in|reason for (?:the |your )?visit)[^.?]*?(?:is|was) (.{3,60})",
    ),
    "es": (r"(?:viene|acude|consulta) (?:hoy )?(?:por|para) (.{3,80})", r"motivo de (?:la )?consulta (?:es )?(.{3,80})"),
    "ca": (r"(?:ve|acudeix|consulta) (?:avui )?(?:per|perquè) (.{3,80})", r"motiu de (?:la )?consulta (?:és )?(.{3,80})"),
    "fr": (r"(?:vient|consulte|venez) (?:aujourd'hui )?(?:pour|à cause de) (.{3,80})", r"motif de (?:la )?consultation (?:est )?(.{3,80})"),
    "pt": (r"(?:vem|veio|recorre|consulta) (?:hoje )?(?:por|para|devido a) (.{3,80})", r"motivo da consulta (?:é )?(.{3,80})"),
    "de": (r"(?:kommen|kommt|stellt sich) (?:heute )?(?:wegen|mit) (.{3,80})", r"grund (?:ihres|des) besuch\w* (?:ist )?(.{3,80})"),
    "it": (r"(?:viene|è venut[oa]|si presenta) (?:oggi )?(?:per|a causa di) (.{3,80})", r"motivo della visita (?:è )?(.{3,80})"),
}
_CC_STOP = re.compile(
    r"\s(?:and (?:i|we|you|she|he|it|so|that|also)|so|but|which|that's|okay|how|is|are|was|i|we|because|who|and has|"
    r"and that|since|today|now|accompanied|also|has|had|have|can|could|would|tell|what|with an? (?:past )?(?:medical )?history|"
    r"with (?:her|his|my|your|their) (?:mother|father|wife|husband|daughter|son|partner|friend|mom|dad))\b|[,.?!;]",
    re.I,
)


def _chief_complaint(sentences: list[_Sentence], ctx: _Context, evidence: list[int] | None = None) -> str:
    """Short reason for visit, as a noun phrase ("Sore throat for 4 days.").

    In order of preference: what the clinician says the visit is for ("here
    for ...", "presents with ..."); (English) the symptom the clinician names
    when opening the visit ("I heard you're having a sore throat") or the
    patient names in answer to the opening question, with its duration when
    the patient gives one; the first symptom of the visit; for other
    languages the patient's first symptom statement. A clause that is not a
    complaint ("was jumping on a trampoline") is never used. Empty when none
    applies. The turn indices the phrase comes from are appended to
    ``evidence`` when given.
    """
    ev = evidence if evidence is not None else []
    pats = [re.compile(p, re.I) for p in _CC_PATTERNS.get(ctx.src_lang, _CC_PATTERNS["en"])]
    for s in sentences[:80]:
        if not s.text:
            continue
        for p in pats:
            m = p.search(s.text)
            if not m:
                continue
            phrase = _CC_STOP.split(m.group(1))[0].strip()
            if ctx.src_lang == "en":
                phrase = re.sub(r"(?<![\w'])(?:your|my|his|her|their)\s+(?=\w)", "", phrase, flags=re.I)
                phrase = re.sub(
                    r"^(?:(?:evaluation of|complaints? of|c/o|concerns? (?:about|of)|an?|some|the|this|that)\s+)+",
                    "", phrase, flags=re.I,
                )
                phrase = re.sub(r"\s+(?:of|in|for|to|with|and|or|at|on|from|about|like|the|an?|some|any)$", "", phrase, flags=re.I)
                if not _is_noun_phrase(phrase):
                    continue
            phrase = _drop_vocatives(phrase, ctx)
            if _content_words(phrase, ctx.src_lang) >= 1 and len(phrase.split()) <= 10:
                ev.append(s.turn)
                return _finish(phrase, ctx.src_lang)
    if ctx.src_lang == "en":
        phrase = _chief_complaint_en(sentences, ev)
        if phrase:
            phrase = _swap_person(_swap_person(phrase, first=False, ctx=ctx), first=True, ctx=ctx)
        return _finish(phrase, ctx.src_lang) if phrase else ""
    opening = _opening_answer(sentences)
    if opening is not None:
        found = _affirmed_symptoms(opening.text, ctx.src_lang, opening.speaker)
        if found:
            ev.append(opening.turn)
            return _finish(_ros_display(found[0][1], ctx.src_lang), ctx.src_lang)
        text = _person_to_third(_trim_complaint(opening.text, ctx.src_lang), ctx.src_lang)[0]
        if _content_words(text, ctx.src_lang) >= 1:
            ev.append(opening.turn)
            return _finish(text, ctx.src_lang)
    # The first symptom the patient mentions without negating it.
    neg = re.compile(r"\b(?:no|not|never|don't|haven't|denies|sin|sans|ohne|senza|sem|sense|nicht|kein\w*|pas|non|não)\b", re.I)
    for s in sentences[:25]:
        if s.speaker == PATIENT and s.text and not neg.search(s.text) and s.answer_polarity >= 0:
            found = _affirmed_symptoms(s.text, ctx.src_lang, s.speaker)
            if found:
                ev.append(s.turn)
                return _finish(_ros_display(found[0][1], ctx.src_lang), ctx.src_lang)
    # The patient's first symptom statement.
    for s in sentences[:60]:
        if (
            s.speaker == PATIENT and s.scores.get("hpi", 0) >= 0.7 and not s.is_question and s.answer_polarity >= 0
            and not clinical_lexicon.mentions_third_party(s.text, ctx.src_lang)
        ):
            phrase = " ".join(s.text.split()[:14])
            ev.append(s.turn)
            return _finish(phrase, ctx.src_lang)
    return ""


_GREETING_NAME = re.compile(
    r"\b(?:hi|hey|hello|good (?:morning|afternoon|evening)|morning|afternoon|hola|bonjour|buongiorno|bom dia|"
    r"guten (?:tag|morgen)|bon dia|buenos días)[,!.]?\s+(?:there\s+)?(?:(?:mrs|mr|ms|miss|mister|dr|doctor|señora?|senhora?|"
    r"madame|monsieur|frau|herr|signora?)\.?\s+)?([^\W\d_]+)",
    re.I,
)
_NOT_NAMES = frozenset(
    "how there doctor doc everyone everybody good nice it's i'm so again guys all thanks thank you yes yeah okay ok "
    "um uh nice come welcome".split()
)


def _greeted_names(turns: Sequence[Turn]) -> frozenset[str]:
    """Names said right after a greeting in the first turns ("hi teresa")."""
    names = set()
    for turn in turns[:12]:
        for m in _GREETING_NAME.finditer(turn.text):
            if m.group(1).lower() not in _NOT_NAMES:
                names.add(m.group(1).lower())
    return frozenset(names)


def _drop_vocatives(phrase: str, ctx: _Context) -> str:
    """Remove a trailing name the speakers greeted each other with ("... twitch karen")."""
    words = phrase.split()
    if len(words) >= 2 and words[-1].lower().strip(".,") in ctx.names:
        return " ".join(words[:-1])
    return phrase


# English chief complaint ---------------------------------------------------

# The clinician naming the problem when opening the visit: "I heard you're
# having a sore throat", "it looks like you hurt your left ankle".
_CLIN_OPENING = re.compile(
    r"\b(?:you(?:'re| are| were) (?:having|experiencing|dealing with|struggling with|suffering from|here (?:for|with|about|because of)|"
    r"coming in (?:for|with|about)|in (?:for|with))|you(?:'ve| have) (?:been )?(?:having|had|got|experiencing|noticed|dealing with)|"
    r"you (?:hurt|injured|twisted|sprained|broke|fractured|cut|burned|hit|fell|rolled|jammed)|"
    r"(?:heard|hear|told me|see|says|said|understand|notified|mentioned|noticed|looks like|seems like)(?: that)? you)",
    re.I,
)
_NP_BODY = (
    r"(?:lower back|upper back|big toe|back|foot|feet|knees?|hips?|shoulders?|neck|wrists?|hands?|fingers?|arms?|elbows?|"
    r"ankles?|legs?|chest|head|abdomen|belly|stomach|throat|ears?|eyes?|tooth|teeth|molar|jaw|gums?|skin|toes?|thumbs?|"
    r"calf|calves|thighs?|groin|side|face|nose|mouth|tongue|lips?|heel|scalp|ribs?|pelvis|bladder)"
)
_NP_PRE = r"(?:(?:my|your|his|her|their|the|both|both of my|both of your)\s+)?(?:(?P<side>right|left|both)\s+)?"
_BODY_HURTS = re.compile(
    r"\b" + _NP_PRE + r"(?P<body>" + _NP_BODY + r")\s+(?:(?:is|are|has been|have been|'s been|'s|keeps?|started|was|were|"
    r"still|been|is still|has|have|gets?|got|kind of|kinda)\s+)*(?:(?:really|very|so|a little|a bit|extremely|pretty|just|super|"
    r"still|always|constantly|quite)\s+)*(?:hurting|hurts|hurt|aching|aches|sore|killing (?:me|him|her|them)|bothering|painful|throbbing)\b",
    re.I,
)
_BODY_INJURY = re.compile(
    r"\b(?:hurt|injured|twisted|sprained|broke|fractured|jammed|bruised|banged|rolled|strained|cut|burned|burnt)\s+"
    r"(?:my|your|his|her|their|the)\s+(?:(?P<side>right|left)\s+)?(?P<body>" + _NP_BODY + r")\b",
    re.I,
)
_BODY_PROBLEM = re.compile(
    r"\b(?:problems?|issues?|trouble)\s+(?:with|in)\s+(?:my|your|his|her|their|the)\s+(?:(?P<side>right|left|both)\s+)?"
    r"(?P<body>" + _NP_BODY + r")\b",
    re.I,
)
# Complaints said as a clause that have a usual noun-phrase name.
_NAMED_COMPLAINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bblood pressures? (?:has been |have been |is |are |was |were |'s been |been |running |keeps? )*"
                r"(?:(?:really|very|quite|pretty|so|a little|a bit|too)\s+)*(?:high|elevated|up)\b", re.I), "high blood pressure"),
    (re.compile(r"\b(?:blood )?sugars? (?:has been |have been |is |are |was |were |'s been |been |running |keeps? )*"
                r"(?:(?:really|very|quite|pretty|so|a little|a bit|too)\s+)*(?:high|elevated|up)\b", re.I), "high blood sugar"),
    (re.compile(r"\b(?:quit|quitting|stop|stopping) smoking\b", re.I), "smoking cessation"),
)
_BARE_SYMPTOM = re.compile(
    r"\b(?:pain|ache|aching|swelling|numbness|tingling|bleeding|burning|itching|discharge|stiffness|sensitivity|lump|"
    r"rash|soreness|tenderness|weakness|pressure)\s+(?:when|with|after|in|on|at|around|over|while|whenever|if)\s[^,;.?!]{3,80}",
    re.I,
)
_GERUND = {"swallow": "swallowing", "breathe": "breathing", "walk": "walking", "sleep": "sleeping", "pee": "peeing",
           "urinate": "urinating", "eat": "eating", "chew": "chewing", "talk": "talking", "speak": "speaking",
           "hear": "hearing", "see": "seeing", "move": "moving", "stand": "standing", "concentrate": "concentrating"}
_DIFFICULTY = re.compile(
    r"\b(?:(?P<kind>difficulty|trouble|problems?|a hard time|hard time|pain with|pain when)\s+(?:with\s+|when\s+)?"
    r"(?P<act>swallowing|breathing|urinating|peeing|sleeping|walking|hearing|seeing|speaking|talking|concentrating|eating|"
    r"chewing|standing|moving)"
    r"|(?:it's|it is|it's been|it has been)?\s*(?P<adj>hard|difficult|painful|hurts|tough) to (?P<verb>" + "|".join(_GERUND) + r"))\b",
    re.I,
)
_NP_NEGATED = re.compile(r"\b(?:no|not|denies|without|never|don't|didn't|haven't|hasn't|isn't|aren't|wasn't|any)\b[^.,;]*$", re.I)
_DURATION = re.compile(
    r"\b(?:(?P<for>for|over|in)\s+(?:(?:about|around|almost|nearly|roughly|maybe|probably|at least|more than|over|"
    r"like|the (?:past|last))\s+)*(?P<n>\d+|a|an|a few|a couple(?: of)?|several|couple of)\s+(?P<unit>hours?|days?|weeks?|months?|years?)"
    r"|since\s+(?P<since>yesterday|last (?:night|week|month|year|\w+day)|this (?:morning|week)|(?:mon|tues|wednes|thurs|fri|satur|sun)day))\b",
    re.I,
)


def _complaint_np(text: str) -> tuple[str, int]:
    """The first complaint named in ``text`` as a noun phrase, and where it ends.

    "my right knee has been hurting" -> "right knee pain"; "I twisted my
    ankle" -> "ankle injury"; "it's hard to swallow" -> "difficulty
    swallowing"; "I have a cough" -> "cough". Negated mentions ("no chest
    pain") are skipped. Returns ``("", -1)`` when there is none.
    """
    found: list[tuple[int, int, str]] = []

    def ok(start: int) -> bool:
        if _NP_NEGATED.search(text[max(0, start - 30) : start]):
            return False
        scope = clinical_lexicon.scope_of(text, start, "en")
        return not (scope.negated or scope.conditional or scope.third_party)

    def side_of(m: re.Match[str], body: str) -> str:
        side = m.group("side")
        if not side:
            near = re.search(r"\b(right|left)\s+(?:\w+\s+)?" + re.escape(body) + r"\b", text, re.I)
            side = near.group(1) if near else ""
        return "bilateral" if (side or "").lower() == "both" else (side or "").lower()

    for m in _SYMPTOM_NP.finditer(text):
        if ok(m.start()):
            if m.group("sym1"):
                side, body, sym = m.group("side1"), m.group("body1"), m.group("sym1")
            else:
                side, body, sym = m.group("side2"), m.group("body2"), m.group("sym2")
            if not side:
                near = re.search(r"\b(right|left)\s+(?:\w+\s+)?" + re.escape(body) + r"\b", text, re.I)
                side = near.group(1) if near else None
            found.append((m.start(), m.end(), " ".join(w for w in (side, body, sym) if w).lower()))
            break
    for m in _BODY_HURTS.finditer(text):
        if ok(m.start()):
            body = m.group("body").lower()
            if body == "throat" and re.search(r"\bsore\b", m.group(0), re.I):
                phrase = "sore throat"  # the usual name of "my throat is sore"
            else:
                phrase = " ".join(w for w in (side_of(m, body), body, "pain") if w)
            found.append((m.start(), m.end(), phrase))
            break
    for m in _BODY_INJURY.finditer(text):
        if ok(m.start()):
            body = m.group("body").lower()
            found.append((m.start(), m.end(), " ".join(w for w in (side_of(m, body), body, "injury") if w)))
            break
    for m in _BODY_PROBLEM.finditer(text):
        if ok(m.start()):
            body = m.group("body").lower()
            found.append((m.start(), m.end(), " ".join(w for w in (side_of(m, body), body, "problems") if w)))
            break
    for pattern, label in _NAMED_COMPLAINTS:
        m = pattern.search(text)
        if m and ok(m.start()):
            found.append((m.start(), m.end(), label))
            break
    for m in _DIFFICULTY.finditer(text):
        if ok(m.start()):
            if m.group("act"):
                kind = m.group("kind").lower()
                phrase = f"{'pain with' if kind.startswith('pain') else 'difficulty'} {m.group('act').lower()}"
            else:
                act = _GERUND[m.group("verb").lower()]
                phrase = f"{'pain with' if m.group('adj').lower() in ('painful', 'hurts') else 'difficulty'} {act}"
            found.append((m.start(), m.end(), phrase.replace("peeing", "urinating")))
            break
    for system, term in _symptoms_in(text, "en"):
        at = text.lower().find(term.lower())
        if at >= 0 and ok(at):
            found.append((at, at + len(term), _ros_display(term, "en")))
            break
    if not found:
        # A bare symptom with what qualifies it: "pain when I bite down on the left side".
        for m in _BARE_SYMPTOM.finditer(text):
            if ok(m.start()):
                phrase = re.split(r"\s(?:and|but|so|because|since|it|which|that)\s|[,;.?!]", m.group(0))[0]
                phrase = re.sub(r"\s+(?:of|in|for|to|with|and|or|at|on|from|about|like|the|an?|some|any|my|your)$", "", phrase)
                if len(phrase.split()) <= 10:
                    found.append((m.start(), m.start() + len(phrase), phrase))
                break
    if not found:
        return "", -1
    # The earliest mention; on a tie the longest (most specific) phrase.
    start, end, phrase = min(found, key=lambda f: (f[0], -len(f[2])))
    return phrase, end


def _duration_after(texts: list[str]) -> str:
    """First duration ("for about 2 weeks", "since yesterday") in ``texts``."""
    for text in texts:
        m = _DURATION.search(text)
        if m and _symptoms_in(text[: m.start()], "en"):
            # "... sore and I have a fever since yesterday": the duration
            # belongs to another symptom.
            return ""
        if m:
            if m.group("since"):
                return f"since {m.group('since').lower()}"
            words = m.group(0).split()
            # Drop hedges that are fillers in speech ("for like 2 weeks").
            words = [w for w in words if w.lower() not in ("like", "maybe", "probably")]
            if words[0].lower() in ("over", "in") and words[1].lower() not in ("the",):
                words[0] = "for"
            return " ".join(words).lower()
    return ""


_NOT_NP = re.compile(
    r"\b(?:is|are|was|were|am|been|being|has|have|had|do|does|did|i|we|you|they|he|she|it|i'm|it's|went|got|get|"
    r"going|will|would|can|could|should|said|says|think|thinks)\b",
    re.I,
)


def _is_noun_phrase(phrase: str) -> bool:
    """False for clauses ("was jumping on ...") and dangling fragments ("follow up of")."""
    if not phrase or _NOT_NP.search(phrase):
        return False
    return not re.search(r"\b(?:of|in|for|to|with|and|or|at|on|from|about|like|the|an?|some|any|their|his|her)$", phrase, re.I)


def _chief_complaint_en(sentences: list[_Sentence], ev: list[int]) -> str:
    """English complaint phrase when no explicit reason for visit was said.

    The symptom the clinician names when opening the visit, else the one
    the patient names in answer to the opening question or in the first
    sentences, else the first one the clinician names; with the duration
    the patient gives in the same turn. Appends the turns used to ``ev``.
    """
    opening = _opening_answer(sentences)
    limit = opening.idx if opening is not None else min(len(sentences), 12)

    def turn_texts(sent: _Sentence, after: int) -> list[str]:
        """Rest of ``sent`` after the complaint, then the rest of its turn."""
        later = [s.text for s in sentences[sent.idx + 1 : sent.idx + 4] if s.turn == sent.turn and s.text]
        return [sent.text[after:]] + later

    def with_duration(phrase: str, texts: list[str]) -> str:
        duration = _duration_after(texts)
        return f"{phrase} {duration}" if duration else phrase

    for s in sentences[: limit + 1]:
        if s.speaker != CLINICIAN or not s.text:
            continue
        m = _CLIN_OPENING.search(s.text)
        if not m:
            continue
        phrase, _ = _complaint_np(s.text[m.start() :])
        if phrase:
            texts: list[str] = []
            if opening is not None:
                answer = opening.text.lower()
                key_words = [w for w in phrase.split() if w not in ("right", "left", "bilateral", "pain", "injury")]
                if any(w in answer for w in key_words) or not key_words:
                    texts = turn_texts(opening, 0)
            ev.append(s.turn)
            duration = with_duration(phrase, texts)
            if duration != phrase and opening is not None:
                ev.append(opening.turn)
            return duration
    candidates = ([opening] if opening is not None else []) + [s for s in sentences[:30] if s.speaker == PATIENT]
    for s in candidates:
        if not s.text or s.answer_polarity < 0:
            continue
        phrase, end = _complaint_np(s.text)
        if phrase:
            ev.append(s.turn)
            return with_duration(phrase, turn_texts(s, end))
    for s in sentences[:30]:
        if s.speaker == CLINICIAN and s.text and not s.is_question:
            phrase, _ = _complaint_np(s.text)
            if phrase:
                ev.append(s.turn)
                return phrase
    return ""


_SYMPTOM_NOUNS = (
    r"(?:pain|aches?|ulcers?|rash|swelling|numbness|tingling|cough|fevers?|headaches?|dizziness|fatigue|nausea|"
    r"vomiting|diarrhea|constipation|bleeding|lump|mass|lesions?|wound|injury|shortness of breath|sore throat|"
    r"congestion|weakness|palpitations|reflux|heartburn|insomnia|burning|itching|discharge|stiffness|spasms?|"
    r"sprain|fracture|infection|toothache|sensitivity|crack|abscess|tenderness|redness)"
)
_BODY_PARTS = (
    r"(?:foot|feet|knee|knees|hip|hips|back|lower back|shoulder|neck|wrist|hand|hands|fingers?|arm|elbow|ankle|"
    r"leg|legs|chest|head|abdomen|belly|stomach|throat|ears?|eyes?|tooth|teeth|molar|jaw|gums?|skin|toes?|thumb|"
    r"calf|thigh|groin|side|face|nose|mouth|tongue|lip)"
)
_BODY_MOD = r"(?:(?:middle|index|ring|little|pinky|big|great|lower|upper|inner|outer|front)\s+)?"
_SYMPTOM_NP = re.compile(
    r"\b(?:(?P<side1>right|left|bilateral)\s+)?(?P<body1>" + _BODY_MOD + _BODY_PARTS + r")\s+(?P<sym1>" + _SYMPTOM_NOUNS + r")\b"
    r"|\b(?P<sym2>" + _SYMPTOM_NOUNS + r")\s+(?:in|on|of|around|at|over|behind|under)\s+(?:the\s+(?:\w+\s+){1,2}of\s+)?"
    r"(?:my|your|the|his|her|their)\s+(?:(?P<side2>right|left)\s+)?(?P<body2>" + _BODY_MOD + _BODY_PARTS + r")\b",
    re.I,
)


_OPENING_Q: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\b(?:what brings you|what's going on|what is going on|how can i help|what can i do for you|what seems to be|what's the problem|what happened|tell me (?:about|what))", re.I),
    "es": re.compile(r"\b(?:qué le trae|qué le pasa|qué le ocurre|en qué (?:le )?puedo ayudar|cuénteme|qué tal está)", re.I),
    "ca": re.compile(r"\b(?:què l'porta|què li passa|en què (?:l'|el )?puc ajudar|expliqui'm|què el porta|què la porta)", re.I),
    "fr": re.compile(r"\b(?:qu'est-ce qui vous amène|qu'est-ce qui ne va pas|que puis-je faire|racontez-moi|qu'est-ce qui se passe)", re.I),
    "pt": re.compile(r"\b(?:o que o traz|o que a traz|o que se passa|em que posso ajudar|conte-me|o que aconteceu)", re.I),
    "de": re.compile(r"\b(?:was führt sie|was fehlt ihnen|wie kann ich ihnen helfen|was kann ich für sie tun|erzählen sie)", re.I),
    "it": re.compile(r"\b(?:cosa la porta|che cosa la porta|cosa succede|come posso aiutarla|mi racconti|qual è il problema)", re.I),
}


_COMPLAINT_LEAD: dict[str, str] = {
    "en": r"^(?:well,? )?(?:i've been having|i have been having|i've had|i have had|i'm having|i am having|i have|i've got|i got|"
    r"there's|there is|it's|it is|my|i)\s+(?:an? |some |this |these |that )?",
    "es": r"^(?:pues,? )?(?:tengo|me duele|he tenido|estoy con)\s+(?:una? |algo de )?",
    "ca": r"^(?:doncs,? )?(?:tinc|em fa mal|he tingut)\s+(?:una? |una mica de )?",
    "fr": r"^(?:j'ai|je suis|depuis)\s+(?:une? |des |mal )?",
    "pt": r"^(?:tenho|tive|estou com|dói-me)\s+(?:uma? |umas? )?",
    "de": r"^(?:ich habe|ich hab|seit)\s+(?:eine?n? )?",
    "it": r"^(?:ho|ho avuto|mi fa male)\s+(?:una? |un po' di )?",
}


def _trim_complaint(text: str, lang: str) -> str:
    """Shorten a patient's opening answer to the complaint itself.

    "I have pain when I bite down, it started a week ago" -> "pain when I
    bite down".
    """
    text = re.sub(_COMPLAINT_LEAD.get(lang, _COMPLAINT_LEAD["en"]), "", text.strip(), flags=re.I)
    conj = {
        "en": r"and it|it started|since|so|but|and i|and my",
        "es": r"y|pero|desde",
        "ca": r"i|però|des de",
        "fr": r"et|mais|depuis",
        "pt": r"e|mas|desde",
        "de": r"und|aber|seit",
        "it": r"e|ma|da",
    }.get(lang, r"and|but")
    text = re.split(r"[,;.]|\s(?:" + conj + r")\s", text, maxsplit=1, flags=re.I)[0]
    return " ".join(text.split()[:12])


def _opening_answer(sentences: list[_Sentence]) -> "_Sentence | None":
    """The patient's first sentence after the clinician's opening question."""
    for i, s in enumerate(sentences[:40]):
        if s.speaker != CLINICIAN:
            continue
        pattern = None
        for lang_pattern in _OPENING_Q.values():
            if lang_pattern.search(s.text):
                pattern = lang_pattern
                break
        if pattern is None:
            continue
        for nxt in sentences[i + 1 : i + 6]:
            if nxt.speaker == PATIENT and nxt.text and _content_words(nxt.text, "en") >= 2:
                return nxt
        return None
    return None


_ROS_Q_PREFIX = re.compile(
    r"^(?:and |so |now |any other )*(?:(?:do|did|have|has|are|were|is|was) (?:you|there) (?:been )?(?:had |having |have |had any |noticed |notice |experienced |experience |feel |felt |get |got |seen |see |diagnosed with |told (?:that )?you have |any )*|"
    r"(?:any|anything like|what about|how about|no) )*(?:any |some )?",
    re.I,
)


_YN_PREFIX: dict[str, str] = {
    "es": r"^(?:¿\s*)?(?:y |ha |usted )*(?:tiene|tenido|notado|nota|siente|sentido|toma|tomado|hay|presenta)(?: usted)?(?: algún| alguna| algo de| alguno)?\s+",
    "ca": r"^(?:¿\s*)?(?:i |ha |vostè )*(?:té|tingut|notat|nota|sent|sentit|pren|pres|hi ha|presenta)(?: vostè)?(?: algun| alguna| cap)?\s+",
    "fr": r"^(?:et )?(?:est-ce que vous avez|avez-vous|vous avez|ressentez-vous|prenez-vous|vous prenez)(?: eu)?(?: des| de la| du| un| une| d')?\s*",
    "pt": r"^(?:e )?(?:tem|teve|sente|sentiu|notou|toma|tomou|há)(?: algum| alguma| alguns| algumas)?\s+",
    "de": r"^(?:und )?(?:haben sie|hatten sie|nehmen sie|spüren sie|gibt es)(?: irgendwelche| auch| noch)?\s+",
    "it": r"^(?:e )?(?:ha|ha avuto|ha notato|sente|prende|c'è)(?: qualche| dei| delle)?\s+",
}


def _wh_answer_statement(question: str, answer: str) -> str:
    """Statement for a short answer to a severity or duration question (English).

    "How bad is the pain on a scale of 1 to 10?" + "Around 7." ->
    "rates the pain around 7 out of 10"; "How long have you had the cough?" +
    "About 2 weeks." -> "has had the cough for about 2 weeks". Returns ``""``
    for anything else.
    """
    if len(answer.split()) > 8:
        return ""
    q = question.lower().rstrip("?. ")
    a = answer.rstrip(". ")
    if a[:1].isupper() and not a[:2].isupper():
        a = a[0].lower() + a[1:]
    sev = re.search(r"\b(?:how (?:bad|severe|strong|intense) is|rate) (?:the |your |this |that )?(\w+(?: \w+)?)", q)
    if sev and re.search(r"\d", a):
        thing = re.sub(r"\s+(?:on|now|today|right)$", "", sev.group(1))
        scale = re.search(r"(\d+) (?:to|out of) (\d+)", q)
        if scale and "out of" not in a and not re.search(r"\d+ (?:to|out of) \d+", a):
            a = f"{a} out of {scale.group(2)}"
        return f"rates your {thing} {a}"
    dur = re.search(r"\bhow long (?:have|has) (?:you|it|this|that|the \w+) (?:had |been (?:having |going on|there)?)?\s*(.*)", q)
    if dur and re.match(r"^(?:about|around|for|maybe|probably|almost|over|more than|like|since|a |an |\d|few|couple|several)", a, re.I):
        thing = dur.group(1).strip() or "the symptoms"
        a = re.sub(r"^(?:like|maybe|probably)\s+", "", a, flags=re.I)
        if a.lower().startswith("since"):
            return f"reports {thing} {a}"
        if not a.lower().startswith("for"):
            a = f"for {a}"
        return f"reports {thing} {a}"
    return ""


# Answers that carry no meaning without their question: unsure ("I'm not
# sure"), or a yes/no / pronoun reply ("Yes, stop it 7 days before").
_HEDGE_ANSWER = re.compile(
    r"^(?:i'm not sure|i am not sure|not sure|i don't know|i do not know|i can't remember|i don't remember|maybe|perhaps|"
    r"no sé|no estoy segur[oa]|no ho sé|je ne sais pas|pas sûr|não sei|ich weiß (?:es )?nicht|non lo so|non so)\b",
    re.I,
)
_ANSWER_ONLY_WITH_QUESTION = re.compile(
    r"^(?:yes|no|yeah|yep|nope|sure|correct|right|sí|si|no|oui|non|sim|não|ja|nein|sì)\b|"
    r"\b(?:stop|take|keep|use|do|continue|start|hold|skip|avoid|try|restart|increase|decrease)\s+(?:it|that|them|those|this)\b",
    re.I,
)

_CONTRAST_WORD = re.compile(r"\b(?:but|although|though|except|however|pero|però|mais|mas|aber|ma|sondern)\b", re.I)
_CLAUSE_START = re.compile(
    r"^(?:i|i'm|i've|i'd|she|she's|he|he's|it|it's|they|they're|we|we're|my|her|his|their|our|yo|je|j'|ich|eu|io)\b", re.I
)
_CONTRAST_START = re.compile(r"^(?:but|although|though|except|pero|però|mais|mas|aber|ma|però)\b[\s,]*", re.I)


def _answer_statement(
    question: str, rest: str, polarity: int, lang: str, answer: str = "", turn_text: str = "", named_only: bool = False
) -> tuple[str, str]:
    """Statement for a short yes/no answer and the part of the answer that stands apart.

    Args:
        question: The clinician's yes/no question.
        rest: The answer without its yes/no word ("penicillin", "but no
            chills", "but my ankles swell", "").
        polarity: +1 yes, -1 no.
        lang: Transcript language.
        answer: The whole answer sentence (with its yes/no word), where the
            scope of a symptom it names is read ("No rash." negates rash).
        turn_text: The whole answer turn: a symptom of the question named in
            a later sentence of the turn ("No rash. The itching is bad.")
            is decided there, not by the yes/no.
        named_only: The no is a determiner ("no nausea"): symptoms of the
            question the answer does not name get no polarity.

    Returns:
        ``(derived, apart)``: ``derived`` is the note statement ("reports
        allergies to medications: penicillin", "reports fever and denies
        chills"; ``""`` when the question is not a yes/no question about a
        thing); ``apart`` is a contrast clause that must become a sentence of
        its own ("my ankles swell"), else ``""``. Symptoms of the question
        that the answer mentions take the polarity of their own clause, the
        others the yes/no.
    """
    contrast = _CONTRAST_START.match(rest)
    answer = answer or rest
    q_syms = _asked_symptoms(question, lang)
    said = {t.lower(): (system, start, end) for system, t, start, end in _symptom_spans(answer, lang)}
    elsewhere = {t.lower() for _, t in _symptoms_in(turn_text, lang)} - set(said)
    q_syms = [(system, t) for system, t in q_syms if t.lower() not in elsewhere]
    if (q_syms and any(t.lower() in said for _, t in q_syms)) or elsewhere:
        pos: list[str] = []
        neg: list[str] = []
        for _, term in q_syms:
            if term.lower() in said:
                _, start, end = said[term.lower()]
                scope = clinical_lexicon.scope_of(answer, start, lang, end=end)
                if scope.hedged or scope.conditional:
                    continue
                # "No, nothing of fever": the leading no covers the symptom
                # unless a contrast word comes between ("No, but ...").
                covered_by_no = polarity < 0 and not _CONTRAST_WORD.search(answer[:start])
                (neg if scope.negated or covered_by_no else pos).append(_ros_display(term, lang))
            elif not named_only:
                (pos if polarity > 0 else neg).append(_ros_display(term, lang))
        reports = _REPORTS.get(lang, "Reports").lower()
        denies = _DENIES.get(lang, "Denies").lower()
        conj = {"en": "and", "es": "y", "ca": "i", "fr": "et", "pt": "e", "de": "und", "it": "e"}.get(lang, "and")
        bits = []
        if pos:
            bits.append(f"{reports} {_join(pos, lang)}")
        if neg:
            bits.append(f"{denies} {_join(neg, lang)}")
        derived = f" {conj} ".join(bits)
        q_terms = {t.lower() for _, t in q_syms}
        others = [t for t in said if t not in q_terms]
        return derived, (rest[contrast.end():] if contrast else rest) if others else ""
    base = _yes_no_statement(question, polarity, lang)
    if not rest or _content_words(rest, lang) == 0:
        return base, ""
    if not base and _CLAUSE_START.match(rest):
        # "Is she drinking okay?" - "Yes, she's drinking fine.": the answer is
        # a full statement of its own.
        return "", rest
    if not base and polarity > 0 and not contrast:
        # "Allergies to medications?" - "Yes, penicillin.": the question is
        # the label of what the answer names.
        label = question.strip().lstrip("¿").rstrip("?. ").strip()
        label = label[:1].lower() + label[1:]
        return f"{_REPORTS.get(lang, 'Reports').lower()} {label}: {rest}", ""
    if contrast or polarity < 0 or not base:
        return base, rest[contrast.end():] if contrast else rest
    # "Yes, penicillin." / "Yes, metformin.": what the yes names is the fact.
    if lang == "en":
        base = re.sub(r"\b(?:any|some)\s+", "", base, flags=re.I)
    return f"{base}: {rest}", ""


# A symptom the question takes as given ("any nausea *with the belly pain*?"):
# a yes/no answer is not about it.
_PRESUPPOSED = re.compile(
    r"\b(?:with|besides|other than|apart from|except|along with|because of|from|since|after|con|además de|aparte de|"
    r"amb|a part de|avec|en plus de|com|além de|mit|außer|neben|oltre a|a parte)\s+(?:the|your|this|that|el|la|los|las|"
    r"le|les|o|a|os|as|der|die|das|dem|den|il|lo|i|gli|su|sus|vostre|votre|vos|seu|sua|ihre[mn]?|suo|sua)?\s*$",
    re.I,
)


def _asked_symptoms(question: str, lang: str) -> list[tuple[str, str]]:
    """Symptoms a yes/no question asks about (not the ones it presupposes)."""
    return [
        (system, term) for system, term, start, _ in _symptom_spans(question, lang)
        if not _PRESUPPOSED.search(question[:start])
    ]


def _yes_no_statement(question: str, polarity: int, lang: str) -> str:
    """Statement for a bare yes/no answer: "any chest pain?" + "no" -> "denies chest pain".

    Returns ``""`` when the question is not a yes/no question about a thing
    (e.g. "how long has it been going on?"), because the answer alone would
    be meaningless.
    """
    q = question.rstrip("?. ").strip()
    if lang == "en":
        family = re.match(
            r"^(?:and |so )?(?:does|do|did|has|have|is|was) (?:anyone|anybody|someone|any(?:one|body) else) in (?:your|the) family "
            r"(?:ever )?(?:have|has|had|got|suffer from|suffered from)\s+(?:any |an? )?(.+)$|"
            r"^(?:and |so )?(?:is there|was there|any|do you have an?y?) (?:a |any )?family history of\s+(?:any |an? )?(.+)$",
            q, re.I,
        )
        if family:
            verb = "reports" if polarity > 0 else "denies"
            return f"{verb} family history of {(family.group(1) or family.group(2)).strip()}"
        if not re.match(r"^(?:and |so |now |any other )*(?:do|did|have|has|are|were|is|was|any|anything|no)\b", q, re.I):
            return ""
        if re.match(r"^(?:and |so |now )*(?:do|does|did|have|has|are|is|was|were)\s+(?:she|he|they|it|the baby|your (?:son|daughter|child|baby))\b", q, re.I):
            # "Is she drinking okay?": about someone or something else; the
            # answer says it in its own words.
            return ""
        subject = _ROS_Q_PREFIX.sub("", q)
        subject = re.sub(r"\b(?:or )?(?:anything (?:like that|else)|at all|lately|recently|any of that)\b", "", subject, flags=re.I)
        subject = subject.strip(" ,")
        if not subject or len(subject.split()) > 14 or subject.lower().startswith(("you ", "it ", "that ", "this ")):
            return ""
        verb = "reports" if polarity > 0 else "denies"
        return f"{verb} {subject}"
    prefix = _YN_PREFIX.get(lang)
    if prefix is None:
        return ""
    q = q.lstrip("¿ ")
    m = re.match(prefix, q, re.I)
    if not m:
        return ""
    subject = q[m.end():].strip(" ,")
    if not subject or len(subject.split()) > 14:
        return ""
    word = (_REPORTS if polarity > 0 else _DENIES).get(lang, "")
    return f"{word} {subject}"


# Spoken symptom wording -> note wording (English). Same meaning, only the
# form changes ("swelling in your legs" -> "leg swelling").
_ROS_DISPLAY_EN: dict[str, str] = {
    "chest pains": "chest pain",
    "swelling in your legs": "leg swelling",
    "swelling in my legs": "leg swelling",
    "swelling in your ankles": "ankle swelling",
    "harm yourself": "thoughts of self-harm",
    "hurt yourself": "thoughts of self-harm",
    "short of breath": "shortness of breath",
    "blood in your stool": "blood in stool",
    "blood in the stool": "blood in stool",
    "blood in your urine": "blood in urine",
    "trouble breathing": "difficulty breathing",
    "trouble swallowing": "difficulty swallowing",
    "hard to swallow": "difficulty swallowing",
    "painful to swallow": "painful swallowing",
    "hurts to swallow": "painful swallowing",
    "pain with swallowing": "painful swallowing",
    "pain when i swallow": "painful swallowing",
    "sweaty": "sweating",
    "trouble sleeping": "difficulty sleeping",
    "fevers": "fever",
    "headaches": "headache",
    "dizzy": "dizziness",
    "tired": "fatigue",
    "tiredness": "fatigue",
    "itchy": "itching",
    "depressed": "depression",
    "anxious": "anxiety",
    "coughing": "cough",
    "passing out": "syncope",
    "fainting": "syncope",
    "belly pain": "abdominal pain",
    "stomach pain": "abdominal pain",
    "muscle aches": "muscle pain",
}


def _ros_display(term: str, lang: str) -> str:
    """Note wording of a symptom term (English mapping; others unchanged)."""
    if lang == "en":
        return _ROS_DISPLAY_EN.get(term, term)
    return term


@lru_cache(maxsize=None)
def _ros_alternation(lang: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for every review-of-systems term of ``lang`` (longest first) and term -> system."""
    system_of: dict[str, str] = {}
    for system, by_lang in _ROS_SYSTEMS.items():
        for term in by_lang.get(lang, ()) or by_lang["en"]:
            system_of.setdefault(term, system)
    alternation = "|".join(re.escape(t) for t in sorted(system_of, key=len, reverse=True))
    return re.compile(r"(?<![\w])(?:" + alternation + r")(?![\w])"), system_of


def _symptom_spans(text: str, lang: str) -> list[tuple[str, str, int, int]]:
    """(system, symptom, start, end) of each review-of-systems term in ``text``.

    One entry per symptom (its first mention), in order of appearance; a
    term inside a longer one ("pain" in "chest pain") is not listed apart.
    """
    low = text.lower()
    pattern, system_of = _ros_alternation(lang)
    out: list[tuple[str, str, int, int]] = []
    for m in pattern.finditer(low):
        term = m.group(0)
        # German nouns keep their capital letter from the transcript.
        said = text[m.start() : m.end()] if lang == "de" else term
        if any(said.lower() in f.lower() or f.lower() in said.lower() for _, f, _, _ in out):
            continue
        out.append((system_of[term], said, m.start(), m.end()))
    return out


def _symptoms_in(text: str, lang: str) -> list[tuple[str, str]]:
    """(system, symptom) pairs mentioned in ``text`` for the review of systems."""
    return [(system, term) for system, term, _, _ in _symptom_spans(text, lang)]


def _affirmed_symptoms(text: str, lang: str, speaker: int) -> list[tuple[str, str]]:
    """Symptoms ``text`` states as present for the patient (not negated, hedged,
    hypothetical, or about another person when the patient speaks)."""
    out = []
    for system, term, start, end in _symptom_spans(text, lang):
        scope = clinical_lexicon.scope_of(text, start, lang, end=end)
        if scope.negated or scope.hedged or scope.conditional or (scope.third_party and speaker == PATIENT):
            continue
        out.append((system, term))
    return out


def _review_of_systems(
    sentences: list[_Sentence], ctx: _Context, evidence: list[tuple[str, list[int]]] | None = None
) -> str:
    """Reported/denied symptoms from yes/no exchanges and patient statements."""
    lang = ctx.src_lang
    entries: dict[str, dict[str, list[str]]] = {}
    order: list[str] = []
    system_turns: dict[str, set[int]] = {}
    current: list[int] = []

    def add(system: str, polarity: str, term: str) -> None:
        term = _ros_display(term, lang)
        if system not in entries:
            entries[system] = {"+": [], "-": []}
            order.append(system)
        other = "-" if polarity == "+" else "+"
        if term in entries[system][polarity]:
            return
        if term in entries[system][other]:
            if polarity == "-":
                return
            # Said both ways ("I never had chest pain before this week ...
            # this week I had chest pain twice"): the affirmed mention wins,
            # a denial must never hide a reported symptom.
            entries[system]["-"].remove(term)
        entries[system][polarity].append(term)
        system_turns.setdefault(system, set()).update(current)

    turn_sentences: dict[int, list[_Sentence]] = {}
    for s in sentences:
        turn_sentences.setdefault(s.turn, []).append(s)
    turn_terms: dict[int, set[str]] = {}
    for s in sentences:
        if s.speaker == CLINICIAN or not s.text:
            continue
        said = _symptom_spans(s.text, lang)
        # A symptom named anywhere in the answer turn is decided by its own
        # clause, not by the yes/no ("No rash. The itching is bad at night.").
        if s.turn not in turn_terms:
            turn_terms[s.turn] = {
                t.lower() for x in turn_sentences[s.turn] if x.text for _, t in _symptoms_in(x.text, lang)
            }
        said_terms = turn_terms[s.turn]
        current[:] = [s.turn]
        if s.question is not None and s.answer_polarity != 0:
            current.append(s.question.turn)
        if s.question is not None and s.answer_polarity != 0 and not s.polarity_named_only:
            # The yes/no covers the symptoms asked about, except those the
            # answer itself qualifies ("Any fever or chills?" - "Yes, but no
            # chills.": fever yes, chills no).
            for system, term in _asked_symptoms(s.question.text, lang):
                if term.lower() not in said_terms:
                    add(system, "+" if s.answer_polarity > 0 else "-", term)
        for system, term, start, end in said:
            # Polarity per symptom from its own clause (NegEx-style scope):
            # "I have had no fever", "yes, but no shortness of breath".
            scope = clinical_lexicon.scope_of(s.text, start, lang, end=end)
            if scope.hedged or scope.conditional or (scope.third_party and s.speaker == PATIENT):
                # Unsure, hypothetical, or another person's ("my wife has
                # had a fever"): the sentence stays in the history as said,
                # but the review of systems lists only the patient's facts.
                continue
            add(system, "-" if scope.negated else "+", term)

    if not order:
        return ""
    reports = _REPORTS.get(ctx.note_lang, "Reports")
    denies = _DENIES.get(ctx.note_lang, "Denies")
    lines: list[str] = []
    for system in sorted(order, key=lambda k: list(_ROS_SYSTEMS).index(k)):
        pos = entries[system]["+"]
        neg = entries[system]["-"]
        bits = []
        if pos:
            bits.append(f"{reports} {_join(pos, ctx.note_lang)}.")
        if neg:
            bits.append(f"{denies} {_join(neg, ctx.note_lang)}.")
        label = system if ctx.note_lang == "en" else ""
        lines.append(f"- {label}: {' '.join(bits)}" if label else f"- {' '.join(bits)}")
        if evidence is not None:
            evidence.append((lines[-1][2:], sorted(system_turns.get(system, ()))))
    return "\n".join(lines)


def _join(items: list[str], lang: str) -> str:
    """Join list items with a localized "and"."""
    conj = {"en": "and", "es": "y", "ca": "i", "fr": "et", "pt": "e", "de": "und", "it": "e"}.get(lang, "and")
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


_PROBLEM_PATTERNS: dict[str, tuple[str, ...]] = {
    "en": (
        r"(?:diagnosis is|diagnosed with|diagnosis of|consistent with|suggestive of|assessment is)\s+(?:an? |some |the )?(.{3,70})",
        r"i think (?:that )?(?:you have|you've got|this is|it's|it is|you're dealing with|we're dealing with)\s+(?:an? |some |the )?(.{3,70})",
        r"\b(?:for|regarding|in terms of|as far as|with regards? to|as for) your (?:(?:first|second|third|fourth|next|last|other|final) )?(?:problem|issue|concern)?(?:,| of| is)? ?(?:your |the )?(.{3,50})",
        r"\b(?:for|regarding|as for|with) (?:the|your|my) (?:first|second|third|fourth|next|last|other|final) (?:problem|issue|concern)(?:,| of| is)? ?(?:your |the )?(.{3,50})",
    ),
    "es": (r"(?:diagnóstico es|diagnóstico de|compatible con|se trata de|creo que (?:tiene|es))\s+(?:una? |el |la )?(.{3,70})",),
    "ca": (r"(?:diagnòstic és|diagnòstic de|compatible amb|es tracta d[e']|crec que (?:té|és))\s*(?:una? |el |la )?(.{3,70})",),
    "fr": (r"(?:diagnostic est|diagnostic de|compatible avec|il s'agit d[e']|je pense que (?:vous avez|c'est))\s*(?:une? |la |le |d'une? )?(.{3,70})",),
    "pt": (r"(?:diagnóstico é|diagnóstico de|compatível com|trata-se de|acho que (?:tem|é))\s+(?:uma? |o |a )?(.{3,70})",),
    "de": (r"(?:diagnose ist|diagnose lautet|vereinbar mit|es handelt sich um|ich denke,? (?:sie haben|es ist|das ist))\s+(?:eine?[nrm]? |die |der |das )?(.{3,70})",),
    "it": (r"(?:diagnosi è|diagnosi di|compatibile con|si tratt[ai] di|penso che (?:lei abbia|sia))\s+(?:una? |il |la |lo )?(.{3,70})",),
}
# Statements of an impression, only read in sentences that are not questions.
_IMPRESSION_PATTERNS: dict[str, tuple[str, ...]] = {
    "en": (
        # "so this is strep throat", "it's most likely a sprain" (clause start only).
        r"(?:^|\b(?:so|and|but|well|yeah|okay|now)\s+|[,;]\s*|\bi (?:think|believe|suspect)(?: that)?\s+)(?:this|that|it)(?:'s| is)"
        r"(?: most likely| likely| probably| definitely| actually)?\s+(?:an? |some |the )?"
        r"(?!result|normal|fine|good|okay|almost|like|kind|sort|not|no\b|a little|pretty|really|very|so\b|too\b|just|going|been|all\b|"
        r"for\b|to\b|from\b|with\b|in\b|on\b|at\b|about\b|because|why|what|how|when|where)"
        r"((?:[\w'-]+ ?){1,5})",
        r"\b(?:looks|sounds|seems) like (?:you (?:have|'ve got|have got|might have|may have|probably have) |it's |it is |this is )"
        r"(?:an? |some |the )?(.{3,70})",
        r"\b(?:looks|sounds|seems) like (?:an? )(.{3,70})",
        r"\b(?:my |the )?(?:impression|assessment) (?:is|would be) (?:that )?(?:this is |you have |it's )?(?:an? |some |the )?(.{3,70})",
        r"\b(?:most likely|probably) (?:have |has |is |dealing with )?(?:an? |some )(.{3,50})",
    ),
    "es": (r"(?:^|[,;]\s*|\b(?:así que|entonces|pues)\s+)(?:esto|eso) es (?:una? |el |la )?(.{3,60})", r"\bparece (?:una? )(.{3,60})"),
    "ca": (r"(?:^|[,;]\s*|\b(?:així que|doncs)\s+)(?:això|aixó) és (?:una? |el |la )?(.{3,60})", r"\bsembla (?:una? )(.{3,60})"),
    "fr": (r"(?:^|[,;]\s*|\b(?:donc|alors)\s+)c'est (?:une? |la |le )?(.{3,60})", r"\bressemble à (?:une? )(.{3,60})"),
    "pt": (r"(?:^|[,;]\s*|\b(?:então|portanto)\s+)(?:isto|isso) é (?:uma? |o |a )?(.{3,60})", r"\bparece (?:uma? )(.{3,60})"),
    "de": (r"(?:^|[,;]\s*|\b(?:also)\s+)das ist (?:eine?[nrm]? |die |der |das )?(.{3,60})", r"\bsieht nach (?:einer? |einem )(.{3,60}) aus"),
    "it": (r"(?:^|[,;]\s*|\b(?:quindi|allora)\s+)(?:questa|questo) è (?:una? |il |la |lo )?(.{3,60})", r"\bsembra (?:una? )(.{3,60})"),
}
_CONDITION_HINT = re.compile(
    r"(?:itis|osis|emia|pathy|algia|oma|syndrome|disease|disorder|pain|fracture|strain|sprain|infection|ulcer|"
    r"cancer|tumou?r|failure|hypertension|pressure|diabetes|asthma|copd|depression|anxiety|reflux|gout|"
    r"injury|tear|lesion|cyst|apnea|insomnia|obesity|cholesterol|hyperlipidemia|hypothyroidism|"
    r"hyperthyroidism|migraine|headache|nodule|murmur|anemia|caries|decay|cavity|crack|cracked|abscess|"
    r"dolor|diabetes|hipertensi|fractura|infecci|douleur|diabète|hypertension|fracture|schmerz|"
    r"bluthochdruck|fraktur|dolore|ipertensione|frattura|infezione|cárie|carie|karies|pulpit|gingivit|periodontit|"
    r"parodontit|gengivit|angine|angina|entzündung|strep|viral|virus|bacterial|influenza|flu|covid|pneumonia|uti|concussion|"
    r"contusion|laceration|sciatica|vertigo|gerd|eczema|acne|hernia|stones?|shingles|sepsis|dehydration|\w+iasis|"
    r"cyst|kyste|quiste|quist|cisto|cisti|zyste|otite|otitis|infart\w*|avc|ictus|\w*krebs|cáncer|càncer|cancro|"
    # Disease-name suffixes in the supported languages (-itis/-ite, -osis/-ose, ...).
    r"\w+(?:itis|ite|ites|osis|ose|oma|emia|émie|ämie|emie|patia|pathie|algia|algie))\b",
    re.I,
)


# English needs no French/Portuguese suffixes ("-ite", "-ose"): in English
# they match words such as "white" or "dose".
_CONDITION_HINT_EN = re.compile(
    _CONDITION_HINT.pattern.replace("itis|ite|ites|osis|ose|", "itis|osis|"), re.I
)

_PROBLEM_STOP = re.compile(
    r"\s(?:and (?:i|we|you|she|he|it|so|that|then)|so|but|which|that|okay|how|is|are|was|i|we|you|to|it|it's|"
    r"because|who|since|usually|now|right|let's|continue|things|looks|seems|has|have|just|if|"
    r"(?:from|by|at) (?:your|my|his|her|their|the) (?:pcp|doctor|primary|provider|physician|cardiologist|emergency|er)|what)\b|[,.?!;]",
    re.I,
)


# Things a clinician calls "this" that are not a diagnosis.
_NOT_A_PROBLEM = re.compile(
    r"\b(?:medications?|medicines?|pills?|mg|dose|prescription|tests?|results?|x-?rays?|scans?|appointment|referral|"
    r"plan|option|exam|examination|visit|insurance|shot|injection|cream|ointment|inhaler|surgery|procedure)\b",
    re.I,
)


# Cues that a condition is being excluded, not diagnosed.
_RULED_OUT = re.compile(
    r"\b(?:rule out|ruled out|r/o|exclude|excluded|no evidence of|negative for|without|free of|descartar|descartado|"
    r"exclure|exclu|excluir|ausschließen|ausgeschlossen|escludere|escluso)\b[^,;.]*$",
    re.I,
)


@lru_cache(maxsize=None)
def _problem_patterns(lang: str, statement: bool) -> tuple[re.Pattern[str], ...]:
    pats = _PROBLEM_PATTERNS.get(lang, _PROBLEM_PATTERNS["en"])
    if statement:
        pats = pats + _IMPRESSION_PATTERNS.get(lang, ())
    return tuple(re.compile(p, re.I) for p in pats)


def _diagnosis_phrases(text: str, lang: str, question: bool = False) -> list[str]:
    """Conditions a clinician names as a diagnosis or impression in ``text``.

    "so this is strep throat" -> ["strep throat"]; "I think you have a
    sprain" -> ["sprain"]. Only phrases that look like a condition (disease
    suffixes, condition words) count; "this is the result" does not. Never
    from a question, nor from a negated, excluded, hypothetical or
    third-party clause ("not consistent with a fracture", "rule out
    pneumonia", "if this is an infection", "your father's colon cancer").
    """
    phrases: list[str] = []
    if question:
        # A question is never a diagnosis ("any family history of colon cancer?").
        return phrases
    for p in _problem_patterns(lang, True):
        for m in p.finditer(text):
            scope = clinical_lexicon.scope_of(text, m.start(1), lang)
            if scope.negated or scope.conditional or scope.third_party or _RULED_OUT.search(text[: m.start(1)]):
                # "not consistent with a fracture", "if this is an infection",
                # "your mother's breast cancer": not the patient's diagnosis.
                continue
            phrase = _PROBLEM_STOP.split(m.group(1))[0].strip(" ,.")
            phrase = re.sub(
                r"^(?:(?:beginning to have|likely|probably|possibly|some|a|an|the|mild|a little|your|an acute|going to be|that|this|these|those)\s+)+",
                "", phrase, flags=re.I,
            )
            phrase = re.sub(r"\b(?:and|or|with|of|the|a|an|your|some)$", "", phrase).strip()
            if not phrase or not _CONDITION_HINT.search(phrase) or len(phrase.split()) > 8:
                continue
            if lang == "en" and (_NOT_A_PROBLEM.search(phrase) or not _CONDITION_HINT_EN.search(phrase)):
                continue
            phrases.append(phrase)
    return phrases


def _problems(sents: list[_Sentence], ctx: _Context, evidence: list[list[int]] | None = None) -> list[str]:
    """Problem list from explicit diagnostic statements of the clinician.

    ``evidence`` (when given) receives, per problem, the turn indices it was
    named in.
    """
    problems: list[str] = []
    for s in sents:
        if s.speaker != CLINICIAN:
            continue
        for phrase in _diagnosis_phrases(s.text, ctx.src_lang, s.is_question):
            if ctx.src_lang == "en":
                phrase = _swap_person(phrase, first=False, ctx=ctx)
            phrase = phrase[0].upper() + phrase[1:]
            if not any(phrase.lower() in q.lower() or q.lower() in phrase.lower() for q in problems):
                problems.append(phrase)
                if evidence is not None:
                    evidence.append([s.turn])
    return problems
