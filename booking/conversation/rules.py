"""Offline, rule-based understanding and summaries: the default, and the fallback of the LLM.

Intents are recognised from the vocabulary of all seven languages (a Catalan speaker who types
"cancelar" is still understood); answers that depend on the language — yes/no, ordinals, parts
of the day, dates — use the conversation's language (plus English for yes/no).
"""

from __future__ import annotations

import re
from functools import lru_cache

from booking.conversation import lexicon
from booking.conversation import nlu
from booking.conversation.nlu import FaqEntry, NluContext, SummaryFacts, Understanding
from booking.conversation.replies import t
from booking.conversation.text import blank, contains_any, find_phrases, normalize, phrase_pattern, squash, words
from booking.conversation.when import When, understand_when

_INTENT_LEXICONS: dict[str, lexicon.Lexicon] = {
    nlu.BOOK: lexicon.BOOK,
    nlu.RESCHEDULE: lexicon.RESCHEDULE,
    nlu.CANCEL: lexicon.CANCEL,
    nlu.HOURS: lexicon.HOURS,
    nlu.SERVICES: lexicon.SERVICES,
    nlu.THANKS: lexicon.THANKS,
    nlu.HOW_ARE_YOU: lexicon.HOW_ARE_YOU,
    nlu.BYE: lexicon.BYE,
    nlu.WHO: lexicon.WHO,
    nlu.STOP: lexicon.STOP,
}

# "option 2", "número 2", "la 2", "#2": a number that picks an option.
_OPTION_WORDS = r"(?:option|opcion|opcio|numero|nummer|opzione|opcao|n|no|nr|num|the|el|la|le|il|o|a|die|der|l)"
_BARE_NUMBER = re.compile(rf"^\s*(?:{_OPTION_WORDS}\s+)?#?\s*(?P<n>\d{{1,2}})\s*[.)]?\s*$")
_NUMBER = re.compile(r"(?<![\d:/.])(?P<n>\d{1,2})(?![\d:/.]|\s*(?:h|uhr|am|pm)\b)")

#: A patient name: letters (any script), spaces, apostrophes, hyphens and dots; 2-100 characters.
_NAME = re.compile(r"^[^\W\d_]+(?:[\s'’.\-]+[^\W\d_]+)*\.?$")
MAX_NAME_WORDS = 6
#: Number words that are also indefinite articles.
_ARTICLES = frozenset({"u", "un", "una", "une", "um", "uma", "uno"})


@lru_cache(maxsize=None)
def _all_phrases(intent: str) -> tuple[str, ...]:
    table = _INTENT_LEXICONS[intent]
    return tuple(sorted({p for phrases in table.values() for p in phrases}))


@lru_cache(maxsize=1)
def _all_greetings() -> tuple[str, ...]:
    return tuple(sorted({p for phrases in lexicon.GREETING.values() for p in phrases}))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """Function words of the seven languages (ignored when matching FAQ questions)."""
    base = {w for phrases in lexicon.LANGUAGE_HINTS.values() for p in phrases for w in normalize(p).split()}
    base |= {"have", "your", "there", "this", "that", "does", "tienen", "teneis", "hay", "avez", "vous", "haben",
             "gibt", "avete", "esta", "este", "what", "when", "como", "onde", "dove", "where", "wo", "puedo",
             "pode", "kann", "puis", "possible", "also", "para", "pour", "dans", "with", "desde", "from",
             "clinic", "clinica", "clinique", "klinik", "praxis"}
    return frozenset(base)


def _language_phrases(table: lexicon.Lexicon, language: str, *, with_english: bool = False) -> tuple[str, ...]:
    phrases = list(table.get(language, ()))
    if with_english and language != "en":
        phrases += table["en"]
    return tuple(phrases)


def detect_affirmation(normalized: str, language: str) -> bool | None:
    """``True`` for yes, ``False`` for no (a "no" wins over a "yes" in the same answer), else ``None``."""
    if contains_any(normalized, _language_phrases(lexicon.DENY, language, with_english=True)):
        return False
    if contains_any(normalized, _language_phrases(lexicon.AFFIRM, language, with_english=True)):
        return True
    return None


