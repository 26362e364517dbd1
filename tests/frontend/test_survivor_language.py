"""Every survivor page speaks her language all through: each language named in itself in the
switcher, and no English sentence left on a Kazakh or Russian page (the rendered kk and ru text
is compared with the English rendering of the same page)."""

import html
import json
import re

import pytest

from testimony.switches import switches_set
from tests.frontend.conftest import form_token
from tests.testimony.factories import submitted
from tests.testimony.wall import factories as wall_factories

pytestmark = pytest.mark.django_db

ENDONYMS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
STORY = "I was afraid for eleven years. Today I am writing it down for the first time."
# Latin words that are names, not English: a brand, a key, an example code, a language's name.
NAMES = {
    "tor",
    "browser",
    "chrome",
    "android",
    "safari",
    "iphone",
    "firefox",
    "ip",
    "esc",
    "altcha",
    "english",
    "cookie",
    "qr",
    "untold",
    "demo",
    "api",
    "json",
    "url",
    "www",
    "http",
    "https",
}


def _tell(client, lang):
    data = {"text": STORY, "consent": "wall", "token": form_token(client, lang)}
    return client.post(f"/{lang}/tell/", data)


def _status(client, lang):
    return client.post(f"/{lang}/receipt/", {"receipt": submitted().receipt, "action": "status"})


def _withdraw_confirm(client, lang):
    receipt = submitted().receipt
    return client.post(f"/{lang}/receipt/", {"receipt": receipt, "action": "withdraw"})


def _withdrawn(client, lang):
    receipt = submitted().receipt
    data = {"receipt": receipt, "action": "withdraw", "confirm": "yes"}
    return client.post(f"/{lang}/receipt/", data)


def _unknown_receipt(client, lang):
    return client.post(f"/{lang}/receipt/", {"receipt": "AAAAA-BBBBB-CCCCC-DDDDD"})


def _empty_story(client, lang):
    return client.post(f"/{lang}/tell/", {"text": "", "token": form_token(client, lang)})


def _closed(client, lang):
    switches_set(actor=None, intake_paused=True)
    return client.get(f"/{lang}/tell/")


def _web_wall(client, lang):
    place = wall_factories.installation(name="Вокзал", helplines={})
    wall_factories.published(at=[place], text="Одна история на стене, рассказанная давно.")
    return client.get("/wall/", HTTP_ACCEPT_LANGUAGE=lang)


def _kiosk(client, lang):
    return client.get(f"/kiosk/?lang={lang}")


def _get(path):
    return lambda client, lang: client.get(path.format(lang=lang))


PAGES = {
    "landing": _get("/{lang}/"),
    "tell": _get("/{lang}/tell/"),
    "told": _tell,
    "empty story": _empty_story,
    "receipt": _get("/{lang}/receipt/"),
    "receipt status": _status,
    "withdraw confirmation": _withdraw_confirm,
    "withdrawn": _withdrawn,
    "unknown receipt": _unknown_receipt,
    "help": _get("/{lang}/help/"),
    "help in a region": _get("/{lang}/help/?region=karaganda"),
    "anonymity": _get("/{lang}/anonymity/"),
    "closed": _closed,
    "kiosk": _kiosk,
    "web wall": _web_wall,
}
WITH_SWITCHER = list(PAGES)


def visible_text(page: str) -> str:
    """What a person reads or hears: text, labels for screen readers, and the words a page's
    script shows (its JSON), minus code and the story texts people wrote."""
    said = []
    for blob in re.findall(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', page, re.S):
        said += [v for v in _strings(json.loads(blob))]
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<article\b.*?</article>", " ", page, flags=re.S)  # her words, any language
    page = re.sub(r"<textarea\b.*?</textarea>", " ", page, flags=re.S)
    for attr in ("aria-label", "alt", "title", "placeholder"):
        said += re.findall(rf'{attr}="([^"]*)"', page)
    said.append(re.sub(r"<[^>]+>", "\n", page))
    return html.unescape("\n".join(said))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            if key not in ("lang", "code"):
                yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def english_sentences(text: str) -> set[str]:
    """Pieces of English prose: two or more English words in a row, not names."""
    found = set()
    for line in re.split(r"[\n.!?:;«»“”()]", text):
        words = re.findall(r"[A-Za-z][A-Za-z'’-]*", line)
        # A receipt code or a key's name is capitals, not prose.
        prose = [w for w in words if w.lower() not in NAMES and not w.isupper()]
        if len(prose) >= 2 and not re.search(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]", line):
            found.add(" ".join(words))
    return found


@pytest.fixture
def render(client):
    def page(name: str, lang: str) -> str:
        response = PAGES[name](client, lang)
        assert response.status_code < 500
        return response.content.decode()

    return page


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("name", WITH_SWITCHER)
def test_the_switcher_names_each_language_in_itself(render, name, lang):
    page = render(name, lang)
    for code, endonym in ENDONYMS.items():
        assert re.search(rf'<a [^>]*lang="{code}"[^>]*>{endonym}</a>', page), (name, code)
    assert ">Kazakh<" not in page and ">Russian<" not in page


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_english_sentence_is_left_on_a_kazakh_or_russian_page(render, name, lang):
    english = english_sentences(visible_text(render(name, "en")))
    assert english, "the English page says nothing: the comparison would prove nothing"
    translated = visible_text(render(name, lang))
    left = sorted(s for s in english if s in translated)
    stray = sorted(english_sentences(translated))
    assert not left and not stray, f"{name} in {lang}: English left: {left + stray}"


def test_the_comparison_finds_an_english_sentence_left_behind():
    english = english_sentences(visible_text("<p>Tell your story.</p><p>Notes</p>"))
    assert english == {"Tell your story"}
    assert english_sentences(visible_text("<p>Әңгімеңізді айтыңыз. Tell your story.</p>"))
    assert not english_sentences(visible_text("<p>Оны Tor Browser-де ашыңыз.</p>"))
