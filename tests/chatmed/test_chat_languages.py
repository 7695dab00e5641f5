"""The offline chat engine in every platform language (and Arabic): knowledge-base completeness,
mechanical faithfulness of the translations (numbers and units), answers and follow-up questions in the
request's language through the API, and the English fallback for unsupported languages."""

from __future__ import annotations

import re
from functools import lru_cache
from string import Formatter

import pytest
from lingua import Language, LanguageDetectorBuilder

from chatmed.chat.engine import localized_profile_context, offline_answer
from chatmed.chat.knowledge import (
    ENTRIES, LANGUAGES, STRING_KEYS, STRINGS, TEXT_FIELDS, TRANSLATED_LANGUAGES, KnowledgeDataError, load_language_file,
    localized_entry, rule_text,
)
from chatmed.emergency.rules import CRITICAL, HIGH, RULES

LINGUA = {"en": Language.ENGLISH, "es": Language.SPANISH, "ca": Language.CATALAN, "fr": Language.FRENCH,
          "pt": Language.PORTUGUESE, "de": Language.GERMAN, "it": Language.ITALIAN, "ar": Language.ARABIC}
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
UNITS = re.compile(r"mmHg|\bmg\b|\bg\b|°C|\bC\b")


@lru_cache(maxsize=1)
def _detector():
    return LanguageDetectorBuilder.from_languages(*LINGUA.values()).build()


def _language_of(text: str) -> str:
    detected = _detector().detect_language_of(text)
    return next(code for code, language in LINGUA.items() if language == detected)


def _numbers(text: str) -> list[str]:
    return sorted(NUMBER.findall(text))


def _units(text: str) -> list[str]:
    return sorted("°C" if u in ("C", "°C") else u for u in UNITS.findall(text))


# --- the data files -------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_has_every_field_and_cites_its_source(language):
    raw = load_language_file(language)["entries"]
    assert set(raw) == {e.id for e in ENTRIES}
    for entry in ENTRIES:
        local = localized_entry(entry, language)
        assert local is not None
        for field in TEXT_FIELDS:
            assert getattr(local, field), (language, entry.id, field)
        assert len(local.red_flags) == len(entry.red_flags) and all(q.strip() for q in local.red_flags)
        assert raw[entry.id]["keywords"], (language, entry.id)  # the topic can be asked about in this language
        # Every translation keeps citing the English entry's source, URLs included.
        assert raw[entry.id]["source"].strip() == entry.source and "https://" in local.source
        assert local.urgency == entry.urgency
        if language != "en":
            assert local.summary != entry.summary and local.red_flags != entry.red_flags, (language, entry.id)


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_translations_keep_the_english_numbers_and_units(language):
    for entry in ENTRIES:
        local = localized_entry(entry, language)
        for field in TEXT_FIELDS[:-1]:
            english, translated = getattr(entry, field), getattr(local, field)
            assert _numbers(translated) == _numbers(english), (language, entry.id, field, translated)
            assert _units(translated) == _units(english), (language, entry.id, field, translated)
        for english, translated in zip(entry.red_flags, local.red_flags):
            assert _numbers(translated) == _numbers(english), (language, entry.id, translated)


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_emergency_rule_is_translated_with_the_same_numbers(language):
    raw = load_language_file(language)["rules"]
    assert set(raw) == {rule.id for rule in RULES}
    for rule in RULES:
        condition, actions = rule_text(rule, language)
        assert condition and actions != rule.actions and len(actions) == len(rule.actions), (language, rule.id)
        for english, translated in zip(rule.actions, actions):
            assert _numbers(translated) == _numbers(english), (language, rule.id, translated)
            assert _units(translated) == _units(english), (language, rule.id, translated)


@pytest.mark.parametrize("language", LANGUAGES)
def test_engine_sentences_exist_with_the_english_placeholders(language):
    def fields(text):
        return sorted(name for _, name, _, _ in Formatter().parse(text) if name)

    for key in STRING_KEYS:
        assert STRINGS[language][key], (language, key)
        assert fields(STRINGS[language][key]) == fields(STRINGS["en"][key]), (language, key)


def test_a_missing_data_file_is_a_clear_error():
    with pytest.raises(KnowledgeDataError, match="xx.yaml"):
        load_language_file("xx")


