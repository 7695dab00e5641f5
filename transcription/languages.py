"""Spoken languages: BCP 47 tags in, the languages each speech engine transcribes.

``POST /v1/transcribe`` accepts a BCP 47 tag (``en``, ``en-US``, ``pt-BR``, ``zh-Hant-TW``) and
transcribes its base language. A language is accepted when one of the clinic's speech engines
(:func:`transcription.services.speech_engine_candidates`) supports it:

* offline (faster-whisper): the languages the local engine declares
  (``transcription.providers.local_whisper``: the English model and the multilingual model's
  languages), which are among Whisper's (:func:`whisper_languages`);
* Deepgram, when configured: :data:`DEEPGRAM_LANGUAGES`.

Notes are written in the spoken language; the seven languages templates are translated to
(``templates.builtin.SUPPORTED_LANGUAGES``) get localized headings, others English headings.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: BCP 47 language tag, loosely: a 2-3 letter primary language subtag, then subtags (script,
#: region, variant) of 1-8 letters or digits, separated by "-" (or "_", as POSIX locales write it).
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


@lru_cache(maxsize=1)
def whisper_languages() -> frozenset[str]:
    """The ~100 languages of Whisper's multilingual models (Whisper's tokenizer table, as faster-whisper
    ships it); imported on first use because faster-whisper is heavy to import."""
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return frozenset(_LANGUAGE_CODES)

#: Deepgram's pre-recorded languages (base codes) for Nova-2 and Nova-3, from Deepgram's
#: "Models & Languages Overview" documentation; ``transcription.providers.deepgram`` picks the model.
DEEPGRAM_LANGUAGES: frozenset[str] = frozenset({
    "bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "hi", "hu", "id", "it", "ja", "ko", "lt", "lv",
    "ms", "nl", "no", "pl", "pt", "ro", "ru", "sk", "sv", "th", "tr", "uk", "vi", "zh",
})


class UnsupportedLanguage(ValueError):
    """A tag that is not BCP 47, or a language none of the engines transcribes (message lists them)."""


def base_language(tag: str) -> str:
    """The primary language subtag of a BCP 47 tag, lower case: ``"pt-BR"`` -> ``"pt"``.

    Raises:
        UnsupportedLanguage: ``tag`` is not a language tag.
    """
    match = _TAG.match((tag or "").strip())
    if not match:
        raise UnsupportedLanguage(f"{tag!r} is not a language tag such as en, es-ES or pt-BR")
    return match.group(1).lower()


def offline_languages() -> frozenset[str]:
    """Languages the offline engine transcribes (as ``local_whisper`` declares them)."""
    from transcription.providers import local_whisper

    declared = local_whisper.ENGLISH_LANGUAGES | local_whisper.MULTILINGUAL_LANGUAGES
    return frozenset(declared) & whisper_languages()


def engine_languages(engine_name: str) -> frozenset[str]:
    """Languages of one speech engine of :func:`transcription.services.speech_engine_candidates`."""
    if engine_name == "deepgram":
        return DEEPGRAM_LANGUAGES
    return offline_languages()


def supported_languages(clinic) -> frozenset[str]:
    """Every language one of ``clinic``'s speech engines (in its fallback order) transcribes."""
    from transcription.services import speech_engine_candidates

    languages: set[str] = set()
    for name, _ in speech_engine_candidates(clinic):
        languages |= engine_languages(name)
    return frozenset(languages)


def spoken_language(tag: str, *, clinic) -> str:
    """The base language to transcribe for ``tag``, if one of ``clinic``'s engines supports it.

    Raises:
        UnsupportedLanguage: not a language tag, or no engine supports it (the message lists the
            supported codes).
    """
    language = base_language(tag)
    supported = supported_languages(clinic)
    if language not in supported:
        raise UnsupportedLanguage(f"Unsupported language {tag!r}; supported: {', '.join(sorted(supported))} "
                                  "(or a BCP 47 tag of one, e.g. en-US, pt-BR)")
    return language
