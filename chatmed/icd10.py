"""ICD-10-CM validation for profiles and prescriptions (the code set of ``simple-icd-10-cm``, offline).

A diagnosis is an ICD-10-CM code (``"I10"``, ``"j029"``) or a condition name that equals a code's
description or one of its inclusion terms (parenthesised qualifiers dropped), e.g.
``"hypertension"`` -> ``I10`` ("Hypertension (arterial) (benign) (essential) ...").
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


def icd10_resolve(text: str) -> tuple[str, str] | None:
    """``(code, description)`` for an ICD-10-CM code or condition name, or ``None`` when neither."""
    if not isinstance(text, str) or not text.strip():
        return None
    code = code_normalize(text)
    if code is None:
        code = _names().get(_key(text))
    if code is None:
        return None
    return code, code_description(code)
