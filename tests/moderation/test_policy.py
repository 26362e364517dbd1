"""The access policy, cell by cell: role x story state x action x surface, and the queues,
pages and accounts each role may reach. The expected answers are written out here, by hand,
from the rules (a lead's stories and queues, a lead manages moderators, only an admin manages
leads and admins), never computed by the policy under test.
"""

import pytest
from knox.models import AuthToken

from moderation import claims
from moderation.accounts import moderator_update
from moderation.errors import ReviewError
from moderation.models import Queue
from testimony.models import Story
from tests.moderation import factories

pytestmark = pytest.mark.django_db

OK, NO, BUSY, OUT = "ok", "forbidden", "conflict", "logged out"
_WORDS = {"ok": OK, "no": NO, "busy": BUSY, "out": OUT}
ACTIONS = ("open", "claim", "redact", "approve", "reject", "escalate", "release", "unpublish")
ROLES = ("moderator", "lead", "admin", "deactivated")

# What each role gets for each action on a story in each state (the API's answers; on the
# workspace, opening a story claims it, so "open" there answers as "claim" does here).
#                  open  claim redact approve reject escalate release unpublish
_TABLE = """
pending
  moderator        ok    ok    ok     ok      ok     ok       busy    no
  lead             ok    ok    ok     ok      ok     ok       busy    busy
  admin            ok    ok    ok     ok      ok     ok       busy    busy
held
  moderator        ok    ok    busy   busy    ok     ok       ok      no
  lead             ok    ok    busy   busy    ok     ok       ok      busy
  admin            ok    ok    busy   busy    ok     ok       ok      busy
escalated
  moderator        no    no    no     no      no     no       no      no
  lead             ok    ok    ok     ok      ok     busy     ok      busy
  admin            ok    ok    ok     ok      ok     busy     ok      busy
second review
  moderator        no    no    no     no      no     no       no      no
  lead             ok    ok    ok     ok      ok     ok       busy    busy
  admin            ok    ok    ok     ok      ok     ok       busy    busy
approved
  moderator        ok    busy  busy   busy    busy   busy     busy    no
  lead             ok    busy  busy   busy    busy   busy     busy    ok
  admin            ok    busy  busy   busy    busy   busy     busy    ok
published
  moderator        ok    busy  busy   busy    busy   busy     busy    no
  lead             ok    busy  busy   busy    busy   busy     busy    ok
  admin            ok    busy  busy   busy    busy   busy     busy    ok
"""


def _expected() -> dict[tuple[str, str, str], str]:
    table, state = {}, None
    for line in _TABLE.strip().splitlines():
        if not line.startswith(" "):
            state = line.strip()
            continue
        role, *answers = line.split()
        assert len(answers) == len(ACTIONS), line
        for action, word in zip(ACTIONS, answers, strict=True):
            table[state, role, action] = _WORDS[word]
    for state in factories.STATES:  # a deactivated account reaches nothing at all
        for action in ACTIONS:
            table[state, "deactivated", action] = OUT
    return table


EXPECTED = _expected()
CELLS = sorted(EXPECTED)


def test_the_table_covers_every_state_role_and_action():
    assert len(CELLS) == len(factories.STATES) * len(ROLES) * len(ACTIONS)


@pytest.fixture
def actor(make_user, verified_client, client):
    """actor(role) -> (user, API token, a logged-in workspace client)."""

    def make(role: str):
        user = make_user("lead" if role == "deactivated" else role)
        token = AuthToken.objects.create(user=user)[1]
        workspace = verified_client(user, client)
        if role == "deactivated":
            moderator_update(user=user, actor=factories.reviewer("admin"), active=False)
            user.refresh_from_db()
        return user, token, workspace

    return make


def _try_claim(story, user) -> None:
    """The claim a real reviewer holds before deciding; refused claims change nothing."""
    try:
        claims.claim_take(story_id=story.id, user=user)
    except ReviewError:
        pass


