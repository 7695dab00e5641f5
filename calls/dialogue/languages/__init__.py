"""Language data of the call agent: one module per language (``en.py``, ``es.py``, ...).

Each module defines ``VOICE`` (espeak-ng voice), ``PHRASES`` (what the agent says; ``str.format``
fields ``{clinic} {name} {date} {time} {provider} {procedure} {message}``), ``SUMMARIES`` (the offline
summary sentences) and ``CUES`` (answer cue lists per intent). Adding a language = adding a module
here and its code to :data:`calls.models.LANGUAGES`.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from calls.models import LANGUAGES


@dataclass(frozen=True)
class LanguagePack:
    code: str
    voice: str
    phrases: dict[str, str]
    summaries: dict[str, str]
    cues: dict[str, tuple[re.Pattern, ...]]


def normalise(text: str) -> str:
    """Lower-case, accents and Catalan middle dots removed, apostrophes straightened and joined, spaces collapsed."""
    text = unicodedata.normalize("NFKD", (text or "").lower().replace("·", "").replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"\s*'\s*", "'", text)  # speech recognisers write "c 'est" / "c' est" for "c'est"
    return re.sub(r"\s+", " ", text).strip()


def _cue_pattern(cue: str) -> re.Pattern:
    cue = normalise(cue)
    prefix = cue.endswith("*")
    body = re.escape(cue.rstrip("*")).replace(r"\ ", r"\s+")
    return re.compile(r"(?<![\w'])" + body + (r"[\w']*" if prefix else r"(?![\w'])"))


@lru_cache(maxsize=None)
def language_pack(code: str) -> LanguagePack:
    """The :class:`LanguagePack` of ``code`` (one of :data:`calls.models.LANGUAGES`).

    Raises:
        ValueError: unsupported language.
    """
    if code not in LANGUAGES:
        raise ValueError(f"unsupported language {code!r}")
    module = importlib.import_module(f"calls.dialogue.languages.{code}")
    cues = {intent: tuple(_cue_pattern(c) for c in items) for intent, items in module.CUES.items()}
    return LanguagePack(code=code, voice=module.VOICE, phrases=dict(module.PHRASES),
                        summaries=dict(module.SUMMARIES), cues=cues)
