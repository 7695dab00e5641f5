"""Offline ICD-10-CM matcher: finds the conditions named in a note or transcript and codes them.

How it works (deterministic, no network, English text):

1. An index of every ICD-10-CM description and inclusion term is built once per process (about
   70,000 codes without their 7th-character forms, 1-2 s). Each term is split into *required* words and *optional* qualifiers: words
   in parentheses (the tabular list's non-essential modifiers), comma parts and clauses such as
   "unspecified", "without complications", "not intractable", "initial encounter", and "NOS".
   Residual "Other ..." categories and external causes (V00-Y99) are left out.
2. Text is split into sentences; everyday wording is rewritten to the classification's terms
   (``COLLOQUIAL``: "high blood pressure" -> hypertension, "diabetes" -> type 2 diabetes mellitus, ...).
   Questions, negated mentions ("denies chest pain", "no fever"), conditional ones ("call if you
   develop a fever") and family history ("my mother has diabetes") are skipped.
3. A term matches a sentence when all its required words occur close together. Per sentence the
   longest matches win (``chest pain`` beats ``pain``); a non-billable category is replaced by its
   default billable code (:func:`notes.diagnosis.codes.billable_default`).
4. Confidence grows with where the mention is (assessment of the note > other sections >
   transcript), how complete the match is, and how often it recurs; every suggestion carries
   the snippets it rests on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from notes.diagnosis import codes
from notes.diagnosis.base import DiagnosisSuggestion, Evidence, SourceText

# Words that carry no meaning for matching.
_STOPWORDS = frozenset(
    "a an the of and or in on at to by for as due from than its into is are was were be with this that these "
    "those which his her their your my our some any".split()
)
# Comma parts / clauses of a description that only qualify it (optional for a match).
_QUALIFIER_START = re.compile(
    r"^(?:without|not|unspecified|uncomplicated|initial encounter|subsequent encounter|sequela|"
    r"site not specified|unspecified side|nos|nec|not elsewhere classified|in remission)\b"
)
_QUALIFIER_WORDS = frozenset({"unspecified", "uncomplicated", "nos", "nec", "specified"})

#: Everyday wording -> the classification's words (regex, replacement), applied to lower-cased text.
#: The diabetes default follows the ICD-10-CM Official Guidelines, section I.C.4.a.2: "If the type
#: of diabetes mellitus is not documented in the medical record the default is E11.-".
COLLOQUIAL: tuple[tuple[str, str], ...] = (
    (r"\btype (?:two|ii)\b", "type 2"),
    (r"\btype (?:one|i)\b(?= diabet)", "type 1"),
    (r"\b(type [12]) diabet(?:es|ic)\b(?! mellitus)", r"\1 diabetes mellitus"),
    (r"\b(?<!type 1 )(?<!type 2 )(?<!gestational )diabetes(?! mellitus| insipidus)\b", "type 2 diabetes mellitus"),
    (r"\b(?<!type 1 )(?<!type 2 )(?<!gestational )diabetes mellitus\b", "type 2 diabetes mellitus"),
    (r"\bhigh blood pressure\b", "hypertension"),
    (r"\b(?:high|elevated) cholesterol\b", "hypercholesterolemia"),
    (r"\bheart attack\b", "myocardial infarction"),
    (r"\b(?:a-?fib|a fib|afib)\b", "atrial fibrillation"),
    (r"\bcopd\b", "chronic obstructive pulmonary disease"),
    (r"\buti\b", "urinary tract infection"),
    (r"\b(?:gerd|acid reflux|heartburn and reflux)\b", "gastro-esophageal reflux disease"),
    (r"\bstrep throat\b", "streptococcal pharyngitis"),
    (r"\b(?:stomach|belly|tummy) (?:ache|pain)s?\b", "abdominal pain"),
    (r"\bstomachache\b", "abdominal pain"),
    (r"\b(?:kidney|renal) stones?\b", "renal stone"),
    (r"\bpink eye\b", "conjunctivitis"),
    (r"\bthe flu\b", "influenza"),
    (r"\b(?:hard|difficult|difficulty|trouble|problems?) (?:to |with |in )?swallow(?:ing)?\b", "dysphagia"),
    (r"\bpainful swallowing\b", "odynophagia"),
    (r"\bthroat (?:has been |is |was )?(?:hurting|sore|painful)\b", "sore throat"),
    (r"\b(?:short of breath|shortness of breath|sob)\b", "shortness of breath"),
    (r"\b(?:runny|stuffy) nose\b", "rhinorrhea"),
    (r"\bbroken (\w+)\b", r"fracture of \1"),
    (r"\bhigh blood sugars?\b", "hyperglycemia"),
    (r"\blow blood sugars?\b", "hypoglycemia"),
    (r"\bunderactive thyroid\b", "hypothyroidism"),
    (r"\boveractive thyroid\b", "hyperthyroidism"),
    (r"\bsleep apnea\b", "sleep apnea"),
    (r"\btooth decay\b", "dental caries"),
    (r"\bcavit(?:y|ies)\b", "dental caries"),
)
_COLLOQUIAL = tuple((re.compile(p), r) for p, r in COLLOQUIAL)

# Cues that a mention is not an affirmed condition of the patient, looked for in the few words
# before it in the same clause (NegEx-style; Chapman et al., 2001).
_NEGATION_CUES = frozenset(
    "no not denies denied deny denying without negative never nor none n't don't doesn't didn't haven't "
    "hasn't isn't wasn't free resolved".split()
)
_HYPOTHETICAL_CUES = frozenset("if unless whether should watch worry concern prevent risk avoid".split())
_FAMILY_CUES = frozenset(
    "mother father mom dad sister brother family grandmother grandfather aunt uncle son daughter wife "
    "husband cousin parents".split()
)
_CLAUSE_BREAK = frozenset({"but", "however", "although", "though", "except"})
_CUE_WINDOW = 6  # words before a mention searched for cues

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _stem(word: str) -> str:
    """A light, symmetric plural stripper (applied to both terms and text)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _prepare(text: str) -> str:
    text = text.lower()
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", "", text)  # gastro-esophageal == gastroesophageal
    return text.replace("\u2019", "'")


