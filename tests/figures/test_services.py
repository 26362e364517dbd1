"""Answers wait unlinked until the review decides; approved count, rejected do not; a
withdrawal after approval cannot take them back; releases keep the publication rules."""

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from figures.models import Answers, PendingAnswers, Release
from figures.services import release_cells
from moderation.models import RejectReason
from testimony.models import Story
from testimony.services import story_mark_screened, story_withdraw
from tests.figures import factories
from tests.moderation import factories as review
from tests.testimony import factories as told

pytestmark = pytest.mark.django_db

HUSBAND = factories.answers(relation="husband", forms=("physical",), knew_help="no")


def counted() -> int:
    return Answers.objects.count() + PendingAnswers.objects.filter(counted=True).count()


def test_answers_wait_apart_from_the_story_until_review():
    story = review.pending(answers=HUSBAND)
    waiting = PendingAnswers.objects.get()
    assert story.statistics_token and not waiting.counted
    assert waiting.token_digest != story.statistics_token  # only a digest waits with them
    assert waiting.month == date.today().replace(day=1)
    assert counted() == 0


def test_a_story_without_answers_keeps_no_token_and_no_row():
    story = review.pending(answers=factories.answers())
    assert story.statistics_token == "" and not PendingAnswers.objects.exists()


def test_approval_counts_the_answers_and_erases_the_token_on_both_sides():
    story = review.approved(answers=HUSBAND)
    assert Story.objects.get(id=story.id).statistics_token == ""
    assert PendingAnswers.objects.get().token_digest == ""
    assert counted() == 1


@pytest.mark.parametrize("reason", RejectReason.values)
def test_rejected_stories_do_not_count(reason):
    by = review.reviewer("lead")
    review.reject(review.pending(answers=HUSBAND), by, reason=reason)
    assert not PendingAnswers.objects.exists() and counted() == 0
    assert Story.objects.get().statistics_token == ""


def test_a_held_campaign_story_rejected_does_not_count():
    by = review.reviewer("lead")
    review.reject(review.held(answers=HUSBAND), by)
    assert not PendingAnswers.objects.exists()


def test_withdrawn_before_review_takes_its_answers_out():
    done = told.submitted(answers=HUSBAND)
    story_withdraw(receipt=done.receipt)
    assert not PendingAnswers.objects.exists()


def test_withdrawn_after_approval_keeps_its_counted_answers(settings):
    settings.STATS_BATCH = 1
    done = told.submitted(answers=HUSBAND)
    story = Story.objects.get(id=done.story_id)
    story_mark_screened(story=story, language="en", held=False, urgent=False, incomplete=False)
    review.approve(Story.objects.get(id=done.story_id), review.reviewer("lead"))
    factories.release()
    story_withdraw(receipt=done.receipt)
    assert Answers.objects.count() == 1  # nothing pairs them back: the page said so


def test_a_release_moves_counted_answers_only_in_batches(settings):
    settings.STATS_BATCH = 3
    for _ in range(2):
        review.approved(answers=HUSBAND)
    factories.release()
    assert Answers.objects.count() == 0 and PendingAnswers.objects.filter(counted=True).count() == 2
    review.approved(answers=HUSBAND)
    factories.release()
    assert Answers.objects.count() == 3 and not PendingAnswers.objects.exists()


def _row_of(answers, region: str = "") -> dict:
    return {
        "month": date.today().replace(day=1),
        "region": region,
        "relation": answers.relation or "",
        "forms": list(answers.forms),
        "age_band": answers.age_band or "",
        "police": answers.police or "",
        "knew_help": answers.knew_help or "",
    }


def test_a_release_publishes_the_figures_of_counted_answers_only(settings):
    settings.STATS_BATCH = 1
    rng = random.Random(16)
    given = [(factories.random_answers(rng), rng.choice(["astana", "abai", ""])) for _ in range(40)]
    for answers, region in given:
        review.approved(answers=answers, region=region)
    review.pending(answers=HUSBAND)  # waiting for review: not counted yet
    by = review.reviewer("lead")
    review.reject(review.pending(answers=HUSBAND), by)
    release = factories.release()
    expected, _basis = release_cells(
        rows=[_row_of(a, r) for a, r in given], k=10, rounding=5, previous={}
    )
    assert release.cells == expected
    year = str(date.today().year)
    figures = {(c["question"], c["value"], c["region"], c["period"]): c for c in release.cells}
    assert figures[("respondents", None, "all", year)]["count"] == 40
    assert all(c["count"] >= 10 and c["count"] % 5 == 0 for c in release.cells)
    assert Release.objects.count() == 1 and release.k == 10 and release.rounding == 5


def _rows(seed: int, n: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        a = factories.random_answers(rng)
        rows.append(
            {
                "month": date(2026, rng.randint(1, 6), 1),
                "region": rng.choice(["astana", "abai", ""]),
                "relation": a.relation or "",
                "forms": list(a.forms),
                "age_band": a.age_band or "",
                "police": a.police or "",
                "knew_help": a.knew_help or "",
            }
        )
    return rows


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000), st.integers(20, 120), st.integers(1, 12))
def test_no_figure_changes_by_less_than_the_rounding_step_between_releases(seed, n, added):
    rows = _rows(seed, n)
    first, basis = release_cells(rows=rows, k=10, rounding=5, previous={})
    second, _ = release_cells(rows=rows + _rows(seed + 1, added), k=10, rounding=5, previous=basis)
    before = {(c["question"], c["value"], c["region"], c["period"]): c["count"] for c in first}
    for cell in second:
        key = (cell["question"], cell["value"], cell["region"], cell["period"])
        if key in before:
            assert cell["count"] == before[key] or abs(cell["count"] - before[key]) >= 5


def test_one_more_answer_never_moves_a_figure_it_barely_touches():
    rows = _rows(7, 200)
    first, basis = release_cells(rows=rows, k=10, rounding=5, previous={})
    second, _ = release_cells(rows=rows + _rows(8, 1), k=10, rounding=5, previous=basis)
    before = {(c["question"], c["value"], c["region"], c["period"]): c["count"] for c in first}
    after = {(c["question"], c["value"], c["region"], c["period"]): c["count"] for c in second}
    assert all(after[key] == before[key] for key in before.keys() & after.keys())


def test_beat_and_the_embedded_runner_schedule_the_release(settings):
    from config.celery import app

    entry = app.conf.beat_schedule["statistics-release"]
    assert entry["task"] == "figures.release"
    assert entry["schedule"] == settings.STATS_RELEASE_SECONDS
    assert app.conf.task_routes["figures.release"] == {"queue": "default"}
    app.tasks[entry["task"]].apply()  # what config/embedded.py does on each tick
    assert Release.objects.count() == 1
