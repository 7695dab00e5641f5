"""Whole WhatsApp conversations, offline (rule-based understanding), against a real local clinic server.

Time is frozen on Monday 18 May 2026, 08:00 in Madrid (the clinic's time zone), so "mañana" is
Tuesday 19 May and "dijous" Thursday 21 May.
"""

from __future__ import annotations

import json
import logging

import pytest

from booking import signing
from booking.conversation.replies import t
from booking.models import Booking, BookingStatus, Conversation, ConversationOutcome, SlotHold
from clinics.models import Service, UsageRecord

pytestmark = pytest.mark.django_db

SEED_KEYS = ["patient_name", "patient_phone", "date", "time", "provider", "language", "status",
             "conversation_summary"]

# language, greeting, booking request, expected slots request date, offered options, pick, picked
# (time, provider), name, yes, a phrase every bot reply in that language contains at the greeting.
FLOWS = [
    ("en", "Hi", "I'd like to book an appointment next Tuesday", "2026-05-19",
     ["09:00 – Dr. Garcia", "09:30 – Dr. Garcia", "10:00 – Dr. Lopez", "12:30 – Dr. Garcia", "16:00 – Dr. Lopez",
      "17:30 – Dr. Garcia"], "the second one", ("09:30", "Dr. Garcia"), "John Smith", "yes", "How can I help you?"),
    ("es", "Hola", "Quiero una cita mañana por la tarde", "2026-05-19",
     ["12:30 – Dr. Garcia", "16:00 – Dr. Lopez", "17:30 – Dr. Garcia"], "2", ("16:00", "Dr. Lopez"), "María López",
     "Sí", "¿En qué puedo ayudarte?"),
    ("ca", "Bon dia", "Vull una cita dijous a les 10", "2026-05-21",
     ["09:00 – Dr. Garcia", "10:00 – Dr. Lopez", "12:30 – Dr. Garcia"], "la de les 10", ("10:00", "Dr. Lopez"),
     "Jordi Puig i Soler", "Sí, correcte", "En què et puc ajudar?"),
    ("fr", "Bonjour", "Je voudrais prendre rendez-vous demain après-midi", "2026-05-19",
     ["12:30 – Dr. Garcia", "16:00 – Dr. Lopez", "17:30 – Dr. Garcia"], "la deuxième", ("16:00", "Dr. Lopez"),
     "Claire Martin", "oui", "Comment puis-je vous aider ?"),
    ("pt", "Olá", "Queria marcar uma consulta na sexta-feira de manhã", "2026-05-22",
     ["09:00 – Dr. Garcia", "09:30 – Dr. Garcia", "10:00 – Dr. Lopez"], "a primeira", ("09:00", "Dr. Garcia"),
     "João Silva", "sim", "Como posso ajudar?"),
    ("de", "Guten Tag", "Ich möchte einen Termin am Donnerstag um 10 Uhr", "2026-05-21",
     ["09:00 – Dr. Garcia", "10:00 – Dr. Lopez", "12:30 – Dr. Garcia"], "die dritte", ("10:00", "Dr. Lopez"),
     "Anna Müller", "ja", "Wie kann ich helfen?"),
    ("it", "Buongiorno", "Vorrei prenotare un appuntamento domani pomeriggio", "2026-05-19",
     ["12:30 – Dr. Garcia", "16:00 – Dr. Lopez", "17:30 – Dr. Garcia"], "la prima", ("12:30", "Dr. Garcia"),
     "Giulia Rossi", "sì", "Come posso aiutarti?"),
]


