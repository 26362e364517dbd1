"""A tell form over MAX_REQUEST_BYTES gets the tell page back, in her language, with the start
of her story kept and a kind word that the rest was cut; nothing is stored or logged."""

import html
import re
from urllib.parse import urlencode

import pytest

from testimony.models import Story
from tests.frontend.conftest import form_token
from tests.testimony.test_privacy import MARKER_VALUES, MARKERS

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
SENTENCE = {
    "en": "He locked the door and took my phone again. ",
    "ru": "Он снова запер дверь и забрал мой телефон. ",
    "kk": "Ол тағы да есікті құлыптап, телефонымды тартып алды. ",
}
WORDS = {"en": "cut off", "ru": "обрезано", "kk": "қиылып"}


def post_form(client, lang: str, text: str, **extra):
    """As a browser sends the tell form: urlencoded, fields in the page's order."""
    fields = {
        "token": form_token(client, lang),
        "text": text,
        "region": "astana",
        "consent": "private",
    }
    return client.post(f"/{lang}/tell/", urlencode(fields), content_type=FORM, **extra)


def kept_text(response) -> str:
    page = response.content.decode()
    return html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1))


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_an_oversized_story_comes_back_cut_to_what_fits_in_her_language(client, settings, lang):
    text = SENTENCE[lang] * 8_000  # far over 256 kB once encoded
    response = post_form(client, lang, text)
    assert response.status_code == 413
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page and 'id="tell-form"' in page
    assert WORDS[lang] in html.unescape(page)
    kept = kept_text(response)
    assert text.startswith(kept)
    assert settings.STORY_MAX_CHARS - 200 < len(kept) <= settings.STORY_MAX_CHARS
    assert not kept.endswith(" ") and text[len(kept)] == " "  # cut between words
    # Her answers after the text were cut off too: who may read it is asked again, never
    # assumed (she had chosen "private").
    assert not re.search(r'<input type="radio" name="consent"[^>]*checked', page)
    assert Story.objects.count() == 0


def test_the_form_token_she_had_is_kept(client):
    token = form_token(client)
    fields = {"token": token, "text": "a " * 200_000, "consent": "wall"}
    response = client.post("/en/tell/", urlencode(fields), content_type=FORM)
    assert f'name="token" value="{token}"' in response.content.decode()


@pytest.mark.parametrize("shift", range(6))
def test_a_character_split_by_the_limit_is_dropped_not_garbled(client, settings, shift):
    # A small byte limit and a large story limit: the byte limit cuts her text, at every
    # position inside a character's percent escapes ("%D1%91").
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 3_000 + shift
    settings.STORY_MAX_CHARS = 100_000
    text = "ёж " * 2_000
    response = post_form(client, "ru", text)
    assert response.status_code == 413
    kept = kept_text(response)
    assert kept and text.startswith(kept) and "\ufffd" not in kept
    assert "обрезано" in html.unescape(response.content.decode())


def test_an_oversized_form_without_her_text_says_how_long_a_story_may_be(client, settings):
    fields = {"token": form_token(client), "region": "x" * 300_000, "text": "lost"}
    response = client.post("/en/tell/", urlencode(fields), content_type=FORM)
    assert response.status_code == 413
    page = html.unescape(response.content.decode())
    assert f"at most {settings.STORY_MAX_CHARS} characters" in page
    assert Story.objects.count() == 0


def test_an_oversized_multipart_form_gets_the_page_not_a_bare_400(client, settings):
    response = client.post("/kk/tell/", {"text": "ә" * 300_000, "consent": "wall"})
    assert response.status_code == 413
    page = response.content.decode()
    assert '<html lang="kk">' in page and 'id="tell-form"' in page
    assert str(settings.STORY_MAX_CHARS) in page
    assert Story.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_oversized_form_leaves_no_trace(client, all_rows, captured_logs):
    response = post_form(client, "en", SENTENCE["en"] * 8_000, **MARKERS)
    assert response.status_code == 413
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert response.headers["Cache-Control"] == "no-store"
    stored, logged = all_rows(), captured_logs()
    assert Story.objects.count() == 0
    for marker in MARKER_VALUES:
        assert marker not in stored and marker not in logged, marker
    assert "RequestDataTooBig" not in logged
