"""Answers cut from their stories, and the releases made from them.

Nothing here names a story: no foreign key, no shared id, no time finer than the month.
Keys are random (UUID4); the physical order of the rows is scattered too (figures.storage).
"""

import uuid

from django.db import models


class _AnswerColumns(models.Model):
    month = models.DateField()  # the first day of the month the story came: nothing finer
    region = models.CharField(max_length=32, blank=True)
    relation = models.CharField(max_length=16, blank=True)
    forms = models.JSONField(default=list, blank=True)
    age_band = models.CharField(max_length=16, blank=True)
    police = models.CharField(max_length=16, blank=True)
    knew_help = models.CharField(max_length=4, blank=True)

    class Meta:
        abstract = True

    def answer_fields(self) -> dict:
        return {
            name: getattr(self, name)
            for name in ("month", "region", "relation", "forms", "age_band", "police", "knew_help")
        }


class PendingAnswers(_AnswerColumns):
    """Answers waiting for their story's review decision: the holding form.

    `token_digest` is the SHA-256 of a one-time token the story holds until its decision;
    the decision either deletes this row or marks it counted, and erases the token on both
    sides. A counted row waits here, with no token, until a release moves it (in a batch,
    shuffled) into Answers.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token_digest = models.CharField(max_length=64, blank=True, db_index=True)
    counted = models.BooleanField(default=False)

    def __str__(self) -> str:
        return "counted answers" if self.counted else "answers waiting for review"


class Answers(_AnswerColumns):
    """Counted answers: what the releases are made from. Rewritten in random order each move."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name_plural = "answers"

    def __str__(self) -> str:
        return f"answers of {self.month:%Y-%m}"


class Release(models.Model):
    """One publication of the statistics. `cells` is what is published (suppressed cells
    absent); `basis` holds, per published cell, the count its figure was made from, so the
    next release can keep a figure that moved by less than the rounding step."""

    number = models.PositiveIntegerField(primary_key=True)  # releases are counted, not stories
    released_on = models.DateField()
    k = models.PositiveSmallIntegerField()
    rounding = models.PositiveSmallIntegerField()
    cells = models.JSONField(default=list)
    basis = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"release {self.number} ({self.released_on})"
