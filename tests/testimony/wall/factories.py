"""Wall test data, made through the same services the product uses.

Approval belongs to moderation (issue 4); here a story is approved the way story_approve does
it: screened to pending, then approved with publish_at, the redacted text and its labels,
then shown at installations.
"""

import datetime
import itertools

from django.utils import timezone

from testimony.models import Channel, Consent, Installation, Status, Story
from testimony.services import story_submit, story_transition

_numbers = itertools.count(1)


def installation(slug: str = "", **fields) -> Installation:
    n = next(_numbers)
    defaults = {"name": f"Station {n}", "on_web": True, "helplines": {"en": "Call 112."}}
    return Installation.objects.create(slug=slug or f"station-{n}", **{**defaults, **fields})


def submitted(*, text: str = "", told_at: Installation | None = None, language: str = "en"):
    """(story, receipt): a story screened into the moderators' queue."""
    n = next(_numbers)
    done = story_submit(
        text=text or f"It happened at home for years, and I never said it aloud. Number {n}.",
        consent=Consent.WALL,
        channel=Channel.KIOSK if told_at else Channel.WEB,
        told_at=told_at,
    )
    story = Story.objects.get(id=done.story_id)
    story_transition(story=story, to=Status.PENDING, action="screened", language=language)
    return story, done.receipt


def approved(
    *,
    at: list[Installation],
    publish_at: datetime.datetime | None = None,
    labels: list[str] | None = None,
    published_text: str = "",
    **kwargs,
) -> Story:
    story, receipt = submitted(**kwargs)
    story.receipt = receipt  # for tests that withdraw it; never stored
    story_transition(
        story=story,
        to=Status.APPROVED,
        action="approved",
        publish_at=publish_at or timezone.now() - datetime.timedelta(seconds=1),
        published_text=published_text or f"[redacted] {story.text}",
        labels=labels or [],
    )
    story.installations.set(at)
    return story


def published(*, on: datetime.date | None = None, **kwargs) -> Story:
    """Approved and published at once (the publisher's own rules are tested on their own)."""
    story = approved(**kwargs)
    return story_transition(
        story=story,
        to=Status.PUBLISHED,
        action="published",
        publish_at=None,
        published_on=on or timezone.localdate(),
    )
