"""The audit log as moderation writes it: story events carry the day and a duration, never a
time; account and login events their exact time; nothing is ever changed or deleted."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from testimony.models import AuditEvent
from tests.moderation.factories import approve, screened

pytestmark = pytest.mark.django_db

NAME_TEXT = "My husband Serik Akhmetov beat me in front of our children."
NAME = (11, 25)  # "Serik Akhmetov"


def test_story_events_carry_the_day_and_a_duration_never_a_time(moderator):
    story = screened()
    approve(story, moderator)
    events = AuditEvent.objects.filter(story_id=story.id)
    assert {"screened", "claimed", "approved"} <= set(events.values_list("action", flat=True))
    for event in events:
        assert event.at is None and event.day == timezone.localdate()
    decision = events.get(action="approved")
    assert decision.actor == moderator and decision.duration is not None


def test_a_story_event_with_an_exact_time_is_refused_by_the_database():
    story = screened()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(action="x", story_id=story.id, at=timezone.now())


def test_audit_events_cannot_be_changed_or_deleted(moderator):
    story = screened()
    approve(story, moderator)
    event = AuditEvent.objects.filter(story_id=story.id).first()
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(story_id=story.id).update(reason="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(story_id=story.id).delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["reason"])
    with pytest.raises(ProtectedError), transaction.atomic():
        moderator.delete()  # an account with a trail is deactivated, never deleted
    assert not AuditEvent.objects.filter(reason="rewritten").exists()


def test_logins_and_configuration_changes_carry_exact_times(moderator, lead, client):
    from moderation.accounts import moderator_update

    moderator_update(user=moderator, actor=lead, languages=["kk"])
    client.post("/moderate/login/", {"username": "mira", "password": "wrong"})
    for action in ("languages_changed", "login_failed"):
        event = AuditEvent.objects.get(action=action)
        assert event.story_id is None and event.at is not None and event.subject == "mira"
