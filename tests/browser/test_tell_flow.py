import re

import pytest

from testimony.models import Story

pytestmark = pytest.mark.browser

TEXT = "I kept silent for years. Today I write it down, and I hope another woman reads it."


@pytest.mark.parametrize("javascript", [True, False])
def test_a_story_can_be_told_in_the_browser(new_page, javascript, settings):
    settings.FORM_TIME_LOCK_SECONDS = 0  # without JavaScript, no wait (test_survivor.py has it)
    page = new_page(javascript=javascript)
    page.goto("/en/tell/")
    page.fill("textarea[name=text]", TEXT)
    page.click("button[type=submit]")
    receipt = page.locator("#receipt-code").text_content()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt.strip())
    assert [story.text for story in Story.objects.all()].count(TEXT) == 1  # sealed: no query
