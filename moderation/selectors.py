"""Reads of the workspace: the queue, a story under review, the metrics.

The queue's order: urgent first, then the day received (oldest first), then the story's
random UUID, which shuffles each day's stories (no arrival order exists: invariant 2).
Pagination is by keyset, so page 2,000 costs what page 1 does. Counts are computed.
"""

import base64
import operator
import statistics
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import reduce

from django.db import connection
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from moderation import screeners
from moderation.claims import claims_for
from moderation.models import Finding, Queue, StorySignature
from moderation.policy import Action, may
from testimony.audit import DECISIONS
from testimony.models import AuditAction, AuditEvent, Status, Story

# Stories whose language no one reads alone: every moderator sees them.
ALWAYS_SHOWN_LANGUAGES = ("mixed", "")


def _queue_q(queue: str) -> Q:
    return {
        Queue.PENDING: Q(status=Status.PENDING, escalated=False, second_review_needed=False),
        Queue.SECOND: Q(status=Status.PENDING, escalated=False, second_review_needed=True),
        Queue.ESCALATED: Q(status=Status.PENDING, escalated=True),
        Queue.HELD: Q(status=Status.HELD),
    }[queue]


@dataclass(frozen=True)
class QueueFilters:
    queue: str = Queue.PENDING
    languages: tuple[str, ...] = ()  # empty: every language
    region: str = ""
    kind: str = ""  # a finding's kind ("phone") or its screener ("danger")
    cluster: str = ""

    def __post_init__(self):
        if self.queue not in Queue.values:
            object.__setattr__(self, "queue", Queue.PENDING)


@dataclass(frozen=True)
class QueueCursor:
    """The position after a story in queue order; opaque to clients."""

    urgent: bool
    received_on: date
    id: uuid.UUID

    @classmethod
    def of(cls, story: Story) -> "QueueCursor":
        return cls(story.urgent, story.received_on, story.id)

    def encode(self) -> str:
        raw = f"{int(self.urgent)}|{self.received_on.isoformat()}|{self.id.hex}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> "QueueCursor | None":
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            urgent, day, pk = raw.split("|")
            return cls(urgent == "1", date.fromisoformat(day), uuid.UUID(pk))
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass
class QueuePage:
    stories: list[Story]
    next_cursor: QueueCursor | None
    claimed: dict[str, int] = field(default_factory=dict)


def _filtered(filters: QueueFilters, *, queue: bool = True) -> QuerySet:
    stories = Story.objects.all()
    if queue:
        stories = stories.filter(_queue_q(filters.queue))
    if filters.languages:
        stories = stories.filter(
            language__in=list(filters.languages) + list(ALWAYS_SHOWN_LANGUAGES)
        )
    if filters.region:
        stories = stories.filter(region=filters.region)
    if filters.kind:
        stories = stories.filter(
            Exists(
                Finding.objects.filter(story=OuterRef("pk")).filter(
                    Q(kind=filters.kind) | Q(screener=filters.kind)
                )
            )
        )
    if filters.cluster:
        stories = stories.filter(
            Exists(StorySignature.objects.filter(story=OuterRef("pk"), cluster=filters.cluster))
        )
    return stories


def _after(stories: QuerySet, received_on: date, pk: uuid.UUID, *, reverse: bool) -> QuerySet:
    """A row comparison, so the database seeks the index instead of walking to the position."""
    day = Story._meta.get_field("received_on").get_db_prep_value(received_on, connection)
    key = Story._meta.pk.get_db_prep_value(pk, connection)
    op = "<" if reverse else ">"
    row = '("testimony_story"."received_on", "testimony_story"."id")'
    return stories.extra(where=[f"{row} {op} (%s, %s)"], params=[day, key])


STATE_COLUMNS = (  # what a queue page reads of each story: never its text
    "id",
    "status",
    "language",
    "region",
    "received_on",
    "urgent",
    "escalated",
    "second_review_needed",
    "screening_incomplete",
    "consent",
    "version",
)


