"""Clinical safety of generated notes (issue 17).

Reads the same safety set as ``bench/note_safety.py`` (``notes/safety/cases``):
a sample per category runs here, the whole set in the bench. Then one test
per bug the issue observed (the input that produced an unsafe note: the note
must not say the wrong thing AND must contain the right fact), the negation
scope rules, the evidence (provenance) of offline notes and the evidence
check of LLM notes. The OpenAI adapter is exercised through
``httpx.MockTransport`` (only the HTTP boundary is replaced); the run of the
set against a real endpoint is opt-in (``OPENAI_API_KEY``).
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path

import httpx
import pytest

from notes.dialogue import parse_dialogue
from notes.engines import clinical_lexicon, offline
from notes.engines.base import NoteResult, Turn
from notes.engines.evidence import trace_note
from notes.engines.offline import OfflineNoteEngine
from notes.engines.openai_llm import OpenAINoteEngine
from notes.safety import CATEGORIES, SafetyCase, case_turns, check_note, load_cases, normalise
from templates.builtin import get_builtin_template

ENGINE = OfflineNoteEngine()
CASES = load_cases()
SAMPLE_PER_CATEGORY = 3


def _sample() -> list[SafetyCase]:
    """Up to 3 cases per category: the first English one and the first two of other languages."""
    by_category: dict[str, list[SafetyCase]] = defaultdict(list)
    for case in CASES:
        by_category[case.category].append(case)
    sample: list[SafetyCase] = []
    for category in CATEGORIES:
        cases = by_category[category]
        english = [c for c in cases if c.language == "en"][:1]
        others = [c for c in cases if c.language != "en"][: SAMPLE_PER_CATEGORY - len(english)]
        sample.extend(english + others)
    return sample


def _note(dialogue: str, language: str = "en", template: str = "general_consultation") -> NoteResult:
    return ENGINE.generate(
        turns=case_turns(dialogue), template=get_builtin_template(template), language=language
    )


def _has(text: str, phrase: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(normalise(phrase)) + r"(?!\w)", normalise(text)) is not None


# -- the set ---------------------------------------------------------------------------------------


def test_safety_set_covers_languages_and_categories() -> None:
    assert len(CASES) >= 250
    per_language: dict[str, int] = defaultdict(int)
    for case in CASES:
        per_language[case.language] += 1
        assert case.must or case.must_not, case.id
        get_builtin_template(case.template)  # every template exists
    assert set(per_language) == {"en", "es", "ca", "fr", "pt", "de", "it"}
    assert max(per_language, key=per_language.get) == "en"
    assert {c.category for c in CASES} == set(CATEGORIES)
    for category in CATEGORIES:
        assert sum(1 for c in CASES if c.category == category) >= 10, category


def test_loader_rejects_malformed_cases(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x-1\n  category: nonsense\n  dialogue: '[doctor] hi'\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown category"):
        load_cases([bad])
    bad.write_text("- id: x-1\n  category: negation\n  dialogue: '[doctor] hi'\n  must: [{in: plan}]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected a phrase"):
        load_cases([bad])


def test_checker_flags_an_unsafe_note() -> None:
    case = next(c for c in CASES if c.id == "en-neg-01")
    unsafe = "## Review of Systems\n- Constitutional: Reports fever.\n"
    errors = check_note(case, unsafe, {"review_of_systems": "- Constitutional: Reports fever."})
    assert "says: reports fever" in errors
    assert any(e.startswith("missing:") for e in errors)
    safe = "## Review of Systems\n- Constitutional: Denies fever.\n"
    assert check_note(case, safe, {"review_of_systems": "- Constitutional: Denies fever."}) == []


def test_checker_sections_regexes_and_numbers() -> None:
    case = SafetyCase(
        id="t-1", category="numbers_doses", language="en", template="general_consultation", dialogue="[doctor] x",
        must=({"in": None, "any": ["1 1/2 tablets"]}, {"in": "plan", "any": ["hold*"]}),
        must_not=({"in": None, "any": ["re:mg,? 1/2 tablet"]}, {"in": "assessment", "any": ["fracture"]}),
    )
    good = {"medications": "- Warfarin 5 mg, 1 1/2 tablets daily.", "plan": "- We will hold it.", "assessment": ""}
    assert check_note(case, "\n".join(good.values()), good) == []
    bad = {"medications": "- Warfarin 5 mg, 1/2 tablets daily.", "plan": "", "assessment": "1. Fracture"}
    errors = check_note(case, "\n".join(bad.values()), bad)
    assert len(errors) == 4


@pytest.mark.parametrize("case", _sample(), ids=lambda c: c.id)
def test_offline_engine_on_safety_sample(case: SafetyCase) -> None:
    result = _note(case.dialogue, case.language, case.template)
    assert check_note(case, result.markdown, result.sections) == []


# -- the bugs observed in the issue -------------------------------------------------------------------


def test_i_have_had_no_fever_is_a_denial() -> None:
    note = _note("[doctor] Any fever?\n[patient] I have had no fever.")
    assert not _has(note.markdown, "reports fever")
    assert "Denies fever" in note.sections["review_of_systems"]


def test_yes_but_no_applies_per_symptom() -> None:
    note = _note("[doctor] Any fever?\n[patient] Yes, but no shortness of breath.")
    ros = note.sections["review_of_systems"]
    assert "Reports fever" in ros and "Denies shortness of breath" in ros
    assert not _has(note.markdown, "reports shortness of breath")

    note = _note("[doctor] Any fever or chills?\n[patient] Yes, but no chills.")
    ros = note.sections["review_of_systems"]
    assert "Reports fever." in ros and "Denies chills." in ros
    assert not _has(note.markdown, "fever and chills") and not _has(note.markdown, "fever or chills")


def test_short_answers_keep_their_content() -> None:
    note = _note("[doctor] Allergies to medications?\n[patient] Yes, penicillin.")
    assert "penicillin" in note.sections["allergies"]

    note = _note("[doctor] Are you taking any medications?\n[patient] Yes, metformin.")
    assert "metformin" in note.sections["medications"]
    assert "any medications" not in note.markdown

    note = _note("[doctor] Any chest pain?\n[patient] No, but my ankles swell.")
    assert "ankles swell" in note.sections["history_of_present_illness"]
    assert "Denies chest pain" in note.sections["review_of_systems"]


def test_no_problem_from_a_question_or_a_negated_finding() -> None:
    note = _note(
        "[doctor] Any family history of colon cancer?\n[patient] No.\n"
        "[doctor] The x-ray is not consistent with a fracture."
    )
    assessment = note.sections["assessment"]
    assert not re.search(r"^\d+\. (?:colon cancer|fracture)", assessment, re.I | re.M)
    assert "not consistent with a fracture" in note.markdown  # the finding itself is kept
    assert "family history of colon cancer" in note.sections["past_medical_history"]


def test_doses_survive_the_repetition_cleanup() -> None:
    note = _note("[patient] I take warfarin 5 mg, 1 1/2 tablets daily.\n[patient] I take 2, 2 mg tablets at night.")
    meds = note.sections["medications"]
    assert "1 1/2 tablets" in meds and "5 mg, 1/2" not in meds
    assert "2, 2 mg tablets" in meds


def test_er_is_not_a_filler() -> None:
    note = _note("[patient] I went to the ER last week.\n[doctor] The biopsy shows the tumor is ER positive.")
    assert "the ER last week" in note.markdown
    assert "ER positive" in note.markdown


def test_clinical_sentences_are_not_small_talk() -> None:
    note = _note(
        "[patient] My knees ache more in cold weather.\n[patient] I had chest pain over the weekend.\n"
        "[doctor] You have a good pulse in both feet.\n[doctor] I want to see you back in two weeks.\n"
        "[doctor] We're going to hold your lisinopril.\n[doctor] Hey Dragon, finalize the note."
    )
    assert "cold weather" in note.markdown and "over the weekend" in note.markdown
    assert "good pulse in both feet" in note.sections["physical_examination"]
    plan = note.sections["plan"]
    assert "2 weeks" in plan and "hold" in plan and "lisinopril" in plan
    assert "finalize" not in note.markdown.lower()


def test_no_development_corpus_word_lists() -> None:
    package = Path(offline.__file__).parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(package.rglob("*.py"))).lower()
    assert "def _note_style" in source  # the whole package is read, not only its __init__
    for word in ("dax", "dragon", "finalize the note", "weather", "calling out"):
        assert not re.search(r"\b" + re.escape(word) + r"\b", source), word


def test_another_persons_fever_is_not_the_patients() -> None:
    note = _note("[patient] My wife has had a fever.")
    assert "wife" in note.markdown
    assert not _has(note.markdown, "reports fever")
    assert "fever" not in note.sections["chief_complaint"].lower()


def test_side_effects_a_clinician_explains_are_not_the_patients_symptoms() -> None:
    """A results visit got the chief complaint "Constipation" from "it can cause constipation" (2026-11-30)."""
    case = next(c for c in CASES if c.id == "en-visit-13")
    note = _note(case.dialogue)
    assert check_note(case, note.markdown, note.sections) == []
    for cue in ("It can cause constipation.", "Side effects include constipation.", "This may cause constipation."):
        note = _note(f"[doctor] Your iron is low, we will start ferrous sulfate. {cue}")
        assert "constipation" not in note.sections["chief_complaint"].lower(), cue
    note = _note("[doctor] What brings you in?\n[patient] I have had constipation for a week.")
    assert "constipation" in note.sections["chief_complaint"].lower()  # the patient's own complaint still is


def test_side_effect_counselling_and_instructions_go_to_the_plan() -> None:
    """Counselling ("It can cause constipation", "Some people get nausea at first") and an instruction
    ("Take it with food") were dropped from the note, and a Spanish one landed in the assessment; a
    clinician's "Yes, most likely." to the patient's question was the assessment on its own (2026-12-01)."""
    for case_id in ("en-visit-14", "en-visit-15", "es-plan-counsel-01"):
        case = next(c for c in CASES if c.id == case_id)
        note = _note(case.dialogue, language=case.language)
        assert check_note(case, note.markdown, note.sections) == [], case_id
    note = _note(next(c for c in CASES if c.id == "en-visit-14").dialogue)
    assert "Most likely (asked:" in note.sections["assessment"]
    assert "constipation" not in note.sections["review_of_systems"].lower()
    # An exam instruction is not a plan item, and a symptom the patient reports is still the patient's.
    note = _note("[doctor] Take a deep breath for me.\n[doctor] Lungs are clear.\n"
                 "[patient] The new pills give me nausea every morning.")
    assert "deep breath" not in note.sections["plan"].lower()
    assert "nausea" not in note.sections["plan"].lower()
    # Advice the patient asks for is plan, not an examination finding; a plan sentence that can stand alone
    # is not tied to the patient's question.
    note = _note("[patient] Can I still lift weights and do squats at the gym?\n"
                 "[doctor] Yes, absolutely, those are good exercises.")
    assert "good exercises" in note.sections["plan"] and "good exercises" not in note.sections["physical_examination"]
    note = _note("[patient] So what do I do now?\n[doctor] Yes, I'll write you a prescription for amoxicillin 500 mg.")
    assert "amoxicillin 500 mg" in note.sections["plan"] and "asked:" not in note.sections["plan"]


def test_no_gender_from_miss_or_ms() -> None:
    note = _note(
        "[doctor] Your MS has been stable.\n[doctor] Did you miss any doses?\n[patient] No.\n"
        "[patient] I have been taking it every day."
    )
    assert not re.search(r"\b(?:she|he|her|his)\b", note.markdown, re.I)
    assert "The patient" in note.markdown
    note = _note("[doctor] Hi Ms. Lopez, good to see you.\n[doctor] Ms. Lopez, how is your knee?\n[patient] My knee hurts.")
    assert "Her knee" in note.markdown or "her knee" in note.markdown


def test_leading_words_with_meaning_are_kept() -> None:
    note = _note("[doctor] Right lower quadrant is tender.")
    assert "Right lower quadrant is tender" in note.sections["physical_examination"]
    note = _note("[doctor] Si el dolor empeora, vuelva a urgencias.", language="es")
    assert "Si el dolor empeora" in note.sections["plan"]
    note = _note("[doctor] Okay, so your lungs are clear.")
    assert note.sections["physical_examination"].startswith("- The lungs are clear")


def test_answers_that_need_their_question_keep_it() -> None:
    note = _note("[doctor] How are you taking the warfarin?\n[patient] 5 mg on Mondays and 7.5 mg the other days.")
    assert 'warfarin' in note.sections["medications"] and "7.5 mg" in note.sections["medications"]
    note = _note("[patient] Should I stop taking the aspirin before the surgery?\n[doctor] Yes, stop it 7 days before.")
    assert _has(note.markdown, "stop it 7 days before") and "aspirin" in note.sections["plan"]
    note = _note("[doctor] Did you lose consciousness?\n[patient] I'm not sure.")
    assert "not sure" in note.markdown and "consciousness" in note.markdown
    assert not _has(note.markdown, "denies") and not _has(note.markdown, "reports lose consciousness")


def test_unpunctuated_answer_before_the_plan_keeps_the_patients_question() -> None:
    """Without punctuation "yes most likely i'd like to start ferrous sulfate ..." was one plan sentence and the
    patient's question ("is that why i'm so tired") was lost from the assessment (en-visit-14, 2026-12-01)."""
    case = next(c for c in CASES if c.id == "en-visit-14")
    unpunctuated = "\n".join(f"{tag}] " + re.sub(r"(?<!\d)[,.!;](?!\d)|[?]", "", text.lower()).strip()
                             for tag, _, text in (line.partition("]") for line in case.dialogue.strip().splitlines()))
    assert "yes most likely i'd like to start" in unpunctuated
    note = _note(unpunctuated)
    assert check_note(case, note.markdown, note.sections) == []
    assert _has(note.sections["assessment"], "so tired") and _has(note.sections["plan"], "ferrous sulfate 200 mg")
    # a conditional head is not an answer on its own, and "no" before the plan keeps its sentence
    note = _note("[patient] do i need to stop the aspirin\n[doctor] no we'll keep the aspirin at 81 mg once a day")
    assert _has(note.markdown, "81 mg") and not _has(note.markdown, "reports aspirin")


