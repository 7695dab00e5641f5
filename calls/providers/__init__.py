"""Telephony providers of the call agent behind one small interface (see ``base.py``).

A registry maps names to dotted paths, imported on first use, so the Twilio SDK costs nothing for
clinics that only use the simulator.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

TELEPHONY_PROVIDERS: dict[str, str] = {
    "twilio": "calls.providers.twilio.TwilioVoiceProvider",
    "simulator": "calls.providers.simulator.SimulatorTelephony",
}


def telephony_provider_class(name: str):
    """The telephony adapter class registered as ``name``. Raises ``KeyError`` for unknown names."""
    return import_string(TELEPHONY_PROVIDERS[name])
