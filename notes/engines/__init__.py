"""Clinical note engines.

``OfflineNoteEngine`` (default, no network) and ``OpenAINoteEngine``
(imported lazily so the ``openai`` SDK is only loaded when used) implement the
``NoteEngine`` protocol from ``notes.engines.base``.
"""

from __future__ import annotations

from typing import Any

from notes.engines.base import (
    NoteEngine,
    NoteEngineError,
    NoteResult,
    Turn,
    render_markdown,
)
from notes.engines.offline import OfflineNoteEngine

__all__ = [
    "NoteEngine",
    "NoteEngineError",
    "NoteResult",
    "OfflineNoteEngine",
    "OpenAINoteEngine",
    "Turn",
    "render_markdown",
]


def __getattr__(name: str) -> Any:
    """Load ``OpenAINoteEngine`` on first access (PEP 562)."""
    if name == "OpenAINoteEngine":
        from notes.engines.openai_llm import OpenAINoteEngine

        return OpenAINoteEngine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
