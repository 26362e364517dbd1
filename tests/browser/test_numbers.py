"""The numbers page and the tell page's questions in a real browser: axe-core reports
nothing, the charts are there without JavaScript, and the questions open and send without it."""

import pytest

from figures.models import PendingAnswers, Release
from tests.browser.test_survivor import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

CELLS = [
    {"question": "respondents", "value": None, "region": "all", "period": "2026", "count": 40},
    {"question": "respondents", "value": None, "region": "astana", "period": "2026", "count": 20},
    {"question": "respondents", "value": None, "region": None, "period": "2026", "count": 15},
    {"question": "relation", "value": "husband", "region": "all", "period": "2026", "count": 25},
    {"question": "relation", "value": None, "region": "all", "period": "2026", "count": 10},
    {"question": "forms", "value": "physical", "region": "all", "period": "2026", "count": 30},
    {"question": "police", "value": "reconcile", "region": "all", "period": "2026", "count": 15},
]


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.POW_ENABLED = False


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_axe_finds_no_violation_on_the_numbers_page(new_page, lang):
    Release.objects.create(number=1, released_on="2026-12-01", k=10, rounding=5, cells=CELLS)
    page = new_page()
    page.goto(f"/{lang}/numbers/")
    assert page.locator("svg[role=img]").count() == 4
    assert axe_violations(page) == []


def test_axe_finds_no_violation_on_the_numbers_page_before_any_release(new_page):
    page = new_page()
    page.goto("/en/numbers/")
    assert axe_violations(page) == []


def test_the_charts_are_drawn_without_javascript(new_page):
    Release.objects.create(number=1, released_on="2026-12-01", k=10, rounding=5, cells=CELLS)
    page = new_page(javascript=False)
    page.goto("/en/numbers/")
    assert page.locator("svg[role=img]").count() == 4
    assert page.locator("svg[role=img] rect").count() >= 6


@pytest.mark.parametrize("javascript", [True, False])
def test_the_questions_open_and_send_with_or_without_javascript(new_page, javascript):
    page = new_page(javascript=javascript)
    page.goto("/en/tell/")
    page.fill("textarea[name=text]", "He hurt me for years. Today I am telling it here, at last.")
    page.locator("#questions summary").click()
    page.get_by_label("Former husband or partner").check()
    page.get_by_label("Economic").check()
    page.get_by_label("I went; they urged us to reconcile").check()
    if javascript:  # axe-core is a script: it runs only where scripts do
        assert axe_violations(page) == []
    page.locator("button[type=submit]").click()
    page.locator("#receipt-words").wait_for()
    held = PendingAnswers.objects.get()
    assert (held.relation, held.forms, held.police) == ("former", ["economic"], "reconcile")
