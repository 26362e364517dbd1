import pytest

from testimony import receipts
from testimony.models import Story
from tests.testimony.test_services import TYPED_AND_STORED

STORIES = "/api/v1/stories/"
GOOD = {
    "text": "He took my passport and my phone. I left anyway, and I am alive.",
    "consent": "wall",
}

pytestmark = pytest.mark.django_db


def test_a_story_is_received_with_a_receipt(api):
    response = api(STORIES, {**GOOD, "region": "astana"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"receipt", "words", "status"}
    assert body["status"] == "received"
    # the same receipt as eight words in each language, index for index the same secret
    assert set(body["words"]) == {"kk", "ru", "en"}
    for language, words in body["words"].items():
        assert words == receipts.words_of(body["receipt"], language)
    story = Story.objects.get()
    assert story.region == "astana" and story.consent == "wall" and story.channel == "api"
    assert story.text == GOOD["text"]


@pytest.mark.parametrize(("typed", "stored"), TYPED_AND_STORED)
def test_stored_text_is_what_she_typed_minus_markup_cleaned_once(api, typed, stored):
    assert api(STORIES, {**GOOD, "text": typed}).status_code == 201
    assert Story.objects.get().text == stored


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        ('{"text": "unterminated', "application/json", "detail"),
        (b"\xff\xfe\x00garbage\x81\x9f", "application/json", "detail"),
        ("[1, 2, 3]", "application/json", "non_field_errors"),
        ({**GOOD, "extra": "x"}, "application/json", "extra"),
        ({**GOOD, "region": "atlantis"}, "application/json", "region"),
        ({**GOOD, "consent": "everyone"}, "application/json", "consent"),
        ({**GOOD, "text": 12345678901234567890123}, "application/json", "text"),
        ({**GOOD, "text": ["a list"]}, "application/json", "text"),
        ({**GOOD, "text": "too short"}, "application/json", "text"),
        ({**GOOD, "text": "x" * 10_001}, "application/json", "text"),
        ({"consent": "wall"}, "application/json", "text"),
        ("text=hello", "application/x-www-form-urlencoded", "detail"),
        ("plain words", "text/plain", "detail"),
    ],
)
def test_bad_input_gets_a_clear_4xx_and_stores_nothing(api, body, content_type, field):
    response = api(STORIES, body, content_type=content_type)
    assert 400 <= response.status_code < 500, response.content
    assert field in response.json()
    assert Story.objects.count() == 0


def test_a_10_mb_body_is_refused_without_storing(api):
    response = api(STORIES, '{"text": "' + "a" * 10_000_000 + '", "consent": "wall"}')
    assert response.status_code == 413
    assert "detail" in response.json()
    assert Story.objects.count() == 0


