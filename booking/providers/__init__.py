"""Outside services of the booking bot behind small interfaces (see ``base.py``).

A registry maps provider names to dotted paths, imported on first use, so an unused vendor SDK
costs nothing at start-up.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

MESSAGING_PROVIDERS: dict[str, str] = {
    "twilio": "booking.providers.twilio.TwilioWhatsAppProvider",
    "simulator": "booking.providers.simulator.SimulatorProvider",
}


def messaging_provider_class(name: str):
    """The messaging adapter class registered as ``name``.

    Raises:
        KeyError: unknown provider name.
    """
    return import_string(MESSAGING_PROVIDERS[name])
