"""The survivor's side in a real browser (Debian's Chromium): the tell flow in each language with
JavaScript on and off, quick exit, the danger-shaped confirmation, and axe-core on every page."""

import re

import pytest

from testimony.models import HelpResource, Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = "https://start.example/"
NEUTRAL = "https://neutral.example/weather"
STORIES = {
    "en": (
        "I kept silent for years. Today I write it down, and I hope another woman reads it.",
        "Tell your story",
        "Send",
        "Thank you. Your story has been received.",
    ),
    "ru": (
        "Я молчала много лет. Сегодня я пишу об этом и надеюсь, что другая женщина прочтёт.",
        "Расскажите свою историю",
        "Отправить",
        "Спасибо. Ваша история получена.",
    ),
    "kk": (
        "Мен көп жыл үндемедім. Бүгін мұны жазып отырмын, басқа бір әйел оқыса екен деймін.",
        "Өз әңгімеңізді айтыңыз",
        "Жіберу",
        "Рақмет. Әңгімеңіз қабылданды.",
    ),
}
DANGER = "He said he will kill me if I leave. I am writing this while he sleeps."
RECEIPT = re.compile(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}")


@pytest.fixture(autouse=True)
def _seeded_helplines(db):
    """Transactional tests empty every table between tests, seed rows included: seed again."""
    from importlib import import_module

    from django.apps import apps

    import_module("testimony.migrations.0002_survivor").seed_help_resources(apps, None)
    import_module("testimony.migrations.0007_help_resource_verification").verify_seeded(apps, None)


@pytest.fixture(autouse=True)
def _survivor_settings(settings):
    settings.QUICK_EXIT_URL = NEUTRAL
    settings.POW_ENABLED = True
    settings.POW_MAX_NUMBER = 20_000


@pytest.fixture
def open_page(new_page):
    """A page whose outside world is two tiny local pages, recording CSP violations."""

    def make(javascript: bool = True):
        page = new_page(javascript=javascript)
        page.csp_violations = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and page.csp_violations.append(message.text)
            ),
        )
        for url, title in ((START, "Start"), (NEUTRAL, "Weather")):
            page.context.route(
                url,
                lambda route, title=title: route.fulfill(
                    status=200,
                    content_type="text/html",
                    body=f"<!doctype html><title>{title}</title><p>{title}</p>",
                ),
            )
        return page

    return make


def receipt_of(page) -> str:
    return page.locator("#receipt-code").text_content().strip()


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_whole_tell_flow_with_javascript(open_page, lang):
    text, heading, send, thanks = STORIES[lang]
    page = open_page()
    page.goto(f"/{lang}/")
    entries = page.evaluate("history.length")
    page.get_by_role("link", name=heading).click()
    page.wait_for_url(f"**/{lang}/tell/")
    page.get_by_role("heading", name=heading).wait_for()
    page.fill("textarea[name=text]", text)
    page.select_option("select[name=region]", "astana")
    page.get_by_role("button", name=send).click()
    page.get_by_text(thanks).wait_for()
    assert RECEIPT.fullmatch(receipt_of(page))
    story = Story.objects.get()
    assert story.text == text and story.region == "astana"
    assert story.no_proof_of_work is False  # the browser solved the proof of work
    # Every step replaced the history entry: Back cannot walk through the flow.
    assert page.evaluate("history.length") == entries
    assert page.csp_violations == []


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_whole_tell_flow_without_javascript(open_page, settings, lang):
    text, heading, send, thanks = STORIES[lang]
    settings.FORM_TIME_LOCK_SECONDS = 600
    page = open_page(javascript=False)
    page.goto(f"/{lang}/")
    page.get_by_role("link", name=heading).click()
    page.fill("textarea[name=text]", text)
    page.get_by_role("button", name=send).click()
    # Too soon without a proof of work: asked to wait, her text kept.
    problem = page.locator("#problem")
    problem.wait_for()
    assert re.search(r"\d+", problem.inner_text())
    assert page.locator("textarea[name=text]").input_value() == text
    assert Story.objects.count() == 0
    settings.FORM_TIME_LOCK_SECONDS = 0  # the wait is over
    page.get_by_role("button", name=send).click()
    page.get_by_text(thanks).wait_for()
    assert RECEIPT.fullmatch(receipt_of(page))
    assert Story.objects.get().no_proof_of_work is True  # marked for moderators


