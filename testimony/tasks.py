from celery import shared_task
from django.db import InterfaceError, OperationalError

from testimony import erasure


@shared_task(
    name="testimony.vacuum_stories", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def vacuum_stories() -> None:
    erasure.vacuum()


@shared_task(
    name="testimony.publish_due",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    max_retries=3,
    ignore_result=True,
    time_limit=300,
)
def publish_due() -> int:
    # Beat runs this every WALL_PUBLISH_SECONDS; a run that fails is simply the next run's work.
    from testimony.publication import publish_due as publish

    return publish()


@shared_task(
    name="testimony.erase_expired",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    max_retries=3,
    ignore_result=True,
    time_limit=600,
)
def erase_expired() -> int:
    from testimony.retention import erase_expired as erase

    return erase()
