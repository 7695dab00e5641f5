"""Red-flag cue lexicons, one module per language (``en``, ``es``, ``ca``, ``fr``, ``pt``, ``de``, ``it``, ``ar``).

Each module defines:

* ``CUES``: cue id -> regular expressions over *normalized* text (lower case, accents and Arabic
  diacritics removed, see :func:`chatmed.emergency.text.normalize`). Cue ids are shared by all
  languages; the rules in :mod:`chatmed.emergency.rules` combine them.
* ``NEGATIONS``: words or phrases that negate a cue that follows them in the same clause.
* ``POST_NEGATIONS``: words that negate a cue that precedes them in the same clause.
* ``CLAUSE_BREAKS``: words that end a negation's scope ("but").
* ``CALL_EMERGENCY``: the action sentence, with ``{number}``.

Adding a language is adding one module here and its code to ``LANGUAGES``.
"""

LANGUAGES = ("en", "es", "ca", "fr", "pt", "de", "it", "ar")
