"""Counted answers cannot be joined back to their stories: not through any column of any
table that names a story, not through the order of keys or of rows in the files, not
through the time they were written. Every story here has answers no other story has, so
the test knows which row is whose and can see a join that works."""

import itertools
import random

import pytest
from django.db import connection, models

from figures.models import Answers, PendingAnswers
from moderation import decisions
from testimony import erasure
from testimony.models import Story
from tests.moderation import factories as review

pytestmark = pytest.mark.django_db(transaction=True)

RELATIONS = ("husband", "former", "parent", "relative", "other")
AGES = ("under18", "18-24", "25-34", "35-44", "45-59", "60plus")
STORIES = len(RELATIONS) * len(AGES)  # 30: each story has a combination of its own


def _spearman(a: list[int], b: list[int]) -> float:
    n = len(a)
    d = sum((x - y) ** 2 for x, y in zip(a, b, strict=True))
    return 1 - 6 * d / (n * (n * n - 1))


@pytest.fixture
def told_and_counted(api, settings):
    """30 stories told through the API, reviewed and approved in the order they came (the
    worst case: decisions in arrival order), then one release."""
    settings.POW_ENABLED = False
    settings.STATS_BATCH = STORIES
    settings.INTAKE_RATE_LIMIT = "off"
    settings.INTAKE_GLOBAL_RATE_LIMIT = "off"
    whose = {}
    lead = review.reviewer("lead")
    for relation, age in itertools.product(RELATIONS, AGES):
        body = {
            "text": f"He hurt me for years ({relation}, {age}); today I am telling it here.",
            "consent": "wall",
            "region": "astana",
            "answers": {"relation": relation, "age_band": age, "forms": ["psychological"]},
        }
        assert api("/api/v1/stories/", body).status_code == 201
        # The text is sealed, so no query can find it: read each story instead.
        (story,) = [s for s in Story.objects.all() if s.text == body["text"]]
        whose[(relation, age)] = str(story.id)
    for story_id in whose.values():
        story = Story.objects.get(id=story_id)
        if story.status == "received":
            from testimony.services import story_mark_screened

            story = story_mark_screened(
                story=story, language="en", held=False, urgent=False, incomplete=False
            )
        if story.status == "held":  # screening may take alike stories for a flood
            story = review.claimed(story, lead)
            decisions.story_release(story_id=story.id, user=lead, version=story.version)
            story = Story.objects.get(id=story_id)
        review.approve(story, lead)
    from tests.figures import factories

    factories.release()
    assert Answers.objects.count() == STORIES and not PendingAnswers.objects.exists()
    return whose


def _story_side_rows() -> list[tuple[str, str, dict]]:
    """(table, story id, {column: value}) for every row of every table that names a story."""
    found = []
    from django.apps import apps

    tables = {table for table, _ in erasure.story_tables()}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table not in tables:
            continue
        columns = [f.column for f in model._meta.concrete_fields]
        story_column = (
            "id"
            if model is Story
            else next(
                f.column
                for f in model._meta.concrete_fields
                if f.related_model is Story or f.name == "story_id"
            )
        )
        for row in model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]):
            values = dict(zip(columns, row, strict=True))
            found.append((model._meta.db_table, str(values[story_column]), values))
    return found


def _answer_rows() -> list[tuple[tuple, dict]]:
    fields = Answers._meta.concrete_fields
    return [
        ((row["relation"], row["age_band"]), row)
        for row in (
            {f.column: getattr(answers, f.attname) for f in fields}
            for answers in Answers.objects.all()
        )
    ]


def _text(value) -> str:
    return "" if value is None else str(value).replace("-", "").lower()


def test_no_column_pair_joins_an_answer_row_to_its_story(told_and_counted):
    whose = told_and_counted
    answers = _answer_rows()
    story_rows = _story_side_rows()
    assert {story for _t, story, _v in story_rows} >= set(whose.values())  # the check can see
    columns = {(table, column) for table, _s, values in story_rows for column in values}
    for (table, column), answer_column in itertools.product(columns, answers[0][1]):
        for owner, answer in answers:
            wanted = _text(answer[answer_column])
            if not wanted:
                continue
            matched = {
                story
                for t, story, values in story_rows
                if t == table and _text(values.get(column)) == wanted
            }
            # A join that works names her story and not the others: every match here is
            # either nobody or everybody (a column all share, like the region).
            assert not matched or matched >= set(whose.values()) or whose[owner] not in matched, (
                f"{table}.{column} = answers.{answer_column}"
            )


def _place(table: str) -> str:
    return "rowid" if connection.vendor == "sqlite" else "ctid"


def _order(table: str, column: str, by: str) -> list[str]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} ORDER BY {by}")
        return [_text(value) for (value,) in cursor.fetchall()]


@pytest.mark.parametrize("by", ["key", "file"])
def test_answer_rows_keep_neither_arrival_nor_decision_order(told_and_counted, by):
    whose = told_and_counted
    arrival = {story: i for i, story in enumerate(whose.values())}  # decided in this order too
    quote = connection.ops.quote_name
    place = quote("id") if by == "key" else _place("figures_answers")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('relation')}, {quote('age_band')} FROM figures_answers ORDER BY {place}"
        )
        in_file = [arrival[whose[tuple(row)]] for row in cursor.fetchall()]
    rho = _spearman(in_file, list(range(STORIES)))
    # Shuffled, |rho| stays under 0.75 but about once in 10^4 runs; kept order gives 1.
    assert abs(rho) < 0.75, rho
    # Nor the order the stories sit in their own file (a reader could rank both).
    normal = {_text(story): rank for story, rank in arrival.items()}
    in_story_file = [
        normal[value]
        for value in _order("testimony_story", "id", _place("testimony_story"))
        if value in normal
    ]
    assert sorted(in_story_file) == list(range(STORIES))
    answer_place = {rank: i for i, rank in enumerate(in_file)}
    story_place = {rank: i for i, rank in enumerate(in_story_file)}
    ranks = range(STORIES)
    assert abs(_spearman([answer_place[r] for r in ranks], [story_place[r] for r in ranks])) < 0.75


def test_nothing_finer_than_the_month_is_kept_and_no_token_survives(told_and_counted):
    for model in (Answers, PendingAnswers):
        kinds = {type(f) for f in model._meta.concrete_fields}
        assert not kinds & {models.DateTimeField, models.TimeField, models.DurationField}
        assert not any(isinstance(f, models.AutoField) for f in model._meta.concrete_fields)
    assert {a.month.day for a in Answers.objects.all()} == {1}
    assert not Story.objects.exclude(statistics_token="").exists()


def test_rows_were_not_written_by_the_stories_transactions(told_and_counted):
    """PostgreSQL stamps each row with its writer's transaction (xmin): the answers were
    written by the release, in one batch, never by a story's intake or review."""
    if connection.vendor != "postgresql":
        pytest.skip("xmin is PostgreSQL's; SQLite keeps no writer's transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT xmin::text FROM figures_answers")
        writers = {value for (value,) in cursor.fetchall()}
        cursor.execute("SELECT xmin::text FROM testimony_story")
        stories = {value for (value,) in cursor.fetchall()}
        cursor.execute("SELECT xmin::text FROM testimony_auditevent")
        events = {value for (value,) in cursor.fetchall()}
    assert len(writers) == 1 and not writers & (stories | events)


def test_the_order_check_can_fail():
    assert _spearman(list(range(STORIES)), list(range(STORIES))) == 1
    shuffled = list(range(STORIES))
    random.Random(3).shuffle(shuffled)
    assert abs(_spearman(shuffled, list(range(STORIES)))) < 0.75
