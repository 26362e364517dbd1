"""deploy/nginx/untold.conf, run by Debian's nginx: TLS and its redirect, the doors of the onion
service, static files, the wall's micro-cache, and nothing personal ever cached."""

import gzip
import json
import re
import time

from django.conf import settings

from tests.deploy.conftest import ONION
from tests.integration import stack

FEED = "/api/v1/wall/hall/stories/"


# What nginx says it did: these asked gunicorn, HIT and UPDATING did not.
UPSTREAM = {"MISS", "EXPIRED", "REVALIDATED", "BYPASS"}


def reached_gunicorn(answers) -> int:
    return sum(stack.header(headers, "X-Cache-Status") in UPSTREAM for _, headers, _ in answers)


def feed_ids(body: bytes) -> list[str]:
    return [story["id"] for story in json.loads(body)["stories"]]


def texts(body: bytes) -> list[str]:
    return [story["text"] for story in json.loads(body)["stories"]]


# --- The shipped file ------------------------------------------------------------------------
CONF = stack.UNTOLD_CONF.read_text()


def directive(name: str) -> list[str]:
    return re.findall(rf"(?m)^\s*{name}\s+([^;]+);", CONF)


def test_the_body_limit_is_max_request_bytes():
    assert directive("client_max_body_size") == [f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024}k"]


def test_slow_clients_are_shed():
    for name in ("client_header_timeout", "client_body_timeout", "send_timeout"):
        assert all(int(value.rstrip("s")) <= 15 for value in directive(name)), name
    assert directive("reset_timedout_connection") == ["on"]


def test_no_log_format_carries_an_address_an_agent_a_referer_or_a_time():
    formats = re.findall(r"log_format\s+\w+\s+((?:'[^']*'\s*)+);", CONF)
    assert formats
    for forbidden in ("$remote_addr", "$http_x_forwarded_for", "$http_user_agent",
                      "$http_referer", "$time_local", "$time_iso8601", "$msec",
                      "$binary_remote_addr", "$request_uri", "$args", "$http_cookie"):  # fmt: skip
        assert forbidden not in " ".join(formats), forbidden
    assert all(value.endswith(" untold") for value in directive("access_log") if value != "off")
    assert set(directive("error_log")) == {"/var/log/nginx/untold-error.log crit"}


def test_the_address_reaches_gunicorn_only_as_x_forwarded_for():
    uses = [line.strip() for line in CONF.splitlines() if "$remote_addr" in line]
    assert uses == ["proxy_set_header X-Forwarded-For $remote_addr;"]


def test_only_public_answers_enter_the_micro_cache():
    """It keeps a second whatever max-age says, so it reads Cache-Control itself: only a
    `public` answer, and never one marked private, no-store, no-cache or max-age=0."""
    block = re.search(
        r"map \$upstream_http_cache_control \$untold_uncacheable \{(.*?)\}", CONF, re.S
    )
    rules = re.findall(r'^\s*"?([^"\n]+?)"?\s+([01]);$', block.group(1), re.M)
    assert rules == [
        ("default", "1"),
        ("~*(private|no-store|no-cache|max-age=0([^0-9]|$))", "1"),
        ("~*public", "0"),
    ]
    cached = CONF[CONF.index("proxy_cache untold_wall;") :]
    assert "proxy_no_cache $untold_uncacheable;" in cached
    assert "Set-Cookie" not in " ".join(directive("proxy_ignore_headers"))
    assert directive("proxy_cache") == ["off", "untold_wall"]  # one location caches


def test_nginx_accepts_the_configuration_inside_debians_own(proxied):
    done = proxied.nginx.check()
    assert done.returncode == 0, done.stderr


# --- TLS, doors, static files ----------------------------------------------------------------
def test_plain_http_is_redirected_to_https(proxied):
    status, headers, _ = proxied.client().get("/en/tell/?x=1", door="http")
    assert status == 301
    assert stack.header(headers, "Location") == f"https://{stack.PUBLIC_HOST}/en/tell/?x=1"


