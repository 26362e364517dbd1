"""The abuse controls keep no trace (DESIGN.md invariants 1 and 7), extending test_privacy.py:
the cache holds only coarse HMAC keys with a TTL of at most a day, and no address reaches the
database, the cache's values or the logs."""

import pickle
import re

import pytest
from django.core.cache import cache

from testimony.models import Story
from tests.frontend.conftest import form_token

ADDRESSES = ["203.0.113.77", "198.51.100.23", "2001:db8::77"]
FORWARDED = {"HTTP_X_FORWARDED_FOR": "198.51.100.23, 203.0.113.78", "HTTP_USER_AGENT": "marker-ua"}
MARKERS = ADDRESSES + ["203.0.113.78", "marker-ua"]
TEXT = "My husband hit me for years. Nobody believed me, but I am telling it here now."
DAY = 24 * 3600
RATE_KEY = re.compile(r"[0-9a-f]{5}")


def cache_entries() -> list[tuple[str, bytes, float | None]]:
    """(key, raw value, seconds left or None when it never expires) for every cache entry."""
    backend = cache._cache if hasattr(cache, "_cache") else None
    if hasattr(backend, "get_client"):  # Redis
        client = backend.get_client(write=False)
        out = []
        for key in client.keys("*"):
            ttl = client.ttl(key)
            out.append((key.decode(), client.get(key) or b"", None if ttl < 0 else float(ttl)))
        return out
    import time

    now = time.time()
    return [
        (key, value, None if cache._expire_info.get(key) is None else cache._expire_info[key] - now)
        for key, value in cache._cache.items()
    ]


def readable(raw: bytes) -> str:
    try:
        return repr(pickle.loads(raw))
    except Exception:
        return raw.decode("utf-8", "replace")


@pytest.fixture
def busy_day(client, settings, solved):
    """Stories through every door, some refused by the limits, all from marked addresses."""
    settings.POW_ENABLED = True
    settings.POW_MAX_NUMBER = 1_000
    settings.INTAKE_RATE_LIMIT = "2/h"
    settings.INTAKE_GLOBAL_RATE_LIMIT = "100/h"
    settings.FORM_TIME_LOCK_SECONDS = 0
    responses = []
    for address in ADDRESSES:
        meta = {"REMOTE_ADDR": address, **FORWARDED}
        for n in range(3):  # the third is over the per-key limit
            responses.append(
                client.post(
                    "/api/v1/stories/",
                    {"text": f"{TEXT} {n}", "consent": "wall", "altcha": solved(**meta)},
                    content_type="application/json",
                    **meta,
                )
            )
        responses.append(
            client.post(
                "/en/tell/",
                {"text": TEXT, "consent": "wall", "region": "", "token": form_token(client)},
                **meta,
            )
        )
        responses.append(
            client.post("/en/receipt/", {"receipt": "AAAAA-BBBBB-CCCCC-DDDDD"}, **meta)
        )
    codes = [r.status_code for r in responses]
    assert 201 in codes and 429 in codes  # the limits did work
    return responses


@pytest.mark.django_db(transaction=True)
def test_the_cache_holds_only_coarse_hmac_keys_with_a_ttl(busy_day):
    entries = cache_entries()
    rate_entries = [key for key, _, _ in entries if ":rl:" in f":{key}"]
    assert rate_entries, "no rate-limit counters found"
    for key in rate_entries:
        scope_key = key.split("rl:", 1)[1].split(":")
        assert RATE_KEY.fullmatch(scope_key[1]) or scope_key[1] == "all", key
    for key, _, ttl in entries:
        assert ttl is not None and 0 < ttl <= DAY, f"{key} has TTL {ttl}"


@pytest.mark.django_db(transaction=True)
def test_no_address_in_the_database_the_cache_or_the_logs(busy_day, all_rows, captured_logs):
    assert Story.objects.exists()
    stored = all_rows()
    cached = "\n".join(key + " " + readable(value) for key, value, _ in cache_entries())
    logged = captured_logs()
    for marker in MARKERS:
        assert marker not in stored, marker
        assert marker not in cached, marker
        assert marker not in logged, marker


@pytest.mark.django_db(transaction=True)
def test_refused_answers_carry_no_address(busy_day):
    for response in busy_day:
        body = response.content.decode()
        for marker in MARKERS:
            assert marker not in body
        assert "Set-Cookie" not in response.headers
