"""`GET /metrics`: the operations gauges (moderation.operations) in Prometheus's text format.

Gauges only, computed on each scrape. Protected by METRICS_TOKEN (`Authorization: Bearer
<token>`; without the setting the endpoint does not exist), and refused by the shipped nginx
from outside: Prometheus scrapes gunicorn directly.
"""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from moderation.operations import Operations, operations_now


def _gauge(name: str, documentation: str, labels: tuple[str, ...] = ()) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"untold_{name}", documentation, labels=list(labels))


def families(ops: Operations) -> list[GaugeMetricFamily]:
    before = "received before today (a story joins these at midnight, never when it arrives)"
    waiting = _gauge("stories_waiting", f"Stories waiting in each queue, {before}.", ("queue",))
    oldest = _gauge(
        "stories_waiting_oldest_days",
        f"Days since the day the oldest story waiting in each queue arrived, {before}.",
        ("queue",),
    )
    for queue in ops.queues:
        waiting.add_metric([queue.name], queue.waiting)
        if queue.oldest_days is not None:
            oldest.add_metric([queue.name], queue.oldest_days)
    urgent = _gauge("stories_urgent_waiting", f"Urgent stories waiting, {before}.")
    urgent.add_metric([], ops.urgent_waiting)
    stuck = _gauge("stories_stuck_received", f"Stories whose screening never finished, {before}.")
    stuck.add_metric([], ops.stuck_received)
    screens = _gauge("screens", "Screens known per installation.", ("installation",))
    seen = _gauge(
        "screens_last_seen_timestamp_seconds",
        "When an installation's most recently seen screen was last seen.",
        ("installation",),
    )
    for place in ops.installations:
        screens.add_metric([place.slug], place.screens)
        if place.last_seen is not None:
            seen.add_metric([place.slug], place.last_seen.timestamp())
    alive = _gauge(
        "worker_alive", "1 if a Celery worker answered a ping (or tasks run in-process)."
    )
    alive.add_metric([], int(ops.worker_alive))
    workers = _gauge("workers_answering", "Celery workers that answered a ping.")
    if ops.workers is not None:
        workers.add_metric([], ops.workers)
    jobs = _gauge(
        "job_last_success_timestamp_seconds",
        "When each of Celery beat's jobs last ran to its end.",
        ("job",),
    )
    for job in ops.jobs:
        if job.last_success is not None:
            jobs.add_metric([job.name], job.last_success.timestamp())
    intake = _gauge("intake_paused", "1 while a lead has paused intake.")
    intake.add_metric([], int(ops.intake_paused))
    walls = _gauge("walls_paused", "1 while a lead has paused all walls.")
    walls.add_metric([], int(ops.walls_paused))
    return [waiting, oldest, urgent, stuck, screens, seen, alive, workers, jobs, intake, walls]


class _Collector:
    def collect(self):
        yield from families(operations_now())


REGISTRY = CollectorRegistry(auto_describe=False)
REGISTRY.register(_Collector())


def _token_matches(request) -> bool:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), settings.METRICS_TOKEN.encode())


@require_safe
def metrics(request):
    if not settings.METRICS_TOKEN:
        raise Http404
    if not _token_matches(request):
        return HttpResponseForbidden("A metrics token is required.", content_type="text/plain")
    response = HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
