import os
import sys

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("untold")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Celery's Django fixup closes every database connection before and after each task unless
# CELERY_DB_REUSE_MAX is set: a new PostgreSQL connection (a forked server process, its
# authentication) for every story screened, a third of a task's time under load. Connections
# are kept as Django keeps them between requests instead: before and after each task, one that
# is broken or older than CONN_MAX_AGE is closed, and CONN_HEALTH_CHECKS tests a reused one
# before its first query (so a restarted PostgreSQL costs one reconnection, not a failed task).
app.conf["CELERY_DB_REUSE_MAX"] = 2**62


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender=None, **kwargs) -> None:
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return  # run in-process (make run, tests): the caller's connection, maybe mid-transaction
    from django.db import close_old_connections

    close_old_connections()


@worker_init.connect
def _keystore_ready(**kwargs) -> None:
    """No worker without the keys of the encrypted stories: it would screen them as empty."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    from testimony.keys import keystore_ready
    from testimony.keystore import KeystoreUnavailable

    try:
        keystore_ready(create_directory=settings.EMBEDDED)
    except KeystoreUnavailable as error:
        print(f"Untold's worker does not start: {error}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None  # celery logs and ignores an Exception from a signal
    finally:
        connections.close_all()
