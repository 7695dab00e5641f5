"""Per-language tables of the offline note engine, one module per language.

Each module here (``en.py``, ``es.py``, ...) is named by its ISO 639-1 code
and defines UPPER_CASE tables (word lists, regular-expression fragments and
compiled patterns, localized connective words). The algorithm modules of
``notes.engines.offline`` read them through :func:`per_language` (tables
such as ``NEG_ANSWER``: ``{code: value}``) and :func:`per_key_language`
(tables keyed by topic, body system or section such as ``TOPIC_CUES``:
``{key: {code: value}}``). A language module may leave out a table it does
not need (e.g. German has no ``UNMARKED_QUESTION``); the algorithm then falls
back to English or skips the rule, as each module documents.

The tables and the step that reads them (``notes.engines.offline.<module>``)::

    lexicons   LEADING, LEADING_IF_PUNCT (words stripped from a sentence start),
               NEG_ANSWER, POS_ANSWER, NEG_DETERMINER (answer polarity),
               QUESTION_START, UNMARKED_QUESTION, BARE_CONDITIONAL, DISCOURSE_NEXT,
               STOPWORDS (language detection, content words),
               SAYS, ASKED, REPORTS, DENIES (connective words of the note)
    sentences  SPLIT_MARKERS (sentence starts in unpunctuated speech)
    filters    INTRO (the clinician's age-and-sex summary sentence)
    topics     TOPIC_CUES {topic: fragments}, RESULT_STATEMENT, CONDITIONAL_START, PLAN_INTENT,
               SIDE_EFFECT_COUNSEL, INSTRUCTION (counselling and instructions: plan)
    answers    YN_PREFIX (yes/no question openings to strip)
    person     THIRD_PERSON_FORMS (first -> third person; English has its own rules)
    complaint  CC_PATTERNS, OPENING_Q, COMPLAINT_LEAD (chief complaint)
    ros        ROS_SYSTEMS {body system: symptom terms}
    problems   PROBLEM_PATTERNS, IMPRESSION_PATTERNS (diagnoses the clinician states)
    routing    SUBHEADINGS {topic: label} (labels inside merged sections)

Languages are discovered from the files in this directory, in the order of
``templates.builtin.SUPPORTED_LANGUAGES`` (English first, because tables
keyed by topic keep the key order of the first language that has them), then
any other module in alphabetical order.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

from templates.builtin import SUPPORTED_LANGUAGES


def _discover() -> dict[str, ModuleType]:
    codes = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    order = {code: i for i, code in enumerate(SUPPORTED_LANGUAGES)}
    codes.sort(key=lambda c: (order.get(c, len(order)), c))
    return {code: importlib.import_module(f"{__name__}.{code}") for code in codes}


#: Language code -> its table module, English first.
MODULES: dict[str, ModuleType] = _discover()
#: Codes of the languages that have tables, English first.
LANGUAGES: tuple[str, ...] = tuple(MODULES)


def per_language(name: str) -> dict[str, Any]:
    """``{code: table}`` for every language module that defines ``name``."""
    return {code: getattr(module, name) for code, module in MODULES.items() if hasattr(module, name)}


def per_key_language(name: str) -> dict[str, dict[str, Any]]:
    """``{key: {code: value}}`` from the ``{key: value}`` tables ``name`` of every language.

    Keys keep the order in which they first appear (English first).
    """
    out: dict[str, dict[str, Any]] = {}
    for code, module in MODULES.items():
        for key, value in getattr(module, name, {}).items():
            out.setdefault(key, {})[code] = value
    return out
