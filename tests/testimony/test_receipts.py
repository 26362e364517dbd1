import re

from django.test import override_settings

from testimony import receipts


def test_codes_carry_at_least_80_bits():
    code = receipts.new_code()
    assert re.fullmatch(r"[0-9A-Z]{5}(-[0-9A-Z]{5}){3}", code)
    bits = receipts.GROUPS * receipts.GROUP_LEN * (len(receipts.ALPHABET).bit_length() - 1)
    assert len(receipts.ALPHABET) == 32 and bits >= 80


def test_codes_are_random():
    assert len({receipts.new_code() for _ in range(1000)}) == 1000


def test_typing_variants_normalise_to_the_same_code():
    code = "AB1D0-KMH0P-CTX2Y-V9E3Z"
    canonical = receipts.normalize(code)
    for typed in [
        "ab1d0kmh0pctx2yv9e3z",
        " ab1d0 - kmh0p - ctx2y - v9e3z ",
        "AB1DO-KMHOP-CTX2Y-V9E3Z",  # letter O for zero
        "ABLD0-KMH0P-CTX2Y-V9E3Z",  # L for one
        "ABID0-KMH0P-CTX2Y-V9E3Z",  # I for one
        "АВ1D0-КМН0Р-СТХ2У-V9Е3Z",  # Cyrillic look-alikes
    ]:
        assert receipts.normalize(typed) == canonical, typed


def test_garbage_is_not_a_code():
    assert receipts.normalize("hello") is None
    assert receipts.normalize("AB1D0-KMH0P-CTX2Y-V9E3#") is None
    assert receipts.candidates("nonsense") == []


def test_stored_digest_is_keyed_and_not_the_code():
    code = receipts.new_code()
    stored = receipts.digest(code)
    assert receipts.normalize(code) not in stored.value
    assert len(stored.value) == 64
    with override_settings(RECEIPT_KEYS="k9:another-secret"):
        receipts._keys.cache_clear()
        assert receipts.digest(code).value != stored.value
        assert receipts.digest(code).key_id == "k9"
