"""Answers as survivors give them, and releases as the beat job makes them."""

import itertools
import random

from django.utils import timezone

from figures.questions import QUESTIONS, Answers
from figures.services import release_make

_seed = itertools.count(1)


def answers(**chosen) -> Answers:
    return Answers(**chosen)


def random_answers(rng: random.Random | None = None) -> Answers:
    """Every question answered, or left out, at random (forms: any of them)."""
    rng = rng or random.Random(next(_seed))
    chosen = {}
    for question in QUESTIONS:
        if question.many:
            chosen[question.key] = tuple(v for v in question.values if rng.random() < 0.4)
        elif rng.random() < 0.8:
            chosen[question.key] = rng.choice(question.values)
    return Answers(**chosen)


def release(**kwargs):
    return release_make(today=timezone.localdate(), **kwargs)