def _content_words(text: str) -> list[str]:
    return [_stem(w.replace("'", "")) for w in _WORD.findall(text) if w not in _STOPWORDS]


@dataclass(frozen=True)
class _Term:
    code: str
    required: frozenset[str]
    optional: frozenset[str]
    anchor: str  # the rarest required word: the index key


class TermIndex:
    """Every ICD-10-CM description and inclusion term, indexed by its rarest required word."""

    def __init__(self) -> None:
        raw: list[tuple[str, frozenset[str], frozenset[str]]] = []
        # 7th-character codes repeat their parent's terms; the parent's default leaf (the initial
        # encounter) is suggested instead (codes.billable_default).
        for code in codes.all_codes(with_extensions=False):
            if code[0] in "VWXY":  # external causes: not diagnoses
                continue
            for text in [codes.code_description(code), *codes.inclusion_terms(code)]:
                parsed = self._parse(text)
                if parsed is not None:
                    raw.append((code, *parsed))
        frequency: dict[str, int] = defaultdict(int)
        for _, required, _ in raw:
            for word in required:
                frequency[word] += 1
        self.by_anchor: dict[str, list[_Term]] = defaultdict(list)
        seen: set[tuple[str, frozenset[str], frozenset[str]]] = set()
        for code, required, optional in raw:
            if (code, required, optional) in seen:
                continue
            seen.add((code, required, optional))
            anchor = min(required, key=lambda w: (frequency[w], w))
            self.by_anchor[anchor].append(_Term(code, required, optional, anchor))

    @staticmethod
    def _parse(text: str) -> tuple[frozenset[str], frozenset[str]] | None:
        """Split a description into (required, optional) words; ``None`` for residual "other" terms."""
        text = _prepare(text)
        if re.match(r"^\s*other\b", text) or "other specified" in text or "unspecified other" in text:
            return None
        optional_parts = re.findall(r"\(([^)]*)\)|\[([^\]]*)\]", text)
        optional_text = " ".join(a or b for a, b in optional_parts)
        text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)
        required_parts: list[str] = []
        for i, part in enumerate(p.strip() for p in text.split(",")):
            head, sep, tail = part.partition(" without ")
            if sep:
                optional_text += " " + tail
            if i > 0 and _QUALIFIER_START.match(head):
                optional_text += " " + head
            else:
                required_parts.append(head)
        required = [w for w in _content_words(" ".join(required_parts)) if w not in _QUALIFIER_WORDS]
        if not required:
            return None
        optional = set(_content_words(optional_text)) - set(required)
        return frozenset(required), frozenset(optional)


