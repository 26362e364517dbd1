"""Celery tasks: thin, idempotent, carrying ids only."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from moderation import screening

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="moderation.screen_story",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
    ignore_result=True,
)
def screen_story(story_id: str) -> None:
    screening.story_screen(story_id=story_id)


@shared_task(name="moderation.sweep_received", ignore_result=True, time_limit=300)
def sweep_received() -> int:
    return screening.screening_sweep()
