"""The pause switches: turned here, obeyed at once; turned by another process, within a second."""

import pytest
from django.core.cache import cache

from testimony import switches
from testimony.switches import intake_paused, switches_set, walls_paused
from tests.moderation.factories import reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    now = [5000.0]
    monkeypatch.setattr(switches.time, "monotonic", lambda: now[0])
    return now


def test_a_switch_turned_in_this_process_is_obeyed_at_once(clock):
    assert not intake_paused() and not walls_paused()
    switches_set(actor=reviewer("lead"), intake_paused=True)
    assert intake_paused() and not walls_paused()
    switches_set(actor=reviewer("lead"), intake_paused=False, walls_paused=True)
    assert not intake_paused() and walls_paused()


def test_a_switch_turned_elsewhere_is_obeyed_within_a_second_and_read_once_meanwhile(
    clock, monkeypatch
):
    assert not intake_paused()
    reads = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda *a, **k: reads.append(a) or real_get(*a, **k))
    # Another web process turns intake off: the shared cache says so.
    cache.set(switches.SWITCHES_KEY, (False, True), timeout=60)
    for _ in range(50):  # fifty stories told in the same second
        assert not intake_paused()
    assert reads == []
    clock[0] += switches._HELD_SECONDS
    assert intake_paused()
    assert len(reads) == 1