def _walk(filters: QueueFilters, after: QueueCursor | None, size: int, *, reverse: bool):
    """Up to `size` stories in queue order (or its reverse) strictly after the cursor."""
    base = _filtered(filters).only(*STATE_COLUMNS)
    # Urgent first: in reverse, the non-urgent group comes first.
    groups = (False, True) if reverse else (True, False)
    if after is not None:
        groups = groups[groups.index(after.urgent) :]
    found: list[Story] = []
    for urgent in groups:
        part = base.filter(urgent=urgent)
        if after is not None and urgent == after.urgent:
            part = _after(part, after.received_on, after.id, reverse=reverse)
        order = ("-received_on", "-id") if reverse else ("received_on", "id")
        found.extend(part.order_by(*order)[: size - len(found)])
        if len(found) >= size:
            break
    return found


def queue_page(
    *, filters: QueueFilters, after: QueueCursor | None = None, size: int = 50
) -> QueuePage:
    """Waiting stories of one queue: urgent first, oldest day first, random within a day."""
    size = max(1, min(size, 200))
    rows = _walk(filters, after, size + 1, reverse=False)
    stories = rows[:size]
    following = QueueCursor.of(stories[-1]) if len(rows) > size else None
    return QueuePage(stories, following, claims_for(s.id for s in stories))


def queue_neighbour(*, filters: QueueFilters, story: Story, user, previous: bool = False):
    """The next (or previous) story in queue order that no one else holds, or None."""
    cursor = QueueCursor.of(story)
    for _attempt in range(20):
        rows = _walk(filters, cursor, 50, reverse=previous)
        if not rows:
            return None
        claimed = claims_for(s.id for s in rows)
        for row in rows:
            if claimed.get(str(row.id), user.pk) == user.pk:
                return row
        cursor = QueueCursor.of(rows[-1])
    return None


def queue_first_free(*, filters: QueueFilters, user) -> Story | None:
    """The first story in queue order that no one else holds."""
    cursor = None
    for _attempt in range(20):
        page = queue_page(filters=filters, after=cursor, size=50)
        for story in page.stories:
            if page.claimed.get(str(story.id), user.pk) == user.pk:
                return story
        if page.next_cursor is None:
            return None
        cursor = page.next_cursor
    return None


def queue_counts(*, languages: tuple[str, ...] = (), user=None) -> dict[str, int]:
    """How many stories wait in each queue (and how many are urgent), in these languages.
    With a user, only the queues she may see are counted (urgent ones among them too).

    Computed on every call, never a stored counter that could drift. It reads every waiting
    row (a covering partial index keeps that cheap), so the API serves it apart from the
    keyset-paginated page, whose cost does not grow with the queue.
    """
    stories = _filtered(QueueFilters(languages=languages), queue=False).filter(
        status__in=[Status.PENDING, Status.HELD]
    )
    queues = [q for q in Queue.values if user is None or may(user, Action.SEE_QUEUE, queue=q)]
    # COUNT(status), not COUNT(id): the id is not in the covering index.
    aggregates = {name: Count("status", filter=_queue_q(name)) for name in queues}
    urgent = Q(urgent=True)
    if len(queues) < len(Queue.values):
        urgent &= reduce(operator.or_, map(_queue_q, queues))
    aggregates["urgent"] = Count("status", filter=urgent)
    return stories.aggregate(**aggregates)


@dataclass(frozen=True)
class Waiting:
    """Stories received before a day: per queue how many wait and the oldest's day."""

    queues: dict[str, tuple[int, date | None]]
    urgent: int
    stuck_received: int


