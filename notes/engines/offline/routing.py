"""Template sections -> topics: which sentences each section collects.

Built-in section keys have a fixed list of topics (``_SECTION_TOPICS``);
custom sections are matched through the words of their key, headings and
guidance (``_TOPIC_DESCRIPTORS``). A new section type is one entry in each
of those two tables (and a ``SUBHEADINGS`` label per language when a
section merges several topics).
"""

from __future__ import annotations

import re

from notes.engines.offline.lexicons import _STOPWORDS
from notes.engines.offline.languages import per_key_language
from templates.builtin import SectionSpec


# Built-in section key -> topics it collects, most specific first.
# "cc" and "ros" are derived (not sentence topics).
_SECTION_TOPICS: dict[str, tuple[str, ...]] = {
    "chief_complaint": ("cc",),
    "history_of_present_illness": ("hpi",),
    "past_medical_history": ("pmh",),
    "medications": ("meds",),
    "allergies": ("allergies",),
    "social_history": ("social",),
    "review_of_systems": ("ros",),
    "physical_examination": ("exam",),
    "results": ("results",),
    "assessment": ("assessment",),
    "plan": ("plan",),
    "subjective": ("cc", "hpi", "pmh", "meds", "allergies", "social", "ros"),
    "objective": ("exam", "results"),
    "behavior": ("behavior", "hpi"),
    "intervention": ("intervention",),
    "response": ("response",),
    "data": ("behavior", "hpi", "exam"),
    "goals": ("goals",),
    "medical_dental_history": ("pmh", "meds", "allergies", "dental_history"),
    "extraoral_exam": ("extraoral",),
    "intraoral_exam": ("intraoral",),
    "periodontal_charting": ("perio",),
    "radiographs": ("radiograph",),
    "diagnosis": ("dental_dx",),
    "treatment_plan": ("treatment_plan",),
    "medical_history_update": ("pmh", "meds", "allergies", "hpi"),
    "periodontal_assessment": ("perio",),
    "plaque_bleeding": ("plaque_bleeding",),
    "procedure_performed": ("procedure", "anaesthesia"),
    "oral_hygiene_instructions": ("ohi",),
    "recall": ("next_visit",),
    "procedure": ("procedure",),
    "anaesthesia": ("anaesthesia",),
    "materials": ("materials",),
    "post_op_instructions": ("postop",),
    "next_visit": ("next_visit",),
}


