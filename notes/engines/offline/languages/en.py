"""English (en) tables of the offline note engine.

Every name here is read by ``notes.engines.offline.languages.per_language``
(or ``per_key_language`` for tables keyed by topic/system/section); the
docstring of ``notes.engines.offline.languages`` says which step uses each
table, the package docstring of ``notes.engines.offline`` how to add a
language. A table a language does not need is simply left out.
"""

import re

from notes.engines import clinical_lexicon


# Words stripped from the start of a sentence (acknowledgements, connectives).
LEADING = (
  "okay", "ok", "alright", "all right", "right", "so", "and", "well", "yeah", "yes",
  "yep", "sure", "great", "good", "now", "but", "then", "also", "perfect", "nice",
  "wow", "cool", "got it", "i see", "mm", "understood", "hey", "hi", "hello",
  "thank you", "thanks", "fine", "sounds good", "excellent", "awesome", "no problem",
  "or", "because", "just", "yet", "anyway", "anyways",
)

# Leading words that also have a meaning of their own: stripped only when
# punctuation sets them off ("Right, so ..." but not "Right lower quadrant";
# Spanish/Catalan "si" = if, "bien"/"bé"/"gut"/"bene" = well).
LEADING_IF_PUNCT = frozenset({"right", "good", "great", "fine", "nice", "well", "or", "because", "yet"})

# A negative answer word used as a determiner of what follows.
NEG_DETERMINER = re.compile(
  r"^no\s+(?!(?:i|i'm|i've|i'd|it|it's|that|that's|they|we|he|she|not|never|nothing|none|sir|ma'am|doctor|doc|"
  r"thanks|thank|really|way|problem|idea|one|but|just|and|so|yes|no|nope|none)\b)[a-z]",
  re.I,
)

# Words after which an ambiguous leading word is a discourse marker.
DISCOURSE_NEXT = (
    r"i|i'm|i'll|i've|i'd|we|we're|we'll|we've|you|you're|you've|you'll|so|and|but|let's|let|now|it's|that's|"
    r"okay|ok|then|um|uh|yes|yeah|no|thank|thanks|alright|hi|hello|good|great|well|right|just|also|there's|there"
)

# Negative / affirmative answers to a yes/no question.
NEG_ANSWER = r"^(?:no(?! idea)|nope|nah|not really|not that i|none|nobody|no one|never|negative|not at all|(?:i don't|i haven't|i have not|i do not|i didn't)(?=[\s,.!]*$))\b"

POS_ANSWER = r"^(?:yes|yeah|yep|yup|(?:i do|i have|i did|i am|i'm)(?=[\s,.!]*$)|a little|sometimes|occasionally|definitely|correct|uh-huh|mm-hmm)\b"

# Question starts per language (for unpunctuated ASR output).
QUESTION_START = (
    r"^(?:(?:do|does|did|are|is|was|were|have|has|had|can|could|would|will|should)\s+(?:you|i|we|they|he|she|it|there|"
    r"that|this|your|my|the (?:pain|symptoms?|swelling|rash|cough|medication|medicine))\b|"
    r"(?:any|how|what|when|where|why|which|who|anything|ever)\b)"
)

# A short clinician sentence naming a history item, answered by yes/no, was a question even without "?"
# (speech-to-text output): "allergies to medications" + "yes penicillin" (the penicillin was dropped, bench
# note_safety --style unpunctuated, 2026-12-01). At most four words after the item, so "Fever is expected
# after the vaccine for a day or two" stays a statement.
UNMARKED_QUESTION = re.compile(
    r"^(?:(?:and|so|okay|ok|also|now)\s+)?(?:any\s+|an?\s+)?(?:known\s+|drug\s+|medication\s+)?"
    r"(?:allerg\w*|fevers?|chills|nausea|vomiting|diarrh\w*|constipation|cough\w*|shortness of breath|chest pain|"
    r"headaches?|dizziness|night sweats|weight loss|smok\w*|alcohol|tobacco|recreational drugs|pain|rash\w*|"
    r"swelling|bleeding|blood in (?:the |your )?(?:stool|urine)|palpitations|numbness|tingling)\b"
    r"(?:[\s,]+[\w'-]+){0,4}[\s,]*$",
    re.I,
)

