import pytest

from moderation.models import Finding
from moderation.screeners import language
from moderation.screening import screening_sweep, story_screen
from testimony.models import Status, Story
from tests.testimony.factories import submitted as tell


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My husband shouted at me every night and I was afraid to go home.", "en"),
        ("Муж кричал на меня каждую ночь, и я боялась возвращаться домой.", "ru"),
        ("Күйеуім әр түні маған айқайлайтын, мен үйге қайтуға қорқатынмын.", "kk"),
        (
            "Муж кричал на меня каждую ночь, и я боялась возвращаться домой. "
            "My husband shouted at me every night and I was afraid to go home.",
            "mixed",
        ),
    ],
)
def test_language_is_detected(text, expected):
    assert language.detect(text) == expected


@pytest.mark.django_db
def test_screening_records_the_language_and_moves_to_pending():
    story_id = tell(text="Муж кричал на меня каждую ночь, и я боялась.").story_id
    assert story_screen(story_id=story_id)
    story = Story.objects.get(id=story_id)
    assert story.status == Status.PENDING and story.language == "ru"
    finding = Finding.objects.get(story=story)
    assert (finding.screener, finding.kind, finding.start, finding.end) == (
        "language",
        "ru",
        0,
        len(story.text),
    )


@pytest.mark.django_db
def test_a_second_screening_changes_nothing():
    story_id = tell().story_id
    assert story_screen(story_id=story_id)
    version = Story.objects.get(id=story_id).version
    assert not story_screen(story_id=story_id)
    assert Story.objects.get(id=story_id).version == version
    assert Finding.objects.filter(story_id=story_id).count() == 1


@pytest.mark.django_db
def test_the_sweep_requeues_stories_without_a_live_lease(django_capture_on_commit_callbacks):
    from django.core.cache import cache

    # Intake's on-commit hook never fired (as when the enqueue was lost).
    lost = tell().story_id
    assert Story.objects.get(id=lost).status == Status.RECEIVED
    leased = tell().story_id
    cache.add(f"screening-lease:{leased}", 1, timeout=60)  # a live task holds this one
    assert screening_sweep() == 1
    assert Story.objects.get(id=lost).status == Status.PENDING
    assert Story.objects.get(id=leased).status == Status.RECEIVED


@pytest.mark.django_db
def test_intake_enqueues_screening_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        story_id = tell().story_id
    assert Story.objects.get(id=story_id).status == Status.PENDING


@pytest.mark.django_db
def test_screening_neither_reads_back_nor_rewrites_the_sealed_texts():
    """The locked row is read and saved with the routed columns only: a sealed text sent back
    with every story screened was the pipeline's largest write."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    story_id = tell(text="Муж кричал на меня каждую ночь, и я боялась.").story_id
    sealed = Story.objects.filter(id=story_id).values_list("text", flat=True).get()
    with CaptureQueriesContext(connection) as captured:
        assert story_screen(story_id=story_id)
    writes = [q["sql"] for q in captured if q["sql"].startswith("UPDATE")]
    assert writes and all('"text"' not in sql and "published_text" not in sql for sql in writes)
    reads = [q["sql"] for q in captured if q["sql"].startswith("SELECT")]
    assert sum('"testimony_story"."text"' in sql for sql in reads) == 1  # the screening's own
    story = Story.objects.get(id=story_id)
    assert story.status == Status.PENDING and story.version == 2 and story.language == "ru"
    assert Story.objects.filter(id=story_id).values_list("text", flat=True).get() == sealed
    assert story.text.startswith("Муж кричал")