def detect_choice(text: str, normalized: str, *, context: NluContext, when: When) -> int | None:
    """The 1-based option a message picks, or ``None``.

    Tries, in order: a bare number ("2", "option 2", "la 2"); a time matching one option
    ("la de las 10", "the 9:30 one"); an ordinal ("la segunda", "the first", "die letzte"); a
    number word in a short answer ("dos", "two"); a provider named in the message.
    """
    count = context.option_count
    if count <= 0:
        return None
    m = _BARE_NUMBER.match(normalized)
    if m and 1 <= int(m["n"]) <= count:
        return int(m["n"])

    providers = context.option_providers
    if when.time is not None and context.option_times:
        matching = [i for i, slot_time in enumerate(context.option_times) if slot_time == when.time]
        if len(matching) > 1 and providers:
            by_provider = [i for i in matching if _mentions_provider(normalized, providers[i])]
            matching = by_provider or matching
        if len(matching) == 1:
            return matching[0] + 1

    tokens = words(normalized)
    if "feira" not in tokens:  # "segunda-feira" is a Monday, not the second option
        for token in tokens:
            index = _ordinals(context.language).get(token)
            if index is not None:
                return count if index == 0 else (index if index <= count else None)
    if len(tokens) <= 3:
        for token in tokens:
            index = _cardinals(context.language).get(token)
            if token in _ARTICLES and len(tokens) > 1:
                continue  # "una cita", "um horário": an article, not "one"
            if index is not None and index <= count:
                return index
        numbers = [int(n) for n in _NUMBER.findall(normalized)]
        if len(numbers) == 1 and 1 <= numbers[0] <= count and when.date is None:
            return numbers[0]

    if providers:
        mentioned = [i for i, provider in enumerate(providers) if _mentions_provider(normalized, provider)]
        if mentioned and len({providers[i] for i in mentioned}) == 1 and len(mentioned) == 1:
            return mentioned[0] + 1
    return None


@lru_cache(maxsize=16)
def _ordinals(language: str) -> dict[str, int]:
    return {normalize(word).strip(): index for word, index in lexicon.ORDINALS.get(language, {}).items()}


@lru_cache(maxsize=16)
def _cardinals(language: str) -> dict[str, int]:
    merged = dict(lexicon.CARDINALS["en"]) if language != "en" else {}
    merged.update(lexicon.CARDINALS.get(language, {}))
    return {normalize(word).strip(): index for word, index in merged.items()}


def _provider_tokens(provider: str) -> list[str]:
    titles = {"dr", "dra", "dr.", "dra.", "doctor", "doctora", "doctor.", "prof", "sr", "sra", "mr", "mrs", "ms",
              "dott", "dott.ssa", "docteur", "doutor", "doutora"}
    return [w for w in words(normalize(provider)) if len(w) >= 3 and w not in titles]


def _mentions_provider(normalized: str, provider: str) -> bool:
    tokens = set(words(normalized))
    return any(token in tokens for token in _provider_tokens(provider))


def mentions_provider(text: str, provider: str) -> bool:
    """True when ``text`` names ``provider`` (by a word of its name other than a title)."""
    return _mentions_provider(normalize(text), provider)


def extract_name(text: str, language: str) -> str | None:
    """The patient's name in an answer to "what is the patient's name?", or ``None``.

    Removes lead-ins ("me llamo", "my name is", "ich heiße"), checks the rest looks like a name
    (letters, spaces, apostrophes, hyphens; at most six words) and fixes all-lower/upper case.
    """
    candidate = text.strip().strip(" .,!¡?¿:;\"'«»“”")
    normalized = normalize(candidate)
    for prefix in sorted(_language_phrases(lexicon.NAME_PREFIXES, language, with_english=True), key=len,
                         reverse=True):
        m = phrase_pattern(prefix).match(normalized)
        if m:
            candidate = candidate[m.end():].strip(" .,:;-")
            break
    candidate = squash(candidate)
    if squash(normalize(candidate)) in _non_names():
        return None
    if not (2 <= len(candidate) <= 100) or not _NAME.match(candidate):
        return None
    if len(candidate.split()) > MAX_NAME_WORDS:
        return None
    if candidate.islower() or candidate.isupper():
        candidate = candidate.title()
    return candidate


