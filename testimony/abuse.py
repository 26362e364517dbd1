"""Abuse controls of the survivor-facing intake (web form and API) that keep no trace.

Everything here keys on `request.rate_key` (20 bits of an HMAC of the address, DESIGN.md
invariant 7) and lives only in the cache with a TTL of at most a day.

- A per-key limit (INTAKE_RATE_LIMIT) and a global ceiling (INTAKE_GLOBAL_RATE_LIMIT).
- Shared addresses are not locked out. A key over its limit is not refused when the story
  comes with a proof of work solved at the raised difficulty (the challenge endpoint hands
  those out to keys over their limit): one busy Tor exit or campus network costs each of its
  writers a few more seconds instead of shutting them all out. Requests to the onion service
  all arrive from the local Tor daemon, one address for every Tor user, so the per-key limit
  does not apply to them at all; the global ceiling, the proof of work and the time lock do.
- While more stories than POW_FLOOD_RATE arrive, every new challenge is harder.

The kiosk (a registered device) does not pass through here.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from testimony import proofofwork, ratelimit

SLOW_DOWN = _(
    "Many stories have been sent from your network in the last hour, so we have to pause "
    "for a while. Your story is still here and nothing was lost. Please try again later."
)
BUSY = _(
    "Very many stories are arriving right now. Your story is still here and nothing was lost. "
    "Please wait a little and press “Send” again."
)
TOO_MANY_TRIES = _("Too many tries for now. Please wait a while and try again.")
_KEY_SCOPE = "intake"
_ALL_SCOPE = "intake-all"
_FLOOD_SCOPE = "intake-flood"
_ALL = "all"


class IntakeRefused(Exception):
    def __init__(self, message, code: str):
        super().__init__(code)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Caller:
    """What abuse controls know of whoever sends a story: the coarse rate key, and whether
    the address is shared with every other user of the route (the onion service)."""

    rate_key: str
    shared_address: bool = False

    @classmethod
    def of(cls, request) -> "Caller":
        host = request.get_host().split(":", 1)[0].lower()
        return cls(rate_key=request.rate_key, shared_address=host.endswith(".onion"))


def _over(scope: str, key: str, rate: str) -> bool:
    limit = ratelimit.limit_of(rate)
    return limit is not None and ratelimit.count(scope, key, rate) >= limit


def under_flood() -> bool:
    return _over(_FLOOD_SCOPE, _ALL, settings.POW_FLOOD_RATE)


def key_over_limit(caller: Caller) -> bool:
    if caller.shared_address:
        return False
    return _over(_KEY_SCOPE, caller.rate_key, settings.INTAKE_RATE_LIMIT)


def challenge_for(caller: Caller) -> dict:
    """A proof-of-work challenge, harder under flood or for a key over its limit."""
    return proofofwork.challenge_issue(raised=under_flood() or key_over_limit(caller))


def intake_admit(*, caller: Caller, proof: proofofwork.Proof | None) -> None:
    """Count one story about to be stored, or raise IntakeRefused with a kind message.

    In order: the caller's key (not for a shared address; over its limit, a proof solved at the
    raised difficulty still passes), everyone together, the flood counter (which only counts).
    A refusal stops the count there. One round trip to Redis for all three."""
    hits = [
        ratelimit.Hit(_ALL_SCOPE, _ALL, settings.INTAKE_GLOBAL_RATE_LIMIT),
        ratelimit.Hit(_FLOOD_SCOPE, _ALL, settings.POW_FLOOD_RATE, refuses=False),
    ]
    if not caller.shared_address:
        raised = proof is not None and proof.raised
        hits.insert(
            0,
            ratelimit.Hit(_KEY_SCOPE, caller.rate_key, settings.INTAKE_RATE_LIMIT, not raised),
        )
    refused = ratelimit.hit_in_order(hits)
    if refused is None:
        return
    if hits[refused].scope == _KEY_SCOPE:
        raise IntakeRefused(SLOW_DOWN, "rate_limited")
    raise IntakeRefused(BUSY, "busy")


def receipt_lookup_allowed(caller: Caller) -> bool:
    """Count one receipt look-up (status or withdrawal); False once the key used them up."""
    return ratelimit.hit("receipt", caller.rate_key, settings.RECEIPT_LOOKUP_RATE_LIMIT)


def proof_check(payload: str | None) -> proofofwork.Proof | None:
    """The proof that came with a story; None when proof of work is off."""
    if not settings.POW_ENABLED:
        return None
    return proofofwork.proof_verify(payload or "")