def test_unpunctuated_romance_question_is_not_a_fact() -> None:
    # Speech-to-text output without "?": "tiene fiebre" followed by "no" was a question.
    note = _note("[doctor] tiene fiebre\n[patient] no\n[doctor] toma algún medicamento\n[patient] sí enalapril", language="es")
    assert "Niega fiebre" in note.sections["review_of_systems"]
    assert not _has(note.markdown, "tiene fiebre") and not _has(note.markdown, "refiere fiebre")
    assert "enalapril" in note.sections["medications"]


def test_unpunctuated_english_history_question_keeps_the_answer() -> None:
    # "allergies to medications" + "yes penicillin" without "?": the allergy was dropped (2026-12-01).
    note = _note("[doctor] allergies to medications\n[patient] yes penicillin")
    assert _has(note.markdown, "allergies to medications: penicillin")
    note = _note("[doctor] chest pain\n[patient] no\n[doctor] and any cough\n[patient] yes for two weeks")
    assert _has(note.markdown, "denies chest pain") and _has(note.markdown, "cough")
    assert not _has(note.markdown, "reports chest pain")
    # A bare if-clause asks what to do: it was stated as "The patient reports if it upsets their stomach".
    note = _note("[doctor] it can cause constipation\n[patient] alright and if it upsets my stomach\n"
                 "[doctor] take it with food then")
    assert not _has(note.markdown, "reports if") and _has(note.sections["plan"], "take it with food")
    note = _note("[doctor] Chest pain?\n[patient] No.\n[doctor] A cough?\n[patient] No.")  # bare "No." was dropped
    assert _has(note.markdown, "denies chest pain") and _has(note.markdown, "denies cough")
    # A clinician's general remark that names a symptom is neither a question answered "yes" nor the
    # patient's complaint (it was the chief complaint "Fever.").
    for dialogue in ("[doctor] fever is common for a day or two after the vaccine\n[patient] yes okay",
                     "[doctor] Fever is common for a day or two after the vaccine.\n[patient] Yes, okay."):
        note = _note(dialogue)
        assert not _has(note.markdown, "reports fever") and "fever" not in note.sections["chief_complaint"].lower()
    # A clinician's own notes (dictation, typed notes) still name the complaint.
    assert "sore throat" in _note("[doctor] Sore throat for 4 days. Acute pharyngitis.").sections["chief_complaint"].lower()


