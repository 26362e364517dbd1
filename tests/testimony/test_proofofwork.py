"""Proof of work (testimony.proofofwork): what a challenge asks, what a solution must be, and
every way a payload is refused with the message she is shown."""

import base64
import json

import altcha
import pytest

from testimony import proofofwork
from testimony.proofofwork import ProofRefused, challenge_issue, proof_verify, solve
from tests.clock import Clock, local_cache


@pytest.fixture(autouse=True)
def _small_work(settings):
    # Quick to solve; the mechanism is the same at any difficulty.
    settings.POW_MAX_NUMBER = 40
    settings.POW_FLOOD_FACTOR = 10
    settings.POW_CHALLENGE_SECONDS = 600


def solved(*, raised: bool = False) -> str:
    return solve(challenge_issue(raised=raised))


def edited(payload: str, change) -> str:
    decoded = json.loads(base64.b64decode(payload))
    change(decoded)
    return base64.b64encode(json.dumps(decoded).encode()).decode()


def refusal(payload) -> ProofRefused:
    with pytest.raises(ProofRefused) as refused:
        proof_verify(payload)
    return refused.value


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# --- Issue and verify -------------------------------------------------------------------------


def test_a_solved_challenge_is_accepted():
    assert proof_verify(solved()) == proofofwork.Proof(raised=False)


def test_a_challenge_solved_at_the_raised_difficulty_is_marked_raised():
    assert proof_verify(solved(raised=True)).raised is True


def test_the_challenge_names_nothing_but_its_difficulty_and_expiry(monkeypatch):
    clock = Clock.install(monkeypatch)
    challenge = challenge_issue(raised=False)
    assert set(challenge) == {"parameters", "signature"}
    parameters = challenge["parameters"]
    assert parameters["data"] == {"raised": False}
    assert parameters["algorithm"] == "SHA-256"
    assert parameters["expiresAt"] == int(clock()) + 600


def test_the_raised_difficulty_is_the_flood_factor_times_the_calm_one(settings):
    assert proofofwork.difficulty(raised=False) == 40
    assert proofofwork.difficulty(raised=True) == 400


def test_a_flood_factor_below_one_never_makes_the_work_easier(settings):
    settings.POW_FLOOD_FACTOR = 0
    assert proofofwork.difficulty(raised=True) == proofofwork.difficulty(raised=False) == 40


@pytest.mark.parametrize("raised, work", [(False, 40), (True, 400)])
def test_the_secret_counter_can_be_anywhere_up_to_the_difficulty(monkeypatch, raised, work):
    """The worst case a sender meets: the counter she must find is the difficulty itself."""
    monkeypatch.setattr(proofofwork.secrets, "randbelow", lambda bound: bound - 1)
    challenge = altcha.Challenge.from_dict(challenge_issue(raised=raised))
    assert altcha.solve_challenge(challenge).counter == work


def test_two_challenges_are_never_the_same():
    first, second = challenge_issue(raised=False), challenge_issue(raised=False)
    assert first["signature"] != second["signature"]
    assert first["parameters"]["nonce"] != second["parameters"]["nonce"]


# --- Expiry -----------------------------------------------------------------------------------


def test_a_challenge_is_good_until_it_expires(monkeypatch):
    clock = Clock.install(monkeypatch)
    payload = solved()
    clock.advance(599)
    assert proof_verify(payload).raised is False


def test_an_expired_challenge_is_refused_as_ran_out(monkeypatch):
    clock = Clock.install(monkeypatch)
    payload = solved()
    clock.advance(601)
    refused = refusal(payload)
    assert refused.code == "expired" and refused.message == proofofwork.EXPIRED


def test_the_expiry_follows_the_setting(monkeypatch, settings):
    settings.POW_CHALLENGE_SECONDS = 30
    clock = Clock.install(monkeypatch)
    payload = solved()
    clock.advance(31)
    assert refusal(payload).code == "expired"


# --- Replay -----------------------------------------------------------------------------------


def test_a_solution_is_accepted_once():
    payload = solved()
    proof_verify(payload)
    refused = refusal(payload)
    assert refused.code == "reused" and refused.message == proofofwork.REUSED


def test_a_spent_solution_stays_refused_until_its_challenge_expires(monkeypatch):
    clock = Clock.install(monkeypatch)
    local_cache(monkeypatch, proofofwork)  # expires by the clock above, whatever the backend
    payload = solved()
    proof_verify(payload)
    clock.advance(599)
    assert refusal(payload).code == "reused"


def test_a_spent_solution_is_refused_after_expiry_too(monkeypatch):
    clock = Clock.install(monkeypatch)
    local_cache(monkeypatch, proofofwork)
    payload = solved()
    proof_verify(payload)
    clock.advance(3600)  # the spent mark is gone by now: the expiry still refuses it
    assert refusal(payload).code == "expired"


