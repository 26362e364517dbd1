"""Proof of work with ALTCHA: each story costs the sender's device a moment of computing.

A challenge is issued in ALTCHA's "deterministic" mode: the server picks a secret counter at
random below the difficulty and publishes half of the key it derives, so the browser tries
counters until it finds the rest (on average half the difficulty in SHA-256 hashes) while the
server checks an answer with one HMAC. Challenges carry no address and no session; they are
signed with a key derived from SECRET_KEY, expire after POW_CHALLENGE_SECONDS, and a solved
one is accepted once (its signature's hash is kept in the cache until it would expire anyway).
"""

import base64
import binascii
import hashlib
import secrets
import time
from dataclasses import dataclass

import altcha
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from testimony import jsonbody

ALGORITHM = "SHA-256"
# A payload is about 700 bytes; anything much larger is not one.
MAX_PAYLOAD_CHARS = 4096

MISSING = _(
    "Your browser needs to do a quick automatic check before sending. "
    "Your story is still here: please press “Send” again."
)
INVALID = _(
    "The automatic check did not work. Your story is still here: please press “Send” again."
)
REUSED = _(
    "This automatic check was already used. Your story is still here: please press “Send” again."
)
EXPIRED = _(
    "The automatic check took too long and ran out. "
    "Your story is still here: please press “Send” again."
)


class ProofRefused(Exception):
    def __init__(self, message, code: str):
        super().__init__(code)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Proof:
    # Solved at the raised difficulty (under flood, or for a rate key over its limit).
    raised: bool


def _secret(purpose: str) -> str:
    return hashlib.sha256(f"untold.pow.{purpose}\0{settings.SECRET_KEY}".encode()).hexdigest()


def difficulty(*, raised: bool) -> int:
    return settings.POW_MAX_NUMBER * (max(1, settings.POW_FLOOD_FACTOR) if raised else 1)


def challenge_issue(*, raised: bool) -> dict:
    """A fresh signed challenge, as the ALTCHA widget and API clients expect it."""
    challenge = altcha.create_challenge(
        ALGORITHM,
        cost=1,
        counter=secrets.randbelow(difficulty(raised=raised) + 1),
        expires_at=int(time.time()) + settings.POW_CHALLENGE_SECONDS,
        data={"raised": raised},
        hmac_secret=_secret("challenge"),
        hmac_key_secret=_secret("key"),
    )
    return challenge.to_dict()


def _decode(payload: str) -> dict:
    try:
        decoded = jsonbody.loads(base64.b64decode(payload, validate=False))
        parameters = decoded["challenge"]["parameters"]
        signature = decoded["challenge"]["signature"]
    # RecursionError: a payload under the size cap can still nest a few thousand levels deep.
    except (
        ValueError,
        KeyError,
        TypeError,
        binascii.Error,
        UnicodeDecodeError,
        RecursionError,
    ) as exc:
        raise ProofRefused(INVALID, "invalid") from exc
    if not isinstance(parameters, dict) or not isinstance(signature, str):
        raise ProofRefused(INVALID, "invalid")
    return decoded


def proof_verify(payload: str) -> Proof:
    """Check a solved challenge and spend it. Raises ProofRefused with a message for her."""
    if not isinstance(payload, str) or not payload.strip():
        raise ProofRefused(MISSING, "missing")
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise ProofRefused(INVALID, "invalid")
    decoded = _decode(payload.strip())
    result = altcha.verify_solution(
        payload.strip(), _secret("challenge"), hmac_key_secret=_secret("key")
    )
    if result.expired:
        raise ProofRefused(EXPIRED, "expired")
    if not result.verified:
        raise ProofRefused(INVALID, "invalid")
    parameters = decoded["challenge"]["parameters"]
    spent = "pow-spent:" + hashlib.sha256(decoded["challenge"]["signature"].encode()).hexdigest()
    remaining = int(parameters.get("expiresAt") or 0) - int(time.time())
    if not cache.add(spent, 1, timeout=max(1, remaining) + 5):
        raise ProofRefused(REUSED, "reused")
    data = parameters.get("data") or {}
    return Proof(raised=bool(isinstance(data, dict) and data.get("raised")))


def solve(challenge: dict) -> str:
    """Solve a challenge the way a browser would and return the payload (tests, API clients)."""
    parsed = altcha.Challenge.from_dict(challenge)
    solution = altcha.solve_challenge(parsed, timeout=120)
    if solution is None:
        raise TimeoutError("no solution found")
    return altcha.Payload(parsed, solution).to_base64()
