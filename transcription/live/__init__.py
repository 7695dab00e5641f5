"""Live transcription over WebSocket (``/ws/transcribe``, MediSync Live API seed).

Modules: :mod:`.base` (engine interface and events), :mod:`.audio_input` (decoding client frames),
:mod:`.monitor` (format, level and pace warnings), :mod:`.agreement` and :mod:`.speakers` (the
offline streaming algorithm), :mod:`.local_engine` (offline engine), :mod:`.engines` (engine choice
per clinic), :mod:`.auth` (handshake authentication), :mod:`.slots` (concurrent-session limit),
:mod:`.services` (storing a finished session), :mod:`.refine` (the batch transcript of a
finished session, optional), :mod:`.daphne` (HTTP 401 before the socket opens).
The consumer is :mod:`transcription.consumers`.
"""
