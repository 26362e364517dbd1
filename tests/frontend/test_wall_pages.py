"""The wall's pages: the screen, the web wall with its report action, the closed tell page,
heartbeats; all public pages strip request metadata."""

import json
import re

import pytest
import segno
from django.core.management import call_command

from testimony.models import Installation, Screen, Story, WallReport
from testimony.switches import switches_set
from testimony.wall.screens import screen_id_issue
from tests.testimony.test_privacy import MARKER_VALUES, MARKERS
from tests.testimony.wall import factories

pytestmark = pytest.mark.django_db


def scripts_are_external(html: str) -> bool:
    tags = re.findall(r"<script([^>]*)>", html)
    return bool(tags) and all("src=" in t or 'type="application/json"' in t for t in tags)


def test_the_screen_page_carries_its_config_qr_and_helplines(client):
    place = factories.installation(
        slug="station", helplines={"kk": "Көмек: 112", "ru": "Помощь: 112"}
    )
    response = client.get("/wall/station/?poll=2&rotate=1")
    html = response.content.decode()
    assert response.status_code == 200
    config = json.loads(
        re.search(r'id="wall-config" type="application/json">(.*?)</script>', html).group(1)
    )
    assert config["poll"] == 2 and config["rotate"] == 1
    assert config["feed"] == "/api/v1/wall/station/stories/"
    assert "Көмек: 112" in html and f"/wall/{place.slug}/qr.svg" in html
    assert scripts_are_external(html)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_qr_code_is_an_svg_drawn_here(client, settings):
    factories.installation(slug="station")
    settings.PUBLIC_BASE_URL = "https://untold.example"
    response = client.get("/wall/station/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    # It encodes the tell page at the public address (the phone picks its language there).
    assert response.content == io_svg(segno.make("https://untold.example/tell/", error="m"))


def io_svg(code) -> bytes:
    import io

    out = io.BytesIO()
    code.save(out, kind="svg", scale=8, dark="#14161a", light="#f4efe6", border=4, xmldecl=False)
    return out.getvalue()


def test_the_service_worker_may_control_every_wall_page(client):
    response = client.get("/wall/sw.js")
    assert response["Service-Worker-Allowed"] == "/wall/"
    assert b'addEventListener("fetch"' in response.content


def test_the_web_wall_shows_stories_with_warnings_and_a_report_button(client):
    place = factories.installation(label_policy={"self-harm": "warn"})
    plain = factories.published(at=[place], text="A plain story to read.")
    warned = factories.published(
        at=[place], text="A hard one to read, about harm.", labels=["self-harm"]
    )
    html = client.get("/wall/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert plain.published_text in html and warned.published_text in html
    assert "<details>" in html and "self-harm" in html
    assert html.count('action="/wall/report/"') == 2


def test_the_web_wall_is_public_so_the_proxy_may_keep_it_briefly(client, settings):
    """The same page for everyone; the tell and receipt pages stay never-stored."""
    settings.WALL_FEED_MAX_AGE = 30
    factories.published(at=[factories.installation()])
    for response in (client.get("/wall/"), client.get("/wall/?notice=reported")):
        assert response["Cache-Control"] == "public, max-age=30"
        assert "Set-Cookie" not in response
    assert client.get("/en/tell/")["Cache-Control"] == "no-store"


def test_the_web_wall_switches_language_in_its_address_and_keeps_it(client):
    """Her browser says English; the wall's switcher says Russian: every link and the report
    form keep Russian, in the address only (no cookie), and nonsense falls back to the browser."""
    first, second = factories.installation(name="Вокзал"), factories.installation(name="Парк")
    for n in range(3):
        factories.published(at=[first], text=f"История номер {n}, рассказанная здесь давно.")
    response = client.get(f"/wall/?i={first.slug}&lang=ru", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert '<html lang="ru">' in html and "Пожаловаться на историю" in html
    assert re.search(r'<a href="[^"]*lang=ru"[^>]*aria-current="page">Русский</a>', html)
    assert re.search(rf'href="\?i={second.slug}&amp;lang=ru"', html)  # the other installation
    assert '<input type="hidden" name="lang" value="ru">' in html
    assert "Set-Cookie" not in response and not response.cookies
    report = client.post("/wall/report/", {"story": "not-an-id", "i": first.slug, "lang": "ru"})
    assert "lang=ru" in report["Location"]
    english = client.get("/wall/?lang=xx", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "Report this story" in english
    # Without the switcher, the browser's language, and the page says which (it said "en").
    kazakh = client.get("/wall/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert '<html lang="kk">' in kazakh


def test_an_empty_web_wall_invites_a_story(client):
    factories.installation()
    html = client.get("/wall/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tell your story" in html


def test_reporting_sends_a_story_to_the_leads_and_is_rate_limited(client, settings):
    settings.WALL_REPORT_RATE_LIMIT = "2/h"
    place = factories.installation()
    story = factories.published(at=[place])
    for _ in range(3):
        response = client.post("/wall/report/", {"story": str(story.id), "i": place.slug})
        assert response.status_code == 302
    assert "notice=slow" in response["Location"]
    assert WallReport.objects.get(story=story).count == 2
    # Nonsense is ignored quietly.
    client.post("/wall/report/", {"story": "not-an-id"})


def test_a_report_from_another_site_is_refused(client):
    story = factories.published(at=[factories.installation()])
    response = client.post(
        "/wall/report/", {"story": str(story.id)}, HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert response.status_code == 403
    assert not WallReport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_public_wall_pages_leave_no_request_metadata(client, all_rows, captured_logs):
    place = factories.installation(slug="station")
    story = factories.published(at=[place])
    responses = [
        client.get("/wall/station/", **MARKERS),
        client.get("/wall/", **MARKERS),
        client.get("/api/v1/wall/station/stories/", **MARKERS),
        client.post("/wall/report/", {"story": str(story.id)}, **MARKERS),
        client.post(
            "/api/v1/wall/station/heartbeat/",
            {"screen": screen_id_issue(slug="station")},
            content_type="application/json",
            **MARKERS,
        ),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 302, 204]
    assert all("Set-Cookie" not in r.headers for r in responses)
    stored, logged = all_rows(), captured_logs()
    for marker in MARKER_VALUES:
        assert marker not in stored and marker not in logged, marker


def test_a_screen_heartbeat_is_recorded_and_capped(client, settings):
    settings.WALL_MAX_SCREENS = 2
    place = factories.installation(slug="station")
    url = "/api/v1/wall/station/heartbeat/"
    for _ in range(3):
        client.post(
            url, {"screen": screen_id_issue(slug="station")}, content_type="application/json"
        )
    assert Screen.objects.filter(installation=place).count() == 2
    bad = client.post(url, {"screen": "<script>"}, content_type="application/json")
    assert bad.status_code == 400


def test_a_paused_intake_closes_the_tell_page_and_the_api(client, api):
    switches_set(actor=None, intake_paused=True)
    page = client.get("/en/tell/").content.decode()
    assert "not taking new stories" in page and 'name="text"' not in page
    told = client.post("/en/tell/", {"text": "x" * 40, "consent": "wall"})
    assert told.status_code == 503
    response = api("/api/v1/stories/", {"text": "x" * 40, "consent": "wall"})
    assert response.status_code == 503
    assert not Story.objects.exists()
    switches_set(actor=None, intake_paused=False)
    assert 'name="text"' in client.get("/en/tell/").content.decode()


def test_the_demo_installation_gets_sensible_defaults():
    call_command("seed_demo")
    call_command("seed_demo")
    demo = Installation.objects.get(slug="demo")
    assert demo.on_web and set(demo.languages) == {"kk", "ru", "en"}
    assert demo.label_policy["sexual-violence"] == "exclude"
    assert all(demo.helplines[code] for code in ("kk", "ru", "en"))


def test_the_demo_wall_shows_111_for_adults_not_150():
    from testimony.management.commands.seed_demo import OLD_HELPLINES

    call_command("seed_demo")
    demo = Installation.objects.get(slug="demo")
    assert all("111" in text and "150" not in text for text in demo.helplines.values())
    # A demo seeded by an earlier version gets the new line once; an operator's own stays.
    demo.helplines = OLD_HELPLINES
    demo.save()
    call_command("seed_demo")
    demo.refresh_from_db()
    assert all("111" in text for text in demo.helplines.values())
    demo.helplines = {"en": "Our own line: 8 800 000 00 00"}
    demo.save()
    call_command("seed_demo")
    demo.refresh_from_db()
    assert demo.helplines == {"en": "Our own line: 8 800 000 00 00"}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_no_screen_promises_that_nobody_will_know(client, lang):
    call_command("seed_demo")
    page = client.get("/wall/demo/").content.decode()
    for promise in ("Nobody will know", "Никто не узнает", "ешкім білмейді"):
        assert promise not in page
