"""Rejected and private stories are erased after a retention period (DESIGN.md invariant 6).

Stories keep only the day they arrived, so the period counts from `received_on`. What is
erased: the text and everything derived from it (story_erase); the row stays, with its status,
so a receipt still answers and private stories are still counted.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from testimony.audit import audit_record
from testimony.models import AuditAction, Consent, Status, Story
from testimony.services import story_erase

# Review is over for these: a rejected story, and a private story a moderator has decided.
_DONE = Q(status=Status.REJECTED) | Q(consent=Consent.PRIVATE, status=Status.APPROVED)


def expired_story_ids(*, today: datetime.date | None = None) -> list:
    cutoff = (today or timezone.localdate()) - datetime.timedelta(days=settings.RETENTION_DAYS)
    return list(
        Story.objects.filter(_DONE, received_on__lte=cutoff)
        .exclude(text="", published_text="")
        .values_list("id", flat=True)
    )


def erase_expired(*, today: datetime.date | None = None) -> int:
    """Erase every story past retention. Idempotent: an erased story has nothing left."""
    erased = 0
    for story_id in expired_story_ids(today=today):
        with transaction.atomic():
            story = Story.objects.select_for_update().filter(_DONE, id=story_id).first()
            if story is None:  # decided otherwise meanwhile
                continue
            story_erase(story=story)
            story.save()
            audit_record(action=AuditAction.ERASED, story=story, reason="retention")
            erased += 1
    return erased