# -- negation scope --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, term, lang, negated",
    [
        ("I have no fever or chills", "chills", "en", True),
        ("no fever but chills at night", "chills", "en", False),
        ("I haven't had any fever", "fever", "en", True),
        ("no fever, and I have a cough", "cough", "en", False),
        ("Fiebre no, pero sí escalofríos", "fiebre", "es", True),
        ("Fiebre no, pero sí escalofríos", "escalofríos", "es", False),
        ("Fieber habe ich nicht", "fieber", "de", True),
        ("je n'ai pas de toux", "toux", "fr", True),
    ],
)
def test_negation_scope(text: str, term: str, lang: str, negated: bool) -> None:
    start = text.lower().index(term)
    assert clinical_lexicon.scope_of(text, start, lang, end=start + len(term)).negated is negated


def test_scope_flags_third_party_hedge_and_conditional() -> None:
    text = "My wife has had a fever"
    assert clinical_lexicon.scope_of(text, text.index("fever"), "en").third_party
    text = "I think maybe a fever"
    assert clinical_lexicon.scope_of(text, text.index("fever"), "en").hedged
    text = "If you get a fever, call us"
    assert clinical_lexicon.scope_of(text, text.index("fever"), "en").conditional
    text = "I have a fever"
    assert clinical_lexicon.scope_of(text, text.index("fever"), "en").affirmed