@pytest.mark.parametrize(
    "language,greeting,request_text,asked_date,options,pick,picked,name,yes,help_phrase", FLOWS,
    ids=[flow[0] for flow in FLOWS],
)
def test_full_booking_in_each_language(patient, clinic_server, bot, clinic, language, greeting, request_text,
                                       asked_date, options, pick, picked, name, yes, help_phrase):
    p = patient("+34612345678")

    reply = p.say(greeting)
    assert "Clínica Sonrisa" in reply and help_phrase in reply

    reply = p.say(request_text)
    assert [r["date"] for r in clinic_server.slot_requests] == [asked_date]
    lines = reply.splitlines()
    offered = [line.split(". ", 1)[1] for line in lines if line[:1].isdigit()]
    for option in options:
        assert option in offered
    assert len(offered) <= 6
    assert [int(line.split(".")[0]) for line in lines if line[:1].isdigit()] == list(range(1, len(offered) + 1))
    assert lines[-1] == t("slots_choose", language)

    reply = p.say(pick)
    assert picked[0] in reply and picked[1] in reply
    assert reply.endswith(t("ask_name", language, date="X", time="Y", provider="Z").rsplit("Z. ", 1)[1])

    reply = p.say(name)
    assert name in reply and picked[0] in reply

    reply = p.say(yes)
    assert picked[0] in reply
    assert reply.startswith(t("booked", language, date="D", time="T", provider="P").split(" ")[0])

    conversation = Conversation.objects.get(phone="+34612345678")
    assert conversation.language == language
    assert conversation.outcome == ConversationOutcome.BOOKED
    booking = Booking.objects.get()
    assert (booking.date.isoformat(), booking.time.strftime("%H:%M"), booking.provider) == (asked_date, *picked)
    assert booking.status == BookingStatus.PENDING_REVIEW and booking.patient_name == name

    # The clinic received exactly the seed's payload, signed with its secret.
    (callback,) = clinic_server.received()
    assert callback["path"] == "/callback"
    payload = json.loads(callback["body"])
    assert list(payload) == SEED_KEYS + ["booking_id"]
    assert payload == {
        "patient_name": name, "patient_phone": "+34612345678", "date": asked_date, "time": picked[0],
        "provider": picked[1], "language": language, "status": "pending_review",
        "conversation_summary": booking.conversation_summary, "booking_id": str(booking.id),
    }
    assert picked[0] in payload["conversation_summary"] and picked[1] in payload["conversation_summary"]
    headers = callback["headers"]
    assert signing.verify(secret=bot.callback_secret, body=callback["body"],
                          timestamp=headers[signing.TIMESTAMP_HEADER], signature=headers[signing.SIGNATURE_HEADER],
                          now=int(headers[signing.TIMESTAMP_HEADER]))
    assert headers[signing.EVENT_TYPE_HEADER] == "appointment.created"

    # Every patient message was metered as a WhatsApp request of this clinic.
    assert UsageRecord.objects.filter(clinic=clinic, service=Service.WHATSAPP).count() == 5


def test_replies_follow_the_language_and_keep_it(patient):
    p = patient()
    assert p.say("Hola") == t("greeting", "es", clinic="Clínica Sonrisa")
    p.say("Quiero una cita el jueves")
    # Short answers (a number, a name) never change the conversation's language.
    assert "¿Cuál es el nombre completo del paciente?" in p.say("1")
    assert "¿Es correcto? (sí/no)" in p.say("Ana Torres")
    assert Conversation.objects.get().language == "es"


def test_a_clear_message_in_another_language_switches(patient):
    p = patient()
    p.say("Hola")  # Spanish or Catalan: the detector picks one
    reply = p.say("Vull demanar hora per dijous a les 10, si us plau")
    assert "Aquestes són les hores disponibles el dijous 21 de maig" in reply
    assert Conversation.objects.get().language == "ca"


def test_no_slots_that_day_offers_the_next_day(patient, clinic_server):
    clinic_server.slots["2026-05-19"] = []
    reply = patient().say("I need an appointment tomorrow")
    assert reply.startswith("There are no free times on Tuesday, May 19. The next available day is Wednesday, May 20:")
    assert [r["date"] for r in clinic_server.slot_requests] == ["2026-05-19", "2026-05-20"]


def test_weekend_request_moves_to_monday(patient, clinic_server):
    reply = patient().say("Quiero cita el sábado")
    assert "El próximo día disponible es el lunes 25 de mayo" in reply


def test_no_slots_in_the_whole_lookahead(patient, clinic_server, settings):
    settings.WHATSAPP_SLOTS_LOOKAHEAD_DAYS = 3
    for day in ("2026-05-19", "2026-05-20", "2026-05-21"):
        clinic_server.slots[day] = []
    reply = patient().say("Termin morgen bitte")
    assert reply == t("no_slots", "de", start="Dienstag, 19. Mai", end="Donnerstag, 21. Mai")
    assert len(clinic_server.slot_requests) == 3


def test_today_only_offers_times_still_ahead(patient, clinic_server, clock):
    clock.advance(hours=3, minutes=30)  # 11:30 in Madrid
    reply = patient().say("Do you have anything today?")
    offered = [line for line in reply.splitlines() if line[:1].isdigit()]
    assert offered == ["1. 12:30 – Dr. Garcia", "2. 16:00 – Dr. Lopez", "3. 17:30 – Dr. Garcia"]


