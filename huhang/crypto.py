"""Field-level encryption of personal data and secrets with SM4 (GB/T 32907-2016) in GCM mode.

A value is stored as `sm4gcm:v1:<key id>:<base64(nonce | ciphertext | tag)>`, with a random 12-byte nonce per write
and the header (`sm4gcm:v1:<key id>`) authenticated with the ciphertext, so a value moved to another key id or
altered in any way fails to decrypt instead of decrypting to rubbish. The empty value is stored empty: "no phone"
is not a secret, and `exclude(email="")` keeps working.

The keys come from the environment, `FIELD_ENCRYPTION_KEYS`: comma-separated `id:base64key` entries of 16-byte SM4
keys. The first encrypts; every listed key decrypts, so a new key is put first, `manage.py rotate_field_keys`
re-encrypts every value under it, and the old key is then removed.

A ciphertext is different at every write, so the database cannot compare, search or sort these columns: the fields
refuse every lookup but `isnull` and `exact` with the empty value, rather than silently find nothing.

This module is shared ground: it imports no app.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact

SCHEME = "sm4gcm"
VERSION = "v1"
PREFIX = f"{SCHEME}:{VERSION}:"
KEY_BYTES = 16  # SM4 has 128-bit keys only
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
# The fixed key of test.py and local.py: published in the source, so production refuses it (production.py).
DEVELOPMENT_KEY_ENTRY = "dev:aHVoYW5nLWRldi1rZXkhIQ=="


class FieldDecryptionError(Exception):
    """A stored value that the configured keys cannot open: its key is missing, or it was altered.

    Never a silent empty value: a missing key must stop the page, not show a unit without its contacts' phones.
    """


@dataclass(frozen=True)
class FieldKey:
    id: str
    key: bytes

    def __repr__(self) -> str:  # never the key itself in a log or a traceback
        return f"FieldKey({self.id!r})"


def parse_keys(entries: list[str] | tuple[str, ...]) -> tuple[FieldKey, ...]:
    """The keys of `FIELD_ENCRYPTION_KEYS`, in order; ImproperlyConfigured names what is wrong (never the key)."""
    keys: list[FieldKey] = []
    for entry in entries:
        key_id, _colon, encoded = entry.strip().partition(":")
        if not KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS: each entry is id:base64key, the id 1-16 letters, digits, - or _."
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: the key {key_id!r} must be {KEY_BYTES} bytes (SM4), base64-encoded."
            )
        if any(known.id == key_id for known in keys):
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: the key id {key_id!r} appears twice.")
        keys.append(FieldKey(key_id, key))
    return tuple(keys)


def refuse_development_key(keys: tuple[FieldKey, ...]) -> None:
    development = parse_keys([DEVELOPMENT_KEY_ENTRY])[0].key
    if any(key.key == development for key in keys):
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds the development key, which is published: not in production."
        )


@cache
def _keys_of(entries: tuple[str, ...]) -> tuple[FieldKey, ...]:
    return parse_keys(entries)


def configured_keys() -> tuple[FieldKey, ...]:
    """The keys of the current settings (read at each call, so that a test can change them)."""
    entries = getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or ()
    keys = _keys_of(tuple(entries))
    if not keys:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS: personal data is stored encrypted (huhang/crypto.py).")
    return keys


def current_key_id() -> str:
    return configured_keys()[0].id


def generate_key_entry(key_id: str) -> str:
    """A new `id:base64key` entry (`manage.py rotate_field_keys --new-key ID`)."""
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def key_id_of(stored: str) -> str:
    return stored[len(PREFIX) :].partition(":")[0]


@cache
def _algorithm(key: FieldKey) -> algorithms.SM4:
    # The key's algorithm object checks the key once; only the mode (its nonce) is new at every value.
    return algorithms.SM4(key.key)


@cache
def _header(key: FieldKey) -> tuple[str, bytes]:
    header = f"{PREFIX}{key.id}"
    return header, header.encode()


def encrypt(clear: str) -> str:
    """`clear` under the current key; the empty value stays empty."""
    if clear == "":
        return ""
    key = configured_keys()[0]
    header, associated = _header(key)
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(_algorithm(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(associated)
    ciphertext = encryptor.update(clear.encode()) + encryptor.finalize()
    return f"{header}:{base64.b64encode(nonce + ciphertext + encryptor.tag).decode()}"


class Sealed(str):
    """A clear value that carries the ciphertext it was stored as, for a record and its history row written together
    (huhang/bulk.py's callers): both store the one ciphertext instead of encrypting the value twice. That a record
    equals its own history copy is public anyway (the history row is written with the record); two records never
    share a ciphertext, since each value is sealed, with its own nonce, for one record.

    It is the clear string everywhere else (comparison, masking, validators)."""

    __slots__ = ("key", "stored")
    key: FieldKey
    stored: str

    def __new__(cls, clear: str, key: FieldKey, stored: str) -> Sealed:
        value = super().__new__(cls, clear)
        value.key, value.stored = key, stored
        return value


def seal(clear: Any) -> Any:
    """`clear` as a Sealed value, encrypted now under the current key; the empty value (and None) stays as it is."""
    if not isinstance(clear, str) or clear == "" or type(clear) is Sealed:
        return clear
    return Sealed(clear, configured_keys()[0], encrypt(clear))


def unseal(value: Any) -> Any:
    """A Sealed value as the plain clear string again; any other value as it is."""
    return str(value) if type(value) is Sealed else value


def _stored(value: str) -> str:
    """What an encrypted column stores for a value: a Sealed value's own ciphertext while its key is still the
    current one (a key rotated since the seal encrypts again), any other value encrypted now."""
    if type(value) is Sealed and value.key == configured_keys()[0]:
        return value.stored
    return encrypt(str(value))


def decrypt(stored: str) -> str:
    """The clear value of a stored one; FieldDecryptionError if no configured key opens it."""
    if stored == "":
        return ""
    if not is_encrypted(stored):
        # A clear value in an encrypted column: a data migration was skipped, or someone wrote around the field.
        raise FieldDecryptionError("An encrypted column holds a value that is not encrypted.")
    key_id, _colon, payload = stored[len(PREFIX) :].partition(":")
    key = next((key for key in configured_keys() if key.id == key_id), None)
    if key is None:
        raise FieldDecryptionError(f"No key {key_id!r} in FIELD_ENCRYPTION_KEYS to decrypt a stored value.")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as error:
        raise FieldDecryptionError(f"A value encrypted under key {key_id!r} is damaged.") from error
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise FieldDecryptionError(f"A value encrypted under key {key_id!r} is damaged.")
    nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key.key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(f"{PREFIX}{key_id}".encode())
    try:
        clear = decryptor.update(ciphertext) + decryptor.finalize()
    except InvalidTag as error:
        raise FieldDecryptionError(
            f"A value encrypted under key {key_id!r} does not open with that key: wrong key, or the value was altered."
        ) from error
    return clear.decode()


class EmptyOnlyExact(Exact):
    """`field=""` (no value) works; `field="138…"` cannot, since every write has its own nonce."""

    def get_prep_lookup(self):
        if self.rhs_is_direct_value() and self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: it can only be compared "
                "with the empty value. Compare in Python, or add a blind index."
            )
        return super().get_prep_lookup()


class EncryptedFieldMixin:
    """Encrypts on the way to the database and decrypts on the way back. Validators, `max_length` and the form
    field are those of the clear value; the column is text, which holds any ciphertext length."""

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection) -> str | None:
        return models.TextField().db_type(connection)

    def cast_db_type(self, connection) -> str | None:
        return models.TextField().cast_db_type(connection)

    def from_db_value(self, value: str | None, expression, connection) -> str | None:
        return value if value is None else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return _stored(value)

    def get_lookup(self, lookup_name: str):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return EmptyOnlyExact
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: the database cannot search it ({lookup_name})."
        )

    def get_transform(self, lookup_name: str):
        return None  # no lower(), no trim(): the database sees only ciphertext


class EncryptedCharField(EncryptedFieldMixin, models.CharField):
    pass


class EncryptedEmailField(EncryptedFieldMixin, models.EmailField):
    pass


class EncryptedURLField(EncryptedFieldMixin, models.URLField):
    pass


def encrypted_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedFieldMixin)]


def encrypted_models() -> list[tuple[type[models.Model], list[models.Field]]]:
    """Every installed model (historical copies included) with its encrypted fields."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if fields and not model._meta.proxy and model._meta.managed:
            found.append((model, fields))
    return found


def migrate_columns(schema_editor, model: type[models.Model], columns: list[str], *, forwards: bool) -> int:
    """Encrypts (`forwards`) or decrypts the values of `columns` of the migration's `model` in place, for a data
    migration; returns how many rows changed. Raw SQL, because the migration's model already decrypts on read.
    Values already in the target form are left, so an interrupted migration can run again."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        # B608 waived: identifiers from the model's meta, quoted; no value is interpolated.
        cursor.execute(f"SELECT {pk}, {', '.join(quote(c) for c in columns)} FROM {table}")  # noqa: S608  # nosec B608
        rows = cursor.fetchall()
    changed = 0
    for row_id, *values in rows:
        updates = {}
        for column, value in zip(columns, values, strict=True):
            if not value:
                continue
            if forwards and not is_encrypted(value):
                updates[column] = encrypt(value)
            elif not forwards and is_encrypted(value):
                updates[column] = decrypt(value)
        if updates:
            assignments = ", ".join(f"{quote(column)} = %s" for column in updates)
            with connection.cursor() as cursor:
                # B608 waived: identifiers from the model's meta, quoted; the values are query parameters.
                cursor.execute(
                    f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608  # nosec B608
                    [*updates.values(), row_id],
                )
            changed += 1
    return changed


def encrypting_migration(*models_and_columns: tuple[str, list[str]]):
    """The RunPython pair of a data migration that encrypts (and, reversed, decrypts) the given columns:
    `encrypting_migration(("units.UnitContact", ["phone", "email"]), ...)`."""

    def run(apps, schema_editor, *, forwards: bool) -> None:
        for label, columns in models_and_columns:
            migrate_columns(schema_editor, apps.get_model(label), columns, forwards=forwards)

    def forwards(apps, schema_editor):
        run(apps, schema_editor, forwards=True)

    def backwards(apps, schema_editor):
        run(apps, schema_editor, forwards=False)

    return forwards, backwards


@checks.register(checks.Tags.security)
def check_field_encryption_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The portal does not start without a usable key (production.py also refuses an unset variable)."""
    try:
        configured_keys()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="huhang.E101")]
    return []
