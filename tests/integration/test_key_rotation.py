"""Rotation under load: stories told and screened by the real worker while `keys rotate` runs
are all readable afterwards, and the old epochs are gone (issue 12)."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from testimony import keystore
from testimony.models import Status, Story, StoryKey
from testimony.services import story_submit
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _text(n: int) -> str:
    return f"Story {n} told during the rotation: he shouted at me and broke the door."


def test_stories_told_and_screened_while_keys_rotate_are_all_readable(celery_worker):
    told: list[int] = []
    errors: list[BaseException] = []
    for n in range(200):  # something to re-wrap while the others arrive
        story_submit(text=_text(n), consent="wall", channel="web")
        told.append(n)

    def intake():
        try:
            for n in range(200, 260):
                story_submit(text=_text(n), consent="wall", channel="api")
                told.append(n)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    before = set(keystore.keystore().epochs())
    thread = threading.Thread(target=intake)
    thread.start()
    for _ in range(4):
        call_command("keys", "rotate")
    thread.join(120)
    call_command("keys", "rotate")  # and once more after the last story came in
    assert not errors and len(told) == 260
    wait_for(
        lambda: not Story.objects.filter(status=Status.RECEIVED).exists(),
        timeout=240,
        message="the worker to screen every story",
    )
    texts = sorted(story.text for story in Story.objects.all())
    assert texts == sorted(_text(n) for n in range(260))
    epochs = set(StoryKey.objects.values_list("epoch", flat=True))
    assert len(epochs) == 1 and epochs.isdisjoint(before)
    assert keystore.keystore().epochs() == sorted(epochs)
