"""Decisions on a story under review: approve, reject, escalate, release; a lead's unpublish;
a held campaign rejected in bulk. Views, the API and commands all call these.

Every decision takes one guarded path (`_deciding`): the row locked, the access policy asked,
the moderator's claim and the version she saw checked. Every decision ends one way (`_close`):
her note kept, the claim dropped, the move made by testimony.services.story_transition, which
checks it is allowed and writes the audit event (the day only, and how long she held the
story). A stale version or a lost claim is a Conflict, never a silent overwrite.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation import screeners
from moderation.claims import (
    NOT_WAITING,
    REVIEWABLE,
    Claim,
    claim_drop,
    claim_held,
    claims_for,
    story_under_review,
)
from moderation.errors import Conflict, Invalid
from moderation.models import (
    FirstApproval,
    RejectReason,
    ReviewNote,
    Severity,
    StorySignature,
    UrgencyDisagreement,
)
from moderation.policy import Action, require
from moderation.redaction import (
    Span,
    covered,
    redacted_text,
    spans_requested,
    spans_store,
)
from testimony.models import AuditAction, Consent, Installation, Label, Status, Story
from testimony.services import story_transition
from testimony.signals import story_unpublished
from testimony.wall.publication import publish_time

NOTE_MAX_CHARS = 2000
STALE = _("This story changed since you opened it. Please reload it and check again.")


@dataclass(frozen=True)
class Decided:
    story_id: str
    status: str
    version: int
    second_review_pending: bool = False
    publish_at: object = None


def _check_version(story: Story, version) -> None:
    """The version the moderator saw must be the story's: else someone changed it since."""
    if version is None or version == "":
        raise Conflict(STALE, code="stale_version")
    try:
        seen = int(version)
    except (TypeError, ValueError):
        raise Invalid(_("This form is damaged. Please reload the story."), "bad_version") from None
    if seen != story.version:
        raise Conflict(STALE, code="stale_version")


def _deciding(*, story_id, user, version, action: Action) -> tuple[Story, Claim]:
    """The locked story, if this moderator may act on it, holds its claim and saw its version."""
    story = story_under_review(story_id, lock=True)
    require(user, action, story)
    held = claim_held(story=story, user=user)
    _check_version(story, version)
    if story.status not in REVIEWABLE:
        raise Conflict(NOT_WAITING, code="not_waiting")
    return story, held


def _close(
    story: Story,
    held: Claim | None,
    *,
    user,
    to: str,
    action: AuditAction,
    note: str = "",
    reason: str = "",
    **changes,
) -> Story:
    """The one ending of every decision: her note kept, the claim dropped, the move audited."""
    note = (note or "").strip()
    if note:
        ReviewNote.objects.create(
            story=story, author=user, text=note[:NOTE_MAX_CHARS], written_on=timezone.localdate()
        )
    claim_drop(story.id)
    return story_transition(
        story=story,
        to=to,
        action=action,
        actor=user,
        reason=reason,
        duration=held.held_for if held else None,
        **changes,
    )


def _decided(story: Story, **extra) -> Decided:
    return Decided(str(story.id), story.status, story.version, **extra)


def _labels_clean(labels) -> list[str]:
    labels = list(dict.fromkeys(labels or []))
    if any(label not in Label.values for label in labels):
        raise Invalid(_("Unknown content-warning label."))
    return labels


def _installations_clean(values) -> list[Installation]:
    """Installations named by id or slug; an id too large for the database is unknown."""
    values = list(values or [])
    ids = [v for v in values if str(v).isdigit() and len(str(v)) <= 18]
    slugs = [v for v in values if v not in ids]
    found = list(Installation.objects.filter(id__in=[int(i) for i in ids])) + list(
        Installation.objects.filter(slug__in=slugs)
    )
    if len({i.pk for i in found}) != len(set(map(str, values))):
        raise Invalid(_("Unknown installation."))
    return found


def _reason_clean(reason: str) -> str:
    if reason not in RejectReason.values:
        raise Invalid(_("Choose a reason from the list."), "reason")
    return reason


def needs_second_review(*, story: Story, spans: list[Span]) -> bool:
    """A danger finding, or high-severity personal data left unredacted (configurable)."""
    if not settings.SECOND_REVIEW_REQUIRED:
        return False
    findings = [f for f in story.findings.all() if f.severity >= Severity.HIGH]
    if story.urgent or any(f.screener in screeners.routed("urgent") for f in findings):
        return True
    return any(f.screener == screeners.PII and not covered(f.start, f.end, spans) for f in findings)


