"""The error pages (400, 403, a refused CSRF check, 404, 500) in every language, as a matrix over
the page classes: a survivor page is in her language with the quick exit and sets no cookie, a
staff page has the workspace's look, an API path answers JSON; none reads the database."""

import re

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import translation

from frontend.errors import PAGES
from moderation.accounts import preferences_update
from tests.testimony.test_security_headers import assert_every_page_headers, assert_survivor_facing

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.frontend.error_urls")]

LANGS = ["kk", "ru", "en"]
# (path, status, kind), the path given with {lang} where the language lives in it.
SURVIVOR = [
    ("/{lang}/no-such-page/", 404, 404),
    ("/no-such-page/", 404, 404),
    ("/wall/no-such-wall/", 404, 404),
    ("/failing/400/", 400, 400),
    ("/failing/403/", 403, 403),
    ("/failing/500/", 500, 500),
    ("PUT /{lang}/tell/", 405, 405),  # a method its view does not take (require_http_methods)
]
STAFF = [
    ("/moderate/no-such-page/", 404, 404),
    ("/moderate/failing/500/", 500, 500),
    ("GET /moderate/logout/", 405, 405),
]
API = [("/api/v1/no-such-thing/", 404, 404), ("/api/v1/failing/500/", 500, 500)]


def heading(kind, lang: str) -> str:
    with translation.override(lang):
        return str(PAGES[kind][0])


def advice(kind, lang: str) -> str:
    with translation.override(lang):
        return str(PAGES[kind][1])


def get(path: str, lang: str):
    """GET the path, or "<METHOD> <path>" with that method."""
    method, _, path = path.rpartition(" ")
    send = getattr(Client(raise_request_exception=False), (method or "get").lower())
    return send(path.format(lang=lang), HTTP_ACCEPT_LANGUAGE=lang)


def unreachable(execute, sql, params, many, context):
    raise OperationalError("the database is down")


def test_each_message_has_its_own_words_in_kazakh_and_russian():
    for kind in PAGES:
        for lang in ("kk", "ru"):
            assert heading(kind, lang) != heading(kind, "en"), (kind, lang)
            assert advice(kind, lang) != advice(kind, "en"), (kind, lang)
    assert len({heading(kind, "kk") for kind in PAGES}) == len(PAGES)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("path", "status", "kind"), SURVIVOR)
def test_a_survivor_error_page_speaks_her_language_and_keeps_the_quick_exit(
    settings, lang, path, status, kind
):
    settings.QUICK_EXIT_URL = "https://weather.example/today"
    response = get(path, lang)
    assert response.status_code == status
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{heading(kind, lang)}</h1>" in html and advice(kind, lang) in html
    assert '<a class="quick-exit" id="quick-exit" href="https://weather.example/today"' in html
    # Every language's link leads to its start page (this page may exist in none).
    assert re.findall(r'hreflang="(\w+)"', html) == LANGS
    assert all(f'href="/{code}/" lang="{code}"' in html for code in LANGS)
    assert "<title>" + {"en": "Notes", "ru": "Заметки", "kk": "Жазбалар"}[lang] in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and "<style" not in html
    assert_survivor_facing(response)  # invariants 1 and 8: no cookie, no inline code, no origin
    if status == 405:
        assert response["Allow"] == "GET, POST"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["/failing/500/", "/api/v1/failing/500/", "/{lang}/no-such-page/"])
def test_an_error_page_shows_while_the_database_is_down(lang, path):
    with connection.execute_wrapper(unreachable):
        response = get(path, lang)
    assert response.status_code in (404, 500)
    shown = response.json()["detail"] if "api" in path else response.content.decode()
    assert heading(response.status_code, lang) in shown


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("path", "status", "kind"), STAFF)
def test_a_staff_error_page_has_the_workspace_look_in_her_language(lang, path, status, kind):
    response = get(path, lang)
    assert response.status_code == status
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html and "moderate/workspace.css" in html
    assert f"<h1>{heading(kind, lang)}</h1>" in html and "quick-exit" not in html
    assert_every_page_headers(response)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("path", "status", "kind"), API)
def test_an_api_error_is_json_in_the_callers_language(lang, path, status, kind):
    response = get(path, lang)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": heading(kind, lang)}
    assert_survivor_facing(response)


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_csrf_check_says_the_form_expired_in_her_language(lang, lead):
    # In the workspace her language is her preference's, whatever the browser asks for.
    preferences_update(user=lead, blur_text=False, interface_language=lang, languages=["en"])
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(lead)
    response = client.post("/moderate/logout/", HTTP_ACCEPT_LANGUAGE="en" if lang != "en" else "ru")
    assert response.status_code == 403
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html and f"<h1>{heading('csrf', lang)}</h1>" in html


def test_a_page_that_cannot_render_still_answers_in_her_language(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the template store is gone")

    monkeypatch.setattr("frontend.errors.render_to_string", broken)
    response = get("/failing/500/", "kk")
    assert response.status_code == 500 and response["Content-Type"] == "text/plain"
    assert response.content.decode() == f"{heading(500, 'kk')} {advice(500, 'kk')}"
