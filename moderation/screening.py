"""The screening pipeline: run the screeners on a received story, record findings, route it."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from moderation import screeners
from moderation.models import Finding
from testimony.models import Status, Story
from testimony.selectors import stories_awaiting_screening
from testimony.services import story_mark_screened

log = logging.getLogger(__name__)


def _lease_key(story_id: str) -> str:
    return f"screening-lease:{story_id}"


def screening_enqueue(*, story_id: str) -> bool:
    """Queue a screening unless one is already under way (a live lease in the cache).

    The lease carries no time to the story (invariant 2): it only lives in the cache and
    expires by itself, so a lost task leaves the story to the sweep.
    """
    from moderation.tasks import screen_story

    if not cache.add(_lease_key(story_id), 1, timeout=settings.SCREENING_LEASE_SECONDS):
        return False
    screen_story.delay(story_id)
    return True


def screening_sweep() -> int:
    """Re-queue every story still in `received` that no live task holds. Returns how many."""
    return sum(screening_enqueue(story_id=story_id) for story_id in stories_awaiting_screening())


def _run_screeners(text: str) -> tuple[str, list[screeners.Finding], bool]:
    """(language, findings, incomplete). A screener that raises is recorded, never fatal."""
    language_findings = screeners.load(screeners.LANGUAGE)(text, "")
    language = language_findings[0].kind if language_findings else ""
    findings = list(language_findings)
    incomplete = False
    for path in screeners.SCREENERS:
        try:
            findings.extend(screeners.load(path)(text, language))
        except Exception:
            log.exception("screener %s failed", path.rsplit(".", 1)[-1])
            incomplete = True
    return language, findings, incomplete


def story_screen(*, story_id: str) -> bool:
    """Screen a received story and route it. Idempotent: a screened story is left alone."""
    story = Story.objects.filter(id=story_id, status=Status.RECEIVED).first()
    if story is None:
        return False
    language, findings, incomplete = _run_screeners(story.text)
    with transaction.atomic():
        story = Story.objects.select_for_update().filter(id=story_id).first()
        if story is None or story.status != Status.RECEIVED:
            return False
        Finding.objects.bulk_create(
            Finding(
                story=story,
                screener=f.screener,
                kind=f.kind,
                severity=f.severity,
                start=f.start,
                end=f.end,
                detail=f.detail,
            )
            for f in findings
        )
        story_mark_screened(
            story=story, language=language, held=False, urgent=False, incomplete=incomplete
        )
    cache.delete(_lease_key(story_id))
    return True
