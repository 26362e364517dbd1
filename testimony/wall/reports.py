""" "Report this story" on the web wall: a published story goes back to a lead, who keeps it on
the wall or takes it off. Counted, nothing else kept."""

import uuid

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from testimony.audit import audit_record
from testimony.models import AuditAction, Status, Story, WallReport


def story_report(*, story_id) -> bool:
    """Someone asks a lead to look at a published story again. Counted, nothing else kept."""
    with transaction.atomic():
        story = (
            Story.objects.select_for_update().filter(id=story_id, status=Status.PUBLISHED).first()
        )
        if story is None:
            return False
        updated = WallReport.objects.filter(story=story).update(count=F("count") + 1)
        if not updated:
            WallReport.objects.create(story=story, reported_on=timezone.localdate())
            audit_record(action=AuditAction.REPORTED, story=story)
    return True


def reported_stories() -> list[WallReport]:
    """Published stories the public reported, most reported first: a lead's queue."""
    return list(
        WallReport.objects.filter(story__status=Status.PUBLISHED)
        .select_related("story")
        .order_by("-count", "story_id")
    )


def reported_count() -> int:
    """How many published stories wait for a lead because the public reported them."""
    return WallReport.objects.filter(story__status=Status.PUBLISHED).count()


@transaction.atomic
def report_dismiss(*, story_id, actor) -> bool:
    """A lead read a reported story again and keeps it on the wall. False if no published
    story has this id (a malformed id is no different)."""
    try:
        story = Story.objects.filter(id=uuid.UUID(str(story_id)), status=Status.PUBLISHED).first()
    except ValueError:
        return False
    if story is None:
        return False
    WallReport.objects.filter(story=story).delete()
    audit_record(action=AuditAction.REPORT_DISMISSED, story=story, actor=actor)
    return True