@lru_cache(maxsize=1)
def term_index() -> TermIndex:
    """The process-wide term index (built on first use, 2-3 s)."""
    return TermIndex()


@dataclass
class _Match:
    term: _Term
    positions: frozenset[int]
    optional_matched: int

    @property
    def rank(self) -> tuple:
        unmatched = len(self.term.optional) - self.optional_matched
        return (len(self.term.required), self.optional_matched, codes.code_is_billable(self.term.code), -unmatched,
                -len(self.term.code))


# Base confidence by where a mention is.
_NOTE_SECTION_WEIGHT = {"assessment": 0.85, "diagnosis": 0.85, "clinician_notes": 0.8, "summary": 0.75,
                        "chief_complaint": 0.7}
_NOTE_DEFAULT_WEIGHT = 0.65
_TRANSCRIPT_WEIGHT = {0: 0.6, 1: 0.55}
_TRANSCRIPT_OTHER_WEIGHT = 0.45
_MAX_SUGGESTIONS = 10
_MAX_EVIDENCE = 3


class OfflineDiagnosisSuggester:
    """ICD-10-CM suggestions by matching the code set's terms (see the module docstring)."""

    name = "offline"

    def suggest(self, sources: Sequence[SourceText], *, language: str = "en") -> list[DiagnosisSuggestion]:
        """Suggested diagnoses, most confident first (at most 10); ``[]`` when nothing is found.

        The index is English (ICD-10-CM's own language), so text in other languages rarely matches.
        """
        index = term_index()
        found: dict[str, list[tuple[float, Evidence]]] = defaultdict(list)
        for source in sources:
            weight = self._weight(source)
            for sentence in _sentences(source.text):
                for match in _match_sentence(sentence, index):
                    code = codes.billable_default(match.term.code)
                    quality = 1.0 if len(match.term.required) > 1 else 0.9
                    found[code].append((weight * quality, Evidence(
                        source=source.source, text=sentence[:300], section=source.section, speaker=source.speaker,
                        start_time=source.start_time, end_time=source.end_time)))
        suggestions = []
        for code, mentions in found.items():
            mentions.sort(key=lambda m: -m[0])
            evidence: list[Evidence] = []
            for _, ev in mentions:
                if all(ev.text != e.text for e in evidence):
                    evidence.append(ev)
            confidence = min(0.95, mentions[0][0] + 0.05 * min(2, len(evidence) - 1))
            suggestions.append(DiagnosisSuggestion(
                code=code, description=codes.code_description(code), confidence=confidence,
                billable=codes.code_is_billable(code), evidence=tuple(evidence[:_MAX_EVIDENCE]),
            ))
        # Definitive diagnoses before symptoms (chapter R) at equal confidence (ICD-10-CM guidelines
        # I.B.5: signs and symptoms are not coded when a related definitive diagnosis is established).
        suggestions.sort(key=lambda s: (-round(s.confidence, 2), s.code.startswith("R"), s.code))
        return suggestions[:_MAX_SUGGESTIONS]

    @staticmethod
    def _weight(source: SourceText) -> float:
        if source.source == "note":
            return _NOTE_SECTION_WEIGHT.get(source.section, _NOTE_DEFAULT_WEIGHT)
        return _TRANSCRIPT_WEIGHT.get(source.speaker, _TRANSCRIPT_OTHER_WEIGHT)


