"""``python manage.py whatsapp_chat --clinic CLIENT_ID --phone +34612345678``: chat with the bot locally.

Talks to the same conversation engine, storage, slots endpoint and callbacks as WhatsApp, through
the local simulator instead of Twilio (nothing is sent to a carrier). Type messages at the
``you>`` prompt (empty line or Ctrl-D ends), or pass ``--message`` one or more times to script a
conversation.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from booking import selectors, services
from booking.models import Message, MessageDirection
from booking.phones import to_e164


class Command(BaseCommand):
    help = "Chat with a clinic's WhatsApp booking bot in the terminal (local simulator, no Twilio)."

    def add_arguments(self, parser):
        parser.add_argument("--clinic", required=True, help="Clinic client id, e.g. dental-plus.")
        parser.add_argument("--phone", required=True, help="The patient's number in E.164, e.g. +34612345678.")
        parser.add_argument("--name", default="", help="WhatsApp profile name of the simulated patient.")
        parser.add_argument("--message", "-m", action="append", default=None,
                            help="Send this message (repeatable) instead of reading from the terminal.")

    def handle(self, *args, clinic, phone, name, message, **options):
        found = selectors.clinic_by_client_id(clinic)
        if found is None:
            raise CommandError(f"No active clinic {clinic!r}")
        if to_e164(phone) is None:
            raise CommandError("--phone must be an international number in E.164, e.g. +34612345678")
        connection.set_tenant(found)
        config = selectors.bot_config_get()
        if config is None:
            raise CommandError(f"Clinic {clinic!r} has not configured its bot (POST /v1/whatsapp/configure)")
        # Conversations on the "simulator" channel are answered through the simulator, never Twilio.
        lines = message if message is not None else self._read_lines()
        for text in lines:
            self._say(phone=phone, text=text, profile_name=name)

    def _read_lines(self):
        interactive = sys.stdin.isatty()
        while True:
            if interactive:
                self.stdout.write("you> ", ending="")
                self.stdout.flush()
            line = sys.stdin.readline()
            if not line or (interactive and not line.strip()):
                return
            yield line.rstrip("\n")

    def _say(self, *, phone: str, text: str, profile_name: str) -> None:
        receipt = services.inbound_message_receive(sender=phone, body=text, profile_name=profile_name,
                                                   channel="simulator", dispatch=False)
        if receipt.reply:
            self.stdout.write(f"bot> {receipt.reply}")
            return
        if receipt.message_id is None:
            return
        outbound_ids = services.conversation_process_inbound(message_id=receipt.message_id)
        for reply in Message.objects.filter(pk__in=outbound_ids, direction=MessageDirection.OUTBOUND).order_by("id"):
            for i, line in enumerate(reply.body.splitlines() or [""]):
                self.stdout.write(("bot> " if i == 0 else "     ") + line)
