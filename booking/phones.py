"""Phone numbers in E.164 with ``phonenumbers`` (Google's libphonenumber)."""

from __future__ import annotations

import phonenumbers

WHATSAPP_PREFIX = "whatsapp:"


def to_e164(raw: str | None) -> str | None:
    """``"whatsapp:+34 612 34 56 78"`` or ``"+34612345678"`` → ``"+34612345678"``; ``None`` if invalid.

    Only international numbers (with ``+`` and country code) are accepted: WhatsApp always sends
    them that way, and without a country the number would be a guess.
    """
    if not raw:
        return None
    value = raw.strip()
    if value.lower().startswith(WHATSAPP_PREFIX):
        value = value[len(WHATSAPP_PREFIX):]
    if not value.startswith("+") or len(value) > 32:
        return None
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
