"""The hostile-input corpus (tests/data/xss_payloads.jsonl) in Debian's Chromium, on every
surface that shows what someone else wrote: the wall screen, the web wall, the kiosk, the
workspace's queue, story page and team page (a moderator's note and a username), and the
receipt page (what she typed into it, sent back).

Each payload goes in twice: through the API as a survivor would send it (sanitised, screened
by the real pipeline), and raw, through testimony's own submit with a text marked as already
clean (so nothing strips it: what reaches the page is the payload itself, and only output
escaping stands between it and the browser). Both are approved through the moderation service
and published by the publisher. A hook in every frame records any dialog, any call of
alert/confirm/prompt/print or of the payloads' own `__xss`, and every CSP violation; the test
expects none, no element the payloads would have made, and every text shown as text.

The data is made once for the module and many stories share one page load: one load per
surface shows the whole corpus (the story page: a few long stories that each hold many
payloads). The receipt page is the exception: what she typed comes back one form at a time.
"""

import datetime
import json
import threading
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.test import Client, override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from config.celery import app as celery_app
from moderation import claims, decisions
from moderation.accounts import moderator_create
from moderation.models import ReviewNote
from testimony.models import Channel, Consent, KioskDevice, Status, Story
from testimony.sanitize import CleanText
from testimony.selectors import story_by_receipt
from testimony.services import story_mark_screened, story_submit
from testimony.wall import feeds, kiosk
from testimony.wall.installations import installation_save
from testimony.wall.publication import publish_due
from tests.conftest import _set_eager

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "data" / "xss_payloads.jsonl"
PAYLOADS = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
# A null character: the API refuses the story (400, nothing stored) and PostgreSQL could not
# hold it. Those payloads are sent and refused; the others go in both ways.
RAW = [p for p in PAYLOADS if "\x00" not in p]
REFUSED = [p for p in PAYLOADS if "\x00" in p]
SLUG = "hostile"
USERNAMES = [
    '<img src=x onerror=alert("user")>',
    '"><script>alert(1)</script>',
    "{{ 7*7 }}${alert(1)}",
    "\u202e<svg onload=alert(1)>",
    "</span></li><iframe src=javascript:alert(1)>",
]

