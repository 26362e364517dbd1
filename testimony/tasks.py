from celery import shared_task

from testimony import erasure


@shared_task(
    name="testimony.vacuum_stories", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def vacuum_stories() -> None:
    erasure.vacuum()
