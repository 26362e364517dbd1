"""DESIGN.md invariants 1 and 2, through both doors."""

import re
import uuid

import pytest
from django.apps import apps
from django.db import models

from testimony.models import Story

MARKERS = {
    "REMOTE_ADDR": "203.0.113.77",
    "HTTP_X_FORWARDED_FOR": "198.51.100.23, 203.0.113.78",
    "HTTP_X_REAL_IP": "198.51.100.24",
    "HTTP_FORWARDED": "for=198.51.100.25",
    "HTTP_USER_AGENT": "marker-user-agent/9.9",
    "HTTP_REFERER": "https://marker-referer.example/path",
    "HTTP_COOKIE": "marker_cookie=marker-cookie-value",
}
MARKER_VALUES = [
    "203.0.113.77",
    "198.51.100.23",
    "203.0.113.78",
    "198.51.100.24",
    "198.51.100.25",
    "marker-user-agent",
    "marker-referer",
    "marker-cookie-value",
    "marker_cookie",
]
TEXT = "My husband hit me for years. Nobody believed me, but I am telling it here now."


def token_from(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def tell_both_ways(client):
    """One story through the HTML form and one through the API, all carrying marker metadata."""
    page = client.get("/en/tell/", **MARKERS)
    form = client.post(
        "/en/tell/",
        {"text": TEXT, "consent": "wall", "region": "", "token": token_from(page.content.decode())},
        **MARKERS,
    )
    api = client.post(
        "/api/v1/stories/",
        {"text": TEXT + " (api)", "consent": "private"},
        content_type="application/json",
        **MARKERS,
    )
    assert form.status_code == 200 and api.status_code == 201
    return [page, form, api]


@pytest.mark.django_db(transaction=True)
def test_no_request_metadata_survives_intake(client, all_rows, captured_logs):
    responses = tell_both_ways(client)
    receipt = responses[2].json()["receipt"]
    responses.append(
        client.post(
            "/api/v1/receipts/status/",
            {"receipt": receipt},
            content_type="application/json",
            **MARKERS,
        )
    )
    assert Story.objects.count() == 2
    assert Story.objects.exclude(status="received").count() == 2  # screening ran too
    stored, logged = all_rows(), captured_logs()
    for marker in MARKER_VALUES:
        assert marker not in stored, marker
        assert marker not in logged, marker


@pytest.mark.django_db(transaction=True)
def test_survivor_responses_set_no_cookie_and_are_not_stored(client):
    for response in tell_both_ways(client) + [client.get("/en/receipt/"), client.get("/kk/")]:
        assert "Set-Cookie" not in response.headers
        assert not response.cookies
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert "camera=()" in response.headers["Permissions-Policy"]


# The one exact time a story may carry: approval plus a random delay, cleared when published.
ALLOWED_EXACT_TIMES = {("Story", "publish_at")}


def test_no_field_tied_to_a_story_is_finer_than_a_date():
    for model in apps.get_models():
        tied = model is Story or any(
            isinstance(f, models.ForeignKey) and f.related_model is Story
            for f in model._meta.fields
        )
        if tied:
            finer = [
                f.name
                for f in model._meta.fields
                if isinstance(f, (models.DateTimeField, models.TimeField))
                and (model.__name__, f.name) not in ALLOWED_EXACT_TIMES
            ]
            assert finer == [], f"{model.__name__} has {finer}"


@pytest.mark.django_db(transaction=True)
def test_story_ids_are_random_uuid4(client):
    tell_both_ways(client)
    ids = list(Story.objects.values_list("id", flat=True))
    assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids)


def test_the_rate_key_is_20_bits_of_a_keyed_hash(settings):
    from testimony.anonymize import rate_key

    keys = {rate_key(f"10.0.{i // 256}.{i % 256}") for i in range(5000)}
    assert all(len(k) == 5 and int(k, 16) < 2**20 for k in keys)
    assert len(keys) > 4900  # spread out, yet each value is shared by ~4,000 of 2^32 addresses
    assert "10.0.0.1" not in "".join(keys)


def test_trusted_proxies_pick_the_client_address(settings):
    from testimony.anonymize import client_address

    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.9, 10.0.0.1"}
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(meta) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(meta) == "198.51.100.9"  # the spoofed left-most entry is ignored


def test_staff_paths_keep_their_metadata(rf):
    from testimony.anonymize import StripIdentifyingDataMiddleware

    seen = {}
    middleware = StripIdentifyingDataMiddleware(lambda request: seen.update(request.META) or None)
    middleware(rf.get("/admin/", REMOTE_ADDR="192.0.2.1"))
    assert seen["REMOTE_ADDR"] == "192.0.2.1"
    middleware(rf.get("/en/tell/", REMOTE_ADDR="192.0.2.1", HTTP_USER_AGENT="ua"))
    assert seen["REMOTE_ADDR"] == "0.0.0.0" and "HTTP_USER_AGENT" not in seen


def test_behind_a_trusted_proxy_only_the_word_https_survives_of_the_forwarded_scheme(rf, settings):
    from testimony.anonymize import StripIdentifyingDataMiddleware

    settings.TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    seen = {}
    middleware = StripIdentifyingDataMiddleware(lambda request: seen.update(request.META) or None)
    middleware(rf.get("/en/tell/", HTTP_X_FORWARDED_PROTO="https, marker-proto"))
    assert seen["HTTP_X_FORWARDED_PROTO"] == "https"
    seen.clear()
    middleware(rf.get("/en/tell/", HTTP_X_FORWARDED_PROTO="marker-proto"))
    assert "HTTP_X_FORWARDED_PROTO" not in seen


def test_without_a_trusted_proxy_the_forwarded_scheme_is_stripped(rf, settings):
    from testimony.anonymize import StripIdentifyingDataMiddleware

    settings.SECURE_PROXY_SSL_HEADER = None
    seen = {}
    middleware = StripIdentifyingDataMiddleware(lambda request: seen.update(request.META) or None)
    middleware(rf.get("/en/tell/", HTTP_X_FORWARDED_PROTO="https"))
    assert "HTTP_X_FORWARDED_PROTO" not in seen