def waiting_received_before(day: date) -> Waiting:
    """For operations (moderation.operations): only stories that arrived before `day`.

    A count that moved the moment a story arrived, kept as a time series, would date the
    arrival; these move when a day's stories join together at midnight, and when moderators
    decide. `stuck_received`: screening never finished (the sweep should have retried it).
    """
    earlier = Story.objects.filter(received_on__lt=day)
    # Aliases unlike any field: an alias named "escalated" would shadow the field in the filters.
    aggregates = {"n_urgent": Count("status", filter=Q(urgent=True))}
    for name in Queue.values:
        aggregates[f"n_{name}"] = Count("status", filter=_queue_q(name))
        aggregates[f"oldest_{name}"] = Min("received_on", filter=_queue_q(name))
    row = earlier.filter(status__in=[Status.PENDING, Status.HELD]).aggregate(**aggregates)
    return Waiting(
        queues={name: (row[f"n_{name}"], row[f"oldest_{name}"]) for name in Queue.values},
        urgent=row["n_urgent"],
        stuck_received=earlier.filter(status=Status.RECEIVED).count(),
    )


def story_for_review(*, story_id) -> Story | None:
    try:
        uuid.UUID(str(story_id))
    except ValueError:
        return None
    return (
        Story.objects.filter(id=story_id)
        .prefetch_related("findings", "redactions", "review_notes", "installations")
        .select_related("first_approval", "signature")
        .first()
    )


def findings_of(story: Story) -> list[Finding]:
    """The findings a moderator looks at: spans first, the language finding left out."""
    return sorted(
        (f for f in story.findings.all() if f.screener != screeners.LANGUAGE),
        key=lambda f: (f.start, -f.end),
    )


def held_clusters() -> list[dict]:
    """Clusters of near-duplicates with held stories, largest first."""
    return list(
        StorySignature.objects.filter(story__status=Status.HELD, cluster__isnull=False)
        .values("cluster")
        .annotate(stories=Count("story"), since=Min("story__received_on"))
        .order_by("-stories", "cluster")
    )


def published_stories(*, after: str = "", size: int = 50) -> list[Story]:
    """Approved and published stories, for a lead who may take one off the wall."""
    stories = Story.objects.filter(status__in=[Status.APPROVED, Status.PUBLISHED]).order_by("id")
    if after:
        try:
            stories = stories.filter(id__gt=uuid.UUID(after))
        except ValueError:
            pass
    return list(stories[:size])


def _median_seconds(durations) -> float | None:
    values = [d.total_seconds() for d in durations if d is not None]
    return statistics.median(values) if values else None


MEDIAN_DAYS = 30


def metrics(*, days: int = 14) -> dict:
    """What a lead watches: queues, waiting times, decisions per day, the time decisions take."""
    today = timezone.localdate()
    waiting = Story.objects.filter(status__in=[Status.PENDING, Status.HELD])
    oldest = waiting.aggregate(oldest=Min("received_on"))["oldest"]
    since = today - timedelta(days=days - 1)
    every_decision = AuditEvent.objects.filter(story_id__isnull=False, action__in=DECISIONS)
    decided = every_decision.filter(day__gte=since)
    per_day = {
        row["day"]: row
        for row in decided.values("day").annotate(
            approved=Count("id", filter=Q(action=AuditAction.APPROVED)),
            rejected=Count("id", filter=Q(action=AuditAction.REJECTED)),
            other=Count("id", filter=~Q(action__in=[AuditAction.APPROVED, AuditAction.REJECTED])),
        )
    }
    return {
        "counts": queue_counts(),
        "oldest_days": (today - oldest).days if oldest else None,
        "per_day": [
            {
                "day": day,
                **{k: per_day.get(day, {}).get(k, 0) for k in ("approved", "rejected", "other")},
            }
            for day in (today - timedelta(days=n) for n in range(days))
        ],
        "median_decision_seconds": _median_seconds(  # the page says "30 days"
            every_decision.filter(day__gte=today - timedelta(days=MEDIAN_DAYS - 1)).values_list(
                "duration", flat=True
            )
        ),
        "held_clusters": held_clusters(),
    }
