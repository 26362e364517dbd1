"""The screening pipeline: run the screeners on a received story, record findings, route it.

Routing: `held` when a spam or abuse screener (ROUTE = "hold") found something strong
(high severity), else `pending`; a high-severity danger finding (ROUTE = "urgent") makes it
urgent (the danger screener decides urgency for the story as a whole: its findings are high in
a story it judges urgent, medium, "possible danger", in one it does not).

Reliability: the database is the source of truth and the queue carries ids. Enqueuing sets a
lease in the cache (a key with a TTL, no time on the story); the sweep re-queues every story
still in `received` with no live lease. A second run of a screened story changes nothing. It
fails closed: a screener that raises or runs out of time, or a story whose screening has
crashed its worker SCREENING_MAX_ATTEMPTS times, goes to `pending` with screening_incomplete
set: never onward unreviewed, never lost.
"""

import logging
from dataclasses import replace

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef

from moderation import screeners
from moderation.models import Finding, Severity
from testimony.models import Status, Story
from testimony.selectors import stories_awaiting_screening
from testimony.services import story_hold, story_mark_screened

log = logging.getLogger(__name__)


def transient_errors() -> tuple[type[BaseException], ...]:
    """Errors of the database, the broker or the cache: the task retries them with backoff
    instead of failing closed, since the next try will likely screen the story fully."""
    from django.db import InterfaceError, OperationalError
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (
        OperationalError,
        InterfaceError,
        BrokerError,
        RedisConnectionError,
        RedisTimeoutError,
        ConnectionError,
        TimeoutError,
    )


def _lease_key(story_id: str) -> str:
    return f"screening-lease:{story_id}"


def _attempts_key(story_id: str) -> str:
    return f"screening-attempts:{story_id}"


def screening_enqueue(*, story_id: str) -> bool:
    """Queue a screening unless one is already under way (a live lease in the cache).

    The lease carries no time to the story (invariant 2): it only lives in the cache and
    expires by itself, so a lost task leaves the story to the sweep.
    """
    from moderation.tasks import screen_story

    if not cache.add(_lease_key(story_id), 1, timeout=settings.SCREENING_LEASE_SECONDS):
        return False
    screen_story.delay(story_id)
    return True


def screening_sweep() -> int:
    """Re-queue every story still in `received` that no live task holds. Returns how many."""
    return sum(screening_enqueue(story_id=story_id) for story_id in stories_awaiting_screening())


def _count_attempt(story_id: str) -> int:
    """How many runs have started screening this story (a run killed midway counts)."""
    key = _attempts_key(story_id)
    cache.add(key, 0, timeout=settings.SCREENING_ATTEMPTS_TTL_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=settings.SCREENING_ATTEMPTS_TTL_SECONDS)
        return 1


def run_screeners(text: str) -> tuple[str, list[screeners.Finding], bool]:
    """(language, findings, incomplete). A screener that raises or runs out of time is
    recorded as incomplete, never fatal; transient errors (database, cache) propagate so the
    task retries them."""
    transient = transient_errors()
    incomplete = False
    findings: list[screeners.Finding] = []
    language = ""
    try:
        findings = list(screeners.load(screeners.LANGUAGE_SCREENER)(text, ""))
        language = findings[0].kind if findings else ""
    except transient:
        raise
    except SoftTimeLimitExceeded:
        log.error("screening ran out of time in the language screener")
        return language, findings, True
    except Exception:
        log.exception("screener language failed")
        incomplete = True
    for path in screeners.SCREENERS:
        try:
            findings.extend(screeners.load(path)(text, language))
        except transient:
            raise
        except SoftTimeLimitExceeded:
            # Out of time: stop here and route what we have, flagged; the hard limit would
            # otherwise kill the worker with nothing recorded.
            log.error("screening ran out of time in %s", path.rsplit(".", 1)[-1])
            return language, findings, True
        except Exception:
            log.exception("screener %s failed", path.rsplit(".", 1)[-1])
            incomplete = True
    return language, findings, incomplete


