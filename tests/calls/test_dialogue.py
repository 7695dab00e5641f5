"""The scripted dialogue policy in the seven languages: identity check first, then confirm / cancel /
reschedule / question / unclear / wrong person / voicemail per purpose; outcomes and summaries."""

from __future__ import annotations

import pytest

from calls.dialogue.facts import build_facts
from calls.dialogue.languages import language_pack
from calls.dialogue.policy import ScriptedPolicy
from calls.dialogue.summary import outcome_of, summarise
from calls.models import LANGUAGES

REMINDER_CONTEXT = {"appointment_date": "2026-05-20", "appointment_time": "09:30", "provider_name": "Dr. Garcia",
                    "clinic_name": "Dental Plus"}
FOLLOW_UP_CONTEXT = {"visit_date": "2026-05-15", "procedure": "extraction", "provider_name": "Dr. Garcia"}

#: What patients say, per language: identity yes, attend yes, cancel, reschedule, a bare no, a question,
#: wrong person, feeling well, a problem, no questions, an answering machine's greeting.
SAYINGS = {
    "en": ["Yes, speaking.", "Sure, I'll be there.", "I need to cancel it.", "Can we move it to another day?",
           "No.", "Where is the clinic exactly?", "Sorry, wrong number.", "I'm fine, thanks.",
           "It still hurts a lot and there's some bleeding.", "No, nothing else.",
           "Hi, I'm not available, please leave a message after the tone."],
    "es": ["Sí, soy yo.", "Sí, allí estaré.", "Quiero cancelar la cita.", "¿Podemos cambiarla a otro día?",
           "No.", "¿Dónde está la clínica exactamente?", "Se ha equivocado de número.", "Muy bien, gracias.",
           "Me duele bastante y tengo fiebre.", "No, nada más.",
           "Hola, no estoy disponible, deje su mensaje después de la señal."],
    "ca": ["Sí, sóc jo.", "Sí, hi seré.", "Vull anul·lar la cita.", "Podem canviar-la a un altre dia?",
           "No.", "On és la clínica exactament?", "Número equivocat.", "Molt bé, gràcies.",
           "Em fa mal i tinc febre.", "No, res més.", "Hola, deixi el seu missatge després del senyal."],
    "fr": ["Oui, c'est moi.", "Oui, j'y serai.", "Je voudrais annuler.", "On peut la déplacer à un autre jour ?",
           "Non.", "Où se trouve la clinique exactement ?", "Vous avez fait un faux numéro.", "Très bien, merci.",
           "J'ai encore une douleur forte et de la fièvre.", "Non, rien d'autre.",
           "Bonjour, laissez un message après le bip."],
    "pt": ["Sim, sou eu.", "Sim, lá estarei.", "Quero cancelar a consulta.", "Podemos remarcar para outro dia?",
           "Não.", "Onde fica a clínica exatamente?", "É engano, número errado.", "Estou bem, obrigado.",
           "Tenho muita dor e febre.", "Não, nada mais.", "Olá, deixe a sua mensagem após o sinal."],
    "de": ["Ja, am Apparat.", "Ja, ich komme.", "Ich möchte den Termin absagen.",
           "Können wir ihn auf einen anderen Tag verschieben?", "Nein.", "Wo ist die Praxis genau?",
           "Sie sind falsch verbunden.", "Mir geht es gut, danke.", "Ich habe starke Schmerzen und Fieber.",
           "Nein, nichts weiter.", "Hallo, bitte hinterlassen Sie eine Nachricht nach dem Signalton."],
    "it": ["Sì, sono io.", "Sì, ci sarò.", "Vorrei annullare l'appuntamento.", "Possiamo spostarlo a un altro giorno?",
           "No.", "Dove si trova la clinica esattamente?", "Ha sbagliato numero.", "Sto bene, grazie.",
           "Ho ancora dolore e febbre.", "No, niente.", "Salve, lasciate un messaggio dopo il segnale."],
}
(YES, ATTEND, CANCEL, RESCHEDULE, NO, QUESTION, WRONG, WELL, PROBLEM, NO_QUESTIONS, MACHINE) = range(11)


def conversation(language: str, purpose: str, context: dict, answers: list[int]):
    facts = build_facts(purpose=purpose, language=language, patient_name="Maria Lopez", context=context)
    policy, state = ScriptedPolicy(facts), {}
    lines = [policy.opening(state).text]
    ended = False
    for index in answers:
        assert not ended, "the agent had already hung up"
        turn = policy.respond(state, SAYINGS[language][index])
        lines.append(turn.text)
        ended = turn.end_call
    return facts, state, lines, ended


