"""What a survivor is told about her story: a true sentence for every consent, every state and
every language, on the receipt page and in the API."""

import datetime

import pytest
from django.utils import translation

from testimony.models import Consent, Status, Story
from testimony.selectors import PLAIN_STATUS, status_words
from testimony.services import story_mark_screened, story_withdraw
from testimony.wall.publication import publish_due
from tests.moderation import factories as review
from tests.testimony.factories import submitted

LANGUAGES = ["kk", "ru", "en"]
# What each language says when a story will never be shown, and when it is (or will be) on the
# wall: a private story's words must hold the first and never the second.
NEVER_SHOWN = {
    "en": "will never be shown",
    "ru": "никогда не покажут",
    "kk": "ешқашан көрсетілмейді",
}
ON_THE_WALL = {
    "en": ("It is on the wall", "will appear on the wall"),
    "ru": ("Она на стене", "Появится на стене"),
    "kk": ("Қабырғада көрсетіліп тұр", "қабырғада шығады"),
}
NO_JUDGEMENT = {"en": "no judgement", "ru": "не оценка", "kk": "баға емес"}
ERASED = {"en": "erased", "ru": "стёрт", "kk": "өшірілді"}
MODERATOR = {"en": "moderator", "ru": "модератор", "kk": "модератор"}


def _said(consent, status, language) -> str:
    with translation.override(language):
        return status_words(consent=consent, status=status)


def test_every_consent_and_state_has_its_own_words():
    assert set(PLAIN_STATUS) == set(Consent)
    for consent in Consent:
        assert set(PLAIN_STATUS[consent]) == set(Status)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("consent", list(Consent))
def test_the_sentence_is_true_for_the_consent_and_the_state(consent, status, language):
    said = _said(consent, status, language)
    now_on, will_be_on = ON_THE_WALL[language]
    if status == Status.WITHDRAWN:
        assert ERASED[language] in said
    elif consent == Consent.PRIVATE:
        assert NEVER_SHOWN[language] in said
        assert now_on not in said and will_be_on not in said
    elif status == Status.PUBLISHED:
        assert said.startswith(now_on)
    elif status == Status.APPROVED:
        assert will_be_on in said
    elif status == Status.REJECTED:
        assert NO_JUDGEMENT[language] in said and will_be_on not in said
    else:  # received, pending, held: waiting for a person, nothing promised yet
        assert MODERATOR[language] in said.lower()
        assert now_on not in said and will_be_on not in said
    if language != "en":
        assert said != _said(consent, status, "en"), "left in English"


def _in_state(consent: str, state: str) -> str:
    """A story with this consent brought to this state by the services; its receipt."""
    done = submitted(consent=consent)
    story = Story.objects.get(id=done.story_id)
    if state == Status.WITHDRAWN:
        story_withdraw(receipt=done.receipt)
        return done.receipt
    if state == Status.RECEIVED:
        return done.receipt
    story = story_mark_screened(
        story=story, language="en", held=state == Status.HELD, urgent=False, incomplete=False
    )
    if state in (Status.PENDING, Status.HELD):
        return done.receipt
    lead = review.reviewer("lead")
    if state == Status.REJECTED:
        review.reject(story, lead)
        return done.receipt
    review.approve(story, lead)
    if state == Status.PUBLISHED and consent == Consent.WALL:
        story.refresh_from_db()
        publish_due(now=story.publish_at + datetime.timedelta(days=1))
    return done.receipt


REACHABLE = [
    (consent, state)
    for consent in Consent
    for state in Status
    if not (consent == Consent.PRIVATE and state == Status.PUBLISHED)  # never published
]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("consent", "state"), REACHABLE)
def test_the_receipt_page_and_the_api_say_it_of_a_real_story(client, consent, state, language):
    receipt = _in_state(consent, state)
    story = Story.objects.get()
    assert story.status == state
    expected = _said(consent, state, language)
    page = client.post(f"/{language}/receipt/", {"receipt": receipt, "action": "status"})
    assert expected in page.content.decode()
    answer = client.post(
        "/api/v1/receipts/status/",
        {"receipt": receipt},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert answer.json()["message"] == expected