def _store(story: Story, findings: list[screeners.Finding]) -> None:
    Finding.objects.bulk_create(
        Finding(
            story=story,
            screener=f.screener,
            kind=f.kind,
            severity=f.severity,
            start=f.start,
            end=f.end,
            detail=f.detail[:200],
            highlights=[list(pair) for pair in f.highlights],
        )
        for f in findings
    )


def route(findings: list[screeners.Finding]) -> tuple[bool, bool]:
    """(held, urgent): how the findings route a story. `make eval` reads urgency here too."""
    holding = screeners.routed("hold")
    urgent = screeners.routed("urgent")
    held = any(f.screener in holding and f.severity >= Severity.HIGH for f in findings)
    # A danger finding makes the story urgent; the model's medium ones (possible danger) do not.
    return held, any(f.screener in urgent and f.severity >= Severity.HIGH for f in findings)


def _hold_others(story_ids, finding: screeners.Finding) -> None:
    """Hold the other stories of a campaign that still wait for a first look. Only those
    without the campaign's finding yet (NOT EXISTS on the finding's story index): a flood
    costs each new story one query, and a write only for the members that change."""
    already = Finding.objects.filter(
        story_id=OuterRef("pk"), screener=finding.screener, kind=finding.kind
    )
    for other in (
        Story.objects.select_for_update()
        .filter(id__in=story_ids, status__in=[Status.PENDING, Status.HELD])
        .filter(~Exists(already))
    ):
        _store(other, [replace(finding, start=0, end=len(other.text))])
        if other.status == Status.PENDING:
            story_hold(story=other, reason=finding.kind)


# The columns routing reads and writes on the locked row. Only these are selected, and a model
# loaded with deferred fields saves only the ones it loaded: the sealed texts are neither read
# back nor written again with every story screened.
_ROUTED = [
    "id",
    "status",
    "version",
    "statistics_token",
    "language",
    "urgent",
    "screening_incomplete",
]


def _locked(story_id: str) -> Story | None:
    return Story.objects.select_for_update().filter(id=story_id).only(*_ROUTED).first()


def story_screen(*, story_id: str) -> bool:
    """Screen a received story and route it. Idempotent: a screened story is left alone."""
    story = (
        Story.objects.filter(id=story_id, status=Status.RECEIVED)
        .select_related("sealing_key")  # its data key, in the same query
        .only("id", "text", "sealing_key__epoch", "sealing_key__wrapped")
        .first()
    )
    if story is None:
        return False
    attempts = _count_attempt(story_id)
    if attempts > settings.SCREENING_MAX_ATTEMPTS:
        log.error("screening crashed %s times on one story: routed unscreened", attempts - 1)
        return story_screen_failed(story_id=story_id)
    text = story.text  # decrypted once (testimony.sealing); a received story's text never changes
    language, findings, incomplete = run_screeners(text)
    with transaction.atomic():
        story = _locked(story_id)
        if story is None or story.status != Status.RECEIVED:
            return False
        for path in screeners.SCREENERS:
            record = getattr(screeners.module(path), "record", None)
            if record is None:
                continue
            recorded = record(story=story, text=text)
            findings.extend(recorded.findings)
            if recorded.hold_with and recorded.hold_finding:
                _hold_others(recorded.hold_with, recorded.hold_finding)
        _store(story, findings)
        held, urgent = route(findings)
        story_mark_screened(
            story=story, language=language, held=held, urgent=urgent, incomplete=incomplete
        )
    _forget(story_id)
    return True


def story_screen_failed(*, story_id: str) -> bool:
    """Fail closed: the story goes to a moderator, flagged, with what could not be screened."""
    with transaction.atomic():
        story = _locked(story_id)
        if story is None or story.status != Status.RECEIVED:
            return False
        story_mark_screened(story=story, language="", held=False, urgent=False, incomplete=True)
    _forget(story_id)
    return True


def _forget(story_id: str) -> None:
    try:
        cache.delete_many([_lease_key(story_id), _attempts_key(story_id)])
    except Exception:
        # The story is screened; a lease left behind only expires by itself.
        log.warning("could not clear the screening lease")