def test_https_answers_carry_one_hsts_header(proxied):
    status, headers, _ = proxied.client().get("/en/tell/")
    assert status == 200
    hsts = [v for k, v in headers if k.lower() == "strict-transport-security"]
    assert hsts == ["max-age=63072000; includeSubDomains; preload"]


def test_the_application_sees_https_behind_the_proxy(proxied):
    """SECURE_SSL_REDIRECT is on behind it: a page answered, not redirected, means is_secure()."""
    status, headers, _ = proxied.client().get("/moderate/login/")
    assert status == 200
    assert "Secure" in (stack.header(headers, "Set-Cookie") or "Secure")


def test_the_onion_host_is_answered_on_the_onion_door_only(proxied):
    client = proxied.client()
    status, _, body = client.get("/en/anonymity/", door="onion", host=ONION)
    assert status == 200 and ONION in body.decode()
    assert client.get("/en/anonymity/", host=ONION)[0] == 421  # over the public TLS door
    assert client.get("/en/anonymity/", door="onion")[0] == 421  # the public host, via Tor


def test_static_files_are_served_by_nginx_compressed(proxied):
    (proxied.nginx.root / "static" / "probe.css").write_text("body { color: black; }\n" * 100)
    status, headers, body = proxied.client().get(
        "/static/probe.css", headers={"Accept-Encoding": "gzip"}
    )
    assert status == 200 and stack.header(headers, "Content-Encoding") == "gzip"
    assert gzip.decompress(body).startswith(b"body { color: black; }")
    assert proxied.upstream_requests("/static/probe.css") == 0


def test_a_body_over_max_request_bytes_is_refused_before_gunicorn(proxied):
    big = b"{" + b" " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024) + b"}"
    status, _, _ = proxied.client().request(
        "POST", "/api/v1/stories/", body=big, headers={"Content-Type": "application/json"}
    )
    assert status == 413
    assert '"POST /api/v1/stories/"' not in proxied.web.log.read_text()


def test_metrics_and_readyz_are_refused_from_outside(proxied):
    client = proxied.client()
    assert client.get("/metrics")[0] == 404
    assert client.get("/readyz")[0] == 404
    assert client.get("/healthz")[:3:2] == (200, b"ok")


# --- The micro-cache -------------------------------------------------------------------------
def test_the_feed_is_served_from_the_micro_cache(proxied):
    client = proxied.client()
    started = time.monotonic()
    answers = [client.get(FEED) for _ in range(20)]
    seconds = time.monotonic() - started
    assert {status for status, _, _ in answers} == {200}
    assert len({body for _, _, body in answers}) == 1
    assert reached_gunicorn(answers) <= 1 + seconds  # one a second at most
    assert stack.header(answers[-1][1], "X-Cache-Status") in ("HIT", "UPDATING", "REVALIDATED")
    assert stack.header(answers[-1][1], "Cache-Control") == "public, max-age=30"


def test_the_micro_cache_answers_if_none_match_with_304(proxied):
    client = proxied.client()
    _, headers, _ = client.get(FEED)
    etag = stack.header(headers, "ETag")
    status, headers, body = client.get(FEED, headers={"If-None-Match": etag})
    assert status == 304 and body == b""
    assert stack.header(headers, "ETag") == etag
    assert client.get(FEED, headers={"If-None-Match": '"another"'})[0] == 200


def test_a_cursor_the_cache_has_not_seen_reaches_the_application(proxied):
    client = proxied.client()
    _, _, first = client.get(FEED)
    cursor = json.loads(first)["next"]
    status, headers, second = client.get(f"{FEED}?after={cursor}")
    assert status == 200 and stack.header(headers, "X-Cache-Status") == "MISS"
    assert set(feed_ids(second)).isdisjoint(feed_ids(first))  # the next page, not the first
    _, headers, again = client.get(f"{FEED}?after={cursor}")
    assert again == second and stack.header(headers, "X-Cache-Status") == "HIT"