def default_installations(story: Story) -> set[int]:
    """The walls an approval shows the story on unless the moderator narrows them: the first
    approver's choice, else those already chosen, else every wall (so none is forgotten)."""
    first = FirstApproval.objects.filter(story=story).first()
    if first is not None:
        return set(first.installation_ids)
    chosen = set(story.installations.values_list("pk", flat=True))
    return chosen or set(Installation.objects.values_list("pk", flat=True))


@transaction.atomic
def story_redact(*, story_id, user, version, redactions=(), unredact=()) -> Story:
    """Add (and, by name, remove) redactions of a pending story the moderator holds.
    Returns the story, with a new version when they changed."""
    story, held = _deciding(story_id=story_id, user=user, version=version, action=Action.REDACT)
    if story.status != Status.PENDING:
        raise Conflict(_("Release this held story to the queue before redacting it."), "held")
    spans = spans_requested(story, redactions, unredact)
    spans_store(story=story, spans=spans, user=user, duration=held.held_for)
    return story


@transaction.atomic
def story_approve(
    *,
    story_id,
    user,
    version,
    redactions=(),
    unredact=(),
    labels=(),
    installations=(),
    note: str = "",
) -> Decided:
    """Approve with the redactions added (the saved ones stay), labels and installations.

    A risky story (needs_second_review) becomes a first approval and waits for a lead's
    second one; otherwise it is scheduled: publish_at = now + a random delay.
    """
    story, held = _deciding(story_id=story_id, user=user, version=version, action=Action.APPROVE)
    if story.status != Status.PENDING:
        raise Conflict(_("Release this held story to the queue before approving it."), "held")
    labels = _labels_clean(labels)
    places = _installations_clean(installations)
    spans = spans_requested(story, redactions, unredact)
    first = FirstApproval.objects.filter(story=story).first()
    spans_store(story=story, spans=spans, user=user, duration=held.held_for)

    if first is None and not story.escalated and needs_second_review(story=story, spans=spans):
        FirstApproval.objects.create(
            story=story, approver=user, labels=labels, installation_ids=[p.pk for p in places]
        )
        _close(
            story,
            held,
            user=user,
            to=Status.PENDING,
            action=AuditAction.APPROVED_FIRST,
            note=note,
            second_review_needed=True,
        )
        return _decided(story, second_review_pending=True)

    private = story.consent == Consent.PRIVATE  # reviewed for safety, never published
    _close(
        story,
        held,
        user=user,
        to=Status.APPROVED,
        action=AuditAction.APPROVED,
        note=note,
        published_text="" if private else redacted_text(story.text, spans, story.language),
        publish_at=None if private else publish_time(),
        labels=labels,
        escalated=False,
        second_review_needed=False,
    )
    story.installations.set([] if private else places)
    FirstApproval.objects.filter(story=story).delete()
    return _decided(story, publish_at=story.publish_at)


@transaction.atomic
def story_reject(*, story_id, user, version, reason: str, note: str = "") -> Decided:
    reason = _reason_clean(reason)
    story, held = _deciding(story_id=story_id, user=user, version=version, action=Action.REJECT)
    FirstApproval.objects.filter(story=story).delete()
    _close(
        story,
        held,
        user=user,
        to=Status.REJECTED,
        action=AuditAction.REJECTED,
        note=note,
        reason=reason,
        published_text="",
        publish_at=None,
        escalated=False,
        second_review_needed=False,
    )
    return _decided(story)


@transaction.atomic
def story_escalate(*, story_id, user, version, note: str = "", reason: str = "") -> Decided:
    """Send a story to the leads' queue (a held one is released into it)."""
    story, held = _deciding(story_id=story_id, user=user, version=version, action=Action.ESCALATE)
    if story.escalated:
        raise Conflict(_("This story is already escalated."), "escalated")
    _close(
        story,
        held,
        user=user,
        to=Status.PENDING,
        action=AuditAction.ESCALATED,
        note=note,
        reason=reason if reason in RejectReason.values else "",
        escalated=True,
    )
    return _decided(story)


