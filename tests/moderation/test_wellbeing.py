"""A break suggested after a number of stories or minutes of work (moderation.wellbeing)."""

from importlib import import_module

import pytest
from django.conf import settings as django_settings

from moderation.wellbeing import Wellbeing
from tests.clock import Clock

pytestmark = pytest.mark.django_db


def session(key=None):
    return import_module(django_settings.SESSION_ENGINE).SessionStore(key)


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.BREAK_AFTER_STORIES = 3
    settings.BREAK_AFTER_MINUTES = 50


@pytest.fixture
def clock(monkeypatch):
    return Clock.install(monkeypatch)


def at_work() -> Wellbeing:
    """As after her login: the count starts."""
    wellbeing = Wellbeing(session())
    wellbeing.start()
    return wellbeing


def decide(wellbeing: Wellbeing, times: int) -> None:
    for _ in range(times):
        wellbeing.decided()


def test_no_break_is_suggested_at_the_start(clock):
    assert at_work().suggest_break() is False


def test_no_break_before_the_number_of_stories(clock):
    wellbeing = at_work()
    decide(wellbeing, 2)
    assert wellbeing.suggest_break() is False


def test_a_break_after_the_number_of_stories(clock):
    wellbeing = at_work()
    decide(wellbeing, 3)
    assert wellbeing.suggest_break() is True


def test_no_break_before_the_minutes_of_work(clock):
    wellbeing = at_work()
    decide(wellbeing, 1)
    clock.advance(49 * 60 + 59)
    assert wellbeing.suggest_break() is False


def test_a_break_after_the_minutes_of_work(clock):
    wellbeing = at_work()
    decide(wellbeing, 1)
    clock.advance(50 * 60)
    assert wellbeing.suggest_break() is True


def test_time_logged_in_without_deciding_anything_is_not_work(clock):
    """A session left open over lunch does not greet her with a break."""
    wellbeing = at_work()
    clock.advance(3 * 3600)
    assert wellbeing.suggest_break() is False


def test_the_minutes_are_counted_from_the_start_of_work(clock):
    wellbeing = at_work()
    clock.advance(20 * 60)
    decide(wellbeing, 1)
    assert wellbeing.minutes_working() == pytest.approx(20)


def test_taking_a_break_starts_the_count_again(clock):
    wellbeing = at_work()
    decide(wellbeing, 3)
    clock.advance(60 * 60)
    wellbeing.took_break()
    assert wellbeing.suggest_break() is False
    decide(wellbeing, 2)
    clock.advance(49 * 60)
    assert wellbeing.suggest_break() is False


def test_after_a_break_the_next_one_comes_after_the_same_number_of_stories(clock):
    wellbeing = at_work()
    decide(wellbeing, 3)
    wellbeing.took_break()
    decide(wellbeing, 3)
    assert wellbeing.suggest_break() is True


def test_a_first_decision_without_a_login_start_starts_the_count(clock):
    wellbeing = Wellbeing(session())  # a session from before the wellbeing count existed
    decide(wellbeing, 1)
    clock.advance(50 * 60)
    assert wellbeing.suggest_break() is True
    assert wellbeing.minutes_working() == pytest.approx(50)


def test_no_session_count_means_no_minutes_of_work(clock):
    assert Wellbeing(session()).minutes_working() == 0.0


def test_zero_stories_means_never_by_count(clock, settings):
    settings.BREAK_AFTER_STORIES = 0
    wellbeing = at_work()
    decide(wellbeing, 500)
    assert wellbeing.suggest_break() is False


def test_zero_minutes_means_never_by_time(clock, settings):
    settings.BREAK_AFTER_MINUTES = 0
    wellbeing = at_work()
    decide(wellbeing, 1)
    clock.advance(10 * 3600)
    assert wellbeing.suggest_break() is False


def test_both_zero_means_never(clock, settings):
    settings.BREAK_AFTER_STORIES = settings.BREAK_AFTER_MINUTES = 0
    wellbeing = at_work()
    decide(wellbeing, 500)
    clock.advance(10 * 3600)
    assert wellbeing.suggest_break() is False


def test_the_count_lives_in_her_session_from_request_to_request(clock):
    first = session()
    Wellbeing(first).start()
    decide(Wellbeing(first), 3)
    first.save()
    assert Wellbeing(session(first.session_key)).suggest_break() is True


def test_each_session_counts_for_itself(clock):
    hers, another = at_work(), at_work()
    decide(hers, 3)
    assert another.suggest_break() is False
