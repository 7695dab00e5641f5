"""ICD-10-CM diagnosis suggestions from a visit's note and transcript.

``codes`` wraps the complete ICD-10-CM code set of the ``simple-icd-10-cm`` package (offline);
``offline`` is the deterministic matcher used without an LLM; ``notes.providers.openai_assistant``
holds the LLM adapter. Every suggested code is validated against the code set.
"""
