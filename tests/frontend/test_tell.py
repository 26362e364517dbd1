import html
import re

import pytest
from django.core import signing

from testimony.models import Story
from tests.testimony.test_services import TYPED_AND_STORED

TEXT = "I was afraid for eleven years. Today I am writing it down for the first time."

pytestmark = pytest.mark.django_db


def token(client, lang="en") -> str:
    html = client.get(f"/{lang}/tell/").content.decode()
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def send(client, lang="en", **fields):
    data = {"text": TEXT, "consent": "wall", "region": "", "token": token(client, lang)} | fields
    return client.post(f"/{lang}/tell/", data)


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("en", "Tell your story"),
        ("ru", "Расскажите свою историю"),
        ("kk", "Өз әңгімеңізді айтыңыз"),
    ],
)
def test_tell_page_speaks_each_language(client, lang, heading):
    response = client.get(f"/{lang}/tell/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert heading in html
    # The form works without JavaScript: a plain form, and no inline script anywhere.
    assert f'<form method="post" action="/{lang}/tell/"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html)


def test_sending_shows_the_receipt_once(client):
    response = send(client)
    assert response.status_code == 200
    receipt = re.search(r'id="receipt-code"[^>]*>([^<]+)<', response.content.decode()).group(1)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt)
    assert Story.objects.get().channel == "web"


def test_a_retry_with_the_same_token_returns_the_same_receipt(client):
    data = {"text": TEXT, "consent": "wall", "region": "", "token": token(client)}
    first = client.post("/en/tell/", data).content.decode()
    second = client.post("/en/tell/", data).content.decode()
    pick = re.compile(r'id="receipt-code"[^>]*>([^<]+)<')
    assert pick.search(first).group(1) == pick.search(second).group(1)
    assert Story.objects.count() == 1


@pytest.mark.parametrize(("typed", "stored"), TYPED_AND_STORED)
def test_the_form_stores_what_she_typed_minus_markup_cleaned_once(client, typed, stored):
    assert send(client, text=typed).status_code == 200
    assert Story.objects.get().text == stored


def test_an_expired_token_keeps_her_text_and_asks_to_send_again(client, settings):
    settings.FORM_TOKEN_MAX_AGE_SECONDS = -1
    response = send(client)
    assert response.status_code == 400
    html = response.content.decode()
    assert TEXT in html and "one more tap" in html
    assert Story.objects.count() == 0


def test_a_forged_token_is_refused_and_keeps_the_text(client):
    response = send(client, token=signing.dumps({"n": "x"}, salt="other"))
    assert response.status_code == 400 and TEXT in response.content.decode()
    assert Story.objects.count() == 0


def test_cross_site_posts_are_refused(client):
    data = {"text": TEXT, "consent": "wall", "token": token(client)}
    assert client.post("/en/tell/", data, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert client.post("/en/tell/", data, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert Story.objects.count() == 0


def test_origin_null_is_unknown_not_hostile(client):
    data = {"text": TEXT, "consent": "wall", "token": token(client)}
    assert client.post("/en/tell/", data, HTTP_ORIGIN="null").status_code == 200
    assert Story.objects.count() == 1


def test_validation_errors_are_in_the_page_language_and_keep_the_text(client):
    response = send(client, "ru", text="мало")
    assert response.status_code == 400
    html = response.content.decode()
    assert "символ" in html and "мало" in html
    assert 'aria-invalid="true"' in html
    assert Story.objects.count() == 0


@pytest.mark.parametrize(
    ("lang", "typed", "words"),
    [
        ("kk", "<b>қысқа</b> &lt;", "таңба"),
        ("ru", "Слишком &amp; длинно. " * 500, "длиннее"),
        ("en", "<i>short</i> &amp;", "at least"),
    ],
)
def test_a_length_error_speaks_her_language_and_keeps_her_text_as_typed(client, lang, typed, words):
    response = send(client, lang, text=typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page
    kept = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)
    assert html.unescape(kept) == typed
    assert Story.objects.count() == 0


def test_receipt_page_shows_status_and_withdraws_after_confirmation(client):
    html = send(client).content.decode()
    receipt = re.search(r'id="receipt-code"[^>]*>([^<]+)<', html).group(1)
    status = client.post("/en/receipt/", {"receipt": receipt.lower(), "action": "status"})
    assert "waiting for a moderator to read it" in status.content.decode()
    ask = client.post("/en/receipt/", {"receipt": receipt, "action": "withdraw"})
    assert "cannot be undone" in ask.content.decode()
    assert Story.objects.get().status == "received"  # nothing happens before she confirms
    done = client.post("/en/receipt/", {"receipt": receipt, "action": "withdraw", "confirm": "yes"})
    assert done.status_code == 200
    assert Story.objects.get().status == "withdrawn"


def test_unknown_receipt_on_the_page(client):
    response = client.post("/en/receipt/", {"receipt": "AAAAA-BBBBB-CCCCC-DDDDD"})
    assert response.status_code == 404
    assert "No story was found" in response.content.decode()


def test_the_receipt_page_never_reads_a_code_from_the_url(client):
    html = send(client).content.decode()
    receipt = re.search(r'id="receipt-code"[^>]*>([^<]+)<', html).group(1)
    response = client.get(f"/en/receipt/?receipt={receipt}")
    assert "waiting for a moderator to read it" not in response.content.decode()