@transaction.atomic
def story_release(*, story_id, user, version, note: str = "") -> Decided:
    """A held story goes to the queue; a lead returns an escalated story to the queue."""
    story, held = _deciding(story_id=story_id, user=user, version=version, action=Action.RELEASE)
    if story.status == Status.HELD:
        changes = {}
    elif story.escalated:
        changes = {"escalated": False}
    else:
        raise Conflict(_("This story is already in the queue."), "not_held")
    _close(
        story, held, user=user, to=Status.PENDING, action=AuditAction.RELEASED, note=note, **changes
    )
    return _decided(story)


@transaction.atomic
def story_mark_urgency(*, story_id, user, version, urgent: bool) -> Decided:
    """A moderator says whether the story she holds is urgent: the queue follows her, and where
    she disagrees with the screener one more disagreement is counted for each kind of danger
    it found ("none" when it found none). Counts only: nothing of the text is kept."""
    story, held = _deciding(
        story_id=story_id, user=user, version=version, action=Action.MARK_URGENCY
    )
    urgent = bool(urgent)
    if urgent != story.urgent:
        direction = (
            UrgencyDisagreement.Direction.MISSED
            if urgent
            else UrgencyDisagreement.Direction.FALSE_ALARM
        )
        danger = screeners.routed("urgent")
        kinds = {f.kind for f in story.findings.all() if f.screener in danger} or {"none"}
        for kind in sorted(kinds):
            row, _ = UrgencyDisagreement.objects.select_for_update().get_or_create(
                kind=kind, direction=direction
            )
            UrgencyDisagreement.objects.filter(pk=row.pk).update(count=F("count") + 1)
    story_transition(
        story=story,
        to=story.status,
        action=AuditAction.URGENCY_MARKED,
        actor=user,
        reason="urgent" if urgent else "not_urgent",
        duration=held.held_for,
        urgent=urgent,
    )
    return _decided(story)


# Each action and the keyword arguments it takes: the forms and the API pass what they have.
DECIDE = {
    "approve": (story_approve, {"redactions", "unredact", "labels", "installations", "note"}),
    "reject": (story_reject, {"reason", "note"}),
    "escalate": (story_escalate, {"note", "reason"}),
    "release": (story_release, {"note"}),
}


def story_decide(*, action: str, **kwargs) -> Decided:
    """One entry for the forms and the API."""
    if action not in DECIDE:
        raise Invalid(_("Unknown action."), "action")
    decide, accepted = DECIDE[action]
    accepted = accepted | {"story_id", "user", "version"}
    return decide(**{k: v for k, v in kwargs.items() if k in accepted})


@transaction.atomic
def story_unpublish(*, story_id, user, version, reason: str, note: str = "") -> Decided:
    """A lead takes an approved or published story off the wall at once, with a reason."""
    reason = _reason_clean(reason)
    story = story_under_review(story_id, lock=True)
    require(user, Action.UNPUBLISH, story)
    _check_version(story, version)
    if story.status not in (Status.APPROVED, Status.PUBLISHED):
        raise Conflict(_("This story is not on the wall."), "not_published")
    _close(
        story,
        None,
        user=user,
        to=Status.REJECTED,
        action=AuditAction.UNPUBLISHED,
        note=note,
        reason=reason,
        publish_at=None,
    )
    story.installations.clear()
    story_id = str(story.id)
    transaction.on_commit(lambda: story_unpublished.send(sender=Story, story_id=story_id))
    return _decided(story)


@transaction.atomic
def cluster_reject(*, cluster: str, user, reason: str, note: str = "") -> int:
    """Reject every held story of a campaign cluster with one reason. Returns how many.

    Stories another moderator holds are left to her.
    """
    require(user, Action.REJECT_CLUSTER)
    reason = _reason_clean(reason)
    stories = list(
        Story.objects.select_for_update()
        .filter(
            status=Status.HELD,
            id__in=StorySignature.objects.filter(cluster=cluster).values("story_id"),
        )
        .order_by("id")
    )
    claimed = claims_for(s.id for s in stories)
    mine = [s for s in stories if claimed.get(str(s.id), user.pk) == user.pk]
    for story in mine:
        _close(
            story,
            None,
            user=user,
            to=Status.REJECTED,
            action=AuditAction.REJECTED,
            note=note,
            reason=reason,
        )
    return len(mine)
