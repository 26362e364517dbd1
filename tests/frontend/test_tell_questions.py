"""The optional questions on the tell page: asked gently, skippable at once, validated at
the door (nothing stored on a bad answer), and saying what withdrawal does to them."""

import pytest

from figures.models import PendingAnswers
from testimony.models import Story
from tests.frontend.test_tell import send

pytestmark = pytest.mark.django_db

WARNED = {
    "en": "if you withdraw your story later, your answers stay counted",
    "ru": "если позже вы отзовёте свою историю, ваши ответы останутся учтёнными",
    "kk": "кейін оқиғаңызды қайтарып алсаңыз да, жауаптарыңыз",
}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_page_says_what_withdrawal_does_before_she_answers(client, lang):
    html = client.get(f"/{lang}/tell/").content.decode()
    warning, first_question = html.index(WARNED[lang]), html.index('name="relation"')
    assert warning < first_question
    assert "<details" in html and 'id="questions"' in html  # folded: skipped in one go


def test_answers_sent_with_the_form_wait_apart_from_the_story(client):
    response = send(
        client,
        relation="husband",
        forms=["physical", "economic"],
        age_band="35-44",
        police="reconcile",
        knew_help="no",
    )
    assert response.status_code == 200
    held = PendingAnswers.objects.get()
    assert (held.relation, held.forms, held.age_band, held.police, held.knew_help) == (
        "husband",
        ["physical", "economic"],
        "35-44",
        "reconcile",
        "no",
    )
    assert Story.objects.get().statistics_token


def test_skipping_every_question_sends_the_story_without_answers(client):
    assert send(client).status_code == 200
    assert Story.objects.exists() and not PendingAnswers.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"relation": "neighbour"},
        {"forms": ["physical", "spiritual"]},
        {"age_band": "30"},
        {"police": "arrested"},
        {"knew_help": "maybe"},
    ],
)
def test_an_unknown_answer_is_refused_and_nothing_is_stored(client, bad):
    response = send(client, **bad)
    assert response.status_code == 400
    assert not Story.objects.exists() and not PendingAnswers.objects.exists()
    assert 'class="error"' in response.content.decode()
