"""The offline understanding: dates and times, language detection, option picking, names, catalogue."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from booking.conversation import nlu
from booking.conversation.language import Detection, conversation_language, detect_language
from booking.conversation.nlu import FaqEntry, NluContext, SummaryFacts
from booking.conversation.replies import REPLIES, format_day
from booking.conversation.rules import RuleBasedUnderstanding, TemplateSummaryWriter, extract_name, match_faq
from booking.conversation.text import normalize
from booking.conversation.when import understand_when
from booking.models import LANGUAGES

# Monday 18 May 2026, 09:00 in Madrid.
NOW = datetime(2026, 5, 18, 9, 0, tzinfo=ZoneInfo("Europe/Madrid"))


@pytest.mark.parametrize("language,text,day,daypart,at", [
    ("es", "mañana por la tarde", date(2026, 5, 19), "afternoon", None),
    ("es", "mañana por la mañana", date(2026, 5, 19), "morning", None),
    ("es", "pasado mañana a las 5", date(2026, 5, 20), None, time(17, 0)),
    ("es", "el jueves de la semana que viene", date(2026, 5, 28), None, None),
    ("es", "el 20", date(2026, 5, 20), None, None),
    ("es", "20/05", date(2026, 5, 20), None, None),
    ("es", "a las 10 y media", None, None, time(10, 30)),
    ("en", "next Tuesday", date(2026, 5, 19), None, None),
    ("en", "the day after tomorrow at 4pm", date(2026, 5, 20), None, time(16, 0)),
    ("en", "on the 22nd", date(2026, 5, 22), None, None),
    ("en", "2026-05-29", date(2026, 5, 29), None, None),
    ("en", "next week", date(2026, 5, 25), None, None),
    ("en", "this afternoon", date(2026, 5, 18), "afternoon", None),
    ("ca", "dijous a les 10", date(2026, 5, 21), None, time(10, 0)),
    ("ca", "dimarts a les 4 de la tarda", date(2026, 5, 19), "afternoon", time(16, 0)),
    ("ca", "demà passat", date(2026, 5, 20), None, None),
    ("fr", "demain après-midi", date(2026, 5, 19), "afternoon", None),
    ("fr", "le 3 juin à 10h", date(2026, 6, 3), None, time(10, 0)),
    ("fr", "la semaine prochaine", date(2026, 5, 25), None, None),
    ("pt", "sexta-feira de manhã", date(2026, 5, 22), "morning", None),
    ("pt", "depois de amanhã às 10h", date(2026, 5, 20), None, time(10, 0)),
    ("pt", "dia 3 de junho", date(2026, 6, 3), None, None),
    ("de", "am Donnerstag um 10 Uhr", date(2026, 5, 21), None, time(10, 0)),
    ("de", "morgen früh", date(2026, 5, 19), "morning", None),
    ("de", "20.05.", date(2026, 5, 20), None, None),
    ("de", "nächsten Dienstag nachmittag", date(2026, 5, 19), "afternoon", None),
    ("it", "domani pomeriggio", date(2026, 5, 19), "afternoon", None),
    ("it", "dopodomani alle 11", date(2026, 5, 20), None, time(11, 0)),
    ("it", "stasera", date(2026, 5, 18), "evening", None),
])
def test_dates_and_times_in_each_language(language, text, day, daypart, at):
    when = understand_when(text, language=language, now_local=NOW)
    assert (when.date, when.daypart, when.time) == (day, daypart, at)


@pytest.mark.parametrize("language,text", [
    ("fr", "je voudrais un rendez-vous"),  # dateparser alone reads "je" as jeudi
    ("es", "cancelar mi cita"),  # ... and "mi" as miércoles
    ("pt", "quero ter uma consulta"),  # ... and "ter uma" as a date
    ("es", "María López"),
    ("en", "2"),
])
def test_no_date_where_there_is_none(language, text):
    when = understand_when(text, language=language, now_local=NOW)
    assert when.date is None and not when.in_past


def test_past_days_are_flagged():
    assert understand_when("ayer", language="es", now_local=NOW).in_past
    assert understand_when("lo antes posible", language="es", now_local=NOW).asap


@pytest.mark.parametrize("text,language", [
    ("Hello", "en"), ("Bon dia", "ca"), ("Bonjour", "fr"), ("Olá", "pt"), ("Hallo", "de"), ("Ciao", "it"),
    ("Buenos días", "es"), ("Vull una cita dijous a les 10", "ca"), ("Quiero una cita mañana por la tarde", "es"),
    ("Queria marcar uma consulta amanhã de manhã", "pt"), ("Vorrei prenotare un appuntamento", "it"),
    ("Ich möchte einen Termin", "de"), ("Je voudrais prendre rendez-vous", "fr"),
    ("I would like to book an appointment", "en"),
])
def test_language_detection(text, language):
    assert detect_language(text).language == language


def test_ambiguous_words_prefer_the_conversation_language():
    assert detect_language("Hola", prefer="ca").language == "ca"
    assert detect_language("Hola", prefer="es").language == "es"
    assert detect_language("1").language is None
    assert detect_language("Jordi Puig").language is None
    assert detect_language("asdkjh qwe zzkx").language is None


def test_language_is_sticky_unless_evidence_is_strong():
    assert conversation_language(None, Detection("es")) == "es"
    assert conversation_language("es", Detection("pt", strong=False)) == "es"
    assert conversation_language("es", Detection(None)) == "es"
    assert conversation_language("es", Detection("ca", strong=True)) == "ca"
    assert detect_language("Vull demanar hora per dijous, si us plau").strong


def _context(**kwargs) -> NluContext:
    defaults = {"language": "es", "now_local": NOW}
    defaults.update(kwargs)
    return NluContext(**defaults)


@pytest.mark.parametrize("language,text,expected", [
    ("es", "2", 2), ("es", "la 2", 2), ("es", "opción 3", 3), ("es", "la segunda", 2), ("es", "el último", 3),
    ("es", "dos", 2), ("es", "la de las 10", 2), ("en", "the 9:00 one", 1), ("en", "first", 1),
    ("ca", "la tercera", 3), ("fr", "la deuxième", 2), ("pt", "a primeira", 1), ("de", "die zweite", 2),
    ("it", "la terza", 3), ("de", "Nummer 1", 1), ("es", "con el Dr. Lopez", 2), ("es", "7", None),
    ("pt", "segunda-feira", None), ("es", "quiero una cita", None),
])
def test_picking_an_option(language, text, expected):
    context = _context(language=language, step="choose_slot", option_count=3,
                       option_times=(time(9, 0), time(10, 0), time(12, 30)),
                       option_providers=("Dr. Garcia", "Dr. Lopez", "Dr. Garcia"))
    assert RuleBasedUnderstanding().understand(text, context=context).choice == expected


@pytest.mark.parametrize("language,text,expected", [
    ("es", "Sí", True), ("es", "vale", True), ("es", "no", False), ("ca", "d'acord", True), ("fr", "oui", True),
    ("fr", "non", False), ("pt", "sim", True), ("pt", "não", False), ("de", "ja", True), ("de", "stimmt nicht", False),
    ("it", "sì, va bene", True), ("it", "non è giusto", False), ("en", "yes please", True), ("es", "tal vez", None),
])
def test_yes_and_no(language, text, expected):
    assert RuleBasedUnderstanding().understand(text, context=_context(language=language, step="confirm")).affirm \
        is expected


@pytest.mark.parametrize("language,text,expected", [
    ("es", "Me llamo maría lópez", "María López"), ("en", "My name is John O'Neil", "John O'Neil"),
    ("de", "Ich heiße Anna-Lena Müller.", "Anna-Lena Müller"), ("fr", "Je m'appelle Zoé", "Zoé"),
    ("ca", "JORDI PUIG", "Jordi Puig"), ("es", "sí", None), ("en", "12345", None),
    ("en", "call me at +34 612 345 678", None),
])
def test_names(language, text, expected):
    assert extract_name(text, language) == expected


@pytest.mark.parametrize("text,intents", [
    ("Hola, quiero una cita", {nlu.GREETING, nlu.BOOK}),
    ("Necesito cambiar la cita", {nlu.RESCHEDULE}),
    ("Je voudrais annuler mon rendez-vous", {nlu.BOOK, nlu.CANCEL}),
    ("Wann haben Sie offen?", {nlu.HOURS}),
    ("Quali servizi offrite?", {nlu.SERVICES}),
    ("obrigado, tchau", {nlu.THANKS, nlu.BYE}),
    ("Buenas tardes", {nlu.GREETING}),
])
def test_intents(text, intents):
    understanding = RuleBasedUnderstanding().understand(text, context=_context())
    assert set(understanding.intents) == intents


def test_greeting_day_words_are_not_dates():
    understanding = RuleBasedUnderstanding().understand("Buenas tardes", context=_context())
    assert understanding.when.empty
    understanding = RuleBasedUnderstanding().understand("Guten Morgen", context=_context(language="de"))
    assert understanding.when.empty


def test_faq_matching():
    entries = (FaqEntry(texts=("Is there parking?", "¿Hay aparcamiento?"), keywords=("parking", "aparcar")),
               FaqEntry(texts=("Do you accept insurance from Sanitas?",), keywords=()))
    assert match_faq(normalize("¿Dónde puedo aparcar?"), entries) == 0
    assert match_faq(normalize("Do you accept Sanitas insurance?"), entries) == 1
    assert match_faq(normalize("What time is it?"), entries) is None


def test_every_reply_exists_in_all_seven_languages_with_the_same_placeholders():
    for key, texts in REPLIES.items():
        assert set(texts) == set(LANGUAGES), key
        placeholders = {lang: set(re.findall(r"{(\w+)}", text)) for lang, text in texts.items()}
        assert len({frozenset(p) for p in placeholders.values()}) == 1, key


def test_localized_days():
    day = date(2026, 5, 20)
    assert [format_day(day, lang) for lang in LANGUAGES] == [
        "Wednesday, May 20", "miércoles 20 de mayo", "dimecres 20 de maig", "mercredi 20 mai",
        "quarta-feira, 20 de maio", "Mittwoch, 20. Mai", "mercoledì 20 maggio",
    ]


def test_offline_summary():
    facts = SummaryFacts(date="2026-05-20", time="09:30", provider="Dr. Garcia", service="Dental cleaning",
                         daypart="morning")
    assert TemplateSummaryWriter().summarize(facts=facts, transcript=[], language="en") == (
        "Patient requested an appointment via WhatsApp for Dental cleaning, preferred morning. "
        "Chose 2026-05-20 at 09:30 with Dr. Garcia."
    )
    spanish = TemplateSummaryWriter().summarize(facts=facts, transcript=[], language="es")
    assert spanish.startswith("El paciente solicitó una cita por WhatsApp para Dental cleaning")