def test_asks_for_a_day_and_understands_asap(patient, clinic_server):
    p = patient()
    assert p.say("Quiero pedir cita") == t("ask_date", "es")
    reply = p.say("lo antes posible")
    assert "lunes 18 de mayo" in reply  # today, the hours still ahead (09:00 onwards at 08:00)
    assert clinic_server.slot_requests[0]["date"] == "2026-05-18"


def test_date_in_the_past_and_not_understood(patient):
    p = patient()
    p.say("I want to book an appointment")
    assert p.say("yesterday") == t("date_in_past", "en")
    assert p.say("blorp") == t("date_not_understood", "en")


def test_choice_out_of_range_and_in_words(patient):
    p = patient()
    p.say("Vorrei un appuntamento giovedì mattina")
    assert p.say("7") == t("choice_not_understood", "it", n=3)
    assert "10:00" in p.say("la terza")


def test_patient_changes_the_day_while_choosing(patient, clinic_server):
    p = patient()
    p.say("Ich brauche einen Termin morgen")
    reply = p.say("lieber am Freitag")
    assert "Freitag, 22. Mai" in reply
    assert [r["date"] for r in clinic_server.slot_requests] == ["2026-05-19", "2026-05-22"]


def test_name_is_asked_again_when_wrong(patient):
    p = patient()
    p.say("Book me in on Thursday")
    p.say("1")
    assert p.say("123") == t("name_invalid", "en")
    p.say("Jon Smith")
    assert p.say("no") == t("ask_name", "en", date="Thursday, May 21", time="09:00", provider="Dr. Garcia")
    assert "John Smith" in p.say("My name is John Smith")
    assert "has been sent to the clinic" in p.say("yes")
    assert Booking.objects.get().patient_name == "John Smith"


def test_returning_patient_is_offered_the_known_name(patient):
    p = patient()
    for text in ("Cita el jueves", "1", "María López", "sí"):
        p.say(text)
    reply = p.say("Quiero otra cita el viernes")
    assert "viernes 22 de mayo" in reply
    assert "¿La cita es para María López?" in p.say("2")
    assert "María López" in p.say("sí")
    p.say("sí")
    assert Booking.objects.filter(patient_name="María López").count() == 2


def test_questions_about_the_clinic(patient):
    p = patient()
    hours = p.say("Quin horari teniu?")
    assert hours.startswith("El nostre horari:") and "Dilluns: 09:00–14:00, 16:00–20:00" in hours
    assert "Dissabte: tancat" in hours
    services = patient("+34600000001").say("Welche Leistungen bieten Sie an?")
    assert services == "Wir bieten an: Dental cleaning, Orthodontics, Implants."
    assert patient("+34600000002").say("¿Hay aparcamiento cerca?") == "Sí, aparcamiento gratuito detrás de la clínica."
    assert patient("+34600000003").say("Is there parking nearby?") == "Yes, free parking behind the clinic."
    assert Conversation.objects.get(phone="+34612345678").outcome == ConversationOutcome.INFORMATION


def test_question_in_the_middle_of_a_booking_is_answered_then_the_flow_resumes(patient):
    p = patient()
    p.say("Je voudrais un rendez-vous jeudi")
    reply = p.say("Quels sont vos horaires ?")
    assert reply.startswith("Nos horaires :")
    assert "Voici les horaires disponibles le jeudi 21 mai :" in reply  # options shown again
    assert "09:00" in p.say("1")


def test_small_talk(patient):
    p = patient()
    assert p.say("Olá, tudo bem?") == t("greeting", "pt", clinic="Clínica Sonrisa")
    assert p.say("obrigado") == t("thanks", "pt")
    assert p.say("tchau") == t("bye", "pt")
    q = patient("+34600000009")
    assert q.say("Ciao, come stai?") == t("greeting", "it", clinic="Clínica Sonrisa")
    assert q.say("come va?") == t("how_are_you", "it")


def test_gibberish_and_media(patient, caplog):
    p = patient()
    with caplog.at_level(logging.INFO, logger="medsync.booking"):
        assert p.say("asdkjh qwe zzkx") == t("help", "en")  # no language shown: clinic default
        assert p.say("", media_count=1) == t("media_unsupported", "en")
    assert "message not understood" in caplog.text and "media message without text" in caplog.text
    assert "asdkjh" not in caplog.text
    q = patient("+34600000004")
    q.say("Buenos días")
    assert q.say("", media_count=2) == t("media_unsupported", "es")


