"""Offline note engine and dialogue parser.

The dialogues below are written for these tests (no patient data).
"""

from __future__ import annotations

import re
import time

import pytest

from notes.dialogue import parse_dialogue
from notes.engines.base import NOT_DISCUSSED, NoteEngine, Turn
from notes.engines.offline import OfflineNoteEngine
from templates.builtin import SUPPORTED_LANGUAGES, SectionSpec, TemplateSpec, get_builtin_template

HEADACHE = """\
[doctor] Good morning, what brings you in today?
[patient] Um, I've had headaches for about two weeks. They're mostly on the right side and get worse in the afternoon.
[doctor] How bad is the pain on a scale of 1 to 10?
[patient] Around 7 out of 10. I took ibuprofen 400 mg and it helped a little.
[doctor] Any nausea or vomiting?
[patient] No.
[doctor] Do you have any allergies to medications?
[patient] I'm allergic to penicillin.
[doctor] Do you smoke?
[patient] No, I don't smoke, but I drink a glass of wine on weekends.
[doctor] Okay. On exam, your blood pressure is 128/82. Neurological exam is normal, no neck stiffness.
[doctor] I think this is a tension-type headache.
[doctor] I'm going to prescribe ibuprofen 400 mg three times a day as needed for five days. I also want you to keep a headache diary. Let's follow up in two weeks.
[patient] Okay, thank you doctor.
"""

DENTAL = """\
[doctor] Hi, what's going on with your tooth?
[patient] I have pain when I bite down on the lower left side, it started about a week ago after I bit on a hard candy.
[doctor] Is it sensitive to cold?
[patient] Yes, cold drinks make it hurt.
[doctor] Any medical conditions or medications?
[patient] I take lisinopril 10 mg for blood pressure.
[doctor] Extraoral exam is normal, no swelling and the TMJ has no clicking.
[doctor] Intraorally, tooth number 19 has a fracture line on the distal marginal ridge and it is tender to percussion.
[doctor] Probing depths are 2 to 3 mm generally with 5 mm distal of 19.
[doctor] The periapical radiograph shows no periapical radiolucency.
[doctor] My diagnosis is a cracked tooth on 19 with reversible pulpitis.
[doctor] I recommend a full coverage crown on 19 and we will schedule the crown prep in two weeks.
"""

SPANISH = """\
[doctor] Buenos días, ¿qué le trae por aquí?
[patient] Tengo dolor de garganta y fiebre desde hace tres días.
[doctor] ¿Tiene tos?
[patient] No.
[doctor] ¿Toma alguna medicación?
[patient] Tomo paracetamol 1 g cada 8 horas.
[doctor] En la exploración, las amígdalas están inflamadas con placas blancas. La temperatura es de 38,5 grados.
[doctor] Creo que se trata de una amigdalitis bacteriana.
[doctor] Le voy a recetar amoxicilina 500 mg cada 8 horas durante siete días. Vuelva si no mejora en tres días.
"""

THERAPY = """\
[doctor] How have things been since our last session?
[patient] I've been feeling really anxious this week, I had two panic attacks at work and I haven't been sleeping well.
[doctor] Let's practice the box breathing technique we talked about.
[patient] That actually helps, I feel calmer now.
[patient] My goal is to be able to present at the team meeting without panicking.
[doctor] For homework, practice the breathing twice a day. We will meet again next week.
"""

ENGINE = OfflineNoteEngine()


def _note(dialogue: str, template: str, language: str = "en"):
    return ENGINE.generate(turns=parse_dialogue(dialogue), template=get_builtin_template(template), language=language)


# -- content routing ---------------------------------------------------------


def test_engine_satisfies_protocol() -> None:
    assert isinstance(ENGINE, NoteEngine)


