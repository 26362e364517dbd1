"""Claims: who is reviewing which story, in the cache only and with a TTL, so a decided story
keeps no trace of them. Opening a story claims it; the daily cap stops new claims.
"""

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.errors import Conflict, Forbidden, Missing
from moderation.models import ModeratorProfile
from moderation.policy import Action, require
from testimony.audit import DECISIONS, audit_record
from testimony.models import AuditAction, AuditEvent, Status, Story

REVIEWABLE = (Status.PENDING, Status.HELD)

NOT_CLAIMED = _("You no longer hold this story (the claim expired). Please open it again.")
CLAIMED = _("Another moderator is reviewing this story.")
NOT_WAITING = _("This story is no longer waiting for review.")
CAP_REACHED = _("You have reached today's limit of stories. Thank you for your work today.")


@dataclass(frozen=True)
class Claim:
    story_id: str
    user_id: int
    since: float  # wall-clock seconds, in the cache only: the duration the audit log records
    seconds: int

    @property
    def held_for(self) -> timedelta:
        return timedelta(seconds=max(0, round(time.time() - self.since)))


def _key(story_id) -> str:
    return f"claim:{story_id}"


def claim_of(story_id) -> Claim | None:
    value = cache.get(_key(story_id))
    if value is None:
        return None
    return Claim(str(story_id), value["user"], value["since"], settings.CLAIM_SECONDS)


def claims_for(story_ids: Iterable) -> dict[str, int]:
    """story id -> id of the moderator who holds it, for the stories that are claimed."""
    keys = {_key(i): str(i) for i in story_ids}
    return {keys[k]: v["user"] for k, v in cache.get_many(list(keys)).items()}


def story_under_review(story_id, *, lock: bool = False) -> Story:
    """The story a moderator names, or Missing (a malformed id is no different)."""
    try:
        uuid.UUID(str(story_id))
    except ValueError:
        raise Missing(_("No such story.")) from None
    query = Story.objects.select_for_update() if lock else Story.objects
    story = query.filter(id=story_id).first()
    if story is None:
        raise Missing(_("No such story."))
    return story


def decisions_today(*, user) -> int:
    return AuditEvent.objects.filter(
        actor=user, day=timezone.localdate(), action__in=DECISIONS
    ).count()


def cap_reached(*, user) -> bool:
    # Read fresh: a lead may have changed the cap since this account was loaded.
    cap = ModeratorProfile.objects.filter(user=user).values_list("daily_cap", flat=True).first()
    return cap is not None and decisions_today(user=user) >= cap


def claim_take(*, story_id, user) -> Claim:
    """Claim a waiting story for CLAIM_SECONDS; taking one's own claim again renews it."""
    story = story_under_review(story_id)
    require(user, Action.OPEN, story)
    if story.status not in REVIEWABLE:
        raise Conflict(NOT_WAITING, code="not_waiting")
    held = claim_of(story.id)
    if held is not None and held.user_id == user.pk:
        return claim_renew(story_id=story.id, user=user)
    if cap_reached(user=user):
        raise Forbidden(CAP_REACHED, code="daily_cap")
    value = {"user": user.pk, "since": time.time()}
    if not cache.add(_key(story.id), value, timeout=settings.CLAIM_SECONDS):
        held = claim_of(story.id)
        if held is None or held.user_id != user.pk:
            raise Conflict(CLAIMED, code="claimed")
        return held
    audit_record(action=AuditAction.CLAIMED, story=story, actor=user)
    return Claim(str(story.id), user.pk, value["since"], settings.CLAIM_SECONDS)


def claim_renew(*, story_id, user) -> Claim:
    """Keep working: the claim runs CLAIM_SECONDS from now. Fails if it expired or is another's."""
    held = claim_of(story_id)
    if held is None or held.user_id != user.pk:
        raise Conflict(NOT_CLAIMED, code="not_claimed")
    cache.set(_key(story_id), {"user": user.pk, "since": held.since}, settings.CLAIM_SECONDS)
    return held


def claim_release(*, story_id, user) -> bool:
    """Skip a story without deciding: it goes back to the queue. Always allowed."""
    held = claim_of(story_id)
    if held is None or held.user_id != user.pk:
        return False
    cache.delete(_key(story_id))
    story = Story.objects.filter(id=story_id).first()
    if story is not None:
        audit_record(action=AuditAction.SKIPPED, story=story, actor=user, duration=held.held_for)
    return True


def claim_held(*, story: Story, user) -> Claim:
    """The moderator's own claim on the story, or a Conflict saying whose it is."""
    held = claim_of(story.id)
    if held is None or held.user_id != user.pk:
        raise Conflict(NOT_CLAIMED if held is None else CLAIMED, code="not_claimed")
    return held


def claim_drop(story_id) -> None:
    # At once, not on commit: should the decision roll back, whoever claims the story next
    # still meets the version check, so nothing is overwritten.
    cache.delete(_key(story_id))
