"""Malformed requests to the public API and the pages, as a matrix: oversized bodies and
headers, bodies that are not UTF-8 JSON, wrong content types and methods, a name given twice,
path traversal in the wall's slug and in story ids, a receipt code of 10,000 characters, a story
of 10,000 combining marks. Each gets a clean 4xx (never a 5xx) in the caller's language,
nothing is stored, and the next ordinary request is served.

Slow and partial requests against the real stack (through the proxy) are
tests/integration/test_hostile_clients.py.
"""

import json

import pytest
from django.conf import settings
from django.test import Client

from testimony.models import Story
from tests.testimony.wall import factories

pytestmark = pytest.mark.django_db

STORY = "He took my passport and my salary for years. I left in spring and I am safe now."
CYRILLIC = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")


def quiet() -> Client:
    return Client(raise_request_exception=False)


def body(**fields) -> bytes:
    return json.dumps({"text": STORY, "consent": "wall", **fields}).encode()


JSON = "application/json"
# (name, method, path, body, content type, extra headers): every one must be refused.
CASES = [
    ("body over the limit", "post", "/api/v1/stories/",
     body(text="a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)), JSON, {}),
    ("truncated JSON", "post", "/api/v1/stories/", b'{"text": "' + STORY.encode(), JSON, {}),
    ("not JSON at all", "post", "/api/v1/stories/", b"text=hello&consent=wall", JSON, {}),
    ("Latin-1, not UTF-8", "post", "/api/v1/stories/",
     json.dumps({"text": STORY + " caf\u00e9", "consent": "wall"}, ensure_ascii=False)
     .encode("latin-1"), JSON, {}),
    ("UTF-16", "post", "/api/v1/stories/", body().decode().encode("utf-16"), JSON, {}),
    ("a lone surrogate", "post", "/api/v1/stories/",
     b'{"text": "' + STORY.encode() + b' \\ud800", "consent": "wall"}', JSON, {}),
    ("NaN", "post", "/api/v1/stories/", b'{"text": NaN, "consent": "wall"}', JSON, {}),
    ("an array", "post", "/api/v1/stories/", b"[1, 2, 3]", JSON, {}),
    ("a string", "post", "/api/v1/stories/", b'"a story"', JSON, {}),
    ("null", "post", "/api/v1/stories/", b"null", JSON, {}),
    ("empty body", "post", "/api/v1/stories/", b"", JSON, {}),
    ("deeply nested", "post", "/api/v1/stories/", b"[" * 50_000, JSON, {}),
    ("a name given twice", "post", "/api/v1/stories/",
     b'{"text": "' + STORY.encode() + b'", "consent": "wall", "consent": "private"}', JSON, {}),
    ("text given twice", "post", "/api/v1/stories/",
     b'{"text": "harmless and long enough to pass", "text": "' + STORY.encode()
     + b'", "consent": "wall"}', JSON, {}),
    ("an unknown field", "post", "/api/v1/stories/", body(location="Astana"), JSON, {}),
    ("text as a number", "post", "/api/v1/stories/", body(text=12345), JSON, {}),
    ("text as an object", "post", "/api/v1/stories/", body(text={"a": STORY}), JSON, {}),
    ("a consent out of its choices", "post", "/api/v1/stories/", body(consent="everyone"),
     JSON, {}),
    ("form-encoded", "post", "/api/v1/stories/", b"text=hello&consent=wall",
     "application/x-www-form-urlencoded", {}),
    ("plain text", "post", "/api/v1/stories/", body(), "text/plain", {}),
    ("XML", "post", "/api/v1/stories/", b"<story>hello</story>", "application/xml", {}),
    ("multipart without a boundary", "post", "/api/v1/stories/", body(),
     "multipart/form-data", {}),
    ("a JSON charset that is not UTF-8", "post", "/api/v1/stories/",
     body().decode(), "application/json; charset=utf-16", {}),  # the client encodes it
    ("GET on intake", "get", "/api/v1/stories/", b"", JSON, {}),
    ("PUT on intake", "put", "/api/v1/stories/", body(), JSON, {}),
    ("DELETE on intake", "delete", "/api/v1/stories/", b"", JSON, {}),
    ("PATCH on intake", "patch", "/api/v1/stories/", body(), JSON, {}),
    ("POST on the feed", "post", "/api/v1/wall/hall/stories/", body(), JSON, {}),
    ("DELETE on a receipt", "delete", "/api/v1/receipts/status/", b"", JSON, {}),
    ("a receipt of 10,000 characters", "post", "/api/v1/receipts/status/",
     json.dumps({"receipt": "A" * 10_000}).encode(), JSON, {}),
    ("a withdrawal with a receipt of 10,000 characters", "post", "/api/v1/receipts/withdraw/",
     json.dumps({"receipt": "A" * 10_000}).encode(), JSON, {}),
    ("a receipt as a list", "post", "/api/v1/receipts/status/",
     json.dumps({"receipt": ["A"]}).encode(), JSON, {}),
    ("a story of 10,000 combining marks", "post", "/api/v1/stories/",
     body(text="\u0301" * 10_000), JSON, {}),
    ("a word and 10,000 combining marks", "post", "/api/v1/stories/",
     body(text="Zalgo " + "a\u0301\u0302\u0303\u0304" * 2_500), JSON, {}),
    ("a header of 64 KB", "post", "/api/v1/stories/", b"{", JSON,
     {"HTTP_X_PADDING": "x" * 65_536}),
    ("an Idempotency-Key of 64 KB with a bad body", "post", "/api/v1/stories/", b"{", JSON,
     {"HTTP_IDEMPOTENCY_KEY": "k" * 65_536}),
    ("traversal in the feed's slug", "get", "/api/v1/wall/..%2F..%2Fetc%2Fpasswd/stories/",
     b"", JSON, {}),
    ("traversal in the screen's slug", "get", "/wall/..%2f..%2fsettings/", b"", JSON, {}),
    ("dots as the slug", "get", "/api/v1/wall/../stories/", b"", JSON, {}),
    ("a slug of 10,000 characters", "get", "/api/v1/wall/" + "a" * 10_000 + "/stories/",
     b"", JSON, {}),
    ("a feed cursor that is not one", "get", "/api/v1/wall/hall/stories/?after=../../x",
     b"", JSON, {}),
    ("traversal as a story id", "get", "/api/v1/moderation/stories/..%2F..%2Fetc%2Fpasswd/",
     b"", JSON, {}),
    ("a story id that is no UUID", "post", "/api/v1/moderation/stories/1 OR 1=1/claim/",
     b"{}", JSON, {}),
]  # fmt: skip


EACH_CASE = pytest.mark.parametrize(
    ("method", "path", "data", "content_type", "extra"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)


@pytest.fixture
def hall(db):
    return factories.installation(slug="hall")


@EACH_CASE
def test_a_malformed_request_gets_a_clean_4xx_in_her_language(
    hall, method, path, data, content_type, extra
):
    client = quiet()
    send = getattr(client, method)
    response = send(path, data=data, content_type=content_type, HTTP_ACCEPT_LANGUAGE="ru", **extra)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert not Story.objects.exists()
    if response["Content-Type"].startswith("application/json") and response.content:
        said = json.dumps(response.json(), ensure_ascii=False)
        assert CYRILLIC & set(said), said[:300]
    # and the next ordinary request is served
    again = client.post("/api/v1/stories/", data=body(), content_type=JSON)
    assert again.status_code == 201, again.content
    Story.objects.all().delete()


@pytest.mark.parametrize(
    "path",
    ["/moderate/stories/..%2F..%2Fetc%2Fpasswd/", "/moderate/stories/%00/",
     "/moderate/stories/" + "9" * 5_000 + "/", "/moderate/stories/1;DROP TABLE x/"],
)  # fmt: skip
def test_a_traversal_or_junk_story_id_in_the_workspace_is_not_found(verified_client, lead, path):
    response = verified_client(lead).get(path)
    assert response.status_code in (400, 404)


@pytest.mark.parametrize("path", ["/en/receipt/", "/ru/receipt/"])
def test_the_receipt_page_refuses_a_code_of_10000_characters(client, path):
    response = client.post(path, {"receipt": "A" * 10_000, "action": "status"})
    assert response.status_code in (200, 400)
    assert response.status_code != 200 or b"aria-invalid" in response.content


# The order matters: a message DRF formats once kept the first caller's language for good.
ORDER = ["en", "kk", "ru", "en", "ru", "kk"]


@EACH_CASE
def test_each_caller_is_refused_in_her_language_whoever_was_refused_before(
    hall, method, path, data, content_type, extra
):
    client = quiet()
    send = getattr(client, method)
    said: dict[str, bytes] = {}
    for lang in ORDER:
        response = send(
            path, data=data, content_type=content_type, HTTP_ACCEPT_LANGUAGE=lang, **extra
        )
        if not path.startswith("/api/"):  # a page: the error page, in her language
            assert f'<html lang="{lang}">' in response.content.decode()
        else:
            assert response["Content-Type"] == "application/json", response["Content-Type"]
        assert said.setdefault(lang, response.content) == response.content, lang
    assert said["kk"] != said["en"] and said["ru"] != said["en"] and said["kk"] != said["ru"]
    assert not Story.objects.exists()