def test_headache_visit_sections() -> None:
    note = _note(HEADACHE, "general_consultation")
    s = note.sections
    assert note.engine == "offline"
    assert "headache" in s["chief_complaint"].lower()
    hpi = s["history_of_present_illness"]
    assert "2 weeks" in hpi  # spoken number normalised
    assert "right side" in hpi
    assert "7 out of 10" in hpi
    assert "ibuprofen 400 mg" in hpi
    assert "penicillin" in s["allergies"]
    assert "penicillin" not in s["medications"]
    assert "wine" in s["social_history"]
    assert "Denies nausea" in s["review_of_systems"]
    assert "128/82" in s["physical_examination"]
    assert "tension-type headache" in s["assessment"].lower()
    plan_lines = s["plan"].splitlines()
    assert plan_lines and all(line.startswith("- ") for line in plan_lines)
    assert any("ibuprofen 400 mg 3 times a day" in line for line in plan_lines)
    assert any("headache diary" in line for line in plan_lines)
    assert any("2 weeks" in line for line in plan_lines)
    assert s["results"] == ""
    assert "## Results\nNot discussed." in note.markdown


def test_note_style_not_a_transcript_copy() -> None:
    note = _note(HEADACHE, "general_consultation")
    body = "\n".join(note.sections.values())
    assert "?" not in body  # questions are dropped
    assert not re.search(r"\b(?:um|okay|thank you)\b", body, re.I)  # fillers and small talk
    assert not re.search(r"\bI(?:'ve| have| took|'m)\b", note.sections["history_of_present_illness"])  # third person
    assert "The patient has had headaches" in note.sections["history_of_present_illness"]


def test_no_invented_numbers() -> None:
    # Every number in the note was said (after spoken-number normalisation).
    note = _note(HEADACHE, "general_consultation")
    said = set(re.findall(r"\d+", HEADACHE)) | {"2", "3", "5"}  # two/three/five weeks-times-days
    assert set(re.findall(r"\d+", note.markdown)) <= said


def test_dental_exam_sections() -> None:
    s = _note(DENTAL, "dental_exam").sections
    assert "bite" in s["chief_complaint"].lower()
    assert "lisinopril 10 mg" in s["medical_dental_history"]
    assert "TMJ" in s["extraoral_exam"]
    assert "fracture line" in s["intraoral_exam"]
    assert "5 mm" in s["periodontal_charting"]
    assert "periapical radiograph" in s["radiographs"].lower()
    assert "cracked tooth" in s["diagnosis"].lower()
    assert "crown" in s["treatment_plan"]
    assert "crown" not in s["diagnosis"]


def test_dental_treatment_sections() -> None:
    dialogue = """\
[doctor] Today we will restore the cavity on tooth 30.
[doctor] I'm placing two carpules of articaine 4% with epinephrine as an inferior alveolar block.
[doctor] We removed the decay and placed a composite resin, shade A2, with a bonding agent.
[doctor] The numbness will wear off in about three hours, avoid chewing on that side until then and take ibuprofen if it is sore.
[doctor] At your next visit in two weeks we will do the filling on tooth 3.
"""
    s = _note(dialogue, "dental_treatment").sections
    assert "articaine" in s["anaesthesia"]
    assert "composite" in s["materials"]
    assert "wear off" in s["post_op_instructions"]
    assert "2 weeks" in s["next_visit"]
    assert "decay" in s["procedure"] or "restore" in s["procedure"]


def test_spanish_visit() -> None:
    note = _note(SPANISH, "general_consultation", "es")
    s = note.sections
    assert note.markdown.startswith("## Motivo de consulta\n")
    assert "garganta" in s["chief_complaint"].lower()
    assert "dolor de garganta" in s["history_of_present_illness"]
    # Patient's first person rewritten to third person ("Tengo" -> "Tiene").
    assert "Tiene dolor de garganta" in s["history_of_present_illness"]
    assert "Niega tos" in s["review_of_systems"]
    assert "paracetamol" in s["medications"]
    assert "amígdalas" in s["physical_examination"]
    assert "amigdalitis" in s["assessment"].lower()
    assert "amoxicilina 500 mg" in s["plan"]
    assert "## Alergias\nNo se comentó." in note.markdown


