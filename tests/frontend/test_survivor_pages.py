"""Help resources, the danger-shaped confirmation, the new pages, quick exit and neutral titles."""

import re

import pytest

from frontend import views
from moderation.models import Finding
from testimony.models import AuditEvent, HelpResource, Story
from testimony.switches import switches_set
from tests.frontend.conftest import form_token

pytestmark = pytest.mark.django_db

CALM = "I was afraid for eleven years. Today I am writing it down for the first time."
DANGER = "He said he will kill me if I leave. I am writing this while he sleeps."
PAGES = ["/{lang}/", "/{lang}/tell/", "/{lang}/receipt/", "/{lang}/help/", "/{lang}/anonymity/"]


def tell(client, text, lang="en", region=""):
    data = {"text": text, "consent": "wall", "region": region, "token": form_token(client, lang)}
    return client.post(f"/{lang}/tell/", data)


def phones_in_order(html: str) -> list[str]:
    return re.findall(r'class="phone">([^<]+)<', html)


def test_seed_helplines_exist_in_each_language_verified_and_say_they_answer_in_kk_and_ru():
    answers = {
        "en": "Answers in Kazakh and Russian.",
        "ru": "Отвечают на казахском и русском языках.",
        "kk": "Қазақ және орыс тілдерінде жауап береді.",
    }
    for lang in ("kk", "ru", "en"):
        seeded = HelpResource.objects.filter(language=lang, region="")
        assert sorted(seeded.values_list("phone", flat=True)) == ["102", "111", "112", "150"]
        assert all(r.verified and r.verified_on for r in seeded)
        assert all(r.description.endswith(answers[lang]) for r in seeded)


@pytest.mark.parametrize(
    ("lang", "name"),
    [("en", "Emergency services"), ("ru", "Экстренные службы"), ("kk", "Шұғыл қызметтер")],
)
def test_the_resources_page_speaks_each_language(client, lang, name):
    html = client.get(f"/{lang}/help/").content.decode()
    assert name in html and 'href="tel:112"' in html


def test_the_resources_page_shows_the_chosen_region_first(client):
    HelpResource.objects.create(
        name="Karaganda crisis centre",
        kind="crisis-centre",
        phone="+7 700 000 0000",
        region="karaganda",
        language="en",
        verified=True,
    )
    html = client.get("/en/help/?region=karaganda").content.decode()
    assert phones_in_order(html)[0] == "+7 700 000 0000"
    elsewhere = client.get("/en/help/?region=astana").content.decode()
    assert "Karaganda crisis centre" not in elsewhere and "112" in elsewhere


def test_the_confirmation_shows_the_regions_helplines(client):
    HelpResource.objects.create(
        name="Karaganda crisis centre",
        kind="crisis-centre",
        phone="+7 700 000 0000",
        region="karaganda",
        language="en",
        verified=True,
    )
    html = tell(client, CALM, region="karaganda").content.decode()
    assert "People who can help" in html
    phones = phones_in_order(html)
    assert phones[0] == "+7 700 000 0000" and "111" in phones and "112" in phones
    assert "If you are in danger right now" not in html
    # The danger check misses much, so every confirmation names 112, after the receipt.
    assert html.index('id="receipt-code"') < html.index("If you are ever in danger, call 112.")


def test_a_danger_text_puts_emergency_numbers_first_with_a_plain_sentence(client):
    HelpResource.objects.create(
        name="Karaganda crisis centre",
        kind="crisis-centre",
        phone="+7 700 000 0000",
        region="karaganda",
        language="en",
        verified=True,
    )
    html = tell(client, DANGER, region="karaganda").content.decode()
    assert "If you are in danger right now, call 112." in html
    phones = phones_in_order(html)
    assert phones[:2] == ["112", "102"]
    assert "+7 700 000 0000" in phones
    # The sentence about immediate help comes before the receipt.
    assert html.index("call 112") < html.index('id="receipt-code"')


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Он сказал, что убьёт меня, если я уйду. Я пишу это, пока он спит."),
        ("kk", "Ол мені өлтіремін деп қорқытты. Мен мұны ол ұйықтап жатқанда жазып отырмын."),
    ],
)
def test_danger_words_are_found_in_russian_and_kazakh(client, lang, text):
    html = tell(client, text, lang=lang).content.decode()
    assert phones_in_order(html)[:2] == ["112", "102"]


def test_the_danger_result_is_never_stored(client):
    tell(client, DANGER)
    story = Story.objects.get()
    assert story.urgent is False
    assert not Finding.objects.exists() and not AuditEvent.objects.exists()


def test_a_failing_danger_check_shows_emergency_numbers_first(client, monkeypatch, caplog):
    def broken(text, language):
        raise ImportError("the danger screener is missing")

    monkeypatch.setattr(views.screeners, "danger_found", broken)
    html = tell(client, CALM).content.decode()
    assert phones_in_order(html)[:2] == ["112", "102"]
    assert CALM not in caplog.text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_quick_exit_a_neutral_title_and_no_inline_code(
    client, settings, lang, page
):
    settings.QUICK_EXIT_URL = "https://weather.example/today"
    response = client.get(page.format(lang=lang))
    assert response.status_code == 200
    html = response.content.decode()
    # A plain link first of all, so it works without JavaScript.
    assert re.search(
        r'<a class="quick-exit" id="quick-exit" href="https://weather.example/today"', html
    )
    titles = {"en": "Notes", "ru": "Заметки", "kk": "Жазбалар"}
    assert re.findall(r"<title>([^<]*)</title>", html) == [titles[lang]]
    assert "frontend/site.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html)
    assert not re.search(r"\sstyle=", html) and "<style" not in html
    assert f'href="/{lang}/anonymity/#history"' in html


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("en", "How your anonymity is protected"),
        ("ru", "Как защищена ваша анонимность"),
        ("kk", "Анонимдігіңіз қалай қорғалады"),
    ],
)
def test_the_anonymity_page_says_what_is_kept_and_how_to_clear_history(client, lang, heading):
    html = client.get(f"/{lang}/anonymity/").content.decode()
    assert heading in html and 'id="history"' in html