# A short if-clause standing alone (at most six words, no comma): "and if it upsets my stomach", "what if I miss
# a dose" ask what to do (it was "The patient reports if it upsets their stomach", 2026-12-01). "If I walk a lot
# my knee hurts" (a main clause follows) is longer and stays a statement.
BARE_CONDITIONAL = re.compile(r"^(?:and |but |so )?(?:what )?if\b(?:\s+[\w'-]+){1,5}\s*[.!]?$", re.I)

# Body-system lexicon for the review of systems (English labels, per-language
# symptom terms). System grouping follows the CMS 1995/1997 documentation
# guidelines' list of 14 systems.
ROS_SYSTEMS = {
    "Constitutional": ("fever", "fevers", "chills", "night sweats", "sweats", "sweating", "sweaty", "weight loss", "weight gain", "fatigue", "tired", "tiredness", "appetite"),
    "Eyes": ("blurry vision", "blurred vision", "vision changes", "double vision", "eye pain"),
    "Ears, Nose, Mouth and Throat": ("sore throat", "congestion", "runny nose", "ear pain", "nasal", "sinus", "hoarse", "difficulty swallowing", "trouble swallowing",
     "hard to swallow", "painful to swallow", "hurts to swallow", "pain with swallowing", "pain when i swallow"),
    "Cardiovascular": ("chest pain", "chest pains", "palpitations", "swelling in your legs", "swelling in my legs", "leg swelling", "swelling in your ankles", "racing heart"),
    "Respiratory": ("shortness of breath", "short of breath", "cough", "coughing", "wheezing", "trouble breathing", "difficulty breathing"),
    "Gastrointestinal": ("nausea", "vomiting", "diarrhea", "constipation", "abdominal pain", "belly pain", "stomach pain", "heartburn", "reflux", "blood in your stool", "blood in the stool"),
    "Genitourinary": ("burning with urination", "painful urination", "blood in your urine", "urinary frequency", "urinary"),
    "Musculoskeletal": ("joint pain", "back pain", "knee pain", "muscle pain", "muscle aches", "stiffness", "shoulder pain", "hip pain", "neck pain"),
    "Skin": ("rash", "itching", "itchy", "lesion", "ulcer", "bruising"),
    "Neurological": ("headache", "headaches", "dizziness", "dizzy", "lightheaded", "numbness", "tingling", "weakness", "syncope", "passing out", "fainting",
     "seizure", "seizures", "loss of consciousness"),
    "Psychiatric": ("depression", "depressed", "anxiety", "anxious", "suicidal", "harm yourself", "hurt yourself", "trouble sleeping", "insomnia"),
}

