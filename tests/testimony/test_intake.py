"""Intake: one order of admission for every door (the tell form, the API, the kiosk).

The service is driven directly here, with each kind of refusal set up one at a time and in
pairs: whatever else is wrong, the earlier step of the order is the one she hears, and a
refused story leaves nothing behind.
"""

import itertools

import pytest

import testimony.sanitize
from testimony import abuse, proofofwork
from testimony.abuse import Caller
from testimony.intake import Door, Draft, Outcome, story_intake
from testimony.models import Channel, Story
from testimony.switches import switches_set
from tests.testimony.wall import factories as wall_factories

pytestmark = pytest.mark.django_db

STORY = "He took my passport and said I would never see my son again if I left."

# The order, earliest first, and how each refusal is provoked.
STEPS = ["closed", "refused_at_door", "invalid", "wait", "proof_refused", "rate_limited"]


def _arrange(faults: set[str], settings):
    settings.POW_ENABLED = True
    settings.INTAKE_GLOBAL_RATE_LIMIT = "off"
    settings.INTAKE_RATE_LIMIT = "0/h" if "rate_limited" in faults else "off"
    if "closed" in faults:
        switches_set(actor=None, intake_paused=True)
    draft = Draft(
        text="short" if "invalid" in faults else STORY,
        consent="wall",
        problem=("the form's own problem", 400) if "refused_at_door" in faults else None,
    )
    if "wait" in faults:
        proof, wait = "", 12  # no proof of work, and the form's time lock not over
    elif "proof_refused" in faults:
        proof, wait = "not a solution", 0
    else:
        proof = proofofwork.solve(proofofwork.challenge_issue(raised=False))
        wait = 0
    return draft, Door(
        channel=Channel.WEB, caller=Caller(rate_key="abcde"), proof=proof, time_lock_wait=wait
    )


@pytest.mark.parametrize(
    "faults", [{a} for a in STEPS] + [set(pair) for pair in itertools.combinations(STEPS, 2)]
)
def test_the_earliest_refusal_in_the_order_is_the_one_she_hears(settings, faults):
    draft, door = _arrange(faults, settings)
    answer = story_intake(draft=draft, door=door)
    first = min(faults, key=STEPS.index)
    assert answer.outcome == Outcome(first)
    assert not answer.accepted and not answer.receipt
    assert not Story.objects.exists()


def test_with_nothing_wrong_the_story_is_stored_as_cleaned(settings):
    draft, door = _arrange(set(), settings)
    draft = Draft(text=f"<b>{STORY}</b>", consent="wall")
    answer = story_intake(draft=draft, door=door)
    assert answer.accepted and answer.receipt
    assert Story.objects.get(id=answer.story_id).text == STORY


def test_the_text_is_cleaned_once(settings, monkeypatch):
    draft, door = _arrange(set(), settings)
    calls = []
    real = testimony.sanitize.plain_text
    monkeypatch.setattr(testimony.sanitize, "plain_text", lambda t: calls.append(t) or real(t))
    assert story_intake(draft=draft, door=door).accepted
    assert len(calls) == 1


def test_a_retried_submission_gets_the_first_receipt(settings):
    settings.POW_ENABLED = False
    door = Door(channel=Channel.API, caller=Caller(rate_key="abcde"), once_key="retry-1")
    first = story_intake(draft=Draft(text=STORY, consent="wall"), door=door)
    again = story_intake(draft=Draft(text=STORY, consent="wall"), door=door)
    assert first.receipt == again.receipt
    assert Story.objects.count() == 1


def test_a_refusal_is_not_remembered_as_the_answer(settings):
    """A retry after a rate-limit refusal is admitted anew, not answered from the cache."""
    settings.POW_ENABLED = False
    settings.INTAKE_RATE_LIMIT = "0/h"
    door = Door(channel=Channel.API, caller=Caller(rate_key="abcde"), once_key="retry-2")
    assert story_intake(draft=Draft(text=STORY, consent="wall"), door=door).outcome == (
        Outcome.RATE_LIMITED
    )
    settings.INTAKE_RATE_LIMIT = "off"
    assert story_intake(draft=Draft(text=STORY, consent="wall"), door=door).accepted


def test_the_api_needs_a_proof_where_the_form_has_its_time_lock(settings):
    settings.POW_ENABLED = True
    door = Door(channel=Channel.API, caller=Caller(rate_key="abcde"))
    answer = story_intake(draft=Draft(text=STORY, consent="wall"), door=door)
    assert answer.outcome == Outcome.PROOF_REFUSED


def test_the_form_without_javascript_is_admitted_once_its_time_lock_is_over(settings):
    settings.POW_ENABLED = True
    settings.INTAKE_RATE_LIMIT = settings.INTAKE_GLOBAL_RATE_LIMIT = "off"
    door = Door(channel=Channel.WEB, caller=Caller(rate_key="abcde"), time_lock_wait=0)
    answer = story_intake(draft=Draft(text=STORY, consent="wall"), door=door)
    assert answer.accepted
    assert Story.objects.get(id=answer.story_id).no_proof_of_work


def test_a_kiosk_has_its_own_limit_and_no_proof(settings):
    settings.POW_ENABLED = True
    settings.KIOSK_RATE_LIMIT = "1/h"
    place = wall_factories.installation()
    door = Door(channel=Channel.KIOSK, kiosk_device="device-1", told_at=place)
    first = story_intake(draft=Draft(text=STORY, consent="wall"), door=door)
    second = story_intake(draft=Draft(text=STORY, consent="wall"), door=door)
    assert first.accepted and Story.objects.get(id=first.story_id).told_at == place
    assert second.outcome == Outcome.RATE_LIMITED and second.message == abuse.TOO_MANY_TRIES


def test_an_onion_caller_skips_the_per_key_limit_not_the_global_one(settings):
    settings.POW_ENABLED = False
    settings.INTAKE_RATE_LIMIT = "0/h"
    onion = Door(channel=Channel.API, caller=Caller(rate_key="abcde", shared_address=True))
    assert story_intake(draft=Draft(text=STORY, consent="wall"), door=onion).accepted
    settings.INTAKE_GLOBAL_RATE_LIMIT = "0/h"
    assert story_intake(draft=Draft(text=STORY, consent="wall"), door=onion).outcome == (
        Outcome.BUSY
    )