# Words describing each topic, used to route *custom* template sections
# (matched against the section key, all headings and the guidance).
_TOPIC_DESCRIPTORS: dict[str, tuple[str, ...]] = {
    "cc": ("chief", "complaint", "reason", "motivo", "motiu", "motif", "queixa", "vorstellungsgrund", "beschwerde", "hauptbeschwerde", "cc"),
    "hpi": ("present", "illness", "hpi", "symptom", "symptoms", "history", "subjective", "complaint", "enfermedad", "malaltia", "maladie", "doença", "anamnese", "anamnesi", "anamnesis", "síntomas", "símptomes", "symptômes", "sintomas", "beschwerden", "sintomi"),
    "pmh": ("past", "medical", "history", "pmh", "antecedentes", "antecedents", "antécédents", "vorerkrankungen", "remota", "comorbidities", "conditions", "surgical", "surgeries", "family"),
    "meds": ("medication", "medications", "meds", "drugs", "prescriptions", "medicación", "medicació", "médicaments", "traitement", "medicação", "medikation", "medikamente", "farmaci", "terapia"),
    "allergies": ("allergy", "allergies", "alergias", "al·lèrgies", "allergien", "allergie"),
    "social": ("social", "lifestyle", "habits", "occupation", "tobacco", "alcohol", "hábitos", "hàbits", "mode", "vie", "sozialanamnese"),
    "ros": ("review", "systems", "ros", "sistemas", "aparatos", "aparells", "systèmes", "sistemas", "systemanamnese", "apparati"),
    "exam": ("physical", "exam", "examination", "objective", "findings", "vitals", "vital", "exploración", "exploració", "examen", "exame", "untersuchung", "befund", "esame", "obiettivo"),
    "results": ("results", "labs", "laboratory", "imaging", "tests", "investigations", "resultados", "pruebas", "proves", "examens", "complementarias", "exames", "befunde", "esami", "diagnostici"),
    "assessment": ("assessment", "impression", "diagnosis", "diagnoses", "problems", "evaluación", "juicio", "judici", "avaluació", "diagnostic", "évaluation", "avaliação", "beurteilung", "diagnose", "valutazione", "diagnosi"),
    "plan": ("plan", "treatment", "management", "recommendations", "orders", "follow", "disposition", "next", "steps", "pla", "plano", "piano", "procedere", "prozedere", "conduite", "tratamiento", "tratamento", "behandlung", "instructions"),
    "dental_history": ("dental", "odontológicos", "odontològics", "dentaires", "dentários", "zahnärztliche", "odontoiatrica"),
    "extraoral": ("extraoral", "exobuccal", "extraorale", "extraoraler", "tmj"),
    "intraoral": ("intraoral", "endobuccal", "intraorale", "intraoraler", "teeth", "tooth", "odontogram", "odontograma"),
    "perio": ("periodontal", "perio", "probing", "charting", "periodontograma", "parodontal", "parodontale", "parodontaler", "parodontalstatus", "sondaggio"),
    "plaque_bleeding": ("plaque", "bleeding", "placa", "sangrado", "sagnat", "saignement", "sangramento", "blutung", "placca", "sanguinamento"),
    "radiograph": ("radiograph", "radiographs", "xray", "xrays", "x-ray", "radiografías", "radiografies", "radiographies", "radiografias", "röntgenbefund", "röntgen", "radiografie"),
    "dental_dx": ("diagnosis", "diagnóstico", "diagnòstic", "diagnostic", "diagnose", "diagnosi"),
    "treatment_plan": ("treatment", "plan", "tratamiento", "tractament", "traitement", "tratamento", "behandlungsplan", "trattamento"),
    "procedure": ("procedure", "performed", "procedimiento", "procediment", "soins", "acte", "procedimento", "behandlung", "procedura"),
    "anaesthesia": ("anaesthesia", "anesthesia", "anesthetic", "anestesia", "anestèsia", "anesthésie", "anästhesie"),
    "materials": ("materials", "material", "materiales", "matériaux", "materiais", "materialien", "materiali"),
    "postop": ("post-operative", "postoperative", "post-op", "postop", "aftercare", "postoperatorias", "postoperatòries", "postopératoires", "pós-operatórias", "postoperative", "post-operatorie"),
    "next_visit": ("next", "visit", "appointment", "recall", "return", "cita", "visita", "rendez-vous", "consulta", "termin", "appuntamento", "richiamo"),
    "ohi": ("hygiene", "oral", "instructions", "higiene", "hygiène", "mundhygiene", "igiene"),
    "behavior": ("behavior", "behaviour", "presentation", "mood", "comportamiento", "comportament", "comportement", "comportamento", "verhalten"),
    "intervention": ("intervention", "interventions", "intervención", "intervenció", "intervenção", "intervento", "techniques"),
    "response": ("response", "respuesta", "resposta", "réponse", "reaktion", "risposta", "progress"),
    "goals": ("goals", "goal", "objectives", "objetivos", "objectius", "objectifs", "ziele", "obiettivi"),
}


_BULLET_TOPICS = frozenset(
    {"plan", "treatment_plan", "postop", "ohi", "next_visit", "procedure", "intervention", "meds", "exam", "results",
     "intraoral", "extraoral", "perio", "radiograph", "materials", "anaesthesia", "plaque_bleeding", "goals", "__lexical__"}
)


# Labels used when one section merges several topics (e.g. SOAP Subjective).
_SUBHEADINGS: dict[str, dict[str, str]] = per_key_language("SUBHEADINGS")


def _section_words(spec: SectionSpec) -> set[str]:
    """Lower-case words of a section's key, headings and guidance."""
    text = " ".join([spec.key.replace("_", " "), *spec.headings.values(), spec.guidance]).lower()
    return set(re.findall(r"[\w'·-]+", text))


def _section_content_words(spec: SectionSpec) -> list[str]:
    """Distinctive words (>= 5 letters, not stop-words) for lexical routing."""
    words = sorted(w for w in _section_words(spec) if len(w) >= 5 and not any(w in sw for sw in _STOPWORDS.values()))
    # Use stems so "medications" also matches "medication".
    return sorted({w[:-1] if w.endswith("s") else w for w in words})
