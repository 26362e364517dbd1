"""Review: claims, redaction and decisions. Views, the API and commands all call these.

Every status change goes through testimony.services.story_transition, which checks the move
and writes the audit event (the day only, and how long the moderator held the story).
A decision names the story's version: a stale version, or acting without the claim, is a
Conflict, never a silent overwrite. Who may act on which story is moderation.policy's answer,
asked here too, so no entry point can skip it. A decision never removes a saved redaction
unless it names it (`unredact`): redactions only ever add up otherwise.
"""

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from moderation.errors import Conflict, Forbidden, Invalid, Missing
from moderation.models import (
    FirstApproval,
    ModeratorProfile,
    Placeholder,
    Redaction,
    RejectReason,
    ReviewNote,
    Severity,
    StorySignature,
)
from moderation.policy import Action, require
from testimony.models import AuditEvent, Consent, Installation, Label, Status, Story
from testimony.publication import publish_time
from testimony.services import audit_story_event, story_transition
from testimony.signals import story_unpublished

REVIEWABLE = (Status.PENDING, Status.HELD)
# The audit actions that count as a decision (for the daily cap and the metrics).
DECISIONS = ("approved", "approved_first", "rejected", "escalated", "released")
NOTE_MAX_CHARS = 2000


STALE = _("This story changed since you opened it. Please reload it and check again.")
NOT_CLAIMED = _("You no longer hold this story (the claim expired). Please open it again.")
CLAIMED = _("Another moderator is reviewing this story.")
NOT_WAITING = _("This story is no longer waiting for review.")
CAP_REACHED = _("You have reached today's limit of stories. Thank you for your work today.")


# --- Claims: in the cache only, with a TTL, so a decided story keeps no trace of them --------
@dataclass(frozen=True)
class Claim:
    story_id: str
    user_id: int
    since: float  # wall-clock seconds, in the cache only: the duration the audit log records
    seconds: int

    @property
    def held_for(self) -> timedelta:
        return timedelta(seconds=max(0, round(time.time() - self.since)))


def _claim_key(story_id) -> str:
    return f"claim:{story_id}"


def claim_of(story_id) -> Claim | None:
    value = cache.get(_claim_key(story_id))
    if value is None:
        return None
    return Claim(str(story_id), value["user"], value["since"], settings.CLAIM_SECONDS)


def claims_for(story_ids: Iterable) -> dict[str, int]:
    """story id -> id of the moderator who holds it, for the stories that are claimed."""
    keys = {_claim_key(i): str(i) for i in story_ids}
    return {keys[k]: v["user"] for k, v in cache.get_many(list(keys)).items()}


def _story(story_id, *, lock: bool = False) -> Story:
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
    story = _story(story_id)
    require(user, Action.OPEN, story)
    if story.status not in REVIEWABLE:
        raise Conflict(NOT_WAITING, code="not_waiting")
    held = claim_of(story.id)
    if held is not None and held.user_id == user.pk:
        return claim_renew(story_id=story.id, user=user)
    if cap_reached(user=user):
        raise Forbidden(CAP_REACHED, code="daily_cap")
    value = {"user": user.pk, "since": time.time()}
    if not cache.add(_claim_key(story.id), value, timeout=settings.CLAIM_SECONDS):
        held = claim_of(story.id)
        if held is None or held.user_id != user.pk:
            raise Conflict(CLAIMED, code="claimed")
        return held
    audit_story_event(story=story, action="claimed", actor=user)
    return Claim(str(story.id), user.pk, value["since"], settings.CLAIM_SECONDS)


def claim_renew(*, story_id, user) -> Claim:
    """Keep working: the claim runs CLAIM_SECONDS from now. Fails if it expired or is another's."""
    held = claim_of(story_id)
    if held is None or held.user_id != user.pk:
        raise Conflict(NOT_CLAIMED, code="not_claimed")
    cache.set(_claim_key(story_id), {"user": user.pk, "since": held.since}, settings.CLAIM_SECONDS)
    return held


