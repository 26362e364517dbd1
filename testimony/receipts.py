"""Receipt codes: 100 random bits a person can write down, stored only as a keyed hash.

A code is 4 groups of 5 characters from Crockford's base32 alphabet (no I, L, O, U), so it
can be read out and typed back with mistakes forgiven: case, spaces and dashes are ignored,
0/O and 1/I/L are the same, and Cyrillic letters that look like Latin ones count as those.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.translation import gettext_lazy as _

NOT_FOUND = _("No story was found for this receipt code. Please check it and try again.")
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS, GROUP_LEN = 4, 5  # 20 characters x 5 bits = 100 bits of entropy

_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "I": "1",
        "L": "1",
        "U": "V",
        # Cyrillic capitals that look like Latin letters or digits
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "0",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "У": "Y",
        "З": "3",
        "Ү": "Y",
        "І": "1",
    }
)


@dataclass(frozen=True)
class Digest:
    key_id: str
    value: str


def new_code() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LEN))
    return "-".join(chars[i : i + GROUP_LEN] for i in range(0, len(chars), GROUP_LEN))


def normalize(code: str) -> str | None:
    """The canonical form of a typed code, or None if it cannot be one."""
    canonical = "".join(ch for ch in code.upper() if not ch.isspace() and ch not in "-–—_.")
    canonical = canonical.translate(_LOOKALIKES)
    if len(canonical) != GROUPS * GROUP_LEN or any(ch not in ALPHABET for ch in canonical):
        return None
    return canonical


@cache
def _keys(spec: str) -> list[tuple[str, bytes]]:
    keys = []
    for part in spec.split(","):
        key_id, sep, secret = part.strip().partition(":")
        if not sep or not key_id or not secret:
            raise ValueError("RECEIPT_KEYS must look like 'id:secret,id:secret'")
        keys.append((key_id, secret.encode()))
    return keys


def _hash(secret: bytes, canonical: str) -> str:
    return hmac.new(secret, canonical.encode(), hashlib.sha256).hexdigest()


def digest(code: str) -> Digest:
    """The keyed hash to store for a new code, under the current key."""
    canonical = normalize(code)
    if canonical is None:
        raise ValueError("not a receipt code")
    key_id, secret = _keys(settings.RECEIPT_KEYS)[0]
    return Digest(key_id, _hash(secret, canonical))


def candidates(code: str) -> list[Digest]:
    """Every hash the code could be stored under, one per key still in the key ring."""
    canonical = normalize(code)
    if canonical is None:
        return []
    return [
        Digest(key_id, _hash(secret, canonical)) for key_id, secret in _keys(settings.RECEIPT_KEYS)
    ]
