"""A task only the integration tests load (`celery worker --include ...`): it holds its message
unacknowledged for as long as the test needs, which no production task does on purpose."""

import time
from pathlib import Path

from celery import shared_task


@shared_task(name="tests.hold", acks_late=True, queue="default")
def hold(started: str, seconds: float) -> None:
    Path(started).write_text("started", encoding="utf-8")
    time.sleep(seconds)
