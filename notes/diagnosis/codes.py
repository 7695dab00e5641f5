"""The ICD-10-CM code set (``simple-icd-10-cm``: the complete CMS tabular list, shipped offline).

Codes are written with their dot (``"J02.9"``). A code is *billable* when it is a leaf of the
classification (it has no subdivisions), the level CMS accepts on claims.
"""

from __future__ import annotations

import re
from functools import lru_cache

import simple_icd_10_cm as icd

_CODE_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")


def code_normalize(raw: str) -> str | None:
    """``"j029"``, ``" J02.9 "`` -> ``"J02.9"``; ``None`` unless the code exists in ICD-10-CM.

    Chapters and blocks (``"A00-A09"``) are not codes and give ``None``.
    """
    if not isinstance(raw, str):
        return None
    code = raw.strip().upper()
    if not _CODE_SHAPE.match(code) or not icd.is_valid_item(code):
        return None
    if not icd.is_category_or_subcategory(code):
        return None
    return icd.add_dot(code)


def code_description(code: str) -> str:
    """The code set's description of a valid ``code``."""
    return icd.get_description(code)


def code_is_billable(code: str) -> bool:
    """True when ``code`` is a leaf (has no subdivisions)."""
    return icd.is_leaf(code)


@lru_cache(maxsize=4096)
def billable_default(code: str) -> str:
    """The billable code to suggest for ``code``: itself when it is a leaf, else its default leaf.

    The default leaf is the descendant whose description says it is the unspecified, uncomplicated,
    "without ..." or initial-encounter form (the code a coder picks when the record gives no more
    detail), the shortest such code first, then the least specified; failing that, the shortest
    leaf mentioning "unspecified", then the first leaf in code order.
    """
    if icd.is_leaf(code):
        return code
    leaves = [c for c in icd.get_descendants(code) if icd.is_leaf(c)]
    if not leaves:
        return code

    def rank(leaf: str) -> tuple[int, int, int, str]:
        description = icd.get_description(leaf).lower()
        last_clause = description.rsplit(",", 1)[-1]
        if (last_clause.strip() in ("unspecified", "uncomplicated") or description.startswith("unspecified ")
                or (re.search(r"\bwithout\b", last_clause) and not re.search(r"\bwith\b", last_clause))
                or "initial encounter" in description):
            tier = 0  # the plain form: unspecified, uncomplicated, "without ..." or the first encounter
        elif "unspecified" in description:
            tier = 1
        else:
            tier = 2
        return (tier, len(leaf), -description.count("unspecified"), leaf)

    return min(leaves, key=rank)


def all_codes(*, with_extensions: bool = True) -> list[str]:
    """Every category, subcategory and code of ICD-10-CM (with dots), in code order.

    ``with_extensions=False`` leaves out the codes with a 7th character (``S62.609A``: encounter or
    sequela forms of their parent), whose descriptions repeat their parent's.
    """
    return [
        c for c in icd.get_all_codes(True)
        if icd.is_category_or_subcategory(c) and (with_extensions or not icd.is_extended_subcategory(c))
    ]


def inclusion_terms(code: str) -> list[str]:
    """The tabular list's inclusion terms and "includes" notes of ``code`` (synonyms and examples)."""
    return list(icd.get_inclusion_term(code)) + list(icd.get_includes(code))