def test_a_browser_that_cannot_run_the_proof_of_work_falls_back_to_the_time_lock(
    open_page, settings
):
    settings.FORM_TIME_LOCK_SECONDS = 0
    page = open_page()
    page.add_init_script("Object.defineProperty(window, 'isSecureContext', {value: false})")
    page.goto("/en/tell/")
    page.fill("textarea[name=text]", STORIES["en"][0])
    page.get_by_role("button", name="Send").click()
    page.locator("#receipt-words").wait_for()
    assert Story.objects.get().no_proof_of_work is True


def test_quick_exit_button_and_back_never_returns(open_page):
    page = open_page()
    page.goto(START)
    page.goto("/en/")
    page.get_by_role("link", name="Tell your story").click()
    page.wait_for_url("**/en/tell/")
    page.fill("textarea[name=text]", "something she started to write")
    page.get_by_role("link", name=re.compile("Leave this site now")).click()
    page.wait_for_url(NEUTRAL)
    page.go_back()
    page.wait_for_url(START)
    assert "127.0.0.1" not in page.url


def test_quick_exit_by_pressing_esc_twice(open_page):
    page = open_page()
    page.goto(START)
    page.goto("/ru/tell/")
    page.fill("textarea[name=text]", "она начала писать")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)
    page.go_back()
    page.wait_for_url(START)


def test_quick_exit_after_sending_and_back_never_returns(open_page):
    page = open_page()
    page.goto(START)
    page.goto("/en/tell/")
    page.fill("textarea[name=text]", STORIES["en"][0])
    page.get_by_role("button", name="Send").click()
    page.locator("#receipt-words").wait_for()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)
    page.go_back()
    page.wait_for_url(START)


def test_one_escape_does_nothing(open_page):
    page = open_page()
    page.goto("/en/tell/")
    page.keyboard.press("Escape")
    page.fill("textarea[name=text]", "still here")
    assert "/en/tell/" in page.url


def test_quick_exit_without_javascript_is_a_plain_link(open_page):
    page = open_page(javascript=False)
    page.goto("/kk/")
    page.locator("#quick-exit").click()
    page.wait_for_url(NEUTRAL)


def test_the_confirmation_shows_the_regions_helplines(open_page):
    HelpResource.objects.create(
        name="Astana crisis centre",
        kind="crisis-centre",
        phone="+7 700 111 2233",
        region="astana",
        language="en",
        verified=True,
    )
    page = open_page()
    page.goto("/en/tell/")
    page.fill("textarea[name=text]", STORIES["en"][0])
    page.select_option("select[name=region]", "astana")
    page.get_by_role("button", name="Send").click()
    page.locator("#receipt-words").wait_for()
    phones = page.locator(".phone").all_inner_texts()
    assert phones[0] == "+7 700 111 2233" and "111" in phones
    assert page.locator(".danger-now").count() == 0


def test_a_danger_text_puts_emergency_numbers_first(open_page):
    HelpResource.objects.create(
        name="Astana crisis centre",
        kind="crisis-centre",
        phone="+7 700 111 2233",
        region="astana",
        language="en",
        verified=True,
    )
    page = open_page()
    page.goto("/en/tell/")
    page.fill("textarea[name=text]", DANGER)
    page.select_option("select[name=region]", "astana")
    page.get_by_role("button", name="Send").click()
    page.locator("#receipt-words").wait_for()
    first_heading = page.locator("main h1").first.inner_text()
    assert first_heading == "If you are in danger right now, call 112."
    phones = page.locator(".phone").all_inner_texts()
    assert phones[:2] == ["112", "102"] and "+7 700 111 2233" in phones


