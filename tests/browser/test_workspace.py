"""The workspace in a real browser: TOTP login, claim, redact (an emoji before a name),
approve with the keyboard, and see the story scheduled."""

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from moderation.accounts import moderator_create
from moderation.devices import totp_device
from moderation.models import Severity
from testimony.models import Status, Story
from tests.moderation.factories import screened

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "🙂 Aigerim told me to call 87015551234 if he came back. I did not."
PHONE = (TEXT.index("87015551234"), TEXT.index("87015551234") + 11)
EXPECTED = "🙂 [name] told me to call [phone] if he came back. I did not."


def code_for(device) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def log_in(page, username: str, password: str, code: str = "") -> None:
    """The one login step: username, password and (once enrolled) the code, together."""
    page.goto("/moderate/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.fill("input[name=code]", code)
    page.click("button[type=submit]")


def test_a_moderator_logs_in_redacts_and_approves_with_the_keyboard(new_page):
    made = moderator_create(username="saule", role="moderator", languages=["en", "ru"])
    # The phone number is a screener's suggestion; the name is found by the moderator's eye.
    story = screened(TEXT, findings=[("pii", "phone", Severity.HIGH, *PHONE)])
    assert TEXT.index("Aigerim") == 2  # code points; the browser counts 3 UTF-16 units

    page = new_page()
    log_in(page, "saule", made.password)
    # First login: enrolment with a QR code, then the code from the app.
    assert page.locator("img.qr").get_attribute("src").startswith("data:image/svg+xml")
    page.fill("input[name=code]", code_for(totp_device(made.user)))
    page.click("button[type=submit]")
    page.wait_for_url("**/moderate/")

    page.keyboard.press("n")  # claims the next story and opens it
    page.wait_for_url(f"**/moderate/stories/{story.id}/**")
    assert "blurred" in page.get_attribute("#review", "class")
    page.keyboard.press("r")
    assert "blurred" not in page.get_attribute("#review", "class")

    # Select "Aigerim" as a person would, with the browser's own (UTF-16) offsets.
    page.evaluate(
        """() => {
            const node = [...document.querySelectorAll('#story-text .seg')]
                .map(seg => seg.firstChild).find(t => t && t.data.includes('Aigerim'));
            const at = node.data.indexOf('Aigerim');
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + 'Aigerim'.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }"""
    )
    page.select_option("#placeholder", "[name]")
    page.locator("body").press("d")
    page.keyboard.press("s")  # apply every suggestion: the phone number
    assert page.inner_text("#preview") == EXPECTED

    page.keyboard.press("a")
    page.wait_for_selector(".messages")
    assert "appear on the wall after a random delay" in page.inner_text(".messages")

    story = Story.objects.get(id=story.id)
    assert story.status == Status.APPROVED
    assert story.published_text == EXPECTED
    assert story.publish_at is not None


def test_the_help_lists_the_shortcuts(new_page):
    made = moderator_create(username="gulnar", role="moderator", languages=["en"])
    device = totp_device(made.user)
    device.confirmed = True
    device.save()
    page = new_page()
    log_in(page, "gulnar", made.password, code_for(device))
    page.wait_for_url("**/moderate/")
    # The counts arrive after the rows: computed on the server, filled in by the page.
    expect(page.locator(".count[data-queue=pending]")).to_have_text("0")
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    assert "Approve" in page.inner_text("#shortcuts")
    page.keyboard.press("Escape")
    assert not page.locator("#shortcuts").is_visible()
