"""The receipt on the survivor's pages: shown as eight words in her language (or as a code) on
the confirmation page, typed back there to check she saved it, and taken by the receipt page
in either form and in any of the three languages."""

import html
import re

import pytest

from testimony import receipts
from testimony.models import Story
from tests.frontend.test_tell import send

pytestmark = pytest.mark.django_db
LANGUAGES = receipts.WORD_LANGUAGES
CODE = re.compile(r'id="receipt-code"[^>]*>([^<]+)<')


def shown(page: str) -> tuple[str, list[str]]:
    words = re.search(r'<ol class="receipt-words" id="receipt-words">(.*?)</ol>', page, re.S)
    listed = [html.unescape(w) for w in re.findall(r"<li>([^<]+)</li>", words.group(1))]
    return CODE.search(page).group(1), listed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_confirmation_shows_eight_words_in_her_language_and_the_same_receipt_as_a_code(
    client, lang
):
    page = send(client, lang).content.decode()
    code, words = shown(page)
    assert words == receipts.words_of(code, lang)
    assert len(words) == 8 and all(w in receipts.word_list(lang) for w in words)
    # the code is the other choice, behind a disclosure that opens without JavaScript
    assert page.index("<details") < page.index('id="receipt-code"') < page.index("</details>")


@pytest.mark.parametrize("told", LANGUAGES)
@pytest.mark.parametrize("checked", LANGUAGES)
def test_words_told_in_one_language_find_the_story_on_a_page_in_another(client, told, checked):
    code, words = shown(send(client, told).content.decode())
    for typed in ("\n".join(words), ", ".join(w.upper() for w in words), code.lower()):
        answer = client.post(f"/{checked}/receipt/", {"receipt": typed, "action": "status"})
        assert answer.status_code == 200, typed
        assert 'class="status"' in answer.content.decode()


def test_the_receipt_page_withdraws_by_words(client):
    code, words = shown(send(client, "kk").content.decode())
    typed = "1. " + "\n2. ".join(words)  # numbered, as a list in a notes app may be
    ask = client.post("/ru/receipt/", {"receipt": typed, "action": "withdraw"}).content.decode()
    hidden = re.search(r'name="receipt" value="([^"]+)"', ask).group(1)
    assert "\n" not in hidden and receipts.normalize(hidden) == receipts.normalize(code)
    done = client.post("/ru/receipt/", {"receipt": hidden, "action": "withdraw", "confirm": "yes"})
    assert done.status_code == 200
    assert Story.objects.get().status == "withdrawn"


def test_a_receipt_of_the_first_format_still_works_on_the_page(client):
    old = "AB1D0-KMH0P-CTX2Y-V9E3Z"
    send(client)
    stored = receipts.digest(old)
    Story.objects.update(receipt_key_id=stored.key_id, receipt_hash=stored.value)  # as before
    answer = client.post("/en/receipt/", {"receipt": old.lower(), "action": "status"})
    assert answer.status_code == 200 and 'class="status"' in answer.content.decode()


def _check(client, lang, page, typed):
    code, _ = shown(page)
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert form["shown"] == code
    return client.post(f"/{lang}/receipt/saved/", {**form, "typed": typed})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_typing_the_receipt_back_confirms_it_and_shows_it_no_more(
    client, lang, all_rows, captured_logs
):
    page = send(client, lang).content.decode()
    code, words = shown(page)
    before = all_rows()
    for typed in ("  ".join(words).upper(), code.lower(), "\n".join(receipts.words_of(code, "en"))):
        answer = _check(client, lang, page, typed)
        assert answer.status_code == 200
        text = answer.content.decode()
        assert 'id="check-match"' in text and 'role="alert"' not in text
        assert code not in text and not any(f"<li>{w}</li>" in text for w in words)
    assert all_rows() == before  # nothing looked up, nothing stored
    assert code not in captured_logs() and words[0] not in captured_logs()


def test_a_slip_in_what_she_saved_shows_the_receipt_again(client):
    page = send(client, "ru").content.decode()
    code, words = shown(page)
    swapped = [words[1], words[0], *words[2:]] if words[0] != words[1] else words[:7]
    for typed in (" ".join(swapped), " ".join(words[:7]), "", code[:-1]):
        answer = _check(client, "ru", page, typed)
        text = answer.content.decode()
        assert 'id="check-problem"' in text, typed
        assert shown(text) == (code, words)  # the same receipt, in the same words


def test_the_check_form_is_a_plain_form_and_takes_no_made_up_receipt(client):
    page = send(client).content.decode()
    assert '<form class="saved-check" method="post" action="/en/receipt/saved/"' in page
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    forged = client.post("/en/receipt/saved/", {**form, "shown": "<b>x</b>", "typed": "<b>x</b>"})
    assert forged.status_code == 400 and "<b>x</b>" not in forged.content.decode()
    assert client.get("/en/receipt/saved/").status_code == 405