def test_clinical_lexicon_helpers() -> None:
    assert clinical_lexicon.drug_names("Takes Eliquis, lisinopril 10 mg and losartan.") == ["eliquis", "lisinopril", "losartan"]
    assert clinical_lexicon.drug_names("I take it with water") == []
    assert clinical_lexicon.numbers_in("BP 128/82, T 38,5, 1 1/2 tablets") == ["128/82", "38.5", "1", "1/2"]
    assert clinical_lexicon.has_clinical_content("My knees ache more in cold weather.", "en")
    assert clinical_lexicon.has_clinical_content("I want to see you back in two weeks.", "en")
    assert not clinical_lexicon.has_clinical_content("Hey Dragon, finalize the note.", "en")
    assert not clinical_lexicon.has_clinical_content("Nice to see you, have a good weekend.", "en")
    assert clinical_lexicon.mentions_third_party("Mi hijo tiene tos", "es")


# -- evidence ------------------------------------------------------------------------------------------------


def test_offline_note_carries_exact_evidence() -> None:
    dialogue = (
        "[doctor] What brings you in?\n"            # 0
        "[patient] My knee has been hurting for 3 days.\n"  # 1
        "[doctor] Any fever or chills?\n"           # 2
        "[patient] Yes, but no chills.\n"           # 3
        "[doctor] I think this is a sprain. Let's see you back in two weeks.\n"  # 4
    )
    note = _note(dialogue)
    by_sentence = {(e["section"], e["sentence"]): e for e in note.evidence}
    assert by_sentence[("review_of_systems", "Constitutional: Reports fever. Denies chills.")]["utterances"] == [2, 3]
    assert by_sentence[("chief_complaint", "Knee pain for 3 days.")]["utterances"] == [1]
    assert by_sentence[("assessment", "Sprain")]["utterances"] == [4]
    assert by_sentence[("plan", "We will see the patient back in 2 weeks.")]["utterances"] == [4]
    assert all(e["supported"] for e in note.evidence) and note.unsupported_sentences == []
    # Every sentence of the note has an evidence entry.
    for key, body in note.sections.items():
        for line in body.splitlines():
            line = re.sub(r"^(?:- |\d+\. )", "", line).strip()
            if line:
                assert any(e["section"] == key and e["sentence"] in line for e in note.evidence), line
    # The offline engine's own sentences also pass the LLM evidence check.
    traced = trace_note(note.sections, parse_dialogue(dialogue), note_language="en")
    assert all(e["supported"] for e in traced), [e for e in traced if not e["supported"]]