def test_behavioural_birp() -> None:
    s = _note(THERAPY, "BIRP").sections
    assert "anxious" in s["behavior"]
    assert "breathing" in s["intervention"]
    assert "calmer" in s["response"]
    assert "next week" in s["plan"]


def test_soap_merges_subjective_topics() -> None:
    s = _note(HEADACHE, "SOAP").sections
    assert "headache" in s["subjective"].lower() and "penicillin" in s["subjective"]
    assert "128/82" in s["objective"]
    assert "ibuprofen 400 mg" in s["plan"]


# -- determinism, languages, robustness -------------------------------------


def test_deterministic() -> None:
    turns = parse_dialogue(HEADACHE)
    template = get_builtin_template("general_consultation")
    first = ENGINE.generate(turns=turns, template=template, language="en")
    second = OfflineNoteEngine().generate(turns=turns, template=template, language="en")
    assert first == second


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_localized_headings_every_language(language: str) -> None:
    template = get_builtin_template("general_consultation")
    note = ENGINE.generate(turns=parse_dialogue(HEADACHE), template=template, language=language)
    headings = re.findall(r"^## (.+)$", note.markdown, re.M)
    assert headings == [template.heading(s.key, language) for s in template.sections]
    # Results were not discussed: placeholder in the note's language.
    assert f"## {template.heading('results', language)}\n{NOT_DISCUSSED[language]}" in note.markdown


def test_unknown_language_code_falls_back_to_english() -> None:
    note = _note(HEADACHE, "SOAP", "xx")
    assert note.markdown.startswith("## Subjective\n")


def test_custom_template_routes_by_section_words() -> None:
    template = TemplateSpec(
        key="clinic_custom",
        name="Clinic custom",
        sections=(
            SectionSpec("reason", {"en": "Reason for visit"}, "Why the patient came."),
            SectionSpec("medicines", {"en": "Current medicines"}, "Medications and doses the patient takes."),
            SectionSpec("next_steps", {"en": "Next steps"}, "Follow-up and recommendations."),
            SectionSpec("xyzzy", {"en": "Xyzzy"}, ""),
        ),
        kind="custom",
    )
    note = ENGINE.generate(turns=parse_dialogue(HEADACHE), template=template, language="en")
    s = note.sections
    assert set(s) == {"reason", "medicines", "next_steps", "xyzzy"}
    assert "headache" in s["reason"].lower()
    # Without a history section the complaint's history stays with the reason.
    assert "took ibuprofen 400 mg" in s["reason"]
    assert s["medicines"]  # drug statements (here the penicillin allergy)
    assert "prescribe ibuprofen 400 mg" in s["next_steps"]
    assert "2 weeks" in s["next_steps"]
    assert s["xyzzy"] == ""
    assert "## Xyzzy\nNot discussed." in note.markdown


def test_empty_conversation_gives_placeholders() -> None:
    template = get_builtin_template("DAP")
    note = ENGINE.generate(turns=[], template=template, language="it")
    assert all(v == "" for v in note.sections.values())
    assert note.markdown.count("Non discusso.") == len(template.sections)


def test_other_speaker_is_attributed() -> None:
    turns = [
        Turn(0, "What brings you in?"),
        Turn(2, "She has had a cough for three days and a fever at night."),
        Turn(1, "Yes, the cough keeps me awake."),
    ]
    note = ENGINE.generate(turns=turns, template=get_builtin_template("general_consultation"), language="en")
    assert "family member" in note.sections["history_of_present_illness"].lower()


