"""The client address and the coarse rate key (testimony.anonymize), beyond what
tests/testimony/test_privacy.py covers (20 bits of a keyed hash, two trusted proxies, staff
paths): one trusted hop, short chains, and the key that rotates every day."""

import datetime

import pytest

from testimony import anonymize
from testimony.anonymize import client_address, rate_key
from tests.clock import recording_cache

ADDRESSES = [f"198.51.100.{n}" for n in range(1, 21)]


def test_one_trusted_proxy_gives_the_address_it_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.9"}
    assert client_address(meta) == "198.51.100.9"


def test_a_chain_shorter_than_the_trusted_hops_falls_back_to_the_peer(settings):
    """The request did not pass every proxy: what it claims to have come through is not trusted."""
    settings.TRUSTED_PROXY_COUNT = 3
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.9"}
    assert client_address(meta) == "10.0.0.1"


def test_without_a_forwarded_header_the_peer_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address({"REMOTE_ADDR": "10.0.0.1"}) == "10.0.0.1"


def test_empty_entries_in_the_chain_are_not_hops(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.9, , 10.0.0.5,  "}
    assert client_address(meta) == "198.51.100.9"


def test_no_address_at_all_is_an_empty_one(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address({}) == ""


# --- The daily key ----------------------------------------------------------------------------


@pytest.fixture
def day(monkeypatch):
    """day(date): what timezone.localdate() says from now on."""

    def set_day(date: datetime.date) -> None:
        monkeypatch.setattr(anonymize.timezone, "localdate", lambda: date)

    return set_day


def test_an_address_keeps_its_key_all_day(day):
    day(datetime.date(2025, 11, 25))
    morning = [rate_key(address) for address in ADDRESSES]
    assert [rate_key(address) for address in ADDRESSES] == morning


def test_the_next_day_every_address_gets_a_new_key(day):
    day(datetime.date(2025, 11, 25))
    today = [rate_key(address) for address in ADDRESSES]
    day(datetime.date(2025, 11, 26))
    tomorrow = [rate_key(address) for address in ADDRESSES]
    # Each value is 20 bits, so one address may meet its old value by chance (1 in a million);
    # twenty at once never do.
    assert sum(a != b for a, b in zip(today, tomorrow, strict=True)) >= len(ADDRESSES) - 1


def test_the_daily_key_lives_in_the_cache_a_day_at_most(day, monkeypatch):
    day(datetime.date(2025, 11, 25))
    recorder = recording_cache(monkeypatch, anonymize)
    rate_key("198.51.100.1")
    assert recorder.timeouts and all(
        timeout is not None and 0 < timeout <= 86400 for timeout in recorder.timeouts.values()
    )


def test_the_cache_names_the_day_and_nothing_of_the_address(day, monkeypatch):
    day(datetime.date(2025, 11, 25))
    recorder = recording_cache(monkeypatch, anonymize)
    rate_key("198.51.100.1")
    assert list(recorder.timeouts) == ["ratekey:2025-11-25"]


def test_the_daily_key_is_read_from_the_cache_once_a_minute_and_follows_it(day, monkeypatch):
    """Each process keeps today's key a minute (one cache read, not one per request); if the
    cache lost it and another process made a new one, every process agrees again within it."""
    day(datetime.date(2025, 11, 25))
    clock = [1000.0]
    monkeypatch.setattr(anonymize.time, "monotonic", lambda: clock[0])
    reads = []
    real_get = anonymize.cache.get
    monkeypatch.setattr(
        anonymize.cache, "get", lambda *a, **k: reads.append(a) or real_get(*a, **k)
    )
    first = [rate_key(address) for address in ADDRESSES]
    assert len(reads) <= 2 and [rate_key(a) for a in ADDRESSES] == first
    anonymize.cache.set("ratekey:2025-11-25", "ab" * 32)  # a Redis restart, another process
    clock[0] += anonymize._KEY_READ_SECONDS - 1
    assert [rate_key(address) for address in ADDRESSES] == first
    clock[0] += 2
    moved = [rate_key(address) for address in ADDRESSES]
    assert sum(a != b for a, b in zip(first, moved, strict=True)) >= len(ADDRESSES) - 1
    day(datetime.date(2025, 11, 26))  # a new day is a new key at once, minute or not
    assert anonymize._daily_key() != bytes.fromhex("ab" * 32)
