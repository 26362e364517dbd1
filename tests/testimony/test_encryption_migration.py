"""The data migration seals existing plain-text rows (stories, published texts, notes), empties
the plain columns (testimony 0007, moderation 0006)."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from moderation.models import ReviewNote
from testimony.models import Story, StoryKey

BEFORE = [("testimony", "0009_installation_statistic"), ("moderation", "0005_urgency_feedback")]
AFTER = [("testimony", "0010_story_encryption"), ("moderation", "0006_note_encryption")]
TEXT = "Plain-marker-6620: before the upgrade he took my documents"
SHOWN = "Plain-marker-6621: [name] took my documents"
NOTE = "Plain-marker-6622: a moderator's note"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_plain_rows_are_sealed_and_the_plain_columns_dropped(django_user_model):
    old = _migrate(BEFORE)
    OldStory, OldNote = (
        old.get_model("testimony", "Story"),
        old.get_model("moderation", "ReviewNote"),
    )
    story_id = uuid.uuid4()
    OldStory.objects.create(
        id=story_id,
        text=TEXT,
        published_text=SHOWN,
        consent="wall",
        channel="web",
        status="approved",
        received_on=datetime.date(2026, 11, 30),
        receipt_key_id="k",
        receipt_hash="h" * 64,
    )
    erased = OldStory.objects.create(
        consent="wall",
        channel="web",
        status="withdrawn",
        received_on=datetime.date(2026, 11, 30),
        receipt_key_id="k",
        receipt_hash="e" * 64,
    )
    OldNote.objects.create(story_id=story_id, text=NOTE, written_on=datetime.date(2026, 11, 30))
    _migrate(AFTER)
    story = Story.objects.get(id=story_id)
    assert (story.text, story.published_text) == (TEXT, SHOWN)
    assert ReviewNote.objects.get().text == NOTE
    assert StoryKey.objects.count() == 1  # the erased story gets no key
    assert Story.objects.get(id=erased.id).text == ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM testimony_story")
        rows = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM moderation_reviewnote")
        rows += repr(cursor.fetchall())
    assert "Plain-marker" not in rows