ONION = "untoldexampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "This site can also be reached over Tor"),
        ("ru", "На этот сайт можно зайти и через Tor"),
        ("kk", "Бұл сайтқа Tor желісінен шықпай-ақ"),
    ],
)
def test_the_anonymity_page_gives_the_onion_address_when_there_is_one(
    client, settings, lang, sentence
):
    settings.ONION_ADDRESS = ONION
    html = client.get(f"/{lang}/anonymity/").content.decode()
    assert sentence in html and ONION in html


def test_the_anonymity_page_names_no_onion_address_without_one(client, settings):
    settings.ONION_ADDRESS = ""
    html = client.get("/en/anonymity/").content.decode()
    assert "Tor" not in html and ".onion" not in html


def test_the_consent_text_is_honest_before_she_sends(client):
    html = client.get("/en/tell/").content.decode()
    consent = html[html.index("Before you send") : html.index('type="submit"')]
    assert "may recognise your story even without names" in consent
    assert "may remove names, places" in consent
    assert "no sooner than 30 minutes after a moderator approves it" in consent
    assert "withdraw it at any time" in consent


def test_a_paused_intake_says_it_is_closed_and_shows_help(client):
    switches_set(actor=None, intake_paused=True)
    html = client.get("/en/tell/").content.decode()
    assert "not taking new stories" in html and 'href="tel:112"' in html
    assert 'name="text"' not in html


def test_a_story_sent_while_paused_is_kept_on_the_page_and_not_stored(client):
    token = form_token(client)
    switches_set(actor=None, intake_paused=True)
    response = client.post(
        "/en/tell/", {"text": CALM, "consent": "wall", "region": "", "token": token}
    )
    assert response.status_code == 503
    assert CALM in response.content.decode()
    assert Story.objects.count() == 0


def test_survivor_pages_set_no_cookie(client):
    for page in PAGES:
        response = client.get(page.format(lang="ru"))
        assert "Set-Cookie" not in response.headers and not response.cookies


def test_operators_manage_help_resources_in_the_admin(admin_client):
    resource = HelpResource.objects.get(phone="112", language="en")
    resource.verified = False
    resource.save()
    response = admin_client.get("/admin/testimony/helpresource/?verified__exact=0")
    assert response.status_code == 200
    assert "Emergency services" in response.content.decode()
    response = admin_client.post(
        "/admin/testimony/helpresource/",
        {"action": "mark_verified", "_selected_action": [resource.pk]},
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.verified is True


EMPTY_STORY = {
    "en": "Please write your story first.",
    "ru": "Сначала напишите свою историю.",
    "kk": "Алдымен әңгімеңізді жазыңыз.",
}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_an_empty_story_on_the_tell_page_is_told_in_her_words(client, lang):
    response = client.post(f"/{lang}/tell/", {"text": "", "token": form_token(client, lang)})
    html = response.content.decode()
    assert response.status_code == 400
    assert EMPTY_STORY[lang] in html
    assert "This field is required" not in html and "Обязательное поле" not in html
    assert not Story.objects.exists()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_receipt_page_never_asks_to_press_a_send_button_it_does_not_have(client, lang):
    data = {"receipt": "AAAAA-BBBBB-CCCCC-DDDDD", "action": "status"}
    response = client.post(f"/{lang}/receipt/", data, HTTP_SEC_FETCH_SITE="cross-site")
    html = response.content.decode()
    assert response.status_code == 403
    for send in ("“Send”", "«Отправить»", "«Жіберу»"):
        assert send not in html


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_no_page_promises_that_nobody_will_know(client, lang):
    for path in (f"/{lang}/", f"/{lang}/tell/", f"/kiosk/?lang={lang}"):
        html = client.get(path).content.decode()
        for promise in ("Nobody will know", "Никто не узнает", "ешкім білмейді"):
            assert promise not in html, path


@pytest.mark.parametrize(
    ("lang", "address", "home"),
    [("en", "IP address", "your address"), ("ru", "IP-адрес", "ваш адрес"), ("kk", "IP", "")],
)
def test_the_address_we_do_not_keep_is_the_internet_one(client, lang, address, home):
    for path in (f"/{lang}/", f"/{lang}/tell/"):
        html = client.get(path).content.decode()
        assert address in html, path
        if home:
            assert home not in html.lower(), path
    kk = client.get("/kk/").content.decode()
    assert "IP мекенжайыңызды" in kk and " мекенжайыңызды және" not in kk


def test_the_regions_show_button_and_the_label_policy_are_translated_apart():
    import polib
    from django.conf import settings

    po = polib.pofile(f"{settings.BASE_DIR}/locale/ru/LC_MESSAGES/django.po")
    shows = {e.msgctxt: e.msgstr for e in po if e.msgid == "Show" and not e.obsolete}
    assert set(shows) == {"help resources of a region", "content-warning policy of a label"}
    assert shows["help resources of a region"] == "Показать"
    assert shows["content-warning policy of a label"] == "Показывать"
