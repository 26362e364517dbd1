"""DESIGN.md invariant 3: a random delay, batches, random order, and the kiosk's hold."""

import datetime
import json

import pytest
from django.utils import timezone

from testimony.models import AuditEvent, Status, Story
from testimony.services import story_withdraw
from testimony.switches import switches_set
from testimony.wall import feeds
from testimony.wall.installations import installation_save
from testimony.wall.publication import publish_due, publish_time
from tests.moderation import factories as moderation_factories
from tests.testimony.wall import factories

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def shown(installation, day=None) -> list[str]:
    rows, _ = feeds.visible_stories(
        installation, day=day or timezone.localdate(), after=None, size=1000
    )
    return [str(row["id"]) for row in rows]


def test_publish_time_is_a_random_delay_inside_the_window(settings):
    settings.WALL_DELAY_MIN_SECONDS, settings.WALL_DELAY_MAX_SECONDS = 1800, 10800
    now = timezone.now()
    delays = [(publish_time(now=now) - now).total_seconds() for _ in range(300)]
    assert all(1800 <= d <= 10800 for d in delays)
    assert len({round(d) for d in delays}) > 250  # random, not one fixed delay
    assert min(delays) < 3000 and max(delays) > 9600  # spread over the window


def test_nothing_is_published_before_its_time():
    place = factories.installation()
    now = timezone.now()
    stories = [factories.approved(at=[place], publish_at=now + 10 * MINUTE) for _ in range(3)]
    assert publish_due(now=now + 9 * MINUTE) == 0
    assert Story.objects.filter(status=Status.PUBLISHED).count() == 0
    assert publish_due(now=now + 11 * MINUTE) == 3
    for story in stories:
        story.refresh_from_db()
        assert story.status == Status.PUBLISHED


def test_publishing_clears_publish_at_and_keeps_the_day_only():
    place = factories.installation()
    for _ in range(3):
        factories.approved(at=[place])
    publish_due()
    for story in Story.objects.all():
        assert story.publish_at is None
        assert story.published_on == timezone.localdate()
    events = AuditEvent.objects.filter(action="published")
    assert events.count() == 3 and all(e.at is None and e.day for e in events)


def test_after_publication_only_the_published_text_is_kept():
    """DESIGN.md invariant 6: the original text and everything derived from it go."""
    from moderation.models import Finding, Severity

    place = factories.installation()
    stories = [
        factories.approved(at=[place], text=f"Kept story number {n}, told for the test.")
        for n in range(3)
    ]
    for story in stories:
        Finding.objects.create(
            story=story,
            screener="pii",
            kind="person",
            severity=Severity.HIGH,
            start=0,
            end=4,
            detail="name list",
        )
    publish_due()
    for story in Story.objects.all():
        assert story.status == Status.PUBLISHED
        assert story.text == "" and story.published_text.startswith("Kept ")
    assert not Finding.objects.exists()


def test_a_batch_is_never_smaller_than_the_minimum(settings):
    settings.WALL_MIN_BATCH = 3
    place = factories.installation()
    now = timezone.now()
    factories.approved(at=[place], publish_at=now - MINUTE)
    factories.approved(at=[place], publish_at=now - MINUTE)
    assert publish_due(now=now) == 0
    factories.approved(at=[place], publish_at=now - MINUTE)
    assert publish_due(now=now) == 3


def test_a_small_batch_goes_once_its_oldest_waited_the_maximum(settings):
    settings.WALL_MIN_BATCH = 3
    settings.WALL_DELAY_MIN_SECONDS, settings.WALL_DELAY_MAX_SECONDS = 1800, 10800
    place = factories.installation()
    now = timezone.now()
    story = factories.approved(at=[place], publish_at=now)
    # Approved at most publish_at - 30 min: after publish_at + 150 min it surely waited 3 h.
    assert publish_due(now=now + datetime.timedelta(minutes=149)) == 0
    assert publish_due(now=now + datetime.timedelta(minutes=150)) == 1
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED


def kendall_tau(order: list[int]) -> float:
    n = len(order)
    concordant = sum(1 if order[i] < order[j] else -1 for i in range(n) for j in range(i + 1, n))
    return concordant / (n * (n - 1) / 2)


