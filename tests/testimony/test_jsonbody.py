"""JSON bodies: one reader for every endpoint that takes JSON. A body too deep, not JSON, not
UTF-8, or of the wrong shape gets a clear 4xx in the caller's language, never a 500, and
nothing is stored."""

import json

import pytest
from django.utils import translation
from knox.models import AuthToken

from moderation.accounts import moderator_create
from testimony import jsonbody
from testimony.models import KioskDevice
from testimony.wall import kiosk
from tests.moderation.factories import screened
from tests.testimony.wall import factories

DEEP_ARRAYS = "[" * 50_000
DEEP_OBJECTS = '{"a":' * 50_000
# Valid JSON, closed properly, but deeper than any request of ours needs.
CLOSED_BUT_DEEP = "[" * (jsonbody.MAX_DEPTH + 1) + "]" * (jsonbody.MAX_DEPTH + 1)


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


# --- loads ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ('{"text": "ok", "n": [1, {"x": null}]}', {"text": "ok", "n": [1, {"x": None}]}),
        ('"а ещё по-русски"'.encode(), "а ещё по-русски"),
        ("[" * jsonbody.MAX_DEPTH + "]" * jsonbody.MAX_DEPTH, nested(jsonbody.MAX_DEPTH)),
    ],
)
def test_ordinary_json_reads_as_json_does(raw, value):
    assert jsonbody.loads(raw) == value


@pytest.mark.parametrize("raw", [DEEP_ARRAYS, DEEP_OBJECTS, CLOSED_BUT_DEEP])
def test_too_deep_is_a_clear_error(raw):
    with pytest.raises(jsonbody.TooDeep):
        jsonbody.loads(raw)


def test_deep_nesting_inside_a_wide_value_is_found():
    wide = {"a": [1, 2, {"b": json.loads(CLOSED_BUT_DEEP)}], "c": "x"}
    with pytest.raises(jsonbody.TooDeep):
        jsonbody.loads(json.dumps(wide))


@pytest.mark.parametrize(
    "raw", ['{"text": "unterminated', b"\xff\xfe\x00garbage\x81\x9f", "", "NaN", '{"n": Infinity}']
)
def test_not_json_is_a_clear_error(raw):
    with pytest.raises(jsonbody.NotJson):
        jsonbody.loads(raw)


def test_both_errors_are_value_errors_with_a_translated_message():
    assert issubclass(jsonbody.TooDeep, ValueError) and issubclass(jsonbody.NotJson, ValueError)
    with translation.override("ru"):
        assert "JSON" in str(jsonbody.TooDeep.message)
        assert str(jsonbody.TooDeep.message) != "The request body is nested too deeply."


# --- every JSON endpoint x every bad body -----------------------------------------------------
BAD_BODIES = {
    "deep arrays": DEEP_ARRAYS,
    "deep objects": DEEP_OBJECTS,
    "closed but too deep": CLOSED_BUT_DEEP,
    "invalid JSON": '{"text": "unterminated',
    "not UTF-8": b"\xff\xfe\x00garbage\x81\x9f",
    "a bare string": '"just a string"',
    "a number": "12345",
    "null": "null",
    "true": "true",
    "a list": '["text", "consent"]',
}


def _moderator_token() -> str:
    made = moderator_create(username="mira", role="moderator", languages=["en"])
    made.device.confirmed = True
    made.device.save()
    return AuthToken.objects.create(user=made.user)[1]


def _kiosk_token() -> str:
    device = KioskDevice.objects.create(installation=factories.installation(), name="Hall A")
    return kiosk.kiosk_register(code=kiosk.kiosk_setup_code_issue(device=device)).token


def _endpoint(name: str) -> tuple[str, dict]:
    """(path, headers) of one JSON endpoint, with whatever it needs to get as far as parsing."""
    if name == "stories":
        return "/api/v1/stories/", {}
    if name == "receipt status":
        return "/api/v1/receipts/status/", {}
    if name == "receipt withdraw":
        return "/api/v1/receipts/withdraw/", {}
    if name == "kiosk setup":
        return "/api/v1/kiosk/setup/", {}
    if name == "kiosk stories":
        return "/api/v1/kiosk/stories/", {"HTTP_X_KIOSK_DEVICE": _kiosk_token()}
    if name == "heartbeat":
        factories.installation(slug="station")
        return "/api/v1/wall/station/heartbeat/", {}
    if name == "moderation decision":
        story = screened()
        path = f"/api/v1/moderation/stories/{story.id}/decision/"
        return path, {"HTTP_AUTHORIZATION": f"Token {_moderator_token()}"}
    raise AssertionError(name)


ENDPOINTS = [
    "stories",
    "receipt status",
    "receipt withdraw",
    "kiosk setup",
    "kiosk stories",
    "heartbeat",
    "moderation decision",
]


@pytest.mark.django_db
@pytest.mark.parametrize("body", list(BAD_BODIES), ids=list(BAD_BODIES))
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_bad_body_gets_a_4xx_and_stores_nothing(client, all_rows, endpoint, body):
    path, headers = _endpoint(endpoint)
    before = all_rows()
    response = client.post(path, data=BAD_BODIES[body], content_type="application/json", **headers)
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response.json()
    assert all_rows() == before


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "nested too deeply"), ("ru", "вложен"), ("kk", "тым терең")],
)
def test_too_deep_says_so_in_the_callers_language(client, endpoint, language, words):
    path, headers = _endpoint(endpoint)
    response = client.post(
        path,
        data=DEEP_ARRAYS,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
        **headers,
    )
    assert response.status_code == 400
    assert words in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["stories", "kiosk setup", "heartbeat"])
def test_invalid_json_says_so(client, endpoint):
    path, headers = _endpoint(endpoint)
    response = client.post(
        path, data=b"\xff{", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **headers
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON."


@pytest.mark.django_db
def test_a_deep_proof_of_work_payload_is_refused_not_a_500(api, settings):
    """The `altcha` field is base64 of JSON: it is read through the same reader."""
    import base64

    settings.POW_ENABLED = True
    payload = base64.b64encode(b"[" * 3000).decode()
    response = api(
        "/api/v1/stories/",
        {
            "text": "He took my passport and my phone. I left anyway.",
            "consent": "wall",
            "altcha": payload,
        },
    )
    assert response.status_code == 400
    assert "altcha" in response.json()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("endpoint", ["stories", "receipt status", "kiosk setup", "heartbeat"])
def test_a_refused_body_leaves_no_request_metadata(client, all_rows, captured_logs, endpoint):
    from tests.testimony.test_privacy import MARKER_VALUES, MARKERS

    path, headers = _endpoint(endpoint)
    response = client.post(
        path, data=DEEP_ARRAYS, content_type="application/json", **headers, **MARKERS
    )
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers and not response.cookies
    stored, logged = all_rows(), captured_logs()
    for marker in MARKER_VALUES:
        assert marker not in stored and marker not in logged, marker
