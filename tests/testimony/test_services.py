import pytest

from testimony.models import AuditAction, AuditEvent, Status, Story
from testimony.services import TransitionNotAllowed, story_transition, story_withdraw
from tests.testimony.factories import submitted as tell

pytestmark = pytest.mark.django_db


def test_submit_keeps_a_day_and_a_keyed_receipt_only():
    submitted = tell()
    story = Story.objects.get(id=submitted.story_id)
    assert story.status == Status.RECEIVED
    assert story.receipt_hash != submitted.receipt
    assert submitted.receipt.replace("-", "") not in story.receipt_hash
    assert story.received_on is not None


STORY = " He took my passport and my phone. I left anyway, and I am alive."
# (what she typed, what is stored): cleaned once, by the intake service, whatever the door.
TYPED_AND_STORED = [
    ("&amp;lt;script&amp;gt;" + STORY, "&amp;lt;script&amp;gt;" + STORY),
    ("I typed &lt; and a < b & c." + STORY, "I typed &lt; and a < b & c." + STORY),
    ("<<b>script>alert(1)</script>" + STORY, "alert(1)" + STORY),
    ("<b>bold</b> &amp; \u200bhidden" + STORY, "bold &amp; hidden" + STORY),
]


@pytest.mark.parametrize(("typed", "stored"), TYPED_AND_STORED)
def test_submit_stores_what_she_typed_minus_markup(typed, stored):
    story = Story.objects.get(id=tell(text=typed).story_id)
    assert story.text == stored


def test_submit_refuses_a_story_too_short_once_cleaned():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        tell(text="<p>" + "<b></b>" * 20 + "short</p>")
    assert not Story.objects.exists()


def test_transitions_are_checked_and_audited_with_the_day_only():
    story = Story.objects.get(id=tell().story_id)
    with pytest.raises(TransitionNotAllowed):
        story_transition(story=story, to=Status.PUBLISHED, action=AuditAction.PUBLISHED)
    story_transition(story=story, to=Status.PENDING, action=AuditAction.SCREENED)
    event = AuditEvent.objects.get(story_id=story.id)
    assert event.action == "screened" and event.day is not None and event.at is None
    assert story.version == 2


def test_withdrawn_is_final():
    submitted = tell()
    assert story_withdraw(receipt=submitted.receipt)
    story = Story.objects.get(id=submitted.story_id)
    for status in Status.values:
        with pytest.raises(TransitionNotAllowed):
            story_transition(story=story, to=status, action=AuditAction.SCREENED)


def test_rotated_receipt_secret_keeps_old_receipts_working(settings):
    settings.RECEIPT_KEYS = "old:first-secret"
    submitted = tell()
    settings.RECEIPT_KEYS = "new:second-secret,old:first-secret"
    newer = tell()
    assert Story.objects.get(id=newer.story_id).receipt_key_id == "new"
    assert story_withdraw(receipt=submitted.receipt)
    assert Story.objects.get(id=submitted.story_id).status == Status.WITHDRAWN


def test_audit_events_cannot_be_changed_or_deleted():
    story = Story.objects.get(id=tell().story_id)
    story_transition(story=story, to=Status.PENDING, action=AuditAction.SCREENED)
    event = AuditEvent.objects.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
