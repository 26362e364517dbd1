import datetime

import pytest
from django.utils import timezone

from config.celery import app
from testimony.models import AuditEvent, Consent, Status, Story
from testimony.retention import erase_expired
from tests.moderation import factories as moderation_factories

pytestmark = pytest.mark.django_db


def story_in(status: str, *, consent=Consent.WALL, days_ago: int = 31) -> Story:
    """A story in review state `status` through the real services, received `days_ago` ago
    (the one thing set by hand: no service moves a story back in time)."""
    story = moderation_factories.pending(consent=consent)
    if status == Status.APPROVED:
        moderation_factories.approve(story, moderation_factories.reviewer("lead"))
    elif status == Status.REJECTED:
        moderation_factories.reject(story, moderation_factories.reviewer())
    Story.objects.filter(id=story.id).update(
        received_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )
    return Story.objects.get(id=story.id)


def test_rejected_and_decided_private_stories_are_erased_after_retention():
    rejected = story_in(Status.REJECTED)
    private = story_in(Status.APPROVED, consent=Consent.PRIVATE)
    assert erase_expired() == 2
    for story in (rejected, private):
        story.refresh_from_db()
        assert story.text == "" and story.published_text == ""
    assert rejected.status == Status.REJECTED and private.status == Status.APPROVED
    assert AuditEvent.objects.filter(action="erased", reason="retention").count() == 2
    assert erase_expired() == 0  # nothing left: a second run changes nothing


def test_stories_within_retention_or_still_in_review_are_kept():
    young = story_in(Status.REJECTED, days_ago=29)
    waiting = story_in(Status.PENDING, days_ago=90)
    scheduled = story_in(Status.APPROVED)  # a wall story waiting for publication
    assert erase_expired() == 0
    for story in (young, waiting, scheduled):
        story.refresh_from_db()
        assert story.text


def test_the_retention_period_is_configurable(settings):
    settings.RETENTION_DAYS = 7
    story = story_in(Status.REJECTED, days_ago=8)
    assert erase_expired() == 1
    story.refresh_from_db()
    assert story.text == ""


def test_retention_runs_periodically():
    entries = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "testimony.erase_expired" in entries
