import os
import sys

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("untold")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
