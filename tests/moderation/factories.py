"""Stories in each state of review, made through the services the workspace uses.

Each builder returns the story as the database holds it afterwards. The reviewer who acts
for the builder is an account of its own, so a test's own accounts start with no claim and
no first approval of theirs.
"""

import datetime

from moderation import claims, decisions
from moderation.accounts import moderator_create
from moderation.models import Severity
from testimony.models import Story
from testimony.wall.publication import publish_due
from tests.moderation.conftest import screened

PHONE_TEXT = "He calls me from 8 701 555 12 34 every night and says he is coming back."
PHONE = (PHONE_TEXT.index("8 701"), PHONE_TEXT.index("8 701") + len("8 701 555 12 34"))


def reviewer(role: str = "moderator"):
    """A fresh confirmed account of the role, made by the command's service."""
    reviewer.count = getattr(reviewer, "count", 0) + 1
    made = moderator_create(username=f"factory-{role}-{reviewer.count}", role=role)
    made.device.confirmed = True
    made.device.save()
    return made.user


def _claimed(story: Story, user) -> Story:
    claims.claim_take(story_id=story.id, user=user)
    story.refresh_from_db()
    return story


def approve(story: Story, user, **kwargs) -> decisions.Decided:
    """Approve as a moderator does: claim the story, then approve the version she sees."""
    story = _claimed(story, user)
    return decisions.story_approve(story_id=story.id, user=user, version=story.version, **kwargs)


def pending(**kwargs) -> Story:
    return screened(**kwargs)


def held(**kwargs) -> Story:
    return screened(held=True, **kwargs)


def escalated(**kwargs) -> Story:
    by = reviewer()
    story = _claimed(screened(**kwargs), by)
    decisions.story_escalate(story_id=story.id, user=by, version=story.version)
    return Story.objects.get(id=story.id)


def second_review() -> Story:
    """A phone number left unredacted: the first approval waits for a lead's second one."""
    by = reviewer()
    story = _claimed(screened(PHONE_TEXT, findings=[("pii", "phone", Severity.HIGH, *PHONE)]), by)
    done = decisions.story_approve(story_id=story.id, user=by, version=story.version)
    assert done.second_review_pending
    return Story.objects.get(id=story.id)


def approved(**kwargs) -> Story:
    by = reviewer("lead")
    story = _claimed(screened(**kwargs), by)
    decisions.story_approve(story_id=story.id, user=by, version=story.version)
    return Story.objects.get(id=story.id)


def published(**kwargs) -> Story:
    story = approved(**kwargs)
    # Far enough past its time that the publisher does not wait for a batch.
    publish_due(now=story.publish_at + datetime.timedelta(days=1))
    return Story.objects.get(id=story.id)


STATES = {
    "pending": pending,
    "held": held,
    "escalated": escalated,
    "second review": second_review,
    "approved": approved,
    "published": published,
}


def in_state(state: str) -> Story:
    return STATES[state]()
