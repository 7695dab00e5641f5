"""Built-in clinical note templates for MedSync.

A template is an ordered tuple of sections. Each section has a stable ``key``
(used as the JSON property name for LLM structured output and as the key of
``NoteResult.sections``), a heading in each supported language and a short
English ``guidance`` text that tells a note engine what belongs in it.

Sources for the section layouts:

* ``general_consultation`` follows the problem-oriented medical record used in
  ACI-Bench reference notes (Yim et al., 2023, "ACI-BENCH: a Novel Ambient
  Clinical Intelligence Dataset for Benchmarking Automatic Visit Note
  Generation"): CHIEF COMPLAINT, HISTORY OF PRESENT ILLNESS, (MEDICAL / SOCIAL
  HISTORY, MEDICATIONS), REVIEW OF SYSTEMS, PHYSICAL EXAMINATION, RESULTS,
  ASSESSMENT, PLAN.
* ``SOAP`` is Weed's Subjective / Objective / Assessment / Plan note.
* ``BIRP`` (Behavior, Intervention, Response, Plan), ``DAP`` (Data,
  Assessment, Plan) and ``GIRP`` (Goals, Intervention, Response, Plan) are the
  common behavioural-health progress-note formats.
* The dental templates follow the usual structure of a comprehensive oral
  evaluation, a recall/hygiene (prophylaxis) visit and an operative
  treatment record.

Headings use the wording clinicians use in each language (e.g. Spanish
"Motivo de consulta", German "Körperliche Untersuchung", Italian "Esame
obiettivo"). This module has no Django dependency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "es", "ca", "fr", "pt", "de", "it")


@dataclass(frozen=True)
class SectionSpec:
    """One section of a note template.

    Attributes:
        key: Stable identifier (``[a-z0-9_]+``), used as the JSON property name
            in structured LLM output and as the key of ``NoteResult.sections``.
        headings: Language code (one of ``SUPPORTED_LANGUAGES`` for built-ins;
            custom templates may provide fewer) -> heading text in that
            language.
        guidance: Short English description of the content that belongs in
            the section; note engines use it for routing and prompting.
    """

    key: str
    headings: dict[str, str]
    guidance: str

    def heading(self, language: str) -> str:
        """Return the heading in ``language``.

        Falls back to English, then to any available heading, then to the key
        turned into words, so a custom template with incomplete translations
        still renders.
        """
        if language in self.headings:
            return self.headings[language]
        if "en" in self.headings:
            return self.headings["en"]
        if self.headings:
            return next(iter(self.headings.values()))
        return self.key.replace("_", " ").title()


@dataclass(frozen=True)
class TemplateSpec:
    """A note template: an ordered set of sections.

    Attributes:
        key: Stable identifier (e.g. ``"general_consultation"``).
        name: Human-readable English name.
        sections: Sections in the order they appear in the note.
        kind: Family of the template: ``"medical"``, ``"dental"`` or
            ``"behavioral"`` for built-ins; free text for custom templates.
    """

    key: str
    name: str
    sections: tuple[SectionSpec, ...]
    kind: str

    def section(self, section_key: str) -> SectionSpec:
        """Return the section with ``section_key``.

        Raises:
            KeyError: if the template has no such section.
        """
        for section in self.sections:
            if section.key == section_key:
                return section
        raise KeyError(f"template {self.key!r} has no section {section_key!r}")

    def heading(self, section_key: str, language: str) -> str:
        """Return the heading of ``section_key`` in ``language``.

        Unknown languages fall back to English (see ``SectionSpec.heading``).

        Raises:
            KeyError: if the template has no section ``section_key``.
        """
        return self.section(section_key).heading(language)

    @property
    def section_keys(self) -> tuple[str, ...]:
        """Section keys in template order."""
        return tuple(s.key for s in self.sections)

    def json_schema(self) -> dict[str, Any]:
        """Return a JSON Schema for the note body.

        Shape: ``{"type": "object", "properties": {key: {"type": "string",
        "description": guidance}, ...}, "required": [all keys],
        "additionalProperties": false}``. This satisfies the restrictions of
        OpenAI structured outputs in strict mode (every property required,
        ``additionalProperties`` false; see OpenAI's "Structured Outputs"
        guide, "Supported schemas").
        """
        properties: dict[str, Any] = {
            s.key: {"type": "string", "description": s.guidance} for s in self.sections
        }
        return {
            "type": "object",
            "properties": properties,
            "required": [s.key for s in self.sections],
            "additionalProperties": False,
        }


def _h(en: str, es: str, ca: str, fr: str, pt: str, de: str, it: str) -> dict[str, str]:
    """Build a headings dict in ``SUPPORTED_LANGUAGES`` order."""
    return {"en": en, "es": es, "ca": ca, "fr": fr, "pt": pt, "de": de, "it": it}


# Sections shared by several templates are defined once so their wording stays
# consistent across templates.
_CHIEF_COMPLAINT = SectionSpec(
    "chief_complaint",
    _h(
        "Chief Complaint",
        "Motivo de consulta",
        "Motiu de consulta",
        "Motif de consultation",
        "Queixa principal",
        "Vorstellungsgrund",
        "Motivo della visita",
    ),
    "The patient's main reason for the visit, in a few words.",
)
_HPI = SectionSpec(
    "history_of_present_illness",
    _h(
        "History of Present Illness",
        "Enfermedad actual",
        "Malaltia actual",
        "Histoire de la maladie",
        "História da doença atual",
        "Aktuelle Anamnese",
        "Anamnesi patologica prossima",
    ),
    "Symptoms reported by the patient: onset, duration, location, severity, "
    "character, aggravating and relieving factors, treatments tried.",
)
_PMH = SectionSpec(
    "past_medical_history",
    _h(
        "Past Medical History",
        "Antecedentes personales",
        "Antecedents personals",
        "Antécédents",
        "Antecedentes pessoais",
        "Vorerkrankungen",
        "Anamnesi patologica remota",
    ),
    "Chronic conditions, previous illnesses, surgeries and hospitalisations.",
)
_MEDICATIONS = SectionSpec(
    "medications",
    _h(
        "Medications",
        "Medicación actual",
        "Medicació actual",
        "Traitement en cours",
        "Medicação habitual",
        "Aktuelle Medikation",
        "Terapia domiciliare",
    ),
    "Current medications with dose and frequency, supplements and adherence.",
)
_ALLERGIES = SectionSpec(
    "allergies",
    _h("Allergies", "Alergias", "Al·lèrgies", "Allergies", "Alergias", "Allergien", "Allergie"),
    "Drug and other allergies, or their absence.",
)
_SOCIAL = SectionSpec(
    "social_history",
    _h(
        "Social History",
        "Antecedentes sociales",
        "Antecedents socials",
        "Mode de vie",
        "História social",
        "Sozialanamnese",
        "Anamnesi sociale",
    ),
    "Occupation, living situation, tobacco, alcohol and drug use, exercise, diet.",
)
_ROS = SectionSpec(
    "review_of_systems",
    _h(
        "Review of Systems",
        "Anamnesis por aparatos",
        "Anamnesi per aparells",
        "Revue des systèmes",
        "Revisão de sistemas",
        "Systemanamnese",
        "Anamnesi per apparati",
    ),
    "Symptoms the patient reports or denies, by body system.",
)
_EXAM = SectionSpec(
    "physical_examination",
    _h(
        "Physical Examination",
        "Exploración física",
        "Exploració física",
        "Examen clinique",
        "Exame físico",
        "Körperliche Untersuchung",
        "Esame obiettivo",
    ),
    "Vital signs and the clinician's examination findings.",
)
_RESULTS = SectionSpec(
    "results",
    _h(
        "Results",
        "Pruebas complementarias",
        "Proves complementàries",
        "Examens complémentaires",
        "Exames complementares",
        "Befunde",
        "Esami diagnostici",
    ),
    "Laboratory, imaging and other test results discussed during the visit.",
)
_ASSESSMENT = SectionSpec(
    "assessment",
    _h(
        "Assessment",
        "Juicio clínico",
        "Judici clínic",
        "Diagnostic",
        "Avaliação",
        "Beurteilung",
        "Valutazione clinica",
    ),
    "Diagnoses and problems named by the clinician, with their status.",
)
_PLAN = SectionSpec(
    "plan",
    _h("Plan", "Plan", "Pla", "Conduite à tenir", "Plano", "Procedere", "Piano"),
    "Tests ordered, prescriptions with doses, referrals, patient education and "
    "follow-up, as bullet points.",
)
_DIAGNOSIS = SectionSpec(
    "diagnosis",
    _h("Diagnosis", "Diagnóstico", "Diagnòstic", "Diagnostic", "Diagnóstico", "Diagnose", "Diagnosi"),
    "Dental diagnoses named by the clinician (e.g. caries, cracked tooth, "
    "gingivitis, periodontitis) with tooth numbers.",
)
_TREATMENT_PLAN = SectionSpec(
    "treatment_plan",
    _h(
        "Treatment Plan",
        "Plan de tratamiento",
        "Pla de tractament",
        "Plan de traitement",
        "Plano de tratamento",
        "Behandlungsplan",
        "Piano di trattamento",
    ),
    "Planned dental treatment, options discussed, referrals and next steps.",
)


def _behavioral_plan() -> SectionSpec:
    """Plan section of the behavioural-health formats."""
    return SectionSpec(
        "plan",
        _h("Plan", "Plan", "Pla", "Plan", "Plano", "Plan", "Piano"),
        "Next session, homework, referrals, medication changes and safety plan.",
    )


_INTERVENTION = SectionSpec(
    "intervention",
    _h(
        "Intervention",
        "Intervención",
        "Intervenció",
        "Intervention",
        "Intervenção",
        "Intervention",
        "Intervento",
    ),
    "What the clinician did in the session: techniques, topics addressed, "
    "psychoeducation, skills practised.",
)
_RESPONSE = SectionSpec(
    "response",
    _h("Response", "Respuesta", "Resposta", "Réponse", "Resposta", "Reaktion", "Risposta"),
    "How the client responded to the intervention: engagement, insight, "
    "progress toward goals.",
)


GENERAL_CONSULTATION = TemplateSpec(
    key="general_consultation",
    name="General consultation",
    sections=(
        _CHIEF_COMPLAINT,
        _HPI,
        _PMH,
        _MEDICATIONS,
        _ALLERGIES,
        _SOCIAL,
        _ROS,
        _EXAM,
        _RESULTS,
        _ASSESSMENT,
        _PLAN,
    ),
    kind="medical",
)

SOAP = TemplateSpec(
    key="SOAP",
    name="SOAP note",
    sections=(
        SectionSpec(
            "subjective",
            _h("Subjective", "Subjetivo", "Subjectiu", "Subjectif", "Subjetivo", "Subjektiv", "Soggettivo"),
            "Chief complaint, history of present illness, relevant history, "
            "medications and symptoms as reported by the patient.",
        ),
        SectionSpec(
            "objective",
            _h("Objective", "Objetivo", "Objectiu", "Objectif", "Objetivo", "Objektiv", "Oggettivo"),
            "Vital signs, examination findings and test results.",
        ),
        SectionSpec(
            "assessment",
            _h("Assessment", "Evaluación", "Avaluació", "Évaluation", "Avaliação", "Beurteilung", "Valutazione"),
            "Diagnoses and problems named by the clinician.",
        ),
        SectionSpec(
            "plan",
            _h("Plan", "Plan", "Pla", "Plan", "Plano", "Plan", "Piano"),
            "Tests ordered, prescriptions with doses, referrals and follow-up.",
        ),
    ),
    kind="medical",
)

BIRP = TemplateSpec(
    key="BIRP",
    name="BIRP progress note",
    sections=(
        SectionSpec(
            "behavior",
            _h(
                "Behavior",
                "Comportamiento",
                "Comportament",
                "Comportement",
                "Comportamento",
                "Verhalten",
                "Comportamento",
            ),
            "The client's presentation, mood, reported symptoms and behaviours "
            "observed or described in the session.",
        ),
        _INTERVENTION,
        _RESPONSE,
        _behavioral_plan(),
    ),
    kind="behavioral",
)

DAP = TemplateSpec(
    key="DAP",
    name="DAP progress note",
    sections=(
        SectionSpec(
            "data",
            _h("Data", "Datos", "Dades", "Données", "Dados", "Daten", "Dati"),
            "Subjective statements of the client and objective observations "
            "of the clinician during the session.",
        ),
        SectionSpec(
            "assessment",
            _h("Assessment", "Evaluación", "Avaluació", "Évaluation", "Avaliação", "Beurteilung", "Valutazione"),
            "The clinician's interpretation: progress, symptoms, risk, diagnoses.",
        ),
        _behavioral_plan(),
    ),
    kind="behavioral",
)

GIRP = TemplateSpec(
    key="GIRP",
    name="GIRP progress note",
    sections=(
        SectionSpec(
            "goals",
            _h("Goals", "Objetivos", "Objectius", "Objectifs", "Objetivos", "Ziele", "Obiettivi"),
            "Treatment goals the client is working on and addressed this session.",
        ),
        _INTERVENTION,
        _RESPONSE,
        _behavioral_plan(),
    ),
    kind="behavioral",
)

DENTAL_EXAM = TemplateSpec(
    key="dental_exam",
    name="Dental examination",
    sections=(
        _CHIEF_COMPLAINT,
        SectionSpec(
            "medical_dental_history",
            _h(
                "Medical and Dental History",
                "Antecedentes médicos y odontológicos",
                "Antecedents mèdics i odontològics",
                "Antécédents médicaux et dentaires",
                "Antecedentes médicos e dentários",
                "Allgemeine und zahnärztliche Anamnese",
                "Anamnesi medica e odontoiatrica",
            ),
            "Medical conditions, medications, allergies, previous dental "
            "treatment and oral habits.",
        ),
        SectionSpec(
            "extraoral_exam",
            _h(
                "Extraoral Examination",
                "Exploración extraoral",
                "Exploració extraoral",
                "Examen exobuccal",
                "Exame extraoral",
                "Extraoraler Befund",
                "Esame extraorale",
            ),
            "Face, temporomandibular joint, lymph nodes, lips and muscles of mastication.",
        ),
        SectionSpec(
            "intraoral_exam",
            _h(
                "Intraoral Examination",
                "Exploración intraoral",
                "Exploració intraoral",
                "Examen endobuccal",
                "Exame intraoral",
                "Intraoraler Befund",
                "Esame intraorale",
            ),
            "Soft tissues, teeth, restorations, occlusion; findings per tooth.",
        ),
        SectionSpec(
            "periodontal_charting",
            _h(
                "Periodontal and Charting Findings",
                "Periodontograma y odontograma",
                "Periodontograma i odontograma",
                "Bilan parodontal et schéma dentaire",
                "Periodontograma e odontograma",
                "Parodontalstatus und Zahnbefund",
                "Sondaggio parodontale e odontogramma",
            ),
            "Probing depths, bleeding on probing, mobility, recession, caries "
            "and existing restorations by tooth.",
        ),
        SectionSpec(
            "radiographs",
            _h(
                "Radiographs",
                "Radiografías",
                "Radiografies",
                "Radiographies",
                "Radiografias",
                "Röntgenbefund",
                "Radiografie",
            ),
            "Radiographs taken (bitewings, periapical, panoramic) and their findings.",
        ),
        _DIAGNOSIS,
        _TREATMENT_PLAN,
    ),
    kind="dental",
)

DENTAL_HYGIENE = TemplateSpec(
    key="dental_hygiene",
    name="Dental hygiene visit",
    sections=(
        SectionSpec(
            "medical_history_update",
            _h(
                "Medical History Update",
                "Actualización de la historia médica",
                "Actualització de la història mèdica",
                "Mise à jour des antécédents",
                "Atualização da história clínica",
                "Aktualisierung der Anamnese",
                "Aggiornamento anamnestico",
            ),
            "Changes in health, medications and allergies since the last visit; "
            "patient concerns.",
        ),
        SectionSpec(
            "periodontal_assessment",
            _h(
                "Periodontal Assessment",
                "Evaluación periodontal",
                "Avaluació periodontal",
                "Évaluation parodontale",
                "Avaliação periodontal",
                "Parodontaler Befund",
                "Valutazione parodontale",
            ),
            "Gingival condition, probing depths, recession, mobility, calculus.",
        ),
        SectionSpec(
            "plaque_bleeding",
            _h(
                "Plaque and Bleeding",
                "Placa y sangrado",
                "Placa i sagnat",
                "Plaque et saignement",
                "Placa bacteriana e sangramento",
                "Plaque und Blutung",
                "Placca e sanguinamento",
            ),
            "Plaque index or amount, bleeding on probing.",
        ),
        SectionSpec(
            "procedure_performed",
            _h(
                "Procedure Performed",
                "Procedimiento realizado",
                "Procediment realitzat",
                "Soins réalisés",
                "Procedimento realizado",
                "Durchgeführte Behandlung",
                "Procedura eseguita",
            ),
            "Scaling, root planing, polishing, fluoride varnish, sealants, "
            "anaesthesia used.",
        ),
        SectionSpec(
            "oral_hygiene_instructions",
            _h(
                "Oral Hygiene Instructions",
                "Instrucciones de higiene oral",
                "Instruccions d'higiene oral",
                "Conseils d'hygiène bucco-dentaire",
                "Instruções de higiene oral",
                "Mundhygieneinstruktion",
                "Istruzioni di igiene orale",
            ),
            "Brushing, flossing, interdental cleaning, mouthwash and diet advice given.",
        ),
        SectionSpec(
            "recall",
            _h(
                "Recall",
                "Próxima revisión",
                "Propera revisió",
                "Prochain rappel",
                "Próxima consulta de controlo",
                "Recall",
                "Prossimo richiamo",
            ),
            "Recall interval and next appointment.",
        ),
    ),
    kind="dental",
)

DENTAL_TREATMENT = TemplateSpec(
    key="dental_treatment",
    name="Dental treatment",
    sections=(
        SectionSpec(
            "procedure",
            _h(
                "Procedure",
                "Procedimiento",
                "Procediment",
                "Acte réalisé",
                "Procedimento",
                "Behandlung",
                "Procedura",
            ),
            "Procedure performed, tooth numbers and surfaces, steps, consent.",
        ),
        SectionSpec(
            "anaesthesia",
            _h("Anaesthesia", "Anestesia", "Anestèsia", "Anesthésie", "Anestesia", "Anästhesie", "Anestesia"),
            "Local anaesthetic agent, concentration, dose (cartridges or ml) and technique.",
        ),
        SectionSpec(
            "materials",
            _h("Materials", "Materiales", "Materials", "Matériaux", "Materiais", "Materialien", "Materiali"),
            "Restorative and other materials used (composite, amalgam, liner, "
            "crown, cement, shade).",
        ),
        SectionSpec(
            "post_op_instructions",
            _h(
                "Post-operative Instructions",
                "Instrucciones postoperatorias",
                "Instruccions postoperatòries",
                "Consignes postopératoires",
                "Instruções pós-operatórias",
                "Postoperative Hinweise",
                "Istruzioni post-operatorie",
            ),
            "Advice given after the procedure: pain relief, eating, hygiene, warning signs.",
        ),
        SectionSpec(
            "next_visit",
            _h(
                "Next Visit",
                "Próxima cita",
                "Propera visita",
                "Prochain rendez-vous",
                "Próxima consulta",
                "Nächster Termin",
                "Prossimo appuntamento",
            ),
            "What will be done at the next appointment and when.",
        ),
    ),
    kind="dental",
)

BUILTIN_TEMPLATES: dict[str, TemplateSpec] = {
    t.key: t
    for t in (
        GENERAL_CONSULTATION,
        DENTAL_EXAM,
        DENTAL_HYGIENE,
        DENTAL_TREATMENT,
        SOAP,
        BIRP,
        DAP,
        GIRP,
    )
}


def get_builtin_template(key: str) -> TemplateSpec:
    """Return the built-in template called ``key`` (e.g. ``"SOAP"``).

    Raises:
        KeyError: if no built-in template has that key; the message lists
            the available keys.
    """
    try:
        return BUILTIN_TEMPLATES[key]
    except KeyError:
        raise KeyError(
            f"unknown note template {key!r}; built-in templates: {', '.join(sorted(BUILTIN_TEMPLATES))}"
        ) from None
