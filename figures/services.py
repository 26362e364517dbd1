"""Every write to the answers and the releases: held at intake, settled by the review
decision, moved and published by a release."""

import hashlib
import random
import secrets
from dataclasses import asdict
from datetime import date

from django.conf import settings
from django.db import transaction

from figures import storage, suppression, tables
from figures.models import Answers, PendingAnswers, Release
from figures.questions import Answers as Chosen
from figures.signals import release_made

_shuffle = random.SystemRandom().shuffle


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def answers_hold(*, answers: Chosen, region: str, month: date) -> str:
    """Keep her answers, unlinked, until the review decides. Returns the one-time token the
    story keeps (and nothing else keeps) until then. Called inside the story's transaction."""
    token = secrets.token_urlsafe(32)
    fields = asdict(answers)
    PendingAnswers.objects.create(
        token_digest=_digest(token),
        month=month.replace(day=1),
        region=region or "",
        relation=fields["relation"] or "",
        forms=list(fields["forms"]),
        age_band=fields["age_band"] or "",
        police=fields["police"] or "",
        knew_help=fields["knew_help"] or "",
    )
    return token


def answers_settle(*, token: str, counted: bool) -> None:
    """The review decided: count the answers (they wait, with no token, for the next
    release to move them) or delete them. The caller erases the story's token."""
    if not token:
        return
    waiting = PendingAnswers.objects.filter(token_digest=_digest(token), counted=False)
    if counted:
        waiting.update(counted=True, token_digest="")
    else:
        waiting.delete()


def _key(cell: tuple) -> str:
    question, value, region, period = cell
    return "|".join((question, "" if value is None else value, region, period))


def answers_move(*, batch: int) -> int:
    """Move the counted answers into Answers once at least `batch` wait (a batch stands for
    many decisions, never one); the table is rewritten whole, shuffled, with new keys."""
    ready = list(PendingAnswers.objects.select_for_update().filter(counted=True))
    if not ready or len(ready) < batch:
        return 0
    rows = [row.answer_fields() for row in Answers.objects.all()]
    rows += [row.answer_fields() for row in ready]
    _shuffle(rows)
    Answers.objects.all().delete()
    PendingAnswers.objects.filter(pk__in=[row.pk for row in ready]).delete()
    Answers.objects.bulk_create([Answers(**row) for row in rows])
    return len(ready)


def release_make(*, today: date, k: int | None = None, rounding: int | None = None) -> Release:
    """A new release: move what is ready, count, suppress, round, keep what barely moved."""
    k = settings.STATS_K if k is None else k
    rounding = settings.STATS_ROUNDING if rounding is None else rounding
    with transaction.atomic():
        answers_move(batch=settings.STATS_BATCH)
        rows = [row.answer_fields() for row in Answers.objects.all()]
        previous = Release.objects.select_for_update().first()
        cells, basis = release_cells(
            rows=rows, k=k, rounding=rounding, previous=previous.basis if previous else {}
        )
        release = Release.objects.create(
            number=(previous.number + 1) if previous else 1,
            released_on=today,
            k=k,
            rounding=rounding,
            cells=cells,
            basis=basis,
        )
        transaction.on_commit(storage.vacuum)  # VACUUM runs outside a transaction
        transaction.on_commit(lambda: release_made.send(sender=Release))
    return release


def release_cells(
    *, rows: list[dict], k: int, rounding: int, previous: dict
) -> tuple[list[dict], dict]:
    """Published cells and their basis. A figure is its count rounded down to a multiple of
    `rounding`, unless the count moved by less than `rounding` since the count the last
    release's figure was made from: then the last figure stands (two releases differenced
    never isolate one person)."""
    counts, relations = tables.build(rows)
    suppressed = suppression.suppress(counts, relations, k=k)
    published, basis = [], {}
    for cell in sorted(set(counts) - suppressed, key=_key):
        count = counts[cell]
        key = _key(cell)
        before = previous.get(key)
        if before is not None and abs(count - before[0]) < rounding:
            figure, made_from = before[1], before[0]
        else:
            figure, made_from = count // rounding * rounding, count
        basis[key] = [made_from, figure]
        question, value, region, period = cell
        published.append(
            {
                "question": question,
                "value": value,
                "region": region or None,  # None: the region was not given
                "period": period,
                "count": figure,
            }
        )
    return published, basis
