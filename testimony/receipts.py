"""Receipts: 80 random bits a person can keep, stored only as a keyed hash.

One secret, two ways to write it down:

- eight everyday words, from a list of 1,024 in each of Kazakh, Russian and English, shown as
  a shopping or to-do list (a note that says nothing to whoever looks at her phone);
- a code of 4 groups of 4 characters from Crockford's base32 alphabet (no I, L, O, U).

Word i of a list stands for the same 10 bits in every language (the lists are aligned: line
i is the same thing in kk, ru and en), so a receipt written in one language is checked on a
page in another, and the words and the code of one receipt hash to the same HMAC. Typing is
forgiven: case, spaces and punctuation; in the code 0/O and 1/I/L, and Cyrillic letters that
look like Latin ones; in the words Latin letters that look like Cyrillic ones, ё as е, and the
Kazakh letters typed as their Russian neighbours (ә а, ғ г, қ к, ң н, ө о, ұ ү у, һ х, і и).

Codes of the first format (4 groups of 5, 100 bits) stay valid: they hash as they always did.
"""

import hashlib
import hmac
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

NOT_FOUND = _("No story was found for this receipt. Please check it and try again.")
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS, GROUP_LEN = 4, 4  # 16 characters x 5 bits = 80 bits
OLD_GROUP_LEN = 5  # the first format: 20 characters, 100 bits
CODE_LENGTHS = (GROUPS * GROUP_LEN, GROUPS * OLD_GROUP_LEN)
BITS = GROUPS * GROUP_LEN * 5
WORD_LANGUAGES = ("kk", "ru", "en")
LIST_SIZE = 1024
WORD_COUNT = 8
WORD_BITS = int(math.log2(LIST_SIZE))
WORDS_DIR = Path(__file__).resolve().parent / "receipt_words"
assert WORD_COUNT * WORD_BITS == BITS  # the words and the code carry the same secret

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

# Words meet in one spelling: Kazakh letters as their Russian neighbours, ё as е, and the Latin
# letters that look like Cyrillic ones (in either case) as those. Only a key: never shown.
_WORD_FOLD = str.maketrans(
    {
        "ё": "е",
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "a": "а",
        "b": "в",
        "c": "с",
        "e": "е",
        "h": "н",
        "i": "и",
        "k": "к",
        "m": "м",
        "o": "о",
        "p": "р",
        "t": "т",
        "x": "х",
        "y": "у",
    }
)
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Digest:
    key_id: str
    value: str


def new_code() -> str:
    """A new receipt's code (its words are `words_of(code, language)`)."""
    return _code_of(secrets.randbits(BITS))


def _code_of(secret: int) -> str:
    length = GROUPS * GROUP_LEN
    chars = "".join(ALPHABET[(secret >> (5 * (length - 1 - i))) & 31] for i in range(length))
    return "-".join(chars[i : i + GROUP_LEN] for i in range(0, length, GROUP_LEN))


def words_of(code: str, language: str) -> list[str]:
    """The receipt's eight words in this language (English for a language without a list)."""
    canonical = _normalize_code(code)
    if canonical is None or len(canonical) != GROUPS * GROUP_LEN:
        raise ValueError("only a receipt of the current format has words")
    secret = 0
    for char in canonical:
        secret = secret << 5 | ALPHABET.index(char)
    words = word_list(language if language in WORD_LANGUAGES else "en")
    mask = LIST_SIZE - 1
    return [words[(secret >> (WORD_BITS * (WORD_COUNT - 1 - i))) & mask] for i in range(WORD_COUNT)]


@cache
def word_list(language: str) -> tuple[str, ...]:
    """The 1,024 words of one language, in index order (a line starting with # is a comment)."""
    lines = (WORDS_DIR / f"{language}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def fold_word(word: str) -> str:
    """The one spelling every way of typing a word meets in."""
    return unicodedata.normalize("NFKC", word).casefold().translate(_WORD_FOLD)


@cache
def _word_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for language in WORD_LANGUAGES:
        for position, word in enumerate(word_list(language)):
            index.setdefault(fold_word(word), position)
    return index


def _from_words(typed: str) -> str | None:
    tokens = _LETTERS.findall(typed)
    if len(tokens) != WORD_COUNT:
        return None
    index = _word_index()
    secret = 0
    for token in tokens:
        position = index.get(fold_word(token))
        if position is None:
            return None
        secret = secret << WORD_BITS | position
    return _code_of(secret).replace("-", "")


def _normalize_code(code: str) -> str | None:
    canonical = "".join(ch for ch in code.upper() if not ch.isspace() and ch not in "-–—_.")
    canonical = canonical.translate(_LOOKALIKES)
    if len(canonical) not in CODE_LENGTHS or any(ch not in ALPHABET for ch in canonical):
        return None
    return canonical


def normalize(receipt: str) -> str | None:
    """The canonical code of a typed receipt (its words or its code), or None if it is neither."""
    return _from_words(receipt) or _normalize_code(receipt)


def same(typed: str, shown: str) -> bool:
    """Whether what she typed back is the receipt she was shown (its words or its code)."""
    canonical = normalize(typed)
    return canonical is not None and hmac.compare_digest(canonical, normalize(shown) or "")


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


def candidates(receipt: str) -> list[Digest]:
    """Every hash the receipt could be stored under, one per key still in the key ring."""
    canonical = normalize(receipt)
    if canonical is None:
        return []
    return [
        Digest(key_id, _hash(secret, canonical)) for key_id, secret in _keys(settings.RECEIPT_KEYS)
    ]