def _api(client, token, method, path, body=None):
    return getattr(client, method)(
        f"/api/v1/moderation/{path}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )


def _body(action: str, story: Story) -> dict:
    span = {"start": 0, "end": 2, "placeholder": "[…]"}
    if action == "redact":
        return {"version": story.version, "redactions": [span]}
    if action == "unpublish":
        return {"version": story.version, "reason": "other"}
    body = {"action": action, "version": story.version}
    return {**body, "reason": "spam"} if action == "reject" else body


def _api_call(client, token, action: str, story: Story):
    base = f"stories/{story.id}/"
    if action == "open":
        return _api(client, token, "get", base)
    if action == "claim":
        return _api(client, token, "post", base + "claim/")
    path = {"redact": "redact/", "unpublish": "unpublish/"}.get(action, "decision/")
    return _api(client, token, "post", base + path, _body(action, story))


def _text_not_shown(story: Story, response) -> bool:
    return not story.text or story.text not in response.content.decode()


def _changed(story: Story) -> bool:
    return Story.objects.get(id=story.id).version != story.version


@pytest.mark.parametrize(("state", "role", "action"), CELLS)
def test_the_api_answers_as_the_table_says(client, actor, state, role, action):
    story = factories.in_state(state)
    user, token, _ = actor(role)
    if action not in ("open", "claim"):
        _try_claim(story, user)
    story.refresh_from_db()
    response = _api_call(client, token, action, story)
    expected = EXPECTED[state, role, action]
    status = {OK: 200, NO: 403, BUSY: 409, OUT: 401}[expected]
    assert response.status_code == status, response.content
    if expected != OK:
        assert not _changed(story)
        assert _text_not_shown(story, response)
    elif action not in ("open", "claim"):
        assert _changed(story)


WORKSPACE_ACTIONS = ("open", "approve", "reject", "escalate", "release", "unpublish")


def _workspace_call(workspace, action: str, story: Story):
    if action == "open":
        return workspace.get(f"/moderate/stories/{story.id}/")
    if action == "unpublish":
        return workspace.post(
            "/moderate/published/",
            {"story": str(story.id), "version": story.version, "reason": "other"},
        )
    return workspace.post(
        f"/moderate/stories/{story.id}/decide/",
        {"action": action, "version": story.version, "reason": "spam", "filters": ""},
    )


@pytest.mark.parametrize(
    ("state", "role", "action"), [c for c in CELLS if c[2] in WORKSPACE_ACTIONS]
)
def test_the_workspace_answers_as_the_table_says(actor, state, role, action):
    story = factories.in_state(state)
    user, _, workspace = actor(role)
    if action != "open":
        _try_claim(story, user)
    story.refresh_from_db()
    response = _workspace_call(workspace, action, story)
    # Opening a story claims it: it answers as the claim does.
    expected = EXPECTED[state, role, "claim" if action == "open" else action]
    if expected == OUT:
        assert response.status_code == 302
        assert response["Location"].startswith("/moderate/login/")
    elif expected == NO:
        assert response.status_code == 403
    elif action == "unpublish":  # the page reports the outcome after a redirect
        assert response.status_code == 302
        assert _changed(story) == (expected == OK)
        return
    elif expected == BUSY:
        assert response.status_code == 409
    else:
        assert response.status_code == (200 if action == "open" else 302)
    if expected == OK and action != "open":
        assert _changed(story)
    if expected != OK:
        assert not _changed(story)
        assert _text_not_shown(story, response)


# --- Queues -------------------------------------------------------------------------------
QUEUE_ANSWERS = {
    "moderator": {Queue.PENDING: OK, Queue.HELD: OK, Queue.SECOND: NO, Queue.ESCALATED: NO},
    "lead": dict.fromkeys(Queue.values, OK),
    "admin": dict.fromkeys(Queue.values, OK),
    "deactivated": dict.fromkeys(Queue.values, OUT),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("queue", Queue.values)
def test_each_queue_answers_each_role_on_both_surfaces(client, actor, role, queue):
    kept = {Queue.SECOND: factories.second_review(), Queue.ESCALATED: factories.escalated()}
    _, token, workspace = actor(role)
    expected = QUEUE_ANSWERS[role][queue]
    page = workspace.get(f"/moderate/?queue={queue}")
    api = _api(client, token, "get", f"queue/?queue={queue}")
    if expected == OUT:
        assert page.status_code == 302 and api.status_code == 401
        return
    assert page.status_code == api.status_code == (200 if expected == OK else 403)
    if expected == NO:
        assert "Only a lead can see this queue." in page.content.decode()
        assert api.json()["detail"] == "Only a lead can see this queue."
        assert str(kept[queue].id) not in page.content.decode() + api.content.decode()


@pytest.mark.parametrize("role", ("moderator", "lead", "admin"))
def test_the_counts_give_only_the_queues_a_role_may_see(client, actor, role):
    factories.second_review()
    factories.escalated(urgent=True)
    _, token, workspace = actor(role)
    from_page = workspace.get("/moderate/counts/").json()
    from_api = _api(client, token, "get", "queue/counts/").json()
    assert from_page == from_api
    visible = {q for q, answer in QUEUE_ANSWERS[role].items() if answer == OK}
    assert set(from_api) == visible | {"urgent"}
    # The urgent story waits in the escalated queue: a moderator is not told of it.
    assert from_api["urgent"] == (1 if Queue.ESCALATED in visible else 0)


# --- Pages that are a role's whole --------------------------------------------------------
PAGES = {
    "/moderate/metrics/": {"moderator": NO, "lead": OK, "admin": OK},
    "/moderate/team/": {"moderator": NO, "lead": OK, "admin": OK},
    "/moderate/published/": {"moderator": NO, "lead": OK, "admin": OK},
    "/moderate/wall/": {"moderator": NO, "lead": OK, "admin": OK},
    "/moderate/clusters/": {"moderator": OK, "lead": OK, "admin": OK},
    "/moderate/preferences/": {"moderator": OK, "lead": OK, "admin": OK},
    "/moderate/tokens/": {"moderator": OK, "lead": OK, "admin": OK},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_each_page_answers_each_role(actor, role, path):
    _, _, workspace = actor(role)
    response = workspace.get(path)
    if role == "deactivated":
        assert response.status_code == 302
        assert response["Location"].startswith("/moderate/login/")
    else:
        assert response.status_code == (200 if PAGES[path][role] == OK else 403)


# --- Accounts -----------------------------------------------------------------------------
# Who may create an account of each role, and change (role, cap, active) or reset the code
# device of an account of each role. A moderator never reaches the team page at all.
ACCOUNT_ANSWERS = {
    "lead": {"moderator": OK, "lead": NO, "admin": NO},
    "admin": {"moderator": OK, "lead": OK, "admin": OK},
}


@pytest.mark.parametrize("actor_role", ("lead", "admin"))
@pytest.mark.parametrize("role", ("moderator", "lead", "admin"))
def test_creating_an_account_of_each_role(actor, actor_role, role):
    from django.contrib.auth import get_user_model

    _, _, workspace = actor(actor_role)
    workspace.post("/moderate/team/", {"do": "create", "username": "newcomer", "role": role})
    made = get_user_model().objects.filter(username="newcomer").first()
    assert (made is not None) == (ACCOUNT_ANSWERS[actor_role][role] == OK)
    if made is not None:
        assert made.is_superuser == (role == "admin")


@pytest.mark.parametrize("actor_role", ("lead", "admin"))
@pytest.mark.parametrize("target_role", ("moderator", "lead", "admin"))
@pytest.mark.parametrize("change", ("deactivate", "cap", "reset_totp"))
def test_changing_an_account_of_each_role(actor, make_user, actor_role, target_role, change):
    _, _, workspace = actor(actor_role)
    target = make_user(target_role)
    AuthToken.objects.create(user=target)
    device_before = target.totpdevice_set.get().pk
    form = {"user": target.pk, "role": target_role, "languages": ["en"], "active": "on"}
    if change == "deactivate":
        form.pop("active")
    if change == "cap":
        form["daily_cap"] = "7"
    form["do"] = "reset_totp" if change == "reset_totp" else "update"
    workspace.post("/moderate/team/", form)
    target.refresh_from_db()
    allowed = ACCOUNT_ANSWERS[actor_role][target_role] == OK
    changed = {
        "deactivate": not target.is_active,
        "cap": target.moderator_profile.daily_cap == 7,
        "reset_totp": target.totpdevice_set.get().pk != device_before,
    }[change]
    assert changed == allowed
    # Resetting the code device or deactivating revokes the API tokens; nothing else does.
    revoked = not AuthToken.objects.filter(user=target).exists()
    assert revoked == (allowed and change in ("deactivate", "reset_totp"))


@pytest.mark.parametrize("new_role", ("lead", "admin"))
def test_a_lead_cannot_promote_a_moderator(actor, make_user, new_role):
    _, _, workspace = actor("lead")
    target = make_user("moderator")
    workspace.post(
        "/moderate/team/",
        {"do": "update", "user": target.pk, "role": new_role, "active": "on"},
    )
    target.refresh_from_db()
    assert not target.is_superuser
    assert list(target.groups.values_list("name", flat=True)) == ["moderator"]


@pytest.mark.parametrize("actor_role", ("lead", "admin"))
def test_nobody_changes_their_own_account_on_the_team_page(actor, actor_role):
    user, _, workspace = actor(actor_role)
    response = workspace.post(
        "/moderate/team/", {"do": "update", "user": user.pk, "role": "moderator"}, follow=True
    )
    user.refresh_from_db()
    assert user.is_active and list(user.groups.values_list("name", flat=True)) == [actor_role]
    assert "You cannot change your own account here." in response.content.decode()


def test_a_moderator_reaches_no_account(actor, make_user):
    _, _, workspace = actor("moderator")
    target = make_user("moderator")
    response = workspace.post("/moderate/team/", {"do": "update", "user": target.pk})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_a_lead_is_told_why_the_admin_account_stays(actor, make_user):
    _, _, workspace = actor("lead")
    admin = make_user("admin")
    response = workspace.post(
        "/moderate/team/", {"do": "reset_totp", "user": admin.pk}, follow=True
    )
    assert "Only an admin can change a lead" in response.content.decode()
