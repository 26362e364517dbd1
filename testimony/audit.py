"""The one writer of the audit log (an append-only AuditEvent per action).

An event that names a story carries the day it happened, never a time, so the log cannot
become a timeline of stories (DESIGN.md invariant 2); every other event (a login, an account
or a setting changed) carries its exact time.
"""

from datetime import timedelta

from django.utils import timezone

from testimony.models import AuditAction, AuditEvent, Story

# The actions that count as a moderator's decision (the daily cap, the metrics).
DECISIONS = (
    AuditAction.APPROVED,
    AuditAction.APPROVED_FIRST,
    AuditAction.REJECTED,
    AuditAction.ESCALATED,
    AuditAction.RELEASED,
)


def audit_record(
    *,
    action: AuditAction,
    actor=None,
    story: Story | None = None,
    subject: str = "",
    reason: str = "",
    duration: timedelta | None = None,
) -> AuditEvent:
    """Record one action: of a story (its day) or of an account or setting (its time)."""
    action = AuditAction(action)
    if story is not None:
        return AuditEvent.objects.create(
            action=action,
            actor=actor,
            story_id=story.id,
            day=timezone.localdate(),
            reason=reason,
            duration=duration,
        )
    return AuditEvent.objects.create(
        action=action, actor=actor, subject=subject[:150], reason=reason, at=timezone.now()
    )