HOOK = """
(() => {
  const seen = [];
  Object.defineProperty(window, "__hostile", { value: seen });
  const note = (kind, what) => seen.push(kind + ": " + String(what).slice(0, 160));
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (message) => note(name, message);
  }
  window.__xss = (message) => note("script", message);
  document.addEventListener("securitypolicyviolation", (event) => note(
    "csp", event.violatedDirective + " " + event.blockedURI + " " + (event.sample || "")), true);
  // The wall screen sets one story at a time: keep what each story node showed.
  const shown = {};
  Object.defineProperty(window, "__shown", { value: shown });
  new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.addedNodes) {
      if (node.nodeType === 1 && node.matches("article.story[data-id]")) {
        shown[node.dataset.id] = node.querySelector("p").textContent;
      }
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""

# What the payloads would have made, had any markup been read as markup.
INJECTED = """
() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (attr.name.startsWith("on")) found.push(el.tagName + " " + attr.name);
      const image = el.tagName === "IMG" && attr.name === "src";
      if (/^(javascript|data|vbscript):/.test(value) && !image) {
        found.push(el.tagName + " " + attr.name + "=" + value.slice(0, 40));
      }
    }
  }
  const tags = "iframe,object,embed,frame,frameset,base,portal,applet,svg script,math,marquee,"
    + "xss,x,isindex,layer,bgsound,meta[http-equiv]";
  for (const el of document.querySelectorAll(tags)) found.push("element " + el.tagName);
  return found;
}
"""


def told(n: int, payload: str, door: str) -> str:
    # The words before the payload keep a story long enough when an unclosed tag eats the rest.
    return f"Story number {n:03d}, told through the {door}: {payload} [end {n:03d}]"


class Server:
    """The site on a free port, for the module (pytest-django's live_server would empty the
    database after each test, and the data is made once)."""

    def __init__(self):
        self.httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
        self.httpd.set_app(get_wsgi_application())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    running = Server()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """Every payload as a published story (twice), in stories waiting for review, as notes
    and usernames; the lead's session; then the database emptied again."""
    overrides = override_settings(
        POW_ENABLED=False,
        INTAKE_RATE_LIMIT="off",
        INTAKE_GLOBAL_RATE_LIMIT="off",
        RECEIPT_LOOKUP_RATE_LIMIT="off",
        SECOND_REVIEW_REQUIRED=False,
        WALL_FEED_PAGE_SIZE=1000,
        WALL_MIN_BATCH=1,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    overrides.enable()
    eager = celery_app.conf.task_always_eager
    _set_eager(True)  # screened here and now, as every unit test's stories are
    with django_db_blocker.unblock():
        try:
            yield _build()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            feeds.memo.clear()
            _set_eager(eager)
            overrides.disable()


def _build() -> dict:
    feeds.memo.clear()
    place = installation_save(
        installation=_installation(name=PAYLOADS[0], helplines={"en": "\n".join(PAYLOADS[:60])})
    )
    lead = moderator_create(username="hostile-lead", role="lead").user
    lead.totpdevice_set.update(confirmed=True)
    api = Client()
    published, waiting = [], []
    for n, payload in enumerate(PAYLOADS):
        answer = api.post(
            "/api/v1/stories/",
            json.dumps({"text": told(n, payload, "api"), "consent": "wall"}),
            content_type="application/json",
        )
        if payload in REFUSED:
            assert answer.status_code == 400, (payload, answer.content)
            continue
        assert answer.status_code == 201, (payload, answer.content)
        published.append(story_by_receipt(receipt=answer.json()["receipt"]))
    assert len(published) == len(RAW) and REFUSED
    for n, payload in enumerate(RAW):
        published.append(_raw(told(n, payload, "raw")))
    for story in published:
        _approve(story, lead, place)
    publish_due(now=timezone.now() + datetime.timedelta(days=2))
    for chunk in _chunks(RAW):
        waiting.append(_raw(chunk))
    for chunk in _chunks(RAW):
        answer = api.post(
            "/api/v1/stories/",
            json.dumps({"text": chunk, "consent": "wall"}),
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
        waiting.append(story_by_receipt(receipt=answer.json()["receipt"]))
    authors = []
    for n, name in enumerate(USERNAMES):
        user = moderator_create(username=f"hostile-{n}", role="moderator").user
        get_user_model().objects.filter(pk=user.pk).update(username=name)  # past validation
        user.refresh_from_db()
        authors.append(user)
    noted = waiting[0]
    for n, payload in enumerate(RAW):
        ReviewNote.objects.create(
            story=noted,
            author=authors[n % len(authors)],
            text=payload,
            written_on=timezone.localdate(),
        )
    shown = Story.objects.filter(status=Status.PUBLISHED)
    assert shown.count() == 2 * len(RAW)
    device = KioskDevice.objects.create(installation=place, name="hostile kiosk")
    return {
        "place": place,
        "lead": lead,
        "published": {str(s.id): s.published_text for s in shown},
        "waiting": [(str(s.id), Story.objects.get(id=s.id).text) for s in waiting],
        "noted": str(noted.id),
        "setup_code": kiosk.kiosk_setup_code_issue(device=device),
        "session": _session(lead),
    }


def _installation(**fields):
    from testimony.models import Installation

    return Installation(slug=SLUG, on_web=True, **fields)


def _raw(text: str) -> Story:
    """A story whose text is the payload itself: marked clean, so intake's cleaning is skipped."""
    done = story_submit(text=CleanText(text), consent=Consent.WALL, channel=Channel.WEB)
    story = Story.objects.get(id=done.story_id)
    return story_mark_screened(
        story=story, language="en", held=False, urgent=False, incomplete=False
    )


def _approve(story: Story, lead, place) -> None:
    story = Story.objects.get(id=story.id)
    if story.status == Status.HELD:
        claims.claim_take(story_id=story.id, user=lead)
        decisions.story_release(story_id=story.id, user=lead, version=story.version)
        story = Story.objects.get(id=story.id)
    claims.claim_take(story_id=story.id, user=lead)
    story = Story.objects.get(id=story.id)
    due = timezone.now() - datetime.timedelta(seconds=1)
    with mock.patch("moderation.decisions.publish_time", return_value=due):
        decisions.story_approve(
            story_id=story.id, user=lead, version=story.version, installations=[place.pk]
        )
    claims.claim_release(story_id=story.id, user=lead)


def _chunks(payloads: list[str], size: int = 8000) -> list[str]:
    """Payloads joined into stories of at most `size` characters: one page shows many."""
    out, current = [], ""
    for payload in payloads:
        if current and len(current) + len(payload) + 1 > size:
            out.append(current)
            current = ""
        current = f"{current}\n{payload}" if current else f"Many at once: {payload}"
    return [*out, current]


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    return session.session_key


@pytest.fixture
def hostile_page(browser, server, site):
    """hostile_page(path, staff=False) -> a Page with the hook in every frame, and what it
    recorded: dialogs, hooked calls, CSP violations, and console errors about the policy."""
    contexts = []

    def make(path: str, *, staff: bool = False):
        context = browser.new_context(base_url=server.url)
        context.set_default_timeout(20_000)
        contexts.append(context)
        if staff:
            from django.conf import settings

            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": site["session"],
                  "url": server.url}]
            )  # fmt: skip
        context.add_init_script(HOOK)
        page = context.new_page()
        page.recorded = []
        page.on("dialog", lambda dialog: (page.recorded.append("dialog"), dialog.dismiss()))
        page.on(
            "console",
            lambda msg: "Content Security Policy" in msg.text and page.recorded.append(msg.text),
        )
        page.on("pageerror", lambda error: page.recorded.append(f"page error: {error}"))
        if path:
            page.goto(path)
        return page

    yield make
    for context in contexts:
        context.close()


