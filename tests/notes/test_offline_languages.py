"""The offline engine's per-language tables (``notes.engines.offline.languages``)."""

from __future__ import annotations

from notes.engines.offline import languages
from notes.engines.offline.languages import LANGUAGES, MODULES, per_key_language, per_language
from templates.builtin import SUPPORTED_LANGUAGES


def test_every_supported_language_has_its_module_english_first() -> None:
    assert LANGUAGES[: len(SUPPORTED_LANGUAGES)] == SUPPORTED_LANGUAGES
    assert all(MODULES[code].__name__ == f"{languages.__name__}.{code}" for code in LANGUAGES)


def test_keyed_tables_use_the_english_keys() -> None:
    for name in ("TOPIC_CUES", "ROS_SYSTEMS", "SUBHEADINGS"):
        english = set(getattr(MODULES["en"], name))
        for code, module in MODULES.items():
            assert set(getattr(module, name, {})) <= english, (name, code)
        # Assembled {key: {code: value}} keeps the English key order.
        assert list(per_key_language(name))[: len(english)] == list(getattr(MODULES["en"], name))


def test_tables_every_language_needs() -> None:
    for name in ("NEG_ANSWER", "POS_ANSWER", "QUESTION_START", "STOPWORDS", "REPORTS", "DENIES", "TOPIC_CUES"):
        assert set(per_language(name)) == set(LANGUAGES), name
