"""Secrets at rest: model fields whose values are stored encrypted (Fernet, from ``cryptography``).

Used for secrets MedSync must be able to read back (so hashing is impossible): a clinic's Twilio auth
token and the secrets that sign its webhooks. API keys are different: they are only ever compared, so
they are stored as SHA-256 hashes (:func:`clinics.services.hash_api_key`).

Keys: ``MEDSYNC_FIELD_ENCRYPTION_KEYS`` = comma-separated Fernet keys (``Fernet.generate_key()``: 32
random bytes, URL-safe base64). The first key encrypts; every key decrypts (``MultiFernet``), so a key
is rotated by putting the new one first; values are re-encrypted with it when next saved, and the old
key stays listed while any stored value may still use it. Without the variable a key is derived from
``SECRET_KEY`` (SHA-256 of a fixed label + the secret): fine for one box, but then rotating
``SECRET_KEY`` needs the old derived key listed.

Stored form: ``fernet:<token>``. A value without the prefix is a legacy plain-text value (written before
encryption was introduced); it is read as is and encrypted on the next save (the migrations that
introduced these fields re-saved every row).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key (wrong or missing key)."""


def _derived_key(secret: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(b"medsync-field-encryption:" + secret.encode()).digest())


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    materials = [key.encode() for key in keys if key] or [_derived_key(secret_key)]
    return MultiFernet([Fernet(key) for key in materials])


def fernet() -> MultiFernet:
    """The ``MultiFernet`` of the configured keys (the first one encrypts)."""
    return _fernet(tuple(getattr(settings, "MEDSYNC_FIELD_ENCRYPTION_KEYS", ()) or ()), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    """``fernet:<token>`` of ``value`` ("" stays "": an unset secret is not a secret)."""
    if not value:
        return value
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    """The plain text of a stored value (legacy plain-text values are returned unchanged).

    Raises:
        DecryptionError: the value is encrypted with a key that is not configured.
    """
    if not stored or not stored.startswith(PREFIX):
        return stored
    try:
        return fernet().decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise DecryptionError("a stored secret cannot be decrypted: check MEDSYNC_FIELD_ENCRYPTION_KEYS") from None


class EncryptedTextField(models.TextField):
    """A secret string stored encrypted; Python code sees the plain text.

    ``max_length`` limits the plain text (forms and validation), not the stored column, which is
    ``text`` because the ciphertext is longer. Not usable in lookups (each encryption differs).
    """

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value is not None else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or (isinstance(value, str) and value.startswith(PREFIX)):
            return value
        return encrypt(value)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.CharField, "max_length": self.max_length,
                                    "widget": forms.PasswordInput(render_value=True), **kwargs})


def reencrypt_rows(apps, *, model: str, fields: tuple[str, ...]) -> None:
    """Migration step: re-save ``fields`` of every row of ``model`` ("app_label.ModelName"), so that
    plain-text secrets written before the field became an :class:`EncryptedTextField` are stored encrypted
    (old values are read as they are, see :func:`decrypt`)."""
    model_class = apps.get_model(model)
    for row in model_class.objects.all():
        model_class.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in fields})


def decrypt_rows(schema_editor, *, table: str, fields: tuple[str, ...]) -> None:
    """Migration step backwards: write ``fields`` of every row of ``table`` back as plain text."""
    columns = ", ".join(fields)
    assignments = ", ".join(f"{name} = %s" for name in fields)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {columns} FROM {table}")  # noqa: S608 - names come from the migration
        for pk, *values in cursor.fetchall():
            cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*(decrypt(v) for v in values), pk])
