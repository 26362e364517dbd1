"""The feed API: ETag and 304, cursor pages, rendered once per version, public data only."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.moderation import factories as moderation_factories
from tests.testimony.wall import factories

pytestmark = pytest.mark.django_db

STORY_FIELDS = {"id", "text", "language", "labels", "published_on"}


def test_the_feed_answers_with_an_etag_and_a_short_public_cache(get_feed):
    place = factories.installation()
    story = factories.published(at=[place])
    response = get_feed(place.slug)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=30"
    assert response["ETag"].startswith('"')
    assert [s["id"] for s in response.json()["stories"]] == [str(story.id)]


def test_an_unchanged_feed_answers_304_and_a_change_answers_200(get_feed):
    place = factories.installation()
    story = factories.published(at=[place])
    etag = get_feed(place.slug)["ETag"]
    again = get_feed(place.slug, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert get_feed(place.slug, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    moderation_factories.unpublish(story)
    changed = get_feed(place.slug, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["stories"] == []


def test_a_version_is_rendered_once_then_served_without_the_database(
    get_feed, django_assert_num_queries
):
    place = factories.installation()
    for _ in range(5):
        factories.published(at=[place])
    first = get_feed(place.slug)
    with django_assert_num_queries(0):
        full = get_feed(place.slug)
        not_modified = get_feed(place.slug, HTTP_IF_NONE_MATCH=first["ETag"])
    assert full.content == first.content and not_modified.status_code == 304


def page(client, slug: str, cursor: str = "") -> dict:
    query = {"after": cursor} if cursor else {}
    response = client.get(f"/api/v1/wall/{slug}/stories/", query)
    assert response.status_code == 200
    return response.json()


def test_pages_follow_the_cursor_newest_day_first_without_gaps(client, settings):
    settings.WALL_FEED_PAGE_SIZE = 3
    place = factories.installation()
    today = timezone.localdate()
    made = [
        factories.published(at=[place], on=today - datetime.timedelta(days=n % 3)) for n in range(8)
    ]
    seen, body = [], page(client, place.slug)
    pages = 1
    seen.extend(body["stories"])
    while body["next"]:
        body = page(client, place.slug, body["next"])
        pages += 1
        seen.extend(body["stories"])
    assert pages == 3
    assert sorted(s["id"] for s in seen) == sorted(str(s.id) for s in made)
    days = [s["published_on"] for s in seen]
    assert days == sorted(days, reverse=True)


def test_an_excluded_label_leaves_no_hole_in_the_pages(client, settings):
    settings.WALL_FEED_PAGE_SIZE = 2
    place = factories.installation(label_policy={"sexual-violence": "exclude"})
    shown = [factories.published(at=[place]) for _ in range(3)]
    for _ in range(4):
        factories.published(at=[place], labels=["sexual-violence"])
    first = page(client, place.slug)
    second = page(client, place.slug, first["next"])
    ids = [s["id"] for s in first["stories"] + second["stories"]]
    assert sorted(ids) == sorted(str(s.id) for s in shown)
    assert second["next"] is None


def test_a_label_behind_a_warning_is_named_for_the_screen(get_feed):
    place = factories.installation(label_policy={"self-harm": "warn", "physical-violence": "show"})
    factories.published(at=[place], labels=["self-harm", "physical-violence"])
    body = get_feed(place.slug).json()
    assert body["warn_labels"] == ["self-harm"]
    assert body["stories"][0]["labels"] == ["self-harm", "physical-violence"]


def test_the_feed_carries_only_public_fields_and_nothing_a_moderator_wrote(get_feed):
    place = factories.installation()
    text = "Aigerim-marker from Karaganda told this, her phone is 8 701 555 0199."
    name = (0, text.index(" told"))
    phone = (text.index("8 701"), len(text) - 1)
    factories.published(
        at=[place],
        text=text,
        redactions=[
            {"start": name[0], "end": name[1], "placeholder": "[name]"},
            {"start": phone[0], "end": phone[1], "placeholder": "[phone]"},
        ],
    )
    response = get_feed(place.slug)
    body = response.json()
    assert set(body["stories"][0]) == STORY_FIELDS
    assert body["stories"][0]["text"] == "[name] told this, her phone is [phone]."
    raw = response.content.decode()
    for marker in ("Aigerim-marker", "Karaganda", "0199", "receipt", "received_on", "told_at"):
        assert marker not in raw
    # A day, never a time: no clock time anywhere in the feed.
    assert not re.search(r"\d{2}:\d{2}", raw)
    assert "Set-Cookie" not in response.headers


def test_unknown_installations_and_forged_cursors_are_refused(client, get_feed):
    place = factories.installation()
    assert get_feed("nowhere").status_code == 404
    bad = client.get(f"/api/v1/wall/{place.slug}/stories/", {"after": "not-a-cursor"})
    assert bad.status_code == 400


def test_the_installation_list_names_only_web_installations(client):
    factories.installation(slug="station", name="Station", on_web=True)
    factories.installation(slug="hidden", name="Hidden", on_web=False)
    response = client.get("/api/v1/wall/")
    assert [i["slug"] for i in response.json()["installations"]] == ["station"]


def test_withdrawal_erases_the_cached_renderings_of_the_feed(get_feed):
    from django.core.cache import cache

    from testimony.services import story_withdraw
    from testimony.wall import feeds

    place = factories.installation()
    story = factories.published(at=[place], text="Withdrawn-marker text of hers.")
    assert "Withdrawn-marker" in get_feed(place.slug).content.decode()
    cached = cache.get(f"wall:pages:{place.slug}")
    assert cached and all(cache.get(key) for key in cached)
    story_withdraw(receipt=story.receipt)
    assert all(cache.get(key) is None for key in cached)
    # This process's copy of the superseded version goes when a request sees the new one.
    assert "Withdrawn-marker" not in get_feed(place.slug).content.decode()
    assert not any(
        b"Withdrawn-marker" in rendered.body for _, rendered in feeds.memo.items.values()
    )


def test_the_schema_describes_the_wall_endpoints(client):
    schema = client.get("/api/v1/schema/").content.decode()
    for path in (
        "/api/v1/wall/:",
        "/api/v1/wall/{installation}/stories/:",
        "/api/v1/wall/{installation}/heartbeat/:",
    ):
        assert f"\n  {path}" in schema, path


# --- The installation's one statistic between stories (figures) ------------------------------


def _release(cells):
    from django.db import transaction

    from figures.models import Release
    from figures.signals import release_made

    with transaction.atomic():
        number = Release.objects.count() + 1
        Release.objects.create(
            number=number, released_on="2026-12-01", k=10, rounding=5, cells=cells
        )
    release_made.send(sender=Release)


HUSBAND = {"question": "relation", "value": "husband", "region": "all", "period": "2026"}


def test_an_installation_shows_its_chosen_statistic_in_each_of_its_languages(get_feed):
    place = factories.installation(statistic="relation", languages=["kk", "ru", "en"])
    _release(
        [
            {**HUSBAND, "count": 25},
            {**HUSBAND, "value": None, "count": 10},
            {**HUSBAND, "region": "astana", "count": 15},  # a region's: not on the wall
            {**HUSBAND, "question": "police", "value": "none", "count": 20},
        ]
    )
    shown = get_feed(place.slug).json()["installation"]["statistic"]
    assert shown["question"] == "relation" and shown["period"] == "2026"
    assert shown["counts"] == [25, 10]
    assert shown["words"]["en"]["answers"] == ["Husband or partner", "Prefer not to say"]
    assert shown["words"]["ru"]["answers"][0] == "Муж или партнёр"
    assert shown["words"]["kk"]["question"] == "Мұны кім жасады?"


def test_an_installation_without_a_statistic_shows_none(get_feed):
    place = factories.installation()
    _release([{**HUSBAND, "count": 25}])
    assert get_feed(place.slug).json()["installation"]["statistic"] is None


def test_a_new_release_reaches_the_wall_at_once(get_feed):
    place = factories.installation(statistic="relation")
    _release([{**HUSBAND, "count": 25}])
    etag = get_feed(place.slug)["ETag"]
    _release([{**HUSBAND, "count": 30}])
    changed = get_feed(place.slug, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["installation"]["statistic"]["counts"] == [30]


@pytest.mark.parametrize(
    ("query", "refused"),
    [("?v=1", ["v"]), ("?after=&_=123", ["_"]), ("?=x", [""]), ("?b=1&a=2", ["a", "b"])],
)
def test_a_parameter_the_feed_does_not_take_is_refused_in_the_screens_language(
    client, query, refused
):
    """Only the cursor: anything else is a probe (or a bid to miss the proxy's cache)."""
    place = factories.installation()
    feed = f"/api/v1/wall/{place.slug}/stories/"
    response = client.get(feed + query, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 400 and list(response.json()) == refused
    assert response.json()[refused[0]] != ["Unknown field."]  # her language, not English
    assert client.get(feed + "?after=").status_code == 200
    assert client.get(feed).status_code == 200
