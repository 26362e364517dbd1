"""Fixed-window rate limits in the cache (testimony.ratelimit), keyed only on the coarse key."""

import datetime
import uuid

import pytest

from testimony import ratelimit
from testimony.ratelimit import count, hit, limit_of, parse_rate
from tests.clock import recording_cache

KEY = "a3f09"  # a rate key as testimony.anonymize makes them: 20 bits, hex
# The start of an hour (and of a day, a minute, a second), so windows are easy to reason about.
START = datetime.datetime(2025, 11, 25, 0, 0, tzinfo=datetime.UTC)


class Now:
    def __init__(self, monkeypatch, at: datetime.datetime = START):
        self.at = at
        monkeypatch.setattr(ratelimit.timezone, "now", lambda: self.at)

    def advance(self, **delta) -> None:
        self.at += datetime.timedelta(**delta)


@pytest.fixture
def now(monkeypatch) -> Now:
    return Now(monkeypatch)


# --- parse_rate -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rate, parsed",
    [
        ("10/h", (10, 3600)),
        ("10/hour", (10, 3600)),
        ("5/s", (5, 1)),
        ("30/m", (30, 60)),
        ("30/min", (30, 60)),
        ("2/d", (2, 86400)),
        ("2/day", (2, 86400)),
        (" 7 / H ", (7, 3600)),
        ("10", (10, 3600)),  # no unit: per hour
        ("600/h", (600, 3600)),
    ],
)
def test_a_rate_is_a_count_per_window(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["off", "OFF", " Off ", "none", "0", "", "   "])
def test_off_none_zero_and_empty_turn_the_limit_off(rate):
    assert parse_rate(rate) is None


@pytest.mark.parametrize("rate", ["ten/h", "10/w", "10/y", "-1/h", "1.5/h", "/h", "10/x/h", "h"])
def test_a_rate_in_another_form_is_an_error_that_shows_it(rate):
    with pytest.raises(ValueError, match="10/h"):
        parse_rate(rate)


def test_limit_of_is_the_count_or_none_when_off():
    assert limit_of("12/m") == 12
    assert limit_of("off") is None


# --- hit and count ----------------------------------------------------------------------------


def test_hits_are_allowed_up_to_the_limit_and_refused_after(now):
    assert [hit("intake", KEY, "3/h") for _ in range(5)] == [True, True, True, False, False]


def test_count_is_how_many_requests_the_window_has_seen(now):
    for _ in range(4):
        hit("intake", KEY, "3/h")
    assert count("intake", KEY, "3/h") == 4


def test_count_alone_counts_nothing(now):
    count("intake", KEY, "3/h")
    assert count("intake", KEY, "3/h") == 0


def test_a_key_with_no_requests_counts_zero(now):
    assert count("intake", KEY, "3/h") == 0


def test_off_allows_everything_and_counts_zero(now):
    assert all(hit("intake", KEY, "off") for _ in range(50))
    assert count("intake", KEY, "off") == 0


def test_each_key_has_its_own_allowance(now):
    hit("intake", KEY, "1/h")
    assert hit("intake", "0b77c", "1/h") is True
    assert hit("intake", KEY, "1/h") is False


def test_each_scope_has_its_own_allowance(now):
    hit("intake", KEY, "1/h")
    assert hit("receipt", KEY, "1/h") is True
    assert hit("intake", KEY, "1/h") is False


def test_requests_later_in_the_same_window_count_together(now):
    hit("intake", KEY, "2/h")
    now.advance(minutes=59, seconds=59)
    hit("intake", KEY, "2/h")
    assert hit("intake", KEY, "2/h") is False


def test_a_new_window_starts_from_zero(now):
    for _ in range(3):
        hit("intake", KEY, "2/h")
    now.advance(hours=1)
    assert count("intake", KEY, "2/h") == 0
    assert hit("intake", KEY, "2/h") is True


@pytest.mark.parametrize("rate, window", [("1/s", 1), ("1/m", 60), ("1/h", 3600), ("1/d", 86400)])
def test_the_window_is_the_rates_unit(now, rate, window):
    hit("intake", KEY, rate)
    now.advance(seconds=window - 1)
    assert hit("intake", KEY, rate) is False
    now.advance(seconds=1)
    assert hit("intake", KEY, rate) is True


