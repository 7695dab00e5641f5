"""Curated knowledge base of the offline chat engine: common conditions and symptoms, in every language.

The text lives in data files, one YAML per language, in ``chatmed/chat/knowledge_data/``:

* ``en.yaml`` is the source. Every entry is a short summary written for MedSync in its own words from
  the public page it cites (NHS); it stays at the level of general guidance those pages give and adds
  no medical claim of its own. ``urgency`` and ``source`` are defined there for all languages.
* ``es``, ``ca``, ``fr``, ``pt``, ``de``, ``it`` (the other six platform languages) and ``ar`` (used by
  the API contract's examples): faithful translations of every entry (``title``, ``summary``,
  ``self_care``, ``seek_care``, ``red_flags``; same claims, numbers and units) that repeat the English
  ``source`` ("translated by MedSync from the cited source"; the NHS pages have no official version in
  these languages), plus the engine's sentences (``strings``) and the emergency rules' condition names
  and first-aid actions (``rules``, keyed by :mod:`chatmed.emergency.rules` ids).

``keywords`` (normalized: lower case, no accents, see :func:`chatmed.emergency.text.normalize`) are each
language's words for the topic; an entry matches the keywords of every language, whatever the answer's
language. ``red_flags`` become follow-up questions.

Language behaviour: :data:`LANGUAGES` get everything in their language; any other language code falls
back to English (``chatmed.chat.services`` stores and answers it as ``en``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).with_name("knowledge_data")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader when built in (~10x faster)
SOURCE_LANGUAGE = "en"
TRANSLATED_LANGUAGES = ("es", "ca", "fr", "pt", "de", "it", "ar")
LANGUAGES = (SOURCE_LANGUAGE, *TRANSLATED_LANGUAGES)
"""Languages of the chat: the seven of the platform, plus Arabic (the API contract's examples use it)."""
TEXT_FIELDS = ("title", "summary", "self_care", "seek_care", "red_flags")
"""Fields of an entry that every language of :data:`LANGUAGES` translates."""
STRING_KEYS = ("disclaimer", "emergency_reply", "no_match", "warning_sign", "closing", "profile_context",
               "profile_conditions", "profile_medications", "profile_allergies", "list_separator")


class KnowledgeDataError(ValueError):
    """A knowledge-base data file is missing, malformed or incomplete (raised at import time)."""


@dataclass(frozen=True)
class Entry:
    """One topic. Text fields are in one language (English for :data:`ENTRIES`); ``keywords`` are every
    language's; ``urgency`` is ``low`` or ``moderate``; ``source`` cites the public page(s) with URL."""

    id: str
    title: str
    keywords: tuple[str, ...]
    summary: str
    self_care: str
    seek_care: str
    red_flags: tuple[str, ...]
    urgency: str
    source: str


@lru_cache(maxsize=None)
def load_language_file(language: str) -> dict:
    """The parsed ``knowledge_data/<language>.yaml`` (``{"language", "strings", "entries", "rules"}``).

    Raises:
        KnowledgeDataError: no such file, or it is not a mapping for ``language``.
    """
    path = DATA_DIR / f"{language}.yaml"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeDataError(f"{path.name}: {exc}") from exc
    if not isinstance(data, dict) or data.get("language") != language:
        raise KnowledgeDataError(f"{path.name}: expected a mapping with language: {language}")
    return data


def _text_fields(data: dict, language: str, entry_id: str) -> dict:
    missing = [f for f in TEXT_FIELDS if not data.get(f)]
    if missing:
        raise KnowledgeDataError(f"{language}.yaml, entry {entry_id}: missing {', '.join(missing)}")
    return {**{f: str(data[f]).strip() for f in TEXT_FIELDS[:-1]},
            "red_flags": tuple(str(q).strip() for q in data["red_flags"])}


def _load_entries() -> tuple[tuple[Entry, ...], dict[str, dict[str, Entry]]]:
    source = load_language_file(SOURCE_LANGUAGE)["entries"]
    keywords: dict[str, list[str]] = {entry_id: [] for entry_id in source}
    for language in LANGUAGES:
        for entry_id, data in (load_language_file(language).get("entries") or {}).items():
            if entry_id not in source:
                raise KnowledgeDataError(f"{language}.yaml: entry {entry_id!r} is not in {SOURCE_LANGUAGE}.yaml")
            keywords[entry_id] += [k for k in data.get("keywords") or () if k not in keywords[entry_id]]
    english = tuple(
        Entry(id=entry_id, keywords=tuple(keywords[entry_id]), urgency=data["urgency"], source=data["source"].strip(),
              **_text_fields(data, SOURCE_LANGUAGE, entry_id))
        for entry_id, data in source.items())
    localized: dict[str, dict[str, Entry]] = {SOURCE_LANGUAGE: {e.id: e for e in english}}
    for language in TRANSLATED_LANGUAGES:
        translated = load_language_file(language).get("entries") or {}
        localized[language] = {}
        for entry in english:
            if entry.id not in translated:
                raise KnowledgeDataError(f"{language}.yaml: entry {entry.id!r} is not translated")
            localized[language][entry.id] = replace(entry, **_text_fields(translated[entry.id], language, entry.id))
    return english, localized


def _load_strings() -> dict[str, dict[str, str]]:
    english = load_language_file(SOURCE_LANGUAGE)["strings"]
    table = {}
    for language in LANGUAGES:
        strings = load_language_file(language).get("strings") or {}
        missing = [k for k in STRING_KEYS if not strings.get(k)]
        if missing:
            raise KnowledgeDataError(f"{language}.yaml: strings missing {', '.join(missing)}")
        table[language] = {**english, **{k: str(v) for k, v in strings.items()}}
    return table


ENTRIES, _LOCALIZED = _load_entries()
STRINGS = _load_strings()
"""language -> the engine's sentences (keys :data:`STRING_KEYS`)."""

DISCLAIMERS = {language: s["disclaimer"] for language, s in STRINGS.items()}
EMERGENCY_REPLY = {language: s["emergency_reply"] for language, s in STRINGS.items()}
NO_MATCH = {language: s["no_match"] for language, s in STRINGS.items()}


def localized_entry(entry: Entry, language: str) -> Entry | None:
    """``entry`` with its text fields in ``language`` (``None`` outside :data:`LANGUAGES`)."""
    return _LOCALIZED.get(language, {}).get(entry.id)


def rule_text(rule, language: str) -> tuple[str, tuple[str, ...]]:
    """``(condition, actions)`` of an emergency :class:`~chatmed.emergency.rules.Rule` in ``language``;
    the rule's own English text when the language's file has no translation of it."""
    translated = ((load_language_file(language).get("rules") or {}) if language in LANGUAGES else {}).get(rule.id)
    if not translated:
        return rule.condition, rule.actions
    return str(translated["condition"]).strip(), tuple(str(a).strip() for a in translated["actions"])