def claim_release(*, story_id, user) -> bool:
    """Skip a story without deciding: it goes back to the queue. Always allowed."""
    held = claim_of(story_id)
    if held is None or held.user_id != user.pk:
        return False
    cache.delete(_claim_key(story_id))
    story = Story.objects.filter(id=story_id).first()
    if story is not None:
        audit_story_event(story=story, action="skipped", actor=user, duration=held.held_for)
    return True


def _drop_claim(story_id) -> None:
    # At once, not on commit: should the decision roll back, whoever claims the story next
    # still meets the version check, so nothing is overwritten.
    cache.delete(_claim_key(story_id))


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


def _for_decision(*, story_id, user, version, action: Action) -> tuple[Story, Claim]:
    """The locked story, if this moderator may act on it, holds its claim and saw its version."""
    story = _story(story_id, lock=True)
    require(user, action, story)
    held = claim_of(story.id)
    if held is None or held.user_id != user.pk:
        raise Conflict(NOT_CLAIMED if held is None else CLAIMED, code="not_claimed")
    _check_version(story, version)
    if story.status not in REVIEWABLE:
        raise Conflict(NOT_WAITING, code="not_waiting")
    return story, held


# --- Redaction ----------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    placeholder: str = Placeholder.REMOVED


def _span_of(item) -> Span:
    if isinstance(item, Span):
        return item
    try:
        return Span(
            int(item["start"]),
            int(item["end"]),
            str(item.get("placeholder") or Placeholder.REMOVED),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise Invalid(_("Each redaction needs a start, an end and a placeholder.")) from None


def spans_clean(redactions: Iterable, text: str) -> list[Span]:
    """Validate spans (code-point offsets into `text`); overlapping spans merge into one."""
    spans = []
    if not isinstance(redactions, (list, tuple)):
        raise Invalid(_("The redactions could not be read."))
    for item in redactions:
        span = _span_of(item)
        if not 0 <= span.start < span.end <= len(text):
            raise Invalid(_("A redaction lies outside the story's text."))
        if span.placeholder not in Placeholder.values:
            raise Invalid(_("Unknown placeholder."))
        spans.append(span)
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), last.placeholder)
        else:
            merged.append(span)
    return merged


def placeholder_in(placeholder: str, language: str) -> str:
    """A placeholder in the story's own language ("[имя]" in a Russian story)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        return placeholder
    with translation.override(language):
        return str(Placeholder(placeholder).label)


def redacted_text(text: str, spans: Iterable[Span], language: str = "") -> str:
    """The text with every span replaced by its placeholder: what the wall shows."""
    out, at = [], 0
    for span in sorted(spans):
        out.append(text[at : span.start])
        out.append(placeholder_in(span.placeholder, language))
        at = span.end
    out.append(text[at:])
    return "".join(out)


def _stored_spans(story: Story) -> list[Span]:
    return [
        Span(r.start, r.end, r.placeholder)
        for r in Redaction.objects.filter(story=story).order_by("start")
    ]


def spans_after(*, stored: list[Span], add, remove, text: str) -> list[Span]:
    """The redactions after a request: the saved ones, minus those `remove` names (each by
    its start and end), plus `add` (a span over a saved one's exact range changes its
    placeholder). Nothing else ever takes a saved redaction away."""
    if not isinstance(remove, (list, tuple)):
        raise Invalid(_("The redactions could not be read."))
    removing = {(span.start, span.end) for span in map(_span_of, remove)}
    if removing - {(span.start, span.end) for span in stored}:
        raise Conflict(STALE, code="stale_version")
    added = spans_clean(add, text)
    replaced = removing | {(span.start, span.end) for span in added}
    return spans_clean([s for s in stored if (s.start, s.end) not in replaced] + added, text)


def _spans_requested(story: Story, redactions, unredact) -> list[Span]:
    return spans_after(
        stored=_stored_spans(story), add=redactions or [], remove=unredact or [], text=story.text
    )


def _store_spans(*, story: Story, spans: list[Span], user, duration) -> bool:
    """Replace the story's redactions; an audit event and a new version when they changed."""
    if spans == _stored_spans(story):
        return False
    Redaction.objects.filter(story=story).delete()
    Redaction.objects.bulk_create(
        Redaction(story=story, start=s.start, end=s.end, placeholder=s.placeholder) for s in spans
    )
    story_transition(story=story, to=story.status, action="redacted", actor=user, duration=duration)
    return True


