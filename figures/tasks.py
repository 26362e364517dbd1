from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone


@shared_task(
    name="figures.release",
    queue="default",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    max_retries=3,
    ignore_result=True,
    time_limit=1800,
)
def release() -> int:
    # Beat runs this every STATS_RELEASE_SECONDS. Idempotent in effect: a second run moves
    # nothing new and publishes the same figures (the release-to-release rule keeps them).
    from figures.services import release_make

    return release_make(today=timezone.localdate()).number
