"""Data keys and epochs: rotation re-wraps every live key and destroys the old epoch, the
emergency destroys every unpublished story, and the operator's command says what is there."""

import io
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from moderation import decisions
from moderation.models import ReviewNote
from testimony import keys, keystore
from testimony.models import Story, StoryKey
from tests.moderation.factories import claimed, reviewer
from tests.testimony.factories import received, withdrawn
from tests.testimony.wall import factories as wall_factories

pytestmark = pytest.mark.django_db


def keys_command(*args) -> str:
    out = io.StringIO()
    call_command("keys", *args, stdout=out)
    return out.getvalue()


def key_files() -> list[str]:
    return sorted(p.name for p in Path(settings.STORY_KEYSTORE).glob("epoch-*.key"))


def test_rotation_rewraps_every_live_key_and_destroys_the_previous_epoch():
    stories = [received(text=f"Story {n} told before the rotation: he hit me.") for n in range(5)]
    before = set(StoryKey.objects.values_list("epoch", flat=True))
    out = keys_command("rotate")
    after = set(StoryKey.objects.values_list("epoch", flat=True))
    assert len(after) == 1 and after.isdisjoint(before)
    assert key_files() == [f"epoch-{next(iter(after)):06d}.key"]
    assert "rotated" in out
    for n, story in enumerate(stories):
        expected = f"Story {n} told before the rotation: he hit me."
        assert Story.objects.get(id=story.id).text == expected


def test_a_key_wrapped_under_a_destroyed_epoch_no_longer_opens():
    story = received(text="This key is kept aside before the rotation: he shouted.")
    old = StoryKey.objects.values_list("epoch", "wrapped").get(story=story)
    keys.keys_rotate()
    assert keys._unwrap(story.id, *old) is None  # the old wrapping is dead
    assert Story.objects.get(id=story.id).text.startswith("This key is kept aside")


def test_a_story_told_after_a_rotation_uses_the_new_epoch():
    keys.keys_rotate()
    epoch = keystore.keystore().epochs()[-1]
    story = received(text="Told after the rotation: my husband took my money.")
    assert StoryKey.objects.get(story=story).epoch == epoch


def test_the_status_names_each_epoch_and_how_many_keys_it_wraps():
    for n in range(3):
        received(text=f"Counted story {n}: he followed me to work.")
    withdrawn(text="A withdrawn story has no key: he found me.")
    out = keys_command("status")
    epoch = keystore.keystore().epochs()[-1]
    assert f"epoch {epoch}: present, wraps 3 data key(s)" in out
    assert "oldest epoch:" in out


def test_destroy_all_needs_yes():
    received(text="Not destroyed without yes: he hit me again.")
    with pytest.raises(CommandError, match="--yes"):
        keys_command("destroy-all")
    assert Story.objects.get().text


def test_destroy_all_makes_every_unpublished_story_unreadable_and_keeps_the_wall():
    waiting = received(text="A waiting story the emergency destroys: he beat me.")
    lead = reviewer("lead")
    noted = claimed(
        wall_factories.submitted(text="An escalated story with a note: he threatened me.")[0],
        lead,
    )
    decisions.story_escalate(story_id=noted.id, user=lead, version=noted.version, note="her note")
    assert ReviewNote.objects.exists()
    shown = wall_factories.published(
        at=[wall_factories.installation()], text="On the wall, public: he broke the door."
    )
    approved = wall_factories.approved(
        at=[wall_factories.installation()], text="Approved, not yet shown: he took the kids."
    )
    old_files = key_files()
    keys_command("destroy-all", "--yes")
    for story in (waiting, noted, approved):
        read = Story.objects.get(id=story.id)
        assert read.text == "" and read.published_text == ""
        assert not StoryKey.objects.filter(story=story).exists()
    assert not ReviewNote.objects.exists()
    assert Story.objects.get(id=shown.id).published_text == shown.published_text
    assert set(key_files()).isdisjoint(old_files)  # every old epoch destroyed


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_rotates_the_epoch_at_once():
    kept = received(text="A story that stays: he drank every night.")
    before = key_files()
    withdrawn(text="A story to withdraw: he hit me.")
    assert key_files() and set(key_files()).isdisjoint(before)
    assert Story.objects.get(id=kept.id).text == "A story that stays: he drank every night."


