"""Health for the orchestrator and the proxy: /healthz (the process answers) and /readyz (what it
needs is reachable). Neither says anything about stories, and both answer fast: each check is one
round trip, and the connections give up after a few seconds (config/settings.py).
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from config.celery import app

log = logging.getLogger(__name__)
OK, IN_PROCESS, UNREACHABLE = "ok", "in-process", "unreachable"


@require_safe
def healthz(request):
    """The process is up. Screens wait for it before their daily reload."""
    return HttpResponse("ok", content_type="text/plain")


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        connection.close()  # the next request connects afresh
        raise
    return OK


def _cache() -> str:
    cache.get("readyz:probe")  # a read: the probe writes nothing
    return OK


def _broker() -> str:
    if app.conf.task_always_eager:
        return IN_PROCESS  # the embedded mode runs its tasks in this process
    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    return OK


def _keystore() -> str:
    """The keystore volume is mounted and holds the current epoch's key: a web process without
    it could not open a single story, so it is never ready. No key leaves the process."""
    from testimony import keystore

    store = keystore.keystore()
    if not store.available():
        raise keystore.KeystoreUnavailable("no keystore")
    epochs = store.epochs()
    if epochs and not store.readable(epochs[-1]):  # (none yet: the first story makes one)
        raise keystore.KeystoreUnavailable("the current epoch's key is unreadable")
    return OK


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "keystore": _keystore}


@require_safe
def readyz(request):
    """Database, cache and broker reachable: 200, else 503 naming what is not."""
    answers = {}
    for name, check in CHECKS.items():
        try:
            answers[name] = check()
        except Exception as exc:
            log.warning("readyz: %s unreachable (%s)", name, type(exc).__name__)
            answers[name] = UNREACHABLE
    ready = UNREACHABLE not in answers.values()
    response = JsonResponse(answers, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response