def test_surrounding_whitespace_does_not_make_a_spent_solution_new():
    payload = solved()
    proof_verify(payload)
    assert refusal(f"  {payload}\n").code == "reused"


def test_spending_one_solution_leaves_another_usable():
    first, second = solved(), solved()
    proof_verify(first)
    assert proof_verify(second).raised is False


# --- Tampering --------------------------------------------------------------------------------


def test_a_tampered_signature_is_refused():
    def flip(decoded):
        signature = decoded["challenge"]["signature"]
        decoded["challenge"]["signature"] = ("0" if signature[0] != "0" else "1") + signature[1:]

    refused = refusal(edited(solved(), flip))
    assert refused.code == "invalid" and refused.message == proofofwork.INVALID


def test_a_calm_challenge_cannot_be_passed_off_as_raised():
    def claim_raised(decoded):
        decoded["challenge"]["parameters"]["data"] = {"raised": True}

    assert refusal(edited(solved(), claim_raised)).code == "invalid"


def test_a_challenge_cannot_be_given_more_time():
    def extend(decoded):
        decoded["challenge"]["parameters"]["expiresAt"] += 86400

    assert refusal(edited(solved(), extend)).code == "invalid"


def test_a_wrong_derived_key_is_refused():
    def wrong_key(decoded):
        key = decoded["solution"]["derivedKey"]
        decoded["solution"]["derivedKey"] = ("0" if key[0] != "0" else "1") + key[1:]

    assert refusal(edited(solved(), wrong_key)).code == "invalid"


def test_a_challenge_signed_with_another_secret_is_refused():
    forged = altcha.create_challenge("SHA-256", 1, counter=3, hmac_secret="not-our-secret")
    assert refusal(solve(forged.to_dict())).code == "invalid"


def test_an_unsigned_challenge_is_refused():
    unsigned = altcha.create_challenge("SHA-256", 1, counter=3)
    assert refusal(solve(unsigned.to_dict())).code == "invalid"


def test_a_new_secret_key_refuses_challenges_issued_under_the_old_one(settings):
    payload = solved()
    settings.SECRET_KEY = settings.SECRET_KEY + "-rotated"
    assert refusal(payload).code == "invalid"


# --- Malformed payloads -----------------------------------------------------------------------


@pytest.mark.parametrize("payload", [None, "", "   \n", 12345, b"bytes", ["a list"]])
def test_a_missing_payload_asks_for_the_check(payload):
    refused = refusal(payload)
    assert refused.code == "missing" and refused.message == proofofwork.MISSING


def test_an_oversized_payload_is_refused_even_around_a_real_solution():
    def pad(decoded):
        decoded["padding"] = "x" * proofofwork.MAX_PAYLOAD_CHARS

    assert refusal(edited(solved(), pad)).code == "invalid"


def _with_valid_challenge(solution) -> str:
    challenge = challenge_issue(raised=False)
    return b64(json.dumps({"challenge": challenge, "solution": solution}).encode())


@pytest.mark.parametrize(
    "payload",
    [
        "not base64 at all!",
        "пароль",  # not ASCII
        b64(b"\xff\xfe\xfd"),  # not UTF-8
        b64(b"not json"),
        b64(b"{}"),
        b64(b"[]"),
        b64(b"null"),
        b64(b'"a string"'),
        b64(b'{"challenge": "x"}'),
        b64(b'{"challenge": {"parameters": [], "signature": "ab"}}'),
        b64(b'{"challenge": {"parameters": {}, "signature": 5}}'),
        b64(b'{"challenge": {"parameters": {}}}'),
        b64(b'{"challenge": {"parameters": {"algorithm": "SHA-256"}, "signature": "ab"}}'),
    ],
    ids=lambda payload: repr(payload)[:40],
)
def test_a_malformed_payload_is_refused_as_not_working(payload):
    refused = refusal(payload)
    assert refused.code == "invalid" and refused.message == proofofwork.INVALID


@pytest.mark.parametrize(
    "solution",
    [
        None,
        "a string",
        [],
        {},
        {"counter": 1},
        {"counter": 1, "derivedKey": None},
        {"counter": 1, "derivedKey": 7},
        {"counter": "1", "derivedKey": "zz"},
        {"counter": -1, "derivedKey": "abc"},
    ],
    ids=repr,
)
def test_a_real_challenge_with_a_malformed_solution_is_refused(solution):
    assert refusal(_with_valid_challenge(solution)).code == "invalid"


@pytest.mark.parametrize("nesting", [b"[" * 3000, b'{"":[' * 600, b"[" * 1500 + b"]" * 1500])
def test_a_deeply_nested_payload_is_refused_not_a_server_error(nesting):
    payload = b64(nesting)
    assert len(payload) <= proofofwork.MAX_PAYLOAD_CHARS
    assert refusal(payload).code == "invalid"