def test_stop_in_the_middle_releases_the_hold(patient):
    p = patient()
    p.say("Quiero una cita el jueves")
    p.say("1")
    assert SlotHold.objects.count() == 1
    assert p.say("déjalo") == t("flow_stopped", "es")
    assert SlotHold.objects.count() == 0 and not Booking.objects.exists()


def test_cancel_an_appointment(patient, clinic_server):
    p = patient()
    for text in ("Hola, quiero una cita el jueves", "1", "Laura Gómez", "sí"):
        p.say(text)
    assert p.say("Quiero cancelar mi cita") == t(
        "confirm_cancel", "es", date="jueves 21 de mayo", time="09:00", provider="Dr. Garcia")
    assert p.say("sí") == t("cancelled", "es", date="jueves 21 de mayo", time="09:00", provider="Dr. Garcia")
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CANCELLED
    assert Conversation.objects.get().outcome == ConversationOutcome.CANCELLED
    created, cancelled = clinic_server.received()
    assert (created["path"], cancelled["path"]) == ("/callback", "/cancellations")
    payload = json.loads(cancelled["body"])
    assert list(payload) == SEED_KEYS + ["booking_id"] and payload["status"] == "cancelled"
    assert payload["booking_id"] == json.loads(created["body"])["booking_id"] == str(booking.id)
    assert cancelled["headers"][signing.EVENT_TYPE_HEADER] == "appointment.cancelled"
    assert cancelled["headers"][signing.EVENT_ID_HEADER] != created["headers"][signing.EVENT_ID_HEADER]
    # The slot is free again for someone else.
    assert "09:00 – Dr. Garcia" in patient("+34600000005").say("Quiero una cita el jueves")


def test_without_a_cancellation_url_cancellations_are_not_sent(patient, clinic, clinic_server):
    from tests.booking.conftest import configure_bot

    configure_bot(clinic, clinic_server, cancellation_callback_url="")
    p = patient()
    for text in ("Hola, quiero una cita el jueves", "1", "Laura Gómez", "sí", "Quiero cancelar mi cita", "sí"):
        p.say(text)
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    (created,) = clinic_server.received()  # the seed's receiver never sees a second "appointment"
    assert json.loads(created["body"])["status"] == "pending_review"


def test_cancel_keeps_appointment_on_no_and_handles_none(patient):
    p = patient()
    assert p.say("I need to cancel my appointment") == t("no_bookings", "en")
    for text in ("Book Thursday", "1", "Ann Lee", "yes"):
        p.say(text)
    p.say("please cancel my booking")
    assert p.say("no") == t("cancel_kept", "en")
    assert Booking.objects.get().status == BookingStatus.PENDING_REVIEW


def test_cancel_with_several_bookings_asks_which(patient):
    p = patient()
    for text in ("Book Thursday", "1", "Ann Lee", "yes", "Book Friday", "2", "yes", "yes"):
        p.say(text)
    reply = p.say("cancel my appointment")
    assert reply.splitlines() == ["Which appointment? Reply with its number:",
                                  "1. Thursday, May 21 09:00 – Dr. Garcia", "2. Friday, May 22 09:30 – Dr. Garcia"]
    assert "Friday, May 22" in p.say("2")
    p.say("yes")
    assert list(Booking.objects.order_by("date").values_list("status", flat=True)) == ["pending_review", "cancelled"]


