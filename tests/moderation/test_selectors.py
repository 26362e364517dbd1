"""The queue: order, keyset pagination, filters, computed counts, claims; the metrics."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from moderation import claims, decisions, selectors
from moderation.models import Severity
from moderation.selectors import QueueCursor, QueueFilters
from tests.moderation.factories import pii, screened

pytestmark = pytest.mark.django_db


def on_day(day: date):
    """Stories received on another day (intake stamps the day with timezone.localdate)."""
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def story_on(day: date, **kwargs):
    with on_day(day):
        return screened(f"A story told on {day.isoformat()}, and it is mine to tell.", **kwargs)


DAY1, DAY2, DAY3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)


def all_pages(filters, size):
    stories, cursor = [], None
    while True:
        page = selectors.queue_page(filters=filters, after=cursor, size=size)
        stories.extend(page.stories)
        if page.next_cursor is None:
            return stories
        cursor = page.next_cursor


def test_urgent_first_then_the_oldest_day_then_random_within_a_day():
    late = [story_on(DAY3) for _ in range(3)]
    early = [story_on(DAY1) for _ in range(4)]
    urgent = story_on(DAY3, urgent=True)
    order = [s.id for s in selectors.queue_page(filters=QueueFilters()).stories]
    assert order[0] == urgent.id
    assert set(order[1:5]) == {s.id for s in early}
    assert set(order[5:]) == {s.id for s in late}
    # Within a day the order is the random UUID's, not the order of arrival.
    assert order[1:5] == sorted(order[1:5], key=lambda i: i.hex)


def test_keyset_pages_visit_every_story_once_in_queue_order():
    for day in (DAY1, DAY2, DAY3):
        for n in range(4):
            story_on(day, urgent=n == 0)
    whole = [s.id for s in selectors.queue_page(filters=QueueFilters(), size=200).stories]
    paged = [s.id for s in all_pages(QueueFilters(), size=5)]
    assert paged == whole and len(set(paged)) == 12


def test_a_cursor_survives_encoding_and_rejects_garbage():
    story = story_on(DAY2, urgent=True)
    cursor = QueueCursor.of(story)
    assert QueueCursor.decode(cursor.encode()) == cursor
    assert QueueCursor.decode("not-a-cursor") is None


def test_the_queue_defaults_to_the_moderators_languages_and_shows_mixed_to_all():
    ru = screened(language="ru")
    kk = screened(language="kk")
    mixed = screened(language="mixed")
    ids = {s.id for s in selectors.queue_page(filters=QueueFilters(languages=("kk",))).stories}
    assert ids == {kk.id, mixed.id}
    assert ru.id not in ids


def test_filters_by_region_finding_kind_and_cluster():
    astana = screened(region="astana")
    phone = screened(findings=[pii("phone", 0, 2)])
    danger = screened(findings=[("danger", "threat", Severity.HIGH, 0, 2)])
    in_cluster = screened(held=True, cluster="c7")
    screened(held=True, cluster="c8")

    def ids(**kwargs):
        return {s.id for s in selectors.queue_page(filters=QueueFilters(**kwargs)).stories}

    assert ids(region="astana") == {astana.id}
    assert ids(kind="phone") == {phone.id}
    assert ids(kind="danger") == {danger.id}  # a screener's name works too
    assert ids(queue="held", cluster="c7") == {in_cluster.id}


def test_each_queue_holds_its_own_stories(moderator):
    pending = screened()
    held = screened(held=True)
    escalated = screened()
    claims.claim_take(story_id=escalated.id, user=moderator)
    decisions.story_escalate(story_id=escalated.id, user=moderator, version=escalated.version)
    second = screened(findings=[("danger", "threat", Severity.HIGH, 0, 2)], urgent=True)
    claims.claim_take(story_id=second.id, user=moderator)
    decisions.story_approve(story_id=second.id, user=moderator, version=second.version)

    def ids(queue):
        return {s.id for s in selectors.queue_page(filters=QueueFilters(queue=queue)).stories}

    assert ids("pending") == {pending.id}
    assert ids("held") == {held.id}
    assert ids("escalated") == {escalated.id}
    assert ids("second") == {second.id}


def test_counts_are_per_language_and_show_mixed_to_all():
    screened(language="ru")
    screened(language="mixed")
    screened(language="kk", held=True)
    counts = selectors.queue_counts(languages=("kk",))
    assert (counts["pending"], counts["held"]) == (1, 1)


def test_counts_are_computed_and_follow_every_change(moderator):
    stories = [screened() for _ in range(3)] + [screened(held=True), screened(urgent=True)]
    counts = selectors.queue_counts()
    assert (counts["pending"], counts["held"], counts["urgent"]) == (4, 1, 1)
    claims.claim_take(story_id=stories[0].id, user=moderator)
    decisions.story_reject(
        story_id=stories[0].id, user=moderator, version=stories[0].version, reason="spam"
    )
    claims.claim_take(story_id=stories[3].id, user=moderator)
    decisions.story_release(story_id=stories[3].id, user=moderator, version=stories[3].version)
    counts = selectors.queue_counts()
    assert (counts["pending"], counts["held"]) == (4, 0)


def test_claimed_stories_are_marked_and_skipped(moderator, other_moderator):
    first, second = sorted([screened(), screened()], key=lambda s: s.id.hex)
    claims.claim_take(story_id=first.id, user=other_moderator)
    page = selectors.queue_page(filters=QueueFilters())
    assert page.claimed == {str(first.id): other_moderator.pk}
    assert selectors.queue_first_free(filters=QueueFilters(), user=moderator).id == second.id
    # Her own claim does not hide a story from her.
    assert selectors.queue_first_free(filters=QueueFilters(), user=other_moderator).id == first.id


def test_next_and_previous_follow_the_queue_order(moderator):
    a, b, c = sorted([screened() for _ in range(3)], key=lambda s: s.id.hex)
    filters = QueueFilters()
    assert selectors.queue_neighbour(filters=filters, story=a, user=moderator).id == b.id
    assert (
        selectors.queue_neighbour(filters=filters, story=c, user=moderator, previous=True).id
        == b.id
    )
    assert selectors.queue_neighbour(filters=filters, story=c, user=moderator) is None


def test_metrics_show_waiting_urgent_oldest_decisions_and_their_median(moderator):
    today = timezone.localdate()
    story_on(today - timedelta(days=5))
    screened(urgent=True)
    screened(held=True, cluster="flood")
    decided = screened()
    claims.claim_take(story_id=decided.id, user=moderator)
    decisions.story_reject(
        story_id=decided.id, user=moderator, version=decided.version, reason="spam"
    )
    m = selectors.metrics()
    assert m["counts"]["pending"] == 2 and m["counts"]["urgent"] == 1 and m["counts"]["held"] == 1
    assert m["oldest_days"] == 5
    assert m["per_day"][0] == {"day": today, "approved": 0, "rejected": 1, "other": 0}
    assert m["median_decision_seconds"] is not None
    assert m["held_clusters"] == [{"cluster": "flood", "stories": 1, "since": today}]


def test_the_median_decision_time_covers_30_days_not_the_14_of_the_daily_counts(moderator):
    from testimony.audit import audit_record
    from testimony.models import AuditAction

    today = timezone.localdate()
    for age in (20, 40):  # days ago: within the median's 30 days, and beyond them
        with mock.patch.object(timezone, "localdate", return_value=today - timedelta(days=age)):
            audit_record(
                action=AuditAction.REJECTED,
                story=screened(),
                actor=moderator,
                duration=timedelta(seconds=age),
            )
    m = selectors.metrics()
    assert all(row["rejected"] == 0 for row in m["per_day"])  # both older than 14 days
    assert m["median_decision_seconds"] == 20