@lru_cache(maxsize=1)
def _non_names() -> frozenset[str]:
    """Whole answers that are not names: yes/no, greetings, thanks in any language."""
    tables = (lexicon.AFFIRM, lexicon.DENY, lexicon.GREETING, lexicon.THANKS, lexicon.BYE, lexicon.STOP)
    return frozenset(squash(normalize(p)) for table in tables for phrases in table.values() for p in phrases)


def match_faq(normalized: str, entries: tuple[FaqEntry, ...]) -> int | None:
    """Index of the FAQ entry a question is about, or ``None``.

    A configured keyword in the message counts 2, each content word (4+ letters, not a function
    word) shared with one of the entry's questions counts 1; the best entry needs 2 points.
    """
    tokens = {w for w in words(normalized) if len(w) >= 4 and w not in _stopwords()}
    best, best_score = None, 0
    for index, entry in enumerate(entries):
        score = 2 * sum(1 for keyword in entry.keywords if keyword.strip() and contains_any(normalized, [keyword]))
        question_words = {w for text in entry.texts for w in words(normalize(text)) if len(w) >= 4}
        score += len(tokens & (question_words - _stopwords()))
        if score > best_score:
            best, best_score = index, score
    return best if best_score >= 2 else None


def match_service(normalized: str, services: tuple[str, ...]) -> str | None:
    """The configured service named in the message (all its words present), or ``None``."""
    tokens = set(words(normalized))
    for service in sorted(services, key=len, reverse=True):
        service_words = [w for w in words(normalize(service)) if len(w) >= 3]
        if service_words and all(w in tokens for w in service_words):
            return service
    return None


class RuleBasedUnderstanding:
    """Offline understanding from the vocabulary in :mod:`booking.conversation.lexicon` and dateparser."""

    name = "rules"

    def understand(self, text: str, *, context: NluContext) -> Understanding:
        """See :class:`booking.conversation.nlu.Understander`; never raises for odd input."""
        language = context.language
        normalized = normalize(text)
        greetings = find_phrases(normalized, _all_greetings())
        intents: set[str] = {nlu.GREETING} if greetings else set()
        # Greetings contain day words ("buenas tardes", "Guten Morgen"): blank them before dates.
        without_greetings = blank(normalized, [(m.start, m.end) for m in greetings])
        for intent in _INTENT_LEXICONS:
            if contains_any(without_greetings, _all_phrases(intent)):
                intents.add(intent)
        if nlu.RESCHEDULE in intents:
            intents.discard(nlu.BOOK)
        faq_index = match_faq(without_greetings, context.faq) if context.faq else None
        if faq_index is not None:
            intents.add(nlu.FAQ)

        when = understand_when(without_greetings, language=language, now_local=context.now_local)
        choice = None
        if context.option_count:
            choice = detect_choice(text, without_greetings, context=context, when=when)
        affirm = detect_affirmation(without_greetings, language)
        name = extract_name(text, language) if context.step == "ask_name" else None
        service = match_service(without_greetings, context.services) if context.services else None
        return Understanding(
            intents=frozenset(intents), when=when, choice=choice, affirm=affirm, name=name, faq_index=faq_index,
            service=service, engine=self.name,
        )


class TemplateSummaryWriter:
    """Offline conversation summary from the booking's facts, in the clinic's language."""

    name = "template"

    def summarize(self, *, facts: SummaryFacts, transcript: list[tuple[str, str]], language: str) -> str:
        """E.g. "Patient requested an appointment via WhatsApp for Dental cleaning, preferred
        morning. Chose 2026-05-20 at 09:30 with Dr. Garcia." (``transcript`` is not needed)."""
        if facts.old_date:
            head = t("summary_reschedule", language, old_date=facts.old_date, old_time=facts.old_time,
                     old_provider=facts.old_provider)
        else:
            head = t("summary_request", language)
        if facts.service:
            head += " " + t("summary_service", language, service=facts.service)
        preferences = []
        if facts.asap:
            preferences.append(t("summary_asap", language))
        if facts.daypart:
            preferences.append(t(f"summary_pref_{facts.daypart}", language))
        if facts.preferred_time:
            preferences.append(t("summary_time", language, time=facts.preferred_time))
        if preferences:
            head += ", " + ", ".join(preferences)
        chosen = t("summary_chosen", language, date=facts.date, time=facts.time, provider=facts.provider)
        return f"{head}. {chosen}"