# --- Accessibility: axe-core reports nothing on any survivor page -----------------------------

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'])})"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_axe_finds_no_violation_on_any_survivor_page(open_page, lang):
    page = open_page()
    found = {}
    for path in ("", "tell/", "receipt/", "help/", "anonymity/"):
        page.goto(f"/{lang}/{path}")
        found[path or "landing"] = axe_violations(page)
    page.goto(f"/{lang}/tell/")
    page.fill("textarea[name=text]", DANGER)
    page.locator("button[type=submit]").click()
    page.locator("#receipt-words").wait_for()
    found["confirmation"] = axe_violations(page)
    code = receipt_of(page)
    page.check("#saved")  # else the page asks before she leaves it
    page.goto(f"/{lang}/receipt/")
    page.fill("textarea[name=receipt]", code)
    page.locator("button[value=status]").click()
    page.locator("p.status").wait_for()
    found["receipt status"] = axe_violations(page)
    page.goto(f"/{lang}/tell/")
    page.locator("button[type=submit]").click()  # empty: the page with an error message
    page.locator("[aria-invalid=true]").wait_for()
    found["tell with an error"] = axe_violations(page)
    assert {page: v for page, v in found.items() if v} == {}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_receipt_page_checks_and_withdraws_with_javascript(open_page, lang):
    """Its buttons are named "action": the script must still send the form to the page."""
    from tests.testimony.factories import submitted

    receipt = submitted().receipt
    page = open_page()
    page.goto(f"/{lang}/receipt/")
    page.fill("textarea[name=receipt]", receipt)
    page.locator("button[value=status]").click()
    page.locator("p.status").wait_for()
    page.locator("main form button").click()  # "Withdraw my story", then confirm
    page.locator("button.danger").click()
    page.locator("main h1").filter(
        has_text={"ru": "отозвана", "kk": "кері алынды"}[lang]
    ).wait_for()
    assert Story.objects.get().status == "withdrawn"


def test_the_esc_hint_shows_only_where_there_is_an_esc_key(new_page):
    desktop = new_page()
    desktop.goto("/en/")
    assert desktop.locator(".esc-hint").is_visible()
    phone = new_page(has_touch=True, is_mobile=True, viewport={"width": 390, "height": 800})
    phone.goto("/en/")
    assert phone.locator("#quick-exit").is_visible()
    assert not phone.locator(".esc-hint").is_visible()


def test_the_tell_page_reflows_at_200_percent_text(open_page):
    page = open_page()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/en/tell/")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    assert page.locator("#quick-exit").is_visible()


@pytest.mark.parametrize("javascript", [True, False])
def test_she_checks_the_words_she_saved_with_or_without_javascript(open_page, settings, javascript):
    settings.FORM_TIME_LOCK_SECONDS = 0  # without JavaScript, no wait (tested above)
    text, _, send, thanks = STORIES["kk"]
    page = open_page(javascript=javascript)
    page.goto("/kk/tell/")
    page.fill("textarea[name=text]", text)
    page.get_by_role("button", name=send).click()
    page.get_by_text(thanks).wait_for()
    words = page.locator("#receipt-words li").all_inner_texts()
    assert len(words) == 8
    # the code is the other choice: hidden until she asks for it
    assert not page.locator("#receipt-code").is_visible()
    page.locator(".receipt-code summary").click()
    assert RECEIPT.fullmatch(page.locator("#receipt-code").inner_text().strip())
    # a slip: told so, and the same words are shown again
    page.fill("#typed-back", " ".join(words[:7]))
    page.locator("#saved-check button[type=submit]").click()
    page.locator("#check-problem").wait_for()
    assert page.locator("#receipt-words li").all_inner_texts() == words
    if javascript:  # axe runs as a script in the page
        assert axe_violations(page) == []
    # typed back as she may have saved it: one a line, capitals, Kazakh letters as Russian
    typed = "\n".join(words).upper().translate(str.maketrans("ӘҒҚҢӨҰҮҺІ", "АГКНОУУХИ"))
    page.fill("#typed-back", typed)
    page.locator("#saved-check button[type=submit]").click()
    page.locator("#check-match").wait_for()
    assert page.locator("#receipt-words").count() == 0  # shown no more
    assert page.csp_violations == []
