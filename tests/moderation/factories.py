"""Stories in each state of review, made through the services the workspace uses.

Each builder returns the story as the database holds it afterwards. The reviewer who acts
for the builder is an account of its own, so a test's own accounts start with no claim and
no first approval of theirs.
"""

import datetime

from moderation import claims, decisions
from moderation.accounts import moderator_create
from moderation.models import Finding, Severity, StorySignature
from testimony.models import Story
from testimony.services import story_mark_screened
from testimony.wall.publication import publish_due
from tests.testimony import factories as testimony_factories

PHONE_TEXT = "He calls me from 8 701 555 12 34 every night and says he is coming back."
PHONE = (PHONE_TEXT.index("8 701"), PHONE_TEXT.index("8 701") + len("8 701 555 12 34"))


def screened(
    text: str = "He shouted at me every night, and I was afraid to go back home.",
    *,
    findings=(),
    held: bool = False,
    urgent: bool = False,
    language: str = "en",
    cluster: str = "",
    region: str = "",
    consent: str = "wall",
    answers=None,
) -> Story:
    """A story as screening leaves it: findings recorded (offsets only), routed, waiting."""
    story = testimony_factories.received(text=text, region=region, consent=consent, answers=answers)
    for screener, kind, severity, start, end in findings:
        Finding.objects.create(
            story=story,
            screener=screener,
            kind=kind,
            severity=severity,
            start=start,
            end=end,
            detail=f"{screener} rule: {kind}",
        )
    if cluster:
        StorySignature.objects.create(story=story, minhash=b"", cluster=cluster)
    return story_mark_screened(
        story=story, language=language, held=held, urgent=urgent, incomplete=False
    )


def pii(kind: str, start: int, end: int, severity=Severity.HIGH):
    return ("pii", kind, severity, start, end)


def reviewer(role: str = "moderator"):
    """A fresh confirmed account of the role, made by the command's service."""
    reviewer.count = getattr(reviewer, "count", 0) + 1
    made = moderator_create(username=f"factory-{role}-{reviewer.count}", role=role)
    made.device.confirmed = True
    made.device.save()
    return made.user


def claimed(story: Story, user) -> Story:
    claims.claim_take(story_id=story.id, user=user)
    story.refresh_from_db()
    return story


def approve(story: Story, user, **kwargs) -> decisions.Decided:
    """Approve as a moderator does: claim the story, then approve the version she sees."""
    story = claimed(story, user)
    return decisions.story_approve(story_id=story.id, user=user, version=story.version, **kwargs)


def reject(story: Story, user, reason: str = "spam") -> decisions.Decided:
    """Reject as a moderator does: claim the story, then reject the version she sees."""
    story = claimed(story, user)
    return decisions.story_reject(
        story_id=story.id, user=user, version=story.version, reason=reason
    )


def unpublish(story: Story, reason: str = "other") -> decisions.Decided:
    """A lead takes a story off the wall, from the version she sees."""
    story = Story.objects.get(id=story.id)
    return decisions.story_unpublish(
        story_id=story.id, user=reviewer("lead"), version=story.version, reason=reason
    )


def pending(**kwargs) -> Story:
    return screened(**kwargs)


def held(**kwargs) -> Story:
    return screened(held=True, **kwargs)


def escalated(**kwargs) -> Story:
    by = reviewer()
    story = claimed(screened(**kwargs), by)
    decisions.story_escalate(story_id=story.id, user=by, version=story.version)
    return Story.objects.get(id=story.id)


def second_review() -> Story:
    """A phone number left unredacted: the first approval waits for a lead's second one."""
    by = reviewer()
    story = claimed(screened(PHONE_TEXT, findings=[("pii", "phone", Severity.HIGH, *PHONE)]), by)
    done = decisions.story_approve(story_id=story.id, user=by, version=story.version)
    assert done.second_review_pending
    return Story.objects.get(id=story.id)


def approved(**kwargs) -> Story:
    by = reviewer("lead")
    story = claimed(screened(**kwargs), by)
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
