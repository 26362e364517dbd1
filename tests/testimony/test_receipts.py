import hashlib
import hmac
import math
import re

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from testimony import receipts
from tests.testimony import factories

LANGUAGES = receipts.WORD_LANGUAGES
secrets_80 = st.integers(min_value=0, max_value=2**receipts.BITS - 1)
# The typing slips a receipt must survive, each one a character-for-character rewrite.
KAZAKH_AS_RUSSIAN = str.maketrans("әғқңөұүһі", "агкноуухи")
KAZAKH_CAPITALS_AS_RUSSIAN = str.maketrans("ӘҒҚҢӨҰҮҺІ", "АГКНОУУХИ")
LATIN_LOOKALIKES = str.maketrans("асеокмнртху", "aceokmhptxy")


def _code(secret: int) -> str:
    return receipts._code_of(secret)


def test_the_code_carries_at_least_80_bits():
    code = receipts.new_code()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    bits = receipts.GROUPS * receipts.GROUP_LEN * math.log2(len(receipts.ALPHABET))
    assert len(set(receipts.ALPHABET)) == 32 and bits >= 80


def test_the_words_carry_at_least_80_bits_computed_from_the_lists():
    for language in LANGUAGES:
        distinct = {receipts.fold_word(word) for word in receipts.word_list(language)}
        bits = receipts.WORD_COUNT * math.log2(len(distinct))
        assert bits >= 80, language
    assert receipts.WORD_COUNT * receipts.WORD_BITS == receipts.BITS


def test_codes_are_random():
    assert len({receipts.new_code() for _ in range(1000)}) == 1000


@given(secret=secrets_80)
@settings(max_examples=300)
def test_words_and_code_are_two_writings_of_one_secret(secret):
    code = _code(secret)
    for language in LANGUAGES:
        words = receipts.words_of(code, language)
        assert len(words) == receipts.WORD_COUNT
        assert receipts.normalize(" ".join(words)) == receipts.normalize(code)


@given(secret=secrets_80, told=st.sampled_from(LANGUAGES), mixed=st.randoms())
@settings(max_examples=200)
def test_a_receipt_told_in_one_language_is_the_same_in_another(secret, told, mixed):
    code = _code(secret)
    same = receipts.normalize(" ".join(receipts.words_of(code, told)))
    # word by word from any of the lists: index i means the same 10 bits in each
    words = [
        receipts.words_of(code, mixed.choice(LANGUAGES))[i] for i in range(receipts.WORD_COUNT)
    ]
    assert receipts.normalize(" ".join(words)) == same


@given(
    secret=secrets_80,
    language=st.sampled_from(LANGUAGES),
    case=st.sampled_from([str.upper, str.lower, str.title, str.capitalize]),
    separator=st.sampled_from([" ", "  ", ", ", "\n", "; ", " - ", "\n• ", ". ", "\t"]),
    kazakh_as_russian=st.booleans(),
    latin_lookalikes=st.booleans(),
    yo_as_e=st.booleans(),
)
@settings(max_examples=400)
def test_typing_slips_in_the_words_are_forgiven(
    secret, language, case, separator, kazakh_as_russian, latin_lookalikes, yo_as_e
):
    code = _code(secret)
    words = receipts.words_of(code, language)
    typed = separator.join(case(word) for word in words)
    if kazakh_as_russian:
        typed = typed.translate(KAZAKH_AS_RUSSIAN).translate(
            str.maketrans("ӘҒҚҢӨҰҮҺІ", "АГКНОУУХИ")
        )
    if yo_as_e:
        typed = typed.replace("ё", "е").replace("Ё", "Е")
    if latin_lookalikes:
        typed = typed.translate(LATIN_LOOKALIKES)
    typed = f"  {typed}. "
    assert receipts.normalize(typed) == receipts.normalize(code), typed


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("қызанақ", "кызанак"),  # Kazakh letters as their Russian neighbours
        ("әмиян", "амиян"),
        ("шәйнек", "шайнек"),
        ("інжір", "инжир"),  # і as и
        ("ірімшік", "иримшик"),
        ("сағат", "сагат"),
        ("өрік", "орик"),
        ("тоңазытқыш", "тоназыткыш"),
        ("құмыра", "кумыра"),
        ("шүберек", "шуберек"),
        ("свёкла", "свекла"),  # ё as е
        ("мёд", "мед"),
        ("ЁЖ", "еж"),
        ("молоко", "мoлoкo"),  # Latin o typed for Cyrillic о
        ("СЕРЬГИ", "CEPЬГИ"),  # Latin capitals that look Cyrillic
        ("apple", "APPLE"),
        ("apple", "аррlе"),  # Cyrillic а, р, е in an English word
        ("сабақ", "CAБAK"),
    ],
)
def test_normalisation_cases(typed, meant):
    assert receipts.fold_word(typed) == receipts.fold_word(meant)


