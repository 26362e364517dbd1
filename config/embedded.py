"""The periodic jobs of the embedded mode: Celery beat's schedule, run by a thread in-process.

`make run` has no beat and no worker: tasks run eagerly, and this thread calls each entry
of CELERY_BEAT_SCHEDULE on its interval, so the sweep (and later publication and retention)
happen without a second command.
"""

import logging
import threading
import time

from django.db import close_old_connections

log = logging.getLogger(__name__)


def _seconds(schedule) -> float:
    return float(getattr(schedule, "total_seconds", lambda: schedule)())


def run_forever(stop: threading.Event) -> None:
    from config.celery import app

    entries = {
        name: (entry["task"], _seconds(entry["schedule"]))
        for name, entry in app.conf.beat_schedule.items()
    }
    due = {name: time.monotonic() + min(5.0, every) for name, (_, every) in entries.items()}
    while not stop.is_set():
        now = time.monotonic()
        for name, (task, every) in entries.items():
            if now >= due[name]:
                due[name] = now + every
                try:
                    app.tasks[task].apply()
                except Exception:
                    log.exception("periodic job %s failed", name)
                finally:
                    close_old_connections()
        stop.wait(max(0.5, min(due.values()) - time.monotonic()))


def start() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(stop,), name="untold-periodic", daemon=True).start()
    return stop