def assert_nothing_ran(page) -> None:
    recorded = page.recorded + page.evaluate("() => window.__hostile")
    assert recorded == [], recorded[:10]
    injected = page.evaluate(INJECTED)
    assert injected == [], injected[:10]


def test_the_web_wall_shows_every_payload_as_text(hostile_page, site):
    page = hostile_page(f"/wall/?i={SLUG}")
    texts = page.eval_on_selector_all("article > p", "nodes => nodes.map(n => n.textContent)")
    assert sorted(texts) == sorted(site["published"].values())
    assert_nothing_ran(page)


def test_the_wall_screen_shows_every_payload_as_text(hostile_page, site):
    page = hostile_page(f"/wall/{SLUG}/?rotate=0.01&poll=600")
    expected = site["published"]
    page.wait_for_function(
        f"() => Object.keys(window.__shown).length >= {len(expected)}", timeout=60_000
    )
    assert page.evaluate("() => window.__shown") == expected
    assert page.locator("#helplines p").first.text_content() == site["place"].helplines["en"]
    assert_nothing_ran(page)


def test_the_kiosk_shows_its_helplines_as_text(hostile_page, site):
    page = hostile_page("/kiosk/?lang=en")
    page.wait_for_selector("#setup", state="visible")
    page.fill("#setup-code", site["setup_code"])
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector("#welcome", state="visible")
    shown = page.locator("[data-helplines] p").first.text_content()
    assert shown == site["place"].helplines["en"]
    assert_nothing_ran(page)


def test_the_queue_lists_every_waiting_story_and_runs_nothing(hostile_page, site):
    page = hostile_page("/moderate/", staff=True)
    tabs = page.eval_on_selector_all("#queue-tabs a", "links => links.map(a => a.href)")
    assert len(tabs) >= 2
    listed = set()
    for tab in tabs:  # pending, held, urgent...: wherever screening put them
        page.goto(tab)
        rows = page.eval_on_selector_all(".queue-row", "rows => rows.map(r => r.dataset.href)")
        listed |= {href.split("/stories/")[1].split("/")[0] for href in rows}
        assert_nothing_ran(page)
    assert {story_id for story_id, _ in site["waiting"]} <= listed


def test_the_story_page_shows_the_story_notes_and_usernames_as_text(hostile_page, site):
    for story_id, text in site["waiting"]:
        page = hostile_page(f"/moderate/stories/{story_id}/", staff=True)
        assert page.locator("#story-text").text_content() == text
        if story_id == site["noted"]:
            notes = page.locator(".notes li").all_text_contents()
            assert len(notes) == len(RAW)
            for n, (note, payload) in enumerate(zip(notes, RAW, strict=True)):
                assert USERNAMES[n % len(USERNAMES)] in note
                assert payload.replace("\r", "").replace("\n", "") in note.replace("\n", "")
        assert_nothing_ran(page)


def test_the_team_page_shows_every_username_as_text(hostile_page, site):
    page = hostile_page("/moderate/team/", staff=True)
    shown = page.locator("main").text_content()
    for name in USERNAMES:
        assert name in shown
    assert_nothing_ran(page)


def test_the_receipt_page_gives_back_what_was_typed_as_text(hostile_page):
    page = hostile_page("/en/receipt/")
    for payload in PAYLOADS:
        with page.expect_navigation():
            page.evaluate(
                """(code) => {
                    const form = document.querySelector("form");
                    form.querySelector("textarea[name=receipt]").value = code;
                    form.submit();
                }""",
                payload,
            )
        typed = page.locator("textarea[name=receipt]").input_value()
        # A <textarea> keeps her lines (the browser makes every line break a \n), and the HTML
        # parser reads a null character as U+FFFD.
        shown = payload.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
        assert typed == shown, payload
        assert_nothing_ran(page)