def test_note_result_keeps_its_old_constructor() -> None:
    result = NoteResult("## A\nx\n", {"a": "x"}, "custom")
    assert result.evidence == [] and result.unsupported_sentences == []


TRANSCRIPT = [
    Turn(0, "What medications do you take?"),
    Turn(1, "I take lisinopril ten milligrams and metformin five hundred milligrams twice a day."),
    Turn(0, "Any chest pain?"),
    Turn(1, "No. My knee hurts when I climb stairs."),
    Turn(0, "Your blood pressure is one twenty eight over eighty two."),
]


def test_trace_note_supports_said_and_flags_invented() -> None:
    sections = {
        "medications": "- Lisinopril 10 mg daily.\n- Metformin 500 mg twice a day.\n- Atorvastatin 20 mg nightly.",
        "history_of_present_illness": "The patient denies chest pain. Knee pain when climbing stairs. "
        "The patient fell from a ladder last year.",
        "physical_examination": "Blood pressure 128/82. Temperature 38.5.",
    }
    entries = {e["sentence"]: e for e in trace_note(sections, TRANSCRIPT, note_language="en")}
    assert entries["Lisinopril 10 mg daily."]["supported"] and entries["Lisinopril 10 mg daily."]["utterances"] == [1]
    assert entries["Metformin 500 mg twice a day."]["supported"]
    assert entries["The patient denies chest pain."]["utterances"] == [2]
    assert entries["Blood pressure 128/82."]["supported"] and 4 in entries["Blood pressure 128/82."]["utterances"]
    invented = entries["Atorvastatin 20 mg nightly."]
    assert not invented["supported"]
    assert "number 20 not in transcript" in invented["reasons"]
    assert "medication atorvastatin not in transcript" in invented["reasons"]
    assert not entries["The patient fell from a ladder last year."]["supported"]
    assert not entries["Temperature 38.5."]["supported"]


