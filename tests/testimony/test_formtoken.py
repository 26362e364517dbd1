"""Signed form tokens (testimony.formtoken): forgery protection, expiry and the time lock."""

import pytest
from django.core import signing

from testimony.formtoken import TokenExpired, TokenInvalid, issue, verify
from tests.clock import Clock


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.FORM_TOKEN_MAX_AGE_SECONDS = 4 * 3600
    settings.FORM_TIME_LOCK_SECONDS = 20


def test_an_issued_token_verifies_as_itself():
    value = issue()
    token = verify(value)
    assert token.value == value and token.nonce


def test_every_form_gets_a_token_of_its_own():
    first, second = verify(issue()), verify(issue())
    assert first.value != second.value and first.nonce != second.nonce


def test_the_token_remembers_when_the_form_was_served(monkeypatch):
    clock = Clock.install(monkeypatch, start=1_764_000_000.7)
    value = issue()
    clock.advance(3600)
    assert verify(value).issued_at == 1_764_000_000


def test_a_token_is_good_for_the_whole_max_age(monkeypatch):
    clock = Clock.install(monkeypatch)
    value = issue()
    clock.advance(4 * 3600 - 1)  # she took almost four hours to write it
    assert verify(value).value == value


def test_an_older_token_is_expired(monkeypatch):
    clock = Clock.install(monkeypatch)
    value = issue()
    clock.advance(4 * 3600 + 1)
    with pytest.raises(TokenExpired):
        verify(value)


def test_the_max_age_follows_the_setting(monkeypatch, settings):
    settings.FORM_TOKEN_MAX_AGE_SECONDS = 7200
    clock = Clock.install(monkeypatch)
    value = issue()
    clock.advance(7201)
    with pytest.raises(TokenExpired):
        verify(value)


def _flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


@pytest.mark.parametrize("where", ["payload", "timestamp", "signature"])
def test_a_tampered_token_is_invalid(where):
    value = issue()
    payload, timestamp, signature = value.split(":")
    index = {"payload": 0, "timestamp": len(payload) + 1, "signature": len(value) - 1}[where]
    with pytest.raises(TokenInvalid):
        verify(_flip(value, index))


@pytest.mark.parametrize("value", ["", "x", "a:b:c", "::", "not-a-token" * 50])
def test_garbage_is_invalid(value):
    with pytest.raises(TokenInvalid):
        verify(value)


def test_a_value_signed_for_another_purpose_is_invalid():
    other = signing.dumps({"n": "nonce", "t": 0}, salt="untold.something-else")
    with pytest.raises(TokenInvalid):
        verify(other)


def test_a_token_signed_under_another_secret_is_invalid(settings):
    value = issue()
    settings.SECRET_KEY = settings.SECRET_KEY + "-rotated"
    with pytest.raises(TokenInvalid):
        verify(value)


# --- The time lock ----------------------------------------------------------------------------


def test_a_form_just_served_is_locked_for_the_whole_time_lock(monkeypatch):
    Clock.install(monkeypatch, start=1_764_000_000.0)
    assert verify(issue()).seconds_until_unlocked() == 20


def test_the_lock_counts_down_as_she_writes(monkeypatch):
    clock = Clock.install(monkeypatch, start=1_764_000_000.0)
    token = verify(issue())
    clock.advance(15)
    assert token.seconds_until_unlocked() == 5


@pytest.mark.parametrize("later", [20, 21, 3600])
def test_after_the_time_lock_the_form_is_unlocked(monkeypatch, later):
    clock = Clock.install(monkeypatch, start=1_764_000_000.0)
    token = verify(issue())
    clock.advance(later)
    assert token.seconds_until_unlocked() == 0


def test_no_time_lock_means_unlocked_at_once(monkeypatch, settings):
    settings.FORM_TIME_LOCK_SECONDS = 0
    assert verify(issue()).seconds_until_unlocked() == 0


def test_the_lock_is_reckoned_from_the_token_not_from_when_it_was_verified(monkeypatch):
    clock = Clock.install(monkeypatch, start=1_764_000_000.0)
    value = issue()
    clock.advance(30)
    assert verify(value).seconds_until_unlocked() == 0


def test_a_form_token_is_no_other_signed_value_of_the_platform():
    with pytest.raises(signing.BadSignature):
        signing.loads(issue())