def test_a_relative_keeps_her_own_words_and_the_plan_stays_a_plan() -> None:
    """A three-speaker visit (``tests/fixtures/audio/diarization/relative_joins``'s dialogue): the daughter's
    "I heard him wheezing" is hers, not the patient's; the breathlessness is the complaint, not a symptom the
    clinician asked about; what the clinician may start or will arrange is plan, not examination or result."""
    import json

    from tests.conftest import AUDIO

    ref = json.loads((AUDIO / "diarization" / "relative_joins.json").read_text())
    ids = {"clinician": 0, "patient": 1, "relative": 2}
    turns = [Turn(ids[t["speaker"]], t["text"]) for t in ref["turns"]]
    note = ENGINE.generate(turns=turns, template=get_builtin_template("general_consultation"), language="en")
    text = note.markdown.lower()
    assert "patient heard" not in text and "i heard him wheezing" in text
    assert note.sections["chief_complaint"].lower().startswith("shortness of breath")
    assert "furosemide" in note.sections["plan"] and "scan of the heart" in note.sections["plan"]
    assert "furosemide" not in note.sections["physical_examination"] + note.sections["results"]
    # the same visit as speech-to-text gave it, without the question mark: the asked symptoms are no complaint
    unpunctuated = [Turn(t.speaker, t.text.replace("?", "").replace("short of breath", "short and with"))
                    for t in turns]
    note = ENGINE.generate(turns=unpunctuated, template=get_builtin_template("general_consultation"), language="en")
    assert not re.search(r"palpitations|chest pain|cough", note.sections["chief_complaint"], re.I)


def test_fast_on_fifteen_minute_visit() -> None:
    # ~2,600 words, more than a 15-minute conversation.
    turns = parse_dialogue(HEADACHE * 18)
    template = get_builtin_template("general_consultation")
    start = time.perf_counter()
    ENGINE.generate(turns=turns, template=template, language="en")
    assert time.perf_counter() - start < 1.0


# -- parse_dialogue ------------------------------------------------------------


def test_parse_dialogue_speakers_and_continuations() -> None:
    turns = parse_dialogue(
        "[doctor] hi , martha .\n"
        "[patient] i'm doing okay .\n"
        "and you ?\n"
        "\n"
        "[patient_guest] she fell last week .\n"
        "[Doctor] okay .\n"
        "[nurse] vitals are done .\n"
        "[patient_guest] twice .\n"
    )
    assert [t.speaker for t in turns] == [0, 1, 2, 0, 3, 2]
    assert turns[1].text == "i'm doing okay . and you ?"
    assert turns[0] == Turn(speaker=0, text="hi , martha .", start=None, end=None)


@pytest.mark.parametrize("text", ["", "   \n  ", "[doctor]   \n[patient]"])
def test_parse_dialogue_nothing_parses(text: str) -> None:
    with pytest.raises(ValueError, match="no dialogue turns"):
        parse_dialogue(text)


def test_parse_dialogue_text_before_first_tag() -> None:
    with pytest.raises(ValueError, match="line 1"):
        parse_dialogue("hello there\n[doctor] hi")


# -- speech-to-text input (ASR punctuation, disfluencies) ---------------------
#
# Written for these tests in the style of Whisper output: its punctuation and
# casing, fillers, repeated words and phrases, run-on sentences joined by
# commas, a question glued to a statement.

from notes.engines import speech_cleanup  # noqa: E402

ASR_KNEE = [
    Turn(0, "Morning, Sam, so what brings you in today?"),
    Turn(1, "So, um, my left knee, my left knee has been, you know, really hurting for like, two, two weeks now, "
            "and it swells up after I walk, and."),
    Turn(0, "Okay, all right, so two weeks ago you noticed the swelling, okay, any locking or giving way?"),
    Turn(1, "No, no locking, but I think I twisted it when I was playing soccer, because I felt a pop, but I didn't "
            "go to urgent care, because I thought it would get better."),
    Turn(0, "On exam there is a moderate effusion of the left knee and, uh, tenderness along the medial joint line. "
            "McMurray test is positive."),
    Turn(0, "The x-ray shows no fracture. So this looks like a medial meniscus tear. I'm going to order an MRI and "
            "refer you to physical therapy."),
]

