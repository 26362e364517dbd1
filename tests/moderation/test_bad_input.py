"""Staff forms and the moderation API answer bad input with a 4xx and a message, never a 500:
every field of every form, with values a mistaken or hostile client sends."""

import json

import pytest
from django.test import Client
from knox.models import AuthToken

from moderation import claims
from tests.moderation import factories

pytestmark = pytest.mark.django_db


def quiet() -> Client:
    """A client that hands back the 500 page instead of raising, so every case is seen."""
    return Client(raise_request_exception=False)


BAD = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1.5",
    "1e9",
    "9" * 30,
    "9" * 5000,
    "null",
    "[" * 50_000,
    "{" * 50_000,
    '{"start": "x"}',
    '[{"start": 1}]',
    "\x00",
    "<script>alert(1)</script>",
    "ünïcødé ✓ 🙂",
    "../../etc/passwd",
]


def _forms(story, other) -> dict[str, dict[str, str]]:
    """Each staff form with good values, as its page posts it."""
    return {
        f"/moderate/stories/{story.id}/decide/": {
            "action": "approve",
            "version": str(story.version),
            "redactions": "[]",
            "unredact": "[]",
            "labels": "sexual-violence",
            "installations": "",
            "reason": "spam",
            "note": "a note",
            "filters": "queue=pending",
        },
        f"/moderate/stories/{story.id}/skip/": {"go": "next", "filters": "queue=pending"},
        "/moderate/next/": {"filters": "queue=pending"},
        "/moderate/team/": {
            "do": "update",
            "user": str(other.pk),
            "username": "newcomer",
            "role": "moderator",
            "languages": "en",
            "daily_cap": "5",
            "active": "on",
        },
        "/moderate/published/": {"story": str(story.id), "version": "1", "reason": "other"},
        "/moderate/wall/": {"action": "unpublish", "story": str(story.id), "version": "1"},
        "/moderate/clusters/": {"cluster": "c1", "reason": "spam", "note": ""},
        "/moderate/preferences/": {
            "blur_text": "on",
            "interface_language": "ru",
            "languages": "kk",
        },
        "/moderate/tokens/": {"do": "revoke"},
    }


def test_no_staff_form_answers_any_bad_value_with_a_server_error(make_user, verified_client):
    lead = make_user("lead")
    other = make_user("moderator")
    failures = []
    for value in BAD:
        story = factories.pending()
        claims.claim_take(story_id=story.id, user=lead)
        story.refresh_from_db()
        for path, form in _forms(story, other).items():
            for field in form:
                workspace = verified_client(lead, quiet())
                response = workspace.post(path, {**form, field: value})
                if response.status_code >= 500:
                    failures.append((path, field, value[:20], response.status_code))
    assert not failures


@pytest.mark.parametrize(
    "query",
    [
        f"{name}={value[:300]}"
        for name in ("queue", "after", "language", "region", "kind", "cluster")
        for value in BAD
    ],
)
def test_the_queue_page_answers_any_bad_filter(make_user, verified_client, query):
    workspace = verified_client(make_user("lead"), quiet())
    assert workspace.get(f"/moderate/?{query}").status_code < 500
    assert workspace.get(f"/moderate/counts/?{query}").status_code < 500


@pytest.mark.parametrize(
    "story_id", ["x", "9" * 40, "../..", "00000000-0000-0000-0000-000000000000"]
)
def test_a_story_id_that_is_no_story_answers_404(make_user, verified_client, story_id):
    workspace = verified_client(make_user("lead"))
    assert workspace.get(f"/moderate/stories/{story_id}/").status_code == 404


def _api_bodies(story) -> dict[str, dict]:
    return {
        f"stories/{story.id}/decision/": {
            "action": "approve",
            "version": story.version,
            "redactions": [{"start": 0, "end": 2, "placeholder": "[…]"}],
            "unredact": [],
            "labels": [],
            "installations": [],
            "note": "",
        },
        f"stories/{story.id}/redact/": {"version": story.version, "redactions": []},
        f"stories/{story.id}/unpublish/": {"version": story.version, "reason": "other"},
        "clusters/c1/reject/": {"reason": "spam"},
    }


API_BAD = [
    None,
    "",
    "x",
    -1,
    10**30,
    1.5,
    [],
    {},
    [[[]]],
    {"start": "x"},
    "9" * 5000,
    True,
    "a\x00b",
]


def test_no_moderation_endpoint_answers_any_bad_value_with_a_server_error(make_user):
    client = quiet()
    lead = make_user("lead")
    token = AuthToken.objects.create(user=lead)[1]
    failures = []
    for value in API_BAD:
        story = factories.pending()
        claims.claim_take(story_id=story.id, user=lead)
        story.refresh_from_db()
        for path, body in _api_bodies(story).items():
            for field in body:
                response = client.post(
                    f"/api/v1/moderation/{path}",
                    json.dumps({**body, field: value}),
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Token {token}",
                )
                if response.status_code >= 500:
                    failures.append((path, field, repr(value)[:20], response.status_code))
    assert not failures


def test_a_null_character_is_refused_with_a_message_on_both_surfaces(make_user, verified_client):
    lead = make_user("lead")
    page = verified_client(lead, quiet()).get("/moderate/?cluster=a%00b")
    assert page.status_code == 400 and "null character" in page.content.decode()
    token = AuthToken.objects.create(user=lead)[1]
    api = quiet().get("/api/v1/moderation/queue/?kind=a%00b", HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 400 and "null character" in api.json()["detail"]
