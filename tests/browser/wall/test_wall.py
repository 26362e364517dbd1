"""The installation screen in Debian's Chromium: it rotates, follows the feed without a
reload, and never goes dark when the server does."""

import json

import pytest

from testimony.models import Screen
from testimony.services import story_withdraw
from testimony.wall.screens import screen_id_issue
from tests.testimony.wall import factories

pytestmark = pytest.mark.browser

FAST = "?poll=0.3&rotate=0.3"

# Collects every story id the screen has shown so far (polled by wait_for_function).
SEEN = """(wanted) => {
  window.__seen = window.__seen || new Set();
  document.querySelectorAll('.story[data-id]').forEach((el) => window.__seen.add(el.dataset.id));
  return wanted.every((id) => window.__seen.has(id));
}"""

STORED_IDS = """(slug) => {
  const saved = JSON.parse(localStorage.getItem('untold-wall:' + slug) || 'null');
  return saved ? saved.feed.stories.map((s) => s.id) : null;
}"""


CHECKS = "() => Number(document.documentElement.dataset.reloadChecks || 0)"


def wait_seen(page, *stories):
    page.wait_for_function(SEEN, arg=[str(s.id) for s in stories])


def stored(page, slug):
    return page.evaluate(STORED_IDS, slug)


def test_the_wall_renders_and_rotates(open_page):
    place = factories.installation(slug="station")
    stories = [factories.published(at=[place]) for _ in range(3)]
    page = open_page(f"/wall/station/{FAST}")
    wait_seen(page, *stories)  # every story came round
    assert page.locator("#invite").is_hidden()
    assert page.locator("img.qr").get_attribute("src") == "/wall/station/qr.svg"


def test_an_empty_wall_invites_instead_of_going_blank(open_page):
    factories.installation(slug="station")
    page = open_page(f"/wall/station/{FAST}")
    page.wait_for_function("() => document.documentElement.dataset.online === '1'")
    assert page.locator("#invite").is_visible()
    assert page.locator(".invite-line").first.inner_text()


def test_a_label_behind_a_warning_shows_its_card_first(open_page):
    place = factories.installation(slug="station", label_policy={"self-harm": "warn"})
    factories.published(at=[place], labels=["self-harm"])
    page = open_page("/wall/station/?poll=5&rotate=3")
    page.wait_for_selector(".warning-card")
    page.wait_for_selector(".story[data-id]")


def test_a_new_story_appears_and_a_withdrawn_one_leaves_without_a_reload(open_page):
    place = factories.installation(slug="station")
    first = factories.published(at=[place])
    page = open_page(f"/wall/station/{FAST}")
    wait_seen(page, first)
    page.evaluate("window.__sameDocument = true")

    newer = factories.published(at=[place])
    wait_seen(page, newer)

    story_withdraw(receipt=first.receipt)
    page.wait_for_function(
        "(id) => { const s = JSON.parse(localStorage.getItem('untold-wall:station'));"
        " return !s.feed.stories.some((x) => x.id === id); }",
        arg=str(first.id),
    )
    assert stored(page, "station") == [str(newer.id)]
    assert page.locator(f'[data-id="{first.id}"]').count() == 0
    assert page.evaluate("window.__sameDocument") is True  # no reload happened


def test_the_wall_keeps_its_stories_while_the_server_is_down_and_recovers(open_page, server):
    place = factories.installation(slug="station")
    stories = [factories.published(at=[place]) for _ in range(2)]
    page = open_page(f"/wall/station/{FAST}")
    wait_seen(page, *stories)
    page.wait_for_function("() => document.documentElement.dataset.offlineReady === '1'")

    server.stop()
    page.wait_for_selector("#offline", state="visible")
    page.evaluate("window.__seen = new Set()")
    wait_seen(page, *stories)  # still rotating what it has

    later = factories.published(at=[place])
    server.start()
    wait_seen(page, later)
    page.wait_for_selector("#offline", state="hidden")


def test_the_daily_reload_with_the_server_down_keeps_the_stories_on_screen(open_page, server):
    place = factories.installation(slug="station")
    story = factories.published(at=[place])
    page = open_page(f"/wall/station/{FAST}&reload_every=1.5")
    wait_seen(page, story)
    page.wait_for_function("() => document.documentElement.dataset.offlineReady === '1'")

    server.stop()
    # While the server answered, the page reloaded every 1.5 s; now /healthz fails,
    # so once a check has failed the page stays.
    page.wait_for_function(CHECKS + " >= 2")
    checks = page.evaluate(CHECKS)
    page.evaluate("window.__sameDocument = true")
    page.wait_for_function(CHECKS + f" >= {checks + 2}")  # due twice more, and stayed
    assert page.evaluate("window.__sameDocument") is True
    page.evaluate("window.__seen = new Set()")
    wait_seen(page, story)

    # Even a reload forced while the server is down lands on the wall, not an error page:
    # the service worker serves the page, local storage the stories.
    page.reload()
    wait_seen(page, story)
    page.wait_for_selector("#offline", state="visible")

    server.start()
    page.evaluate("window.__sameDocument = true")
    page.wait_for_function("() => window.__sameDocument !== true")  # healthy again: it reloads
    wait_seen(page, story)


