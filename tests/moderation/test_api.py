"""The moderation API: who may call it (anonymous, expired token, moderator, lead, admin),
and the contract's shapes and conflicts."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from knox.models import AuthToken

from moderation.models import Severity
from testimony.models import Status, Story
from tests.moderation.factories import pii, screened

pytestmark = pytest.mark.django_db

TEXT = "My husband Serik Akhmetov beat me in front of our children."


@pytest.fixture
def call(client):
    def request(method: str, path: str, token: str | None = None, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
        return getattr(client, method)(
            f"/api/v1/moderation/{path}", body, content_type="application/json", **headers
        )

    return request


ENDPOINTS = [
    ("get", "queue/"),
    ("get", "stories/{id}/"),
    ("post", "stories/{id}/claim/"),
    ("post", "stories/{id}/decision/"),
    ("post", "stories/{id}/unpublish/"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_callers_are_refused(call, method, path):
    story = screened()
    response = call(method, path.format(id=story.id))
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_an_expired_token_is_refused(call, moderator, method, path):
    _, token = AuthToken.objects.create(user=moderator, expiry=timedelta(seconds=-1))
    response = call(method, path.format(id=screened().id), token)
    assert response.status_code == 401


def test_a_revoked_token_is_refused(call, moderator, token_for):
    token = token_for(moderator)
    assert call("get", "queue/", token).status_code == 200
    assert call("post", "token/revoke/", token).status_code == 204
    assert call("get", "queue/", token).status_code == 401


def test_an_account_without_a_role_is_forbidden(call, db):
    user = get_user_model().objects.create_user(username="nobody", password="x" * 20)
    token = AuthToken.objects.create(user=user)[1]
    assert call("get", "queue/", token).status_code == 403


def test_a_disabled_account_is_refused(call, moderator, token_for):
    token = token_for(moderator)
    moderator.is_active = False
    moderator.save()
    assert call("get", "queue/", token).status_code in (401, 403)


@pytest.mark.parametrize("role", ["moderator", "lead", "admin"])
def test_every_role_reviews_through_the_api(call, make_user, role):
    user = make_user(role)
    token = AuthToken.objects.create(user=user)[1]
    story = screened(TEXT, findings=[pii("name", 11, 25)])

    queue = call("get", "queue/", token).json()
    assert [item["id"] for item in queue["results"]] == [str(story.id)]
    assert call("get", "queue/counts/", token).json()["pending"] == 1

    detail = call("get", f"stories/{story.id}/", token).json()
    assert detail["text"] == TEXT and detail["version"] == story.version
    assert detail["findings"] == [
        {
            "screener": "pii",
            "kind": "name",
            "severity": Severity.HIGH,
            "start": 11,
            "end": 25,
            "detail": "pii rule: name",
            "highlights": [],
        }
    ]

    claim = call("post", f"stories/{story.id}/claim/", token)
    assert claim.status_code == 200 and claim.json()["expires_in"] > 0
    decided = call(
        "post",
        f"stories/{story.id}/decision/",
        token,
        {
            "action": "approve",
            "version": detail["version"],
            "redactions": [{"start": 11, "end": 25, "placeholder": "[name]"}],
            "labels": ["physical-violence"],
        },
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == Status.APPROVED
    assert Story.objects.get(id=story.id).published_text.startswith("My husband [name] beat")


@pytest.mark.parametrize(
    ("role", "allowed"), [("moderator", False), ("lead", True), ("admin", True)]
)
def test_only_leads_and_admins_unpublish(call, make_user, moderator, token_for, role, allowed):
    story = screened()
    mod_token = token_for(moderator)
    call("post", f"stories/{story.id}/claim/", mod_token)
    call(
        "post",
        f"stories/{story.id}/decision/",
        mod_token,
        {"action": "approve", "version": story.version},
    )
    story.refresh_from_db()
    token = token_for(make_user(role))
    response = call(
        "post",
        f"stories/{story.id}/unpublish/",
        token,
        {"version": story.version, "reason": "identifying"},
    )
    assert response.status_code == (200 if allowed else 403)
    story.refresh_from_db()
    assert (story.status == Status.REJECTED) == allowed


def test_a_stale_version_answers_409(call, moderator, token_for):
    story = screened()
    token = token_for(moderator)
    call("post", f"stories/{story.id}/claim/", token)
    response = call(
        "post",
        f"stories/{story.id}/decision/",
        token,
        {"action": "reject", "version": story.version + 7, "reason": "spam"},
    )
    assert response.status_code == 409 and response.json()["code"] == "stale_version"


def test_a_story_claimed_by_another_answers_409(call, moderator, other_moderator, token_for):
    story = screened()
    call("post", f"stories/{story.id}/claim/", token_for(other_moderator))
    token = token_for(moderator)
    assert call("post", f"stories/{story.id}/claim/", token).status_code == 409
    response = call(
        "post",
        f"stories/{story.id}/decision/",
        token,
        {"action": "escalate", "version": story.version},
    )
    assert response.status_code == 409
    assert Story.objects.get(id=story.id).escalated is False


def test_rejection_without_a_reason_is_a_400(call, moderator, token_for):
    story = screened()
    token = token_for(moderator)
    call("post", f"stories/{story.id}/claim/", token)
    response = call(
        "post",
        f"stories/{story.id}/decision/",
        token,
        {"action": "reject", "version": story.version},
    )
    assert response.status_code == 400 and "reason" in response.json()


def test_unknown_fields_are_refused(call, moderator, token_for):
    story = screened()
    token = token_for(moderator)
    call("post", f"stories/{story.id}/claim/", token)
    response = call(
        "post",
        f"stories/{story.id}/decision/",
        token,
        {"action": "approve", "version": story.version, "publish_now": True},
    )
    assert response.status_code == 400


def test_redact_previews_the_wall_text(call, moderator, token_for):
    story = screened("🙂🙂 Aigerim hit me, and nobody believed me.")
    token = token_for(moderator)
    call("post", f"stories/{story.id}/claim/", token)
    response = call(
        "post",
        f"stories/{story.id}/redact/",
        token,
        {
            "version": story.version,
            "redactions": [{"start": 3, "end": 10, "placeholder": "[name]"}],
        },
    )
    assert response.status_code == 200
    assert response.json()["redacted_text"] == "🙂🙂 [name] hit me, and nobody believed me."
    assert response.json()["version"] == story.version + 1


def test_the_queue_pages_with_a_cursor(call, moderator, token_for):
    for _ in range(5):
        screened()
    token = token_for(moderator)
    first = call("get", "queue/?size=3", token).json()
    second = call("get", f"queue/?size=3&cursor={first['next']}", token).json()
    ids = [i["id"] for i in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 5 and second["next"] is None
    assert call("get", "queue/?cursor=%%%", token).status_code == 400


def test_a_held_cluster_is_rejected_through_the_api(call, moderator, token_for):
    for n in range(3):
        screened(f"Copy {n} of the same campaign text, word for word.", held=True, cluster="wave")
    response = call("post", "clusters/wave/reject/", token_for(moderator), {"reason": "campaign"})
    assert response.json() == {"rejected": 3}


def test_the_moderation_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/moderation/queue/",
        "/api/v1/moderation/stories/{story_id}/",
        "/api/v1/moderation/stories/{story_id}/claim/",
        "/api/v1/moderation/stories/{story_id}/decision/",
    ):
        assert path in schema


@pytest.mark.parametrize("body", ["[" * 50_000, '{"a":' * 50_000, '{"action": "approve", "ver'])
def test_a_decision_with_a_broken_body_is_a_400_and_changes_nothing(
    call, make_user, token_for, body
):
    token = token_for(make_user("moderator"))
    story = screened()
    call("post", f"stories/{story.id}/claim/", token)
    response = call("post", f"stories/{story.id}/decision/", token, body)
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert Story.objects.get(id=story.id).status == story.status


def test_the_api_says_a_damaged_story_is_damaged_and_gives_no_other_text(
    call, moderator, token_for
):
    from testimony.sealing import Sealed

    first, second = (
        screened("First: he waited outside my work."),
        screened("Second: he hit me in the kitchen."),
    )
    theirs = bytes(Story.objects.filter(id=second.id).values_list("text", flat=True).get())
    Story.objects.filter(id=first.id).update(text=Sealed(theirs))
    token = token_for(moderator)
    damaged = call("get", f"stories/{first.id}/", token).json()
    assert damaged["text_damaged"] is True and damaged["text"] == ""
    intact = call("get", f"stories/{second.id}/", token).json()
    assert intact["text_damaged"] is False and intact["text"] == "Second: he hit me in the kitchen."


# What the schema forbids in a query, each refused in her language; what it allows, served.
QUERIES = [
    ("queue/?nope=1", 400, {"nope"}),
    ("queue/?=false", 400, {""}),
    ("queue/?size=", 400, {"size"}),
    ("queue/?size=3&language=ru&nope=", 400, {"nope"}),
    ("queue/counts/?nope=1", 400, {"nope"}),
    ("queue/?size=3&queue=&region=", 200, None),
    ("queue/counts/?language=", 200, None),
]


@pytest.mark.parametrize(("path", "status", "refused"), QUERIES)
def test_a_query_parameter_the_schema_does_not_allow_is_refused(
    client, moderator, token_for, path, status, refused
):
    response = client.get(
        f"/api/v1/moderation/{path}",
        HTTP_AUTHORIZATION=f"Token {token_for(moderator)}",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == status, response.content
    if refused is not None:
        assert set(response.json()) == refused
        assert all(any("а" <= c <= "я" for c in m) for ms in response.json().values() for m in ms)


@pytest.mark.parametrize("blank", ["\f", " ", "\n", "\t"])
def test_a_note_longer_than_its_limit_as_sent_is_refused_however_much_is_whitespace(
    call, moderator, token_for, blank
):
    """DRF trims before it measures; the schema's maxLength is the note as sent."""
    for n in range(2):
        screened(f"Copy {n} of the same campaign text, word for word.", held=True, cluster="wave")
    token = token_for(moderator)
    body = {"reason": "campaign", "note": "T" + blank * 2000}
    response = call("post", "clusters/wave/reject/", token, body)
    assert response.status_code == 400 and set(response.json()) == {"note"}
    assert Story.objects.filter(status=Status.REJECTED).count() == 0
    body["note"] = "T" + blank * 1999
    assert call("post", "clusters/wave/reject/", token, body).json() == {"rejected": 2}