def test_keystore_ready_refuses_a_missing_keystore_when_keys_exist(settings, tmp_path):
    received(text="An encrypted story exists: he locked the door.")
    settings.STORY_KEYSTORE = str(tmp_path / "gone")
    with pytest.raises(keystore.KeystoreUnavailable, match="the database holds encrypted"):
        keys.keystore_ready(create_directory=True)
    assert not (tmp_path / "gone").exists()  # nothing written


def test_keystore_ready_refuses_a_keystore_without_the_epoch_the_keys_need(settings, tmp_path):
    received(text="An encrypted story exists: he took my passport.")
    (tmp_path / "empty").mkdir()
    settings.STORY_KEYSTORE = str(tmp_path / "empty")
    with pytest.raises(keystore.KeystoreUnavailable, match="STORY_KEYSTORE"):
        keys.keystore_ready()
    assert list((tmp_path / "empty").iterdir()) == []  # never a fresh key over it
    with pytest.raises(keystore.KeystoreUnavailable):
        received(text="No new story gets a fresh key either.")


def test_a_first_start_makes_the_keystore_and_its_first_epoch(settings, tmp_path):
    settings.STORY_KEYSTORE = str(tmp_path / "keys")
    keys.keystore_ready(create_directory=True)
    files = list((tmp_path / "keys").glob("epoch-*.key"))
    assert len(files) == 1 and files[0].stat().st_mode & 0o777 == 0o600


def test_processes_starting_together_over_an_empty_keystore_all_start(settings, tmp_path):
    """gunicorn's workers boot at once: one makes the first epoch between another's look and
    write. The late one starts too (it failed to boot, and took the web server down with it,
    found by bench/intake.py), over the one epoch, and leaves no temporary file."""
    settings.STORY_KEYSTORE = str(tmp_path / "keys")
    keys.keystore_ready(create_directory=True)  # the first process
    store = keystore.keystore()
    looks = [[], []]  # the late process's two looks (is there one? which next?), before the write
    real = store.epochs
    with mock.patch.object(store, "epochs", lambda: looks.pop() if looks else real()):
        keys.keystore_ready(create_directory=True)
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == ["epoch-000001.key"]


def test_the_real_stack_never_creates_the_keystore_directory(settings, tmp_path):
    settings.STORY_KEYSTORE = str(tmp_path / "not-mounted")
    with pytest.raises(keystore.KeystoreUnavailable) as refused:
        keys.keystore_ready(create_directory=False)
    # Over an empty database it says so, and what to do, not that stories are locked out.
    assert "holds no encrypted story" in str(refused.value)
    assert "mode 0700" in str(refused.value)
    assert not (tmp_path / "not-mounted").exists()


def test_beat_and_the_embedded_runner_rotate_every_epoch():
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["key-rotation"]
    assert entry["task"] == "testimony.rotate_keys" and entry["task"] in app.tasks
    assert entry["schedule"] <= settings.STORY_KEY_EPOCH_SECONDS


def test_the_periodic_job_rotates_once_the_newest_epoch_is_an_epoch_old(settings):
    import os
    import time

    from testimony.tasks import rotate_keys

    received(text="A story under the periodic rotation: he hit me.")
    settings.STORY_KEY_EPOCH_SECONDS = 3600
    first = keystore.keystore().epochs()[-1]
    assert rotate_keys.apply().get() is None  # not due yet
    assert keystore.keystore().epochs() == [first]
    path = Path(settings.STORY_KEYSTORE) / f"epoch-{first:06d}.key"
    old = time.time() - 3700
    os.utime(path, (old, old))
    assert rotate_keys.apply().get() == first + 1
    assert keystore.keystore().epochs() == [first + 1]
