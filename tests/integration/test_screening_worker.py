import pytest

from testimony.models import Status, Story
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_story_told_through_the_api_is_screened_by_a_real_worker(api, celery_worker, settings):
    settings.POW_ENABLED = False  # not about proof of work
    response = api(
        "/api/v1/stories/",
        {"text": "Он кричал на меня каждый вечер, я боялась.", "consent": "wall"},
    )
    assert response.status_code == 201
    story = wait_for(
        lambda: Story.objects.filter(status=Status.PENDING).first(),
        timeout=90,
        message="the worker to screen the story",
    )
    assert story.language == "ru"
