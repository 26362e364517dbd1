"""The statistics release on a real worker (PostgreSQL, Redis, Celery): counted answers move
in one batch, written by the release's own transaction."""

import random

import pytest
from django.db import connection

from figures.models import Answers, PendingAnswers, Release
from figures.tasks import release
from testimony.signals import story_received
from tests.figures import factories
from tests.integration.conftest import wait_for
from tests.moderation import factories as review

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_makes_a_release_from_the_counted_answers(celery_worker, monkeypatch):
    # The factories route each story as screening would; the live worker must not screen it
    # at the same time (its real findings, twelve near-identical texts making a campaign, would
    # race the factory's routing and could send an approval to a second review).
    monkeypatch.setattr(story_received, "receivers", [])
    rng = random.Random(16)
    for _ in range(12):
        review.approved(answers=factories.random_answers(rng))
    review.pending(answers=factories.random_answers(rng))  # not decided: stays waiting
    release.delay()
    wait_for(lambda: Release.objects.exists(), timeout=90, message="the worker's release")
    assert Answers.objects.count() == 12
    assert PendingAnswers.objects.count() == 1 and not PendingAnswers.objects.filter(counted=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM figures_answers")
        assert cursor.fetchone()[0] == 1  # one writer: the release, not the decisions
