"""Celery tasks: thin, idempotent, carrying ids only."""

from celery import shared_task
from celery.signals import worker_init
from django.conf import settings

from moderation import screening

TRANSIENT = screening.transient_errors()


@shared_task(
    bind=True,
    name="moderation.screen_story",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=settings.SCREENING_MAX_RETRIES,
    soft_time_limit=settings.SCREENING_SOFT_TIME_LIMIT,
    time_limit=settings.SCREENING_TIME_LIMIT,
    ignore_result=True,
)
def screen_story(self, story_id: str) -> None:
    try:
        screening.story_screen(story_id=story_id)
    except TRANSIENT:
        if self.request.retries >= self.max_retries:
            # Out of retries: fail closed if the database lets us; if not, the story stays
            # in `received` and the sweep brings it back.
            screening.story_screen_failed(story_id=story_id)
            return
        raise


@shared_task(name="moderation.sweep_received", ignore_result=True, time_limit=300)
def sweep_received() -> int:
    return screening.screening_sweep()


@worker_init.connect
def _load_models_before_fork(**kwargs) -> None:
    """Load the language models, natasha and the lists once in the worker's parent process:
    the pool's children share those pages instead of each loading its own copy."""
    from django.db import connections

    from moderation import screeners

    screeners.warm_up()
    connections.close_all()  # a connection must never be shared by the forked children
