"""The kiosk in Debian's Chromium: set up once with a code, its own keyboard in three
layouts, a receipt shown only while held, and everything wiped after sending or idling."""

import pytest

from testimony import receipts
from testimony.models import Channel, KioskDevice, Story
from testimony.wall import kiosk
from tests.testimony.wall import factories

pytestmark = pytest.mark.browser


def register(page, *, slug: str = "station") -> KioskDevice:
    place = factories.installation(slug=slug, helplines={"en": "Helpline 150", "kk": "Көмек 150"})
    device = KioskDevice.objects.create(installation=place, name="Hall A")
    code = kiosk.kiosk_setup_code_issue(device=device)
    page.wait_for_selector("#setup", state="visible")
    page.fill("#setup-code", code)
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector("#welcome", state="visible")
    return device


def tap(page, keys: str) -> None:
    """Real pointer clicks on the on-screen keys (slow: a few per test)."""
    for ch in keys:
        page.click(f"#keyboard button[data-char='{ch}']")


PRESS = """(keys) => {
  for (const ch of keys) {
    const key = [...document.querySelectorAll('#keyboard button[data-char]')]
      .find((b) => b.dataset.char === ch);
    if (!key) throw new Error('no key for ' + ch);
    key.click();
  }
}"""


def press(page, keys: str) -> None:
    """The same keys clicked from script: fast, through the keyboard's own handler."""
    page.evaluate(PRESS, keys)


def layout(page, name: str) -> None:
    page.click(f"#keyboard button[data-layout='{name}']")


def stored_keys(page) -> list[str]:
    return page.evaluate("() => Object.keys(localStorage)")


def test_the_on_screen_keyboard_types_in_all_three_layouts(open_page):
    page = open_page("/kiosk/?lang=en")
    register(page)
    page.click("#start")
    page.wait_for_selector("#keyboard", state="visible")
    layout(page, "kk")
    tap(page, "әқ")
    press(page, "ұөі ")
    layout(page, "ru")
    tap(page, "жё")
    press(page, "ъ ")
    layout(page, "en")
    page.click("#keyboard button[data-action='shift']")
    tap(page, "I")
    press(page, " told")
    page.click("#keyboard button[data-action='backspace']")
    press(page, "d")
    assert page.input_value("#story-text") == "әқұөі жёъ I told"


def test_a_kiosk_story_is_sent_and_the_receipt_shows_only_while_held(open_page):
    page = open_page("/kiosk/?lang=kk")
    device = register(page)
    page.click("#start")
    layout(page, "kk")
    press(page, "маған көмек керек еді бірақ ешкім келмеді")
    page.click("#send")
    page.wait_for_selector("#sent", state="visible")
    story = Story.objects.get()
    assert story.channel == Channel.KIOSK and story.told_at_id == device.installation_id
    assert story.text == "маған көмек керек еді бірақ ешкім келмеді"

    assert page.inner_text("#receipt") == ""
    page.hover("#hold")
    page.mouse.down()
    words = page.locator("#receipt .receipt-words li").all_inner_texts()
    code = page.inner_text("#receipt .receipt-code")
    assert len(words) == 8 and len(code.replace("-", "")) == 16
    assert receipts.normalize(" ".join(words)) == receipts.normalize(code)  # one receipt
    assert words == receipts.words_of(code, "kk")  # in the kiosk's language
    page.mouse.up()
    assert page.inner_text("#receipt") == ""

    page.click("#done")
    page.wait_for_selector("#welcome", state="visible")
    assert page.input_value("#story-text") == ""
    assert stored_keys(page) == ["untold-kiosk-device"]  # the device token, nothing of hers


def test_the_kiosk_wipes_itself_after_the_idle_time(open_page):
    page = open_page("/kiosk/?lang=ru&idle=1&countdown=1")
    register(page)
    page.click("#start")
    layout(page, "ru")
    tap(page, "н")
    press(page, "икто не знает")
    assert page.input_value("#story-text") == "никто не знает"
    page.wait_for_selector("#still-there", state="visible")  # "still there?" first
    page.wait_for_selector("#welcome", state="visible")
    assert page.input_value("#story-text") == ""
    assert page.is_hidden("#keyboard")
    assert stored_keys(page) == ["untold-kiosk-device"]
    assert not Story.objects.exists()


def test_a_touch_during_the_countdown_keeps_her_story(open_page):
    page = open_page("/kiosk/?lang=en&idle=1&countdown=5")
    register(page)
    page.click("#start")
    tap(page, "ok")
    page.wait_for_selector("#still-there", state="visible")
    page.click("#here")
    page.wait_for_selector("#still-there", state="hidden")
    assert page.input_value("#story-text") == "ok"


@pytest.mark.parametrize(
    ("lang", "backspace", "layout_name", "countdown"),
    [
        ("ru", "Стереть последнюю букву", "Казахские буквы", "Всё будет стёрто через"),
        ("kk", "Соңғы әріпті өшіру", "Қазақ әріптері", "секундтан кейін өшіріледі"),
    ],
)
def test_the_keys_and_the_countdown_speak_the_kiosk_language(
    open_page, lang, backspace, layout_name, countdown
):
    page = open_page(f"/kiosk/?lang={lang}&idle=1&countdown=30")
    register(page)
    page.click("#start")
    page.wait_for_selector("#keyboard", state="visible")
    assert page.get_attribute("#keyboard button[data-action=backspace]", "aria-label") == backspace
    assert page.get_attribute("#keyboard button[data-layout=kk]", "aria-label") == layout_name
    page.wait_for_selector("#still-there", state="visible")
    assert countdown in page.inner_text("#countdown")


def test_the_kiosks_optional_answers_are_sent_and_then_wiped(open_page):
    from figures.models import PendingAnswers

    page = open_page("/kiosk/?lang=en")
    register(page)
    page.click("#start")
    layout(page, "en")
    press(page, "he hurt me for years and nobody came")
    page.click("#questions summary")
    page.get_by_label("Father or mother").check()
    page.get_by_label("Psychological").check()
    page.click("#send")
    page.wait_for_selector("#sent", state="visible")
    held = PendingAnswers.objects.get()
    assert (held.relation, held.forms) == ("parent", ["psychological"])
    page.click("#done")
    page.wait_for_selector("#welcome", state="visible")
    left = "() => [...document.querySelectorAll('#questions input:checked')].map((i) => i.value)"
    assert page.evaluate(left) == ["", "", "", ""]  # "prefer not to say" everywhere again
    assert page.evaluate("() => document.getElementById('questions').open") is False
