"""Screens: only a screen that loaded its installation's wall page is recorded, by the signed
id the page gave it; made-up ids store nothing, and heartbeats are rate limited."""

import json
import re
import secrets

import pytest
from django.core import signing
from django.test import override_settings

from testimony.models import Screen
from testimony.wall.screens import screen_id_issue, screen_id_verify
from tests.testimony.test_privacy import MARKER_VALUES, MARKERS
from tests.testimony.wall import factories

pytestmark = pytest.mark.django_db

BEAT = "/api/v1/wall/{slug}/heartbeat/"


def issued(client, slug: str = "station") -> str:
    """The screen id the wall page hands its screen, read from the page like wall.js does."""
    html = client.get(f"/wall/{slug}/").content.decode()
    config = re.search(r'id="wall-config" type="application/json">(.*?)</script>', html).group(1)
    return json.loads(config)["screen"]


def beat(client, screen, slug: str = "station", **extra):
    return client.post(
        BEAT.format(slug=slug), {"screen": screen}, content_type="application/json", **extra
    )


def test_a_screen_that_loaded_the_wall_page_is_recorded_by_its_random_id(client):
    place = factories.installation(slug="station")
    signed = issued(client)
    assert beat(client, signed).status_code == 204
    row = Screen.objects.get(installation=place)
    assert re.fullmatch(r"[0-9a-f]{16}", row.screen_id)
    assert signed.startswith(row.screen_id + ":")
    assert beat(client, signed).status_code == 204  # the same screen again: still one row
    assert Screen.objects.count() == 1


def test_each_page_load_gets_a_new_random_id_without_a_time_in_it():
    first, second = screen_id_issue(slug="station"), screen_id_issue(slug="station")
    assert first != second
    # "<16 hex digits>:<signature>": no timestamp field, nothing but the random id.
    assert re.fullmatch(r"[0-9a-f]{16}:[\w-]+", first)


def test_fifty_forged_heartbeats_store_nothing_and_a_real_screen_is_still_accepted(client):
    factories.installation(slug="station")
    factories.installation(slug="elsewhere")
    forged = (
        [secrets.token_hex(8) for _ in range(20)]  # what screens used to make up themselves
        + [f"{secrets.token_hex(8)}:{secrets.token_urlsafe(32)}" for _ in range(10)]
        + [screen_id_issue(slug="elsewhere") for _ in range(10)]  # another installation's
        + [
            signing.Signer(salt="untold.wall.screen:station", key="x" * 50).sign(
                secrets.token_hex(8)
            )
            for _ in range(10)
        ]
    )
    assert len(forged) == 50
    for screen in forged:
        assert beat(client, screen).status_code == 400
    assert not Screen.objects.exists()
    assert beat(client, issued(client)).status_code == 204
    assert Screen.objects.count() == 1


def test_a_tampered_id_is_refused():
    signed = screen_id_issue(slug="station")
    random_part, signature = signed.split(":")
    other = "0" * 16 if random_part != "0" * 16 else "1" * 16
    assert screen_id_verify(slug="station", signed=f"{other}:{signature}") is None
    assert screen_id_verify(slug="station", signed=signed) == random_part
    assert screen_id_verify(slug="other", signed=signed) is None


@pytest.mark.parametrize("screen", [None, 12345678, ["a"], {"x": 1}, "", "x" * 500])
def test_a_screen_id_of_the_wrong_kind_is_refused(client, screen):
    factories.installation(slug="station")
    assert beat(client, screen).status_code == 400
    assert not Screen.objects.exists()


def test_an_id_signed_under_another_secret_is_refused(client):
    factories.installation(slug="station")
    with override_settings(SECRET_KEY="another installation's secret " * 3):
        foreign = screen_id_issue(slug="station")
    assert beat(client, foreign).status_code == 400
    assert not Screen.objects.exists()


def test_heartbeats_are_rate_limited_per_rate_key(client, settings):
    settings.WALL_HEARTBEAT_RATE_LIMIT = "3/h"
    factories.installation(slug="station")
    ids = [issued(client) for _ in range(4)]
    assert [beat(client, screen).status_code for screen in ids] == [204, 204, 204, 429]
    assert Screen.objects.count() == 3  # the fourth screen was not stored


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_keeps_no_request_metadata_and_sets_no_cookie(client, all_rows, captured_logs):
    factories.installation(slug="station")
    responses = [beat(client, issued(client), **MARKERS), beat(client, "forged", **MARKERS)]
    assert [r.status_code for r in responses] == [204, 400]
    assert all("Set-Cookie" not in r.headers and not r.cookies for r in responses)
    stored, logged = all_rows(), captured_logs()
    for marker in MARKER_VALUES:
        assert marker not in stored and marker not in logged, marker
