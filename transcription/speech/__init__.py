"""Audio decoding, speaker diarization and the transcription pipeline (no Django imports).

Modules: :mod:`.audio` (PyAV decoding to 16 kHz mono), :mod:`.voice_encoder` (torch-free
Resemblyzer d-vectors), :mod:`.diarization` (who spoke when), :mod:`.pipeline`
(``transcribe_file``).  Nothing heavy is imported here, so importing the package is cheap.
"""