ASR_COUGH = [
    Turn(0, "Hi, what's going on today?"),
    Turn(1, "I've had this, you know, this cough for about ten days, you know, and it's, it's worse at night, and "
            "I mean I've been coughing up yellow stuff."),
    Turn(0, "Any fever?"),
    Turn(1, "Yeah, I had a fever, like, 101 on Sunday, you know."),
    Turn(0, "Your lungs have some crackles in the right lower lobe. The chest x-ray shows a right lower lobe "
            "infiltrate. Your white count is 14,000."),
    Turn(0, "This is consistent with community acquired pneumonia. I'm going to start you on azithromycin 500 mg today."),
]

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]")


def _asr_note(turns: list[Turn], template: str = "general_consultation", language: str = "en"):
    return ENGINE.generate(turns=turns, template=get_builtin_template(template), language=language)


def _assert_reads_cleanly(note) -> None:
    body = "\n".join(note.sections.values())
    assert not re.search(r"\byou know\b|\bI mean\b|\blike,|\b(?:um|uh)\b", body, re.I)
    # No "the patient thinks the patient had ...": one "the patient" per sentence.
    for sentence in _SENTENCE.findall(body):
        assert len(re.findall(r"\bthe patient\b", sentence, re.I)) <= 1, sentence
    # No clause cut after a conjunction ("..., and."), no stutters left ("2, 2").
    assert not re.search(r"\b(?:and|but|or|because)[,]?\.", body, re.I)
    assert not re.search(r"\b(\w+),? \1\b", body, re.I)
    assert ",," not in body and " ," not in body


def test_asr_knee_visit_with_repetitions_and_fillers() -> None:
    note = _asr_note(ASR_KNEE)
    s = note.sections
    _assert_reads_cleanly(note)
    assert s["chief_complaint"] == "Left knee pain for 2 weeks."
    hpi = s["history_of_present_illness"]
    assert "left knee has been really hurting for 2 weeks" in hpi
    assert "no locking" in hpi and "reports locking" not in hpi  # the negation is kept
    assert "felt a pop" in hpi and "didn't go to urgent care" in hpi
    # The clinician's restatement supports the history.
    assert "noticed the swelling 2 weeks ago" in hpi
    assert "McMurray test is positive" in s["physical_examination"]  # a bedside manoeuvre, not a result
    assert "x-ray shows no fracture" in s["results"]
    assert "x-ray" not in s["physical_examination"]
    assert "medial meniscus tear" in s["assessment"].lower()
    assert "MRI" in s["plan"]


def test_asr_cough_visit_with_you_know_fillers() -> None:
    note = _asr_note(ASR_COUGH)
    s = note.sections
    _assert_reads_cleanly(note)
    assert s["chief_complaint"] == "Cough for about 10 days."
    assert "coughing up yellow stuff" in s["history_of_present_illness"]
    assert "worse at night" in s["history_of_present_illness"]
    assert "crackles" in s["physical_examination"]
    assert "chest x-ray shows a right lower lobe infiltrate" in s["results"]
    assert "white count is 14,000" in s["results"]
    assert "community acquired pneumonia" in s["assessment"].lower()
    assert "azithromycin 500 mg" in s["plan"]


def test_asr_run_on_answer_is_split_and_rewritten_in_third_person() -> None:
    turns = [
        Turn(0, "Hello, Alex, what's going on, I heard that I heard that you have an earache, you're not sleeping well."),
        Turn(1, "Yeah, my ear has been hurting me for like, three, three days, and I think I had chills last night, "
                "because I was shaking, but I didn't check my temperature, because I was too tired."),
    ]
    note = _asr_note(turns)
    _assert_reads_cleanly(note)
    cc = note.sections["chief_complaint"]
    assert cc in ("Ear pain for 3 days.", "Earache for 3 days.", "Ear pain.", "Earache.")
    hpi = note.sections["history_of_present_illness"]
    assert "The patient thinks they had chills last night" in hpi
    assert "didn't check their temperature" in hpi
    assert "I " not in hpi and " my " not in hpi