def test_a_word_receipt_verifies_against_the_stored_hash():
    code = receipts.new_code()
    stored = receipts.digest(code)
    for language in LANGUAGES:
        words = " ".join(receipts.words_of(code, language))
        assert receipts.candidates(words)[0] == stored


@override_settings(RECEIPT_KEYS="k2:new-secret,k1:old-secret")
def test_old_codes_still_verify():
    receipts._keys.cache_clear()
    # AB1D0-KMH0P-CTX2Y-V9E3Z: 4 groups of 5, the first format (100 bits). What it stored:
    # HMAC-SHA256 of the 20-character canonical code.
    stored = receipts.Digest(
        "k1", hmac.new(b"old-secret", b"AB1D0KMH0PCTX2YV9E3Z", hashlib.sha256).hexdigest()
    )
    for typed in [
        "ab1d0kmh0pctx2yv9e3z",
        " ab1d0 - kmh0p - ctx2y - v9e3z ",
        "AB1DO-KMHOP-CTX2Y-V9E3Z",  # letter O for zero
        "ABLD0-KMH0P-CTX2Y-V9E3Z",  # L for one
        "ABID0-KMH0P-CTX2Y-V9E3Z",  # I for one
        "АВ1D0-КМН0Р-СТХ2У-V9Е3Z",  # Cyrillic look-alikes
    ]:
        assert stored in receipts.candidates(typed), typed
    receipts._keys.cache_clear()


def test_typing_variants_of_a_new_code_normalise_to_it():
    code = "AB1D-KMH0-CTX2-V9E3"
    canonical = receipts.normalize(code)
    for typed in [
        "ab1dkmh0ctx2v9e3",
        " ab1d kmh0  ctx2-v9e3 ",
        "ABID-KMHO-CTX2-V9E3",
        "АВ1D-КМН0-СТХ2-V9Е3",
    ]:
        assert receipts.normalize(typed) == canonical, typed


@pytest.mark.parametrize(
    "typed",
    [
        "hello",
        "AB1D0-KMH0P-CTX2Y-V9E3#",
        "AB1D-KMH0-CTX2-V9E",  # one character short
        "apple pear grape cherry strawberry raspberry watermelon",  # seven words
        "apple pear grape cherry strawberry raspberry watermelon melon apricot",  # nine
        "apple pear grape cherry strawberry raspberry watermelon dragon",  # not a list word
    ],
)
def test_what_is_neither_words_nor_code_is_no_receipt(typed):
    assert receipts.normalize(typed) is None
    assert receipts.candidates(typed) == []


def test_same_tells_a_receipt_from_a_slip():
    code = receipts.new_code()
    words = receipts.words_of(code, "ru")
    assert receipts.same(" ".join(words).upper(), code)
    assert receipts.same(code.lower(), " ".join(receipts.words_of(code, "kk")))
    assert not receipts.same(" ".join(words[:-1] + [words[0]]), code) or words[-1] == words[0]
    assert not receipts.same(" ".join(reversed(words)), code) or words == words[::-1]
    assert not receipts.same("", code)


def test_stored_digest_is_keyed_and_not_the_receipt():
    code = receipts.new_code()
    stored = receipts.digest(code)
    assert receipts.normalize(code) not in stored.value
    assert len(stored.value) == 64
    with override_settings(RECEIPT_KEYS="k9:another-secret"):
        receipts._keys.cache_clear()
        assert receipts.digest(code).value != stored.value
        assert receipts.digest(code).key_id == "k9"
    receipts._keys.cache_clear()


@pytest.mark.django_db
def test_nothing_of_the_receipt_is_stored_in_plain(all_rows):
    done = factories.submitted()
    rows = all_rows()
    canonical = receipts.normalize(done.receipt)
    assert done.receipt not in rows and canonical not in rows
    for language in LANGUAGES:
        words = receipts.words_of(done.receipt, language)
        # the whole list, and any two of its words side by side
        assert " ".join(words) not in rows
        assert not any(f"{a} {b}" in rows for a, b in zip(words, words[1:], strict=False))
    secret = int("".join(f"{receipts.ALPHABET.index(c):05b}" for c in canonical), 2)
    assert str(secret) not in rows and f"{secret:x}" not in rows
