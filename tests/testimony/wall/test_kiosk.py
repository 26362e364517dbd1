"""Kiosk devices: one-time setup codes, tokens in a header and hashed at rest, revocation,
trusted submissions rate limited per device, and nothing about the person kept."""

import datetime
import re

import pytest
from django.utils import timezone

from testimony import receipts
from testimony.models import Channel, KioskDevice, Story
from testimony.switches import switches_set
from testimony.wall import kiosk
from tests.testimony.test_privacy import MARKER_VALUES, MARKERS
from tests.testimony.test_services import TYPED_AND_STORED
from tests.testimony.wall import factories

pytestmark = pytest.mark.django_db

TEXT = "He took my passport and my phone. I left with my daughter at night."


@pytest.fixture
def device():
    place = factories.installation(slug="station")
    return KioskDevice.objects.create(installation=place, name="Hall A")


@pytest.fixture
def registered(api, device):
    code = kiosk.kiosk_setup_code_issue(device=device)
    response = api("/api/v1/kiosk/setup/", {"code": code})
    assert response.status_code == 201
    return response.json()["token"]


def tell(api, token, text=TEXT, **extra):
    return api(
        "/api/v1/kiosk/stories/",
        {"text": text, "consent": "wall"},
        HTTP_X_KIOSK_DEVICE=token,
        **extra,
    )


@pytest.mark.parametrize(("typed", "stored"), TYPED_AND_STORED)
def test_the_kiosk_stores_what_she_typed_minus_markup_cleaned_once(api, registered, typed, stored):
    assert tell(api, registered, text=typed).status_code == 201
    assert Story.objects.get().text == stored


