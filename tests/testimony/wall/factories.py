"""Wall test data, made through the services the product uses: an installation saved by the
wall's service, a story told through intake's submit and routed by screening's, approved by
the moderation service (with the walls and labels chosen) and published by the publisher.

A test that needs a story due at a given time gets it from the approval itself (its random
delay drawn as that time), not by writing `publish_at` behind the services' back.
"""

import datetime
import itertools
from unittest import mock

from django.test import override_settings
from django.utils import timezone

from moderation.decisions import story_approve
from testimony.models import Channel, Consent, Installation, Story
from testimony.services import story_mark_screened, story_submit
from testimony.wall.installations import installation_save
from testimony.wall.publication import publish_due
from tests.moderation.factories import claimed, reviewer

_numbers = itertools.count(1)


def installation(slug: str = "", **fields) -> Installation:
    n = next(_numbers)
    defaults = {"name": f"Station {n}", "on_web": True, "helplines": {"en": "Call 112."}}
    place = Installation(slug=slug or f"station-{n}", **{**defaults, **fields})
    return installation_save(installation=place)


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
    story = story_mark_screened(
        story=story, language=language, held=False, urgent=False, incomplete=False
    )
    return story, done.receipt


def approved(
    *,
    at: list[Installation],
    publish_at: datetime.datetime | None = None,
    labels: list[str] | None = None,
    redactions=(),
    **kwargs,
) -> Story:
    """Approved for these walls, with these redactions, due at `publish_at` (default: a
    second ago)."""
    story, receipt = submitted(**kwargs)
    due = publish_at or timezone.now() - datetime.timedelta(seconds=1)
    lead = reviewer("lead")
    story = claimed(story, lead)
    # The random delay is the publisher's own test's business: here it lands on `due`.
    with mock.patch("moderation.decisions.publish_time", return_value=due):
        story_approve(
            story_id=story.id,
            user=lead,
            version=story.version,
            labels=labels or [],
            installations=[place.pk for place in at],
            redactions=list(redactions),
        )
    story = Story.objects.get(id=story.id)
    story.receipt = receipt  # for tests that withdraw it; never stored
    return story


def published(*, on: datetime.date | None = None, **kwargs) -> Story:
    """Approved and published by the publisher, on `on` (default: today)."""
    if on is None:
        when = timezone.now()
    else:
        when = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    receipt = None
    story = approved(publish_at=when - datetime.timedelta(minutes=1), **kwargs)
    receipt = story.receipt
    with override_settings(WALL_MIN_BATCH=1):
        publish_due(now=when)
    story = Story.objects.get(id=story.id)
    story.receipt = receipt
    return story
