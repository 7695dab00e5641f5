"""Slot holds: two patients can never take the same slot."""

from __future__ import annotations

import threading
import time as time_module
from datetime import date, time, timedelta

import pytest
from django.db import connection, transaction

from booking.conversation.replies import t
from booking.models import Booking, Conversation, SlotHold
from booking.services import SlotTaken, slot_hold_acquire
from booking.slots import Slot

pytestmark = pytest.mark.django_db

SLOT = Slot(date=date(2026, 5, 21), time=time(9, 0), provider="Dr. Garcia")


def conversation(phone: str, now) -> Conversation:
    return Conversation.objects.create(phone=phone, last_activity_at=now)


def test_second_conversation_cannot_hold_a_held_slot(bot, clock):
    first, second = conversation("+34600000001", clock.current), conversation("+34600000002", clock.current)
    slot_hold_acquire(conversation=first, slot=SLOT)
    with pytest.raises(SlotTaken):
        slot_hold_acquire(conversation=second, slot=SLOT)
    # Re-acquiring one's own hold extends it.
    clock.advance(minutes=5)
    hold = slot_hold_acquire(conversation=first, slot=SLOT)
    assert hold.expires_at == clock.current + timedelta(minutes=10)
    assert SlotHold.objects.count() == 1


def test_an_expired_hold_is_taken_over(bot, clock):
    first, second = conversation("+34600000001", clock.current), conversation("+34600000002", clock.current)
    slot_hold_acquire(conversation=first, slot=SLOT)
    clock.advance(minutes=11)
    hold = slot_hold_acquire(conversation=second, slot=SLOT)
    assert hold.conversation == second and SlotHold.objects.count() == 1


def test_a_conversation_holds_one_slot_at_a_time(bot, clock):
    first = conversation("+34600000001", clock.current)
    slot_hold_acquire(conversation=first, slot=SLOT)
    other = Slot(date=SLOT.date, time=time(9, 30), provider="Dr. Garcia")
    slot_hold_acquire(conversation=first, slot=other)
    assert list(SlotHold.objects.values_list("time", flat=True)) == [time(9, 30)]


def test_a_slot_held_by_one_patient_is_not_offered_or_given_to_another(patient):
    ana, ben = patient("+34600000001"), patient("+34600000002")
    ana.say("Quiero una cita el jueves")
    ben.say("Quiero una cita el jueves")
    ana.say("1")  # Ana holds 09:00
    # Ben's list was shown before Ana picked; he picks the same slot and is told it was just taken.
    reply = ben.say("1")
    assert reply.startswith(t("slot_taken", "es"))
    assert "09:00" not in reply.split("\n\n", 1)[1]
    # A fresh search no longer offers it.
    carla = patient("+34600000003")
    assert "09:00" not in carla.say("Quiero una cita el jueves")
    ana.say("Ana Ruiz")
    ana.say("sí")
    assert Booking.objects.get().patient_name == "Ana Ruiz"


def test_double_booking_race_between_two_database_connections(bot, clinic, clock):
    """Two patients pick the same slot at the same moment, each in its own connection and transaction.

    Each thread has its own PostgreSQL connection (Django opens one per thread), so the two
    transactions really run concurrently; the winner keeps its transaction open a moment so the
    other one's insert has to wait on the unique index. Exactly one gets the slot.
    """
    schema = clinic.schema_name
    start = threading.Barrier(2)
    results: dict[str, str] = {}
    created: list[int] = []

    def contender(phone: str) -> None:
        try:
            connection.set_tenant(clinic)
            mine = Conversation.objects.create(phone=phone, last_activity_at=clock.current)  # committed
            created.append(mine.pk)
            start.wait(timeout=10)
            try:
                with transaction.atomic():
                    slot_hold_acquire(conversation=mine, slot=SLOT)
                    time_module.sleep(0.5)  # still in the transaction: the other insert must wait
                results[phone] = "held"
            except SlotTaken:
                results[phone] = "taken"
        except Exception as exc:  # surface thread errors in the assertion below
            results[phone] = f"error: {type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=contender, args=(phone,)) for phone in ("+34600000011", "+34600000012")]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(results.values()) == ["held", "taken"], results
    finally:
        # The threads committed; clean their rows up (holds go with their conversations).
        def cleanup() -> None:
            try:
                connection.set_schema(schema)
                Conversation.objects.filter(pk__in=created).delete()
            finally:
                connection.close()

        cleaner = threading.Thread(target=cleanup)
        cleaner.start()
        cleaner.join(timeout=30)
    assert not Conversation.objects.filter(pk__in=created).exists()
