import pytest

from testimony.models import Status, Story
from testimony.wall.tasks import publish_due
from tests.integration.conftest import wait_for
from tests.testimony.wall import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_publishes_the_due_batch(celery_worker):
    place = factories.installation()
    for _ in range(3):
        factories.approved(at=[place])
    publish_due.delay()
    wait_for(
        lambda: Story.objects.filter(status=Status.PUBLISHED, publish_at=None).count() == 3,
        timeout=90,
        message="the worker to publish the batch",
    )
