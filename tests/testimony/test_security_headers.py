"""The headers DESIGN.md requires, one test per class of page: survivor pages, the wall, the
kiosk, the workspace, the API and the admin. Every response carries a Content-Security-Policy
that names no other origin and allows no inline script (invariant 8), refuses framing and
sniffing and turns off the browser's sensors; survivor-facing ones (the wall, the kiosk and
the public API included) set no cookie and send no referrer beyond the site (invariant 1);
pages with her words or a moderator's are never stored by a cache.

That the policy really blocks an injected inline script in a browser is
tests/browser/test_hostile_input.py's test_the_policy_blocks_an_injected_inline_script.
"""

import pytest

from testimony.anonymize import CONTENT_SECURITY_POLICY
from tests.testimony.wall import factories

pytestmark = pytest.mark.django_db

SURVIVOR = ["/en/tell/", "/kk/tell/", "/ru/receipt/", "/en/help/", "/en/anonymity/"]
WALL = ["/wall/", "/wall/hall/"]
KIOSK = ["/kiosk/", "/kiosk/?lang=ru"]
API = ["/api/v1/challenge/", "/api/v1/wall/", "/api/v1/wall/hall/stories/", "/api/v1/schema/"]
WORKSPACE = ["/moderate/", "/moderate/team/", "/moderate/published/"]
ADMIN = ["/admin/", "/admin/login/"]


def directives(policy: str) -> dict[str, list[str]]:
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def assert_every_page_headers(response) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy == CONTENT_SECURITY_POLICY
    rules = directives(policy)
    for name in ("default-src", "script-src", "style-src", "connect-src", "img-src", "font-src"):
        allowed = rules[name]
        # Only the site itself (and data: images): no other origin, no inline or eval.
        assert set(allowed) <= {"'self'", "data:"}, (name, allowed)
        if name != "img-src":
            assert allowed == ["'self'"], (name, allowed)
    assert rules["object-src"] == ["'none'"]
    assert rules["base-uri"] == ["'none'"]
    assert rules["frame-ancestors"] == ["'none'"]
    assert rules["form-action"] == ["'self'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    sensors = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "interest-cohort", "browsing-topics"):
        assert f"{feature}=()" in sensors


def assert_survivor_facing(response) -> None:
    assert_every_page_headers(response)
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert "Cookie" not in response.headers.get("Vary", "")


@pytest.fixture
def hall(db):
    return factories.installation(slug="hall")


@pytest.mark.parametrize("path", SURVIVOR)
def test_survivor_pages(client, hall, path):
    response = client.get(path, HTTP_COOKIE="sessionid=x; csrftoken=y")
    assert response.status_code == 200
    assert_survivor_facing(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_the_tell_form_answer_sets_no_cookie_and_is_not_stored(client, hall):
    response = client.post("/en/tell/", {"text": "short", "consent": "wall"})
    assert response.status_code in (200, 400)
    assert_survivor_facing(response)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", WALL)
def test_wall_pages(client, hall, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_survivor_facing(response)
    # The web wall may be kept briefly by a cache (it shows only published text); the screen's
    # page carries its screen id and is not.
    expected = "public, max-age=30" if path == "/wall/" else "no-store"
    assert response.headers["Cache-Control"] == expected


@pytest.mark.parametrize("path", KIOSK)
def test_kiosk_pages(client, hall, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_survivor_facing(response)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", API)
def test_public_api(client, hall, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_survivor_facing(response)


def test_the_story_api_sets_no_cookie_and_is_not_stored(api):
    response = api("/api/v1/stories/", {"text": "x", "consent": "wall"})
    assert response.status_code == 400
    assert_survivor_facing(response)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", WORKSPACE)
def test_workspace_pages(verified_client, lead, path):
    response = verified_client(lead).get(path)
    assert response.status_code == 200
    assert_every_page_headers(response)
    control = response.headers["Cache-Control"]
    assert "no-store" in control and "private" in control


def test_workspace_cookies_are_http_only_and_same_site(client, verified_client, lead):
    login_page = client.get("/moderate/login/")
    assert_every_page_headers(login_page)
    workspace = verified_client(lead).get("/moderate/")
    session = workspace.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Strict"
    for morsel in [*login_page.cookies.values(), *workspace.cookies.values()]:
        assert morsel["samesite"] == "Strict", morsel
    assert "csrftoken" in login_page.cookies  # the login form's token, same-site only too


def test_moderation_api(client, lead, token_for):
    response = client.get(
        "/api/v1/moderation/queue/", HTTP_AUTHORIZATION=f"Token {token_for(lead)}"
    )
    assert response.status_code == 200
    assert_every_page_headers(response)
    assert "Set-Cookie" not in response.headers
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ADMIN)
def test_admin_pages(client, path):
    response = client.get(path)  # the admin sends a stranger to the one staff login
    assert response.status_code == 302
    assert_every_page_headers(response)
    control = response.headers["Cache-Control"]
    assert "no-store" in control and "private" in control