def _sentences(text: str) -> list[str]:
    out = []
    for part in _SENTENCE_SPLIT.split(text or ""):
        part = re.sub(r"^\s*(?:[-*]|\d+[.)])\s+", "", part).strip()
        if part and not part.endswith("?") and part.lower() not in ("not discussed.",):
            out.append(part)
    return out


def _match_sentence(sentence: str, index: TermIndex) -> list[_Match]:
    """Terms affirmed in ``sentence``: longest first, none contained in a longer one."""
    text = _prepare(sentence)
    for pattern, replacement in _COLLOQUIAL:
        text = pattern.sub(replacement, text)
    raw_words = _WORD.findall(text)
    # Content words with their position among raw words, so cues can be looked up before them.
    words: list[tuple[int, str]] = [
        (i, _stem(w.replace("'", ""))) for i, w in enumerate(raw_words) if w not in _STOPWORDS
    ]
    negated = _negated_positions(raw_words)
    # Required words must be affirmed ("migraine without aura" is no migraine *with* aura); optional
    # qualifiers may be negated, since descriptions name them so ("... without aura").
    positions: dict[str, list[int]] = defaultdict(list)
    present: set[str] = set()
    for k, (i, w) in enumerate(words):
        present.add(w)
        if i not in negated:
            positions[w].append(k)
    matches: list[_Match] = []
    for anchor in list(positions):
        for term in index.by_anchor.get(anchor, ()):
            if not term.required <= positions.keys():
                continue
            span = _closest_span(term.required, positions)
            if span is None or _spans_a_list(raw_words, words, span):
                continue
            optional_matched = sum(1 for w in term.optional if w in present)
            matches.append(_Match(term, span, optional_matched))
    matches.sort(key=lambda m: m.rank, reverse=True)
    chosen: list[_Match] = []
    for match in matches:
        if any(match.positions <= c.positions for c in chosen):
            continue
        first_raw = words[min(match.positions)][0]
        if _is_not_affirmed(raw_words, first_raw):
            continue
        chosen.append(match)
    return chosen


def _closest_span(required: frozenset[str], positions: dict[str, list[int]]) -> frozenset[int] | None:
    """Positions of the required words taken closest to the rarest one, if they lie close together."""
    anchor = min(required, key=lambda w: len(positions[w]))
    best: frozenset[int] | None = None
    for a in positions[anchor]:
        picked = {a}
        for word in required:
            if word != anchor:
                picked.add(min(positions[word], key=lambda p: abs(p - a)))
        if max(picked) - min(picked) <= len(required) + 2 and (best is None or
                                                                 max(picked) - min(picked) < max(best) - min(best)):
            best = frozenset(picked)
    return best


_NEGATING_WORDS = frozenset({"without", "no", "denies", "denied"})
_NEGATION_REACH = 3  # words after a negating word that it covers


def _negated_positions(raw_words: list[str]) -> set[int]:
    """Raw word positions just after "without"/"no"/"denies" (up to a clause break)."""
    negated: set[int] = set()
    for i, word in enumerate(raw_words):
        if word in _NEGATING_WORDS:
            for j in range(i + 1, min(len(raw_words), i + 1 + _NEGATION_REACH)):
                if raw_words[j] in _CLAUSE_BREAK or raw_words[j] in ("and", "or") and j > i + 1:
                    break
                negated.add(j)
    return negated


def _spans_a_list(raw_words: list[str], words: list[tuple[int, str]], span: frozenset[int]) -> bool:
    """True when the matched words straddle "and"/"or": "COPD and atrial fibrillation" are two problems."""
    low, high = words[min(span)][0], words[max(span)][0]
    return any(w in ("and", "or") for w in raw_words[low:high])


def _is_not_affirmed(raw_words: list[str], first: int) -> bool:
    """Negated, conditional or family-history mention (cues in the words just before it)."""
    window: list[str] = []
    for word in reversed(raw_words[max(0, first - _CUE_WINDOW):first]):
        if word in _CLAUSE_BREAK:
            break
        window.append(word)
    return any(w in _NEGATION_CUES or w in _HYPOTHETICAL_CUES or w in _FAMILY_CUES for w in window)