def test_errors_speak_the_requested_language(api):
    response = api(STORIES, {**GOOD, "text": "коротко"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert "символ" in response.json()["text"][0]
    response = api(STORIES, {**GOOD, "text": "қысқа"}, HTTP_ACCEPT_LANGUAGE="kk")
    assert "таңба" in response.json()["text"][0]


EMPTY = {
    "en": "Please write your story first.",
    "ru": "Сначала напишите свою историю.",
    "kk": "Алдымен әңгімеңізді жазыңыз.",
}
NO_CONSENT = {
    "en": "Please choose who may read your story.",
    "ru": "Выберите, кто может прочитать вашу историю.",
    "kk": "Әңгімеңізді кім оқи алатынын таңдаңыз.",
}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
@pytest.mark.parametrize("body", [{"consent": "wall"}, {"text": "", "consent": "wall"}])
def test_an_empty_story_is_told_in_her_words_not_the_frameworks(api, lang, body):
    response = api(STORIES, body, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400
    assert response.json()["text"] == [EMPTY[lang]]


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_a_missing_consent_is_told_in_her_words(api, lang):
    response = api(STORIES, {"text": GOOD["text"]}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.json()["consent"] == [NO_CONSENT[lang]]


def test_same_idempotency_key_returns_same_receipt(api):
    first = api(STORIES, GOOD, HTTP_IDEMPOTENCY_KEY="retry-1").json()
    second = api(STORIES, GOOD, HTTP_IDEMPOTENCY_KEY="retry-1").json()
    assert first["receipt"] == second["receipt"]
    assert Story.objects.count() == 1


def test_status_and_withdraw_by_receipt(api):
    receipt = api(STORIES, GOOD).json()["receipt"]
    status = api("/api/v1/receipts/status/", {"receipt": receipt.lower().replace("-", " ")})
    assert status.status_code == 200
    assert status.json()["status"] == "received"
    assert status.json()["message"]
    withdrawn = api("/api/v1/receipts/withdraw/", {"receipt": receipt})
    assert withdrawn.json() == {"status": "withdrawn"}
    story = Story.objects.get()
    assert story.status == "withdrawn" and story.text == ""
    assert api("/api/v1/receipts/status/", {"receipt": receipt}).json()["status"] == "withdrawn"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_receipt_endpoints_take_the_words_in_any_language(api, language):
    body = api(STORIES, GOOD).json()
    words = body["words"][language]
    status = api(
        "/api/v1/receipts/status/", {"receipt": "\n".join(words)}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert status.status_code == 200 and status.json()["status"] == "received"
    withdrawn = api("/api/v1/receipts/withdraw/", {"receipt": " ".join(words).upper()})
    assert withdrawn.json() == {"status": "withdrawn"}
    assert Story.objects.get().status == "withdrawn"


def test_receipt_endpoints_still_take_a_code_of_the_first_format(api):
    old = "AB1D0-KMH0P-CTX2Y-V9E3Z"
    api(STORIES, GOOD)
    stored = receipts.digest(old)
    Story.objects.update(receipt_key_id=stored.key_id, receipt_hash=stored.value)  # as before
    status = api("/api/v1/receipts/status/", {"receipt": old.lower()})
    assert status.status_code == 200 and status.json()["status"] == "received"
    assert api("/api/v1/receipts/withdraw/", {"receipt": old}).json() == {"status": "withdrawn"}


def test_unknown_receipt_gets_a_plain_not_found(api):
    api(STORIES, GOOD)
    for path in ("/api/v1/receipts/status/", "/api/v1/receipts/withdraw/"):
        response = api(path, {"receipt": "AAAAA-BBBBB-CCCCC-DDDDD"})
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}
    assert Story.objects.get().status == "received"


def test_receipt_lookups_are_rate_limited(api, settings):
    settings.RECEIPT_LOOKUP_RATE_LIMIT = "3/h"
    codes = [
        api("/api/v1/receipts/status/", {"receipt": "AAAAA-BBBBB-CCCCC-DDDDD"}).status_code
        for _ in range(4)
    ]
    assert codes == [404, 404, 404, 429]


def test_the_receipt_never_travels_in_a_url(api):
    body = api(STORIES, GOOD).json()
    assert api(f"/api/v1/receipts/status/?receipt={body['receipt']}", {}).status_code == 400
    words = "+".join(body["words"]["en"])
    assert api(f"/api/v1/receipts/status/?receipt={words}", {}).status_code == 400


def test_schema_describes_every_public_endpoint(client):
    schema = client.get("/api/v1/schema/").content.decode()
    for path in ("/api/v1/stories/", "/api/v1/receipts/status/", "/api/v1/receipts/withdraw/"):
        assert path in schema


# --- The optional answers (figures): accepted as slugs, refused whole when unknown -------------

ANSWERS = {
    "relation": "former",
    "forms": ["physical", "economic"],
    "age_band": "25-34",
    "police": "reconcile",
    "knew_help": "no",
}


def test_answers_are_kept_apart_from_the_story(api):
    from figures.models import PendingAnswers

    assert api(STORIES, {**GOOD, "region": "abai", "answers": ANSWERS}).status_code == 201
    story, held = Story.objects.get(), PendingAnswers.objects.get()
    assert story.statistics_token
    assert (held.relation, held.forms, held.age_band, held.police, held.knew_help) == (
        "former",
        ["physical", "economic"],
        "25-34",
        "reconcile",
        "no",
    )
    assert held.region == "abai" and held.month.day == 1


@pytest.mark.parametrize(
    "answers",
    [
        None,
        {},
        {"relation": None, "forms": [], "age_band": None, "police": None, "knew_help": None},
    ],
)
def test_prefer_not_to_say_everywhere_stores_no_answers(api, answers):
    from figures.models import PendingAnswers

    assert api(STORIES, {**GOOD, "answers": answers}).status_code == 201
    assert Story.objects.get().statistics_token == "" and not PendingAnswers.objects.exists()


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"mood": "sad"}, "mood"),
        ({"relation": "neighbour"}, "relation"),
        ({"relation": ["husband"]}, "relation"),
        ({"forms": ["physical", "spiritual"]}, "forms"),
        ({"forms": "physical,sexual"}, "forms"),
        ({"age_band": "30"}, "age_band"),
        ({"age_band": 30}, "age_band"),
        ({"police": "arrested"}, "police"),
        ({"knew_help": True}, "knew_help"),
        ({"knew_help": "maybe"}, "knew_help"),
        (["husband"], "answers"),
        ("husband", "answers"),
    ],
)
def test_unknown_answers_are_refused_and_nothing_is_stored(api, answers, field):
    from figures.models import PendingAnswers

    response = api(
        STORIES,
        {**GOOD, "answers": {**ANSWERS, **answers} if isinstance(answers, dict) else answers},
    )
    assert response.status_code == 400
    errors = response.json()["answers"]
    assert field in errors if field != "answers" else errors
    assert not Story.objects.exists() and not PendingAnswers.objects.exists()


