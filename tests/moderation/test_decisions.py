"""Decisions: versions and conflicts, approval and its schedule, rejection, escalation,
release, second review, clusters, unpublishing, and the trail each leaves."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from moderation import claims, decisions, errors
from moderation.models import FirstApproval, Redaction, ReviewNote, Severity, StorySignature
from testimony.models import AuditEvent, Installation, Status, Story
from testimony.services import story_withdraw
from tests.moderation.factories import approve, pii, screened
from tests.testimony.factories import submitted as tell

pytestmark = pytest.mark.django_db

NAME_TEXT = "My husband Serik Akhmetov beat me in front of our children."
NAME = (11, 25)  # "Serik Akhmetov"


def test_deciding_without_the_claim_is_a_conflict(moderator):
    story = screened()
    with pytest.raises(errors.Conflict) as error:
        decisions.story_reject(
            story_id=story.id, user=moderator, version=story.version, reason="spam"
        )
    assert error.value.code == "not_claimed"
    assert Story.objects.get(id=story.id).status == Status.PENDING


def test_deciding_on_a_stale_version_is_a_conflict(moderator):
    story = screened()
    claims.claim_take(story_id=story.id, user=moderator)
    with pytest.raises(errors.Conflict) as error:
        decisions.story_approve(story_id=story.id, user=moderator, version=story.version - 1)
    assert error.value.code == "stale_version"
    assert Story.objects.get(id=story.id).status == Status.PENDING


def test_a_decision_on_anothers_claim_is_a_conflict(moderator, other_moderator):
    story = screened()
    claims.claim_take(story_id=story.id, user=moderator)
    with pytest.raises(errors.Conflict):
        decisions.story_approve(story_id=story.id, user=other_moderator, version=story.version)


def test_a_withdrawn_story_cannot_be_decided(moderator):
    submitted = tell()
    story = Story.objects.get(id=submitted.story_id)
    from testimony.services import story_mark_screened

    story_mark_screened(story=story, language="en", held=False, urgent=False, incomplete=False)
    claims.claim_take(story_id=story.id, user=moderator)
    story_withdraw(receipt=submitted.receipt)
    story.refresh_from_db()
    with pytest.raises(errors.Conflict):
        decisions.story_approve(story_id=story.id, user=moderator, version=story.version)


def test_approval_schedules_the_redacted_text_within_the_window(moderator, settings):
    settings.WALL_DELAY_MIN_SECONDS, settings.WALL_DELAY_MAX_SECONDS = 1800, 10800
    place = Installation.objects.create(name="Astana station", slug="astana-station")
    story = screened(NAME_TEXT)
    before = timezone.now()
    done = approve(
        story,
        moderator,
        redactions=[{"start": NAME[0], "end": NAME[1], "placeholder": "[name]"}],
        labels=["physical-violence", "violence-against-children"],
        installations=["astana-station"],
    )
    story.refresh_from_db()
    assert done.status == story.status == Status.APPROVED
    assert story.published_text == "My husband [name] beat me in front of our children."
    assert story.text == NAME_TEXT  # the original stays for the record until publication
    assert before + timedelta(seconds=1800) <= story.publish_at
    assert story.publish_at <= timezone.now() + timedelta(seconds=10800)
    assert story.labels == ["physical-violence", "violence-against-children"]
    assert list(story.installations.all()) == [place]


def test_publication_delays_are_random_within_the_window(settings):
    settings.WALL_DELAY_MIN_SECONDS, settings.WALL_DELAY_MAX_SECONDS = 100, 200
    from testimony.wall.publication import publish_time

    now = timezone.now()
    delays = {(publish_time(now=now) - now).total_seconds() for _ in range(200)}
    assert min(delays) >= 100 and max(delays) <= 200 and len(delays) > 50


def test_a_private_story_is_approved_but_never_scheduled(moderator):
    story = screened(consent="private")
    approve(story, moderator)
    story.refresh_from_db()
    assert story.status == Status.APPROVED and story.publish_at is None
    assert story.published_text == ""


def test_rejection_needs_a_reason_from_the_list_and_keeps_the_note(moderator):
    story = screened()
    claims.claim_take(story_id=story.id, user=moderator)
    with pytest.raises(errors.Invalid):
        decisions.story_reject(
            story_id=story.id, user=moderator, version=story.version, reason="i do not like it"
        )
    decisions.story_reject(
        story_id=story.id,
        user=moderator,
        version=story.version,
        reason="not-testimony",
        note="An advert for a sauna.",
    )
    story.refresh_from_db()
    assert story.status == Status.REJECTED
    assert AuditEvent.objects.get(story_id=story.id, action="rejected").reason == "not-testimony"
    assert ReviewNote.objects.get(story=story).text == "An advert for a sauna."


def test_an_escalated_story_waits_for_a_lead(moderator, lead):
    story = screened()
    claims.claim_take(story_id=story.id, user=moderator)
    decisions.story_escalate(story_id=story.id, user=moderator, version=story.version)
    story.refresh_from_db()
    assert story.escalated and story.status == Status.PENDING
    with pytest.raises(errors.Forbidden):
        approve(story, moderator)
    claims.claim_release(story_id=story.id, user=moderator)
    assert approve(story, lead).status == Status.APPROVED


def test_a_lead_returns_an_escalated_story_to_the_queue(moderator, lead):
    story = screened()
    claims.claim_take(story_id=story.id, user=moderator)
    decisions.story_escalate(story_id=story.id, user=moderator, version=story.version)
    story.refresh_from_db()
    claims.claim_take(story_id=story.id, user=lead)
    decisions.story_release(story_id=story.id, user=lead, version=story.version)
    story.refresh_from_db()
    assert not story.escalated and story.status == Status.PENDING


def test_a_held_story_is_released_to_the_queue_before_approval(moderator):
    story = screened(held=True)
    claims.claim_take(story_id=story.id, user=moderator)
    with pytest.raises(errors.Conflict):
        decisions.story_approve(story_id=story.id, user=moderator, version=story.version)
    decisions.story_release(story_id=story.id, user=moderator, version=story.version)
    story.refresh_from_db()
    assert story.status == Status.PENDING
    assert AuditEvent.objects.filter(story_id=story.id, action="released").exists()


def test_a_danger_finding_needs_a_leads_second_approval(moderator, other_moderator, lead):
    story = screened(
        "He said he will kill me tonight if I tell anyone.",
        findings=[("danger", "threat", Severity.HIGH, 3, 23)],
        urgent=True,
    )
    first = approve(story, moderator, labels=["physical-violence"])
    story.refresh_from_db()
    assert first.second_review_pending and story.status == Status.PENDING
    assert story.second_review_needed and story.publish_at is None
    assert FirstApproval.objects.get(story=story).approver == moderator

    with pytest.raises(errors.Forbidden):  # not a lead
        approve(story, other_moderator)
    claims.claim_release(story_id=story.id, user=other_moderator)
    with pytest.raises(errors.Forbidden):  # the same person twice
        approve(story, moderator)
    claims.claim_release(story_id=story.id, user=moderator)
    second = approve(story, lead, labels=["physical-violence"])
    story.refresh_from_db()
    assert second.status == story.status == Status.APPROVED
    assert story.publish_at is not None and not story.second_review_needed
    assert not FirstApproval.objects.filter(story=story).exists()


def test_unredacted_high_severity_pii_needs_a_second_approval(moderator):
    story = screened(NAME_TEXT, findings=[pii("name", *NAME)])
    assert approve(story, moderator).second_review_pending


def test_redacted_pii_is_approved_at_once(moderator):
    story = screened(NAME_TEXT, findings=[pii("name", *NAME)])
    done = approve(story, moderator, redactions=[{"start": 11, "end": 25, "placeholder": "[name]"}])
    assert done.status == Status.APPROVED


def test_second_review_can_be_switched_off(moderator, settings):
    settings.SECOND_REVIEW_REQUIRED = False
    story = screened(NAME_TEXT, findings=[pii("name", *NAME)])
    assert approve(story, moderator).status == Status.APPROVED


def test_a_held_cluster_is_rejected_in_bulk_with_one_reason(moderator, other_moderator):
    flood = [
        screened(f"Fake story number {n} written by a bot farm.", held=True, cluster="c1")
        for n in range(4)
    ]
    held_by_other = flood[0]
    claims.claim_take(story_id=held_by_other.id, user=other_moderator)
    pending_in_cluster = screened("A real story that resembles it.", cluster="c1")
    elsewhere = screened("Another campaign, another set of words.", held=True, cluster="c2")

    assert decisions.cluster_reject(cluster="c1", user=moderator, reason="campaign") == 3
    statuses = dict(Story.objects.values_list("id", "status"))
    assert [statuses[s.id] for s in flood[1:]] == [Status.REJECTED] * 3
    assert statuses[held_by_other.id] == Status.HELD
    assert statuses[pending_in_cluster.id] == Status.PENDING
    assert statuses[elsewhere.id] == Status.HELD
    reasons = set(AuditEvent.objects.filter(action="rejected").values_list("reason", flat=True))
    assert reasons == {"campaign"}


def test_only_a_lead_unpublishes_and_the_wall_is_told(
    moderator, lead, django_capture_on_commit_callbacks
):
    from testimony.signals import story_unpublished

    story = screened()
    approve(story, moderator)
    story.refresh_from_db()
    with pytest.raises(errors.Forbidden):
        decisions.story_unpublish(
            story_id=story.id, user=moderator, version=story.version, reason="identifying"
        )
    told = []
    story_unpublished.connect(
        lambda sender, story_id, **kw: told.append(story_id), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            decisions.story_unpublish(
                story_id=story.id, user=lead, version=story.version, reason="identifying"
            )
    finally:
        story_unpublished.disconnect(dispatch_uid="t")
    story.refresh_from_db()
    assert story.status == Status.REJECTED and story.publish_at is None
    assert told == [str(story.id)]
    assert AuditEvent.objects.get(story_id=story.id, action="unpublished").reason == "identifying"


def test_every_claim_and_decision_is_in_the_log_with_its_actor(moderator):
    story = screened()
    claims.claim_take(story_id=story.id, user=moderator)
    claims.claim_release(story_id=story.id, user=moderator)
    approve(story, moderator)
    actions = list(
        AuditEvent.objects.filter(story_id=story.id, actor=moderator).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(["claimed", "skipped", "claimed", "approved"])
    assert cache.get(f"claim:{story.id}") is None


def test_withdrawal_erases_notes_redactions_approvals_and_cluster(moderator):
    submitted = tell(text=NAME_TEXT)
    story = Story.objects.get(id=submitted.story_id)
    from testimony.services import story_mark_screened

    story_mark_screened(story=story, language="en", held=False, urgent=True, incomplete=False)
    StorySignature.objects.create(story=story, minhash=b"", cluster="c9")
    claims.claim_take(story_id=story.id, user=moderator)
    story.refresh_from_db()
    decisions.story_approve(
        story_id=story.id,
        user=moderator,
        version=story.version,
        redactions=[{"start": 11, "end": 25, "placeholder": "[name]"}],
        note="Check the children's ages.",
    )
    assert FirstApproval.objects.filter(story=story).exists()
    story_withdraw(receipt=submitted.receipt)
    for model in (ReviewNote, Redaction, FirstApproval, StorySignature):
        assert not model.objects.filter(story_id=story.id).exists(), model.__name__
