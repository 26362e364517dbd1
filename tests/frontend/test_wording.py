"""Sentences that state a setting (a delay, a period) are rendered from that setting: an operator
who changes it changes what every page says, in every language."""

import html
import re

import pytest
from django.test import override_settings
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from frontend import wording

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en"]


def _text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def _numbers(sentence: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", sentence)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("low", "high", "earliest", "latest"),
    [
        (1800, 10800, 30, 3),  # the defaults: 30 minutes, 3 hours
        (300, 5400, 5, 90),  # 5 minutes, 90 minutes
        (7200, 86400, 2, 24),  # 2 hours, 24 hours
    ],
)
def test_the_tell_and_anonymity_pages_state_the_wall_delay_that_is_set(
    client, settings, language, low, high, earliest, latest
):
    settings.WALL_DELAY_MIN_SECONDS = low
    settings.WALL_DELAY_MAX_SECONDS = high
    with translation.override(language):
        sentence = wording.wall_delay()
    assert _numbers(sentence) == [earliest, latest]
    for page in ("tell", "anonymity"):
        assert sentence in _text(client.get(f"/{language}/{page}/")), page


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_promises_hours_when_the_minimum_is_half_an_hour(client, settings, language):
    """The kiosk said "only after a delay of several hours" while the minimum was 30 minutes."""
    settings.WALL_DELAY_MIN_SECONDS = 1800
    for path in (f"/{language}/tell/", f"/{language}/anonymity/", f"/kiosk/?lang={language}"):
        text = _text(client.get(path))
        assert "several hours" not in text and "несколько часов" not in text
        assert "бірнеше сағат" not in text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("hold_hours", "days"), [(24, 1), (48, 2), (72, 3)])
def test_the_kiosk_states_the_delay_and_the_halls_own_hold(
    client, settings, language, hold_hours, days
):
    settings.WALL_DELAY_MIN_SECONDS = 600
    settings.WALL_KIOSK_HOLD_HOURS = hold_hours
    with translation.override(language):
        delay, hold = wording.wall_delay(), wording.kiosk_hall_delay()
    assert _numbers(delay)[0] == 10 and _numbers(hold) == [days]
    text = _text(client.get(f"/kiosk/?lang={language}"))
    assert delay in text and hold in text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("poll", "max_age", "minutes"), [(60, 30, 2), (240, 30, 5), (10, 5, 1)])
def test_the_withdrawn_page_states_how_soon_the_screens_let_go(
    client, settings, language, poll, max_age, minutes
):
    from tests.testimony.factories import submitted

    settings.WALL_POLL_SECONDS = poll
    settings.WALL_FEED_MAX_AGE = max_age
    receipt = submitted().receipt
    page = client.post(
        f"/{language}/receipt/", {"receipt": receipt, "action": "withdraw", "confirm": "yes"}
    )
    with translation.override(language):
        sentence = wording.withdrawn_leaves_screens()
    assert _numbers(sentence) == [minutes]
    assert sentence in _text(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_kiosk_countdown_is_one_sentence_per_second_with_its_plural(client, language):
    config = client.get(f"/kiosk/?lang={language}&countdown=25").context["config"]
    words = config["countdown_words"]
    assert len(words) == 26
    assert all(_numbers(sentence) == [n] for n, sentence in enumerate(words))
    if language == "ru":  # one, few and many: 1 секунду, 2 секунды, 5 секунд, 21 секунду
        assert words[1].endswith("1 секунду.") and words[2].endswith("2 секунды.")
        assert words[5].endswith("5 секунд.") and words[21].endswith("21 секунду.")


class DelaySentenceProperties(TestCase):
    """For any delays an operator may set, the sentence names the numbers that are set."""

    @hypothesis_settings(max_examples=60, deadline=None)
    @given(
        low=st.integers(min_value=60, max_value=3 * 86400),
        high=st.integers(min_value=60, max_value=3 * 86400),
        language=st.sampled_from(LANGUAGES),
    )
    def test_the_sentence_follows_any_setting(self, low, high, language):
        with override_settings(WALL_DELAY_MIN_SECONDS=low, WALL_DELAY_MAX_SECONDS=high):
            with translation.override(language):
                earliest, latest = wording.wall_delay_earliest(), wording.wall_delay_latest()
        for seconds, sentence in ((low, earliest), (high, latest)):
            (number,) = _numbers(sentence)
            hours = seconds / 3600
            if hours >= 2 and hours == int(hours):
                assert number == int(hours)
            else:
                assert number * 60 >= seconds > (number - 1) * 60  # minutes, rounded up