def test_every_language_has_every_phrase_summary_and_cue():
    reference = language_pack("en")
    for language in LANGUAGES:
        pack = language_pack(language)
        assert set(pack.phrases) == set(reference.phrases), language
        assert set(pack.summaries) == set(reference.summaries), language
        assert set(pack.cues) == set(reference.cues), language


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("answers, result, outcome", [
    ([YES, ATTEND], "confirmed", "confirmed"),
    ([YES, CANCEL], "cancelled", "cancelled"),
    ([YES, RESCHEDULE], "reschedule_requested", "reschedule_requested"),
    ([YES, NO, CANCEL], "cancelled", "cancelled"),
    ([YES, QUESTION, ATTEND], "confirmed", "confirmed"),
    ([WRONG], "wrong_number", "wrong_number"),
    ([MACHINE], "voicemail", "voicemail"),
])
def test_reminder_script(language, answers, result, outcome):
    facts, state, lines, ended = conversation(language, "appointment_reminder", REMINDER_CONTEXT, answers)
    assert ended and state["result"] == result
    assert outcome_of(state)[0] == outcome
    if result == "wrong_number" or result == "voicemail":
        # nothing about the appointment is said before the identity check passes
        assert not any("Garcia" in line for line in lines)
    else:
        assert "Garcia" in lines[1] and facts.date_text in lines[1]
    if answers == [YES, QUESTION, ATTEND]:
        assert outcome_of(state)[1]["question"] == SAYINGS[language][QUESTION]
    summary = summarise(facts=facts, state=state)
    assert "Maria Lopez" in summary or result == "wrong_number" and "Maria Lopez" in summary


@pytest.mark.parametrize("language", LANGUAGES)
def test_follow_up_and_custom_scripts(language):
    _, state, lines, _ = conversation(language, "follow_up", FOLLOW_UP_CONTEXT, [YES, PROBLEM])
    assert "extraction" in lines[1]
    assert outcome_of(state) == ("question", {"result": "follow_up_problem", "identity_confirmed": True,
                                              "symptoms": SAYINGS[language][PROBLEM], "needs_callback": True})
    _, state, _, _ = conversation(language, "follow_up", FOLLOW_UP_CONTEXT, [YES, WELL])
    assert outcome_of(state)[0] == "confirmed"
    message = {"message": "Your lab results are ready for pickup."}
    _, state, lines, _ = conversation(language, "custom", message, [YES, NO_QUESTIONS])
    assert lines[1].startswith("Your lab results are ready") and state["result"] == "custom_done"
    _, state, _, _ = conversation(language, "custom", message, [YES, QUESTION])
    assert state["result"] == "question" and outcome_of(state)[1]["question"] == SAYINGS[language][QUESTION]


def test_unclear_answers_are_asked_again_then_the_call_ends_unresolved():
    facts = build_facts(purpose="appointment_confirmation", language="en", patient_name="Maria Lopez",
                        context=REMINDER_CONTEXT)
    policy, state = ScriptedPolicy(facts), {}
    policy.opening(state)
    policy.respond(state, "yes it's me")
    first = policy.respond(state, "the weather is lovely")
    assert first.text.startswith("Sorry, I didn't catch that.") and "attend" in first.text and not first.end_call
    assert not policy.respond(state, "purple elephants").end_call
    last = policy.respond(state, "banana")
    assert last.end_call and outcome_of(state) == ("failed", {"result": "unresolved", "identity_confirmed": True})
    assert summarise(facts=facts, state=state) == "The call with Maria Lopez ended without a clear answer."


def test_silence_prompts_once_then_hangs_up_and_max_length_says_goodbye():
    facts = build_facts(purpose="appointment_reminder", language="es", patient_name="Maria Lopez",
                        context=REMINDER_CONTEXT)
    policy, state = ScriptedPolicy(facts), {}
    policy.opening(state)
    prompt = policy.on_silence(state)
    assert prompt.text.startswith("¿Sigue ahí?") and "Hablo con Maria" in prompt.text and not prompt.end_call
    assert policy.on_silence(state).end_call and outcome_of(state)[0] == "no_answer"
    state = {}
    policy.opening(state)
    policy.respond(state, "Sí, soy yo")
    assert policy.on_max_length(state).end_call and outcome_of(state)[0] == "failed"


def test_dates_and_times_are_spoken_in_the_call_language():
    expected = {"en": ("May 20", "9:30 AM"), "es": ("20 de mayo de 2026", "9:30"), "de": ("20. Mai 2026", "09:30"),
                "fr": ("20 mai 2026", "09:30"), "it": ("20 maggio 2026", "09:30"), "pt": ("20 de maio de 2026", "09:30"),
                "ca": ("20 de maig del 2026", "9:30")}
    for language, (date_text, time_text) in expected.items():
        facts = build_facts(purpose="appointment_reminder", language=language, patient_name="Ana",
                            context=REMINDER_CONTEXT)
        assert (facts.date_text, facts.time_text) == (date_text, time_text), language