def test_an_unknown_answer_is_explained_in_her_language(api):
    response = api(
        STORIES, {**GOOD, "answers": {"relation": "neighbour"}}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 400
    message = response.json()["answers"]["relation"][0]
    assert message != "This is not one of the answers to this question."


def test_each_request_binds_its_own_shallow_copy_of_every_field():
    """StrictSerializer copies declared fields shallowly (DRF's deep copy ran each field's
    __init__ again per request); each request's fields are still its own, bound to it alone."""
    from rest_framework import serializers

    from testimony.api import StoryCreateApi, StrictSerializer

    declared = StoryCreateApi.Input._declared_fields
    one = StoryCreateApi.Input(data={"text": "A story of mine, told here.", "consent": "wall"})
    two = StoryCreateApi.Input(data={"text": "", "consent": "nobody", "region": "nowhere"})
    for name, field in declared.items():
        assert one.fields[name] is not field and one.fields[name] is not two.fields[name]
        assert one.fields[name].parent is one and two.fields[name].parent is two
        assert getattr(field, "parent", None) is None  # the declared field is never bound
    assert one.fields["region"].choices is declared["region"].choices  # not rebuilt
    assert one.is_valid() and not two.is_valid()
    assert set(two.errors) == {"text", "consent", "region"} and not one.errors

    class Nested(StrictSerializer):
        words = serializers.ListField(child=serializers.CharField(max_length=3))

    first, second = Nested(data={"words": ["abcd"]}), Nested(data={"words": ["ab"]})
    assert first.fields["words"].child is not second.fields["words"].child  # copied deeply
    assert first.fields["words"].child.parent is first.fields["words"]
    assert not first.is_valid() and second.is_valid()


def _api_messages() -> dict:
    """Every refusal the API can give from a field or an exception: each field's error
    messages in every strict serializer (every body and query the API reads), its list's
    child's too, and the default words of every DRF exception."""
    from django.urls import get_resolver
    from rest_framework import exceptions

    from testimony.schema import _strict_serializers

    get_resolver().check()  # every API module imported, every serializer declared
    found = {}
    for name, serializer in _strict_serializers().items():
        for field_name, field in serializer().fields.items():
            for part in (field, getattr(field, "child", None)):
                for key, message in getattr(part, "error_messages", {}).items():
                    found.setdefault(message, f"{name}.{field_name}: {key}")
    for exception in exceptions.APIException.__subclasses__():
        found.setdefault(exception.default_detail, exception.__name__)
    return found


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_refusal_of_the_api_has_its_own_words_in_kazakh_and_russian(lang):
    from django.utils import translation

    untranslated = []
    for message, where in _api_messages().items():
        with translation.override("en"):
            english = str(message)
        with translation.override(lang):
            if str(message) == english:
                untranslated.append((where, english))
    assert len(_api_messages()) > 30  # the collector finds them (35 distinct on 2026-12-02)
    assert not untranslated