@transaction.atomic
def story_redact(*, story_id, user, version, redactions=(), unredact=()) -> Story:
    """Add (and, by name, remove) redactions of a pending story the moderator holds.
    Returns the story, with a new version when they changed."""
    story, held = _for_decision(story_id=story_id, user=user, version=version, action=Action.REDACT)
    if story.status != Status.PENDING:
        raise Conflict(_("Release this held story to the queue before redacting it."), "held")
    spans = _spans_requested(story, redactions, unredact)
    _store_spans(story=story, spans=spans, user=user, duration=held.held_for)
    return story


# --- Decisions ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decided:
    story_id: str
    status: str
    version: int
    second_review_pending: bool = False
    publish_at: object = None


def _note(*, story: Story, user, note: str) -> None:
    note = (note or "").strip()
    if note:
        ReviewNote.objects.create(
            story=story, author=user, text=note[:NOTE_MAX_CHARS], written_on=timezone.localdate()
        )


def _labels_clean(labels) -> list[str]:
    labels = list(dict.fromkeys(labels or []))
    unknown = [label for label in labels if label not in Label.values]
    if unknown:
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


def _covered(start: int, end: int, spans: list[Span]) -> bool:
    at = start
    for span in sorted(spans):
        if span.start <= at < span.end:
            at = span.end
        if at >= end:
            return True
    return at >= end


def needs_second_review(*, story: Story, spans: list[Span]) -> bool:
    """A danger finding, or high-severity personal data left unredacted (configurable)."""
    if not settings.SECOND_REVIEW_REQUIRED:
        return False
    findings = list(story.findings.all())
    if story.urgent or any(
        f.screener == "danger" and f.severity >= Severity.HIGH for f in findings
    ):
        return True
    return any(
        f.screener == "pii" and f.severity >= Severity.HIGH and not _covered(f.start, f.end, spans)
        for f in findings
    )


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
    story, held = _for_decision(
        story_id=story_id, user=user, version=version, action=Action.APPROVE
    )
    if story.status != Status.PENDING:
        raise Conflict(_("Release this held story to the queue before approving it."), "held")
    labels = _labels_clean(labels)
    places = _installations_clean(installations)
    spans = _spans_requested(story, redactions, unredact)
    first = FirstApproval.objects.filter(story=story).first()
    _store_spans(story=story, spans=spans, user=user, duration=held.held_for)
    _note(story=story, user=user, note=note)
    _drop_claim(story.id)

    if first is None and not story.escalated and needs_second_review(story=story, spans=spans):
        FirstApproval.objects.create(
            story=story, approver=user, labels=labels, installation_ids=[p.pk for p in places]
        )
        story_transition(
            story=story,
            to=Status.PENDING,
            action="approved_first",
            actor=user,
            duration=held.held_for,
            second_review_needed=True,
        )
        return Decided(str(story.id), story.status, story.version, second_review_pending=True)

    private = story.consent == Consent.PRIVATE  # reviewed for safety, never published
    story_transition(
        story=story,
        to=Status.APPROVED,
        action="approved",
        actor=user,
        duration=held.held_for,
        published_text="" if private else redacted_text(story.text, spans, story.language),
        publish_at=None if private else publish_time(),
        labels=labels,
        escalated=False,
        second_review_needed=False,
    )
    story.installations.set([] if private else places)
    FirstApproval.objects.filter(story=story).delete()
    return Decided(str(story.id), story.status, story.version, publish_at=story.publish_at)


def _reason_clean(reason: str) -> str:
    if reason not in RejectReason.values:
        raise Invalid(_("Choose a reason from the list."), "reason")
    return reason


