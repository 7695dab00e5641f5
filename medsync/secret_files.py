"""Settings from the environment or from files: ``<NAME>_FILE`` (Docker and Kubernetes secrets).

:class:`SecretFileEnv` is django-environ's ``FileAwareEnv`` (when ``DJANGO_SECRET_KEY_FILE`` is set,
``env("DJANGO_SECRET_KEY")`` returns that file's content) with one difference: the file's trailing line
break is dropped, since secret files are usually written with one (``echo key > file``) and a token with
a newline would never match. It applies to every variable settings read, so every secret
(``DJANGO_SECRET_KEY``, ``JWT_SECRET_KEY``, ``JWT_PRIVATE_KEY``, ``DATABASE_URL``, ``OPENAI_API_KEY``,
``DEEPGRAM_API_KEY``, ``TWILIO_AUTH_TOKEN``, ``METRICS_TOKEN``, ``MEDSYNC_FIELD_ENCRYPTION_KEYS``, ...)
can come from a file. ``<NAME>_FILE`` wins over ``<NAME>``; a missing file is an error at start-up.
"""

from __future__ import annotations

import re

import environ
from environ.fileaware_mapping import FileAwareMapping


class _StrippedFileAwareMapping(FileAwareMapping):
    def __getitem__(self, key):
        value = super().__getitem__(key)
        if f"{key}_FILE" in self.env and isinstance(value, str):
            return value.rstrip("\r\n")
        return value


class SecretFileEnv(environ.Env):
    """``environ.Env`` reading ``<NAME>_FILE`` files first (see the module docstring)."""

    ENVIRON = _StrippedFileAwareMapping()


_PEM = re.compile(r"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", re.DOTALL)


def pem_blocks(text: str) -> list[str]:
    """Every PEM block (``-----BEGIN ...-----`` to ``-----END ...-----``) in ``text``, in order."""
    return _PEM.findall(text or "")