# Topic cues. Each topic maps language -> regex fragments matched at word
# starts (``\b`` prefix), case-insensitive. English is the most complete; for
# the other languages the lists cover the common clinical vocabulary.
TOPIC_CUES = {
    "hpi": (
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
    "pmh": (
  r"history of", r"diagnosed", r"diabet", r"hypertension", r"high blood pressure", r"asthma",
  r"copd", r"heart (?:disease|attack|failure)", r"stroke", r"cancer", r"surgery", r"surgeries",
  r"operation", r"hospitali[sz]", r"thyroid", r"arthritis", r"kidney", r"cholesterol",
  r"depression", r"anxiety", r"in the past", r"years ago", r"transplant", r"chronic", r"stent",
  r"my (?:mom|mother|dad|father|sister|brother)", r"family history", r"runs in",
  r"told me (?:that )?i (?:have|had)", r"afib", r"atrial fibrillation",
),
    "meds": (
  r"\d+ ?(?:mg|mcg|units?|ml)\b", r"medication", r"medicine", r"meds\b", r"taking", r"prescri",
  r"pills?", r"tablets?", r"inhaler", r"insulin", r"aspirin", r"metformin", r"lisinopril",
  r"\w+(?:pril|sartan|olol|statin|formin|prazole|azole|cillin|mycin|oxetine|pine|dipine|zepam|done|tidine|lukast|afil|gliptin|gliflozin)\b",
  r"vitamin", r"supplement", r"twice a day", r"once a day", r"daily",
),
    "allergies": (r"allerg", r"anaphyla", r"reaction to"),
    "social": (
  r"smok", r"cigarette", r"tobacco", r"vape", r"alcohol", r"drink", r"beer", r"wine",
  r"liquor", r"drugs", r"marijuana", r"work (?:as|at|in)", r"i work", r"my job", r"job",
  r"retired", r"married", r"my (?:wife|husband|kids|children|son|daughter|partner)",
  r"live (?:with|alone)", r"exercise", r"walk", r"gym", r"hik", r"run(?:s|ning)?\b", r"diet", r"eat",
),
    "exam": (
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
    "results": (
  r"x-?rays?", r"xrays?", r"mri", r"ct\b", r"cat scan", r"ultrasound", r"echo", r"echocardiogram",
  r"ekg", r"ecg", r"labs?\b", r"lab work", r"blood ?work", r"a1c", r"hemoglobin", r"results?",
  r"came back", r"showed", r"shows", r"revealed", r"demonstrat", r"panel", r"culture",
  r"biopsy", r"scan", r"levels?\b", r"cholesterol", r"lipid", r"white (?:blood )?count", r"kidney function", r"creatinine", r"urinalysis", r"count", r"test (?:was|came)", r"imaging", r"ejection fraction",
  r"inr\b", r"tsh\b", r"psa\b", r"bnp\b", r"troponin", r"potassium", r"sodium", r"glucose", r"ferritin", r"platelets",
),
    "assessment": (
  r"diagnos[ie]s", r"assessment", r"impression", r"consistent with", r"suggestive of",
  r"i think (?:you have|you've got|this is|that this is|it's|it is|that's|that you have|we're dealing)",
  r"(?:looks|sounds|seems) like (?:you have|it's|this is|a|an)", r"you have (?:a |an )?\w+(?:itis|osis|emia|pathy)\b",
  r"syndrome", r"likely", r"unlikely", r"probably (?:a|an|have|has)", r"rule out", r"ruled out", r"differential",
  r"(?:first|second|third|next|last|other) (?:problem|issue)", r"controlled", r"stable", r"strain",
  r"sprain", r"fracture", r"infection",
),
    "plan": (
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
  # "We may start a water tablet called furosemide ..." (was routed to the examination by "swelling", see also
  # PLAN_INTENT), "arrange a blood test and a scan of the heart" (was a result), 2026-12-02
  r"(?:we|i) (?:may|might|could|can) (?:start|try|add|switch|give|prescribe|arrange|order|refer)", r"arrange",
),
    "dental_history": (r"last (?:cleaning|visit|dentist)", r"filling", r"crown", r"root canal", r"braces", r"brush", r"floss", r"grind", r"clench", r"dentist", r"extraction", r"implant"),
    "extraoral": (r"extraoral", r"extra-oral", r"tmj", r"temporomandibular", r"jaw joint", r"lymph nodes?", r"face", r"facial", r"lips?\b", r"masseter", r"muscles", r"asymmetr", r"clicking", r"opening"),
    "intraoral": (r"intraoral", r"tooth", r"teeth", r"molar", r"premolar", r"bicuspid", r"incisor", r"canine", r"number \d+", r"#\d+", r"crack", r"fracture line", r"cavity", r"cavities", r"caries", r"decay", r"cusp", r"mesial", r"distal", r"occlusal", r"buccal", r"lingual", r"gums?\b", r"gingiva", r"tongue", r"mucosa", r"palate", r"bite", r"occlusion", r"percussion", r"cold test", r"restoration", r"upper (?:left|right)", r"lower (?:left|right)"),
    "perio": (r"periodont", r"probing", r"pocket", r"\d+ ?(?:mm|millimeters?)\b", r"recession", r"mobility", r"furcation", r"calculus", r"tartar", r"bone loss", r"attachment", r"gingivitis", r"chart"),
    "plaque_bleeding": (r"plaque", r"bleed", r"bleeding on probing", r"bop\b", r"inflamed", r"inflammation", r"puffy", r"red gums"),
    "radiograph": (r"x-?rays?", r"radiograph", r"bitewing", r"periapical", r"\bpa\b", r"panoramic", r"pano\b", r"cbct", r"cone beam", r"film"),
    "dental_dx": (r"diagnos", r"cracked tooth", r"fractured", r"caries", r"decay", r"cavity", r"pulpitis", r"abscess", r"gingivitis", r"periodontitis", r"necrotic", r"infection", r"i think (?:it's|this is|you have|that)", r"looks like", r"consistent with", r"irreversible", r"reversible"),
    "treatment_plan": (r"crown", r"onlay", r"inlay", r"root canal", r"extract", r"pull (?:the|that|it)", r"implant", r"bridge", r"filling", r"restore", r"recommend", r"option", r"treatment plan", r"refer", r"endodontist", r"periodontist", r"oral surgeon", r"schedule", r"deep cleaning", r"scaling and root planing", r"night ?guard", r"cost", r"insurance"),
    "procedure": (r"(?:we|i) (?:did|performed|removed|placed|cleaned|prepared|scaled|polished|applied|filled|took out|extracted)", r"today (?:we|i)", r"scaling", r"root planing", r"polish", r"prophy", r"fluoride", r"varnish", r"sealant", r"cleaning", r"prep", r"remov(?:e|ed|ing) (?:the )?decay", r"isolat", r"rubber dam", r"etch", r"cur(?:e|ed|ing) light", r"extract", r"suture", r"impression", r"scan(?:ned)?", r"temporary crown"),
    "anaesthesia": (r"lidocaine", r"articaine", r"septocaine", r"mepivacaine", r"carbocaine", r"bupivacaine", r"prilocaine", r"epinephrine", r"epi\b", r"carpules?", r"cartridges?", r"anesthe", r"anaesthe", r"numb(?:ing)?\b", r"block", r"infiltration", r"topical", r"injection", r"shot"),
    "materials": (r"composite", r"amalgam", r"resin", r"glass ionomer", r"liner", r"base\b", r"bond", r"bonding", r"etch", r"shade", r"a\d\b", r"zirconia", r"porcelain", r"e\.?max", r"ceramic", r"cement", r"gutta percha", r"calcium hydroxide", r"mta\b", r"temporary (?:material|filling)", r"material"),
    "postop": (r"numbness (?:will|should)", r"wear off", r"don't eat", r"do not eat", r"avoid (?:eating|chewing|hot|hard|sticky)", r"chew on the other side", r"sensitiv", r"sore for", r"take (?:ibuprofen|advil|tylenol|motrin)", r"ibuprofen", r"acetaminophen", r"ice", r"rinse", r"salt water", r"call (?:us|me|the office)", r"if (?:you have|there is|it)", r"bleeding", r"gauze", r"spit", r"straw", r"hours?"),
    "next_visit": (r"next (?:visit|appointment|time|week)", r"come back", r"see you (?:back|in|next)", r"in \d+ (?:days?|weeks?|months?)", r"recall", r"six months", r"follow[- ]?up", r"schedule", r"return"),
    "ohi": (r"brush", r"floss", r"interdental", r"water ?pik", r"water flosser", r"mouthwash", r"mouth rinse", r"electric toothbrush", r"toothpaste", r"sensodyne", r"twice a day", r"sugar", r"snack", r"soda"),
    "behavior": (r"feel", r"felt", r"feeling", r"mood", r"sad", r"down", r"depress", r"anxi", r"worr", r"panic", r"angry", r"anger", r"irritab", r"stress", r"overwhelm", r"sleep", r"cry", r"lonely", r"hopeless", r"motivat", r"drink", r"using", r"argu", r"fight", r"isolat", r"appetite", r"energy", r"this week", r"lately"),
    "intervention": (r"let's (?:practice|try|talk|work|explore|look)", r"we (?:practiced|talked|discussed|explored|worked|reviewed|went over)", r"technique", r"breathing", r"grounding", r"mindfulness", r"cbt", r"cognitive", r"reframe", r"thought record", r"coping", r"skill", r"exercise", r"homework", r"validate", r"psychoeducation", r"role[- ]play", r"i (?:want|'d like) (?:you )?to (?:try|practice|notice)", r"what if you", r"when you notice", r"safety plan"),
    "response": (r"that (?:helps|helped|makes sense|sounds)", r"i (?:can|will|'ll) try", r"i(?:'ll| will) (?:try|do|practice|work)", r"i think i can", r"i feel (?:better|calmer|more)", r"it (?:helps|helped|worked)", r"i didn't (?:realize|think)", r"i never thought", r"good idea", r"i like that", r"i'm willing", r"worth a try"),
    "goals": (r"goal", r"i want to", r"i'd like to", r"i would like to", r"work(?:ing)? on", r"hope to", r"trying to", r"my aim", r"be able to", r"objective"),
}

# Stop-words used for transcript-language detection and content-word tests.
STOPWORDS = frozenset("the and you i to a of it is that in have my for was with your on this what do are be not but so we just me it's i'm okay yeah any or been i've don't has had".split())

# Localized connective words.
SAYS = "Says"

ASKED = "asked"

REPORTS = "Reports"

DENIES = "Denies"

# Labels used when one section merges several topics (e.g. SOAP Subjective).
SUBHEADINGS = {
    "cc": "Chief complaint",
    "hpi": "History",
    "pmh": "Past medical history",
    "meds": "Medications",
    "allergies": "Allergies",
    "social": "Social history",
    "ros": "Review of systems",
    "exam": "Examination",
    "results": "Results",
    "behavior": "Presentation",
    "dental_history": "Dental history",
    "anaesthesia": "Anaesthesia",
    "procedure": "Procedure",
}

SPLIT_MARKERS = (
    r"(?:okay|ok|alright|all right|so|now|um|uh|yeah|and then|let's|let me|on (?:your|the|his|her) \w+ exam|"
    r"for your|regarding|in terms of|(?:and )?i'm (?:also )?going to|i want|i'd like|we're going to|we need|"
    r"looking at|do you|does that|does it|is that|is there|is it|have you|are you|did you|can you|"
    r"there is|there's|i think|but)"
)

# Age statements that mark the clinician's summary sentence.
INTRO = re.compile(r"\b\d+[- ]years?[- ]old\b", re.I)

# Test, laboratory and imaging results ("the rapid strep test is positive",
# "x-ray shows", "hemoglobin is 9"), per language.
RESULT_STATEMENT = re.compile(
  r"\b(?:test|swab|screen|culture|panel|labs?|lab work|blood ?work|x-?rays?|mri|ct(?: scan)?|cat scan|ultrasound|"
  r"ekg|ecg|echo(?:cardiogram)?|urinalysis|urine|a1c|hemoglobin|hematocrit|platelets?|white (?:blood )?(?:cell )?count|"
  r"creatinine|potassium|sodium|glucose|tsh|ldl|hdl|triglycerides|biopsy|pathology|mammogram|scan|results?|levels?|"
  r"count|imaging|film)s?\b(?:[\w\s,'/.-]{0,40}?)\b(?:is|was|were|are|came back|come back|comes back|shows?|showed|"
  r"revealed?|demonstrated?|indicates?|indicated|looks?|looked)\b"
  r"|\b(?:positive|negative) for\b|\b(?:tested|came back|comes back) (?:positive|negative|normal|abnormal)\b",
  re.I,
)

CONDITIONAL_START = re.compile(r"^(?:if|in case|should (?:you|it|the|there|your))\b", re.I)

# A clinician explaining a treatment's possible effects (side-effect counselling): plan, never the
# patient's findings ("It can cause constipation and dark stools", "Some people get nausea at first").
SIDE_EFFECT_COUNSEL = re.compile(
    r"\b(?:can|could|may|might|will) (?:sometimes |also |occasionally )?(?:cause|give you|lead to|result in|bring on|"
    r"trigger|make you)\b|\bside effects? (?:like|such as|include|includes|are|can|may|might|usually)\b|"
    r"\bsome (?:people|patients) (?:get|have|experience|notice|feel|develop)\b",
    re.I,
)

# A clinician's instruction about taking a treatment ("Take it with food", "Avoid alcohol with it"):
# plan in a template without a post-operative instructions section.
INSTRUCTION = re.compile(
    r"^(?:(?:so|and|then|okay|please|just)\s+)*(?:take|keep taking|stop taking|don't take|do not take|avoid|"
    r"make sure (?:you|to)|try to|drink|eat|you should|you need to|you'll need to)\b",
    re.I,
)

PLAN_INTENT = re.compile(
    r"^(?:(?:so|and|okay|now)\s+)?(?:(?:i'm|i am|we're|we are) (?:also )?going to|we'll|i'll|we will|i will|let's|"
    r"i want to|i'd like to|(?:we|i) (?:may|might|could|can))\s+(?:go ahead and\s+)?(?:hold|stop|start|restart|continue|increase|decrease|reduce|"
    r"prescribe|refer|schedule|switch|change|add|discontinue|taper|repeat|recheck)\b"
    # A clinician's instruction: "Give amoxicillin 400 mg ...", "Stop the Bactrim".
    r"|^(?:please\s+)?(?:give|take|use|apply|start|stop|continue|hold|avoid|skip|increase|decrease)\s+(?:the\s+|her\s+|his\s+|your\s+)?"
    r"(?:\w+\s+){0,2}?(?:\d|" + clinical_lexicon.DRUG_PATTERN + r")",
    re.I,
)

CC_PATTERNS = (
  # "here with" is usually a companion ("here with my daughter"), so
  # "with" only counts after "presents".
  r"\b(?:presents?|presenting)(?: today)?(?: to (?:the )?clinic(?: today)?)? (?:for|with|because of)(?: an?| her| his| the| some| a follow-up of| follow-up of| evaluation of| a evaluation of)? (.{3,80})",
  r"\b(?:here|coming in|came in|comes in|in today|referred)(?: today)?(?: to (?:the )?clinic(?: today)?)? (?:for|because of)(?: an?| her| his| the| some| a follow-up of| follow-up of| evaluation of| a evaluation of)? (.{3,80})",
  r"(?:what brings you in|reason for (?:the |your )?visit)[^.?]*?(?:is|was) (.{3,60})",
)

OPENING_Q = re.compile(r"\b(?:what brings you|what's going on|what is going on|how can i help|what can i do for you|what seems to be|what's the problem|what happened|tell me (?:about|what))", re.I)

COMPLAINT_LEAD = (
    r"^(?:well,? )?(?:i've been having|i have been having|i've had|i have had|i'm having|i am having|i have|i've got|i got|"
    r"there's|there is|it's|it is|my|i)\s+(?:an? |some |this |these |that )?"
)

PROBLEM_PATTERNS = (
  r"(?:diagnosis is|diagnosed with|diagnosis of|consistent with|suggestive of|assessment is)\s+(?:an? |some |the )?(.{3,70})",
  r"i think (?:that )?(?:you have|you've got|this is|it's|it is|you're dealing with|we're dealing with)\s+(?:an? |some |the )?(.{3,70})",
  r"\b(?:for|regarding|in terms of|as far as|with regards? to|as for) your (?:(?:first|second|third|fourth|next|last|other|final) )?(?:problem|issue|concern)?(?:,| of| is)? ?(?:your |the )?(.{3,50})",
  r"\b(?:for|regarding|as for|with) (?:the|your|my) (?:first|second|third|fourth|next|last|other|final) (?:problem|issue|concern)(?:,| of| is)? ?(?:your |the )?(.{3,50})",
)

# Statements of an impression, only read in sentences that are not questions.
IMPRESSION_PATTERNS = (
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
)
