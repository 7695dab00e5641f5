"""What the agent may say about a call: :class:`CallFacts`, built from the request's context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from calls.dialogue.languages import language_pack


@dataclass(frozen=True)
class CallFacts:
    """The facts of one call, already rendered for speech in ``language``.

    Attributes:
        purpose: a :class:`calls.models.Purpose` value.
        language: ISO 639-1 code.
        patient_name: full name as requested; ``first_name`` its first word (used when greeting).
        clinic, provider, procedure: names to say (defaults: "the clinic", "your doctor", "your visit").
        date_text, time_text: the appointment's (or visit's) date and time in words of ``language``
            (Babel's CLDR long date and short time formats), "" when unknown.
        message: the custom purpose's message to deliver offline (``context.message``), or "".
        prompt: the custom purpose's instructions for an LLM policy (``context.prompt``), or "".
    """

    purpose: str
    language: str
    patient_name: str
    clinic: str
    provider: str
    procedure: str
    date_text: str
    time_text: str
    message: str = ""
    prompt: str = ""

    @property
    def first_name(self) -> str:
        return (self.patient_name.split() or [""])[0]

    def fields(self) -> dict[str, str]:
        """``str.format`` fields of the language phrases."""
        return {"clinic": self.clinic, "name": self.first_name, "full_name": self.patient_name,
                "provider": self.provider, "procedure": self.procedure, "date": self.date_text,
                "time": self.time_text, "message": self.message}


def build_facts(*, purpose: str, language: str, patient_name: str, context: dict, clinic_name: str = "") -> CallFacts:
    """:class:`CallFacts` from a validated request ``context`` (``appointment_date`` ``YYYY-MM-DD``,
    ``appointment_time`` ``HH:MM``, ``visit_date``, ``provider_name``, ``clinic_name``, ``procedure``,
    ``prompt``, ``message``). Dates and times are formatted with Babel in ``language``."""
    from babel.dates import format_date, format_time

    pack = language_pack(language)
    raw_date = context.get("appointment_date") or context.get("visit_date") or ""
    raw_time = context.get("appointment_time") or ""
    date_text = time_text = ""
    if raw_date:
        date_text = format_date(date.fromisoformat(raw_date), format="long", locale=language)
        if language == "en":  # "May 20, 2026" reads better without the year's comma on the phone
            date_text = format_date(date.fromisoformat(raw_date), format="MMMM d", locale=language)
    if raw_time:
        hour, minute = (int(p) for p in raw_time.split(":")[:2])
        # CLDR puts a narrow no-break space before "AM"/"PM": speech engines and logs want a plain space
        time_text = format_time(time(hour, minute), format="short", locale=language).replace("\u202f", " ")
    return CallFacts(
        purpose=purpose, language=language, patient_name=patient_name.strip(),
        clinic=(context.get("clinic_name") or clinic_name or pack.phrases["the_clinic"]).strip(),
        provider=(context.get("provider_name") or pack.phrases["your_doctor"]).strip(),
        procedure=(context.get("procedure") or pack.phrases["your_visit"]).strip(),
        date_text=date_text, time_text=time_text,
        message=(context.get("message") or "").strip(), prompt=(context.get("prompt") or "").strip(),
    )
