"""Speech-to-text engines behind one protocol (:class:`.base.SpeechToText`).

:mod:`.local_whisper` runs offline (faster-whisper + numpy diarization); :mod:`.deepgram`
calls Deepgram's API.  Importing this package imports neither engine's dependencies.
"""

from transcription.providers.base import (
    SpeechProviderError,
    SpeechToText,
    TranscriptionResult,
    Utterance,
    Word,
)

__all__ = ["SpeechProviderError", "SpeechToText", "TranscriptionResult", "Utterance", "Word"]
