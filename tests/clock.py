"""A clock the tests move by hand, so no test sleeps or waits for real time to pass.

`Clock.install(monkeypatch)` replaces time.time(), which django.core.signing, the ALTCHA
library and LocMemCache's expiry all read. Where a test needs a cache entry to expire by that
clock whatever backend is configured (Redis keeps its own time), `local_cache` gives the module
under test an in-process cache of its own.
"""

import itertools
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    @classmethod
    def install(cls, monkeypatch, start: float | None = None) -> "Clock":
        clock = cls(time.time() if start is None else start)
        monkeypatch.setattr(time, "time", clock)
        return clock


_names = itertools.count()


def local_cache(monkeypatch, module) -> LocMemCache:
    """Give `module` (which reads `cache` from django.core.cache) an empty in-process cache."""
    cache = LocMemCache(f"tests-clock-{next(_names)}", {})
    monkeypatch.setattr(module, "cache", cache)
    return cache


class RecordingCache:
    """The real cache, noting every key written and the timeout it was written with."""

    def __init__(self, real):
        self.real = real
        self.timeouts: dict[str, object] = {}

    def add(self, key, value, timeout=DEFAULT_TIMEOUT):
        self.timeouts[key] = timeout
        return self.real.add(key, value, timeout=timeout)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self.timeouts[key] = timeout
        return self.real.set(key, value, timeout=timeout)

    def __getattr__(self, name):
        return getattr(self.real, name)


def recording_cache(monkeypatch, module) -> RecordingCache:
    from django.core.cache import cache

    recorder = RecordingCache(cache)
    monkeypatch.setattr(module, "cache", recorder)
    return recorder
