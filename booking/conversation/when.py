"""Dates and times in patients' messages ("mañana por la tarde", "next Tuesday", "dijous a les 10").

Dates are resolved by ``dateparser`` (``search_dates`` in the conversation's language, relative to
the clinic's local "now", preferring future dates). Around it this module handles what a booking
chat needs and dateparser does not give reliably:

- times of day ("a les 10", "at 4pm", "um 10 Uhr", "9:30", "16h") — removed before dateparser,
  which otherwise reads "jueves a las 10" as October;
- parts of the day ("por la tarde", "am Nachmittag") and a few relative phrases dateparser
  resolves wrongly ("pasado mañana", "the day after tomorrow", "dopodomani");
- numeric dates in day-month order ("20/05", "20.05.", "2026-05-20");
- "next week" (the next calendar week);
- spurious matches: dateparser reads two-letter words as weekday abbreviations ("je" → jeudi,
  "mi" → miércoles), so a match needs a digit or a word of four letters or more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from booking.conversation import lexicon
from booking.conversation.text import blank, find_phrases, normalize, squash, words

MORNING, AFTERNOON, EVENING = "morning", "afternoon", "evening"

#: Day parts as [start, end) local times (see lexicon.DAYPARTS for why they overlap).
DAYPART_RANGES: dict[str, tuple[time, time]] = {
    MORNING: (time(0, 0), time(12, 0)),
    AFTERNOON: (time(12, 0), time(20, 0)),
    EVENING: (time(17, 0), time(23, 59, 59)),
}

#: Short words that are nevertheless real dates in a language.
_SHORT_DATE_WORDS = frozenset({"hoy"})

# Prepositions that introduce an hour: "at 10", "a las 10", "a les 10", "à 10", "às 10", "um 10",
# "alle 10", "all'una" (as "all una" once normalized), "sobre las 10", "cap a les 10", "gegen 10".
_HOUR_PREPOSITIONS = (
    r"at|around|about|a\s+las|a\s+la|sobre\s+las|hacia\s+las|a\s+les|cap\s+a\s+les|sobre\s+les|"
    r"vers|a\s+partir\s+das|um|gegen|alle|all|verso\s+le|dalle|alle\s+ore|"
    # "la de las 10", "la de les 10", "a das 10", "quella delle 10", "der von 10 Uhr"
    r"de\s+las|de\s+la|de\s+les|das|delle|von"
)
# One-letter prepositions ("à 10", "às 10") could also start a date ("a 3 de junio").
_WEAK_HOUR_PREPOSITIONS = r"a|as|ab|ore"
_TIME_PATTERNS = (
    # 9:30, 9.30, 9h30, 09:30h, 4:15pm
    re.compile(r"(?<![\d/.:])(?P<h>[01]?\d|2[0-3])\s*(?::|\.|h)\s*(?P<m>[0-5]\d)(?!\d)\s*(?P<ampm>am|pm|a m|p m)?"
               r"(?:\s*(?:h|uhr|hs|hrs)\b)?"),
    # 4pm, 10 am
    re.compile(r"(?<![\d/.:])(?P<h>1[0-2]|0?\d)\s*(?P<ampm>am|pm|a m|p m)\b"),
    # 10h, 10 uhr, 10 hs, 10 o'clock
    re.compile(r"(?<![\d/.:])(?P<h>[01]?\d|2[0-3])\s*(?:h|uhr|hs|hrs|horas|hores|heures|o\s+clock)\b"),
    # a las 10, at 10, um 10
    re.compile(rf"\b(?:{_HOUR_PREPOSITIONS})\s+(?P<h>[01]?\d|2[0-3])(?![\d/.:])"),
    re.compile(rf"\b(?:{_WEAK_HOUR_PREPOSITIONS})\s+(?P<h>[01]?\d|2[0-3])(?![\d/.:])(?!\s*(?:de|of|di)\s)"),
)
# "dia 3 de junho": dateparser reads only "junho"; the word for "day" before a number is dropped.
_DAY_WORD = re.compile(r"\b(?:dia|day|jour|giorno|tag)\b(?=\s+\d)")
# "y media", "i mitja", "e meia", "e mezza", "et demie", "and a half" after an hour: +30 minutes.
_HALF_PAST = re.compile(r"^\s*(?:y\s+media|i\s+mitja|e\s+meia|e\s+mezza|e\s+mezzo|et\s+demie|and\s+a\s+half)\b")

_ISO_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
# 20/05, 20/5/2026, 20-05-2026, 20.05.2026, 20.05. (German, with the trailing dot)
_NUMERIC_DATE = re.compile(
    r"(?<![\d:])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2})(?!\d)|(?P<dot>\.)(?!\d))?"
    r"(?![\d:])"
)
# Day of the month alone: "el 20", "the 20th", "le 20", "il 20", "dia 20", "am 20.", "on the 20th".
_DAY_OF_MONTH = re.compile(
    r"\b(?:el\s+dia|el|le|il|the|on\s+the|on|dia|o\s+dia|no\s+dia|am|den|lo)\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th|\.)?"
    r"(?![\d:/])(?!\s*(?:h|uhr|am|pm)\b)"
)


@dataclass(frozen=True)
class When:
    """What a message says about when the patient wants to come.

    Attributes:
        date: the day (clinic-local), or ``None``.
        daypart: "morning", "afternoon", "evening" or ``None``.
        time: preferred time of day, or ``None``.
        asap: the patient wants the earliest slot ("lo antes posible").
        in_past: the message named a day before today.
    """

    date: date | None = None
    daypart: str | None = None
    time: time | None = None
    asap: bool = False
    in_past: bool = False

    @property
    def empty(self) -> bool:
        return self.date is None and self.daypart is None and self.time is None and not self.asap


def _to_time(hour: int, minute: int, ampm: str | None) -> time | None:
    ampm = (ampm or "").replace(" ", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def find_time(normalized: str) -> tuple[time | None, list[tuple[int, int]], bool]:
    """First time of day in ``normalized`` text.

    Returns:
        ``(time, spans, explicit_ampm)``; spans cover the time expression (to blank it out).
    """
    for pattern in _TIME_PATTERNS:
        m = pattern.search(normalized)
        if not m:
            continue
        hour = int(m.group("h"))
        minute = int(m.groupdict().get("m") or 0)
        ampm = m.groupdict().get("ampm")
        end = m.end()
        half = _HALF_PAST.match(normalized[end:])
        if half and minute == 0:
            minute = 30
            end += half.end()
        parsed = _to_time(hour, minute, ampm)
        if parsed is not None:
            return parsed, [(m.start(), end)], bool(ampm)
    return None, [], False


def _numeric_date(normalized: str, *, language: str, today: date) -> tuple[date | None, list[tuple[int, int]]]:
    m = _ISO_DATE.search(normalized)
    if m:
        try:
            return date(int(m["y"]), int(m["m"]), int(m["d"])), [m.span()]
        except ValueError:
            return None, [m.span()]
    for m in _NUMERIC_DATE.finditer(normalized):
        sep, year = m["sep"], m["y"]
        if sep == "." and not (year or m["dot"]):
            continue  # "9.30" is a time, "20.05." a date
        first, second = int(m["a"]), int(m["b"])
        day, month = first, second
        if language == "en" and second > 12 >= first:
            day, month = second, first  # US order, unambiguous
        if year:
            year_value = int(year) + (2000 if len(year) == 2 else 0)
        else:
            year_value = today.year
        try:
            parsed = date(year_value, month, day)
        except ValueError:
            continue
        if not year and parsed < today:
            try:
                parsed = date(year_value + 1, month, day)
            except ValueError:
                continue
        return parsed, [m.span()]
    return None, []


def _day_of_month(normalized: str, *, today: date) -> tuple[date | None, list[tuple[int, int]]]:
    m = _DAY_OF_MONTH.search(normalized)
    if not m:
        return None, []
    day = int(m["d"])
    if not 1 <= day <= 31:
        return None, []
    year, month = today.year, today.month
    for _ in range(3):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate and candidate >= today:
            return candidate, [m.span()]
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return None, []


def _dateparser_date(text: str, *, language: str, now_local: datetime) -> date | None:
    from dateparser.search import search_dates

    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now_local.replace(tzinfo=None),
        "DATE_ORDER": "MDY" if language == "en" else "DMY",
        "PREFER_DAY_OF_MONTH": "first",
    }
    try:
        found = search_dates(text, languages=[language], settings=settings) or []
    except Exception:  # dateparser raises assorted errors on odd input; treat as "no date"
        return None
    for matched, value in found:
        tokens = words(normalize(matched))
        has_digit = any(ch.isdigit() for ch in matched)
        has_letter = any(ch.isalpha() for ch in matched)
        long_word = any(len(t) >= 4 and t.isalpha() for t in tokens)
        if not (long_word or (has_digit and has_letter) or any(t in _SHORT_DATE_WORDS for t in tokens)):
            continue
        return value.date()
    return None


def understand_when(text: str, *, language: str, now_local: datetime) -> When:
    """Read the day, part of day and time a message asks for.

    Args:
        text: the message, original or normalized (greetings already blanked out by the caller
            when they contain day words, e.g. "buenas tardes", "Guten Morgen").
        language: the conversation's language (ISO 639-1).
        now_local: the clinic's current local time (aware or naive); "tomorrow" is relative to it.

    Returns:
        :class:`When`. Days before today are reported with ``in_past`` and no ``date``.
    """
    today = now_local.date()
    working = normalize(text)
    result_date: date | None = None
    daypart: str | None = None

    asap = bool(find_phrases(working, lexicon.ASAP.get(language, ())))

    for match in find_phrases(working, [p for p, _, _ in lexicon.RELATIVE_DAYS.get(language, ())]):
        for phrase, offset, part in lexicon.RELATIVE_DAYS[language]:
            if phrase == match.phrase:
                result_date = today + timedelta(days=offset)
                daypart = part or daypart
        working = blank(working, [(match.start, match.end)])

    numeric, spans = _numeric_date(working, language=language, today=today)
    working = blank(working, spans)
    if numeric and result_date is None:
        result_date = numeric

    found_time, spans, explicit_ampm = find_time(working)
    working = blank(working, spans)

    for part, phrases in lexicon.DAYPARTS.items():
        matches = find_phrases(working, phrases.get(language, ()))
        if matches:
            daypart = daypart or part
            working = blank(working, [(m.start, m.end) for m in matches])

    next_week_matches = find_phrases(working, lexicon.NEXT_WEEK.get(language, ()))
    working = blank(working, [(m.start, m.end) for m in next_week_matches])
    # Blank the words of the other lexicons that dateparser may misread (e.g. "cita", "sexta" in
    # an option list are fine, but "ASAP" phrases contain "day"/"día").
    working = blank(working, [(m.start, m.end) for m in find_phrases(working, lexicon.ASAP.get(language, ()))])

    if result_date is None:
        remaining = squash(_DAY_WORD.sub(" ", working))
        if remaining:
            result_date = _dateparser_date(remaining, language=language, now_local=now_local)
        if result_date is None:
            result_date, _ = _day_of_month(working, today=today)

    if next_week_matches:
        next_monday = today + timedelta(days=7 - today.weekday())
        if result_date is None:
            result_date = next_monday
        elif result_date < next_monday:
            result_date += timedelta(days=7)

    if found_time is not None and not explicit_ampm and found_time.hour < 12:
        if daypart in (AFTERNOON, EVENING) or found_time.hour <= 7:
            # "a las 5" / "a las 5 de la tarde": clinics are not open at 5 in the morning.
            found_time = time(found_time.hour + 12, found_time.minute)

    in_past = result_date is not None and result_date < today
    return When(
        date=None if in_past else result_date, daypart=daypart, time=found_time, asap=asap, in_past=in_past
    )


def in_daypart(slot_time: time, daypart: str | None) -> bool:
    """True when ``slot_time`` falls in ``daypart`` (always true without one)."""
    if daypart is None:
        return True
    start, end = DAYPART_RANGES[daypart]
    return start <= slot_time < end
