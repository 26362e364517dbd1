"""Envelope encryption of every text a survivor or a moderator wrote (DESIGN.md invariant 10).

Each story has its own random 256-bit data key. Its texts (the story, the published text, the
moderators' notes) are sealed with AES-256-GCM under that key, with a fresh random nonce per
write and the story's id (and the column) as associated data: a ciphertext moved to another row
or column does not open. The data key is stored only wrapped by the epoch's key-encryption key,
which lives in the keystore (testimony.keystore), never in the database.

Code reads plain `str`: a `SealedTextField` opens its column on first access, and only then, so
a queue page or a count that never touches the text never decrypts anything. A story whose key
is gone (withdrawn, erased, or its epoch destroyed) reads as "" (erased); a ciphertext that does
not open under its own key reads as "" too, and `sealed_damaged(instance)` says so.
"""

import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import models
from django.db.models.query_utils import DeferredAttribute

NONCE = 12
VERSION = b"\x01"


class Sealed(bytes):
    """A column's ciphertext as read from the database, not opened yet."""


class SealingError(Exception):
    pass


# --- the primitives ---------------------------------------------------------------------------


def aad(story_id, column: str) -> bytes:
    return b"untold:" + column.encode() + b":" + uuid.UUID(str(story_id)).bytes


def seal(data_key: bytes, plaintext: str, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return VERSION + nonce + AESGCM(data_key).encrypt(nonce, plaintext.encode(), associated)


def open_sealed(data_key: bytes, sealed: bytes, associated: bytes) -> str:
    """Raises InvalidTag when the ciphertext was changed or belongs to another row."""
    if sealed[:1] != VERSION or len(sealed) < 1 + NONCE + 16:
        raise InvalidTag()
    nonce, body = sealed[1 : 1 + NONCE], sealed[1 + NONCE :]
    return AESGCM(data_key).decrypt(nonce, body, associated).decode()


def wrap(kek: bytes, data_key: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(kek).encrypt(nonce, data_key, associated)


def unwrap(kek: bytes, wrapped: bytes, associated: bytes) -> bytes:
    return AESGCM(kek).decrypt(wrapped[:NONCE], wrapped[NONCE:], associated)


def key_aad(story_id, epoch: int) -> bytes:
    return b"untold:key:" + str(epoch).encode() + b":" + uuid.UUID(str(story_id)).bytes


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


# --- the field --------------------------------------------------------------------------------


class SealedAttribute(DeferredAttribute):
    """Reads open the ciphertext (once per instance); writes keep plain text until save."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if not isinstance(value, Sealed):
            return value
        opened = instance.__dict__.setdefault("_sealed_opened", {})
        name = self.field.attname
        if name not in opened or opened[name][0] is not value:
            opened[name] = (value, _open_field(instance, self.field, value))
        return opened[name][1]

    def __set__(self, instance, value):
        if isinstance(value, memoryview):
            value = bytes(value)
        if isinstance(value, bytes) and not isinstance(value, Sealed):
            value = Sealed(value) if value else ""
        instance.__dict__[self.field.attname] = value


def _open_field(instance, field, value: Sealed) -> str:
    from testimony import keys

    story_id = getattr(instance, field.story_attr)
    data_key = keys.data_key_of(instance, story_id)
    if data_key is None:
        return ""  # the key was destroyed: erased
    try:
        return open_sealed(data_key, value, aad(story_id, field.column_label))
    except InvalidTag:
        instance.__dict__.setdefault("_sealed_damaged", set()).add(field.name)
        return ""


def sealed_damaged(instance) -> bool:
    """True if a sealed column of this instance, once read, did not open under its own key."""
    return bool(instance.__dict__.get("_sealed_damaged"))


class SealedTextField(models.BinaryField):
    """Text stored as AES-256-GCM ciphertext under its story's data key; reads as `str`.

    `story_attr` names the attribute holding the story's id ("pk" on Story, "story_id" on a
    row that belongs to a story). Empty text is stored empty (nothing to hide, and erasure
    stays a plain `update(text="")`).
    """

    descriptor_class = SealedAttribute

    def __init__(self, *args, story_attr: str = "story_id", **kwargs):
        self.story_attr = story_attr
        kwargs.setdefault("default", b"")
        kwargs.setdefault("blank", True)
        kwargs["editable"] = True
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["story_attr"] = self.story_attr
        kwargs.pop("editable", None)
        if kwargs.get("default") == b"":
            kwargs.pop("default")
        if kwargs.get("blank") is True:
            kwargs.pop("blank")
        return name, path, args, kwargs

    @property
    def column_label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None or len(value) == 0:
            return ""
        return Sealed(bytes(value))

    def to_python(self, value):
        if isinstance(value, (bytes, memoryview)) and not isinstance(value, Sealed):
            return Sealed(bytes(value)) if len(value) else ""
        return value

    def get_prep_value(self, value):
        if value is None or isinstance(value, Sealed):
            return value
        if value == "" or value == b"":
            return b""
        raise SealingError(
            f"{self.column_label} is sealed: no query can search it or write it (a query may "
            'only compare it with ""). Write it through the model\'s save(), which encrypts '
            "it under the story's key, and read it from the instance."
        )

    def get_lookup(self, lookup_name):
        # A pattern (startswith, contains, regex...) would be compared with ciphertext and
        # silently match nothing: refuse it as loudly as a search for a text.
        if lookup_name not in ("exact", "in", "isnull"):
            raise SealingError(
                f"{self.column_label} is sealed: no query can search it ({lookup_name}). Read "
                "the stories and look at their text instead."
            )
        return super().get_lookup(lookup_name)

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname, "")
        if isinstance(value, Sealed) or value in ("", b"", None):
            return value or b""
        from testimony import keys

        story_id = getattr(model_instance, self.story_attr)
        data_key = keys.data_key_for_write(
            model_instance, story_id, new=add and self.story_attr == "pk"
        )
        sealed = Sealed(seal(data_key, str(value), aad(story_id, self.column_label)))
        # The instance now holds what the database holds, and reads the same text back.
        model_instance.__dict__[self.attname] = sealed
        model_instance.__dict__.setdefault("_sealed_opened", {})[self.attname] = (sealed, value)
        return sealed

    def value_from_object(self, obj):
        return getattr(obj, self.attname)

    def value_to_string(self, obj):
        return self.value_from_object(obj)

    def formfield(self, **kwargs):
        return models.TextField().formfield(**kwargs)