def test_known_gender_uses_pronouns() -> None:
    turns = [
        Turn(0, "Good morning, Mrs. Lee, what brings you in?"),
        Turn(1, "I think I had a fever on Monday, because I was really sweaty, and my back has been aching."),
    ]
    hpi = _asr_note(turns).sections["history_of_present_illness"]
    assert "She thinks she had a fever on Monday" in hpi
    assert "the patient" not in hpi.lower()


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("I was playing basketball and somebody ran into me and the inside of my right knee hurts.", "Right knee pain."),
        ("Well, I twisted my ankle on the stairs, like, a week ago.", "Ankle injury."),
        ("It's really hard to swallow, it's been going on for about a month.", "Difficulty swallowing for about a month."),
        ("I'm ready to quit smoking, I've tried before.", "Smoking cessation."),
    ],
)
def test_chief_complaint_is_a_noun_phrase(opening: str, expected: str) -> None:
    turns = [Turn(0, "Hi there, what brings you in today?"), Turn(1, opening)]
    assert _asr_note(turns).sections["chief_complaint"] == expected


def test_chief_complaint_from_the_clinicians_opening() -> None:
    turns = [
        Turn(0, "Hi, so I see from the nurse that you've been having some chest pain, tell me about it."),
        Turn(1, "Yeah, it started, um, three days ago when I was climbing the stairs."),
    ]
    assert _asr_note(turns).sections["chief_complaint"] == "Chest pain."


def test_diagnosis_goes_to_assessment_and_test_result_to_results() -> None:
    turns = [
        Turn(0, "What's bothering you today?"),
        Turn(1, "I've got body aches and a fever since yesterday."),
        Turn(0, "Your temperature is 101.8. The rapid covid test is negative, but the flu swab came back positive. "
                "So this is influenza A. I'm going to prescribe oseltamivir 75 mg twice a day for five days."),
    ]
    s = _asr_note(turns).sections
    assert "flu swab came back positive" in s["results"]
    assert "covid test is negative" in s["results"]
    assert "swab" not in s["physical_examination"] and "covid" not in s["physical_examination"]
    assert "101.8" in s["physical_examination"]
    assert "influenza a" in s["assessment"].lower()
    assert "oseltamivir 75 mg" in s["plan"]


def test_lab_values_go_to_results() -> None:
    turns = [
        Turn(0, "What can I do for you today?"),
        Turn(1, "I've been really tired, I mean really, really tired for a month, and I get dizzy when I stand up."),
        Turn(0, "Okay. So your labs show a hemoglobin of 9.2, and your ferritin is low. I think you have iron "
                "deficiency anemia. We'll start iron supplements."),
    ]
    note = _asr_note(turns)
    s = note.sections
    _assert_reads_cleanly(note)
    assert s["chief_complaint"] == "Fatigue for a month."
    assert "hemoglobin of 9.2" in s["results"]
    assert "hemoglobin" not in s["physical_examination"]
    assert "iron deficiency anemia" in s["assessment"].lower()


def test_asr_spanish_visit_drops_fillers_and_keeps_content_words() -> None:
    turns = [
        Turn(0, "Buenos días, ¿qué le trae por aquí?"),
        Turn(1, "Bueno, pues, me duele, o sea, la rodilla derecha desde hace dos semanas, este, y tengo fiebre y"),
        Turn(0, "La radiografía es normal. Creo que se trata de una tendinitis. Le voy a recetar ibuprofeno 600 mg."),
    ]
    note = _asr_note(turns, language="es")
    s = note.sections
    body = "\n".join(s.values())
    assert not re.search(r"\bo sea\b|\bpues\b|\bbueno\b|\beste\b", body, re.I)
    assert "rodilla derecha desde hace dos semanas" in s["history_of_present_illness"]
    assert "tiene fiebre" in s["history_of_present_illness"]
    assert not s["history_of_present_illness"].endswith(" y.")
    assert "radiografía es normal" in s["results"]
    assert "tendinitis" in s["assessment"].lower()