@pytest.mark.parametrize("breakage, error", [
    (lambda text: text.replace("    seek_care:", "    seek_care_typo:", 1), "de.yaml, entry headache: missing seek_care"),
    (lambda text: text.replace("  hypertension:\n", "  hypertensionn:\n", 1), "de.yaml: entry 'hypertensionn' is not in en.yaml"),
])
def test_an_incomplete_translation_is_refused_when_loading(tmp_path, monkeypatch, breakage, error):
    import shutil

    from chatmed.chat import knowledge

    for path in knowledge.DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    german = tmp_path / "de.yaml"
    german.write_text(breakage(german.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setattr(knowledge, "DATA_DIR", tmp_path)
    knowledge.load_language_file.cache_clear()
    try:
        with pytest.raises(KnowledgeDataError, match=re.escape(error)):
            knowledge._load_entries()
    finally:
        knowledge.load_language_file.cache_clear()  # the next caller reloads the real files


# --- the engine -------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_warning_sign_and_emergency_reply_use_the_rule_text_of_the_language(language):
    high = offline_answer(message="I have a cough and chest pain", language=language, emergency_number="112")
    chest_pain = next(r for r in RULES if r.id == "chest_pain")
    condition, actions = rule_text(chest_pain, language)
    assert high.urgency_level == HIGH and high.topic == "cough"
    assert condition in high.response and actions[0] in high.response
    assert chest_pain.condition not in high.response and "warning sign" not in high.response
    cough = next(e for e in ENTRIES if e.id == "cough")
    assert high.follow_up_questions == list(localized_entry(cough, language).red_flags[:3])

    critical = offline_answer(message="he is not breathing", language=language, emergency_number="112")
    arrest = next(r for r in RULES if r.id == "cardiac_arrest")
    assert critical.urgency_level == CRITICAL and rule_text(arrest, language)[0] in critical.response
    assert arrest.condition not in critical.response and "112" in critical.response


def test_profile_sentence_in_every_language():
    for language in LANGUAGES:
        text = localized_profile_context(language=language, conditions=["Type 2 diabetes mellitus"],
                                         medications=["metformin"], allergies=["penicillin"])
        assert "penicillin" in text and "metformin" in text and STRINGS[language]["profile_allergies"] in text
    assert localized_profile_context(language="fr", conditions=[], medications=[], allergies=[]) == ""
    assert localized_profile_context(language="zz", conditions=[], medications=[], allergies=["latex"]).startswith(
        "Your health profile lists allergies: latex.")


# --- through the API, one typical question per language ---------------------------------------------

QUESTIONS = {
    "en": ("I have had a bad cough for a week, what should I do?", "cough"),
    "es": ("Tengo tos desde hace una semana, ¿qué puedo hacer?", "cough"),
    "ca": ("Tinc mal de gola des de fa tres dies, què puc fer?", "sore_throat"),
    "fr": ("J'ai mal à la gorge depuis trois jours, que faire ?", "sore_throat"),
    "pt": ("Tenho dor de cabeça há dois dias, o que posso fazer?", "headache"),
    "de": ("Ich habe seit zwei Tagen Rückenschmerzen, was kann ich tun?", "back_pain"),
    "it": ("Ho il raffreddore e il naso chiuso da ieri, cosa posso fare?", "common_cold"),
    "ar": ("عندي حمى منذ يومين، ماذا أفعل؟", "fever"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_typical_question_is_answered_in_its_language(cm, language):
    message, topic = QUESTIONS[language]
    body = cm.post("/api/v1/chat/message", {"message": message, "language": language}, format="json").json()
    entry = next(e for e in ENTRIES if e.id == topic)
    local = localized_entry(entry, language)
    assert body["engine"] == "offline" and body["urgency_level"] in ("low", "moderate")
    assert local.title in body["response"] and local.summary in body["response"] and local.seek_care in body["response"]
    assert _language_of(body["response"]) == language
    assert body["follow_up_questions"] == list(local.red_flags[:3])
    assert _language_of(" ".join(body["follow_up_questions"])) == language
    assert body["disclaimer"] == STRINGS[language]["disclaimer"]
    assert entry.source in body["sources"]
    if language != "en":
        assert entry.summary not in body["response"] and "If symptoms get worse" not in body["response"]
    # The session keeps the topic: a follow-up without keywords is answered from the same entry, same language.
    again = cm.post("/api/v1/chat/message", {"message": "?", "session_id": body["session_id"], "language": language},
                    format="json").json()
    assert local.self_care in again["response"] and again["follow_up_questions"] == body["follow_up_questions"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh", "nl", "xx-yy"])
def test_an_unsupported_language_falls_back_to_english(cm, language):
    body = cm.post("/api/v1/chat/message", {"message": "Tengo tos", "language": language, "session_id": "fallback"},
                   format="json").json()
    cough = next(e for e in ENTRIES if e.id == "cough")
    assert cough.summary in body["response"] and body["follow_up_questions"] == list(cough.red_flags[:3])
    assert body["disclaimer"] == STRINGS["en"]["disclaimer"] and _language_of(body["response"]) == "en"
    assert cm.get("/api/v1/chat/sessions/fallback").json()["language"] == "en"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_topic_can_be_asked_about_in_every_language(language):
    from chatmed.chat.engine import match_entry

    for entry_id, data in load_language_file(language)["entries"].items():
        for keyword in data["keywords"]:
            matched = match_entry(keyword)
            assert matched is not None and matched.id == entry_id, (language, keyword, matched and matched.id)
