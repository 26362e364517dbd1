"""The worker keeps its PostgreSQL connection from task to task, and replaces it when it breaks.

Celery's Django fixup used to close the connection before and after every task: each story
screened opened a new one (a forked server process and its authentication), which capped the
pipeline below 50 stories/s on two cores (bench/pipeline.py). config/celery.py keeps them as
Django does between requests.
"""

import pytest
from django.db import connection

from testimony.models import Status, Story
from tests.integration.conftest import wait_for
from tests.testimony.factories import submitted as tell

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

STORY = "Муж кричал на меня каждую ночь, я боялась возвращаться домой после работы. ({})"


def _sessions() -> int:
    """Connections ever opened to the test database (PostgreSQL 14+ keeps the count)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


def _tell_and_wait(count: int, offset: int) -> list[Story]:
    ids = [tell(text=STORY.format(offset + n)).story_id for n in range(count)]
    wait_for(
        lambda: not Story.objects.filter(id__in=ids, status=Status.RECEIVED).exists(),
        timeout=120,
        message=f"the worker to screen {count} stories",
    )
    return list(Story.objects.filter(id__in=ids))


def _settled_sessions() -> int:
    """The counter is reported when a session ends: read it until it stops moving."""
    last = [None]

    def steady():
        now = _sessions()
        same, last[0] = now == last[0], now
        return same

    wait_for(steady, timeout=10, interval=0.5, message="pg_stat_database to settle")
    return last[0]


def test_the_worker_reuses_its_database_connection_from_task_to_task(celery_worker):
    _tell_and_wait(2, 0)  # the worker's child has connected once
    before = _settled_sessions()
    stories = _tell_and_wait(30, 100)
    opened = _settled_sessions() - before
    assert not any(story.screening_incomplete for story in stories)
    # Before the fix: two or more per story (closed before and after each task).
    assert opened < 5, f"{opened} connections opened for 30 stories"


def test_the_worker_replaces_a_connection_the_server_has_closed(celery_worker):
    _tell_and_wait(2, 200)
    with connection.cursor() as cursor:  # as a PostgreSQL restart would, for every other client
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1  # the worker's connection was there, and is gone
    stories = _tell_and_wait(5, 300)
    # Screened fully, not failed closed: the broken connection was found and replaced.
    assert not any(story.screening_incomplete for story in stories)