def test_arguments_other_than_the_cursor_do_not_multiply_the_cache(proxied):
    client = proxied.client()
    client.get(FEED)
    started = time.monotonic()
    answers = [client.get(f"{FEED}?bust={n}") for n in range(10)]
    assert {status for status, _, _ in answers} == {200}
    assert reached_gunicorn(answers) <= 1 + time.monotonic() - started


def test_a_bad_cursor_is_never_cached(proxied):
    client = proxied.client()
    for _ in range(3):  # each one asks gunicorn again
        status, headers, _ = client.get(f"{FEED}?after=not-a-cursor")
        assert status == 400 and stack.header(headers, "X-Cache-Status") == "MISS"


def test_the_web_wall_is_micro_cached_too(proxied):
    client = proxied.client()
    client.get("/wall/")
    _, headers, body = client.get("/wall/")
    assert stack.header(headers, "X-Cache-Status") in ("HIT", "UPDATING", "REVALIDATED")
    assert b"Published story number" in body


def test_a_withdrawn_story_leaves_the_cached_feed_within_the_micro_caches_second(proxied):
    client = proxied.client()
    receipt, text = proxied.seeded["receipts"][0], proxied.seeded["texts"][0]

    def shown() -> bool:
        body = client.get(FEED)[2]
        page = json.loads(body)
        found = text in texts(body)
        while page["next"] and not found:
            body = client.get(f"{FEED}?after={page['next']}")[2]
            page, found = json.loads(body), text in texts(body)
        return found

    assert shown()  # and now cached
    status, _, _ = client.request(
        "POST",
        "/api/v1/receipts/withdraw/",
        body=json.dumps({"receipt": receipt}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert status == 200
    withdrawn = time.monotonic()
    stack.wait_until(lambda: not shown(), timeout=10, message="the story to leave the feed")
    assert time.monotonic() - withdrawn < 1 + 1.5  # the micro-cache's second, and slack


# --- Nothing personal is ever cached ----------------------------------------------------------
def test_two_clients_never_share_a_receipts_answer(proxied):
    first, second = proxied.client(source="127.0.0.21"), proxied.client(source="127.0.0.22")
    for receipt, client in zip(proxied.seeded["receipts"][1:3], (first, second), strict=True):
        status, headers, body = client.request(
            "POST",
            "/api/v1/receipts/status/",
            body=json.dumps({"receipt": receipt}).encode(),
            headers={"Content-Type": "application/json"},
        )
        assert status == 200 and stack.header(headers, "X-Cache-Status") is None
    status, _, body = second.request(
        "POST",
        "/api/v1/receipts/status/",
        body=json.dumps({"receipt": "AAAAA-AAAAA-AAAAA-AAAAA"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert status in (400, 404)


def test_each_client_gets_its_own_tell_form_and_challenge(proxied):
    first, second = proxied.client(source="127.0.0.23"), proxied.client(source="127.0.0.24")
    forms = [client.get("/en/tell/")[2] for client in (first, second)]
    tokens = [re.search(rb'name="token" value="([^"]+)"', form).group(1) for form in forms]
    assert tokens[0] != tokens[1]
    challenges = [client.get("/api/v1/challenge/") for client in (first, second)]
    assert challenges[0][2] != challenges[1][2]
    assert all(stack.header(headers, "X-Cache-Status") is None for _, headers, _ in challenges)


def test_a_second_client_never_gets_the_workspaces_answer_to_the_first(proxied):
    lead, stranger = proxied.client(source="127.0.0.25"), proxied.client(source="127.0.0.26")
    path = "/api/v1/moderation/queue/counts/"
    status, _, body = lead.get(path, headers={"Authorization": f"Token {proxied.seeded['token']}"})
    assert status == 200 and b"pending" in body
    status, _, other = stranger.get(path)
    assert status in (401, 403) and other != body
    for page in ("/moderate/", "/admin/"):  # to the login page, not what the lead saw
        status, headers, _ = stranger.get(page)
        assert status == 302 and "login" in stack.header(headers, "Location"), page
        assert stack.header(headers, "X-Cache-Status") is None
