"""Intake: the one way a story is admitted, whichever door it came through.

The tell form, the API and the kiosk each parse what they were sent into a `Draft` and a
`Door` (who knocks, with what proof), call `story_intake`, and render the `Intake` it
answers. The order of admission is decided here, once:

1. intake paused by a lead: closed, before anything else is looked at;
2. what the door found wrong while parsing (a forged or expired form, a field out of its
   choices), then the text itself: too short or too long once cleaned (it is cleaned once,
   here, and stored as cleaned);
3. the proof of work, or for the web form without JavaScript its time lock; a registered
   kiosk instead has a per-device limit;
4. the rate limits: per rate key (a shared onion address excepted) and for everyone;
5. idempotency: a retried submission gets the first one's receipt back;
6. testimony.services.story_submit.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from figures.questions import Answers
from testimony import abuse, idempotency, proofofwork, ratelimit, switches
from testimony.models import Channel, Installation
from testimony.sanitize import clean_story_text
from testimony.services import story_submit

CLOSED = _(
    "We are not taking new stories right now. Your story is still here and was not sent. "
    "Please come back later."
)

# Her own words for an empty form, on every door (the tell form, the API, the kiosk), instead of
# a framework's "This field is required."
EMPTY_STORY = _("Please write your story first.")
NO_CONSENT = _("Please choose who may read your story.")
UNKNOWN_CONSENT = _("Please choose one of the options for who may read your story.")
UNKNOWN_REGION = _("Please choose a region from the list, or leave it empty.")


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    CLOSED = "closed"  # intake paused
    REFUSED_AT_DOOR = "refused_at_door"  # what the door found while parsing
    INVALID = "invalid"  # the text: too short or too long
    WAIT = "wait"  # the form's time lock
    PROOF_REFUSED = "proof_refused"
    RATE_LIMITED = "rate_limited"
    BUSY = "busy"  # the global ceiling


@dataclass(frozen=True)
class Draft:
    """A story as a door parsed it. `problem` is whatever the door found wrong (its own
    object, handed back untouched in the answer)."""

    text: str
    consent: str
    region: str = ""
    problem: object = None
    answers: Answers | None = None  # her optional answers, parsed by the door (figures)


@dataclass(frozen=True)
class Door:
    channel: Channel
    caller: abuse.Caller | None = None  # None for a kiosk: a device, not a network
    proof: str = ""  # the solved challenge, if one came
    time_lock_wait: int = 0  # the web form without proof: seconds it must still wait
    once_key: str = ""  # idempotency: the form's token, or the API's Idempotency-Key
    kiosk_device: str = ""  # a kiosk's device id: its rate limit
    told_at: Installation | None = None  # a kiosk's installation: its screens hold the story


@dataclass(frozen=True)
class Intake:
    outcome: Outcome
    receipt: str = ""
    status: str = ""
    story_id: str = ""
    message: object = ""  # a refusal's words, in her language
    errors: dict = field(default_factory=dict)  # INVALID: field -> messages
    wait_seconds: int = 0
    problem: object = None  # REFUSED_AT_DOOR: the door's own problem
    text: str = ""  # the text as stored (ACCEPTED): for the page's answer, never kept

    @property
    def accepted(self) -> bool:
        return self.outcome == Outcome.ACCEPTED


class _Refused(Exception):
    def __init__(self, outcome: Outcome, message):
        super().__init__(outcome)
        self.outcome = outcome
        self.message = message


def story_intake(*, draft: Draft, door: Door) -> Intake:
    """Admit a story, or say why not. See the module's docstring for the order."""
    if switches.intake_paused():
        return Intake(Outcome.CLOSED, message=CLOSED)
    if draft.problem is not None:
        return Intake(Outcome.REFUSED_AT_DOOR, problem=draft.problem)
    try:
        text = clean_story_text(draft.text)
    except ValidationError as error:
        return Intake(Outcome.INVALID, errors={"text": error.messages}, message=error.messages[0])
    without_proof = door.channel == Channel.WEB and settings.POW_ENABLED and not door.proof
    if without_proof and door.time_lock_wait:
        return Intake(Outcome.WAIT, wait_seconds=door.time_lock_wait)

    def admit_and_submit() -> dict:
        _admit(door, without_proof=without_proof)
        done = story_submit(
            text=text,
            consent=draft.consent,
            region=draft.region,
            channel=door.channel,
            no_proof_of_work=without_proof,
            told_at=door.told_at,
            answers=draft.answers,
        )
        return {"receipt": done.receipt, "status": done.status, "story_id": done.story_id}

    try:
        if door.once_key:
            answer = idempotency.once(f"{door.channel}:{door.once_key}", admit_and_submit)
        else:
            answer = admit_and_submit()
    except _Refused as refused:
        return Intake(refused.outcome, message=refused.message)
    return Intake(Outcome.ACCEPTED, text=text, **answer)


def _admit(door: Door, *, without_proof: bool) -> None:
    """Steps 3 and 4: the proof (or the kiosk's own limit) and the rate limits."""
    if door.channel == Channel.KIOSK:
        if not ratelimit.hit("kiosk", door.kiosk_device, settings.KIOSK_RATE_LIMIT):
            raise _Refused(Outcome.RATE_LIMITED, abuse.TOO_MANY_TRIES)
        return
    try:
        proof = None if without_proof else abuse.proof_check(door.proof)
    except proofofwork.ProofRefused as refused:
        raise _Refused(Outcome.PROOF_REFUSED, refused.message) from refused
    try:
        abuse.intake_admit(caller=door.caller, proof=proof)
    except abuse.IntakeRefused as refused:
        outcome = Outcome.BUSY if refused.code == "busy" else Outcome.RATE_LIMITED
        raise _Refused(outcome, refused.message) from refused