def test_asr_german_rapid_test_is_a_result() -> None:
    turns = [
        Turn(0, "Guten Tag, was führt Sie zu mir?"),
        Turn(1, "Also, äh, ich habe halt seit drei Tagen Halsschmerzen und, ähm, Fieber."),
        Turn(0, "Der Schnelltest ist positiv. Ich verschreibe Penicillin."),
    ]
    s = _asr_note(turns, language="de").sections
    assert s["history_of_present_illness"] == "Der Patient hat seit drei Tagen Halsschmerzen und Fieber."
    assert "Schnelltest ist positiv" in s["results"]


# -- speech_cleanup unit tests --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("my knee has been, you know, hurting for like, 2 weeks", "en", "my knee has been hurting for 2 weeks"),
        ("it's like 3 days, I mean, maybe 4", "en", "it's 3 days maybe 4"),
        ("Um, so, I think it's, uh, better", "en", "I think it's better"),
        ("it feels like a knife", "en", "it feels like a knife"),
        ("things like chest pain or swelling", "en", "things like chest pain or swelling"),
        ("do you know what medication you take", "en", "do you know what medication you take"),
        ("Bueno, me duele, pues, mucho, o sea, la garganta", "es", "me duele mucho la garganta"),
        ("este dolor empezó ayer", "es", "este dolor empezó ayer"),
        ("Doncs, em fa mal el genoll", "ca", "em fa mal el genoll"),
        ("Euh, ben, j'ai mal à la gorge, quoi", "fr", "j'ai mal à la gorge"),
        ("Tipo, dói muito, né, desde ontem", "pt", "dói muito desde ontem"),
        ("que tipo de dor é", "pt", "que tipo de dor é"),
        ("Also, äh, ich habe halt Halsschmerzen", "de", "ich habe Halsschmerzen"),
        ("Allora, cioè, ho mal di testa, tipo, da ieri", "it", "ho mal di testa da ieri"),
    ],
)
def test_remove_fillers(text: str, lang: str, expected: str) -> None:
    assert speech_cleanup.remove_fillers(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I heard that I heard that you're sick", "I heard that you're sick"),
        ("for 4, 4 days", "for 4 days"),
        ("it's, it's worse at night", "it's worse at night"),
        ("the left knee and the right knee", "the left knee and the right knee"),
    ],
)
def test_remove_repetitions(text: str, expected: str) -> None:
    assert speech_cleanup.remove_repetitions(text) == expected


def test_strip_dangling_and_split_clauses() -> None:
    assert speech_cleanup.strip_dangling("it hurts for 4 days, and.", "en") == "it hurts for 4 days."
    assert speech_cleanup.clean_disfluencies("um, it's, it's been, like, 2 days, and", "en") == "it's been 2 days"
    assert speech_cleanup.strip_dangling("tengo fiebre y", "es") == "tengo fiebre"
    assert speech_cleanup.strip_dangling("I don't know what I'm dealing with", "en") == "I don't know what I'm dealing with"
    assert speech_cleanup.split_clauses("So 4 days ago you started feeling badly, okay, now are you having chills?", "en") == [
        "So 4 days ago you started feeling badly.",
        "now are you having chills?",
    ]
    long = ("my throat has been hurting for 4 days, and I think I had a fever last night, because I was sweaty, "
            "but I didn't take my temperature.")
    assert speech_cleanup.split_clauses(long, "en") == [
        "my throat has been hurting for 4 days.",
        "and I think I had a fever last night, because I was sweaty.",
        "but I didn't take my temperature.",
    ]
    # A dependent first clause stays with its main clause.
    conditional = "if the pain gets worse over the next few days or you notice any numbness, you should call the office"
    assert speech_cleanup.split_clauses(conditional, "en") == [conditional]


def test_long_unpunctuated_turn_is_fast() -> None:
    text = ("so um my left knee you know has been really hurting for like two weeks and it swells up after i walk "
            "and i think i twisted it when i was playing soccer and i felt a pop ") * 40
    start = time.perf_counter()
    _asr_note([Turn(0, "what brings you in today"), Turn(1, text)])
    assert time.perf_counter() - start < 1.0
