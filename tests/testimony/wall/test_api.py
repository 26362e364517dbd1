"""The wall's API answers in the language asked for, also when the installation is unknown."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "No such installation."), ("ru", "Такой инсталляции нет."), ("kk", "инсталляция жоқ")],
)
def test_an_unknown_installation_is_said_in_the_screens_language(client, api, lang, words):
    feed = client.get("/api/v1/wall/nowhere/stories/", HTTP_ACCEPT_LANGUAGE=lang)
    assert feed.status_code == 404 and words in feed.json()["detail"]
    beat = api("/api/v1/wall/nowhere/heartbeat/", {"screen": "x"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert beat.status_code == 404 and words in beat.json()["detail"]
