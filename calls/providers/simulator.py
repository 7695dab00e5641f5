"""The offline telephony provider: "dials" without a carrier.

The call then rings until a local client takes it — the simulator page, ``manage.py
agent_call_sim`` or a test — through :func:`calls.services.call_simulator_answer`, which plays the
carrier's part (answered by a human or a machine, busy, no answer). Unanswered calls become
no-answer after ``CALLS_RING_TIMEOUT_SECONDS`` (the ``dispatch_due_calls`` sweep).
"""

from __future__ import annotations

import uuid

from calls.providers.base import DialRequest, DialResult


class SimulatorTelephony:
    name = "simulator"

    def dial(self, request: DialRequest) -> DialResult:
        return DialResult(provider_call_sid="SIM" + uuid.uuid4().hex, status="ringing")

    def hangup(self, provider_call_sid: str) -> None:
        return None