def test_the_wall_never_shows_stories_in_submission_order(settings):
    """Over many stories and batches, the feed's order says nothing about submission order."""
    settings.WALL_MIN_BATCH = 3
    place = factories.installation()
    # The morning of today, local time: the 400 minutes below never cross midnight, where the
    # feed's order by publication day (the one order it may keep) would follow submission.
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    submitted = []
    for n in range(150):  # submitted, approved and due in this order
        story = factories.approved(at=[place], publish_at=start + n * MINUTE)
        submitted.append(str(story.id))
    for minute in range(0, 160, 7):  # the publisher runs now and then
        publish_due(now=start + minute * MINUTE)
    publish_due(now=start + 400 * MINUTE)  # the last few waited the maximum: they go too
    assert Story.objects.filter(status=Status.PUBLISHED).count() == 150
    feed = shown(place)
    positions = [submitted.index(story_id) for story_id in feed]
    # n = 150: the standard deviation of tau under randomness is about 0.055.
    assert abs(kendall_tau(positions)) < 0.25
    assert positions != sorted(positions) and positions != sorted(positions, reverse=True)


def test_a_kiosk_story_stays_off_its_own_installation_for_the_hold(settings):
    settings.WALL_KIOSK_HOLD_HOURS = 24
    station, elsewhere = factories.installation(), factories.installation()
    today = timezone.localdate()
    story = factories.published(at=[station, elsewhere], told_at=station, on=today)
    assert str(story.id) in shown(elsewhere)
    assert str(story.id) not in shown(station)
    # Published at the latest at 23:59 today: shown from the start of the day after tomorrow,
    # which is at least 24 hours later, and not a day sooner.
    assert str(story.id) not in shown(station, today + datetime.timedelta(days=1))
    assert str(story.id) in shown(station, today + datetime.timedelta(days=2))


def test_the_kiosk_hold_is_configurable_and_never_below_a_day(settings):
    settings.WALL_KIOSK_HOLD_HOURS = 72
    station = factories.installation()
    today = timezone.localdate()
    story = factories.published(at=[station], told_at=station, on=today)
    assert str(story.id) not in shown(station, today + datetime.timedelta(days=3))
    assert str(story.id) in shown(station, today + datetime.timedelta(days=4))


def test_unpublish_takes_the_story_off_and_bumps_the_feed():
    place = factories.installation()
    story = factories.published(at=[place])
    before = feeds.feed_state(place.slug).version
    moderation_factories.unpublish(story)
    assert str(story.id) not in shown(place)
    assert feeds.feed_state(place.slug).version > before
    story.refresh_from_db()
    assert story.status == Status.REJECTED


def test_withdrawal_takes_the_story_off_every_wall_at_once():
    a, b = factories.installation(), factories.installation()
    story = factories.published(at=[a, b])
    other = factories.published(at=[a, b])
    versions = [feeds.feed_state(a.slug).version, feeds.feed_state(b.slug).version]
    assert str(story.id) in shown(a) and str(story.id) in shown(b)
    assert story_withdraw(receipt=story.receipt)
    assert shown(a) == shown(b) == [str(other.id)]
    assert feeds.feed_state(a.slug).version > versions[0]
    assert feeds.feed_state(b.slug).version > versions[1]


def test_a_policy_edit_excludes_a_label_and_bumps_the_feed():
    place = factories.installation()
    hard = factories.published(at=[place], labels=["sexual-violence"])
    other = factories.published(at=[place], labels=["physical-violence"])
    before = feeds.feed_state(place.slug).version
    place.label_policy = {"sexual-violence": "exclude"}
    installation_save(installation=place)
    assert feeds.feed_state(place.slug).version > before
    assert shown(place) == [str(other.id)]
    assert str(hard.id) not in shown(place)


def test_an_installation_shows_only_its_languages():
    place = factories.installation(languages=["kk"])
    kazakh = factories.published(at=[place], language="kk")
    factories.published(at=[place], language="en")
    assert shown(place) == [str(kazakh.id)]


def test_pausing_the_walls_empties_every_feed_until_resumed():
    place = factories.installation()
    factories.published(at=[place])
    switches_set(actor=None, walls_paused=True)
    state = feeds.feed_state(place.slug)
    body = json.loads(feeds.feed_page(state).body)
    assert body["paused"] is True and body["stories"] == []
    switches_set(actor=None, walls_paused=False)
    body = json.loads(feeds.feed_page(feeds.feed_state(place.slug)).body)
    assert body["paused"] is False and len(body["stories"]) == 1


def test_beat_and_the_embedded_runner_schedule_the_publisher():
    from config.celery import app

    entry = app.conf.beat_schedule["wall-publish"]
    assert entry["task"] == "testimony.publish_due"
    place = factories.installation()
    for _ in range(3):
        factories.approved(at=[place])
    app.tasks[entry["task"]].apply()  # what config/embedded.py does on each tick
    assert Story.objects.filter(status=Status.PUBLISHED).count() == 3
