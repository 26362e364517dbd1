"""What operating the platform needs to see, read once for the workspace's operations page and
for /metrics (moderation/prometheus.py): gauges only, computed on each read.

Nothing about a story carries a time finer than the day. The story counts are of stories
received before today (moderation.selectors.waiting_received_before): scraped every few seconds
into a time series that is kept (and can be seized), a count that moved the moment a story
arrived would date its arrival. Today's stories join at midnight, all together. The live
counts of today are in the queue, which keeps no history.

The rest is about machines and jobs, never a story: when each installation's screens were
last seen, whether a Celery worker answers a ping, when each of beat's jobs last ran to its
end, and the two pause switches.
"""

import datetime
import time
from dataclasses import dataclass

from celery.signals import task_success
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from config.celery import app
from moderation.models import Queue, UrgencyDisagreement
from moderation.selectors import waiting_received_before
from testimony import switches
from testimony.wall.screens import screens_by_installation

PING_SECONDS = 0.5
PING_CACHE_SECONDS = 10
JOB_RUN_TTL = 8 * 24 * 3600


@dataclass(frozen=True)
class QueueState:
    name: str
    label: str
    waiting: int
    oldest_days: int | None  # days since the oldest waiting story's day; None when none waits


@dataclass(frozen=True)
class ScreensState:
    slug: str
    name: str
    screens: int
    last_seen: datetime.datetime | None


@dataclass(frozen=True)
class JobState:
    name: str
    task: str
    every_seconds: float
    last_success: datetime.datetime | None


@dataclass(frozen=True)
class Operations:
    day: datetime.date  # the story counts are of stories received before this day
    queues: list[QueueState]
    urgent_waiting: int
    stuck_received: int
    installations: list[ScreensState]
    workers: int | None  # Celery workers that answered a ping; None: tasks run in-process
    jobs: list[JobState]
    intake_paused: bool
    walls_paused: bool
    # Moderators' readings against the screener's: (kind, direction label, count). On the page
    # only: a scraped series would date when a moderator read a story.
    disagreements: list[tuple[str, str, int]]

    @property
    def worker_alive(self) -> bool:
        return self.workers is None or self.workers > 0


def _job_key(task: str) -> str:
    return f"ops:job:{task}"


def _jobs() -> list[JobState]:
    schedule = settings.CELERY_BEAT_SCHEDULE
    runs = cache.get_many([_job_key(entry["task"]) for entry in schedule.values()])
    jobs = []
    for name, entry in schedule.items():
        stamp = runs.get(_job_key(entry["task"]))
        every = entry["schedule"]  # seconds, or a timedelta
        jobs.append(
            JobState(
                name=name,
                task=entry["task"],
                every_seconds=every.total_seconds() if hasattr(every, "total_seconds") else every,
                last_success=(
                    datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC) if stamp else None
                ),
            )
        )
    return jobs


def workers_answering() -> int | None:
    """How many Celery workers answer a ping (asked at most every PING_CACHE_SECONDS)."""
    if app.conf.task_always_eager:
        return None
    answered = cache.get("ops:workers")
    if answered is None:
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
                answered = len(app.control.ping(timeout=PING_SECONDS, connection=conn) or [])
        except Exception:
            answered = 0
        cache.set("ops:workers", answered, PING_CACHE_SECONDS)
    return answered


def operations_now() -> Operations:
    today = timezone.localdate()
    waiting = waiting_received_before(today)
    paused = switches.switches()
    return Operations(
        day=today,
        queues=[
            QueueState(
                name=name,
                label=str(label),
                waiting=waiting.queues[name][0],
                oldest_days=(today - oldest).days if (oldest := waiting.queues[name][1]) else None,
            )
            for name, label in Queue.choices
        ],
        urgent_waiting=waiting.urgent,
        stuck_received=waiting.stuck_received,
        installations=[
            ScreensState(
                slug=installation.slug,
                name=installation.name,
                screens=len(screens),
                last_seen=max((s.last_seen for s in screens), default=None),
            )
            for installation, screens in screens_by_installation()
        ],
        workers=workers_answering(),
        jobs=_jobs(),
        intake_paused=paused.intake_paused,
        walls_paused=paused.walls_paused,
        disagreements=[
            (row.kind, str(row.get_direction_display()), row.count)
            for row in UrgencyDisagreement.objects.order_by("-count", "kind", "direction")
        ],
    )


def _job_succeeded(sender=None, **kwargs) -> None:
    """Celery's task_success: when one of beat's jobs ends well, keep the time (a job's, never a
    story's). Worker and embedded mode alike; shared through the cache."""
    name = getattr(sender, "name", "")
    if any(entry["task"] == name for entry in settings.CELERY_BEAT_SCHEDULE.values()):
        cache.set(_job_key(name), time.time(), timeout=JOB_RUN_TTL)


def connect() -> None:
    task_success.connect(_job_succeeded, weak=False, dispatch_uid="moderation-job-succeeded")
