from functools import partial

from celery import shared_task
from django.db import InterfaceError, OperationalError

from testimony import erasure

# Periodic jobs: idempotent, so a run that fails is simply the next run's work; a transient
# database error is retried a few times with backoff first.
periodic_job = partial(
    shared_task,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    max_retries=3,
    ignore_result=True,
)


@shared_task(
    name="testimony.vacuum_stories", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def vacuum_stories() -> None:
    erasure.vacuum()


@periodic_job(name="testimony.rewrite_story_tables", time_limit=1800)
def rewrite_story_tables() -> None:
    # Beat runs this every STORAGE_REWRITE_SECONDS; a no-op on SQLite, which needs none.
    erasure.rewrite()


@periodic_job(name="testimony.erase_expired", time_limit=600)
def erase_expired() -> int:
    # Beat runs this every RETENTION_SWEEP_SECONDS.
    from testimony.retention import erase_expired as erase

    return erase()


@periodic_job(name="testimony.expire_help_checks", time_limit=300)
def expire_help_checks() -> int:
    # Beat runs this every HELP_VERIFY_SWEEP_SECONDS.
    from testimony.help import help_checks_expire

    return help_checks_expire()


@periodic_job(name="testimony.rotate_keys", time_limit=1800)
def rotate_keys(requested: bool = False) -> int | None:
    # Beat checks often; a new epoch is made once the newest is STORY_KEY_EPOCH_SECONDS old.
    # An erasure requests one at once (requested=True): erasures during it ask for the next.
    from testimony.keys import keys_rotate, rotation_due, rotation_requested_clear

    if requested:
        rotation_requested_clear()
    elif not rotation_due():
        return None
    return keys_rotate().epoch