def test_the_screen_keeps_only_the_public_feed_in_storage(open_page):
    place = factories.installation(slug="station")
    text = "Private-original-marker words, then the words that stay."
    cut = len("Private-original-marker words")
    story = factories.published(
        at=[place], text=text, redactions=[{"start": 0, "end": cut, "placeholder": "[…]"}]
    )
    page = open_page(f"/wall/station/{FAST}")
    wait_seen(page, story)
    storage = page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    assert "Private-original-marker" not in storage
    saved = json.loads(json.loads(storage)["untold-wall:station"])
    assert set(saved["feed"]["stories"][0]) == {"id", "text", "language", "labels", "published_on"}
    assert set(json.loads(storage)) == {"untold-wall:station", "untold-screen-id"}


BEAT_ACCEPTED = "() => document.documentElement.dataset.heartbeat === '204'"
KEPT_ID = "() => localStorage.getItem('untold-screen-id')"


def test_the_screen_beats_with_the_id_its_page_was_given_and_keeps_it(open_page):
    place = factories.installation(slug="station")
    page = open_page(f"/wall/station/{FAST}")
    page.wait_for_function(BEAT_ACCEPTED)
    kept = page.evaluate(KEPT_ID)
    assert Screen.objects.get(installation=place).screen_id == kept.split(":")[0]
    page.reload()  # a new page brings a new id, but the screen stays the one it was
    page.wait_for_function(BEAT_ACCEPTED)
    assert page.evaluate(KEPT_ID) == kept
    assert Screen.objects.filter(installation=place).count() == 1


def test_a_screen_whose_kept_id_is_refused_takes_its_pages_id(open_page):
    place = factories.installation(slug="station")
    page = open_page(f"/wall/station/{FAST}")
    page.wait_for_function(BEAT_ACCEPTED)
    Screen.objects.all().delete()
    foreign = screen_id_issue(slug="elsewhere")  # e.g. the device used to show another wall
    page.evaluate("(id) => localStorage.setItem('untold-screen-id', id)", foreign)
    page.reload()
    page.wait_for_function(BEAT_ACCEPTED)
    kept = page.evaluate(KEPT_ID)
    assert kept != foreign
    assert Screen.objects.get(installation=place).screen_id == kept.split(":")[0]


def test_a_mosaic_shows_several_stories_at_once(open_page):
    place = factories.installation(slug="station", layout="mosaic")
    stories = [factories.published(at=[place]) for _ in range(4)]
    page = open_page(f"/wall/station/{FAST}")
    wait_seen(page, *stories)
    page.wait_for_function("() => document.querySelectorAll('.story[data-id]').length >= 3")


def test_transitions_stop_for_people_who_ask_for_less_motion(open_page):
    place = factories.installation(slug="station")
    story = factories.published(at=[place])
    duration = "() => getComputedStyle(document.querySelector('.story')).transitionDuration"
    calm = open_page(f"/wall/station/{FAST}", reduced_motion="reduce")
    wait_seen(calm, story)
    assert set(calm.evaluate(duration).split(", ")) == {"0s"}
    moving = open_page(f"/wall/station/{FAST}")
    wait_seen(moving, story)
    assert moving.evaluate(duration) != "0s"


def test_the_wall_shows_its_statistic_between_stories(open_page):
    from figures.models import Release

    place = factories.installation(slug="station", statistic="relation", languages=["en", "ru"])
    Release.objects.create(
        number=1,
        released_on="2026-12-01",
        k=10,
        rounding=5,
        cells=[
            {"question": "relation", "value": "husband", "region": "all", "period": "2026",
             "count": 25},
        ],
    )  # fmt: skip
    stories = [factories.published(at=[place]) for _ in range(2)]
    page = open_page(f"/wall/station/{FAST}")
    wait_seen(page, *stories)
    card = page.locator(".statistic-card")
    card.wait_for()
    assert "Husband or partner: 25" in card.inner_text()
    assert "Муж или партнёр: 25" in card.inner_text()
