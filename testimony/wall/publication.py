"""From approved to published: a random delay, then batches in random order (invariant 3).

Approval sets `publish_at` = approval + a random delay in [WALL_DELAY_MIN_SECONDS,
WALL_DELAY_MAX_SECONDS] (`publish_time`). The publisher, run by Celery beat, publishes every
approved story whose time has passed, all at once and in random order, as long as there are
at least WALL_MIN_BATCH of them; fewer wait for company until the oldest has waited the
maximum delay. Publishing clears `publish_at` (the one exact time a story ever had) and
keeps only the day.
"""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from testimony import erasure, keys
from testimony.models import AuditAction, Consent, Status, Story
from testimony.services import story_erase_derived, story_transition

_random = secrets.SystemRandom()


def publish_time(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """When a story approved now may be published: now plus a random delay in the window."""
    now = now or timezone.now()
    low, high = settings.WALL_DELAY_MIN_SECONDS, settings.WALL_DELAY_MAX_SECONDS
    return now + datetime.timedelta(seconds=_random.uniform(low, max(low, high)))


def _forced(oldest_due: datetime.datetime, now: datetime.datetime) -> bool:
    """The oldest due story has surely waited the maximum delay since its approval.

    Approval is not stored; it was at most publish_at - minimum delay. So once a story is
    (max - min) past its publish_at, it has waited at least the maximum since approval.
    """
    spread = settings.WALL_DELAY_MAX_SECONDS - settings.WALL_DELAY_MIN_SECONDS
    return now - oldest_due >= datetime.timedelta(seconds=max(0, spread))


@transaction.atomic
def publish_due(*, now: datetime.datetime | None = None) -> int:
    """Publish the due batch, if it is large enough or has waited long enough. Returns its size.

    Idempotent and safe to run twice at once: due rows are locked and skipped by a second run.
    """
    now = now or timezone.now()
    due = list(
        Story.objects.select_for_update(skip_locked=True)
        .filter(status=Status.APPROVED, consent=Consent.WALL, publish_at__lte=now)
        .order_by("publish_at")
    )
    if not due:
        return 0
    if len(due) < settings.WALL_MIN_BATCH and not _forced(due[0].publish_at, now):
        return 0
    # The rows are written in a random order too, so nothing (not even the physical order of
    # the table or of the audit log) follows submission or approval order.
    _random.shuffle(due)
    today = timezone.localdate(now)
    for story in due:
        # After publication only the published (redacted) text is kept (invariant 6): the
        # original text and everything derived from it go now, its data key with them; the
        # published text is sealed again under a new key of its own.
        shown = story.published_text
        story_erase_derived(story=story)
        keys.story_rekey(story=story)
        story_transition(
            story=story,
            to=Status.PUBLISHED,
            action=AuditAction.PUBLISHED,
            publish_at=None,
            published_on=today,
            text="",
            published_text=shown,
        )
    transaction.on_commit(erasure.after_erasure)
    return len(due)
