"""Claims: who reviews which story, in the cache only; the daily cap stops new claims."""

import time

import pytest
from django.core.cache import cache

from moderation import claims, decisions, errors
from testimony.models import Status, Story
from tests.moderation.factories import approve, screened

pytestmark = pytest.mark.django_db

NAME_TEXT = "My husband Serik Akhmetov beat me in front of our children."
NAME = (11, 25)  # "Serik Akhmetov"


def test_a_claimed_story_cannot_be_claimed_by_another(moderator, other_moderator):
    story = screened()
    claims.claim_take(story_id=story.id, user=moderator)
    with pytest.raises(errors.Conflict) as error:
        claims.claim_take(story_id=story.id, user=other_moderator)
    assert error.value.status == 409


def test_claiming_again_renews_ones_own_claim(moderator):
    story = screened()
    first = claims.claim_take(story_id=story.id, user=moderator)
    again = claims.claim_take(story_id=story.id, user=moderator)
    assert again.user_id == moderator.pk and again.since == first.since


def test_a_claim_expires_by_itself(moderator, other_moderator, settings):
    settings.CLAIM_SECONDS = 1
    story = screened()
    claims.claim_take(story_id=story.id, user=moderator)
    deadline = time.monotonic() + 10
    while claims.claim_of(story.id) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert claims.claim_take(story_id=story.id, user=other_moderator).user_id == other_moderator.pk


def test_skipping_returns_the_story_to_the_queue(moderator, other_moderator):
    story = screened()
    claims.claim_take(story_id=story.id, user=moderator)
    assert claims.claim_release(story_id=story.id, user=moderator)
    assert claims.claim_take(story_id=story.id, user=other_moderator)
    assert Story.objects.get(id=story.id).status == Status.PENDING


def test_renewing_anothers_claim_is_a_conflict(moderator, other_moderator):
    story = screened()
    claims.claim_take(story_id=story.id, user=moderator)
    with pytest.raises(errors.Conflict):
        claims.claim_renew(story_id=story.id, user=other_moderator)


def test_a_decided_story_keeps_no_claim(moderator, other_moderator):
    story = screened()
    approve(story, moderator)
    assert claims.claim_of(story.id) is None
    assert cache.get(f"claim:{story.id}") is None


def test_the_daily_cap_stops_new_claims(moderator, lead):
    from moderation.accounts import moderator_update

    moderator_update(user=moderator, actor=lead, daily_cap=2)
    for _ in range(2):
        story = screened()
        claims.claim_take(story_id=story.id, user=moderator)
        decisions.story_reject(
            story_id=story.id, user=moderator, version=story.version, reason="spam"
        )
    with pytest.raises(errors.Forbidden) as error:
        claims.claim_take(story_id=screened().id, user=moderator)
    assert error.value.code == "daily_cap"