@transaction.atomic
def story_reject(*, story_id, user, version, reason: str, note: str = "") -> Decided:
    reason = _reason_clean(reason)
    story, held = _for_decision(story_id=story_id, user=user, version=version, action=Action.REJECT)
    _note(story=story, user=user, note=note)
    _drop_claim(story.id)
    FirstApproval.objects.filter(story=story).delete()
    story_transition(
        story=story,
        to=Status.REJECTED,
        action="rejected",
        actor=user,
        reason=reason,
        duration=held.held_for,
        published_text="",
        publish_at=None,
        escalated=False,
        second_review_needed=False,
    )
    return Decided(str(story.id), story.status, story.version)


@transaction.atomic
def story_escalate(*, story_id, user, version, note: str = "", reason: str = "") -> Decided:
    """Send a story to the leads' queue (a held one is released into it)."""
    story, held = _for_decision(
        story_id=story_id, user=user, version=version, action=Action.ESCALATE
    )
    if story.escalated:
        raise Conflict(_("This story is already escalated."), "escalated")
    _note(story=story, user=user, note=note)
    _drop_claim(story.id)
    story_transition(
        story=story,
        to=Status.PENDING,
        action="escalated",
        actor=user,
        reason=reason if reason in RejectReason.values else "",
        duration=held.held_for,
        escalated=True,
    )
    return Decided(str(story.id), story.status, story.version)


@transaction.atomic
def story_release(*, story_id, user, version, note: str = "") -> Decided:
    """A held story goes to the queue; a lead returns an escalated story to the queue."""
    story, held = _for_decision(
        story_id=story_id, user=user, version=version, action=Action.RELEASE
    )
    if story.status == Status.HELD:
        changes = {}
    elif story.escalated:
        changes = {"escalated": False}
    else:
        raise Conflict(_("This story is already in the queue."), "not_held")
    _note(story=story, user=user, note=note)
    _drop_claim(story.id)
    story_transition(
        story=story,
        to=Status.PENDING,
        action="released",
        actor=user,
        duration=held.held_for,
        **changes,
    )
    return Decided(str(story.id), story.status, story.version)


DECIDE = {
    "approve": story_approve,
    "reject": story_reject,
    "escalate": story_escalate,
    "release": story_release,
}


def story_decide(*, action: str, **kwargs) -> Decided:
    """One entry for the forms and the API: the keyword arguments each action accepts."""
    if action not in DECIDE:
        raise Invalid(_("Unknown action."), "action")
    accepted = {
        "approve": {"redactions", "unredact", "labels", "installations", "note"},
        "reject": {"reason", "note"},
        "escalate": {"note", "reason"},
        "release": {"note"},
    }[action] | {"story_id", "user", "version"}
    return DECIDE[action](**{k: v for k, v in kwargs.items() if k in accepted})


@transaction.atomic
def story_unpublish(*, story_id, user, version, reason: str, note: str = "") -> Decided:
    """A lead takes an approved or published story off the wall at once, with a reason."""
    reason = _reason_clean(reason)
    story = _story(story_id, lock=True)
    require(user, Action.UNPUBLISH, story)
    _check_version(story, version)
    if story.status not in (Status.APPROVED, Status.PUBLISHED):
        raise Conflict(_("This story is not on the wall."), "not_published")
    _note(story=story, user=user, note=note)
    story_transition(
        story=story,
        to=Status.REJECTED,
        action="unpublished",
        actor=user,
        reason=reason,
        publish_at=None,
    )
    story.installations.clear()
    story_id = str(story.id)
    transaction.on_commit(lambda: story_unpublished.send(sender=Story, story_id=story_id))
    return Decided(story_id, story.status, story.version)


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
    done = 0
    for story in stories:
        if claimed.get(str(story.id), user.pk) != user.pk:
            continue
        _note(story=story, user=user, note=note)
        _drop_claim(story.id)
        story_transition(
            story=story, to=Status.REJECTED, action="rejected", actor=user, reason=reason
        )
        done += 1
    return done
