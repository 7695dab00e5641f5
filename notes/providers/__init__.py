"""Adapters of the notes app to outside services (LLM chat and diagnosis coding).

Note *engines* (transcript -> note) live in ``notes.engines``.
"""
