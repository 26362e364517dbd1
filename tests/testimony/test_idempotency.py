"""A retried submission gets the first one's answer (testimony.idempotency.once)."""

import pickle
import threading

import pytest

from testimony import idempotency
from testimony.idempotency import once
from tests.clock import Clock, local_cache


class Teller:
    """Stands for "tell the story": counts how often it runs, answers with a new receipt."""

    def __init__(self):
        self.calls = 0

    def __call__(self) -> dict:
        self.calls += 1
        return {"receipt": f"RECEIPT-{self.calls}", "status": "received"}


def test_a_retry_with_the_same_key_gets_the_first_answer():
    tell = Teller()
    first = once("form:abc", tell)
    assert once("form:abc", tell) == first == {"receipt": "RECEIPT-1", "status": "received"}
    assert tell.calls == 1


def test_different_keys_get_answers_of_their_own():
    tell = Teller()
    assert once("form:abc", tell) != once("form:abd", tell)
    assert tell.calls == 2


def test_the_answer_is_kept_for_idempotency_seconds(monkeypatch, settings):
    settings.IDEMPOTENCY_SECONDS = 300
    clock = Clock.install(monkeypatch)
    local_cache(monkeypatch, idempotency)
    tell = Teller()
    once("form:abc", tell)
    clock.advance(299)
    assert once("form:abc", tell)["receipt"] == "RECEIPT-1"


def test_after_idempotency_seconds_the_same_key_tells_again(monkeypatch, settings):
    settings.IDEMPOTENCY_SECONDS = 300
    clock = Clock.install(monkeypatch)
    local_cache(monkeypatch, idempotency)
    tell = Teller()
    once("form:abc", tell)
    clock.advance(301)
    assert once("form:abc", tell)["receipt"] == "RECEIPT-2"


def test_a_failed_first_attempt_lets_the_retry_tell_the_story():
    def fails():
        raise ConnectionError("database went away")

    with pytest.raises(ConnectionError):
        once("form:abc", fails)
    tell = Teller()
    assert once("form:abc", tell)["receipt"] == "RECEIPT-1"


def test_a_second_call_while_the_first_runs_waits_for_the_first_answer(monkeypatch):
    """A double tap on "send": the second request arrives while the first is still telling."""
    running, release = threading.Event(), threading.Event()
    answers = {}

    def slow_tell() -> dict:
        running.set()
        release.wait(10)
        return {"receipt": "FIRST"}

    first = threading.Thread(target=lambda: answers.update(first=once("form:tap", slow_tell)))
    first.start()
    assert running.wait(10)

    def first_finishes(_seconds):  # the second call's wait lets the first one finish
        release.set()
        first.join(10)

    monkeypatch.setattr(idempotency.time, "sleep", first_finishes)
    tell = Teller()
    assert once("form:tap", tell) == {"receipt": "FIRST"}
    assert answers["first"] == {"receipt": "FIRST"} and tell.calls == 0


def test_a_second_call_gives_up_when_the_first_never_answers(monkeypatch):
    """Rather than telling the story twice, the second call fails (she sends again later)."""
    now = [0.0]
    monkeypatch.setattr(idempotency.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(idempotency.time, "sleep", lambda seconds: now.__setitem__(0, now[0] + 1))
    tell = Teller()

    def first_tell() -> dict:  # still running when the same key comes again
        return once("form:stuck", tell)

    with pytest.raises(TimeoutError):
        once("form:stuck", first_tell)
    assert tell.calls == 0


def test_the_cache_reveals_neither_the_receipt_nor_the_key(monkeypatch):
    local = local_cache(monkeypatch, idempotency)  # an in-process cache, to read it raw
    once("form:the-token-value", lambda: {"receipt": "K7QX-2M9P-RV4T"})
    [(key, value)] = [(key, pickle.loads(value)) for key, value in local._cache.items()]
    assert "the-token-value" not in key
    assert "K7QX" not in value and "receipt" not in value
