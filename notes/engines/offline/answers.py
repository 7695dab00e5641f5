"""Yes/no and short answers: what an answer means with its question.

"Any fever?" - "No." becomes "Denies fever."; "Allergies?" - "Yes,
penicillin." keeps penicillin; an answer that means nothing alone ("Yes, stop
it 7 days before") keeps its question. Polarity is read per symptom
(``clinical_lexicon.scope_of``), never one yes/no for a whole list.
"""

from __future__ import annotations

import re

from notes.engines import clinical_lexicon
from notes.engines.offline.filters import _content_words
from notes.engines.offline.lexicons import _DENIES, _REPORTS, _UNMARKED_QUESTION
from notes.engines.offline.ros import _asked_symptoms, _join, _ros_display, _symptom_spans, _symptoms_in
from notes.engines.offline.languages import per_language


_ROS_Q_PREFIX = re.compile(
    r"^(?:and |so |now |any other )*(?:(?:do|did|have|has|are|were|is|was) (?:you|there) (?:been )?(?:had |having |have |had any |noticed |notice |experienced |experience |feel |felt |get |got |seen |see |diagnosed with |told (?:that )?you have |any )*|"
    r"(?:any|anything like|what about|how about|no) )*(?:any |some )?",
    re.I,
)


_YN_PREFIX: dict[str, str] = per_language("YN_PREFIX")


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
        if label[:1].isupper() and not label[:2].isupper():  # "HIV test?" keeps its acronym
            label = label[:1].lower() + label[1:]
        return f"{_REPORTS.get(lang, 'Reports').lower()} {label}: {rest}", ""
    if contrast or polarity < 0 or not base:
        return base, rest[contrast.end():] if contrast else rest
    # "Yes, penicillin." / "Yes, metformin.": what the yes names is the fact.
    if lang == "en":
        base = re.sub(r"\b(?:any|some)\s+", "", base, flags=re.I)
    return f"{base}: {rest}", ""


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
        if not (re.match(r"^(?:and |so |now |any other )*(?:do|did|have|has|are|were|is|was|any|anything|no)\b", q, re.I)
                or _UNMARKED_QUESTION["en"].match(q)):  # "Chest pain?" + "No." -> "denies chest pain"
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
        subject = re.sub(r"^(?:an?)\s+(?=\w)", "", subject, flags=re.I)  # "A cough?" + "No." -> "denies cough"
        if subject[:1].isupper() and not subject[:2].isupper():  # "Chest pain?" (not "HIV?")
            subject = subject[0].lower() + subject[1:]
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