@pytest.mark.parametrize(
    ("language", "typed", "words"),
    [("ru", "мало", "символ"), ("kk", "<b>қысқа</b>", "таңба"), ("en", "x" * 10_001, "longer")],
)
def test_a_length_error_speaks_the_kiosk_language(api, registered, language, typed, words):
    response = tell(api, registered, text=typed, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert words in response.json()["text"][0]
    assert not Story.objects.exists()


def test_a_setup_code_works_once_and_names_the_installation(api, device):
    code = kiosk.kiosk_setup_code_issue(device=device)
    first = api("/api/v1/kiosk/setup/", {"code": code.lower().replace("-", " ")})
    assert first.status_code == 201
    assert first.json()["installation"]["slug"] == "station"
    assert api("/api/v1/kiosk/setup/", {"code": code}).status_code == 400


def test_an_expired_setup_code_is_refused(api, device, settings):
    code = kiosk.kiosk_setup_code_issue(device=device)
    KioskDevice.objects.filter(id=device.id).update(
        setup_code_expires=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert api("/api/v1/kiosk/setup/", {"code": code}).status_code == 400


def test_codes_and_tokens_are_stored_as_digests_only(api, device, all_rows):
    code = kiosk.kiosk_setup_code_issue(device=device)
    stored = all_rows()
    assert code not in stored and code.replace("-", "") not in stored
    token = api("/api/v1/kiosk/setup/", {"code": code}).json()["token"]
    assert token not in all_rows()


def test_a_kiosk_story_is_told_at_its_installation(api, registered, device):
    response = tell(api, registered)
    assert response.status_code == 201 and response.json()["receipt"]
    story = Story.objects.get()
    assert story.channel == Channel.KIOSK
    assert story.told_at == device.installation


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_kiosk_gives_the_receipt_as_words_in_its_language_too(api, registered, language):
    response = api(
        "/api/v1/kiosk/stories/",
        {"text": TEXT, "consent": "wall"},
        HTTP_X_KIOSK_DEVICE=registered,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    body = response.json()
    assert response.status_code == 201 and len(body["words"]) == 8
    assert body["words"] == receipts.words_of(body["receipt"], language)
    # The words and the code are one receipt: either finds the story.
    assert receipts.normalize(" ".join(body["words"])) == receipts.normalize(body["receipt"])
    status = api("/api/v1/receipts/status/", {"receipt": "\n".join(body["words"])})
    assert status.status_code == 200


def test_the_token_counts_only_in_its_header(api, registered, client):
    assert tell(api, "").status_code == 403
    in_url = client.post(
        f"/api/v1/kiosk/stories/?token={registered}",
        {"text": TEXT, "consent": "wall"},
        content_type="application/json",
    )
    assert in_url.status_code == 403
    assert Story.objects.count() == 0


def test_a_revoked_kiosk_stops_at_once(api, client, registered, device):
    assert client.get("/api/v1/kiosk/device/", HTTP_X_KIOSK_DEVICE=registered).status_code == 200
    kiosk.kiosk_revoke(device=device)
    assert tell(api, registered).status_code == 403
    assert client.get("/api/v1/kiosk/device/", HTTP_X_KIOSK_DEVICE=registered).status_code == 403


def test_a_new_registration_retires_the_old_token(api, registered, device):
    code = kiosk.kiosk_setup_code_issue(device=device)
    newer = api("/api/v1/kiosk/setup/", {"code": code}).json()["token"]
    assert tell(api, registered).status_code == 403
    assert tell(api, newer).status_code == 201


def test_kiosk_submissions_are_rate_limited_per_device_not_per_address(api, registered, settings):
    settings.KIOSK_RATE_LIMIT = "2/h"
    # Different addresses change nothing: the device is what counts.
    assert tell(api, registered, REMOTE_ADDR="198.51.100.1").status_code == 201
    assert tell(api, registered, REMOTE_ADDR="198.51.100.2").status_code == 201
    assert tell(api, registered, REMOTE_ADDR="198.51.100.3").status_code == 429


def test_setup_attempts_are_rate_limited(api, device, settings):
    settings.KIOSK_SETUP_RATE_LIMIT = "3/h"
    codes = [api("/api/v1/kiosk/setup/", {"code": "WRONG-CODE-0000"}) for _ in range(4)]
    assert [c.status_code for c in codes] == [400, 400, 400, 429]


def test_a_paused_intake_closes_the_kiosk(api, client, registered):
    switches_set(actor=None, intake_paused=True)
    device = client.get("/api/v1/kiosk/device/", HTTP_X_KIOSK_DEVICE=registered).json()
    assert device["intake_open"] is False
    assert tell(api, registered).status_code == 503
    assert Story.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_kiosk_leaves_no_request_metadata(api, client, all_rows, captured_logs):
    place = factories.installation(slug="hall")
    device = KioskDevice.objects.create(installation=place, name="Hall")
    code = kiosk.kiosk_setup_code_issue(device=device)
    token = api("/api/v1/kiosk/setup/", {"code": code}, **MARKERS).json()["token"]
    responses = [
        client.get("/kiosk/", **MARKERS),
        client.get("/api/v1/kiosk/device/", HTTP_X_KIOSK_DEVICE=token, **MARKERS),
        tell(api, token, **MARKERS),
    ]
    assert [r.status_code for r in responses] == [200, 200, 201]
    assert all("Set-Cookie" not in r.headers for r in responses)
    stored, logged = all_rows(), captured_logs()
    for marker in MARKER_VALUES:
        assert marker not in stored and marker not in logged, marker


def test_the_kiosk_page_keeps_the_system_keyboard_out(client):
    html = client.get("/kiosk/?lang=ru").content.decode()
    textarea = html[html.index("<textarea") : html.index(">", html.index("<textarea"))]
    for attribute in (
        'inputmode="none"',
        'autocomplete="off"',
        'spellcheck="false"',
        'autocorrect="off"',
    ):
        assert attribute in textarea
    assert 'lang="ru"' in html
    assert "<script>" not in html  # the CSP forbids inline scripts: none are needed


def test_the_admin_shows_a_new_kiosk_its_setup_code_once(admin_client, api):
    place = factories.installation(slug="hall")
    response = admin_client.post(
        "/admin/testimony/kioskdevice/add/",
        {"installation": place.id, "name": "Hall B"},
        follow=True,
    )
    text = response.content.decode()
    code = re.search(r"Setup code for [^:]+: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text).group(1)
    assert api("/api/v1/kiosk/setup/", {"code": code}).status_code == 201
    assert code not in admin_client.get("/admin/testimony/kioskdevice/").content.decode()


def test_an_admin_policy_edit_reaches_the_feed(admin_client, client):
    place = factories.installation(slug="hall")
    factories.published(at=[place], labels=["sexual-violence"])
    assert len(client.get("/api/v1/wall/hall/stories/").json()["stories"]) == 1
    admin_client.post(
        f"/admin/testimony/installation/{place.id}/change/",
        {
            "name": place.name,
            "slug": "hall",
            "languages": '["kk", "ru", "en"]',
            "rotation_seconds": 12,
            "layout": "single",
            "label_policy": '{"sexual-violence": "exclude"}',
            "helplines": "{}",
            "on_web": "on",
        },
    )
    assert client.get("/api/v1/wall/hall/stories/").json()["stories"] == []


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Please write your story first."),
        ("ru", "Сначала напишите свою историю."),
        ("kk", "Алдымен әңгімеңізді жазыңыз."),
    ],
)
@pytest.mark.parametrize("text", ["", None])
def test_an_empty_story_at_the_kiosk_is_told_in_her_words(api, registered, language, words, text):
    body = {"consent": "wall"} if text is None else {"text": text, "consent": "wall"}
    response = api(
        "/api/v1/kiosk/stories/",
        body,
        HTTP_X_KIOSK_DEVICE=registered,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert response.json()["text"] == [words]
    assert not Story.objects.exists()


def _tell_with_answers(api, token, answers):
    return api(
        "/api/v1/kiosk/stories/",
        {"text": TEXT, "consent": "wall", "answers": answers},
        HTTP_X_KIOSK_DEVICE=token,
    )


def test_the_kiosk_sends_her_optional_answers_apart_from_the_story(api, registered):
    from figures.models import PendingAnswers

    answers = {"relation": "husband", "forms": ["physical"], "age_band": None, "police": None,
               "knew_help": "yes"}  # fmt: skip
    assert _tell_with_answers(api, registered, answers).status_code == 201
    held = PendingAnswers.objects.get()
    assert (held.relation, held.forms, held.knew_help) == ("husband", ["physical"], "yes")


def test_the_kiosk_refuses_unknown_answers_and_stores_nothing(api, registered):
    from figures.models import PendingAnswers

    assert _tell_with_answers(api, registered, {"relation": "boss"}).status_code == 400
    assert not Story.objects.exists() and not PendingAnswers.objects.exists()


def test_the_kiosk_page_asks_the_questions_without_leaving_the_kiosk(client):
    html = client.get("/kiosk/?lang=ru").content.decode()
    assert 'id="questions"' in html and 'name="relation"' in html and 'name="forms"' in html
    assert "/numbers/" not in html  # no way out of the kiosk
