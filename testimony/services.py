"""Every write to a story goes through these functions; views, API, tasks and commands call them."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from figures.questions import Answers
from figures.services import answers_hold, answers_settle
from testimony import erasure, receipts
from testimony.audit import audit_record
from testimony.models import AuditAction, Channel, Consent, Installation, Status, Story
from testimony.sanitize import clean_story_text
from testimony.selectors import story_by_receipt
from testimony.signals import story_received, walls_changed

# Which status may follow which. Withdrawal is allowed from every state but itself.
TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {Status.PENDING, Status.HELD},
    # pending -> held: a story later found to be part of a coordinated campaign.
    Status.PENDING: {Status.APPROVED, Status.REJECTED, Status.PENDING, Status.HELD},
    # held -> held: a moderator's mark on a held story (its urgency) keeps it held.
    Status.HELD: {Status.PENDING, Status.REJECTED, Status.HELD},
    Status.APPROVED: {Status.PUBLISHED, Status.REJECTED, Status.PENDING},
    Status.PUBLISHED: {Status.REJECTED},
    Status.REJECTED: set(),
    Status.WITHDRAWN: set(),
}
for _allowed in TRANSITIONS.values():
    _allowed.add(Status.WITHDRAWN)
TRANSITIONS[Status.WITHDRAWN].discard(Status.WITHDRAWN)


# The statuses a review decision (or a withdrawal before one) leaves a story in.
DECIDED = {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN}


class TransitionNotAllowed(Exception):
    pass


@dataclass(frozen=True)
class Submitted:
    receipt: str
    status: str
    story_id: str


def story_submit(
    *,
    text: str,
    consent: str,
    channel: str,
    region: str = "",
    no_proof_of_work: bool = False,
    told_at: Installation | None = None,
    answers: Answers | None = None,
) -> Submitted:
    """Store an anonymous story and queue it for screening. Returns the receipt, shown once.

    `told_at` is the installation whose kiosk took the story: its own screens hold it longer.
    `answers`, her optional answers, are kept apart from the story in the same transaction,
    tied to it only by a one-time token until the review decides (figures.services).
    """
    clean = clean_story_text(text)  # as it came from intake: cleaned there, not again
    code = receipts.new_code()
    stored = receipts.digest(code)
    with transaction.atomic():  # the story and her answers' holding row, or neither
        token = ""
        if answers is not None and not answers.empty:
            token = answers_hold(answers=answers, region=region or "", month=timezone.localdate())
        story = Story.objects.create(
            text=clean,
            region=region or "",
            consent=Consent(consent),
            channel=Channel(channel),
            received_on=timezone.localdate(),  # a day, never a time (invariant 2)
            receipt_key_id=stored.key_id,
            receipt_hash=stored.value,
            no_proof_of_work=no_proof_of_work,
            told_at=told_at,
            statistics_token=token,
        )
    story_id = str(story.id)
    transaction.on_commit(lambda: story_received.send(sender=Story, story_id=story_id))
    return Submitted(receipt=code, status=story.status, story_id=story_id)


def story_transition(
    *,
    story: Story,
    to: str,
    action: AuditAction,
    actor=None,
    reason: str = "",
    duration: timedelta | None = None,
    **changes,
) -> Story:
    """Move a story to another status: check the move is allowed, save, write the audit event.

    The caller holds the row (select_for_update) when others may act on it at once.
    `duration` is how long the actor worked on the story (the audit log's only measure of time).
    """
    if to not in TRANSITIONS[story.status]:
        raise TransitionNotAllowed(f"{story.status} -> {to}")
    previous = story.status
    if story.statistics_token and to in DECIDED:
        # The review decided: her answers count (approved) or go (rejected, withdrawn before
        # a decision); the token that tied them to the story is erased on both sides.
        answers_settle(token=story.statistics_token, counted=to == Status.APPROVED)
        story.statistics_token = ""
    for field, value in changes.items():
        setattr(story, field, value)
    story.status = to
    story.version += 1
    story.save()
    if Status.PUBLISHED in (previous, to):  # what some wall shows has changed
        _walls_of(story)
    audit_record(action=action, story=story, actor=actor, reason=reason, duration=duration)
    return story


def story_mark_screened(
    *, story: Story, language: str, held: bool, urgent: bool, incomplete: bool
) -> Story:
    return story_transition(
        story=story,
        to=Status.HELD if held else Status.PENDING,
        action=AuditAction.SCREENED,
        language=language,
        urgent=urgent,
        screening_incomplete=incomplete,
    )


def story_hold(*, story: Story, reason: str) -> Story:
    """Hold a story that waits for review (e.g. found to belong to a flood): a moderator
    releases it to pending or rejects it."""
    return story_transition(story=story, to=Status.HELD, action=AuditAction.HELD, reason=reason)


def _walls_of(story: Story) -> None:
    ids = list(story.installations.values_list("id", flat=True))
    walls_changed.send(sender=Story, installation_ids=ids)


def story_erase(*, story: Story) -> None:
    """Erase the text and everything derived from it, now (DESIGN.md invariant 6)."""
    if story.status == Status.PUBLISHED:  # off every wall, cached renderings included
        _walls_of(story)
    story_erase_derived(story=story)
    story.text = ""
    story.published_text = ""
    story.publish_at = None
    story.installations.clear()
    transaction.on_commit(erasure.after_erasure)


def story_erase_derived(*, story: Story) -> None:
    """Delete every row derived from the story's text: findings, redactions, notes, signatures.

    Any model of any app with a foreign key to Story counts as derived, except models that
    declare `kept_on_story_erasure` (the audit trail, which holds no text).
    """
    for relation in Story._meta.related_objects:
        model = relation.related_model
        if getattr(model, "kept_on_story_erasure", False):
            continue
        model._default_manager.filter(**{relation.field.name: story}).delete()


@transaction.atomic
def story_withdraw(*, receipt: str) -> bool:
    """The receipt holder takes her story back. False if no story has this receipt."""
    story = story_by_receipt(receipt=receipt, lock=True)
    if story is None:
        return False
    if story.status == Status.WITHDRAWN:
        return True
    story_erase(story=story)
    story_transition(story=story, to=Status.WITHDRAWN, action=AuditAction.WITHDRAWN)
    return True