def test_reschedule(patient, clinic_server):
    p = patient()
    for text in ("Cita el jueves", "1", "Pau Vidal", "sí"):
        p.say(text)
    reply = p.say("Necesito cambiar la cita")
    assert reply == t("reschedule_which_day", "es", date="jueves 21 de mayo", time="09:00", provider="Dr. Garcia")
    assert "viernes 22 de mayo" in p.say("el viernes por la tarde")
    assert "¿La cita es para Pau Vidal?" in p.say("1")
    p.say("sí")
    assert p.say("sí") == t("rescheduled", "es", date="viernes 22 de mayo", time="12:30", provider="Dr. Garcia")
    old, new = Booking.objects.order_by("date")
    assert old.status == BookingStatus.CANCELLED and new.status == BookingStatus.PENDING_REVIEW
    assert new.rescheduled_from_id == old.id
    assert "2026-05-21" in new.conversation_summary  # mentions the appointment it replaces
    received = clinic_server.received()
    events = [(c["headers"][signing.EVENT_TYPE_HEADER], c["path"]) for c in received]
    assert events == [("appointment.created", "/callback"), ("appointment.created", "/callback"),
                      ("appointment.rescheduled", "/cancellations")]
    moved = json.loads(received[2]["body"])
    assert moved["status"] == "cancelled" and moved["booking_id"] == str(old.id)
    assert moved["rescheduled_to_booking_id"] == str(new.id)
    assert json.loads(received[1]["body"])["booking_id"] == str(new.id)
    assert Conversation.objects.get().outcome == ConversationOutcome.RESCHEDULED


@pytest.mark.parametrize("mode,reason", [("error", "http_503"), ("malformed", "invalid_json"),
                                         ("wrong_shape", "invalid_document"), ("slow", "timeout")])
def test_slots_endpoint_failures_get_a_polite_reply(patient, clinic_server, settings, caplog, mode, reason):
    settings.WHATSAPP_SLOTS_TIMEOUT_SECONDS = 0.3
    clinic_server.slots_mode = mode
    clinic_server.slow_seconds = 1.0
    p = patient()
    with caplog.at_level(logging.INFO):
        reply = p.say("Quiero una cita mañana")
    assert reply == t("slots_unavailable", "es")
    expected_attempts = 1 if mode in ("malformed", "wrong_shape") else 2  # only transient errors are retried
    assert len(clinic_server.slot_requests) == expected_attempts
    assert any(reason in record.getMessage() for record in caplog.records)
    text = caplog.text
    assert "+34612345678" not in text and "mañana" not in text and "cita" not in text
    # When the clinic's server is back, the patient can carry on.
    clinic_server.slots_mode = "ok"
    assert "martes 19 de mayo" in p.say("mañana")


def test_slots_endpoint_down(patient, bot, closed_port_url, caplog):
    bot.slots_endpoint_url = closed_port_url + "/slots"
    bot.save()
    with caplog.at_level(logging.WARNING):
        assert patient().say("Termin am Montag") == t("slots_unavailable", "de")
    assert "connection_error" in caplog.text


def test_invalid_slot_items_are_dropped(patient, clinic_server):
    clinic_server.slots["2026-05-19"] = [
        {"time": "25:00", "provider": "Dr. Bad"}, {"time": "11:00"}, "nonsense", {"time": "11:15", "provider": ""},
        {"time": "11:30", "provider": "Dr. Good"}, {"time": "11:30", "provider": "Dr. Good"},
    ]
    reply = patient().say("appointment tomorrow please")
    assert [line for line in reply.splitlines() if line[:1].isdigit()] == ["1. 11:30 – Dr. Good"]


def test_at_most_six_options_closest_to_the_asked_time(patient, clinic_server):
    clinic_server.slots["2026-05-19"] = [{"time": f"{h:02d}:00", "provider": "Dr. Garcia"} for h in range(8, 20)]
    reply = patient().say("tomorrow at 3pm")
    offered = [line.split(". ", 1)[1] for line in reply.splitlines() if line[:1].isdigit()]
    assert offered == [f"{h}:00 – Dr. Garcia" for h in (12, 13, 14, 15, 16, 17)]


def test_idle_conversation_starts_over(patient, clock):
    p = patient()
    p.say("Quiero una cita el jueves")
    p.say("1")
    clock.advance(hours=25)
    assert p.say("Hola") == t("greeting", "es", clinic="Clínica Sonrisa")
    first, second = Conversation.objects.order_by("id")
    assert first.outcome == ConversationOutcome.ABANDONED and second.outcome == ConversationOutcome.IN_PROGRESS
    assert SlotHold.objects.count() == 0


def test_logs_never_contain_patient_data(patient, clinic_server, caplog):
    p = patient("+34699111222")
    with caplog.at_level(logging.DEBUG):
        for text in ("Hola, soy Berta", "Quiero una cita el jueves", "1", "Berta Ferrer Casals", "sí",
                     "cancelar mi cita", "sí"):
            p.say(text)
    assert len(clinic_server.received()) == 2
    for secret in ("+34699111222", "699111222", "Berta", "Ferrer", "jueves"):
        assert secret not in caplog.text