def test_trace_note_in_another_language_checks_numbers_and_drugs() -> None:
    sections = {"medications": "- Lisinopril 10 mg al día.\n- Atorvastatina 20 mg."}
    entries = trace_note(sections, TRANSCRIPT, note_language="es", transcript_language="en")
    assert entries[0]["supported"] and entries[0]["utterances"] == [1]
    assert not entries[1]["supported"]


def test_openai_adapter_returns_evidence_and_flags_unsupported() -> None:
    content = json.dumps({
        "subjective": "Headache for 2 weeks, worse in the mornings.",
        "objective": "",
        "assessment": "Tension-type headache.",
        "plan": "- Ibuprofen 400 mg as needed.\n- Start propranolol 40 mg daily.",
    })

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": content, "refusal": None}}],
        })

    engine = OpenAINoteEngine(
        api_key="sk-test", base_url="http://openai.test/v1", max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    turns = [
        Turn(0, "What brings you in today?"),
        Turn(1, "I've had a headache for two weeks, worse in the mornings."),
        Turn(0, "It sounds like a tension-type headache. Take ibuprofen 400 mg as needed."),
    ]
    result = engine.generate(turns=turns, template=get_builtin_template("SOAP"), language="en")
    flagged = [e["sentence"] for e in result.unsupported_sentences]
    assert flagged == ["Start propranolol 40 mg daily."]
    supported = {e["sentence"]: e["utterances"] for e in result.evidence if e["supported"]}
    assert supported["Headache for 2 weeks, worse in the mornings."] == [1]
    assert supported["Ibuprofen 400 mg as needed."] == [2]


# -- the set against a real LLM endpoint (opt-in) --------------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get("OPENAI_API_KEY"),
    reason="OPENAI_API_KEY is not set: the safety sample runs against a real OpenAI-compatible endpoint only",
)
def test_openai_engine_on_safety_sample() -> None:
    engine = OpenAINoteEngine(
        api_key=os.environ["OPENAI_API_KEY"],
        base_url=os.environ.get("OPENAI_BASE_URL") or None,
        model=os.environ.get("OPENAI_MODEL", "gpt-4o-mini"),
    )
    failures = {}
    for case in _sample():
        result = engine.generate(
            turns=case_turns(case.dialogue), template=get_builtin_template(case.template), language=case.language
        )
        errors = check_note(case, result.markdown, result.sections)
        if errors:
            failures[case.id] = errors
        assert all("supported" in e and "utterances" in e for e in result.evidence)
    assert failures == {}


def test_generate_note_command_prints_evidence(tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management import call_command

    dialogue = tmp_path / "visit.txt"
    dialogue.write_text("[doctor] Any fever or chills?\n[patient] Yes, but no chills.\n", encoding="utf-8")
    out = StringIO()
    call_command("generate_note", str(dialogue), "--evidence", stdout=out)
    text = out.getvalue()
    assert "- Constitutional: Reports fever. Denies chills." in text
    assert "review_of_systems | 0,1 | Constitutional: Reports fever. Denies chills." in text
