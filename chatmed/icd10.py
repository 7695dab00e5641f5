"""ICD-10-CM validation for profiles and prescriptions (the code set of ``simple-icd-10-cm``, offline).

A diagnosis is an ICD-10-CM code (``"I10"``, ``"j029"``) or a condition name. A name resolves to the
code whose description or inclusion term (parenthesised qualifiers dropped) equals it, e.g.
``"hypertension"`` -> ``I10`` ("Hypertension (arterial) (benign) (essential) ..."); failing that, to
the code whose shortest term contains every word of the name (``"type 2 diabetes"`` -> ``E11``
"Type 2 diabetes mellitus"). The answer always shows the code and description chosen.
"""

from __future__ import annotations

import re
from functools import lru_cache

from notes.diagnosis.codes import all_codes, code_description, code_normalize, inclusion_terms

_PARENS = re.compile(r"\([^)]*\)")


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", _PARENS.sub(" ", text.lower())).split())


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    codes = all_codes(with_extensions=False)
    for code in codes:
        for term in (code_description(code), *inclusion_terms(code)):
            key = _key(term)
            if key:
                names.setdefault(key, code)
    # Second choice: a description's head before its first comma ("Urinary tract infection, site
    # not specified" -> "urinary tract infection"), unless a code already owns that name.
    for code in codes:
        head = _key(code_description(code).split(",")[0])
        if head:
            names.setdefault(head, code)
    return names


@lru_cache(maxsize=1)
def _word_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for key in _names():
        for word in key.split():
            index.setdefault(word, set()).add(key)
    return index


def _closest_name(text: str) -> str | None:
    """The code of the shortest term containing every word of ``text`` (fewest extra words first)."""
    words = _key(text).split()
    if not words:
        return None
    index = _word_index()
    candidates = set.intersection(*(index.get(word, set()) for word in words))
    if not candidates:
        return None
    # "unspecified"/"NOS" words cost nothing: the unqualified form is the one a bare name means.
    free = {"unspecified", "nos", "not", "specified", "site", "other"} | set(words)
    best = min(candidates, key=lambda key: (sum(w not in free for w in key.split()), len(key), key))
    return _names()[best]


def icd10_resolve(text: str) -> tuple[str, str] | None:
    """``(code, description)`` for an ICD-10-CM code or condition name, or ``None`` when neither."""
    if not isinstance(text, str) or not text.strip():
        return None
    code = code_normalize(text)
    if code is None:
        code = _names().get(_key(text)) or _closest_name(text)
    if code is None:
        return None
    return code, code_description(code)