def test_a_count_that_expired_between_add_and_incr_starts_again(now, monkeypatch):
    hit("intake", KEY, "1/h")

    def expired(*args, **kwargs):
        raise ValueError("Key not found")  # what Django's caches raise for a missing key

    recording_cache(monkeypatch, ratelimit).incr = expired
    assert hit("intake", KEY, "1/h") is True


# --- What the cache holds (DESIGN.md invariant 7) -----------------------------------------------


@pytest.mark.parametrize("rate", ["5/s", "5/m", "5/h", "5/d", "5"])
def test_a_counter_lives_in_the_cache_a_day_at_most(now, monkeypatch, rate):
    recorder = recording_cache(monkeypatch, ratelimit)
    hit("intake", KEY, rate)
    hit("intake", KEY, rate)
    [timeout] = set(recorder.timeouts.values())
    assert timeout is not None and 0 < timeout <= 86400


def test_a_counter_lives_as_long_as_its_window(now, monkeypatch):
    recorder = recording_cache(monkeypatch, ratelimit)
    hit("intake", KEY, "5/m")
    assert list(recorder.timeouts.values()) == [60]


def test_the_cache_key_carries_only_the_scope_the_coarse_key_and_the_window(now, monkeypatch):
    recorder = recording_cache(monkeypatch, ratelimit)
    hit("intake", KEY, "5/h")
    hit("receipt", "0b77c", "5/m")
    assert set(recorder.timeouts) == {
        f"rl:intake:{KEY}:{int(START.timestamp()) // 3600}",
        f"rl:receipt:0b77c:{int(START.timestamp()) // 60}",
    }


def test_a_limit_of_zero_lets_nothing_through():
    """'0/h' is a limit of none, not 'off' (that is 'off'), and not 'the first one only'."""
    assert not ratelimit.hit("scope", "key", "0/h")
    assert not ratelimit.hit("scope", "key", "0/h")


# --- hit_in_order: one Lua script on Redis, the same answers as one hit at a time ------------

from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

LIMITS = st.lists(
    st.tuples(st.sampled_from(["off", "0/h", "1/h", "2/h", "3/m", "5/d"]), st.booleans()),
    min_size=1,
    max_size=4,
)


def _run(monkeypatch, backend, limits, rounds: int) -> list:
    monkeypatch.setattr(ratelimit, "cache", backend)
    hits = [ratelimit.Hit(f"s{i}", KEY, rate, refuses) for i, (rate, refuses) in enumerate(limits)]
    answers = [ratelimit.hit_in_order(hits) for _ in range(rounds)]
    counts = [count(h.scope, h.key, h.rate) for h in hits]
    return [answers, counts]


@pytest.mark.integration
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(limits=LIMITS, rounds=st.integers(1, 7))
def test_one_script_on_redis_answers_as_one_hit_at_a_time(
    redis_cache, monkeypatch, now, limits, rounds
):
    from django.core.cache.backends.locmem import LocMemCache

    redis_cache.clear()
    with monkeypatch.context() as patch:
        # A fresh name: LocMemCache instances of one name share their store, and an id() is
        # reused once its object is gone, so an earlier example's counts would leak in.
        local = _run(patch, LocMemCache(f"in-order-{uuid.uuid4().hex}", {}), limits, rounds)
    with monkeypatch.context() as patch:
        remote = _run(patch, redis_cache, limits, rounds)
    assert remote == local


@pytest.mark.integration
def test_the_intake_limits_are_one_round_trip_to_redis(redis_cache, monkeypatch):
    from testimony import abuse

    monkeypatch.setattr(ratelimit, "cache", redis_cache)
    client_class = type(redis_cache._cache.get_client(None, write=True))
    calls = []
    real = client_class.execute_command
    monkeypatch.setattr(
        client_class,
        "execute_command",
        lambda self, *a, **k: calls.append(a[0]) or real(self, *a, **k),
    )
    abuse.intake_admit(caller=abuse.Caller(rate_key=KEY), proof=None)
    abuse.intake_admit(caller=abuse.Caller(rate_key=KEY), proof=None)
    assert len(calls) == 2, calls  # one EVALSHA each (the first may load the script once)
    assert count("intake", KEY, "10/h") == 2
