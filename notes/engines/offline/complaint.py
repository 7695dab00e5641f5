"""Chief complaint: a noun phrase for the reason of the visit.

The reason the clinician states, else the problem named when opening the
visit or in answer to the opening question ("my throat has been hurting" ->
"Throat pain"), with the duration the patient gives. English has
noun-phrase rules (``_chief_complaint_en``); other languages use their
``CC_PATTERNS``, ``OPENING_Q`` and ``COMPLAINT_LEAD`` tables.
"""

from __future__ import annotations

import re
from typing import Sequence

from notes.engines import clinical_lexicon
from notes.engines.base import CLINICIAN, PATIENT, Turn
from notes.engines.offline.filters import _content_words
from notes.engines.offline.model import _Context, _Sentence
from notes.engines.offline.person import _finish, _person_to_third, _swap_person
from notes.engines.offline.ros import _affirmed_symptoms, _ros_display, _symptoms_in
from notes.engines.offline.languages import per_language
from notes.engines.offline.topics import _SIDE_EFFECT_COUNSEL


_CC_PATTERNS: dict[str, tuple[str, ...]] = per_language("CC_PATTERNS")


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
        # A general remark ("fever is common for a day or two after the vaccine") or counselling ("it can
        # cause nausea") names no complaint of the patient's, and was stated as the chief complaint
        # (2026-12-01); a clinician's own notes ("Sore throat for 4 days.") do.
        if (s.speaker == CLINICIAN and s.text and not s.is_question and not _GENERAL_REMARK.search(s.text)
                and not _SIDE_EFFECT_COUNSEL["en"].search(s.text) and not _ASKS.search(s.text)):
            phrase, _ = _complaint_np(s.text)
            if phrase:
                ev.append(s.turn)
                return phrase
    return ""


# A question inside a clinician's sentence that speech-to-text left without "?" ("that is helpful to know have you
# had any chest pain, palpitations or a cough"): its symptoms were asked about, not complained of. "Palpitations"
# became the chief complaint of a visit for breathlessness (2026-12-02).
_ASKS = re.compile(r"\b(?:have|has|do|does|did|are|were|is|was|can|could|would|will)\s+you\b|\bany\b", re.I)


_GENERAL_REMARK = re.compile(
    r"\b(?:is|are|be) (?:very |quite |pretty |fairly )?(?:common|normal|expected|usual|typical|rare)\b|"
    r"\b(?:some|many|most) (?:people|patients)\b|\bafter (?:the|a|an|this) (?:vaccine|vaccination|injection|shot)\b",
    re.I,
)


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


_OPENING_Q: dict[str, re.Pattern[str]] = per_language("OPENING_Q")


_COMPLAINT_LEAD: dict[str, str] = per_language("COMPLAINT_LEAD")


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
