"""Note-style rewriting: who is speaking, and in which person the note says it.

First person -> third person ("I have had ..." -> "The patient has had
..."), second person addressed to the patient -> third person, "I'm going to
order ..." -> "We will order ...". Gender is only used when the visit states
it (``_detect_gender``); otherwise "the patient" / "they". Other languages
keep the speaker's wording (``THIRD_PERSON_FORMS`` per language) with a
localized "Reports:" prefix.
"""

from __future__ import annotations

import re
from typing import Sequence

from notes.engines.base import CLINICIAN, PATIENT, Turn
from notes.engines.offline.lexicons import _POSTPOSED_NEG_ANY, _REPORTS, _SAYS
from notes.engines.offline.model import _Context, _Sentence
from notes.engines.offline.languages import per_language


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
_THIRD_PERSON_FORMS: dict[str, tuple[tuple[str, str], ...]] = per_language("THIRD_PERSON_FORMS")


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
    if other and _FIRST_PERSON.search(text):
        # A family member's "I" and "my" are not the patient's: "I heard him wheezing" became "the patient
        # heard him wheezing", "my son has a fever" "their son has a fever" (2026-12-02). Their words are
        # quoted as said.
        quoted = text.strip().rstrip(".")
        return f'A family member says: "{quoted[:1].upper() + quoted[1:]}"'
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


# First-person forms: in a family member's sentence they are the family member, not the patient.
_FIRST_PERSON = re.compile(r"(?<![\w'])(?:i|i'm|i've|i'll|i'd|me|my|mine|myself|we|we're|we've|us|our|ours)(?![\w'])",
                           re.I)


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
